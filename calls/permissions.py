"""The calls' object rules (qa_center.people.permissions says how the rules are written once).

- "calls.view_call": Call.objects.visible_to (agents their own, team leads their teams', reviewers and QA managers all);
- "calls.upload_recording": QA managers and reviewers (they listen to and score calls), on a call they read;
- "calls.manage": imports, mappings, call types and ingest tokens are the QA managers' job.
"""

import rules

from calls.models import Call
from qa_center.people.permissions import is_manager, readable, works_center_wide

rules.add_perm("calls.view_call", readable(Call))
rules.add_perm("calls.manage", is_manager)
rules.add_perm("calls.upload_recording", works_center_wide)

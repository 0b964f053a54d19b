"""The calls' object rules (qa_center.people.permissions says how the rules are written once).

- "calls.view_call": Call.objects.visible_to (agents their own, team leads their teams', reviewers and QA managers all);
- "calls.manage": imports, mappings, call types and ingest tokens are the QA managers' job.
"""

import rules

from calls.models import Call
from qa_center.people.permissions import is_manager, readable

rules.add_perm("calls.view_call", readable(Call))
rules.add_perm("calls.manage", is_manager)

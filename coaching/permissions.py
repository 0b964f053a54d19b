"""Coaching's and the library's object rules (qa_center.people.permissions says how they are written once).

Reading: CoachingSession.objects.visible_to (the agent their own, a team lead the sessions they run and their
teams' agents', QA managers all) and LibraryEntry.objects.visible_to; an action item or an agenda item is read
with its session.
Changing: a session (its agenda, its action items) only by the lead who runs it; the agent confirms their part
and ticks the action items they own; the library is curated by the QA managers.
"""

import rules

from coaching.models import ActionItem, CoachingSession, LibraryEntry
from qa_center.people.permissions import is_agent, is_manager, is_team_lead, readable, readable_through


@rules.predicate
def runs_session(user, session: CoachingSession) -> bool:
    return session.lead_id == user.pk


@rules.predicate
def is_session_agent(user, session: CoachingSession) -> bool:
    return session.agent_id == user.pk


@rules.predicate
def may_tick(user, item: ActionItem) -> bool:
    """The session's lead ticks any item, the agent those they own."""
    own = item.owner == ActionItem.Owner.AGENT and item.session.agent_id == user.pk
    return item.session.lead_id == user.pk or own


@rules.predicate
def is_credited_agent(user, entry: LibraryEntry) -> bool:
    return entry.agent_id is not None and entry.agent_id == user.pk


rules.add_perm("coaching.use_coaching", is_agent | is_team_lead | is_manager)
rules.add_perm("coaching.schedule", is_team_lead)
rules.add_perm("coaching.view_coachingsession", readable(CoachingSession))
rules.add_perm("coaching.change_coachingsession", runs_session)
rules.add_perm("coaching.confirm_coachingsession", is_session_agent)
rules.add_perm("coaching.view_actionitem", readable_through(CoachingSession, "session"))
rules.add_perm("coaching.tick_actionitem", may_tick)
rules.add_perm("coaching.view_libraryentry", readable(LibraryEntry))
rules.add_perm("coaching.curate_library", is_manager)
rules.add_perm("coaching.ask_anonymity", is_credited_agent)

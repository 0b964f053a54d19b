"""Object-level access for coaching: one helper per model (the rule of scorecards/access.py: a role that may never
reach this kind of object gets 403 whatever the pk; an object the user may not see is 404; one they may see but
not change is 403). Views look every object up here.

Sessions: agents reach their own, team leads those they run and their teams' agents', QA managers all (to read).
Only the session's lead changes it; the agent confirms their part and ticks their own action items.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from calls.models import Call
from coaching.library.selectors import may_nominate, sees_internal_clips
from coaching.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    CoachingSession,
    LibraryClip,
    LibraryEntry,
    hash_feed_token,
)
from qa_center.people import roles
from qa_center.people.models import User
from qa_center.people.permissions import require

__all__ = [
    "coachable_agents",
    "get_action_item_for",
    "get_agenda_item_for",
    "get_call_to_nominate_for",
    "get_coachable_agent_for",
    "get_feed_owner",
    "get_library_clip_for",
    "get_library_entry_for",
    "get_library_entry_for_anonymity_request",
    "get_library_entry_for_recording",
    "get_session_for",
    "require_coaching_role",
    "require_library_curator",
    "require_team_lead",
    "sees_coaching",
]


def sees_coaching(user) -> bool:
    """The roles coaching is for: agents (their own), team leads (their teams'), QA managers (everything)."""
    return roles.is_agent(user) or roles.is_team_lead(user) or roles.is_manager(user)


def require_coaching_role(user) -> None:
    require("coaching.use_coaching", user)


def require_team_lead(user) -> None:
    """Scheduling and the week calendar are the team leads' job."""
    require("coaching.schedule", user)


def coachable_agents(lead) -> QuerySet:
    """The active agents of the teams `lead` leads now: the people they may schedule a session with."""
    return User.objects.filter(is_agent=True, is_active=True, team__lead=lead).exclude(pk=lead.pk)


def get_coachable_agent_for(user, pk) -> User:
    """An agent `user` may coach: team leads only (403); anyone else's agent is 404."""
    require_team_lead(user)
    if not str(pk).isdigit():
        raise Http404
    return get_object_or_404(coachable_agents(user).select_related("team"), pk=pk)


def _sessions_for(user) -> QuerySet:
    return CoachingSession.objects.visible_to(user).select_related("lead", "agent", "agent__team")


def get_session_for(user, pk, *, for_change: bool = False, for_agent: bool = False) -> CoachingSession:
    """The session if `user` may read it, else 404. for_change: only its lead (others who read it get 403);
    for_agent: only its agent (what the agent does after the session: confirm, comment)."""
    require_coaching_role(user)
    session = get_object_or_404(_sessions_for(user), pk=pk)
    if for_change:
        require("coaching.change_coachingsession", user, session)
    if for_agent:
        require("coaching.confirm_coachingsession", user, session)
    return session


def get_agenda_item_for(user, pk, *, session_pk) -> AgendaItem:
    """An item of session `session_pk`'s agenda, to change: 404 unless the user reads the session and the item
    is on it; 403 for anyone but the session's lead."""
    session = get_session_for(user, session_pk)
    item = get_object_or_404(AgendaItem, pk=pk, session=session)
    require("coaching.change_coachingsession", user, session)
    item.session = session
    return item


def get_action_item_for(user, pk, *, for_tick: bool = False) -> ActionItem:
    """An action item if the user reads its session, else 404. for_tick: the session's lead ticks any, the
    agent those they own; 403 for the others."""
    require_coaching_role(user)
    visible = CoachingSession.objects.visible_to(user)
    queryset = ActionItem.objects.filter(session__in=visible).select_related(
        "session", "session__lead", "session__agent"
    )
    item = get_object_or_404(queryset, pk=pk)
    if for_tick:
        require("coaching.tick_actionitem", user, item)
    return item


def get_feed_owner(token: str) -> CalendarFeed:
    """The feed whose token this is (the URL is the credential: no sign-in); 404 for any other string."""
    return get_object_or_404(
        CalendarFeed.objects.select_related("user"), user__is_active=True, token_hash=hash_feed_token(token)
    )


# Library


def require_library_curator(user) -> None:
    """Curating the library (approving, editing, clips, anonymising) is the QA managers' job: 403 for others."""
    require("coaching.curate_library", user)


def get_library_entry_for(user, pk, *, for_change: bool = False) -> LibraryEntry:
    """An entry `user` may read (LibraryEntry.objects.visible_to), else 404; with for_change, 403 for all but
    the QA managers."""
    queryset = LibraryEntry.objects.visible_to(user).select_related(
        "call", "call_type", "agent", "nominated_by", "decided_by", "evaluation"
    )
    entry = get_object_or_404(queryset, pk=pk)
    if for_change:
        require_library_curator(user)
    return entry


def get_library_entry_for_recording(user, pk) -> LibraryEntry:
    """The entry whose recording `user` is about to hear.

    The one exception to "agents only hear their own calls": every signed-in person hears the recording of an
    approved entry, and only that call's. A nomination that is not approved (yet) is heard only by those who
    may hear the call anyway (Call.objects.visible_to), so the library never opens another call."""
    entry = get_library_entry_for(user, pk)
    if not entry.is_approved and not rules.has_perm("calls.view_call", user, entry.call):
        raise Http404
    return entry


def get_library_entry_for_anonymity_request(user, pk) -> LibraryEntry:
    """Only the agent credited by an entry asks for it to be anonymised: 403 for others who may read it."""
    entry = get_library_entry_for(user, pk)
    require("coaching.ask_anonymity", user, entry)
    return entry


def get_library_clip_for(user, pk, *, entry_pk, for_change: bool = False) -> LibraryClip:
    """A clip of entry `entry_pk`: 404 unless the user may read the entry and the clip is on it (an internal-only
    clip is 404 to those who may not see it); with for_change, 403 for all but the QA managers."""
    entry = get_library_entry_for(user, entry_pk)
    clips = LibraryClip.objects.filter(entry=entry)
    if not sees_internal_clips(user):
        clips = clips.filter(internal_only=False)
    clip = get_object_or_404(clips, pk=pk)
    if for_change:
        require_library_curator(user)
    clip.entry = entry
    return clip


def get_call_to_nominate_for(user, call_pk) -> Call:
    """A call `user` may put forward for the library: reviewers and QA managers any call, an agent their own.
    Anyone else (a team lead who is not also an agent) gets 403; a call the user may not put forward is 404."""
    if not (roles.works_center_wide(user) or roles.is_agent(user)):
        raise PermissionDenied
    call = get_object_or_404(Call.objects.select_related("agent", "call_type"), pk=call_pk)
    if not may_nominate(user, call):
        raise Http404
    return call

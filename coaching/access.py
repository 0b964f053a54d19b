"""Object-level access for coaching: one helper per model (the rule of scorecards/access.py: a role that may never
reach this kind of object gets 403 whatever the pk; an object the user may not see is 404; one they may see but
not change is 403). Views look every object up here.

Sessions: agents reach their own, team leads those they run and their teams' agents', QA managers all (to read).
Only the session's lead changes it; the agent confirms their part and ticks their own action items.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from coaching.models import ActionItem, AgendaItem, CalendarFeed, CoachingSession, hash_feed_token
from qa_center.people import roles
from qa_center.people.models import User

__all__ = [
    "coachable_agents",
    "get_action_item_for",
    "get_agenda_item_for",
    "get_coachable_agent_for",
    "get_feed_owner",
    "get_session_for",
    "require_coaching_role",
    "require_team_lead",
    "sees_coaching",
]


def sees_coaching(user) -> bool:
    """The roles coaching is for: agents (their own), team leads (their teams'), QA managers (everything)."""
    return roles.is_agent(user) or roles.is_team_lead(user) or roles.is_manager(user)


def require_coaching_role(user) -> None:
    if not sees_coaching(user):
        raise PermissionDenied


def require_team_lead(user) -> None:
    """Scheduling and the week calendar are the team leads' job."""
    if not roles.is_team_lead(user):
        raise PermissionDenied


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
    if for_change and session.lead_id != user.pk:
        raise PermissionDenied
    if for_agent and session.agent_id != user.pk:
        raise PermissionDenied
    return session


def get_agenda_item_for(user, pk, *, session_pk) -> AgendaItem:
    """An item of session `session_pk`'s agenda, to change: 404 unless the user reads the session and the item
    is on it; 403 for anyone but the session's lead."""
    session = get_session_for(user, session_pk)
    item = get_object_or_404(AgendaItem, pk=pk, session=session)
    if session.lead_id != user.pk:
        raise PermissionDenied
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
        own = item.owner == ActionItem.Owner.AGENT and item.session.agent_id == user.pk
        if not (item.session.lead_id == user.pk or own):
            raise PermissionDenied
    return item


def get_feed_owner(token: str) -> CalendarFeed:
    """The feed whose token this is (the URL is the credential: no sign-in); 404 for any other string."""
    return get_object_or_404(
        CalendarFeed.objects.select_related("user"), user__is_active=True, token_hash=hash_feed_token(token)
    )

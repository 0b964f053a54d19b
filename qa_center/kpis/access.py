"""Who may do what with the KPIs (one helper per kind of object; the rule of scorecards/access.py: a role that
can never reach that kind of object -> 403; an object you may not see -> 404).

- Recomputing the snapshots is the QA managers' business.
- Dashboards: QA managers see every one. Team leads see their own teams' dashboards and their agents', and the
  center's and the call types' (figures of the whole center, no person in them: what a lead compares their
  team with). Reviewers work center-wide on calls, not on people's results: the center's and the call types'
  dashboards, no team's or agent's. An agent sees only their own agent dashboard (another agent's is 404);
  the center's, the teams' and the call types' are 403 for them.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from calls.models import CallType
from qa_center.people import roles
from qa_center.people.models import Team, User

__all__ = [
    "get_agent_dashboard_for",
    "get_call_type_dashboard_for",
    "get_team_dashboard_for",
    "may_see_center_dashboard",
    "require_center_dashboard",
    "require_kpi_manager",
    "visible_teams",
]


def require_kpi_manager(user) -> None:
    if not roles.is_manager(user):
        raise PermissionDenied


def may_see_center_dashboard(user) -> bool:
    return roles.is_manager(user) or roles.is_team_lead(user) or roles.is_reviewer(user)


def require_center_dashboard(user) -> None:
    if not may_see_center_dashboard(user):
        raise PermissionDenied


def get_call_type_dashboard_for(user, pk) -> CallType:
    require_center_dashboard(user)
    return get_object_or_404(CallType, pk=pk)


def visible_teams(user):
    """The teams whose dashboards `user` may open (none for reviewers and agents)."""
    if roles.is_manager(user):
        return Team.objects.all()
    if roles.is_team_lead(user):
        return Team.objects.filter(lead=user)
    return Team.objects.none()


def get_team_dashboard_for(user, pk) -> Team:
    if not (roles.is_manager(user) or roles.is_team_lead(user)):
        raise PermissionDenied
    return get_object_or_404(visible_teams(user), pk=pk)


def get_agent_dashboard_for(user, pk) -> User:
    """An agent's dashboard: QA managers any agent's, team leads their teams' agents', an agent their own."""
    if not (roles.is_manager(user) or roles.is_team_lead(user) or roles.is_agent(user)):
        raise PermissionDenied
    agents = User.objects.filter(is_agent=True).select_related("team")
    if not roles.is_manager(user):
        allowed = Q(pk=user.pk) if roles.is_agent(user) else Q(pk__in=[])
        if roles.is_team_lead(user):
            allowed |= Q(team__lead=user)
        agents = agents.filter(allowed)
    return get_object_or_404(agents, pk=pk)

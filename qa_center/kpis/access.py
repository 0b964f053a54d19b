"""Who may do what with the KPIs (the rule of scorecards/access.py: a role that can never reach that kind of
object -> 403; an object you may not see -> 404).

- Recomputing the snapshots and setting targets are the QA managers' business: 403 for others.
- The "today" view: QA managers see every team, team leads the teams they lead; for other roles it is 403 (an
  agent's own figures are on their dashboard).
- Dashboards: QA managers see every one. Team leads see their own teams' dashboards and their agents', and the
  center's and the call types' (figures of the whole center, no person in them: what a lead compares their
  team with). Reviewers work center-wide on calls, not on people's results: the center's and the call types'
  dashboards, no team's or agent's. An agent sees only their own agent dashboard (another agent's is 404);
  the center's, the teams' and the call types' are 403 for them.
- The escalation matrix: every signed-in person reads it ("when do I escalate, to whom"); only QA managers
  change it (403 for others). The escalation figures and the overdue follow-ups: QA managers the whole
  center, team leads their teams; 403 for other roles.
- Insight pages (issue 11): QA managers see the center and every team; team leads their own teams (another
  team asked for: 404); reviewers and agents 403. A survey answer not linked to a call has no team: only the
  QA managers see it (and may mark it followed up).
- Improvement actions: QA managers see, open and edit every one. Team leads see those whose scope is one of
  their teams or an agent of one, and those they own (any other is 404); they mark done or cancel those they
  own. Reviewers and agents: 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from calls.models import CallType, SurveyResponse
from qa_center.kpis.models import ImprovementAction, ScopeKind
from qa_center.people import roles
from qa_center.people.models import Team, User

__all__ = [
    "require_improvement_reader",
    "require_improvement_manager",
    "require_close_improvement_action",
    "may_close_improvement_action",
    "improvement_actions_for",
    "get_improvement_action_for",
    "get_agent_dashboard_for",
    "InsightScope",
    "get_call_type_dashboard_for",
    "get_follow_up_answer_for",
    "insight_scope_for",
    "get_override_scope_for",
    "escalation_team_ids_for",
    "get_team_dashboard_for",
    "may_see_center_dashboard",
    "require_center_dashboard",
    "require_kpi_manager",
    "require_matrix_editor",
    "today_teams_for",
    "visible_teams",
]


def require_kpi_manager(user) -> None:
    if not roles.is_manager(user):
        raise PermissionDenied


def get_override_scope_for(user, scope_kind: str, pk: int) -> Team | CallType:
    """The team or call type whose target overrides a QA manager edits (403 for others, whatever the pk)."""
    require_kpi_manager(user)
    model = {ScopeKind.TEAM: Team, ScopeKind.CALL_TYPE: CallType}[scope_kind]
    scope = model.objects.filter(pk=pk).first()
    if scope is None:
        raise Http404
    return scope


def today_teams_for(user) -> QuerySet[Team]:
    """The teams whose figures the "today" view shows this user (403 for a role that has none)."""
    if roles.is_manager(user):
        return Team.objects.order_by("name")
    if roles.is_team_lead(user):
        return Team.objects.filter(lead=user).order_by("name")
    raise PermissionDenied


# --- Dashboards ----------------------------------------------------------------------------------------------


def may_see_center_dashboard(user) -> bool:
    return roles.is_manager(user) or roles.is_team_lead(user) or roles.is_reviewer(user)


def require_center_dashboard(user) -> None:
    if not may_see_center_dashboard(user):
        raise PermissionDenied


def get_call_type_dashboard_for(user, pk) -> CallType:
    require_center_dashboard(user)
    return get_object_or_404(CallType, pk=pk)


def visible_teams(user) -> QuerySet[Team]:
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


# --- Escalations ---------------------------------------------------------------------------------------------


def require_matrix_editor(user) -> None:
    if not roles.is_manager(user):
        raise PermissionDenied


def escalation_team_ids_for(user) -> tuple[int, ...] | None:
    """The teams whose escalation figures `user` sees: None for the whole center (QA managers), the ids of the
    teams a team lead leads; 403 for other roles."""
    if roles.is_manager(user):
        return None
    if roles.is_team_lead(user):
        return user.led_team_ids()
    raise PermissionDenied


# --- Insight pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InsightScope:
    """What an insight page shows: `teams` (the chosen team, or every team the user may see) and, when `center`,
    the whole center (answers and agents of no team included)."""

    teams: QuerySet[Team]
    team: Team | None
    center: bool


def require_insight(user) -> None:
    if not (roles.is_manager(user) or roles.is_team_lead(user)):
        raise PermissionDenied


def insight_scope_for(user, team_pk: int | None = None) -> InsightScope:
    require_insight(user)
    teams = visible_teams(user).order_by("name")
    if team_pk is None:
        return InsightScope(teams=teams, team=None, center=roles.is_manager(user))
    team = get_object_or_404(teams, pk=team_pk)
    return InsightScope(teams=Team.objects.filter(pk=team.pk), team=team, center=False)


def get_follow_up_answer_for(user, pk) -> SurveyResponse:
    """An NPS answer to mark followed up: QA managers any; team leads those of their teams' calls."""
    require_insight(user)
    answers = SurveyResponse.objects.filter(nps__isnull=False)
    if not roles.is_manager(user):
        answers = answers.filter(call__team__lead=user)
    return get_object_or_404(answers, pk=pk)


# --- Improvement actions -------------------------------------------------------------------------------------


def require_improvement_reader(user) -> None:
    if not (roles.is_manager(user) or roles.is_team_lead(user)):
        raise PermissionDenied


def require_improvement_manager(user) -> None:
    """Opening and editing improvement actions: the QA managers' (403 for others)."""
    require_kpi_manager(user)


def improvement_actions_for(user) -> QuerySet[ImprovementAction]:
    """The improvement actions `user` may see (403 for a role that sees none)."""
    require_improvement_reader(user)
    actions = ImprovementAction.objects.all()
    if roles.is_manager(user):
        return actions
    led = Team.objects.filter(lead=user).values("pk")
    led_agents = User.objects.filter(team__lead=user).values("pk")
    return actions.filter(
        Q(owner=user)
        | Q(scope_kind=ScopeKind.TEAM, scope_id__in=led)
        | Q(scope_kind=ScopeKind.AGENT, scope_id__in=led_agents)
    )


def get_improvement_action_for(user, pk) -> ImprovementAction:
    actions = improvement_actions_for(user).select_related("owner", "created_by", "criterion__section")
    return get_object_or_404(actions, pk=pk)


def may_close_improvement_action(user, action: ImprovementAction) -> bool:
    """Marking done or cancelling: a QA manager, or the action's owner."""
    return roles.is_manager(user) or action.owner_id == user.pk


def require_close_improvement_action(user, action: ImprovementAction) -> None:
    if not may_close_improvement_action(user, action):
        raise PermissionDenied

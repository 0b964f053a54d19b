"""Who may do what with the KPIs. Recomputing the snapshots and setting targets are the QA managers'
business: 403 for others. The "today" view: QA managers see every team, team leads the teams they lead;
for other roles it is 403 (an agent's own figures are on their dashboard)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from calls.models import CallType
from qa_center.kpis.models import ScopeKind
from qa_center.people import roles
from qa_center.people.models import Team

__all__ = ["get_override_scope_for", "require_kpi_manager", "today_teams_for"]


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

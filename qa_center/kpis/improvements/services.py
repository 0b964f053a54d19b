"""Opening, editing and closing improvement actions (issue 11). Closing is a conditional UPDATE on the open
row, so a double click (or a done racing a cancel) closes the action once."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qa_center.kpis import definitions
from qa_center.kpis.models import CENTER_ID, ImprovementAction, ScopeKind

__all__ = ["cancel_action", "default_direction", "mark_done", "open_action", "update_action"]

#: The fields a QA manager sets (open_action's and update_action's keyword arguments).
FIELDS = (
    "title",
    "change",
    "owner",
    "due_on",
    "kpi",
    "scope_kind",
    "scope_id",
    "criterion",
    "target",
    "direction",
    "starts_on",
    "window_days",
)


def default_direction(*, kpi: str, criterion=None) -> str:
    """Which way is better: down for a criterion's failed share, else as the KPI's catalogue entry says."""
    if criterion is not None or not definitions.by_key(kpi).higher_is_better:
        return ImprovementAction.Direction.LOWER
    return ImprovementAction.Direction.HIGHER


def _values(values: dict) -> dict:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if values.get("scope_kind", ScopeKind.CENTER) == ScopeKind.CENTER:
        values["scope_id"] = CENTER_ID
    if not values.get("direction"):
        values["direction"] = default_direction(kpi=values["kpi"], criterion=values.get("criterion"))
    return values


def open_action(*, by, **values) -> ImprovementAction:
    values = _values(values)
    action = ImprovementAction(created_by=by, **values)
    action.full_clean()
    action.save()
    return action


def update_action(*, action: ImprovementAction, **values) -> ImprovementAction:
    values = _values(values)
    for name, value in values.items():
        setattr(action, name, value)
    action.full_clean()
    action.save(update_fields=list(values))
    return action


def _close(action: ImprovementAction, status: str) -> ImprovementAction:
    now = timezone.now()
    closed = ImprovementAction.objects.filter(pk=action.pk, status=ImprovementAction.Status.OPEN).update(
        status=status, done_at=now
    )
    if not closed:
        raise ValidationError(_("This action is already closed."), code="closed")
    action.status, action.done_at = status, now
    return action


def mark_done(*, action: ImprovementAction) -> ImprovementAction:
    return _close(action, ImprovementAction.Status.DONE)


def cancel_action(*, action: ImprovementAction) -> ImprovementAction:
    return _close(action, ImprovementAction.Status.CANCELLED)

"""Changes to the escalation matrix (QA managers only: qa_center.kpis.access.require_matrix_editor) and the
rules they must keep: a level's name is unique however it is written (escalations name it as text), a
functional escalation goes to a department and a hierarchical one to a level of the chain, one rule per type
and reason."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from calls.models import Escalation
from qa_center.kpis.models import EscalationLevel, EscalationRule

__all__ = [
    "delete_level",
    "delete_rule",
    "destination_problem",
    "duplicate_level",
    "duplicate_rule",
    "key",
    "save_level",
    "save_rule",
]


def key(text: str) -> str:
    """A name or reason as the matrix compares them: lower case, without spaces."""
    return text.replace(" ", "").casefold()


def duplicate_level(*, name: str, exclude_pk: int | None = None) -> EscalationLevel | None:
    others = EscalationLevel.objects.exclude(pk=exclude_pk)
    return next((level for level in others if key(level.name) == key(name)), None)


def duplicate_rule(*, type: str, reason: str, exclude_pk: int | None = None) -> EscalationRule | None:
    others = EscalationRule.objects.filter(type=type).exclude(pk=exclude_pk)
    return next((rule for rule in others if key(rule.reason) == key(reason)), None)


def destination_problem(*, type: str, handler: EscalationLevel) -> str | None:
    """Why `handler` cannot take escalations of `type` (None: it can)."""
    if type == Escalation.Type.FUNCTIONAL and handler.kind != EscalationLevel.Kind.DEPARTMENT:
        return _("A functional escalation goes to a department.")
    if type == Escalation.Type.HIERARCHICAL and handler.kind != EscalationLevel.Kind.LEVEL:
        return _("A hierarchical escalation goes to a level of the chain, not a department.")
    return None


def save_level(*, level: EscalationLevel) -> EscalationLevel:
    level.name = " ".join(level.name.split())
    level.save()
    return level


def delete_level(*, level: EscalationLevel) -> bool:
    """Delete a level no rule sends escalations to (False: rules still use it, nothing deleted)."""
    try:
        with transaction.atomic():
            level.delete()
    except ProtectedError:
        return False
    return True


def save_rule(*, rule: EscalationRule, by) -> EscalationRule:
    rule.reason = " ".join(rule.reason.split())
    rule.updated_by = by
    rule.save()
    return rule


def delete_rule(*, rule: EscalationRule) -> None:
    rule.delete()

"""Reading the audit trail: django-simple-history rows as who / when / what / before → after, in words.

Generic over any audited model (qa_center.history): the evaluation page (its own history) and the QA managers'
audit page (every audited model) both describe rows with `describe`. A page of rows costs one query per
history table for the rows (with their author), one for their previous rows, and one per kind of object that
a changed foreign key names (people, criteria, options...), whatever the number of rows.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

__all__ = ["ACTIONS", "Change", "FieldChange", "describe", "with_previous_id"]

ACTIONS = {
    "+": pgettext_lazy("a change in the audit trail", "Created"),
    "~": pgettext_lazy("a change in the audit trail", "Changed"),
    "-": pgettext_lazy("a change in the audit trail", "Deleted"),
}
# Bookkeeping a reader does not need: the row's own id and the automatic timestamps.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "sequence", "search_text"})
TEXT_LIMIT = 300


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Change:
    """One history row in words. `record` is the simple-history row (history_date, history_user, ...)."""

    record: Model
    kind: str
    action: str
    fields: list[FieldChange] = field(default_factory=list)
    object_label: str = ""
    url: str | None = None

    @property
    def model_name(self) -> str:
        return type(self.record).instance_type._meta.model_name

    @property
    def who(self):
        return self.record.history_user

    @property
    def when(self) -> datetime:
        return self.record.history_date


def with_previous_id(history: QuerySet) -> QuerySet:
    """The history rows, each annotated with the id of the same object's row before it (None: its first)."""
    model = history.model
    before = model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by(
        "-history_id"
    )
    return history.annotate(previous_history_id=Subquery(before.values("history_id")[:1]))


def _tracked_fields(record, hide) -> list:
    return [f for f in type(record).tracked_fields if f.name not in hide]


def _label_people(pks: set) -> dict:
    return {person.pk: str(person) for person in get_user_model().objects.filter(pk__in=pks)}


def describe(
    records: Sequence[Model],
    *,
    object_label: Callable[[Model, dict], str] | None = None,
    url: Callable[[Model], str | None] | None = None,
    labellers: dict[type[Model], Callable[[set], dict]] | None = None,
    hide: Iterable[str] = (),
) -> list[Change]:
    """Each row (annotated by `with_previous_id`) with what changed since its previous row: every field
    that differs, with its label and both values in words (choices by their label, people by name, other
    objects through `labellers` or as "#id"). A change of hidden fields only is left out.

    object_label(record, labels) names the object; url(record) links to it."""
    records = list(records)
    if not records:
        return []
    previous = _previous_rows(records)
    hide = HIDDEN_FIELDS | set(hide)
    pairs = []
    wanted: dict[type[Model], set] = defaultdict(set)
    for record in records:
        before = previous.get((type(record), getattr(record, "previous_history_id", None)))
        changed = []
        for model_field in _tracked_fields(record, hide):
            old = None if before is None else getattr(before, model_field.attname)
            new = getattr(record, model_field.attname)
            if record.history_type == "-":
                old, new = new, None
            if old == new or (before is None and record.history_type == "+" and new in (None, "")):
                continue
            changed.append((model_field, old, new))
            if model_field.is_relation:
                wanted[model_field.related_model].update(v for v in (old, new) if v is not None)
        if changed or record.history_type != "~":
            pairs.append((record, changed))
    labels = _labels(wanted, labellers or {})
    return [
        Change(
            record=record,
            kind=str(type(record).instance_type._meta.verbose_name),
            action=str(ACTIONS.get(record.history_type, record.history_type)),
            fields=[
                FieldChange(
                    label=str(f.verbose_name),
                    before=_words(f, old, labels),
                    after=_words(f, new, labels),
                )
                for f, old, new in changed
            ],
            object_label=object_label(record, labels) if object_label else "",
            url=url(record) if url else None,
        )
        for record, changed in pairs
    ]


def _previous_rows(records: Iterable[Model]) -> dict:
    by_model: dict[type[Model], list] = defaultdict(list)
    for record in records:
        if getattr(record, "previous_history_id", None) is not None:
            by_model[type(record)].append(record.previous_history_id)
    # Keyed by (model, history id): two history tables may share an id.
    return {
        (model, row.history_id): row
        for model, ids in by_model.items()
        for row in model.objects.filter(history_id__in=ids)
    }


def _labels(wanted: dict[type[Model], set], labellers: dict) -> dict:
    labels: dict[tuple, str] = {}
    people = get_user_model()
    for model, pks in wanted.items():
        labeller = _label_people if model is people else labellers.get(model)
        if labeller is None:
            continue
        for pk, text in labeller(pks).items():
            labels[model, pk] = text
    return labels


def _words(model_field, value, labels: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return labels.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return floatformat(value, -2)
    text = str(value)
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"

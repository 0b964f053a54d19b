"""The audit page's reads: the changes across every audited model (scorecards and their content, evaluations,
answers, disputes, coaching sessions, action items), newest first, filtered, a bounded page at a time.

Each model keeps its own history table (django-simple-history), so a page is a merge: every table of the
chosen kinds gives its newest PAGE_SIZE + 1 rows beyond the cursor (by its history_date index), and the page
is the newest PAGE_SIZE of them all. The cursor is (history_date, kind, history_id) of the page's last row,
one total order across the tables, so no row is skipped or shown twice whatever lands meanwhile. A page costs
one query per table for its rows, one per table for their previous rows, and one per kind of object named.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Model, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.models import Call, CallType
from coaching.models import ActionItem, CoachingSession
from qa_center.changes import Change, describe, with_previous_id
from qa_center.people.models import Team
from scorecards.evaluations.history import LABELLERS, label_criteria
from scorecards.models import (
    Answer,
    Criterion,
    CriterionOption,
    Dispute,
    DisputeItem,
    Evaluation,
    Scorecard,
    ScorecardVersion,
    Section,
)

__all__ = ["KINDS", "PAGE_SIZE", "AuditPage", "audit_page"]

PAGE_SIZE = 50


@dataclass(frozen=True)
class Kind:
    model: type[Model]
    label: str
    # The object's name, from its history row and the labels fetched for the page.
    name: Callable[[Model, dict], str]
    # The page that shows the object (None: none does, e.g. a deleted draft's section).
    link: Callable[[Model], str | None]
    # Columns the name or the link needs from other tables (one subquery each, in the same query).
    annotations: Callable[[], dict] = dict


def _url(name: str, pk) -> str | None:
    return None if pk is None else reverse(name, args=[pk])


def _version_of_criterion() -> dict:
    return {
        "version_pk": Subquery(Section.objects.filter(pk=OuterRef("section_id")).values("version_id")[:1])
    }


def _version_of_option() -> dict:
    criteria = Criterion.objects.filter(pk=OuterRef("criterion_id")).values("section__version_id")[:1]
    return {"version_pk": Subquery(criteria)}


def _evaluation_of_item() -> dict:
    return {
        "evaluation_pk": Subquery(
            Dispute.objects.filter(pk=OuterRef("dispute_id")).values("evaluation_id")[:1]
        )
    }


def _scorecard_name() -> dict:
    return {
        "scorecard_name": Subquery(Scorecard.objects.filter(pk=OuterRef("scorecard_id")).values("name")[:1])
    }


def _criterion(record, labels) -> str:
    return labels.get((Criterion, record.criterion_id), f"#{record.criterion_id}")


KINDS: dict[str, Kind] = {
    "scorecard": Kind(
        Scorecard,
        gettext_lazy("Scorecards"),
        lambda r, labels: r.name,
        lambda r: _url("scorecards:detail", r.id),
    ),
    "scorecardversion": Kind(
        ScorecardVersion,
        gettext_lazy("Scorecard versions"),
        lambda r, labels: f"{r.scorecard_name or '#' + str(r.scorecard_id)} v{r.number}",
        lambda r: _url("scorecards:version", r.id) if r.history_type != "-" else None,
        _scorecard_name,
    ),
    "section": Kind(
        Section,
        gettext_lazy("Sections"),
        lambda r, labels: r.title,
        lambda r: _url("scorecards:version", r.version_id) if r.history_type != "-" else None,
    ),
    "criterion": Kind(
        Criterion,
        gettext_lazy("Criteria"),
        lambda r, labels: r.title,
        lambda r: _url("scorecards:version", r.version_pk),
        _version_of_criterion,
    ),
    "criterionoption": Kind(
        CriterionOption,
        gettext_lazy("Options of criteria"),
        lambda r, labels: r.label,
        lambda r: _url("scorecards:version", r.version_pk),
        _version_of_option,
    ),
    "evaluation": Kind(
        Evaluation,
        gettext_lazy("Evaluations"),
        lambda r, labels: _("Evaluation #%(pk)s") % {"pk": r.id},
        lambda r: _url("evaluations:detail", r.id),
    ),
    "answer": Kind(
        Answer,
        gettext_lazy("Answers"),
        lambda r, labels: (
            _("%(criterion)s (evaluation #%(pk)s)")
            % {"criterion": _criterion(r, labels), "pk": r.evaluation_id}
        ),
        lambda r: _url("evaluations:detail", r.evaluation_id),
    ),
    "dispute": Kind(
        Dispute,
        gettext_lazy("Disputes"),
        lambda r, labels: (
            _("Dispute #%(pk)s (evaluation #%(evaluation)s)") % {"pk": r.id, "evaluation": r.evaluation_id}
        ),
        lambda r: _url("evaluations:detail", r.evaluation_id),
    ),
    "disputeitem": Kind(
        DisputeItem,
        gettext_lazy("Disputed criteria"),
        lambda r, labels: (
            _("%(criterion)s (dispute #%(pk)s)") % {"criterion": _criterion(r, labels), "pk": r.dispute_id}
        ),
        lambda r: _url("evaluations:detail", r.evaluation_pk),
        _evaluation_of_item,
    ),
    "coachingsession": Kind(
        CoachingSession,
        gettext_lazy("Coaching sessions"),
        lambda r, labels: _("Coaching session #%(pk)s") % {"pk": r.id},
        lambda r: _url("coaching:detail", r.id) if r.history_type != "-" else None,
    ),
    "actionitem": Kind(
        ActionItem,
        gettext_lazy("Action items"),
        lambda r, labels: r.description,
        lambda r: _url("coaching:detail", r.session_id),
    ),
}
ORDER = {code: index for index, code in enumerate(KINDS)}


def _names(model: type[Model], column: str) -> Callable[[set], dict]:
    return lambda pks: dict(model.objects.filter(pk__in=pks).values_list("pk", column))


# What the changed foreign keys name, besides the evaluation page's criteria, options and versions.
OTHER_LABELLERS = {
    Scorecard: _names(Scorecard, "name"),
    Section: _names(Section, "title"),
    Team: _names(Team, "name"),
    Call: _names(Call, "external_id"),
    CallType: _names(CallType, "name"),
}


@dataclass(frozen=True)
class AuditPage:
    changes: list[Change]
    next_cursor: str | None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(
    history: QuerySet, *, who=None, since: date | None = None, until: date | None = None
) -> QuerySet:
    if who is not None:
        history = history.filter(history_user=who)
    if since is not None:
        history = history.filter(history_date__gte=_start_of(since))
    if until is not None:
        history = history.filter(history_date__lt=_start_of(until + timedelta(days=1)))
    return history


def parse_cursor(cursor: str | None) -> tuple[datetime, int, int] | None:
    """ "<iso date>|<kind>|<history id>", or None for the first page (a malformed cursor too)."""
    if not cursor:
        return None
    try:
        moment, kind, history_id = cursor.split("|")
        when = parse_datetime(moment)
        if when is None or kind not in ORDER:
            return None
        return when, ORDER[kind], int(history_id)
    except ValueError:
        return None


def _beyond(cursor: tuple[datetime, int, int] | None, index: int) -> Q:
    """Rows of the table at `index` that come after the cursor in (date, kind, id) descending order."""
    if cursor is None:
        return Q()
    when, kind_index, history_id = cursor
    if index < kind_index:
        return Q(history_date__lte=when)
    if index == kind_index:
        return Q(history_date__lt=when) | Q(history_date=when, history_id__lt=history_id)
    return Q(history_date__lt=when)


def _key(code: str, record) -> tuple:
    return (record.history_date, ORDER[code], record.history_id)


def audit_page(
    *, kind: str | None = None, who=None, since=None, until=None, cursor: str | None = None
) -> AuditPage:
    position = parse_cursor(cursor)
    codes = [kind] if kind else list(KINDS)
    rows = []
    for code in codes:
        spec = KINDS[code]
        history = _filtered(spec.model.history.all(), who=who, since=since, until=until)
        history = (
            with_previous_id(history.filter(_beyond(position, ORDER[code])))
            .annotate(**spec.annotations())
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        rows.extend((code, record) for record in history[: PAGE_SIZE + 1])
    rows.sort(key=lambda pair: _key(*pair), reverse=True)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    code_of = {id(record): code for code, record in rows}
    records = [record for _code, record in rows]
    # The criteria that answers and disputed criteria are about: one query, with those a change names.
    criteria = label_criteria(
        {r.criterion_id for r in records if isinstance(r, Answer.history.model | DisputeItem.history.model)}
    )

    about = {(Criterion, pk): title for pk, title in criteria.items()}

    def more_criteria(pks: set) -> dict:
        return {**criteria, **label_criteria(pks - criteria.keys())}

    changes = describe(
        records,
        object_label=lambda r, labels: KINDS[code_of[id(r)]].name(r, {**labels, **about}),
        url=lambda r: KINDS[code_of[id(r)]].link(r),
        labellers={**LABELLERS, **OTHER_LABELLERS, Criterion: more_criteria},
    )
    next_cursor = None
    if more and rows:
        code, last = rows[-1]
        next_cursor = f"{last.history_date.isoformat()}|{code}|{last.history_id}"
    return AuditPage(changes=changes, next_cursor=next_cursor)

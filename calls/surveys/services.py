"""Writing survey answers, with or without a call (DESIGN.md capability 1; issue 7, item 7).

Used by the survey batch API, the survey import's writer and the call survey endpoint alike. The rules
(decisions, so that a reader can find them here):

- Key: an answer with a response id (`external_id`) is upserted by it; one without is upserted by its
  call (a call has at most one answer). An answer with neither a response id nor a call is refused:
  sending it again would count it twice.
- Link: by call external id (an unknown one refuses the answer: a typo must not silently unlink it), or
  else by case id. A case id is always stored as sent; the answer is linked to the case's latest call
  that started at or before the answer (the contact the customer answers about), or the case's latest
  call when the answer has no time or all its calls are later. A case with no call yet stores the answer
  unlinked (center level) until it is sent again once the calls are in.
- A call has one answer: an answer that would link to a call already answered by another response id,
  or to a call an earlier answer of the same batch links to, is refused with the other's id or position.
  An answer with no response id for a call answered without one replaces it (the call survey endpoint).
- What is replaced and what is kept on an update: the scores and the comment are the answer, replaced
  whole; call, case and segment say where it belongs and are kept when not sent (never unlinked by a
  file without a call column); the time is kept when not sent.
- Time: `responded_at` as sent (source "given"), from 2000 to a day ahead like a call's times
  (calls.fields.TimeRange: refused otherwise, for the API and the survey import alike); without one, a new answer takes its call's start (source
  "call"), and follows it (`follow_call_start`) until a time is sent. No time and no call: refused.

Set-based: a batch costs the same handful of queries whatever its size (the calls named, the cases
named, the answers already stored, one UPDATE and one INSERT), not a query per answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy

from calls.fields import TimeRange
from calls.models import Call, SurveyResponse
from calls.reasons import declare

TEXT_LIMIT = 100  # response id, call external id, case id, segment
SOURCE = SurveyResponse.TimeSource
# The columns an answer is written with, in the model's order.
COLUMNS = (
    "external_id",
    "call",
    "case_id",
    "segment",
    "nps",
    "csat",
    "comment",
    "responded_at",
    "responded_at_source",
)


# Why an answer is refused (calls.reasons: codes, shown in the reader's language where they are stored:
# the survey import's refused rows; the API answers with their text).
NEEDS_SCORE = declare("surveys.needs_score", gettext_lazy("A survey answer needs an NPS or a CSAT score."))
NPS_RANGE = declare("surveys.nps_range", gettext_lazy("NPS is from 0 to 10."))
CSAT_RANGE = declare("surveys.csat_range", gettext_lazy("CSAT is from 1 to 5."))
AT_MOST = declare("surveys.at_most", gettext_lazy("At most %(max)d characters."))
SLASH_IN_RESPONSE_ID = declare("surveys.slash_in_id", gettext_lazy("A response id cannot contain “/”."))
NEEDS_KEY = declare(
    "surveys.needs_key",
    gettext_lazy("An answer needs a response id or a call to link it to: sent again, it would count twice."),
)
SAME_RESPONSE_ID = declare("surveys.same_response_id", gettext_lazy("Same response id as %(other)s."))
SAME_CALL = declare(
    "surveys.same_call",
    gettext_lazy("The answer at %(other)s is about the same call; a call has one answer."),
)
LINE = declare("surveys.line", gettext_lazy("line %(line)d"))
INDEX = declare("surveys.index", gettext_lazy("index %(index)d"))
NO_SUCH_CALL = declare("surveys.no_such_call", gettext_lazy("No call has the external id “%(id)s”."))
CALL_ANSWERED = declare(
    "surveys.call_answered",
    gettext_lazy("This call already has another survey answer (response id “%(id)s”)."),
)
CALL_ANSWERED_WITH_CALL = declare(
    "surveys.call_answered_with_call",
    gettext_lazy("This call already has another survey answer, recorded with the call."),
)
SAME_ANSWER = declare(
    "surveys.same_answer", gettext_lazy("Another answer of this batch updates the same answer.")
)
CASE_WITHOUT_CALL_NEEDS_ID = declare(
    "surveys.case_without_call_needs_id",
    gettext_lazy(
        "No call of the case “%(case)s” is known yet, and the answer has no response id "
        "to be updated by when sent again."
    ),
)
CASE_WITHOUT_CALL_NEEDS_TIME = declare(
    "surveys.case_without_call_needs_time",
    gettext_lazy("No call of the case “%(case)s” is known yet, so the answer needs its time."),
)
NEEDS_TIME = declare(
    "surveys.needs_time", gettext_lazy("An answer without a call needs the time it was given.")
)


@dataclass(frozen=True, kw_only=True)
class SurveyAnswer:
    """One answer as a caller has parsed it (aware datetime, integer scores, stripped text)."""

    external_id: str = ""
    nps: int | None = None
    csat: int | None = None
    comment: str = ""
    responded_at: datetime | None = None
    segment: str = ""
    call_external_id: str = ""
    case_id: str = ""


@dataclass(frozen=True)
class RefusedAnswer:
    index: int  # position in the rows given
    errors: dict[str, list[str]]  # field → messages, for the user

    @property
    def message(self) -> str:
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in self.errors.items())


@dataclass
class SurveyWriteResult:
    statuses: list[str]  # per row: "created", "updated", "unchanged" or "refused"
    refused: list[RefusedAnswer] = field(default_factory=list)
    saved: dict[int, SurveyResponse] = field(default_factory=dict)  # row index → stored answer

    def count(self, status: str) -> int:
        return self.statuses.count(status)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def _own_errors(row: SurveyAnswer, in_range: TimeRange) -> dict[str, list[str]]:
    """What is wrong with the answer on its own, before anything is looked up."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if row.nps is None and row.csat is None:
        add("nps", NEEDS_SCORE())
    if row.nps is not None and not 0 <= row.nps <= 10:
        add("nps", NPS_RANGE())
    if row.csat is not None and not 1 <= row.csat <= 5:
        add("csat", CSAT_RANGE())
    for name in ("external_id", "call_external_id", "case_id", "segment"):
        if len(getattr(row, name)) > TEXT_LIMIT:
            add(name, AT_MOST(max=TEXT_LIMIT))
    if "/" in row.external_id:
        add("external_id", SLASH_IN_RESPONSE_ID())
    if row.responded_at is not None and (refused := in_range.refusal(row.responded_at)) is not None:
        add("responded_at", refused)  # before 2000 or more than a day ahead, as for a call's times
    if not row.external_id and not row.call_external_id and not row.case_id:
        add("external_id", NEEDS_KEY())
    return errors


def same_response_id(other: str) -> str:
    """The reason an answer repeating an earlier one's response id is refused; `other` names that one."""
    return SAME_RESPONSE_ID(other=other)


def same_call(other: str) -> str:
    """The reason an answer about a call an earlier one is about is refused."""
    return SAME_CALL(other=other)


@dataclass(frozen=True)
class _Positions:
    """How messages name another row: by its line in the file, else by its index in the request."""

    lines: Sequence[int] | None
    indexes: Sequence[int] | None

    def __call__(self, index: int) -> str:
        if self.lines is not None:
            return LINE(line=self.lines[index])
        return INDEX(index=index if self.indexes is None else self.indexes[index])


def _case_call(calls: list[tuple[int, datetime]], at: datetime | None) -> tuple[int, datetime]:
    """The call of a case an answer is about: the latest one started at or before the answer, else the
    latest one. `calls` are (pk, started_at) oldest first."""
    if at is not None:
        before = [call for call in calls if call[1] <= at]
        if before:
            return before[-1]
    return calls[-1]


def record_survey_answers(
    *,
    rows: Sequence[SurveyAnswer],
    lines: Sequence[int] | None = None,
    indexes: Sequence[int] | None = None,
) -> SurveyWriteResult:
    """Create or update the answers of one batch; each refused one is reported with its reasons.

    Messages that point at another row name it by its line (`lines`, the rows' line numbers in a file),
    else by its index in the request (`indexes`, default the position in `rows`).
    """
    positions = _Positions(lines, indexes)
    try:
        return _record_once(rows, positions)
    except IntegrityError:
        # A concurrent writer stored one of these response ids or calls meanwhile: now they are updates
        # (or refusals with their reason).
        return _record_once(rows, positions)


@transaction.atomic
def _record_once(rows: Sequence[SurveyAnswer], position: _Positions) -> SurveyWriteResult:
    result = SurveyWriteResult(statuses=[""] * len(rows))
    errors: dict[int, dict[str, list[str]]] = {}
    in_range = TimeRange.now()
    for index, row in enumerate(rows):
        if own := _own_errors(row, in_range):
            errors[index] = own
    candidates = [index for index in range(len(rows)) if index not in errors]

    call_ids = {row.call_external_id for i in candidates if (row := rows[i]).call_external_id}
    calls_by_external_id: dict[str, tuple[int, datetime]] = {}
    if call_ids:
        calls_by_external_id = {
            external_id: (pk, started_at)
            for external_id, pk, started_at in Call.objects.filter(external_id__in=call_ids).values_list(
                "external_id", "pk", "started_at"
            )
        }
    case_ids = {row.case_id for i in candidates if (row := rows[i]).case_id and not row.call_external_id}
    calls_by_case: dict[str, list[tuple[int, datetime]]] = {}
    if case_ids:
        case_calls = (
            Call.objects.filter(case_id__in=case_ids)
            .order_by("started_at", "pk")
            .values_list("case_id", "pk", "started_at")
        )
        for case_id, pk, started_at in case_calls:
            calls_by_case.setdefault(case_id, []).append((pk, started_at))

    # The call each answer links to (None: unlinked, or keeps its stored link).
    targets: dict[int, tuple[int, datetime] | None] = {}
    for index in candidates:
        row = rows[index]
        if row.call_external_id:
            call = calls_by_external_id.get(row.call_external_id)
            if call is None:
                errors[index] = {"call_external_id": [NO_SUCH_CALL(id=row.call_external_id)]}
                continue
            targets[index] = call
        elif row.case_id and row.case_id in calls_by_case:
            targets[index] = _case_call(calls_by_case[row.case_id], row.responded_at)
        else:
            targets[index] = None
    candidates = [index for index in candidates if index not in errors]

    response_ids = {rows[i].external_id for i in candidates if rows[i].external_id}
    linked = {call[0] for call in targets.values() if call is not None}
    stored = SurveyResponse.objects.select_for_update().filter(
        Q(external_id__in=response_ids) | Q(call_id__in=linked)
    )
    by_external_id: dict[str, SurveyResponse] = {}
    by_call: dict[int, SurveyResponse] = {}
    for survey in stored:
        if survey.external_id:
            by_external_id[survey.external_id] = survey
        if survey.call_id is not None:
            by_call[survey.call_id] = survey

    first_with_id: dict[str, int] = {}
    first_on_call: dict[int, int] = {}
    claimed: set[int] = set()  # stored answers this batch already writes
    new: list[tuple[int, SurveyResponse]] = []
    changed: list[tuple[int, SurveyResponse]] = []
    for index in candidates:
        row, target = rows[index], targets[index]
        if row.external_id and row.external_id in first_with_id:
            errors[index] = {"external_id": [same_response_id(position(first_with_id[row.external_id]))]}
            continue
        call_pk = None if target is None else target[0]
        if call_pk is not None and call_pk in first_on_call:
            errors[index] = {"call_external_id": [same_call(position(first_on_call[call_pk]))]}
            continue

        survey = by_external_id.get(row.external_id) if row.external_id else None
        occupant = by_call.get(call_pk) if call_pk is not None else None
        if survey is None and occupant is not None and (not occupant.external_id or not row.external_id):
            survey = occupant  # the call's answer, sent again (or now with its response id)
        if occupant is not None and occupant is not survey:
            if occupant.external_id:
                message = CALL_ANSWERED(id=occupant.external_id)
            else:
                message = CALL_ANSWERED_WITH_CALL()
            errors[index] = {"call_external_id": [message]}
            continue
        if survey is not None and survey.pk in claimed:
            errors[index] = {"external_id": [SAME_ANSWER()]}
            continue
        if target is None and not row.external_id:
            errors[index] = {"case_id": [CASE_WITHOUT_CALL_NEEDS_ID(case=row.case_id)]}
            continue
        if survey is None and target is None and row.responded_at is None:
            message = CASE_WITHOUT_CALL_NEEDS_TIME(case=row.case_id) if row.case_id else NEEDS_TIME()
            errors[index] = {"responded_at": [message]}
            continue

        if row.external_id:
            first_with_id[row.external_id] = index
        if call_pk is not None:
            first_on_call[call_pk] = index
        values = _values(row, target, survey)
        if survey is None:
            survey = SurveyResponse(external_id=row.external_id, **values)
            new.append((index, survey))
            result.statuses[index] = "created"
        else:
            claimed.add(survey.pk)
            differs = [name for name, value in values.items() if getattr(survey, name) != value]
            if row.external_id and survey.external_id != row.external_id:
                differs.append("external_id")
                survey.external_id = row.external_id
            for name in differs:
                if name != "external_id":
                    setattr(survey, name, values[name])
            if differs:
                changed.append((index, survey))
                result.statuses[index] = "updated"
            else:
                result.statuses[index] = "unchanged"
        result.saved[index] = survey

    _write([survey for _index, survey in changed], [survey for _index, survey in new])
    for index, messages in sorted(errors.items()):
        result.statuses[index] = "refused"
        result.saved.pop(index, None)
        result.refused.append(RefusedAnswer(index, messages))
    return result


def _write(changed: list[SurveyResponse], new: list[SurveyResponse]) -> None:
    """One UPDATE and one INSERT through `executemany`, whatever the batch size (the ORM's bulk methods
    split a batch into a statement per hundred rows on SQLite and prepare every value one by one), then
    one SELECT for the new answers' primary keys."""
    if not changed and not new:
        return
    quote = connection.ops.quote_name
    table = quote(SurveyResponse._meta.db_table)
    columns = [quote(SurveyResponse._meta.get_field(name).column) for name in COLUMNS]
    adapt = connection.ops.adapt_datetimefield_value

    def values(survey: SurveyResponse) -> list[Any]:
        return [
            adapt(value) if name == "responded_at" else value
            for name, value in (
                (name, getattr(survey, name if name != "call" else "call_id")) for name in COLUMNS
            )
        ]

    with connection.cursor() as cursor:
        if changed:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s",  # noqa: S608 - identifiers from model metadata
                [[*values(survey), survey.pk] for survey in changed],
            )
        if new:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608 - identifiers from model metadata
                [values(survey) for survey in new],
            )
    if new:
        with_id = {survey.external_id: survey for survey in new if survey.external_id}
        by_call = {survey.call_id: survey for survey in new if not survey.external_id}
        stored = SurveyResponse.objects.filter(
            Q(external_id__in=list(with_id)) | Q(external_id="", call_id__in=list(by_call))
        ).values_list("pk", "external_id", "call_id")
        for pk, external_id, call_id in stored:
            (with_id[external_id] if external_id else by_call[call_id]).pk = pk


def _values(
    row: SurveyAnswer, target: tuple[int, datetime] | None, survey: SurveyResponse | None
) -> dict[str, Any]:
    """The stored values of the answer `row` writes (see the module's rules)."""
    values: dict[str, Any] = {"nps": row.nps, "csat": row.csat, "comment": row.comment}
    if target is not None:
        values["call_id"] = target[0]
    elif survey is None:
        values["call_id"] = None
    if row.case_id or survey is None:
        values["case_id"] = row.case_id
    if row.segment or survey is None:
        values["segment"] = row.segment
    if row.responded_at is not None:
        values["responded_at"] = row.responded_at
        values["responded_at_source"] = SOURCE.GIVEN
    elif target is not None and (survey is None or survey.responded_at_source == SOURCE.CALL):
        values["responded_at"] = target[1]
        values["responded_at_source"] = SOURCE.CALL
    return values


def settle_time_source(*, survey: SurveyResponse, changed: Iterable[str]) -> None:
    """An answer edited by hand (the admin): a time typed in, or an answer no longer linked to a call,
    is a given time, which no call moves any more."""
    changed = set(changed)
    if "responded_at" in changed or survey.call_id is None:
        survey.responded_at_source = SOURCE.GIVEN


def follow_call_start(*, call_ids: Iterable[int]) -> int:
    """Move the answers whose time came from their call to the call's current start; returns how many moved.

    To be called after the start of these calls changed (a re-import, the call API); calling it for calls
    whose start did not change writes nothing. One UPDATE.
    """
    call_ids = list(call_ids)
    if not call_ids:
        return 0
    start = Call.objects.filter(pk=OuterRef("call_id")).values("started_at")[:1]
    return (
        SurveyResponse.objects.filter(call_id__in=call_ids, responded_at_source=SOURCE.CALL)
        .exclude(responded_at=Subquery(start))
        .update(responded_at=Subquery(start))
    )

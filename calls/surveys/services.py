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
named, the answers already stored, one UPDATE and one INSERT; one SELECT more for the new answers' keys
when the caller reads `saved`), not a query per answer. An import sends a hundred thousand answers through
here, so the batch is handled as plain values: plain SQL for the lookups (the ORM prepares each value of an
IN list one by one), tuples rather than a model instance per answer, and model instances only for `saved`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy

from calls.fields import TimeRange
from calls.imports.converters import datetime_adapter, datetime_reader, datetime_selected
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
    # responded_at in the database's form (datetime_adapter's value), when the caller had it at hand: the
    # survey import reads it off the cell where it can (calls.imports.converters). None: adapted when written.
    responded_at_stored: Any = field(default=None, compare=False, repr=False)


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
    # row index → (pk, the stored values in COLUMNS' order) of each answer written or found unchanged; the
    # pk of a new answer is None until `saved` is read, and its time is in the database's form (the
    # driver's value, as written: a file's batches never need it as a datetime).
    stored: dict[int, tuple[int | None, tuple[Any, ...]]] = field(default_factory=dict, repr=False)

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

    @cached_property
    def saved(self) -> dict[int, SurveyResponse]:
        """Row index → the stored answer, as a model instance. Built on first use, with one query for the
        new answers' primary keys: a file's batches only need the statuses."""
        new = [index for index, (pk, _values) in self.stored.items() if pk is None]
        pks = dict(zip(new, _new_pks([self.stored[index][1] for index in new]), strict=True))
        names = ["id", *(_ATTNAMES[name] for name in COLUMNS)]
        order = [names.index(f.attname) for f in SurveyResponse._meta.concrete_fields]
        read = datetime_reader()
        saved = {}
        for index, (pk, values) in self.stored.items():
            if pk is None:  # a new answer: its time as written
                values = (*values[:_AT], read(values[_AT]), *values[_AT + 1 :])
            row = (pks[index] if pk is None else pk, *values)
            saved[index] = SurveyResponse.from_db(connection.alias, None, [row[i] for i in order])
        return saved


def _own_errors(row: SurveyAnswer, in_range: TimeRange) -> dict[str, list[str]]:
    """What is wrong with the answer on its own, before anything is looked up."""
    nps, csat, at = row.nps, row.csat, row.responded_at
    earliest, latest = in_range.earliest, in_range.latest
    if (
        (nps is not None or csat is not None)
        and (nps is None or 0 <= nps <= 10)
        and (csat is None or 1 <= csat <= 5)
        and len(row.external_id) <= TEXT_LIMIT
        and len(row.call_external_id) <= TEXT_LIMIT
        and len(row.case_id) <= TEXT_LIMIT
        and len(row.segment) <= TEXT_LIMIT
        and "/" not in row.external_id
        and (row.external_id or row.call_external_id or row.case_id)
        # TimeRange.refusal's test, inlined (the years first: an aware year-1 value can overflow when
        # compared across zones; a naive time is refused below, as refusal reads it)
        and (
            at is None
            or (
                earliest.year <= at.year <= latest.year and at.tzinfo is not None and earliest <= at <= latest
            )
        )
    ):
        return {}  # the common case, in one pass of cheap tests; the same tests one by one below
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if nps is None and csat is None:
        add("nps", NEEDS_SCORE())
    if nps is not None and not 0 <= nps <= 10:
        add("nps", NPS_RANGE())
    if csat is not None and not 1 <= csat <= 5:
        add("csat", CSAT_RANGE())
    for name in ("external_id", "call_external_id", "case_id", "segment"):
        if len(getattr(row, name)) > TEXT_LIMIT:
            add(name, AT_MOST(max=TEXT_LIMIT))
    if "/" in row.external_id:
        add("external_id", SLASH_IN_RESPONSE_ID())
    if at is not None and (refused := in_range.refusal(at)) is not None:
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


# The errors' key for a row repeating one of an earlier batch of its file: about the row as a whole, named by
# that row's line, not by a field.
EARLIER_LINE = ""


@dataclass
class FileAnswers:
    """The answers earlier batches of one file wrote, by response id and by call (pk) → their line: a later
    row repeating one is refused ("same response id as line N"), not merged into it. The survey import keeps
    one per file and passes it with each batch; the service adds each batch's answers once they are written."""

    ids: dict[str, int] = field(default_factory=dict)
    calls: dict[int, int] = field(default_factory=dict)


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
    earlier: FileAnswers | None = None,
    checked: bool = False,
) -> SurveyWriteResult:
    """Create or update the answers of one batch; each refused one is reported with its reasons.

    Messages that point at another row name it by its line (`lines`, the rows' line numbers in a file),
    else by its index in the request (`indexes`, default the position in `rows`). `earlier`: a file's
    answers written by its earlier batches (with `lines`), which this batch's rows may not repeat.

    `checked`: the rows come from the survey import's converters (calls.surveys.importing.SurveyPlan),
    which refuse a row whose scores, lengths, response id or time `_own_errors` would refuse (each with
    the file's own wording, before the row gets here): only an answer without a key (response id, call
    or case) is tested again, by `_own_errors`, the same refusal as without `checked`.
    """
    positions = _Positions(lines, indexes)
    try:
        return _record_once(rows, positions, earlier, checked)
    except IntegrityError:
        # A concurrent writer stored one of these response ids or calls meanwhile: now they are updates
        # (or refusals with their reason).
        return _record_once(rows, positions, earlier, checked)


# Positions in a stored answer's values (COLUMNS' order).
_EXTERNAL_ID, _CALL, _CASE, _SEGMENT, _NPS, _CSAT, _COMMENT, _AT, _SOURCE = range(len(COLUMNS))
_ATTNAMES = {name: "call_id" if name == "call" else name for name in COLUMNS}
GIVEN, FROM_CALL = SOURCE.GIVEN.value, SOURCE.CALL.value


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _member_of(column: str, values: Collection[Any]) -> tuple[str, list[Any]]:
    """`column IN (values)` as SQL and its parameters: one parameter whatever the count on SQLite (a JSON
    array, read by json_each; each "%s" of a query is rewritten and each value bound on its own, and a
    batch's lookups name thousands) and PostgreSQL (an array), a placeholder a value elsewhere."""
    if connection.vendor == "sqlite":
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]  # noqa: S608 - a column name from model metadata
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({_placeholders(values)})", list(values)


def _select(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Plain SQL for the batch's lookups: the ORM prepares every value of an IN list one by one, which on
    an import's batches costs more than the queries themselves."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _calls_named(external_ids: set[str]) -> dict[str, tuple[int, datetime]]:
    """external id → (pk, started_at) of the calls named by the batch."""
    if not external_ids:
        return {}
    read = datetime_reader()
    named, params = _member_of(_column(Call, "external_id"), external_ids)
    started = datetime_selected(_column(Call, "started_at"))
    sql = (
        f"SELECT {_column(Call, 'external_id')}, {_column(Call, 'id')}, {started} "  # noqa: S608 - identifiers from model metadata
        f"FROM {_table(Call)} WHERE {named}"
    )
    return {external_id: (pk, read(started)) for external_id, pk, started in _select(sql, params)}


def _calls_of_cases(case_ids: set[str]) -> dict[str, list[tuple[int, datetime]]]:
    """case id → its calls' (pk, started_at), oldest first."""
    calls_by_case: dict[str, list[tuple[int, datetime]]] = {}
    if not case_ids:
        return calls_by_case
    read = datetime_reader()
    started, pk = _column(Call, "started_at"), _column(Call, "id")
    named, params = _member_of(_column(Call, "case_id"), case_ids)
    sql = (
        f"SELECT {_column(Call, 'case_id')}, {pk}, {datetime_selected(started)} FROM {_table(Call)} "  # noqa: S608 - identifiers from model metadata
        f"WHERE {named} ORDER BY {started}, {pk}"
    )
    for case_id, call_pk, call_started in _select(sql, params):
        calls_by_case.setdefault(case_id, []).append((call_pk, read(call_started)))
    return calls_by_case


def _stored_answers(response_ids: set[str], call_pks: set[int]) -> list[tuple[Any, ...]]:
    """(pk, *values in COLUMNS' order) of the stored answers with one of these response ids or calls,
    locked for this transaction where the database can. The response id test repeats the partial unique
    index's condition, so that the index is used (SQLite otherwise reads the whole table)."""
    if not response_ids and not call_pks:
        return []
    external_id, call = _column(SurveyResponse, "external_id"), _column(SurveyResponse, "call")
    where, params = [], []
    if response_ids:
        named, named_params = _member_of(external_id, response_ids)
        where.append(f"({named} AND NOT ({external_id} = ''))")
        params += named_params
    if call_pks:
        named, named_params = _member_of(call, call_pks)
        where.append(named)
        params += named_params
    columns = ", ".join(
        datetime_selected(_column(SurveyResponse, name))
        if name == "responded_at"
        else _column(SurveyResponse, name)
        for name in ("id", *COLUMNS)
    )
    sql = f"SELECT {columns} FROM {_table(SurveyResponse)} WHERE {' OR '.join(where)}"  # noqa: S608 - identifiers from model metadata
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    read = datetime_reader()
    return [(*row[: _AT + 1], read(row[_AT + 1]), *row[_AT + 2 :]) for row in _select(sql, params)]


@transaction.atomic
def _record_once(
    rows: Sequence[SurveyAnswer], position: _Positions, earlier: FileAnswers | None, checked: bool
) -> SurveyWriteResult:
    result = SurveyWriteResult(statuses=[""] * len(rows))
    statuses = result.statuses
    errors: dict[int, dict[str, list[str]]] = {}
    in_range = TimeRange.now()
    candidates: list[tuple[int, SurveyAnswer]] = []
    response_ids: set[str] = set()
    call_ids: set[str] = set()  # the calls named, and the cases of the answers that name no call
    case_ids: set[str] = set()
    for index, row in enumerate(rows):
        # Rows `checked` by the import's converters can only fail _own_errors for want of a key.
        if (not checked or not (row.external_id or row.call_external_id or row.case_id)) and (
            own := _own_errors(row, in_range)
        ):
            errors[index] = own
            continue
        candidates.append((index, row))
        if row.external_id:
            response_ids.add(row.external_id)
        if row.call_external_id:
            call_ids.add(row.call_external_id)
        elif row.case_id:
            case_ids.add(row.case_id)

    calls_by_external_id = _calls_named(call_ids)
    calls_by_case = _calls_of_cases(case_ids)
    # The stored answers of these response ids and of every call named (of a case named: each of its calls,
    # the one an answer links to among them), in one query before the pass that links and decides.
    call_pks = {call[0] for call in calls_by_external_id.values()}
    call_pks.update(call[0] for calls in calls_by_case.values() for call in calls)
    stored = _stored_answers(response_ids, call_pks)
    # pk → values (COLUMNS' order), and the pks by response id and by call.
    values_of: dict[int, tuple[Any, ...]] = {}
    by_external_id: dict[str, int] = {}
    by_call: dict[int, int] = {}
    for pk, *values in stored:
        values_of[pk] = tuple(values)
        if values[_EXTERNAL_ID]:
            by_external_id[values[_EXTERNAL_ID]] = pk
        if values[_CALL] is not None:
            by_call[values[_CALL]] = pk

    first_with_id: dict[str, int] = {}  # row index of this batch's answer with a response id, with a call
    first_on_call: dict[int, int] = {}
    # The lines of the file's earlier batches' answers (neither dict holds "" nor None).
    earlier_ids, earlier_calls = (earlier.ids, earlier.calls) if earlier is not None else ({}, {})
    claimed: set[int] = set()  # stored answers this batch already writes
    new: list[tuple[Any, ...]] = []  # values as written (the time in the database's form)
    adapt = datetime_adapter()
    changed: list[tuple[int, int, tuple[Any, ...]]] = []  # (row index, pk, values)
    kept = result.stored
    # Neither first_with_id, earlier_ids nor by_external_id holds "", nor first_on_call, earlier_calls or
    # by_call None: an answer without a response id, or without a call, is looked up without testing first.
    for index, row in candidates:
        # The call the answer links to (None: unlinked, or keeps its stored link).
        if row.call_external_id:
            target = calls_by_external_id.get(row.call_external_id)
            if target is None:
                errors[index] = {"call_external_id": [NO_SUCH_CALL(id=row.call_external_id)]}
                continue
        elif row.case_id and row.case_id in calls_by_case:
            target = _case_call(calls_by_case[row.case_id], row.responded_at)
        else:
            target = None
        external_id = row.external_id
        if external_id in first_with_id:
            errors[index] = {"external_id": [same_response_id(position(first_with_id[external_id]))]}
            continue
        if external_id in earlier_ids:
            errors[index] = {EARLIER_LINE: [same_response_id(LINE(line=earlier_ids[external_id]))]}
            continue
        if target is None:
            call_pk = occupant = None
        else:
            call_pk = target[0]
            if call_pk in first_on_call:
                errors[index] = {"call_external_id": [same_call(position(first_on_call[call_pk]))]}
                continue
            if call_pk in earlier_calls:
                errors[index] = {EARLIER_LINE: [same_call(LINE(line=earlier_calls[call_pk]))]}
                continue
            occupant = by_call.get(call_pk)

        pk = by_external_id.get(external_id)
        if occupant is not None:
            if pk is None and (not values_of[occupant][_EXTERNAL_ID] or not external_id):
                pk = occupant  # the call's answer, sent again (or now with its response id)
            if occupant != pk:
                if other := values_of[occupant][_EXTERNAL_ID]:
                    message = CALL_ANSWERED(id=other)
                else:
                    message = CALL_ANSWERED_WITH_CALL()
                errors[index] = {"call_external_id": [message]}
                continue
        if pk is not None and pk in claimed:
            errors[index] = {"external_id": [SAME_ANSWER()]}
            continue
        if target is None:
            if not external_id:
                errors[index] = {"case_id": [CASE_WITHOUT_CALL_NEEDS_ID(case=row.case_id)]}
                continue
            if pk is None and row.responded_at is None:
                message = CASE_WITHOUT_CALL_NEEDS_TIME(case=row.case_id) if row.case_id else NEEDS_TIME()
                errors[index] = {"responded_at": [message]}
                continue
        else:
            first_on_call[call_pk] = index
        if external_id:
            first_with_id[external_id] = index
        if pk is None:
            # The new answer's values (COLUMNS' order) as written (the time in the database's form); without
            # a time, the call's (an answer with neither is refused above).
            at = row.responded_at
            if at is None:
                stored_at, source = adapt(target[1]), FROM_CALL
            elif (stored_at := row.responded_at_stored) is None:
                stored_at, source = adapt(at), GIVEN
            else:
                source = GIVEN
            values = (
                external_id,
                call_pk,
                row.case_id,
                row.segment,
                row.nps,
                row.csat,
                row.comment,
                stored_at,
                source,
            )
            new.append(values)
            statuses[index] = "created"
            kept[index] = (None, values)  # its pk: read when `saved` is
        else:
            claimed.add(pk)
            old = values_of[pk]
            values = _updated_values(row, target, old)
            if values != old:
                changed.append((index, pk, values))
                statuses[index] = "updated"
            else:
                statuses[index] = "unchanged"
            kept[index] = (pk, values)

    _write(changed, new)
    if earlier is not None:
        lines = position.lines
        line_of = lines.__getitem__
        earlier_ids.update(zip(first_with_id, map(line_of, first_with_id.values()), strict=True))
        earlier_calls.update(zip(first_on_call, map(line_of, first_on_call.values()), strict=True))
    for index, messages in sorted(errors.items()):
        statuses[index] = "refused"
        result.refused.append(RefusedAnswer(index, messages))
    return result


def _updated_values(
    row: SurveyAnswer, target: tuple[int, datetime] | None, old: tuple[Any, ...]
) -> tuple[Any, ...]:
    """The values (COLUMNS' order) of the stored answer `old` once `row` updates it (see the module's
    rules): the scores and comment replaced; call, case, segment and time kept when not sent."""
    values = list(old)
    values[_NPS], values[_CSAT], values[_COMMENT] = row.nps, row.csat, row.comment
    if row.external_id:
        values[_EXTERNAL_ID] = row.external_id
    if target is not None:
        values[_CALL] = target[0]
    if row.case_id:
        values[_CASE] = row.case_id
    if row.segment:
        values[_SEGMENT] = row.segment
    if row.responded_at is not None:
        values[_AT], values[_SOURCE] = row.responded_at, GIVEN
    elif target is not None and old[_SOURCE] == FROM_CALL:
        values[_AT], values[_SOURCE] = target[1], FROM_CALL
    return tuple(values)


def _write(changed: list[tuple[int, int, tuple[Any, ...]]], new: list[tuple[Any, ...]]) -> None:
    """One UPDATE and one INSERT through `executemany`, whatever the batch size (the ORM's bulk methods
    split a batch into a statement per hundred rows on SQLite and prepare every value one by one). `new`
    holds the values as written; `changed` times still to be adapted."""
    if not changed and not new:
        return
    table = _table(SurveyResponse)
    columns = [_column(SurveyResponse, name) for name in COLUMNS]
    adapt = datetime_adapter()

    with connection.cursor() as cursor:
        if changed:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {_column(SurveyResponse, 'id')} = %s",  # noqa: S608 - identifiers from model metadata
                [(*values[:_AT], adapt(values[_AT]), values[_SOURCE], pk) for _index, pk, values in changed],
            )
        if new:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_placeholders(columns)})",  # noqa: S608 - identifiers from model metadata
                new,
            )


def _new_pks(new: list[tuple[Any, ...]]) -> list[int]:
    """The primary keys of the new answers `new` (values in COLUMNS' order), in their order: one SELECT.
    A new answer is found again by its response id, else by its call (it has one or the other)."""
    if not new:
        return []
    with_id = {values[_EXTERNAL_ID]: at for at, values in enumerate(new) if values[_EXTERNAL_ID]}
    by_call = {values[_CALL]: at for at, values in enumerate(new) if not values[_EXTERNAL_ID]}
    table = _table(SurveyResponse)
    external_id, call = _column(SurveyResponse, "external_id"), _column(SurveyResponse, "call")
    where, params = [], []
    if with_id:
        named, named_params = _member_of(external_id, with_id)
        where.append(f"({named} AND NOT ({external_id} = ''))")
        params += named_params
    if by_call:
        named, named_params = _member_of(call, by_call)
        where.append(f"({named} AND {external_id} = '')")
        params += named_params
    sql = (
        f"SELECT {_column(SurveyResponse, 'id')}, {external_id}, {call} FROM {table} "  # noqa: S608 - identifiers from model metadata
        f"WHERE {' OR '.join(where)}"
    )
    pks = [0] * len(new)
    for pk, stored_id, call_pk in _select(sql, params):
        pks[with_id[stored_id] if stored_id else by_call[call_pk]] = pk
    return pks


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

"""The writer: how the rows of one file are converted and upserted into calls, with set-based SQL.

- Re-importing updates calls by external id and never duplicates. Only mapped fields are written on
  update (calls.fields.fields_written, the rule the API shares), so a file without a queue column keeps
  the queues already stored. (A second row with the same external id in one file is refused before it
  gets here: calls.imports.jobs.)
- An existing call is "unchanged" when every field the row writes (its survey's too) already holds the
  row's value: the upsert's `WHERE <something changed>` leaves it alone, and the database tells how many
  rows it did update (the cursor's rowcount, summed over `executemany` by sqlite3, psycopg2 and psycopg 3).
  No extra query: the comparison is the one the upsert makes anyway.
- An empty or unmapped team is the agent's team; a resolution time means resolved.
- Transcripts are stored with their personal data masked (calls.redaction), as the API's are.
- Survey columns (nps 0–10, csat 1–5, survey_comment) create or update the call's SurveyResponse when the
  row has a score; its `responded_at` is the call's start. A comment without a score refuses the row
  (a survey response needs a score).

Speed (`make bench`: 100,000 messy rows, SQLite, this 2-core machine: about 23,000 rows/s): per batch, one
query tells which external ids exist (created vs updated); new calls are inserted and existing ones
upserted with a portable `INSERT ... ON CONFLICT (external_id) DO UPDATE ... WHERE <something changed>`
(SQLite ≥ 3.24 and PostgreSQL), both through `executemany`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from calls.fields import CALL_FIELDS_BY_NAME, fields_written
from calls.imports.converters import InvalidValue, References, converter_for, datetime_adapter
from calls.imports.mapping import (
    FIELD_LABELS,
    FIELDS_BY_NAME,
    REQUIRED_FIELDS,
    normalise_header,
    validate_columns,
)
from calls.imports.reading import FileRefused
from calls.models import Call, SurveyResponse
from calls.reasons import declare, joined
from calls.redaction import redact_text
from calls.services import FROZEN_FIELDS, CallFrozen, frozen_calls
from calls.surveys.services import follow_call_start

SQLITE_CACHE_KIB = 128 * 1024
IN_LIST_CHUNK = 5000
SQLITE_CHECKPOINT_PAGES = 25_000  # 100 MB of WAL between checkpoints while importing


class RowRefused(Exception):
    """A row is refused: `reason` (calls.reasons) holds every one of its reasons, each about its column."""

    def __init__(self, messages: list[str]):
        self.reason = joined(messages)
        super().__init__(self.reason)
        self.messages = messages


# Why a row is refused, beyond its cells' own values (calls.reasons: codes shown in the reader's language).
CELL_COUNT = declare(
    "import.cell_count", gettext_lazy("this row has %(cells)s cells but the header has %(width)s")
)
NOT_VALID = declare("import.not_valid", gettext_lazy("“%s” is not valid"))
EMPTY_ID = declare("import.empty_id", gettext_lazy("%s: the external id is empty"))
EMPTY_START = declare("import.empty_start", gettext_lazy("%s: the start time is empty"))
RESOLVED_CONFLICT = declare(
    "import.resolved_conflict", gettext_lazy("%(at)s is set but %(resolved)s says the call was not resolved")
)
NO_REQUIRED_COLUMN = declare(
    "import.no_required_column",
    gettext_lazy("The file has no column “%(header)s”, mapped to the required field “%(field)s”."),
)
DUPLICATE_HEADER = declare(
    "import.duplicate_header",
    gettext_lazy("The column “%s” appears more than once in the header; rename one of them."),
)
COMMENT_NEEDS_SCORE = declare(
    "import.comment_needs_score", gettext_lazy("a survey comment needs an NPS or CSAT score in the same row")
)


def _unknown(_raw: str) -> None:
    """The converter of a derived field (the agent's team, resolved from a resolution time)."""
    return None


class Plan:
    """Built once per file: a converter per mapped column, and the upsert statements.

    A converted row is a list: the mapped call fields, then the derived call fields, then the survey
    fields; external_id and started_at always come first. Call values are ready for the database driver.
    """

    def __init__(self, *, headers: list[str], columns: dict[str, str], date_format: str):
        validate_columns(columns=columns)
        positions: dict[str, int] = {}
        duplicated: set[str] = set()
        for index, header in enumerate(headers):
            key = normalise_header(header)
            if key in positions:
                duplicated.add(key)
            positions.setdefault(key, index)
        self.missing: list[str] = []
        mapped: dict[str, tuple[int, str]] = {}
        for name in FIELDS_BY_NAME:  # field order, so that the same mapping gives the same SQL
            header = columns.get(name)
            if not header:
                continue
            key = normalise_header(header)
            if key not in positions:
                if name in REQUIRED_FIELDS:
                    raise FileRefused(NO_REQUIRED_COLUMN(header=header, field=FIELD_LABELS[name]()))
                self.missing.append(header)
                continue
            if key in duplicated:
                raise FileRefused(DUPLICATE_HEADER(header))
            mapped[name] = (positions[key], header)
        self.width = len(headers)
        self.headers = {name: header for name, (_index, header) in mapped.items()}
        mapped_calls = [name for name in mapped if FIELDS_BY_NAME[name].call_field]
        sent = {FIELDS_BY_NAME[name].call_field for name in mapped_calls}
        self.written = fields_written(sent)
        # Fields that follow from others: the agent's team and `resolved` are values of the row, completed
        # by `convert`; a cleared resolution time is written by the SQL alone.
        self.derived = [name for name in self.written if name not in sent]
        call_names = mapped_calls + [name for name in self.derived if name != "resolved_at"]
        self.names = call_names + [name for name in mapped if not FIELDS_BY_NAME[name].call_field]
        self.call_count = len(call_names)
        self.index = {name: i for i, name in enumerate(self.names)}
        refs = References.load(mapped)
        adapt = datetime_adapter()
        self.converters = [
            (mapped[name][0], converter_for(FIELDS_BY_NAME[name], refs, date_format, adapt))
            if name in mapped
            else (0, _unknown)
            for name in self.names
        ]
        # Positions in a converted row of the values that other values complete or check (None: unmapped).
        self.agent_at = self.index.get("agent")
        self.team_at = self.index.get("team")
        self.abandoned_at = self.index.get("abandoned")
        self.resolved_at_at = self.index.get("resolved_at")
        self.resolved_flag_at = self.index.get("resolved")
        self.nps_at = self.index.get("nps")
        self.csat_at = self.index.get("csat")
        self.transcript_at = self.index.get("transcript")
        self.has_comment = "survey_comment" in mapped  # the last value of a row when mapped
        self.has_scores = "nps" in mapped or "csat" in mapped
        self._build_sql(call_names, mapped)

    def _build_sql(self, call_names: list[str], mapped: dict) -> None:
        quote = connection.ops.quote_name
        table = quote(Call._meta.db_table)
        call_fields = [FIELDS_BY_NAME[name].call_field for name in call_names]
        columns = [CALL_FIELDS_BY_NAME[name].column for name in call_fields]
        updates, changed = [], []
        self.survey_compared = []
        for name, column in zip(call_fields, columns, strict=True):
            if name not in self.written:
                continue  # the key
            new, old = f"EXCLUDED.{quote(column)}", f"{table}.{quote(column)}"
            if name == "resolved" and name in self.derived:
                new = f"COALESCE({new}, {old})"  # keep the stored flag when this row has no resolution time
            updates.append(f"{quote(column)} = {new}")
            changed.append(f"({old} <> {new} OR ({old} IS NULL) <> ({new} IS NULL))")
        if "resolved_at" in self.derived:
            # A call no longer resolved loses its resolution time (the model's check constraint).
            updates.append(
                f"{quote('resolved_at')} = "
                f"CASE WHEN EXCLUDED.{quote('resolved')} THEN {table}.{quote('resolved_at')} END"
            )
        updates.append(f"{quote('updated_at')} = EXCLUDED.{quote('updated_at')}")
        if self.has_scores:
            # A call whose survey answer differs is updated too (and counted so): the row changed something.
            # Its parameters follow the row's values: a flag "this row has a score", then the survey fields.
            survey_table = quote(SurveyResponse._meta.db_table)
            same = "IS" if connection.vendor == "sqlite" else "IS NOT DISTINCT FROM"
            self.survey_compared = [
                (name, column)
                for name, column in (("nps", "nps"), ("csat", "csat"), ("survey_comment", "comment"))
                if name in mapped
            ]
            equal = " AND ".join(f"s.{quote(column)} {same} %s" for _name, column in self.survey_compared)
            changed.append(
                f"(%s AND NOT EXISTS (SELECT 1 FROM {survey_table} s "  # noqa: S608 - identifiers from model metadata
                f"WHERE s.{quote('call_id')} = {table}.{quote('id')} AND {equal}))"
            )
        # NOT NULL columns without a value in this file get the model's defaults, on insert only.
        self.defaults = [
            (f.column, getattr(f.get_default(), "value", f.get_default()))  # a TextChoices member → its value
            for f in Call._meta.concrete_fields
            if not f.null
            and not f.primary_key
            and f.column not in columns
            and f.name not in {"created_at", "updated_at"}
        ]
        insert_columns = [
            *columns,
            *(column for column, _default in self.defaults),
            "created_at",
            "updated_at",
        ]
        placeholders = ", ".join(["%s"] * len(insert_columns))
        insert = (
            f"INSERT INTO {table} ({', '.join(quote(c) for c in insert_columns)}) VALUES ({placeholders})"  # noqa: S608 - identifiers from model metadata
        )
        # Rows that change nothing are left alone: re-importing a file rewrites no index.
        self.upsert_sql = (
            f"{insert} ON CONFLICT ({quote('external_id')}) DO UPDATE SET {', '.join(updates)}"
            + (f" WHERE {' OR '.join(changed)}" if changed else "")
        )
        # Calls that did not exist when the batch began. SQLite runs an upsert three times slower than an
        # insert when foreign keys are enforced, and its writers are serialised, so a plain insert is safe
        # there; elsewhere a concurrent writer may add the same call meanwhile, so the upsert stays.
        self.insert_sql = insert if connection.vendor == "sqlite" else self.upsert_sql
        if self.has_scores:
            survey_table = quote(SurveyResponse._meta.db_table)
            # A call file's survey answer is dated by its call ("call"): a later start moves it, and an answer
            # already there from a survey tool keeps its own time (calls.surveys.services.follow_call_start).
            survey_columns = ["call_id", "nps", "csat", "comment", "responded_at", "responded_at_source"]
            source = quote("responded_at_source")
            survey_updates = [
                f"{quote(column)} = EXCLUDED.{quote(column)}"
                for name, column in (("nps", "nps"), ("csat", "csat"), ("survey_comment", "comment"))
                if name in mapped
            ]
            survey_updates.append(
                f"{quote('responded_at')} = CASE WHEN {survey_table}.{source} = 'call' "
                f"THEN EXCLUDED.{quote('responded_at')} ELSE {survey_table}.{quote('responded_at')} END"
            )
            self.survey_sql = (
                f"INSERT INTO {survey_table} ({', '.join(quote(c) for c in survey_columns)}) "  # noqa: S608 - identifiers from model metadata
                f"VALUES (%s, %s, %s, %s, %s, 'call') "
                f"ON CONFLICT ({quote('call_id')}) DO UPDATE SET {', '.join(survey_updates)}"
            )

    def convert(self, cells: list[str]) -> list[Any]:
        """The row's values in the plan's order, or RowRefused with every reason."""
        if len(cells) != self.width and (len(cells) < self.width or any(cells[self.width :])):
            raise RowRefused([CELL_COUNT(cells=len(cells), width=self.width)])
        try:
            values = [convert(cells[index]) for index, convert in self.converters]
        except ValueError:
            raise RowRefused(self._cell_messages(cells)) from None
        if not values[0] or values[1] is None:
            raise RowRefused(self._required_messages(values))
        if self.agent_at is not None:
            agent = values[self.agent_at]
            if agent is not None:
                values[self.agent_at], agent_team = agent
                if values[self.team_at] is None:
                    values[self.team_at] = agent_team
        if self.abandoned_at is not None:
            abandoned = values[self.abandoned_at]
            if abandoned is not None:
                values[self.abandoned_at] = not abandoned
        if self.resolved_at_at is not None and values[self.resolved_at_at] is not None:
            if values[self.resolved_flag_at] is False:
                raise RowRefused(
                    [RESOLVED_CONFLICT(at=self.headers["resolved_at"], resolved=self.headers["resolved"])]
                )
            values[self.resolved_flag_at] = True
        if self.transcript_at is not None and values[self.transcript_at]:
            # Masked here, before the frozen-call comparison and the upsert's "changed?" test see it
            # (calls.redaction: nothing to do for a transcript without a digit or an "@").
            values[self.transcript_at] = redact_text(values[self.transcript_at])
        if self.has_comment and values[-1] and self.survey_scores(values) is None:
            raise RowRefused([COMMENT_NEEDS_SCORE()])
        return values

    def _required_messages(self, values: list[Any]) -> list[str]:
        messages = []
        if not values[0]:
            messages.append(EMPTY_ID(self.headers["external_id"]))
        if values[1] is None:
            messages.append(EMPTY_START(self.headers["started_at"]))
        return messages

    def _cell_messages(self, cells: list[str]) -> list[str]:
        messages = []
        for name, (index, convert) in zip(self.names, self.converters, strict=True):
            try:
                convert(cells[index])
            except InvalidValue as exc:
                messages.append(exc.reason.about(self.headers[name]))
            except ValueError:
                messages.append(NOT_VALID(cells[index].strip()).about(self.headers[name]))
        return messages

    def upsert_params(self, values: list[Any]) -> list[Any]:
        """The parameters of the upsert's survey comparison for a converted row (after the call's values)."""
        scored = self.survey_scores(values) is not None
        params: list[Any] = [scored]
        for name, _column in self.survey_compared:
            params.append(values[-1] if name == "survey_comment" else values[self.index[name]])
        return params

    def survey_scores(self, values: list[Any]) -> tuple[int | None, int | None] | None:
        """(NPS, CSAT) of a converted row, or None when it has no survey score."""
        nps = None if self.nps_at is None else values[self.nps_at]
        csat = None if self.csat_at is None else values[self.csat_at]
        return None if nps is None and csat is None else (nps, csat)


@contextmanager
def bulk_write_settings() -> Iterator[None]:
    """SQLite only: a page cache that holds the calls table's ten indexes, and fewer WAL checkpoints (each
    one waits for the disk), for this connection while it imports: on the benchmark each saves about a
    quarter of the write time."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")


def frozen_changes(plan: Plan, rows: list[list[Any]]) -> dict[str, str]:
    """{external id: reason} for the rows that would change the agent, start or transcript of a call with a
    counted evaluation (calls.services.frozen_calls, the API's rule too). One query to find such calls among
    the batch, one more to read their stored values when there are any; none when the file maps none of
    those fields."""
    compared = [name for name in FROZEN_FIELDS if name in plan.index]
    if not compared or not (frozen := frozen_calls(external_ids=[row[0] for row in rows])):
        return {}
    adapt = datetime_adapter()
    columns = {"agent": "agent_id", "started_at": "started_at", "transcript": "transcript"}
    stored = {
        external_id: dict(zip(compared, values, strict=True))
        for external_id, *values in Call.objects.filter(external_id__in=frozen).values_list(
            "external_id", *(columns[name] for name in compared)
        )
    }
    refused = {}
    for row in rows:
        if row[0] not in stored:
            continue
        before = stored[row[0]]
        changed = []
        for name in compared:
            old, new = before[name], row[plan.index[name]]
            if name == "started_at" and old is not None:
                old = adapt(old)
            if name == "transcript":
                old, new = old or "", new or ""
            if old != new:
                changed.append(name)
        if changed:
            refused[row[0]] = CallFrozen(row[0], changed).message
    return refused


def write_calls(plan: Plan, rows: list[list[Any]]) -> tuple[int, int, int]:
    """Insert or update the calls (and surveys) of a batch of converted rows: (created, updated, unchanged).

    The rows' external ids are distinct (the caller refuses a repeated one)."""
    ids = dict(_call_ids({row[0] for row in rows}))
    existing = set(ids)
    now = datetime_adapter()(timezone.now())
    tail = [*(default for _column, default in plan.defaults), now, now]
    count = plan.call_count
    # The upsert's survey comparison takes parameters of its own; a plain insert (SQLite) takes none.
    update_params = plan.upsert_params if plan.has_scores else None
    insert_params = update_params if plan.insert_sql == plan.upsert_sql else None
    inserts, updates = [], []
    for row in rows:
        if row[0] in existing:
            updates.append(row[:count] + tail + (update_params(row) if update_params else []))
        else:
            inserts.append(row[:count] + tail + (insert_params(row) if insert_params else []))
            existing.add(row[0])  # should the caller pass the same id twice, the second updates the first
    updated = 0
    with connection.cursor() as cursor:
        if inserts:
            cursor.executemany(plan.insert_sql, inserts)
        if updates:
            cursor.executemany(plan.upsert_sql, updates)
            updated = cursor.rowcount
        if plan.has_scores:
            _upsert_surveys(plan, rows, cursor)
    if updated:
        # A new start moves the survey answers dated by the call (one UPDATE; none moves if no start changed).
        follow_call_start(call_ids=[ids[row[0]] for row in rows if row[0] in ids])
    return len(inserts), updated, len(updates) - updated


def _call_ids(external_ids: set[str]) -> list[tuple[str, int]]:
    """(external id, pk) of the calls that exist among `external_ids`.

    Raw SQL because the ORM prepares each of the thousands of values of the IN list one by one; in chunks
    that stay under SQLite's limit of bound parameters whatever the batch size.
    """
    quote = connection.ops.quote_name
    wanted = list(external_ids)
    found: list[tuple[str, int]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), IN_LIST_CHUNK):
            chunk = wanted[start : start + IN_LIST_CHUNK]
            cursor.execute(
                f"SELECT {quote('external_id')}, {quote('id')} FROM {quote(Call._meta.db_table)} "  # noqa: S608 - identifiers from model metadata
                f"WHERE {quote('external_id')} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            found.extend(cursor.fetchall())
    return found


def _upsert_surveys(plan: Plan, rows: list[list[Any]], cursor) -> None:
    surveyed = [(row, scores) for row in rows if (scores := plan.survey_scores(row))]
    if not surveyed:
        return
    ids = dict(_call_ids({row[0] for row, _scores in surveyed}))
    comment = plan.has_comment
    cursor.executemany(
        plan.survey_sql,
        [(ids[row[0]], nps, csat, row[-1] if comment else "", row[1]) for row, (nps, csat) in surveyed],
    )

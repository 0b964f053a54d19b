"""Import benchmark: `python -m tests.benchmarks.bench_import` (or `make bench`).

Builds a throwaway SQLite database under var/bench/, generates a 100,000-row messy export (BOM, semicolons,
CRLF, mixed date, duration and boolean formats, nulls on abandoned calls, an unmapped percentage column,
surveys on ~30% of rows, a few broken rows), imports it through the same service as the Celery task, and
writes var/bench/import.json with rows, seconds and rows_per_s.

In the same run it times the floor: the same rows, already converted, written into the calls table with one
bare `executemany` INSERT in one transaction (no reading, converting, upsert, surveys, batches or job
counters), with the same SQLite settings as the import. The target is the import within 2.5× the floor;
the ratio, unlike an absolute figure, means the same on a loaded machine and a quiet one.

Then the survey import (issue 7): a 100,000-row survey tool export (response id, date and time in two
columns, NPS, CSAT, market, a call id on ~30% of rows linking to the calls just imported, a few broken
rows), imported through the same job runner, and again (unchanged); its floor is the same converted
answers (call ids resolved, times taken from the calls beforehand) written into the survey table with
one bare `executemany` INSERT. Both ratios are printed and written to var/bench/import.json.

Each floor and its import are timed BENCH_REPEAT times (3) in turns, each pair from the same database (a
snapshot put back before each), and the ratio is of the medians: one pair measured once moves with the
machine's speed by more than the margins measured.

BENCH_ONLY=surveys times the survey part alone: the call file is still imported once (the answers link to its
calls), untimed, without the call floor or the call re-import; var/bench/import.json is left as it was.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

ROWS = 100_000
BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = BASE_DIR / "var" / "bench"
DATABASE = BENCH_DIR / "bench.sqlite3"

HEADERS = [
    "Call ID",
    "Start time",
    "Agent",
    "Team",
    "Call type",
    "Direction",
    "Queue",
    "IVR",
    "Queue wait",
    "Talk time",
    "Hold",
    "Wrap-up",
    "Answered",
    "Resolved",
    "Case",
    "Customer",
    "NPS",
    "CSAT",
    "Comment",
    "Service level",
]
COLUMNS = {
    "external_id": "Call ID",
    "started_at": "Start time",
    "agent": "Agent",
    "team": "Team",
    "call_type": "Call type",
    "direction": "Direction",
    "queue": "Queue",
    "ivr_wait_seconds": "IVR",
    "queue_wait_seconds": "Queue wait",
    "talk_seconds": "Talk time",
    "hold_seconds": "Hold",
    "wrap_up_seconds": "Wrap-up",
    "answered": "Answered",
    "resolved": "Resolved",
    "case_id": "Case",
    "customer_id": "Customer",
    "nps": "NPS",
    "csat": "CSAT",
    "survey_comment": "Comment",
}
TEAMS = ["Blue", "Green", "Red"]
CALL_TYPES = [
    ("inbound-support", "Inbound support"),
    ("outbound-proactive", "Outbound proactive"),
    ("retention", "Retention"),
    ("billing", "Billing"),
]


def configure_django(media_root: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qa_center.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["DJANGO_MEDIA_ROOT"] = media_root
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-never-used-for-anything-else")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reference_data() -> list[str]:
    from calls.models import CallType
    from qa_center.people.models import Team, User

    teams = [Team.objects.create(name=name) for name in TEAMS]
    for slug, name in CALL_TYPES:
        CallType.objects.create(slug=slug, name=name)
    agents = User.objects.bulk_create(
        User(username=f"agent{n}", agent_code=f"A{n:04d}", is_agent=True, team=teams[n % len(teams)])
        for n in range(1, 31)
    )
    return [agent.agent_code for agent in agents] + [agent.username.upper() for agent in agents[:5]]


def messy_csv(agent_codes: list[str]) -> bytes:
    rng = random.Random(20240305)  # reproducible
    start = datetime(2024, 1, 1, 8, 0, 0)
    yes = ["Y", "yes", "TRUE", "1", "y", "Yes"]
    no = ["N", "no", "false", "0", "n", "No"]
    lines = [";".join(HEADERS)]
    for n in range(ROWS):
        started = start + timedelta(seconds=n * 47 + rng.randint(0, 40))
        date_style = n % 3
        if date_style == 0:
            started_text = started.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif date_style == 1:
            started_text = started.strftime("%d/%m/%Y %H:%M:%S")
        else:
            started_text = started.strftime("%Y-%m-%d %H:%M")
        answered = rng.random() < 0.85
        talk = rng.randint(60, 900)
        talk_text = (
            (str(talk) if n % 2 else f"{talk // 3600}:{talk % 3600 // 60:02d}:{talk % 60:02d}")
            if answered
            else rng.choice(["", "null", "NULL"])
        )
        hold = rng.choice(["0", "15", "0:45", "1:05", ""]) if answered else "null"
        wrap = rng.choice(["30", "45", "0:01:10", "null"]) if answered else ""
        surveyed = answered and rng.random() < 0.3
        agent = rng.choice(agent_codes)
        if n % 997 == 500:
            agent = "nobody"  # a broken row: unknown agent
        if n % 1499 == 700:
            started_text = "yesterday"  # a broken row: unreadable date
        slug, name = rng.choice(CALL_TYPES)
        lines.append(
            ";".join(
                [
                    f"C{n:07d}",
                    started_text,
                    agent,
                    rng.choice(["", "", "Blue", "green"]),
                    rng.choice([slug, name, name.upper()]),
                    rng.choice(["Inbound", "inbound", "OUT"]),
                    rng.choice(["General", "Billing", "VIP"]),
                    str(rng.randint(5, 40)),
                    str(rng.randint(0, 300)),
                    talk_text,
                    hold,
                    wrap,
                    rng.choice(yes) if answered else rng.choice(no),
                    rng.choice(yes + no + ["", "null"]) if answered else "",
                    f"CASE-{n // 3:06d}",
                    f"CUST-{rng.randint(1, 20000):06d}",
                    str(rng.randint(0, 10)) if surveyed else "",
                    str(rng.randint(1, 5)) if surveyed else "null",
                    '"Great; very ""helpful"""' if surveyed and n % 4 == 0 else "",
                    f"{rng.uniform(70, 100):.2f}%",
                ]
            )
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def floor(data: bytes) -> tuple[int, float]:
    """(rows, seconds) of one bare executemany INSERT of the file's converted rows; the table is emptied after."""
    from django.db import connection, transaction
    from django.utils import timezone

    from calls.imports.converters import datetime_adapter
    from calls.imports.reading import read_table
    from calls.imports.writer import Plan, RowRefused, bulk_write_settings
    from calls.models import Call

    table = read_table(data=data, file_name="bench.csv")
    plan = Plan(headers=table.headers, columns=COLUMNS, date_format="")
    now = datetime_adapter()(timezone.now())
    tail = [*(default for _column, default in plan.defaults), now, now]
    rows, seen = [], set()
    for _line, cells in table.records:
        try:
            row = plan.convert(cells)
        except RowRefused:
            continue
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(row[: plan.call_count] + tail)
    insert = plan.upsert_sql.partition(" ON CONFLICT")[0]
    with bulk_write_settings():
        began, cpu = time.perf_counter(), time.process_time()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert, rows)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(Call._meta.db_table)}")  # noqa: S608
            cursor.execute("VACUUM")  # the import then starts from an empty, compact database as before
    print(
        f"floor (one bare executemany INSERT): {len(rows)} rows in {seconds:.2f} s = "
        f"{len(rows) / seconds:,.0f} rows/s (CPU {cpu:.2f} s)"
    )
    return len(rows), seconds


SURVEY_ROWS = 100_000
SURVEY_HEADERS = ["Response ID", "Date", "Time", "NPS", "CSAT", "Market", "Call ID", "Comment"]
SURVEY_COLUMNS = {
    "external_id": "Response ID",
    "responded_on": "Date",
    "responded_time": "Time",
    "nps": "NPS",
    "csat": "CSAT",
    "segment": "Market",
    "call_external_id": "Call ID",
    "comment": "Comment",
}


def messy_survey_csv() -> bytes:
    """A survey tool's export: day-first or ISO dates, times of day apart (some empty: the call's time),
    scores with nulls, ~30% linked to a call of the call file (each call once), a few broken rows."""
    rng = random.Random(20250305)
    start = datetime(2024, 1, 1, 9, 0, 0)
    lines = [";".join(SURVEY_HEADERS)]
    for n in range(SURVEY_ROWS):
        answered = start + timedelta(seconds=n * 41 + rng.randint(0, 30))
        linked = n % 10 < 3
        day = answered.strftime("%d/%m/%Y") if n % 2 else answered.strftime("%Y-%m-%d")
        time_of_day = answered.strftime("%H:%M:%S") if n % 3 else answered.strftime("%H:%M")
        if linked and n % 7 == 0:
            day, time_of_day = "", ""  # dated by its call
        nps = str(rng.randint(0, 10)) if rng.random() < 0.9 else "null"
        csat = str(rng.randint(1, 5)) if nps == "null" or rng.random() < 0.5 else ""
        if n % 1009 == 400:
            nps = "11"  # a broken row: NPS out of range
        lines.append(
            ";".join(
                [
                    f"S{n:07d}",
                    day,
                    time_of_day,
                    nps,
                    csat,
                    rng.choice(["LV", "EE", "LT", ""]),
                    f"C{n:07d}" if linked else "",
                    '"Quick; and ""kind"""' if n % 5 == 0 else "",
                ]
            )
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def survey_floor(data: bytes) -> tuple[int, float]:
    """(rows, seconds) of one bare executemany INSERT of the survey file's converted answers; the table is
    emptied before (the call file's answers) and after. Resolving the calls and their times happens before
    the clock starts."""
    from django.db import connection, transaction

    from calls.imports.reading import read_table
    from calls.imports.writer import RowRefused, bulk_write_settings
    from calls.models import Call, SurveyResponse
    from calls.surveys.importing import SurveyPlan
    from calls.surveys.services import COLUMNS as SURVEY_FIELDS

    table = read_table(data=data, file_name="surveys.csv")
    plan = SurveyPlan(headers=table.headers, columns=SURVEY_COLUMNS, date_format="")
    answers = []
    for _line, cells in table.records:
        try:
            answers.append(plan.convert(cells))
        except RowRefused:
            continue
    calls = {
        external_id: (pk, started)
        for external_id, pk, started in Call.objects.values_list("external_id", "pk", "started_at")
    }
    adapt = connection.ops.adapt_datetimefield_value
    rows = []
    for answer in answers:
        call = calls.get(answer.call_external_id) if answer.call_external_id else None
        if answer.call_external_id and call is None:
            continue
        at = answer.responded_at or (call[1] if call else None)
        if at is None:
            continue
        source = "given" if answer.responded_at else "call"
        call_id = call[0] if call else None
        rows.append(
            [answer.external_id, call_id, answer.case_id, answer.segment, answer.nps, answer.csat]
            + [answer.comment, adapt(at), source]
        )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # The call file's answers go: the floor and the survey import both start from an empty table.
        cursor.execute(f"DELETE FROM {quote(SurveyResponse._meta.db_table)}")  # noqa: S608
    columns = [quote(SurveyResponse._meta.get_field(name).column) for name in SURVEY_FIELDS]
    insert = (
        f"INSERT INTO {quote(SurveyResponse._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with bulk_write_settings():
        began, cpu = time.perf_counter(), time.process_time()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert, rows)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {quote(SurveyResponse._meta.db_table)}")  # noqa: S608
            cursor.execute("VACUUM")
    print(
        f"survey floor (one bare executemany INSERT): {len(rows)} rows in {seconds:.2f} s = "
        f"{len(rows) / seconds:,.0f} rows/s (CPU {cpu:.2f} s)"
    )
    return len(rows), seconds


def run(data: bytes, label: str, *, kind: str = "calls", columns: dict | None = None) -> tuple[float, dict]:
    from django.core.files.base import ContentFile

    from calls.imports.jobs import configure_import_job, run_import_job
    from calls.models import ImportJob

    job = ImportJob.objects.create(
        file=ContentFile(data, name="bench.csv"), original_name="bench.csv", kind=kind
    )
    configure_import_job(job=job, columns=columns or COLUMNS, date_format="", mapping=None)
    began, cpu = time.perf_counter(), time.process_time()
    job = run_import_job(job_id=job.pk)
    if job.status == ImportJob.Status.NEEDS_AGENTS:
        # The file's broken rows name an agent nobody is ("nobody"): the agent step, where the manager
        # leaves those rows to be refused (what calls.imports.agents.apply_agent_choices does with "leave"
        # for every value, without the Celery task), then the import proper. Both are timed.
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.NEEDS_AGENTS).update(
            status=ImportJob.Status.PENDING
        )
        job = run_import_job(job_id=job.pk)
    # CPU time too: SQLite runs in this process, and the CPU it needs varies far less on a loaded machine.
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    if job.status not in {ImportJob.Status.DONE, ImportJob.Status.PARTIAL}:
        sys.exit(f"{label}: import ended with status {job.status}: {job.message}")
    print(
        f"{label}: {job.total_rows} rows in {seconds:.2f} s = {job.total_rows / seconds:,.0f} rows/s "
        f"({job.created_count} created, {job.updated_count} updated, {job.unchanged_count} unchanged, "
        f"{job.error_count} refused; CPU {cpu:.2f} s)"
    )
    return seconds, {"rows": job.total_rows, "created": job.created_count, "refused": job.error_count}


REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


@contextmanager
def snapshot():
    """A copy of the database as it is now (SQLite's backup API); calling the function it yields puts
    the database back as it was then, so that each repeat of a floor and an import starts alike."""
    import sqlite3

    from django.db import connection

    connection.ensure_connection()
    copy = sqlite3.connect(":memory:")
    connection.connection.backup(copy)

    def restore() -> None:
        connection.close()
        connection.ensure_connection()
        copy.backup(connection.connection)

    try:
        yield restore
    finally:
        copy.close()


def alternating(label: str, timed_floor, timed_import) -> tuple[int, float, float, dict]:
    """REPEAT times, from the same database: the floor, then the import. (floor rows, the floor's median
    seconds, the import's median seconds, the last import's counts). The machine's speed drifts by several
    per cent from one run to the next (another session, the host), more than a pair timed once can tell
    from the code (README, "Performance")."""
    floors, imports = [], []
    with snapshot() as restore:
        for n in range(REPEAT):
            if n:
                restore()
            floor_rows, floor_seconds = timed_floor()
            seconds, counts = timed_import()
            floors.append(floor_seconds)
            imports.append(seconds)
    floor_median, import_median = statistics.median(floors), statistics.median(imports)
    print(
        f"{label}: {REPEAT} runs each, median floor {floor_median:.2f} s, median import {import_median:.2f} s"
        f" (ratios {', '.join(f'{i / f:.2f}' for f, i in zip(floors, imports, strict=True))})"
    )
    return floor_rows, floor_median, import_median, counts


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    if only not in {"", "surveys"}:
        sys.exit(f"BENCH_ONLY={only}: only 'surveys' is known.")
    only_surveys = only == "surveys"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # Uploaded copies of the file go to a folder removed at the end, so that runs do not pile up.
    with tempfile.TemporaryDirectory(dir=BENCH_DIR, prefix="media-") as media_root:
        configure_django(media_root)
        agent_codes = reference_data()
        data = messy_csv(agent_codes)
        print(f"Generated a {ROWS:,}-row messy CSV ({len(data) / 1e6:.1f} MB).")
        if only_surveys:
            seconds, counts = run(data, "first import (untimed: the calls the answers link to)")
        else:
            floor_rows, floor_seconds, seconds, counts = alternating(
                "calls", lambda: floor(data), lambda: run(data, "first import")
            )
            run(data, "re-import of the same file")
        survey_data = messy_survey_csv()
        print(f"Generated a {SURVEY_ROWS:,}-row survey export ({len(survey_data) / 1e6:.1f} MB).")
        survey_args = {"kind": "surveys", "columns": SURVEY_COLUMNS}
        survey_floor_rows, survey_floor_seconds, survey_seconds, survey_counts = alternating(
            "survey answers",
            lambda: survey_floor(survey_data),
            lambda: run(survey_data, "first survey import", **survey_args),
        )
        run(survey_data, "re-import of the same survey file", **survey_args)
    from calls.models import Call, SurveyResponse

    if Call.objects.count() != counts["created"]:
        sys.exit("The re-import duplicated calls.")
    if SurveyResponse.objects.exclude(external_id="").count() != survey_counts["created"]:
        sys.exit("The survey re-import duplicated answers.")
    figures = {}
    parts = {
        "survey import": (survey_counts["rows"], survey_seconds, survey_floor_rows, survey_floor_seconds)
    }
    if not only_surveys:
        parts = {"import": (counts["rows"], seconds, floor_rows, floor_seconds), **parts}
    for label, (rows, import_seconds, bare_rows, bare_seconds) in parts.items():
        rows_per_s, floor_rows_per_s = rows / import_seconds, bare_rows / bare_seconds
        ratio = floor_rows_per_s / rows_per_s
        figures[label] = {
            "rows": rows,
            "seconds": round(import_seconds, 3),
            "rows_per_s": round(rows_per_s),
            "floor_rows_per_s": round(floor_rows_per_s),
            "ratio": round(ratio, 2),
        }
        print(
            f"{label} {rows_per_s:,.0f} rows/s, floor {floor_rows_per_s:,.0f} rows/s: the {label} takes "
            f"{ratio:.2f}× the floor (target ≤ 2.5×)"
        )
    if only_surveys:
        return  # a partial run: var/bench/import.json keeps the last whole run's figures
    (BENCH_DIR / "import.json").write_text(
        json.dumps({**figures["import"], "surveys": figures["survey import"]}) + "\n"
    )
    print(f"→ {BENCH_DIR / 'import.json'}")


if __name__ == "__main__":
    main()

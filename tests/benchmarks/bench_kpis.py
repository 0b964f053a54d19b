"""KPI snapshots at volume: `python -m tests.benchmarks.bench_kpis` (size: BENCH_CALLS, default 1,000,000).

Builds (once; reused while its size matches) a SQLite database under var/bench/ — never the development
database — with 300 agents in 15 teams, BENCH_CALLS calls over the last 12 months (case ids shared by about
three contacts in ten, surveys on ~30 %, escalations on ~5 %) and 40,000 submitted evaluations, written with
executemany on a raw connection. Then, in a fresh process (a generating one hands over to a new one):

- `recompute_s`: the full recompute of every day, week, month and year snapshot of every scope (center, team,
  agent, call type) over the 12 months (qa_center.kpis.computing.compute_kpis);
- `floor_s`: one bare, hand-written SQL GROUP BY over the same calls computing the same day × agent counts the
  snapshots hold of them (calls.kpis: calls, inbound, answered, abandoned, waits, service level, handle times,
  escalated calls, and cases by their first contact with resolution, FCR and treatment time — the correlated
  subqueries the case rule needs): the floor a database can do; `ratio` = recompute_s ÷ floor_s (target ≤ 3);
- `plain_counts_floor_s` / `ratio_to_plain_counts`: the same against a GROUP BY of the plain call counts only
  (no escalations, no cases), the stricter comparison;
- `one_day_s`: recomputing one day (all scopes, and its week, month and year);
- `peak_rss_mb`: the peak resident memory of that process (the recompute never loads calls into Python).

- `dashboard_p50_ms` / `dashboard_p95_ms`: the center dashboard for a month (the middle month of the data),
  50 requests through Django's test Client as a QA manager; `dashboard_queries_1m`: its query count at the
  bench size, `dashboard_queries_1k` the same on a 1,000-call SQLite database (a second, small run): they must
  be equal (the dashboard reads only the snapshots, summed in the database).

Writes var/bench/kpis.json, one object per database. The
PostgreSQL part runs only when DATABASE_URL names a PostgreSQL server (its database is emptied and filled).
"""

import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.benchmarks.bench_lists import BASE_DIR, BENCH_DIR, configure_django, percentile

OUTPUT = BENCH_DIR / "kpis.json"
TEAMS = 15
AGENTS_PER_TEAM = 20
EVALUATIONS = 40_000
SEED = 20261210
BATCH = 20_000
TARGET_RATIO = 3
DASHBOARD_REQUESTS = 50
SMALL_CALLS = 1_000  # the size of `dashboard_queries_1k`


def database_path(calls: int) -> Path:
    return BENCH_DIR / f"kpis-{calls}.sqlite3"


# --- The generator -----------------------------------------------------------------------------------------


def _people():
    from calls.models import CallType
    from qa_center.people.models import Team, User
    from scorecards.models import Scorecard, ScorecardVersion

    reviewer = User.objects.create(username="reviewer", is_reviewer=True)
    pairs = []
    for t in range(TEAMS):
        lead = User.objects.create(username=f"lead{t}", is_team_lead=True)
        team = Team.objects.create(name=f"Team {t:02d}", lead=lead)
        agents = User.objects.bulk_create(
            [User(username=f"agent{t}-{a}", is_agent=True, team=team) for a in range(AGENTS_PER_TEAM)]
        )
        pairs += [(agent.pk, team.pk) for agent in agents]
    call_types = []
    for slug in ("inbound-support", "outbound-sales", "retention", "escalated"):
        call_type = CallType.objects.create(slug=slug, name=slug.replace("-", " ").capitalize())
        call_types.append(call_type.pk)
    scorecard = Scorecard.objects.create(call_type_id=call_types[0], name="Bench")
    version = ScorecardVersion.objects.create(scorecard=scorecard, number=1, status="published")
    return pairs, call_types, reviewer.pk, version.pk


CALL_COLUMNS = (
    "external_id", "agent_id", "team_id", "call_type_id", "direction", "queue", "channel", "started_at",
    "ivr_wait_seconds", "queue_wait_seconds", "talk_seconds", "hold_seconds", "wrap_up_seconds", "answered",
    "resolved", "resolved_at", "case_id", "customer_id", "recording_file", "recording_url", "transcript",
    "created_at", "updated_at",
)  # fmt: skip
EVALUATION_COLUMNS = (
    "call_id", "agent_id", "team_id", "version_id", "reviewer_id", "status", "score", "auto_failed", "passed",
    "strengths", "improvements", "created_at", "updated_at", "submitted_at",
)  # fmt: skip


def generate(count: int, *, raw, placeholder: str) -> None:
    from django.db import connection

    pairs, call_types, reviewer, version = _people()
    text = placeholder == "?"  # SQLite: the text Django itself writes (UTC, no offset)
    if text:
        connection.close()  # the raw connection writes next: no second writer holding the file

    def stamp(moment):
        return moment.replace(tzinfo=None).isoformat(sep=" ") if text else moment

    def insert(table, columns, extra=""):
        values = ", ".join([placeholder] * len(columns))
        return f"INSERT INTO {table} ({', '.join(columns)}{extra}) VALUES ({values}"  # noqa: S608

    insert_call = insert("calls_call", CALL_COLUMNS, ", topic") + ", '')"  # no topic (bench_insight sets one)
    insert_survey = (
        insert("calls_surveyresponse", ("call_id", "nps", "csat", "comment", "responded_at")) + ")"
    )
    escalation_columns = ("call_id", "type", "reason", "from_level", "to_level", "escalated_at")
    insert_escalation = insert("calls_escalation", escalation_columns, ", external_id") + ", '')"
    insert_evaluation = insert("scorecards_evaluation", EVALUATION_COLUMNS) + ")"
    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(microsecond=0)
    span = 365 * 24 * 3600
    start = now - timedelta(seconds=span)
    offsets = sorted(rng.randrange(span) for _ in range(count))
    evaluated = set(rng.sample(range(1, count + 1), min(EVALUATIONS, count)))
    began = time.perf_counter()
    cursor = raw.cursor()
    batches = {insert_call: [], insert_survey: [], insert_escalation: [], insert_evaluation: []}
    open_cases: list[tuple[str, datetime]] = []

    def flush():
        for sql, rows in batches.items():
            if rows:
                cursor.executemany(sql, rows)
                rows.clear()
        raw.commit()

    for n, offset in enumerate(offsets, start=1):
        agent, team = pairs[rng.randrange(len(pairs))]
        started = start + timedelta(seconds=offset)
        inbound = rng.random() < 0.9
        answered = rng.random() < 0.93 if rng.random() < 0.98 else None
        talk = rng.randrange(30, 900) if answered else None
        resolved = (rng.random() < 0.75) if answered else None
        # About three contacts in ten follow up an open case of the last days (inside or outside 7 days).
        if open_cases and rng.random() < 0.3:
            case_id = open_cases[rng.randrange(len(open_cases))][0]
        else:
            case_id = f"CASE-{n:09d}" if rng.random() < 0.9 else ""
            if case_id:
                open_cases.append((case_id, started))
        while open_cases and started - open_cases[0][1] > timedelta(days=10):
            open_cases.pop(0)
        resolved_at = stamp(started + timedelta(minutes=rng.randrange(5, 3000))) if resolved else None
        batches[insert_call].append(
            (
                f"K{n:09d}", agent, team, call_types[n % len(call_types)], "inbound" if inbound else "outbound",
                "general", "voice", stamp(started), rng.randrange(0, 30) if rng.random() < 0.95 else None,
                rng.randrange(0, 120) if inbound else None, talk,
                rng.randrange(0, 120) if answered and rng.random() < 0.3 else None,
                rng.randrange(5, 120) if answered else None, answered, resolved, resolved_at, case_id,
                f"CUST-{rng.randrange(count // 2 + 1):08d}", "", "", "", stamp(started), stamp(started),
            )
        )  # fmt: skip
        if answered and rng.random() < 0.3:
            batches[insert_survey].append((n, rng.randrange(11), rng.randrange(1, 6), "", stamp(started)))
        if rng.random() < 0.05:
            kind = rng.choice(["hierarchical", "functional", "priority", "automatic"])
            reason = rng.choice(["Billing", "Supervisor", "Technical", "Complaint"])
            batches[insert_escalation].append((n, kind, reason, "L1", "L2", stamp(started)))
        if n in evaluated:
            score = round(rng.uniform(40, 100), 2)
            submitted = stamp(started + timedelta(days=1))
            status = "disputed" if rng.random() < 0.05 else "submitted"
            batches[insert_evaluation].append(
                (n, agent, team, version, reviewer, status, score, score < 50, score >= 85, "", "", submitted, submitted, submitted)
            )  # fmt: skip
        if len(batches[insert_call]) >= BATCH:
            flush()
    flush()
    print(
        f"  generated {count:,} calls and {len(evaluated):,} evaluations in {time.perf_counter() - began:.0f} s"
    )


# --- The measurements --------------------------------------------------------------------------------------


def _floor_parts(vendor: str) -> dict:
    sqlite = vendor == "sqlite"
    return {
        "day": "date(started_at)" if sqlite else "(started_at AT TIME ZONE 'UTC')::date",
        "true": "1" if sqlite else "true",
        "false": "0" if sqlite else "false",
        "materialise": "LIMIT -1 OFFSET 0" if sqlite else "OFFSET 0",
        "week_later": "strftime('%Y-%m-%d %H:%M:%f000', c.started_at, '+7 days')"
        if sqlite
        else "c.started_at + interval '7 days'",
        "seconds": (lambda a, b: f"((julianday({a}) - julianday({b})) * 86400.0)")
        if sqlite
        else (lambda a, b: f"EXTRACT(EPOCH FROM ({a} - {b}))"),
    }


def call_counts_sql(p: dict) -> str:
    """The call counts of calls.kpis.call_counts (escalations apart), as SUM(CASE …) columns."""
    known_wait = f"direction = 'inbound' AND answered = {p['true']} AND wait_time_seconds IS NOT NULL"
    known_handle = f"answered = {p['true']} AND handle_time_seconds IS NOT NULL"
    return f"""COUNT(*),
            SUM(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END),
            SUM(CASE WHEN direction = 'inbound' AND answered IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN direction = 'inbound' AND answered = {p["true"]} THEN 1 ELSE 0 END),
            SUM(CASE WHEN direction = 'inbound' AND answered = {p["false"]} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {known_wait} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {known_wait} THEN wait_time_seconds ELSE 0 END),
            SUM(CASE WHEN {known_wait} AND wait_time_seconds <= 20 THEN 1 ELSE 0 END),
            SUM(CASE WHEN answered = {p["true"]} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {known_handle} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {known_handle} THEN handle_time_seconds ELSE 0 END)"""


def floor_call_counts_sql(vendor: str) -> str:
    """The plain call counts per day × agent: no escalations, no cases."""
    p = _floor_parts(vendor)
    return f"SELECT {p['day']}, agent_id, {call_counts_sql(p)} FROM calls_call GROUP BY {p['day']}, agent_id"  # noqa: S608


def floor_sql(vendor: str) -> str:
    """Every day × agent count the snapshots hold of the calls (calls.kpis: call counts, escalated answered
    calls, and the cases by their first contact with resolution, FCR and treatment time), hand-written as one
    bare GROUP BY with the correlated subqueries the case rule needs."""
    p = _floor_parts(vendor)
    same_case = "FROM calls_call o WHERE o.case_id = c.case_id"
    # Earlier / later contacts (ties by id) as one range of the case's contacts, then the tie, as calls.kpis
    # writes them: the same rows as "a < b OR (a = b AND id < id)", which PostgreSQL reads as two bitmap scans.
    first = (
        f"CASE WHEN c.case_id = '' THEN 1 WHEN EXISTS (SELECT 1 {same_case} AND o.started_at <= c.started_at "
        "AND (o.started_at < c.started_at OR o.id < c.id)) THEN 0 ELSE 1 END"
    )
    resolved = (
        f"CASE WHEN c.resolved = {p['true']} THEN 1 WHEN c.case_id <> '' AND EXISTS "
        f"(SELECT 1 {same_case} AND o.resolved = {p['true']}) THEN 1 ELSE 0 END"
    )
    repeated = (
        f"CASE WHEN c.case_id <> '' AND EXISTS (SELECT 1 {same_case} AND o.started_at >= c.started_at AND "
        f"(o.started_at > c.started_at OR o.id > c.id) AND o.started_at <= {p['week_later']}) THEN 1 ELSE 0 END"
    )
    resolved_at = (
        "CASE WHEN c.case_id = '' THEN c.resolved_at ELSE COALESCE(c.resolved_at, "
        f"(SELECT MIN(o.resolved_at) {same_case} AND o.resolved_at IS NOT NULL)) END"
    )
    escalated = "EXISTS (SELECT 1 FROM calls_escalation e WHERE e.call_id = c.id)"
    treatment = p["seconds"]("case_resolved_at", "started_at")
    # Each subquery once per row: the levels are materialised (OFFSET 0 keeps SQLite from flattening them,
    # which would copy each subquery into every expression that reads its column).
    return f"""
        SELECT day, agent_id, {call_counts_sql(p)},
            SUM(CASE WHEN answered = {p["true"]} AND escalated = 1 THEN 1 ELSE 0 END),
            SUM(first_contact), SUM(case_resolved),
            SUM(CASE WHEN first_contact = 1 AND resolved = {p["true"]} AND repeated = 0 THEN 1 ELSE 0 END),
            SUM(CASE WHEN case_resolved = 1 AND case_resolved_at IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN case_resolved = 1 THEN {treatment} ELSE 0 END)
        FROM (
            SELECT c.*,
                CASE WHEN first_contact = 1 THEN {resolved} ELSE 0 END AS case_resolved,
                CASE WHEN first_contact = 1 THEN {repeated} ELSE 0 END AS repeated,
                CASE WHEN first_contact = 1 THEN {resolved_at} END AS case_resolved_at
            FROM (
                SELECT c.*, {p["day"].replace("started_at", "c.started_at")} AS day,
                    CASE WHEN {escalated} THEN 1 ELSE 0 END AS escalated, {first} AS first_contact
                FROM calls_call c {p["materialise"]}
            ) c {p["materialise"]}
        ) calls
        GROUP BY day, agent_id
    """  # noqa: S608


def _timed_rows(sql: str) -> tuple[float, float, int]:
    """(wall-clock s, this process's CPU s, rows) of one query. Every row reaches this process, a batch at a
    time: holding them all (100,000 rows of 20-odd numbers) would make the floor, not the recompute, this
    process's peak memory."""
    from django.db import connection

    began, began_cpu = time.perf_counter(), time.process_time()
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(5_000):
            rows += len(batch)
    return time.perf_counter() - began, time.process_time() - began_cpu, rows


def dashboard_figures(day) -> dict:
    """The center dashboard for the month holding `day`: p50 and p95 server time over DASHBOARD_REQUESTS
    requests (after one warm-up), and its query count."""
    from django.test.utils import override_settings

    # The static files by the finders, as in development (no collectstatic manifest here), as bench_lists.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        return _dashboard_figures(day)


def _dashboard_figures(day) -> dict:
    import statistics

    from django.db import connection
    from django.test import Client

    from qa_center.people.models import User

    manager, _created = User.objects.get_or_create(
        username="bench-dashboard-manager", defaults={"is_qa_manager": True}
    )
    client = Client()
    client.force_login(manager)
    url = f"/kpis/dashboard/?period=month&day={day.isoformat()}"
    assert client.get(url).status_code == 200
    timings = []
    for _ in range(DASHBOARD_REQUESTS):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    queries = []  # counted on the connection wrapper: SQLite's connection is closed after every request

    def count(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    figures = {
        "dashboard_p50_ms": round(statistics.median(timings), 1),
        "dashboard_p95_ms": round(percentile(timings, 0.95), 1),
        "dashboard_queries_1m": len(queries),
    }
    print(
        f"  center dashboard, month of {day}: p50 {figures['dashboard_p50_ms']} ms, "
        f"p95 {figures['dashboard_p95_ms']} ms, {len(queries)} queries",
        flush=True,
    )
    return figures


def small_dashboard_queries() -> int:
    """`dashboard_queries_1k`: the center dashboard's query count on a SMALL_CALLS database (its own run)."""
    out = BENCH_DIR / f"kpis-sqlite-{SMALL_CALLS}.json"
    command = [sys.executable, "-m", "tests.benchmarks.bench_kpis", "--one", "sqlite", str(out)]
    subprocess.run(command, check=True, cwd=BASE_DIR, env=os.environ | {"BENCH_CALLS": str(SMALL_CALLS)})  # noqa: S603
    return json.loads(out.read_text())["dashboard_queries_1m"]


def measure() -> dict:
    from django.db import connection
    from django.utils import timezone

    from calls.models import Call
    from qa_center.kpis.computing import compute_kpis
    from qa_center.kpis.models import KpiSnapshot

    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")  # as the computation runs: a fair floor
    first = timezone.localdate(Call.objects.order_by("started_at").first().started_at)
    last = timezone.localdate(Call.objects.order_by("-started_at").first().started_at)
    plain_s, _plain_cpu_s, plain_rows = _timed_rows(floor_call_counts_sql(connection.vendor))
    print(
        f"  bare GROUP BY day × agent, plain call counts only: {plain_s:.2f} s, {plain_rows:,} rows",
        flush=True,
    )
    floor_s, floor_cpu_s, _floor_rows = _timed_rows(floor_sql(connection.vendor))
    print(f"  floor: bare GROUP BY day × agent of the same call and case counts: {floor_s:.2f} s", flush=True)

    began, began_cpu = time.perf_counter(), time.process_time()
    written = compute_kpis(first_day=first, last_day=last)
    recompute_s, recompute_cpu_s = time.perf_counter() - began, time.process_time() - began_cpu
    print(f"  full recompute {first} – {last}: {recompute_s:.2f} s, {written:,} snapshots", flush=True)

    middle = first + (last - first) / 2
    began = time.perf_counter()
    compute_kpis(first_day=middle, last_day=middle)
    one_day_s = time.perf_counter() - began
    print(f"  one day ({middle}): {one_day_s:.2f} s", flush=True)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "calls": Call.objects.count(),
        "snapshots": KpiSnapshot.objects.count(),
        "recompute_s": round(recompute_s, 2),
        "floor_s": round(floor_s, 2),
        "ratio": round(recompute_s / floor_s, 2) if floor_s else None,
        # The stricter comparison: a GROUP BY of the plain call counts, without the case rule's subqueries.
        "plain_counts_floor_s": round(plain_s, 2),
        # SQLite runs in this process: its CPU time is what a busy, shared machine inflates less.
        "cpu_ratio": round(recompute_cpu_s / floor_cpu_s, 2) if vendor == "sqlite" and floor_cpu_s else None,
        "ratio_to_plain_counts": round(recompute_s / plain_s, 2) if plain_s else None,
        "one_day_s": round(one_day_s, 3),
        **dashboard_figures(middle),
        "peak_rss_mb": round(peak_rss_mb, 1),
    }


def run_one(calls: int, database: str, out: Path) -> None:
    """In this process: build (or reuse) the database, measure, write the figures to `out`."""
    os.environ["DJANGO_TIME_ZONE"] = "UTC"
    vendor = "postgresql" if database.startswith(("postgres://", "postgresql://")) else "sqlite"
    generated = False
    if vendor == "sqlite":
        path = database_path(calls)
        marker = path.with_suffix(".complete")
        if not marker.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        configure_django(f"sqlite:///{path}")
        if not marker.exists():
            raw = sqlite3.connect(path)
            raw.execute("PRAGMA synchronous = OFF")
            generate(calls, raw=raw, placeholder="?")
            raw.close()
            marker.write_text(str(calls))
            generated = True
        else:
            print(f"  reusing {path}", flush=True)
    else:
        configure_django(database)
        from django.db import connection

        from calls.models import Call

        if Call.objects.count() != calls:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
            connection.ensure_connection()
            generate(calls, raw=connection.connection, placeholder="%s")
            generated = True
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if generated:
        # Measure in a fresh process (which reuses the database): peak_rss_mb is then the recompute's, not the
        # generator's, and no page of the generation is left in this process's cache.
        from django.db import connections

        connections.close_all()
        command = [sys.executable, "-m", "tests.benchmarks.bench_kpis", "--one", database, str(out)]
        os.execv(sys.executable, command)  # noqa: S606
    out.write_text(json.dumps(measure()))


def main() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if len(sys.argv) == 4 and sys.argv[1] == "--one":  # a child process: Django binds one database each
        run_one(int(os.environ.get("BENCH_CALLS", "1000000")), sys.argv[2], Path(sys.argv[3]))
        return
    calls = int(os.environ.get("BENCH_CALLS", "1000000"))
    databases = {"sqlite": "sqlite"}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        databases["postgresql"] = url
    report: dict = {}
    print(f"sqlite, {SMALL_CALLS:,} calls (the dashboard's query count):", flush=True)
    queries_1k = small_dashboard_queries()
    for vendor, database in databases.items():
        print(f"{vendor}, {calls:,} calls:", flush=True)
        out = BENCH_DIR / f"kpis-{vendor}-{calls}.json"
        command = [sys.executable, "-m", "tests.benchmarks.bench_kpis", "--one", database, str(out)]
        subprocess.run(command, check=True, cwd=BASE_DIR)  # noqa: S603
        report[vendor] = json.loads(out.read_text()) | {"dashboard_queries_1k": queries_1k}
    if "postgresql" not in report:
        report["postgresql"] = {"skipped": "DATABASE_URL names no PostgreSQL server"}
    report["load_average_1min"] = round(os.getloadavg()[0], 2)
    report["cpus"] = os.cpu_count()
    OUTPUT.write_text(json.dumps(report, indent=1) + "\n")
    for vendor, figures in report.items():
        if isinstance(figures, dict) and "ratio" in figures:
            verdict = "within" if figures["ratio"] <= TARGET_RATIO else "OVER"
            print(
                f"{vendor}: recompute {figures['recompute_s']} s vs floor {figures['floor_s']} s → ratio "
                f"{figures['ratio']} ({verdict} the {TARGET_RATIO}× target); one day {figures['one_day_s']} s; "
                f"peak RSS {figures['peak_rss_mb']} MB"
            )
            print(
                f"{vendor}: center dashboard p50 {figures['dashboard_p50_ms']} ms, p95 {figures['dashboard_p95_ms']} ms; "
                f"{figures['dashboard_queries_1k']} queries at {SMALL_CALLS:,} calls, "
                f"{figures['dashboard_queries_1m']} at {calls:,}"
            )
    print(f"→ {OUTPUT}")


if __name__ == "__main__":
    main()

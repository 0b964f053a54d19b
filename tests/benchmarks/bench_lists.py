"""List pages at volume: `python -m tests.benchmarks.bench_lists [--calls 20000 1000000]`.

For each size, builds (once; reused while its size matches) a SQLite database under var/bench/ — never the
development database — with 500 agents in 25 teams and N calls spread over the last 12 months, surveys on ~30%
and escalations on ~5% of them, written with executemany on a raw connection (the stored durations are the
database's to fill). Then, through Django's test Client (full stack, no network, DEBUG off), requests every
variant of the call list 30 times after a warm-up and records p50 / p95 of the server time (wall clock, and
the process's CPU time, which a shared machine inflates less), of the time spent in SQL, and the variant's
query count. Each size runs in its own process (Django binds one database per process). Writes
var/bench/lists.json:

    {"sqlite": {"<variant>": {"p50_ms", "p95_ms", "queries", "calls", "by_size": {"<N>": {...}}}},
     "postgresql": {...}}

The top-level figures are the largest size measured. The PostgreSQL part runs only when DATABASE_URL names a
PostgreSQL server (its database is emptied and filled); otherwise it says it was skipped.
"""

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = BASE_DIR / "var" / "bench"
OUTPUT = BENCH_DIR / "lists.json"
REQUESTS = 30
WARM_UP = 3
TEAMS = 25
AGENTS_PER_TEAM = 20
SEED = 20261202
BATCH = 20_000
TARGET_MS = 150


def database_path(calls: int) -> Path:
    return BENCH_DIR / f"lists-{calls}.sqlite3"


def configure_django(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "qa_center.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_MEDIA_ROOT"] = str(BENCH_DIR / "media")
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would record every query and slow each request down
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-never-used-for-anything-else")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")  # the test Client speaks plain HTTP
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # Not setup_test_environment(): its template instrumentation copies the context at every template
    # rendered (each <option> of a dropdown is one), which is the test Client's cost, not the server's.
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- The generator -----------------------------------------------------------------------------------------


def _people() -> tuple[list[tuple[int, int]], dict]:
    """Teams with their leads, 20 agents each, a reviewer and a manager; (agent id, team id) pairs."""
    from django.contrib.auth.hashers import make_password

    from calls.models import CallType
    from qa_center.people.models import Team, User

    password = make_password("bench")
    manager = User.objects.create(username="manager", is_qa_manager=True, password=password)
    User.objects.create(username="reviewer", is_reviewer=True, password=password)
    pairs = []
    for t in range(TEAMS):
        lead = User.objects.create(
            username=f"lead{t}", first_name="Lead", last_name=str(t), is_team_lead=True
        )
        team = Team.objects.create(name=f"Team {t:02d}", lead=lead)
        agents = User.objects.bulk_create(
            [
                User(
                    username=f"agent{t}-{a}", first_name=f"A{a}", last_name=f"T{t}", is_agent=True, team=team
                )
                for a in range(AGENTS_PER_TEAM)
            ]
        )
        pairs += [(agent.pk, team.pk) for agent in agents]
    for slug in ("inbound-support", "outbound-sales", "retention", "escalated"):
        CallType.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").capitalize()})
    call_types = list(CallType.objects.values_list("pk", flat=True))
    return pairs, {"manager": manager.pk, "call_types": call_types}


def _call_rows(count: int, pairs, call_types, now: datetime, *, text_times: bool):
    """(call, survey or None, escalation or None) per call, oldest first, over the last 365 days."""
    rng = random.Random(SEED)
    span = 365 * 24 * 3600
    offsets = sorted(rng.randrange(span) for _ in range(count))
    start = now - timedelta(seconds=span)
    for n, offset in enumerate(offsets):
        agent, team = pairs[rng.randrange(len(pairs))]
        started = start + timedelta(seconds=offset)
        inbound = rng.random() < 0.9
        answered = rng.random() < 0.93
        ivr = rng.randrange(0, 30) if rng.random() < 0.95 else None
        queue_wait = rng.randrange(0, 240) if inbound else None
        talk = rng.randrange(30, 900) if answered else None
        hold = rng.randrange(0, 120) if answered and rng.random() < 0.3 else None
        wrap = rng.randrange(5, 120) if answered else None
        resolved = (rng.random() < 0.75) if answered else None
        case = f"CASE-{rng.randrange(count * 7 // 10 + 1):08d}"
        # SQLite: the text Django itself writes (UTC, no offset), so that comparisons and the keyset agree.
        stamp = started.replace(tzinfo=None).isoformat(sep=" ") if text_times else started
        call = (
            f"C{n:09d}", agent, team, call_types[n % len(call_types)],
            "inbound" if inbound else "outbound", "general", "voice", stamp,
            ivr, queue_wait, talk, hold, wrap, answered, resolved,
            case, f"CUST-{rng.randrange(count // 2 + 1):08d}",
            "", f"https://pbx.example.com/rec/{n}.mp3" if rng.random() < 0.5 else "", "", stamp, stamp,
        )  # fmt: skip
        survey = (
            (rng.randrange(11), rng.randrange(1, 6), "", stamp) if answered and rng.random() < 0.32 else None
        )
        escalation = (
            (rng.choice(["hierarchical", "functional", "priority", "automatic"]), "Bench", "L1", "L2", stamp)
            if rng.random() < 0.05
            else None
        )
        yield call, survey, escalation


CALL_COLUMNS = (
    "external_id", "agent_id", "team_id", "call_type_id", "direction", "queue", "channel", "started_at",
    "ivr_wait_seconds", "queue_wait_seconds", "talk_seconds", "hold_seconds", "wrap_up_seconds", "answered",
    "resolved", "case_id", "customer_id", "recording_file", "recording_url", "transcript", "created_at",
    "updated_at",
)  # fmt: skip


def generate(count: int, *, raw, placeholder: str) -> dict:
    """Fill the (migrated, empty) database with the people and `count` calls, in batches of executemany."""
    from django.db import connection

    pairs, context = _people()
    connection.close()
    now = datetime.now(UTC).replace(microsecond=0)
    # Identifiers from this module's constants; the values go as parameters.
    values = ", ".join([placeholder] * len(CALL_COLUMNS))
    insert_call = f"INSERT INTO calls_call ({', '.join(CALL_COLUMNS)}) VALUES ({values})"  # noqa: S608
    insert_survey = (
        "INSERT INTO calls_surveyresponse (call_id, nps, csat, comment, responded_at) "  # noqa: S608
        f"VALUES ({', '.join([placeholder] * 5)})"
    )
    insert_escalation = (
        "INSERT INTO calls_escalation (call_id, type, reason, from_level, to_level, escalated_at, external_id) "  # noqa: S608
        f"VALUES ({', '.join([placeholder] * 6)}, '')"
    )
    began = time.perf_counter()
    cursor = raw.cursor()
    next_id = 1
    calls, surveys, escalations = [], [], []

    def flush():
        cursor.executemany(insert_call, calls)
        cursor.executemany(insert_survey, surveys)
        cursor.executemany(insert_escalation, escalations)
        raw.commit()
        calls.clear(), surveys.clear(), escalations.clear()

    for call, survey, escalation in _call_rows(
        count, pairs, context["call_types"], now, text_times=placeholder == "?"
    ):
        calls.append(call)
        if survey:
            surveys.append((next_id, *survey))
        if escalation:
            escalations.append((next_id, *escalation))
        next_id += 1  # a fresh table: ids run 1..N in insertion order
        if len(calls) >= BATCH:
            flush()
    flush()
    print(f"  generated {count:,} calls in {time.perf_counter() - began:.0f} s", flush=True)
    return context


# --- The measurements --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def variants() -> dict[str, tuple[str, dict]]:
    """Variant name → (username, query parameters), the issue's table row by row."""
    from calls.models import Call
    from calls.selectors import CallFilters, call_listing
    from qa_center.people.models import User

    manager = User.objects.get(username="manager")
    newest = Call.objects.order_by("-started_at", "-id").first()
    a_case = Call.objects.order_by("-started_at", "-id").values_list("case_id", flat=True)[500]
    one_agent = User.objects.filter(is_agent=True).order_by("pk").first()
    week_to = newest.started_at.date()
    found = {
        "manager, default order": ("manager", {}),
        "manager, page 2 by its link (keyset)": ("manager", "keyset:2"),
        "manager, page 2000 by its link (keyset)": ("manager", "keyset:2000"),
        "manager, page 2000 by number (offset)": ("manager", {"page": 2000}),
        "manager, answered": ("manager", {"answered": "yes"}),
        "manager, resolved": ("manager", {"resolved": "yes"}),
        "manager, NPS promoters": ("manager", {"nps": "promoter"}),
        "manager, escalated": ("manager", {"escalated": "yes"}),
        "manager, not escalated": ("manager", {"escalated": "no"}),
        "manager, search by case id": ("manager", {"q": a_case}),
        "manager, sort by wait": ("manager", {"sort": "wait"}),
        "manager, sort by wait (descending)": ("manager", {"sort": "-wait"}),
        "manager, sort by handle time": ("manager", {"sort": "handle"}),
        "manager, sort by handle time (descending)": ("manager", {"sort": "-handle"}),
        "manager, oldest first": ("manager", {"sort": "started_at"}),
        "team lead, default": ("lead0", {}),
        "agent, default": (one_agent.username, {}),
        "manager, one week": (
            "manager",
            {"date_from": (week_to - timedelta(days=6)).isoformat(), "date_to": week_to.isoformat()},
        ),
        "manager, one agent": ("manager", {"agent": one_agent.pk}),
    }
    # The keyset links: the cursor of the last row of the page before (found once, not timed).
    listing = call_listing(user=manager, filters=CallFilters())
    for name, (who, params) in list(found.items()):
        if isinstance(params, str):
            number = min(int(params.split(":")[1]), Call.objects.count() // 50)  # a small database: its last
            before = listing.rows[(number - 1) * 50 - 1]
            found[name] = (who, {"after": listing.order.key_of(before), "page": number})
    return found


def measure(*, calls: int) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client

    from qa_center.people.models import User

    results = {}
    for name, (username, params) in variants().items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        url = f"/calls/?{urlencode(params)}" if params else "/calls/"
        for _ in range(WARM_UP):
            assert client.get(url).status_code == 200
        timings, cpu_timings, database_timings = [], [], []
        in_database = [0.0]

        def timed(execute, sql, *args, in_database=in_database):
            began = time.perf_counter()
            try:
                return execute(sql, *args)
            finally:
                in_database[0] += time.perf_counter() - began

        for _ in range(REQUESTS):
            in_database[0] = 0.0
            began, began_cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timed):
                response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
            cpu_timings.append((time.process_time() - began_cpu) * 1000)
            database_timings.append(in_database[0] * 1000)
            assert response.status_code == 200, (name, response.status_code)
        queries = []  # counted on the connection wrapper: SQLite's connection is closed after every request

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        reset_queries()
        with connection.execute_wrapper(count):
            html = client.get(url).content.decode()
        shown = html.split('id="call-count">', 1)[1].split("</span>", 1)[0].split("#}")[-1].strip()
        results[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            # CPU time of this process (SQLite runs in it): what a busy, shared machine inflates less.
            "cpu_p50_ms": round(statistics.median(cpu_timings), 1),
            "cpu_p95_ms": round(percentile(cpu_timings, 0.95), 1),
            # The part spent in the database's queries: what grows with the number of calls, if anything.
            "db_p50_ms": round(statistics.median(database_timings), 1),
            "db_p95_ms": round(percentile(database_timings, 0.95), 1),
            "queries": len(queries),
            "rows": html.count("<tr data-external-id="),
            "count": shown,
            "calls": calls,
        }
        figures = results[name]
        print(
            f"  {name:<45} p50 {figures['p50_ms']:>7} ms  p95 {figures['p95_ms']:>7} ms  "
            f"(CPU {figures['cpu_p50_ms']:>6} / {figures['cpu_p95_ms']:>6}; "
            f"in SQL {figures['db_p50_ms']:>6} / {figures['db_p95_ms']:>6})  "
            f"{figures['queries']} queries  ({figures['count']}, {figures['rows']} rows shown)",
            flush=True,
        )
    return results


def run_one(calls: int, database: str, out: Path) -> None:
    """In this process: build (or reuse) the database for `calls`, measure, write the figures to `out`."""
    vendor = "postgresql" if database.startswith(("postgres://", "postgresql://")) else "sqlite"
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
    from django.test.utils import override_settings

    # The static files by the finders, as in development (no collectstatic manifest here).
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES=storages):
        results = measure(calls=calls)
    out.write_text(json.dumps({"vendor": vendor, "results": results}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, nargs="+", default=[20_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size
    parser.add_argument("--database", default="", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.one:
        run_one(args.one, args.database, args.out)
        return

    databases = {"sqlite": "sqlite"}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        databases["postgresql"] = url
    report: dict = {}
    for vendor, database in databases.items():
        by_size = {}
        for calls in sorted(args.calls):
            print(f"{vendor}, {calls:,} calls:", flush=True)
            out = BENCH_DIR / f"lists-{vendor}-{calls}.json"
            command = [
                sys.executable,
                "-m",
                "tests.benchmarks.bench_lists",
                "--one",
                str(calls),
                "--out",
                str(out),
            ]
            subprocess.run([*command, "--database", database], check=True, cwd=BASE_DIR)
            by_size[str(calls)] = json.loads(out.read_text())["results"]
        largest = by_size[str(max(args.calls))]
        report[vendor] = {
            name: {**figures, "by_size": {size: results[name] for size, results in by_size.items()}}
            for name, figures in largest.items()
        }
    if "postgresql" not in report:
        report["postgresql"] = {"skipped": "DATABASE_URL names no PostgreSQL server"}
    report["load_average_1min"] = round(os.getloadavg()[0], 2)  # the machine's load when the run ended
    report["cpus"] = os.cpu_count()
    OUTPUT.write_text(json.dumps(report, indent=1) + "\n")
    slow = [name for name, f in report["sqlite"].items() if f["p95_ms"] >= TARGET_MS]
    print(f"→ {OUTPUT}; over {TARGET_MS} ms p95 at the largest size on SQLite: {slow or 'none'}")


if __name__ == "__main__":
    main()

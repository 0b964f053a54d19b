"""List pages at volume: `python -m tests.benchmarks.bench_lists [--calls 20000 1000000]`.

For each size, builds (once; reused while its size and the generator's version match) a SQLite database under
var/bench/ — never the development database — with 500 agents in 25 teams, 10 reviewers and N calls spread over
the last 12 months, surveys on ~30% and escalations on ~5% of them, and a submitted evaluation on ~10% of the
answered ones (about 93,000 at a million calls: some acknowledged, disputed or resolved, a few auto-failed,
their result kept on the call as scorecards keeps it), written with executemany on a raw connection (the stored durations are the
database's to fill). Then, through Django's test Client (full stack, no network, DEBUG off), requests every
variant of the call list and of the evaluations list (and its CSV export) 30 times after a warm-up and
records p50 / p95 of the server time (wall clock, and
the process's CPU time, which a shared machine inflates less), of the time spent in SQL, and the variant's
query count. Each size runs in its own process (Django binds one database per process). Writes
var/bench/lists.json:

    {"sqlite": {"<variant>": {"p50_ms", "p95_ms", "queries", "calls", "by_size": {"<N>": {...}}}},
     "postgresql": {...}}

The top-level figures are the largest size measured. BENCH_ONLY (parts of variant names, separated by "|") measures
only those variants. The PostgreSQL part runs only when DATABASE_URL names a
PostgreSQL server (on it, a database per size, `<name>_lists_<N>`, created if missing and filled when its count of
calls is not N; the role needs CREATEDB); otherwise it says it was skipped.
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
# Bumped when the generated data changes: a database built by an older generator is built again.
GENERATOR_VERSION = 2
EVALUATED_SHARE = 0.10
REVIEWERS = 10


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
    from scorecards.models import Scorecard, ScorecardVersion

    password = make_password("bench")
    manager = User.objects.create(username="manager", is_qa_manager=True, password=password)
    reviewers = [
        User.objects.create(
            username="reviewer" if r == 0 else f"reviewer{r}", first_name="Reviewer", last_name=str(r),
            is_reviewer=True, password=password,
        ).pk
        for r in range(REVIEWERS)
    ]  # fmt: skip
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
    versions = {}
    for call_type in CallType.objects.all():
        scorecard = Scorecard.objects.create(call_type=call_type, name=call_type.name)
        versions[call_type.pk] = ScorecardVersion.objects.create(
            scorecard=scorecard, number=1, status=ScorecardVersion.Status.PUBLISHED, pass_mark=85
        ).pk
    return pairs, {
        "manager": manager.pk,
        "call_types": call_types,
        "reviewers": reviewers,
        "versions": versions,
    }


EVALUATION_STATUSES = (("submitted", 0.70), ("acknowledged", 0.20), ("resolved", 0.07), ("disputed", 0.03))


def _evaluation(rng, started: datetime, text_times: bool) -> tuple | None:
    """An evaluation's score fields and dates: (score, before auto-fail, auto-failed, passed, status,
    submitted_at, acknowledged_at), or None for a call not evaluated."""
    if rng.random() >= EVALUATED_SHARE:
        return None
    auto_failed = rng.random() < 0.03
    before = round(rng.uniform(50, 100), 5)
    score = 0.0 if auto_failed else before
    status = rng.choices([s for s, _w in EVALUATION_STATUSES], [w for _s, w in EVALUATION_STATUSES])[0]
    submitted = started + timedelta(hours=rng.randrange(1, 72))
    acknowledged = submitted + timedelta(hours=5) if status == "acknowledged" else None

    def stamp(moment):
        if moment is None or not text_times:
            return moment
        return moment.replace(tzinfo=None).isoformat(sep=" ")

    return (
        score, before if auto_failed else None, auto_failed, score >= 85, status, stamp(submitted), stamp(acknowledged)
    )  # fmt: skip


def _call_rows(count: int, pairs, call_types, now: datetime, *, text_times: bool, context):
    """(call, survey or None, escalation or None, evaluation or None) per call, oldest first, over the last
    365 days."""
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
        evaluation = _evaluation(rng, started, text_times) if answered else None
        result = (evaluation[5], evaluation[0], evaluation[3]) if evaluation else (None, None, None)
        call = (
            f"C{n:09d}", agent, team, call_types[n % len(call_types)],
            "inbound" if inbound else "outbound", "general", "voice", stamp,
            ivr, queue_wait, talk, hold, wrap, answered, resolved,
            case, f"CUST-{rng.randrange(count // 2 + 1):08d}",
            "", f"https://pbx.example.com/rec/{n}.mp3" if rng.random() < 0.5 else "", "", stamp, stamp,
            *result, "",
        )  # fmt: skip
        survey = (
            (rng.randrange(11), rng.randrange(1, 6), "", stamp) if answered and rng.random() < 0.32 else None
        )
        escalation = (
            (rng.choice(["hierarchical", "functional", "priority", "automatic"]), "Bench", "L1", "L2", stamp)
            if rng.random() < 0.05
            else None
        )
        if evaluation:
            reviewer = context["reviewers"][rng.randrange(len(context["reviewers"]))]
            version = context["versions"][call_types[n % len(call_types)]]
            evaluation = (agent, team, version, reviewer, *evaluation, stamp, stamp)
        yield call, survey, escalation, evaluation


CALL_COLUMNS = (
    "external_id", "agent_id", "team_id", "call_type_id", "direction", "queue", "channel", "started_at",
    "ivr_wait_seconds", "queue_wait_seconds", "talk_seconds", "hold_seconds", "wrap_up_seconds", "answered",
    "resolved", "case_id", "customer_id", "recording_file", "recording_url", "transcript", "created_at",
    "updated_at", "evaluated_at", "evaluation_score", "evaluation_passed", "topic",
)  # fmt: skip
EVALUATION_COLUMNS = (
    "call_id", "agent_id", "team_id", "version_id", "reviewer_id", "score", "score_before_autofail",
    "auto_failed", "passed", "status", "submitted_at", "acknowledged_at", "created_at", "updated_at",
    "strengths", "improvements",
)  # fmt: skip


def generate(count: int, *, raw, placeholder: str) -> dict:
    """Fill the (migrated, empty) database with the people and `count` calls, in batches of executemany."""
    from django.db import connection

    pairs, context = _people()
    if placeholder == "?":  # SQLite: the raw connection writes next, no second writer holding the file
        connection.close()  # (on PostgreSQL `raw` is Django's own connection)
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
    insert_evaluation = (
        f"INSERT INTO scorecards_evaluation ({', '.join(EVALUATION_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join([placeholder] * (len(EVALUATION_COLUMNS) - 2))}, 'Bench.', '')"
    )
    began = time.perf_counter()
    cursor = raw.cursor()
    next_id = 1
    calls, surveys, escalations, evaluations = [], [], [], []

    def flush():
        cursor.executemany(insert_call, calls)
        cursor.executemany(insert_survey, surveys)
        cursor.executemany(insert_escalation, escalations)
        cursor.executemany(insert_evaluation, evaluations)
        raw.commit()
        calls.clear(), surveys.clear(), escalations.clear(), evaluations.clear()

    evaluated = 0
    for call, survey, escalation, evaluation in _call_rows(
        count, pairs, context["call_types"], now, text_times=placeholder == "?", context=context
    ):
        calls.append(call)
        if survey:
            surveys.append((next_id, *survey))
        if escalation:
            escalations.append((next_id, *escalation))
        if evaluation:
            evaluations.append((next_id, *evaluation))
            evaluated += 1
        next_id += 1  # a fresh table: ids run 1..N in insertion order
        if len(calls) >= BATCH:
            flush()
    flush()
    from qa_center.people.models import User
    from scorecards.evaluations.services import refresh_name_sort_keys

    refresh_name_sort_keys(list(User.objects.values_list("pk", flat=True)))  # as start_evaluation keeps them
    print(
        f"  generated {count:,} calls and {evaluated:,} evaluations in {time.perf_counter() - began:.0f} s",
        flush=True,
    )
    return context


# --- The measurements --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


CALL_LIST = ("/calls/", 'id="call-count">', "<tr data-external-id=")
EVALUATION_LIST = ("/evaluations/", 'id="evaluation-count">', "<tr data-evaluation=")
EVALUATION_EXPORT = ("/evaluations/export.csv", None, "\n")


def variants() -> dict[str, tuple[str, dict, tuple]]:
    """Variant name → (username, query parameters, page), the issues' tables row by row."""
    found = {name: (who, params, CALL_LIST) for name, (who, params) in call_variants().items()}
    found.update(evaluation_variants())
    return found


def evaluation_variants() -> dict[str, tuple[str, dict, tuple]]:
    """The evaluations list (issue 8) at the volume of evaluations the calls bring (~93,000 at a million)."""
    from qa_center.people.models import User
    from scorecards.evaluations.selectors import EvaluationFilters, evaluation_listing
    from scorecards.models import Evaluation, Scorecard

    manager = User.objects.get(username="manager")
    newest = Evaluation.objects.order_by("-submitted_at", "-id").first()
    week_to = newest.submitted_at.date()
    one_week = {"date_from": (week_to - timedelta(days=6)).isoformat(), "date_to": week_to.isoformat()}
    one_agent = Evaluation.objects.order_by("pk").values_list("agent_id", flat=True).first()
    found = {
        "evaluations: manager, default order": ("manager", {}),
        "evaluations: manager, page 2 by its link (keyset)": ("manager", "keyset:2"),
        "evaluations: manager, page 1000 by its link (keyset)": ("manager", "keyset:1000"),
        "evaluations: manager, sort by score": ("manager", {"sort": "-score"}),
        "evaluations: manager, sort by score (ascending)": ("manager", {"sort": "score"}),
        "evaluations: manager, sort by agent": ("manager", {"sort": "agent"}),
        "evaluations: manager, sort by reviewer": ("manager", {"sort": "-reviewer"}),
        "evaluations: manager, sort by agent, page 1000 by its link (keyset)": (
            "manager",
            "keyset:1000:agent",
        ),
        "evaluations: manager, failed": ("manager", {"passed": "fail"}),
        "evaluations: manager, auto-failed": ("manager", {"auto_failed": "yes"}),
        "evaluations: manager, disputed": ("manager", {"disputed": "yes"}),
        "evaluations: manager, acknowledged": ("manager", {"acknowledged": "yes"}),
        "evaluations: manager, score 80–90": ("manager", {"score_min": "80", "score_max": "90"}),
        "evaluations: manager, one scorecard": ("manager", {"scorecard": Scorecard.objects.first().pk}),
        "evaluations: manager, one week": ("manager", one_week),
        "evaluations: manager, one agent": ("manager", {"agent": one_agent}),
        "evaluations: team lead, default": ("lead0", {}),
        "evaluations: team lead, sort by score": ("lead0", {"sort": "-score"}),
        "evaluations: reviewer, default": ("reviewer", {}),
        "evaluations: reviewer, failed": ("reviewer", {"passed": "fail"}),
    }
    total = Evaluation.objects.count()
    for name, (who, params) in list(found.items()):
        if isinstance(params, str):  # "keyset:<page>[:<sort>]": the page reached by its Next link
            _, page, *sort = params.split(":")
            sorted_by = {"sort": sort[0]} if sort else {}
            listing = evaluation_listing(user=manager, filters=EvaluationFilters(), **sorted_by)
            number = min(int(page), total // 50)
            before = listing.rows[(number - 1) * 50 - 1]
            found[name] = (who, {**sorted_by, "after": listing.order.key_of(before), "page": number})
    variants = {name: (who, params, EVALUATION_LIST) for name, (who, params) in found.items()}
    # The export streams every filtered row: a week's worth (a lead's usual download), and a team's year.
    variants["evaluations: export, manager, one week"] = ("manager", one_week, EVALUATION_EXPORT)
    variants["evaluations: export, team lead, everything"] = ("lead0", {}, EVALUATION_EXPORT)
    return variants


def call_variants() -> dict[str, tuple[str, dict]]:
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
        "manager, evaluated": ("manager", {"evaluated": "yes"}),
        "manager, not evaluated": ("manager", {"evaluated": "no"}),
        "team lead, evaluated": ("lead0", {"evaluated": "yes"}),
    }
    # The keyset links: the cursor of the last row of the page before (found once, not timed).
    listing = call_listing(user=manager, filters=CallFilters())
    for name, (who, params) in list(found.items()):
        if isinstance(params, str):
            number = min(int(params.split(":")[1]), Call.objects.count() // 50)  # a small database: its last
            before = listing.rows[(number - 1) * 50 - 1]
            found[name] = (who, {"after": listing.order.key_of(before), "page": number})
    return found


def timed_get(client, url: str, requests: int) -> tuple[dict, bytes]:
    """`url` requested WARM_UP times, then `requests` times timed: p50 / p95 of the server time (wall clock; a
    streamed body is read inside the time), of this process's CPU time (SQLite runs in it: what a busy, shared
    machine inflates less) and of the time spent in the database's queries (what grows with the number of
    calls, if anything); and the query count of one more request, whose body comes back for the caller."""
    from django.db import connection

    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200, url
    timings, cpu_timings, database_timings = [], [], []
    in_database = [0.0]

    def timed(execute, sql, *args):
        began = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            in_database[0] += time.perf_counter() - began

    for _ in range(requests):
        in_database[0] = 0.0
        began, began_cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timed):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)  # an export's rows are written now
        timings.append((time.perf_counter() - began) * 1000)
        cpu_timings.append((time.process_time() - began_cpu) * 1000)
        database_timings.append(in_database[0] * 1000)
        assert response.status_code == 200, (url, response.status_code)
    queries = []  # counted on the connection wrapper: SQLite's connection is closed after every request

    def count(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    figures = {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "cpu_p50_ms": round(statistics.median(cpu_timings), 1),
        "cpu_p95_ms": round(percentile(cpu_timings, 0.95), 1),
        "db_p50_ms": round(statistics.median(database_timings), 1),
        "db_p95_ms": round(percentile(database_timings, 0.95), 1),
        "queries": len(queries),
    }
    return figures, body


def measure(*, calls: int) -> dict:
    from django.test import Client

    from qa_center.people.models import User

    results = {}
    # BENCH_ONLY="sort by agent|sort by reviewer": only the variants whose names contain one of these.
    only = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split("|") if part.strip()]
    for name, (username, params, (path, count_marker, row_marker)) in variants().items():
        if only and not any(part in name for part in only):
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        url = f"{path}?{urlencode(params)}" if params else path
        figures, body = timed_get(client, url, REQUESTS)
        html = body.decode()
        if count_marker is None:  # the CSV export: its rows, less the header line
            shown = f"{html.count(row_marker) - 1:,} rows exported"
        else:
            shown = html.split(count_marker, 1)[1].split("</span>", 1)[0].split("#}")[-1].strip()
        results[name] = {
            **figures,
            "rows": html.count(row_marker) - (1 if count_marker is None else 0),
            "count": shown,
            "calls": calls,
        }
        figures = results[name]
        print(
            f"  {name:<55} p50 {figures['p50_ms']:>7} ms  p95 {figures['p95_ms']:>7} ms  "
            f"(CPU {figures['cpu_p50_ms']:>6} / {figures['cpu_p95_ms']:>6}; "
            f"in SQL {figures['db_p50_ms']:>6} / {figures['db_p95_ms']:>6})  "
            f"{figures['queries']} queries  ({figures['count']}, {figures['rows']} rows shown)",
            flush=True,
        )
    return results


def sized_database(url: str, calls: int) -> str:
    """A database of its own for each size on DATABASE_URL's server (`<name>_lists_<calls>`, created if missing),
    so that a second run reuses the million calls instead of generating them again (~15 minutes)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_lists_{calls}"
    with psycopg.connect(url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def run_one(calls: int, database: str, out: Path) -> None:
    """In this process: build (or reuse) the database for `calls`, measure, write the figures to `out`."""
    vendor = "postgresql" if database.startswith(("postgres://", "postgresql://")) else "sqlite"
    if vendor == "sqlite":
        path = database_path(calls)
        marker = path.with_suffix(".complete")
        if marker.exists() and marker.read_text() != f"{calls} v{GENERATOR_VERSION}":
            marker.unlink()  # built by an older generator: build it again
        if not marker.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        configure_django(f"sqlite:///{path}")
        if not marker.exists():
            raw = sqlite3.connect(path)
            raw.execute("PRAGMA synchronous = OFF")
            generate(calls, raw=raw, placeholder="?")
            raw.close()
            marker.write_text(f"{calls} v{GENERATOR_VERSION}")
        else:
            print(f"  reusing {path}", flush=True)
    else:
        configure_django(sized_database(database, calls))
        from django.db import connection

        from calls.models import Call
        from scorecards.models import Evaluation

        if Call.objects.count() != calls or not Evaluation.objects.exists():
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


def is_export(variant: str) -> bool:
    return "export" in variant


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, nargs="+", default=[20_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size
    parser.add_argument("--database", default="", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--only",
        choices=["sqlite", "postgresql"],
        help="measure one database; the other's figures in lists.json are kept from its last run",
    )
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
    if args.only:
        if args.only not in databases:
            parser.error(f"--only {args.only}: DATABASE_URL names no PostgreSQL server")
        databases = {args.only: databases[args.only]}
        if OUTPUT.exists():  # keep the other database's last figures
            report = {
                k: v for k, v in json.loads(OUTPUT.read_text()).items() if k in ("sqlite", "postgresql")
            }
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
    for vendor in databases:
        # The CSV exports are downloads of every matching row, not pages: their time is the rows', ~0.1 ms each.
        pages = {name: f for name, f in report[vendor].items() if not is_export(name)}
        slow = [name for name, f in pages.items() if f["p95_ms"] >= TARGET_MS]
        print(
            f"→ {OUTPUT}; list pages over {TARGET_MS} ms p95 at the largest size on {vendor}: {slow or 'none'}"
        )
        for name, f in report[vendor].items():
            if is_export(name) and f.get("rows"):
                print(f"  {name}: {f['rows']:,} rows, {f['p50_ms'] / f['rows']:.3f} ms a row (p50)")


if __name__ == "__main__":
    main()

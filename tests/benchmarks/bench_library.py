"""Library search benchmark: `python -m tests.benchmarks.bench_library [--entries 10000]`.

Builds a throwaway SQLite database under var/bench/ (never the development database) with N approved library
entries on N calls (bulk inserts), two criteria and two tags each, then requests the library's search page
(`library:browse`) through Django's test Client (full stack: middleware, session, access, queries, template;
no network; DEBUG off) as an agent, REQUESTS times after a warm-up, cycling through text searches of one to
three words, alone and with a criterion, a tag or a call type. Prints p50 / p95 of the server time (wall
clock and the process's CPU time, which a shared machine inflates less) and the query count of a request,
and writes var/bench/library.json. The target is under 100 ms.
"""

import argparse
import json
import os
import random
import statistics
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = BASE_DIR / "var" / "bench"
DATABASE = BENCH_DIR / "library.sqlite3"
OUTPUT = BENCH_DIR / "library.json"
REQUESTS = 60
WARM_UP = 5
TARGET_MS = 100
SEED = 20261202
BATCH = 2000

WORDS = [
    "greeting", "empathy", "refund", "escalation", "manager", "callback", "invoice", "roaming", "router",
    "upgrade", "fibre", "retention", "outage", "apology", "promise", "calm", "listens", "explains", "plain",
    "date", "offer", "discount", "hardship", "payment", "plan", "cancel", "complaint", "engineer", "ticket",
]  # fmt: skip
CRITERIA = ["Greeting", "Verified identity", "Empathy and tone", "Explained the next steps", "Open questions"]
TAGS = [f"tag{n:02d}" for n in range(60)]


def configure_django() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qa_center.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(BENCH_DIR / "media")
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would record every query and slow each request down
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-never-used-for-anything-else")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")  # the test Client speaks plain HTTP
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(count: int):
    """An agent, a manager, four call types and `count` approved entries on as many calls."""
    from calls.models import Call, CallType
    from coaching.models import LibraryEntry, LibraryEntryCriterion, LibraryTag
    from qa_center.people.models import Team, User

    rng = random.Random(SEED)
    team = Team.objects.create(name="Blue")
    agent = User.objects.create(username="agent", is_agent=True, team=team)
    manager = User.objects.create(username="manager", is_qa_manager=True)
    call_types = [
        CallType.objects.create(slug=slug, name=slug.replace("-", " ").capitalize())
        for slug in ("inbound-support", "outbound-sales", "retention", "billing")
    ]
    tags = LibraryTag.objects.bulk_create(LibraryTag(name=name) for name in TAGS)
    now = datetime.now(tz=UTC)
    through = LibraryEntry.tags.through
    for first in range(0, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        calls = Call.objects.bulk_create(
            Call(
                external_id=f"B{n:08d}",
                agent=agent,
                team=team,
                call_type=call_types[n % len(call_types)],
                started_at=now - timedelta(minutes=n),
                recording_file=f"recordings/bench/{n}.wav",
            )
            for n in numbers
        )
        entries = []
        for n, call in zip(numbers, calls, strict=True):
            title = " ".join(rng.sample(WORDS, 3)).capitalize()
            notes = " ".join(rng.choices(WORDS, k=25))
            criteria = rng.sample(CRITERIA, 2)
            chosen = rng.sample(tags, 2)
            entry = LibraryEntry(
                call=call,
                agent=agent,
                call_type=call.call_type,
                title=title,
                notes=notes,
                status=LibraryEntry.Status.APPROVED,
                nominated_by=manager,
                decided_by=manager,
                decided_at=now - timedelta(minutes=n),
                play_count=rng.randrange(50),
                search_text="\n".join([title, notes, *criteria, *(t.name for t in chosen)]).lower(),
            )
            entry.bench_criteria, entry.bench_tags = criteria, chosen
            entries.append(entry)
        LibraryEntry.objects.bulk_create(entries)
        LibraryEntryCriterion.objects.bulk_create(
            LibraryEntryCriterion(entry=entry, title=title)
            for entry in entries
            for title in entry.bench_criteria
        )
        through.objects.bulk_create(
            through(libraryentry=entry, librarytag=tag) for entry in entries for tag in entry.bench_tags
        )
    return agent, call_types


def variants(call_types, count: int) -> list[dict]:
    rng = random.Random(SEED + 1)
    out = []
    for n in range(count):
        params = {"q": " ".join(rng.sample(WORDS, 1 + n % 3))}
        extra = n % 4
        if extra == 1:
            params["criterion"] = rng.choice(CRITERIA)
        elif extra == 2:
            params["tag"] = rng.choice(TAGS)
        elif extra == 3:
            params["call_type"] = rng.choice(call_types).pk
        out.append(params)
    return out


def _matches(agent, params: dict) -> int:
    from coaching.library.forms import LibrarySearchForm
    from coaching.library.selectors import library_search

    _rows, counted = library_search(user=agent, filters=LibrarySearchForm(params).filters())
    return counted.count()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    configure_django()
    from django.test.utils import override_settings

    began = time.perf_counter()
    agent, call_types = generate(args.entries)
    built = time.perf_counter() - began
    # The static files are served by the finders, as in development (no collectstatic manifest here).
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES=storages):
        result = measure(args.entries, agent, call_types, built=built)
    OUTPUT.write_text(json.dumps(result) + "\n")
    verdict = "within" if result["p95_ms"] < TARGET_MS else "OVER"
    print(
        f"Library text search over {args.entries:,} entries, {REQUESTS} requests: p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms (CPU p50 {result['cpu_p50_ms']} ms, p95 {result['cpu_p95_ms']} ms); "
        f"{result['queries']} queries a request; median {result['median_matches']} matches; "
        f"{verdict} the {TARGET_MS} ms target; load average {result['load_average_1min']} → {OUTPUT}"
    )


def measure(entries: int, agent, call_types, *, built: float) -> dict:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(agent)
    url = reverse("library:browse")
    asked = variants(call_types, WARM_UP + REQUESTS)
    for params in asked[:WARM_UP]:
        assert client.get(url, params).status_code == 200
    timings, cpu_timings = [], []
    for params in asked[WARM_UP:]:
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        timings.append((time.perf_counter() - began) * 1000)
        cpu_timings.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    queries = []  # counted on the connection wrapper: SQLite's connection is closed after every request
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        client.get(url, asked[WARM_UP])

    found = [_matches(agent, params) for params in asked[WARM_UP:]]  # outside the timings
    return {
        "entries": entries,
        "requests": REQUESTS,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "cpu_p50_ms": round(statistics.median(cpu_timings), 2),
        "cpu_p95_ms": round(percentile(cpu_timings, 0.95), 2),
        "queries": len(queries),
        "median_matches": statistics.median(found),
        "target_ms": TARGET_MS,
        "build_seconds": round(built, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    main()

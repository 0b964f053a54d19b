"""Live-score benchmark: `python -m tests.benchmarks.bench_evaluation`.

Builds a throwaway SQLite database under var/bench/ with a 40-criterion scorecard (four sections, every kind
of criterion, N/A-able and guidance) and a reviewer's draft, then posts the scoring form to the "preview"
endpoint (the live score htmx asks for on every change) REQUESTS times through Django's test Client, each time
with a different set of answers, url-encoded as htmx sends them. Each request is timed around the full Django
stack (middleware, session, access check, queries, scoring, template), with no network: wall-clock time, and
the process's CPU time, which a busy machine inflates less. Prints median and p95 in ms and writes
var/bench/evaluation.json. The target is "well under 50 ms".
"""

import json
import os
import random
import statistics
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"  # what htmx sends
CRITERIA = 40
REQUESTS = 200
WARM_UP = 20
BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = BASE_DIR / "var" / "bench"
DATABASE = BENCH_DIR / "evaluation.sqlite3"
OUTPUT = BENCH_DIR / "evaluation.json"


def configure_django() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qa_center.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(BENCH_DIR / "media")
    os.environ.setdefault("DJANGO_DEBUG", "0")  # DEBUG would record every query and slow each request down
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-never-used-for-anything-else")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")  # the test Client speaks plain HTTP
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    # WhiteNoise warns that collectstatic has not run: irrelevant to the timings.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # "testserver" allowed, in-memory email
    call_command("migrate", verbosity=0)


def scorecard():
    """A reviewer, an agent's call and the reviewer's draft on a published 40-criterion scorecard."""
    from calls.models import CallType
    from qa_center.people.models import Team, User
    from scorecards.evaluations.services import start_evaluation
    from tests.factories import CallFactory, make_published_version, many_criteria

    call_type = CallType.objects.create(slug="inbound-support", name="Inbound support")
    version = make_published_version(call_type, many_criteria(CRITERIA))
    team = Team.objects.create(name="Blue")
    agent = User.objects.create(username="agent", is_agent=True, team=team, email="agent@example.com")
    reviewer = User.objects.create(username="reviewer", is_reviewer=True)
    call = CallFactory(agent=agent, call_type=call_type, transcript="Agent: Hello.\nCustomer: Hi.\n" * 200)
    return reviewer, version, start_evaluation(call=call, reviewer=reviewer)


def form_variants(version, count: int) -> list[str]:
    """`count` different postings of the form: each criterion answered with probability 0.8, at random."""
    from scorecards.evaluations.forms import answer_choices, answer_field, comment_field
    from scorecards.scoring.spec import version_outline

    rng = random.Random(20240305)  # reproducible
    criteria = [criterion for section in version_outline(version) for criterion in section.criteria_list]
    variants = []
    for _ in range(count):
        data = {"strengths": "Calm and clear.", "improvements": ""}
        for criterion in criteria:
            if rng.random() < 0.8:
                data[answer_field(criterion.pk)] = rng.choice(answer_choices(criterion))[0]
            data[comment_field(criterion.pk)] = ""
        variants.append(urlencode(data))
    return variants


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    configure_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    reviewer, version, evaluation = scorecard()
    client = Client()
    client.force_login(reviewer)
    url = reverse("evaluations:preview", args=[evaluation.pk])
    variants = form_variants(version, WARM_UP + REQUESTS)

    def post(body: str):
        return client.post(url, body, content_type=FORM, HTTP_HX_REQUEST="true")

    for body in variants[:WARM_UP]:
        assert post(body).status_code == 200
    timings, cpu_timings = [], []
    for body in variants[WARM_UP:]:
        began, began_cpu = time.perf_counter(), time.process_time()
        response = post(body)
        timings.append((time.perf_counter() - began) * 1000)
        cpu_timings.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    queries = []  # counted on the connection wrapper: SQLite's connection is closed after every request
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        post(variants[0])

    # The edit page too, for reference (the static files are served by the finders, as in development).
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    edit_url = reverse("evaluations:edit", args=[evaluation.pk])
    edit_timings, edit_cpu_timings = [], []
    with override_settings(STORAGES=storages):
        for _ in range(20):
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(edit_url)
            edit_timings.append((time.perf_counter() - began) * 1000)
            edit_cpu_timings.append((time.process_time() - began_cpu) * 1000)
            assert response.status_code == 200, response.status_code

    result = {
        "criteria": CRITERIA,
        "requests": REQUESTS,
        "preview_median_ms": round(statistics.median(timings), 2),
        "preview_p95_ms": round(percentile(timings, 0.95), 2),
        "preview_max_ms": round(max(timings), 2),
        "preview_cpu_median_ms": round(statistics.median(cpu_timings), 2),
        "preview_cpu_p95_ms": round(percentile(cpu_timings, 0.95), 2),
        "preview_queries": len(queries),
        "edit_page_median_ms": round(statistics.median(edit_timings), 2),
        "edit_page_cpu_median_ms": round(statistics.median(edit_cpu_timings), 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    OUTPUT.write_text(json.dumps(result) + "\n")
    print(
        f"Live score (preview) of a {CRITERIA}-criterion scorecard over {REQUESTS} requests: "
        f"median {result['preview_median_ms']} ms, p95 {result['preview_p95_ms']} ms, "
        f"max {result['preview_max_ms']} ms; CPU time median {result['preview_cpu_median_ms']} ms, "
        f"p95 {result['preview_cpu_p95_ms']} ms; {result['preview_queries']} queries (target: well under 50)"
    )
    print(
        f"Edit page: median {result['edit_page_median_ms']} ms (CPU {result['edit_page_cpu_median_ms']} ms); "
        f"load average {result['load_average_1min']} on {result['cpus']} CPUs → {OUTPUT}"
    )


if __name__ == "__main__":
    main()

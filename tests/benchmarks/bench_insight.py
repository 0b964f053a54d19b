"""The insight pages at volume (issue 11): `python -m tests.benchmarks.bench_insight` (size: BENCH_CALLS,
default 1,000,000).

Reuses tests.benchmarks.bench_kpis' database (var/bench/kpis-<N>.sqlite3: 300 agents in 15 teams, N calls over
the last 12 months up to today, surveys on ~30 % of the answered calls, 40,000 evaluations) and its generator
when the database is missing. The insight pages need more than the KPI bench writes; added once per database
(in one transaction; the bench's improvement actions mark it done):

- the KPI snapshots, computed over the data's days if the snapshots table is empty (the AHT and QA-outcomes
  pages and the improvement actions read them);
- two sections of four criteria on the bench scorecard version, and an answer to every criterion for each of
  the 40,000 evaluations (320,000 answers; ~15 % below full marks, a few N/A), with executemany;
- a follow-up on one NPS answer in ten of the last 30 days;
- 20 improvement actions (one a criterion's, on team 00; one a KPI on team 00; the rest on the center);
- an escalation matrix (the bench's levels L1, L2, two departments; a rule per type, some per reason) and the
  customer follow-ups of the escalations (about 85 % done, a fifth of them late, the rest not done), once per
  database (its own marker: the matrix's levels);
- a topic on every call (eight, by the call's id), once per database (its marker: a call with a topic).

Then, in a fresh process per database, each page through Django's test Client (full stack, DEBUG off) as a QA
manager and as the lead of team 00, its default period (the last 30 days): p50 / p95 server time over
REQUESTS requests after WARM_UP warm-ups (wall clock; the process's CPU time, which a loaded, shared machine
inflates less; the part spent in SQL), and the query count at SMALL_CALLS (kpis-1000.sqlite3, its own run)
and at N calls: they must be equal. Writes var/bench/insight.json:

    {"sqlite": {"<page> (<role>)": {"p50_ms", "p95_ms", "queries_1k", "queries_1m", ...}},
     "postgresql": {"skipped": ...}, "load_average_1min": ..., "cpus": ...}

The PostgreSQL part runs only when DATABASE_URL names a PostgreSQL server (bench_kpis fills it).
"""

import json
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from tests.benchmarks import bench_kpis
from tests.benchmarks.bench_lists import BASE_DIR, BENCH_DIR, configure_django, timed_get

OUTPUT = BENCH_DIR / "insight.json"
REQUESTS = 30
TARGET_MS = 300
SMALL_CALLS = 1_000
SEED = 20261203
SECTIONS = 2
CRITERIA_PER_SECTION = 4
ACTIONS = 20
BENCH_TITLE = "Bench action"
MANAGER, LEAD = "bench-insight-manager", "lead0"  # lead0 leads Team 00 (bench_kpis._people)


# --- The insight data ------------------------------------------------------------------------------------------


def _criteria(version_pk: int) -> list:
    from scorecards.models import Criterion, Section

    criteria = []
    for s in range(SECTIONS):
        section = Section.objects.create(version_id=version_pk, title=f"Section {s + 1}", position=s)
        for c in range(CRITERIA_PER_SECTION):
            scale = c % 4 == 3  # one in four a 0..5 scale, the others yes / no
            criteria.append(
                Criterion.objects.create(
                    section=section,
                    title=f"Criterion {s + 1}.{c + 1}",
                    kind=Criterion.Kind.SCALE if scale else Criterion.Kind.YES_NO,
                    scale_max=5 if scale else None,
                    allows_na=c % 3 == 0,
                    position=c,
                )
            )
    return criteria


def _answers(raw, criteria, placeholder: str) -> int:
    """An answer to every criterion of every evaluation (executemany on the raw connection: `placeholder` is
    its driver's, "?" for sqlite3, "%s" for psycopg)."""
    rng = random.Random(SEED)
    cursor = raw.cursor()
    evaluations = [row[0] for row in cursor.execute("SELECT id FROM scorecards_evaluation ORDER BY id")]
    values = ", ".join([placeholder] * 4 + ["NULL"] + [placeholder] * 2 + ["''"])
    columns = "evaluation_id, criterion_id, is_na, value, option_id, points, max_points, comment"
    sql = f"INSERT INTO scorecards_answer ({columns}) VALUES ({values})"  # noqa: S608
    rows, written = [], 0
    for evaluation in evaluations:
        for criterion in criteria:
            top = criterion.scale_max or 1
            if criterion.allows_na and rng.random() < 0.05:
                rows.append((evaluation, criterion.pk, True, None, None, None))
                continue
            value = top if rng.random() < 0.85 else rng.randrange(top)
            rows.append((evaluation, criterion.pk, False, value, f"{value:.2f}", f"{top:.2f}"))
        if len(rows) >= bench_kpis.BATCH:
            cursor.executemany(sql, rows)
            written += len(rows)
            rows.clear()
    cursor.executemany(sql, rows)
    return written + len(rows)


def _follow_ups(manager) -> int:
    from django.utils import timezone

    from calls.models import SurveyResponse
    from qa_center.kpis.insight.selectors import follow_up_kind
    from qa_center.kpis.models import SurveyFollowUp

    since = timezone.now() - timedelta(days=30)
    answers = SurveyResponse.objects.filter(nps__isnull=False, responded_at__gte=since).order_by("pk")
    follow_ups = [
        SurveyFollowUp(
            response=answer,
            kind=follow_up_kind(answer.nps),
            done_by=manager,
            done_at=answer.responded_at + timedelta(hours=20),
            note="Called back",
        )
        for n, answer in enumerate(answers.only("pk", "nps", "responded_at"))
        if n % 10 == 0
    ]
    SurveyFollowUp.objects.bulk_create(follow_ups)
    return len(follow_ups)


def _actions(manager, lead, team, criterion) -> None:
    from django.utils import timezone

    from qa_center.kpis.models import ImprovementAction, ScopeKind

    today = timezone.localdate()
    kpis = ["qa_score", "csat", "fcr_rate", "aht", "pass_rate"]
    actions = []
    for n in range(ACTIONS):
        common = {
            "title": f"{BENCH_TITLE} {n + 1}",
            "change": "A new script for the greeting.",
            "owner": lead if n < 2 else manager,
            "created_by": manager,
            "due_on": today + timedelta(days=n),
            "starts_on": today - timedelta(days=14 + n),
            "window_days": 28,
        }
        if n == 0:  # the criterion's, on team 00
            extra = {"kpi": "qa_score", "criterion": criterion, "target": 10.0, "direction": "lower"}
            extra |= {"scope_kind": ScopeKind.TEAM, "scope_id": team.pk}
        elif n == 1:  # a KPI on team 00
            extra = {"kpi": "aht", "scope_kind": ScopeKind.TEAM, "scope_id": team.pk, "direction": "lower"}
        else:
            extra = {"kpi": kpis[n % len(kpis)], "target": 80.0}
        actions.append(ImprovementAction(**common, **extra))
    ImprovementAction.objects.bulk_create(actions)


def _escalation_matrix() -> None:
    """The escalation matrix and the escalations' follow-ups (bench_kpis writes escalations "L1" → "L2", of
    four types and four reasons, without follow-ups): once, in two UPDATEs."""
    from django.db import connection, transaction

    from qa_center.kpis.models import EscalationLevel, EscalationRule

    if EscalationLevel.objects.filter(name="L2").exists():
        return
    began = time.perf_counter()
    with transaction.atomic():
        level = {
            name: EscalationLevel.objects.create(name=name, order=order)
            for order, name in enumerate(["L1", "L2", "L3"], start=1)
        }
        for order, name in enumerate(["Billing", "Technical"], start=1):
            level[name] = EscalationLevel.objects.create(
                name=name, kind=EscalationLevel.Kind.DEPARTMENT, order=order
            )
        rules = [
            ("hierarchical", "", "L2", 24),
            ("hierarchical", "Complaint", "L3", 8),
            ("functional", "Billing", "Billing", 48),
            ("functional", "Technical", "Technical", 8),
            ("functional", "", "L2", 24),
            ("priority", "", "L2", 4),
        ]
        for type_, reason, handler, hours in rules:
            EscalationRule.objects.create(
                type=type_, reason=reason, handler=level[handler], followup_hours=hours
            )
        # Done within 2 h (on time for every rule) for ids ≡ 0..13 mod 20, within 60 h (late for most) for
        # 14..16, not done for the rest.
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                later = "strftime('%Y-%m-%d %H:%M:%f000', escalated_at, '+{} hours')"
            else:
                later = "escalated_at + interval '{} hours'"
            cursor.execute(
                f"UPDATE calls_escalation SET followup_done_at = CASE WHEN id % 20 < 14 THEN {later.format(2)} "  # noqa: S608
                f"WHEN id % 20 < 17 THEN {later.format(60)} END"
            )
    print(f"  added the escalation matrix and follow-ups in {time.perf_counter() - began:.0f} s", flush=True)


TOPICS = (
    "Billing dispute",
    "Router setup",
    "No internet connection",
    "Slow speed",
    "Cancellation request",
    "Price rise",
    "Payment plan",
    "Moving house",
)


def _topics() -> None:
    """A topic on every call (bench_kpis writes none), in one UPDATE."""
    from django.db import connection, transaction

    from calls.models import Call

    if Call.objects.exclude(topic="").exists():
        return
    began = time.perf_counter()
    whens = " ".join(f"WHEN {n} THEN %s" for n in range(len(TOPICS)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE calls_call SET topic = CASE id % {len(TOPICS)} {whens} END", TOPICS)  # noqa: S608
        cursor.execute("ANALYZE")
    print(f"  added the calls' topics in {time.perf_counter() - began:.0f} s", flush=True)


def prepare() -> None:
    """The data the insight pages read that bench_kpis does not write (once per database)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from calls.models import Call
    from qa_center.kpis.computing import compute_kpis
    from qa_center.kpis.models import ImprovementAction, KpiSnapshot
    from qa_center.people.models import Team, User
    from scorecards.models import ScorecardVersion

    manager, _created = User.objects.get_or_create(username=MANAGER, defaults={"is_qa_manager": True})
    _escalation_matrix()
    _topics()
    if ImprovementAction.objects.filter(title__startswith=BENCH_TITLE).exists():
        print("  reusing the insight data", flush=True)
        return
    began = time.perf_counter()
    if not KpiSnapshot.objects.exists():
        first = timezone.localdate(Call.objects.order_by("started_at").first().started_at)
        last = timezone.localdate(Call.objects.order_by("-started_at").first().started_at)
        written = compute_kpis(first_day=first, last_day=last)
        print(f"  computed {written:,} KPI snapshots ({first} – {last})", flush=True)
    lead = User.objects.get(username=LEAD)
    team = Team.objects.get(lead=lead)
    with transaction.atomic():
        criteria = _criteria(ScorecardVersion.objects.get(scorecard__name="Bench").pk)
        connection.ensure_connection()
        placeholder = "?" if connection.vendor == "sqlite" else "%s"
        answers = _answers(connection.connection, criteria, placeholder)
        follow_ups = _follow_ups(manager)
        _actions(manager, lead, team, criteria[0])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  added {answers:,} answers, {follow_ups:,} NPS follow-ups, {ACTIONS} improvement actions in "
        f"{time.perf_counter() - began:.0f} s",
        flush=True,
    )


# --- The measurements ------------------------------------------------------------------------------------------


def pages() -> dict[str, str]:
    """Page name → its URL (the default period: the last 30 days)."""
    from qa_center.kpis.models import ImprovementAction

    bench = ImprovementAction.objects.filter(title__startswith=BENCH_TITLE)
    criterion_action = bench.filter(criterion__isnull=False).get()
    kpi_action = bench.filter(criterion__isnull=True, scope_kind="team").get()
    return {
        "insight overview": "/kpis/insight/",
        "NPS follow-up": "/kpis/insight/nps/",
        "failing criteria": "/kpis/insight/criteria/",
        "AHT outliers": "/kpis/insight/aht/",
        "QA vs outcomes": "/kpis/insight/qa-outcomes/",
        "improvement actions": "/kpis/improvements/?status=all",
        "improvement action (KPI)": f"/kpis/improvements/{kpi_action.pk}/",
        "improvement action (criterion)": f"/kpis/improvements/{criterion_action.pk}/",
        "QA reports": "/reports/",
        "escalations": "/kpis/escalations/",
        "overdue follow-ups": "/kpis/escalations/overdue/",
    }


def measure(requests: int) -> dict:
    from django.test import Client
    from django.test.utils import override_settings

    from qa_center.people.models import User

    # The static files by the finders, as in development (no collectstatic manifest here), as bench_kpis.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = {}
    with override_settings(STORAGES=storages):
        for role, username in (("QA manager", MANAGER), ("team lead", LEAD)):
            client = Client()
            client.force_login(User.objects.get(username=username))
            for page, url in pages().items():
                name = f"{page} ({role})"
                results[name] = figures = timed_get(client, url, requests)[0]
                print(
                    f"  {name:<45} p50 {figures['p50_ms']:>7} ms  p95 {figures['p95_ms']:>7} ms  "
                    f"(SQL p50 {figures['db_p50_ms']:>7} ms)  {figures['queries']} queries",
                    flush=True,
                )
    return results


def run_one(calls: int, database: str, out: Path) -> None:
    """In this process: bench_kpis' database (built if missing), the insight data, the figures to `out`."""
    os.environ["DJANGO_TIME_ZONE"] = "UTC"
    vendor = "postgresql" if database.startswith(("postgres://", "postgresql://")) else "sqlite"
    if vendor == "sqlite":
        path = bench_kpis.database_path(calls)
        marker = path.with_suffix(".complete")
        if not marker.exists():
            # bench_kpis builds it (and measures it, in its own process).
            command = [sys.executable, "-m", "tests.benchmarks.bench_kpis", "--one", "sqlite", str(out)]
            env = os.environ | {"BENCH_CALLS": str(calls)}
            subprocess.run(command, check=True, cwd=BASE_DIR, env=env)  # noqa: S603
        print(f"  {path}", flush=True)
        configure_django(f"sqlite:///{path}")
    else:
        configure_django(database)
        from calls.models import Call

        if Call.objects.count() != calls:
            command = [sys.executable, "-m", "tests.benchmarks.bench_kpis", "--one", database, str(out)]
            env = os.environ | {"BENCH_CALLS": str(calls)}
            subprocess.run(command, check=True, cwd=BASE_DIR, env=env)  # noqa: S603
    prepare()
    # The small database: only the query counts matter, a few requests do.
    requests = REQUESTS if calls > SMALL_CALLS else 3
    out.write_text(json.dumps(measure(requests)))


def _run(calls: int, vendor: str, database: str) -> dict:
    out = BENCH_DIR / f"insight-{vendor}-{calls}.json"
    command = [sys.executable, "-m", "tests.benchmarks.bench_insight", "--one", database, str(out)]
    subprocess.run(command, check=True, cwd=BASE_DIR, env=os.environ | {"BENCH_CALLS": str(calls)})  # noqa: S603
    return json.loads(out.read_text())


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
    print(f"sqlite, {SMALL_CALLS:,} calls (the query counts):", flush=True)
    small = _run(SMALL_CALLS, "sqlite", "sqlite")
    report: dict = {}
    for vendor, database in databases.items():
        print(f"{vendor}, {calls:,} calls:", flush=True)
        large = _run(calls, vendor, database)
        report[vendor] = {}
        for name, figures in large.items():
            queries = figures.pop("queries")
            report[vendor][name] = figures | {"queries_1k": small[name]["queries"], "queries_1m": queries}
    if "postgresql" not in report:
        report["postgresql"] = {"skipped": "DATABASE_URL names no PostgreSQL server"}
    report["load_average_1min"] = round(os.getloadavg()[0], 2)
    report["cpus"] = os.cpu_count()
    OUTPUT.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\n{'page':<45} {'p50 ms':>8} {'p95 ms':>8} {'queries 1k':>11} {'queries 1M':>11}")
    for vendor in databases:
        print(f"{vendor}:")
        for name, figures in report[vendor].items():
            verdict = "" if figures["p95_ms"] <= TARGET_MS else f"  OVER {TARGET_MS} ms"
            growth = "" if figures["queries_1k"] == figures["queries_1m"] else "  QUERIES GROW"
            print(
                f"{name:<45} {figures['p50_ms']:>8} {figures['p95_ms']:>8} {figures['queries_1k']:>11} "
                f"{figures['queries_1m']:>11}{verdict}{growth}"
            )
    print(f"load average {os.getloadavg()}, {os.cpu_count()} CPUs → {OUTPUT}")


if __name__ == "__main__":
    main()

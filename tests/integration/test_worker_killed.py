"""A worker killed with SIGKILL in the middle of a task: the task runs again on another worker (late
acknowledgement, qa_center.settings) and the result equals an uninterrupted run's.

The first worker is killed outright (no warm shutdown, no chance to give its message back): its message waits
in Redis's unacked set until the visibility timeout passes, and the new worker's sweep puts it back in the
queue. The tests give the new worker a visibility timeout of 2 s to make that quick (production's is the task
time limit plus a quarter of an hour). "In the middle" is read from the database, never guessed from a clock:
the kill comes once the task has committed some of its work and not all of it.
"""

import os
import random
import signal
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from celery import Celery

from calls.models import Call, CallType, Escalation, ImportJob, ImportRowError
from qa_center.kpis import computing
from qa_center.kpis.models import EscalationSnapshot, KpiComputation, KpiSnapshot
from qa_center.people.models import Team, User
from tests.integration.conftest import wait_for
from tests.integration.imports import calls_csv, import_job, import_people

pytestmark = [pytest.mark.integration]

# The worker that takes over: messages of a dead worker come back after 2 s (swept every second).
TAKE_OVER = {"CELERY_BROKER_VISIBILITY_TIMEOUT": "2"}


def _kill(process) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def _rows(model) -> list[tuple]:
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in {"id", "computed_at"}]
    return sorted(model.objects.values_list(*names))


# --- A KPI recompute ------------------------------------------------------------------------------------------

YEARS = 4  # 16 quarters, then the weeks, months and years: seconds on either database
CALLS = 3_000


def _calls_over(first_day: date, days: int) -> None:
    rng = random.Random(12)
    teams = [Team.objects.create(name=f"Fault team {n}") for n in range(3)]
    agents = User.objects.bulk_create(
        User(username=f"fault-agent{n}", is_agent=True, team=teams[n % 3]) for n in range(12)
    )
    types = [CallType.objects.create(slug=f"fault-{n}", name=f"Fault {n}") for n in range(2)]
    start = datetime(first_day.year, first_day.month, first_day.day, 12, tzinfo=UTC)
    calls = []
    for n in range(CALLS):
        agent = agents[n % len(agents)]
        answered = rng.random() < 0.9
        calls.append(
            Call(
                external_id=f"K-{n}",
                agent=agent,
                team_id=agent.team_id,
                call_type=types[n % 2],
                started_at=start + timedelta(days=rng.randrange(days), minutes=rng.randrange(600)),
                queue_wait_seconds=rng.randrange(120),
                answered=answered,
                talk_seconds=rng.randrange(30, 900) if answered else None,
                resolved=rng.random() < 0.7 if answered else None,
                case_id=f"case-{n // 3}",
            )
        )
    Call.objects.bulk_create(calls, batch_size=2000)
    Escalation.objects.bulk_create(
        Escalation(
            call=call,
            type=Escalation.Type.HIERARCHICAL,
            reason=f"Reason {n % 3}",
            escalated_at=call.started_at,
        )
        for n, call in enumerate(calls)
        if call.answered and n % 20 == 0
    )


def _pool_process(worker) -> int:
    """The one pool process a prefork worker of concurrency 1 has forked."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


@pytest.mark.parametrize("killed", ["worker", "pool process"])
def test_kpi_recompute_killed_midway_converges(workers, redis_url, killed):
    """The whole worker killed: a new one takes the message over once the visibility timeout has passed.
    Only its pool process killed (the OOM killer's favourite): the worker sees it lost, puts the message back
    at once (task_reject_on_worker_lost), and its next pool process runs it again."""
    pool = "solo" if killed == "worker" else "prefork"
    first, first_log = workers.start(pool=pool, wait=False)  # it starts while the test writes its calls
    first_day = date(2014, 1, 1)
    last_day = date(2014 + YEARS - 1, 12, 31)
    _calls_over(first_day, (last_day - first_day).days + 1)
    # The reference: the same computation, uninterrupted, in this process.
    computing.compute_kpis(first_day=first_day, last_day=last_day)
    clean = _rows(KpiSnapshot), _rows(EscalationSnapshot)
    assert len(clean[0]) > 5_000 and clean[1]
    KpiSnapshot.objects.all().delete()
    EscalationSnapshot.objects.all().delete()

    workers.wait_ready(first_log)
    computation = computing.record_computation(
        first_day=first_day, last_day=last_day, trigger=KpiComputation.Trigger.MANUAL
    )
    Celery("producer", broker=redis_url).send_task("kpis.run_computation", args=[computation.pk])

    # In the middle: some quarters' days are written (each quarter commits on its own), no year yet.
    def midway():
        assert first.poll() is None, first_log.read_text()
        return KpiSnapshot.objects.filter(period_kind="day").exists()

    wait_for(midway, what="the first quarter's snapshots", log=first_log, interval=0.01)
    if killed == "worker":
        _kill(first)
    else:
        os.kill(_pool_process(first), signal.SIGKILL)
    assert not KpiSnapshot.objects.filter(period_kind="year").exists(), "killed too late: it had finished"
    assert KpiComputation.objects.get(pk=computation.pk).status == KpiComputation.Status.RUNNING
    assert 0 < KpiSnapshot.objects.count() < len(clean[0])

    log = workers.start(env=TAKE_OVER)[1] if killed == "worker" else first_log
    wait_for(
        lambda: KpiComputation.objects.get(pk=computation.pk).status == KpiComputation.Status.DONE,
        what="the redelivered computation",
        timeout=120,
        log=log,
    )
    assert (_rows(KpiSnapshot), _rows(EscalationSnapshot)) == clean
    if killed == "worker":
        assert "kpis.run_computation" in log.read_text()
    else:
        assert first.poll() is None
        assert "WorkerLostError" in log.read_text()
        assert log.read_text().count("Task kpis.run_computation") >= 2  # received/succeeded again


# --- A 100,000-row import -------------------------------------------------------------------------------------

ROWS = 100_000
REFUSED_EVERY = 10_007  # a row with an unreadable date now and then, all through the file


def test_import_killed_midway_resumes_on_another_worker(workers, redis_url):
    first, first_log = workers.start(wait=False)
    import_people()
    data, refused_lines = calls_csv(ROWS, refused_every=REFUSED_EVERY)
    job = import_job(data, "big.csv")

    workers.wait_ready(first_log)
    Celery("producer", broker=redis_url).send_task("calls.tasks.import_calls", args=[job.pk])

    def midway():
        assert first.poll() is None, first_log.read_text()
        return ImportJob.objects.get(pk=job.pk).processed_rows > 0

    wait_for(midway, what="the first batch", log=first_log, interval=0.01)
    _kill(first)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING
    assert 0 < job.processed_rows < ROWS, job.processed_rows
    assert Call.objects.count() < ROWS

    _second, second_log = workers.start(env=TAKE_OVER)
    wait_for(
        lambda: ImportJob.objects.get(pk=job.pk).is_finished,
        what="the import to finish on the second worker",
        timeout=300,  # ~20 s on a quiet machine; a loaded one (load 10 on 2 CPUs) took minutes
        log=second_log,
    )
    job.refresh_from_db()
    assert "taking over" in second_log.read_text()
    assert job.status == ImportJob.Status.PARTIAL, job.message
    wanted = ROWS - len(refused_lines)
    # Counted as an uninterrupted run counts them: every call created once, every refused row once.
    assert (job.total_rows, job.processed_rows) == (ROWS, ROWS)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (wanted, 0, 0)
    assert job.error_count == len(refused_lines)
    assert Call.objects.count() == wanted
    assert Call.objects.values("external_id").distinct().count() == wanted
    assert set(ImportRowError.objects.filter(job=job).values_list("line_number", flat=True)) == refused_lines
    assert ImportRowError.objects.filter(job=job).count() == len(refused_lines)

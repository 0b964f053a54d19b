"""Redis killed and started again while tasks wait in its queue: the worker reconnects by itself and runs
every one of them.

The Redis here is persisted as production's must be (conftest.PERSISTENT_REDIS, README "Redis"): append-only
file, fsync every second. It is killed with SIGKILL, no shutdown save: what survives is what Redis wrote to
its file before answering the producer, which with `appendonly yes` is every command it acknowledged (the
once-a-second fsync matters only when the machine itself goes down). With `appendonly no` and no snapshot,
the restarted Redis is empty and this test fails: the queued jobs stay pending forever.
"""

from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

from calls.models import Call, ImportJob
from tests.integration.conftest import Workers, wait_for
from tests.integration.imports import calls_csv, import_job, import_people

pytestmark = [pytest.mark.integration]

QUEUED = 8
SMALL = 25  # rows of each queued job


@pytest.fixture
def persistent_workers(persistent_redis, transactional_db):
    folder = Path(settings.MEDIA_ROOT).parent / "workers"
    folder.mkdir(parents=True, exist_ok=True)
    started = Workers(persistent_redis.url, folder)
    yield started
    started.stop_all()


def test_tasks_queued_across_a_redis_restart_all_run(persistent_redis, persistent_workers):
    worker, log = persistent_workers.start(wait=False)
    import_people()
    # A first job that keeps the worker busy (one message at a time: the others wait in Redis's list).
    busy = import_job(calls_csv(20_000, prefix="BUSY")[0], "busy.csv")
    queued = [import_job(calls_csv(SMALL, prefix=f"Q{n}")[0], f"q{n}.csv") for n in range(QUEUED)]
    persistent_workers.wait_ready(log)

    producer = Celery("producer", broker=persistent_redis.url)
    for job in [busy, *queued]:
        producer.send_task("calls.tasks.import_calls", args=[job.pk])
    wait_for(
        lambda: ImportJob.objects.get(pk=busy.pk).processed_rows > 0,
        what="the busy job's first batch",
        log=log,
    )
    client = redis.Redis.from_url(persistent_redis.url)
    assert client.llen("celery") == QUEUED  # all still queued: the worker is on the first job
    client.close()

    persistent_redis.restart()

    wait_for(
        lambda: not ImportJob.objects.exclude(status__in=ImportJob.FINISHED).exists(),
        what="every job to run after the restart",
        timeout=120,
        log=log,
    )
    assert worker.poll() is None  # the same worker: it reconnected
    assert set(ImportJob.objects.values_list("status", flat=True)) == {ImportJob.Status.DONE}
    assert Call.objects.count() == 20_000 + QUEUED * SMALL
    for job in queued:
        assert Call.objects.filter(external_id__startswith=f"Q{queued.index(job)}-").count() == SMALL
    assert "Connection to broker lost" in log.read_text() or "Cannot connect" in log.read_text()

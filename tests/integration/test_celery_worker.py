"""A real Celery worker consumes an import task from a real Redis broker and writes to the test database."""

import time

import pytest
from celery import Celery
from django.core.files.base import ContentFile

from calls.models import Call, ImportJob
from tests.factories import AgentFactory, CallTypeFactory

pytestmark = [pytest.mark.integration]

CSV = (
    "external_id,started_at,agent,call_type,talk_seconds,answered\r\n"
    "INT-1,2026-11-01 09:00:00,A9001,billing,0:05:10,Y\r\n"
    "INT-2,2026-11-01 09:05:00,A9001,billing,,N\r\n"
    "INT-3,not a date,A9001,billing,120,Y\r\n"
)


def test_worker_imports_a_file_sent_through_redis(celery_worker, redis_url):
    process, log = celery_worker
    AgentFactory(username="int-agent", agent_code="A9001")
    CallTypeFactory(slug="billing", name="Billing")
    columns = {f: f for f in ("external_id", "started_at", "agent", "call_type", "talk_seconds", "answered")}
    job = ImportJob(original_name="int.csv", columns=columns)
    job.file.save("int.csv", ContentFile(CSV.encode()), save=True)

    # A producer that knows nothing but the broker: the message can only reach the task through Redis.
    producer = Celery("producer", broker=redis_url)
    producer.send_task("calls.tasks.import_calls", args=[job.pk])

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        assert process.poll() is None, log.read_text()
        time.sleep(0.25)
    assert job.status == ImportJob.Status.PARTIAL, (
        f"{job.status}: {job.message}\n{log.read_text()}"
    )  # INT-3 refused
    assert (job.created_count, job.error_count) == (2, 1)
    assert job.row_errors.get().line_number == 4
    assert Call.objects.get(external_id="INT-1").talk_seconds == 310
    assert Call.objects.get(external_id="INT-2").talk_seconds is None
    assert "calls.tasks.import_calls" in log.read_text()

"""The Celery tasks: the import of a job (eager in tests) and the nightly purge of old uploads."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from calls.imports import jobs, tasks
from calls.models import Call, ImportJob, ImportRowError
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, make_csv

pytestmark = pytest.mark.django_db


def make_job(data: bytes, *, columns=None, user=None, name="calls.csv") -> ImportJob:
    job = ImportJob.objects.create(file=ContentFile(data, name=name), original_name=name, created_by=user)
    if columns is not None:
        assert jobs.configure_import_job(job=job, columns=columns, date_format="", mapping=None)
    return job


def good_file() -> bytes:
    return make_csv(BASIC_HEADER, [basic_row("C1"), basic_row("C2", talk="ghost"), basic_row("C3")])


def test_task_enqueued_on_commit_imports_the_job(jdoe, manager, django_capture_on_commit_callbacks):
    job = make_job(good_file(), columns=BASIC_COLUMNS, user=manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.import_calls.delay_on_commit(job.pk)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PARTIAL
    counts = {"rows": job.total_rows, "processed": job.processed_rows, "created": job.created_count}
    counts |= {"updated": job.updated_count, "unchanged": job.unchanged_count, "refused": job.error_count}
    assert counts == {"rows": 3, "processed": 3, "created": 2, "updated": 0, "unchanged": 0, "refused": 1}
    assert job.started_at <= job.finished_at
    assert job.percent == 100
    assert ImportRowError.objects.get(job=job).line_number == 3
    assert Call.objects.count() == 2


def test_a_job_runs_once_even_when_the_task_is_delivered_twice(jdoe):
    job = make_job(good_file(), columns=BASIC_COLUMNS)
    tasks.import_calls.delay(job.pk)
    tasks.import_calls.delay(job.pk)
    job.refresh_from_db()
    assert (job.created_count, job.error_count) == (2, 1)
    assert ImportRowError.objects.filter(job=job).count() == 1


def test_a_job_without_a_mapping_is_not_run(jdoe):
    job = make_job(good_file())
    tasks.import_calls.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PENDING
    assert not Call.objects.exists()


def test_a_file_refused_by_the_task_is_reported_on_the_job(jdoe):
    job = make_job(",".join(BASIC_HEADER).encode() + b"\n", columns=BASIC_COLUMNS)
    tasks.import_calls.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REFUSED
    assert job.message == "The file has a header row but no data rows."
    assert (job.created_count, job.error_count) == (0, 0)


def test_a_file_that_disappeared_is_refused(jdoe):
    job = make_job(good_file(), columns=BASIC_COLUMNS)
    default_storage.delete(job.file.name)
    tasks.import_calls.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REFUSED
    assert "no longer available" in job.message


def test_an_unexpected_error_marks_the_job_failed(jdoe, monkeypatch):
    job = make_job(good_file(), columns=BASIC_COLUMNS)

    def explode(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "import_calls_from_file", explode)
    tasks.import_calls.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "disk on fire" in job.message
    assert job.finished_at is not None


def test_purge_deletes_uploads_older_than_30_days_and_keeps_the_reports(jdoe):
    old = make_job(good_file(), columns=BASIC_COLUMNS)
    tasks.import_calls.delay(old.pk)
    recent = make_job(good_file(), name="recent.csv")
    running = make_job(good_file(), name="running.csv")
    ImportJob.objects.filter(pk=running.pk).update(status=ImportJob.Status.RUNNING)
    long_ago = timezone.now() - timedelta(days=31)
    ImportJob.objects.filter(pk__in=[old.pk, running.pk]).update(created_at=long_ago)
    old_name = ImportJob.objects.get(pk=old.pk).file.name

    assert tasks.purge_old_import_files.delay().get() == 1

    old.refresh_from_db()
    assert not old.file
    assert not default_storage.exists(old_name)
    assert old.row_errors.count() == 1  # the report stays
    assert default_storage.exists(ImportJob.objects.get(pk=recent.pk).file.name)
    assert default_storage.exists(ImportJob.objects.get(pk=running.pk).file.name)
    assert tasks.purge_old_import_files.delay().get() == 0  # idempotent


def test_a_running_job_whose_worker_died_is_marked_failed(jdoe):
    now = timezone.now()
    stalled = make_job(good_file(), columns=BASIC_COLUMNS)
    alive = make_job(good_file(), columns=BASIC_COLUMNS)
    ImportJob.objects.filter(pk=stalled.pk).update(
        status=ImportJob.Status.RUNNING,
        started_at=now - timedelta(hours=1),
        heartbeat_at=now - timedelta(minutes=11),
    )
    ImportJob.objects.filter(pk=alive.pk).update(
        status=ImportJob.Status.RUNNING,
        started_at=now - timedelta(hours=1),
        heartbeat_at=now - timedelta(minutes=1),
    )
    assert tasks.fail_stalled_import_jobs.delay() is not None
    stalled.refresh_from_db()
    alive.refresh_from_db()
    assert stalled.status == ImportJob.Status.FAILED and stalled.is_finished
    assert "importing the file again is safe" in stalled.message
    assert alive.status == ImportJob.Status.RUNNING


def test_each_batch_writes_a_heartbeat(jdoe):
    job = make_job(good_file(), columns=BASIC_COLUMNS)
    tasks.import_calls.delay(job.pk)
    job.refresh_from_db()
    assert job.started_at <= job.heartbeat_at <= job.finished_at


def _uploaded_job(rows, *, language="") -> ImportJob:
    """A job uploaded through the service, in the uploader's language, and configured."""
    upload = SimpleUploadedFile("calls.csv", make_csv(BASIC_HEADER, rows), content_type="text/csv")
    with translation.override(language or "en"):
        job = jobs.create_import_job(uploaded_file=upload, user=None)
    assert jobs.configure_import_job(job=job, columns=BASIC_COLUMNS, date_format="", mapping=None)
    return job


def test_import_refuses_an_external_id_with_a_slash(jdoe):
    job = _uploaded_job([basic_row("C/1"), basic_row("C2")])
    tasks.import_calls.delay(job.pk)
    job.refresh_from_db()
    assert (job.created_count, job.error_count) == (1, 1)
    assert "“/”" in job.row_errors.get().message


def test_refused_rows_are_explained_in_the_uploaders_language(jdoe):
    job = _uploaded_job([basic_row("C1", answered="perhaps")], language="es")
    assert job.language == "es"
    # The worker runs without the uploader's request (and so without their active language).
    with translation.override("en"):
        tasks.import_calls.delay(job.pk)
    reason = job.row_errors.get().message
    with translation.override("en"):
        english = ImportJob.objects.get(pk=job.pk).row_errors.get().message
    assert "perhaps" in reason
    assert reason == english  # stored text: it does not change with the reader's language
    with translation.override("en"):
        job_en = _uploaded_job([basic_row("C2", answered="perhaps")], language="en")
        tasks.import_calls.delay(job_en.pk)
    assert job_en.row_errors.get().message != reason


def _left_by_a_dead_worker(job: ImportJob, *, rows: int, created: int, refused: int) -> None:
    """The job as a worker killed after its first batch leaves it: running, with that batch's counters."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        processed_rows=rows,
        created_count=created,
        error_count=refused,
    )


def test_a_redelivered_task_takes_over_a_running_job_after_its_last_batch(jdoe):
    rows = [basic_row("C1"), basic_row("C2", talk="ghost"), basic_row("C3"), basic_row("C1")]
    job = make_job(make_csv(BASIC_HEADER, rows), columns=BASIC_COLUMNS)
    # The dead worker's first batch (lines 2-3): C1 imported, C2 refused, both committed with the counters.
    jobs.import_calls_from_file(data=job.file.read(), file_name="calls.csv", columns=BASIC_COLUMNS, job=job)
    Call.objects.exclude(external_id="C1").delete()
    ImportRowError.objects.filter(job=job).exclude(line_number=3).delete()
    _left_by_a_dead_worker(job, rows=2, created=1, refused=1)

    assert jobs.run_import_job(job_id=job.pk) is None  # a plain second delivery leaves a running job alone
    job = jobs.run_import_job(job_id=job.pk, redelivered=True)

    assert job.status == ImportJob.Status.PARTIAL
    assert (job.total_rows, job.created_count, job.unchanged_count, job.error_count) == (4, 2, 0, 2)
    assert sorted(Call.objects.values_list("external_id", flat=True)) == ["C1", "C3"]
    # The skipped rows still count for the file's repeated ids: line 5 repeats line 2's C1.
    errors = list(ImportRowError.objects.filter(job=job).order_by("line_number"))
    assert [e.line_number for e in errors] == [3, 5]
    assert "line 2" in errors[1].message


def test_a_redelivered_task_leaves_a_finished_job_alone(jdoe):
    job = make_job(good_file(), columns=BASIC_COLUMNS)
    jobs.run_import_job(job_id=job.pk)
    assert jobs.run_import_job(job_id=job.pk, redelivered=True) is None
    job.refresh_from_db()
    assert (job.created_count, job.error_count) == (2, 1)
    assert ImportRowError.objects.filter(job=job).count() == 1


def test_a_redelivered_survey_job_fails_at_once_rather_than_resuming():
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.SURVEYS,
        file=ContentFile(b"x", name="s.csv"),
        original_name="s.csv",
        columns={"a": "b"},
    )
    _left_by_a_dead_worker(job, rows=0, created=0, refused=0)
    job = jobs.run_import_job(job_id=job.pk, redelivered=True)
    assert job.status == ImportJob.Status.FAILED
    assert "worker ended" in job.message

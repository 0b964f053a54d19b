"""Running an import (DESIGN.md capability 1; issue 2, part 6), of calls or of survey answers (ImportJob.kind,
calls.imports.kinds: the same flow, the survey answers written by calls.surveys.importing).

The flow: a QA manager uploads a file (`create_import_job`), maps its columns to call fields
(`reading.preview_table`, `mapping.suggest_columns`, `configure_import_job`), then a Celery task runs
`run_import_job`, which first checks the file's agents and teams (calls.imports.agents: unknown ones stop
the job at the agent step, and it runs again after it), then calls `import_calls_from_file`, the one import
routine also used by `manage.py import_calls` and the benchmark. A survey job maps survey fields (the same
pages, calls.imports.kinds) and runs `import_surveys_from_file`: no agent step (an answer names no agent),
the survey plan and writer per batch (calls.surveys.importing), and the same refused rows, counters and
outcomes; the second row repeating a response id or a call is refused like a repeated external id.

Reasons (a refused row's, the job's own message) are stored as a code with its parameters (calls.reasons)
beside their text in the uploader's language: the job page and the CSV of refused rows show them in the
reader's language.

Rows are written in batches of settings.QA_IMPORT_BATCH_SIZE, each in its own transaction with the job's
refused rows and counters, so that the progress bar moves and the heartbeat shows the worker is alive; an
unexpected error mid-file leaves the batches before it imported (re-importing is safe) and marks the job
failed.

How a job ends (issue 7, part 4), each state with its own colour (ImportJob.COLOURS):
- done: every row imported; done with refused rows: some were refused (listed with their line and reason);
  refused: the file as a whole, or every one of its rows, was refused: nothing was imported.
- Rows are counted as created, updated (an existing call where at least one written field changed),
  unchanged (an existing call that already held every value of the row; the writer's upsert leaves it alone)
  and refused.
- The second row with an external id already seen in the file is refused ("same external id as line N"):
  the first occurrence imports. Two rows for one call in one export are a mistake of the export, and which
  of them should win is not ours to guess.
- A job that no worker has claimed (waiting for its mapping or for its agent step, calls.imports.agents,
  or queued) can be cancelled or deleted. Both are conditional on the job still being unclaimed, and the
  worker's claim is conditional on the job still pending (a job waiting for its agents is not), so a job
  is never both cancelled and run.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from calls.imports.agents import needs_scan, scan_unknown_agents
from calls.imports.kinds import kind_of
from calls.imports.mapping import join_start_columns
from calls.imports.reading import FileRefused, Preview, preview_table, read_table
from calls.imports.writer import Plan, RowRefused, bulk_write_settings, frozen_changes, write_calls
from calls.models import ImportJob, ImportMapping, ImportRowError
from calls.reasons import as_reason, declare, joined
from calls.surveys.importing import SurveyPlan, write_survey_batch
from calls.surveys.services import SurveyAnswer

logger = logging.getLogger(__name__)


@dataclass
class RowError:
    line_number: int
    message: str  # a calls.reasons.Reason (or a text as written)
    raw: str


# What the job page says of the job as a whole (calls.reasons: codes, shown in the reader's language).
MISSING_COLUMNS = declare(
    "import.missing_columns", gettext_lazy("Columns of the mapping not found in the file, not imported: %s.")
)
SAME_EXTERNAL_ID = declare(
    "import.same_external_id", gettext_lazy("%(header)s: same external id as line %(line)s")
)
FILE_GONE = declare(
    "import.file_gone", gettext_lazy("The uploaded file is no longer available; upload it again.")
)
UNEXPECTED_ERROR = declare(
    "import.unexpected_error",
    gettext_lazy(
        "The import stopped on an unexpected error after %(rows)s rows: %(error)s. "
        "Rows imported before it are kept; importing the file again is safe."
    ),
)
EVERY_ROW_REFUSED = declare(
    "import.every_row_refused",
    gettext_lazy("Every row was refused; nothing was imported. The reasons are listed below."),
)
CANCELLED = declare("import.cancelled", gettext_lazy("Cancelled before it ran; nothing was imported."))
WORKER_ENDED = declare(
    "import.worker_ended",
    gettext_lazy(
        "The import stopped: its worker ended before finishing. Rows imported before it are kept; "
        "importing the file again is safe (rows are updated by external id, never duplicated)."
    ),
)


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def import_calls_from_file(
    *,
    data: bytes,
    file_name: str,
    columns: dict[str, str],
    date_format: str = "",
    job: ImportJob | None = None,
    batch_size: int | None = None,
) -> ImportResult:
    """Import every row of the file; FileRefused (nothing written) when the file as a whole is unusable.

    With a `job`, refused rows are stored as its ImportRowError rows and its counters move once per batch;
    without one (the management command), refused rows are returned in the result.
    """
    table = read_table(data=data, file_name=file_name)
    table, columns = join_start_columns(table=table, columns=columns)
    plan = Plan(headers=table.headers, columns=columns, date_format=date_format)
    result = _result_so_far(job)
    if plan.missing:
        result.notes.append(MISSING_COLUMNS(", ".join(plan.missing)))
    if job is not None:
        ImportJob.objects.filter(pk=job.pk).update(total_rows=table.estimated_rows)
    batch_size = batch_size or settings.QA_IMPORT_BATCH_SIZE
    convert = plan.convert
    rows: list[list[Any]] = []
    errors: list[RowError] = []
    first_lines: dict[str, int] = {}  # external id → the line that imported it
    sources: dict[
        str, list[str]
    ] = {}  # external id → the cells of the batch's row, should it be refused later
    # A job taken over from a dead worker (resume_import_job): its first rows are written already. They are
    # read again only for the external ids they hold, so that a later row repeating one is still refused.
    skip = result.total_rows
    with bulk_write_settings(), collector_paused():
        for line_number, cells in table.records:
            if skip:
                skip -= 1
                with suppress(RowRefused):
                    first_lines.setdefault(convert(cells)[0], line_number)
                continue
            try:
                row = convert(cells)
            except RowRefused as exc:
                errors.append(RowError(line_number, exc.reason, table.format_row(cells)))
            else:
                first = first_lines.setdefault(row[0], line_number)
                if first == line_number:
                    rows.append(row)
                    sources[row[0]] = cells
                else:
                    message = SAME_EXTERNAL_ID(header=plan.headers["external_id"], line=first)
                    errors.append(RowError(line_number, message, table.format_row(cells)))
            if len(rows) + len(errors) >= batch_size:
                result.total_rows += len(rows) + len(errors)
                rows = _refuse_frozen_changes(plan, rows, errors, first_lines, sources, table)
                _write_batch(plan, rows, errors, result, job)
                rows, errors, sources = [], [], {}
        result.total_rows += len(rows) + len(errors)
        rows = _refuse_frozen_changes(plan, rows, errors, first_lines, sources, table)
        _write_batch(plan, rows, errors, result, job)
    return result


def _result_so_far(job: ImportJob | None) -> ImportResult:
    """The counters of the batches a job has written already: none for a new job, those of its last batch
    for a job taken over from a dead worker."""
    if job is None:
        return ImportResult()
    return ImportResult(
        total_rows=job.processed_rows,
        created=job.created_count,
        updated=job.updated_count,
        unchanged=job.unchanged_count,
        refused=job.error_count,
    )


def import_surveys_from_file(
    *,
    data: bytes,
    file_name: str,
    columns: dict[str, str],
    date_format: str = "",
    job: ImportJob | None = None,
    batch_size: int | None = None,
) -> ImportResult:
    """Import every row of a survey tool's export (calls.surveys.importing): the same reading, batches,
    refused rows, counters and outcome as `import_calls_from_file`, with the survey plan and writer."""
    table = read_table(data=data, file_name=file_name)
    plan = SurveyPlan(headers=table.headers, columns=columns, date_format=date_format)
    result = ImportResult()
    if plan.missing:
        result.notes.append(MISSING_COLUMNS(", ".join(plan.missing)))
    if job is not None:
        ImportJob.objects.filter(pk=job.pk).update(total_rows=table.estimated_rows)
    batch_size = batch_size or settings.QA_IMPORT_BATCH_SIZE

    def write(
        answers: list[SurveyAnswer],
        lines: list[int],
        sources: list[list[str]],  # the cells of each answer's row, should the writer refuse it
        errors: list[RowError],
    ) -> None:
        result.total_rows += len(answers) + len(errors)
        with transaction.atomic():
            if answers:
                outcome = write_survey_batch(plan, answers, lines)
                result.created += outcome.created
                result.updated += outcome.updated
                result.unchanged += outcome.unchanged
                for position, message in outcome.refused:
                    errors.append(RowError(lines[position], message, table.format_row(sources[position])))
                errors.sort(key=lambda error: error.line_number)
            _record_batch(errors, result, job)

    convert = plan.convert
    records = table.records
    with bulk_write_settings(), collector_paused():
        # A batch is the file's next `batch_size` rows (each an answer or a refused row).
        while batch := list(islice(records, batch_size)):
            answers: list[SurveyAnswer] = []
            lines: list[int] = []
            sources: list[list[str]] = []
            errors: list[RowError] = []
            for line_number, cells in batch:
                try:
                    answers.append(convert(cells))
                except RowRefused as exc:
                    errors.append(RowError(line_number, exc.reason, table.format_row(cells)))
                else:
                    lines.append(line_number)
                    sources.append(cells)
            write(answers, lines, sources, errors)
    return result


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a file's rows are converted and written, back on after
    (as it was). The import makes no reference cycles (its rows, values and batches are freed as each batch
    ends), but it allocates millions of objects, and the collector then keeps walking everything the
    process holds: about an eighth of the survey import's time on the benchmark, for nothing collected."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _refuse_frozen_changes(plan, rows, errors, first_lines, sources, table) -> list[list[Any]]:
    """The batch's rows without those that would change an evaluated call's agent, start or transcript:
    these become refused rows with their line, as in the API (409 there)."""
    refused = frozen_changes(plan, rows)
    if not refused:
        return rows
    for external_id, message in refused.items():
        errors.append(RowError(first_lines[external_id], message, table.format_row(sources[external_id])))
    errors.sort(key=lambda error: error.line_number)
    return [row for row in rows if row[0] not in refused]


def _write_batch(
    plan: Plan,
    rows: list[list[Any]],
    errors: list[RowError],
    result: ImportResult,
    job: ImportJob | None,
) -> None:
    with transaction.atomic():
        if rows:
            created, updated, unchanged = write_calls(plan, rows)
            result.created += created
            result.updated += updated
            result.unchanged += unchanged
        _record_batch(errors, result, job)


def _record_batch(errors: list[RowError], result: ImportResult, job: ImportJob | None) -> None:
    """A batch's refused rows and the job's counters, in the batch's transaction (either kind)."""
    result.refused += len(errors)
    if job is None:
        result.errors.extend(errors)
        return
    if errors:
        ImportRowError.objects.bulk_create(
            [
                ImportRowError(
                    job=job,
                    line_number=e.line_number,
                    message=e.message,
                    reason=as_reason(e.message).as_json(),
                    raw=e.raw,
                )
                for e in errors
            ]
        )
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now(),
        processed_rows=result.total_rows,
        created_count=result.created,
        updated_count=result.updated,
        unchanged_count=result.unchanged,
        error_count=result.refused,
    )


def create_import_job(*, uploaded_file, user, kind: str = ImportJob.Kind.CALLS) -> ImportJob:
    """Store the upload as a pending job of `kind` (calls or survey answers); the file is refused at once
    when it is not a usable table."""
    job = ImportJob.objects.create(
        kind=kind,
        file=uploaded_file,
        original_name=uploaded_file.name[:255],
        created_by=user,
        language=translation.get_language() or "",
    )
    try:
        preview_job(job=job)
    except FileRefused as exc:
        refuse_import_job(job=job, message=exc.reason)
    return job


def job_data(job: ImportJob) -> bytes:
    if not job.file:
        raise FileRefused(FILE_GONE())
    try:
        with job.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise FileRefused(FILE_GONE()) from exc


def preview_job(*, job: ImportJob, rows: int = 5) -> Preview:
    return preview_table(data=job_data(job), file_name=job.original_name, rows=rows)


def configure_import_job(
    *, job: ImportJob, columns: dict[str, str], date_format: str, mapping: ImportMapping | None
) -> bool:
    """Record the mapping on a pending job. False when the job was already configured (a double submit)
    or cancelled meanwhile.

    `mapping` is the saved mapping the columns were pre-filled from, if any; the user may have edited them
    since, which the snapshot lets the job page tell."""
    kind_of(job.kind).validate(columns=columns)
    snapshot = _mapping_snapshot(mapping)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING, columns={}).update(
        columns=columns, date_format=date_format, mapping=mapping, mapping_snapshot=snapshot
    )
    if updated:
        job.columns, job.date_format, job.mapping, job.mapping_snapshot = (
            columns,
            date_format,
            mapping,
            snapshot,
        )
    return bool(updated)


def _mapping_snapshot(mapping: ImportMapping | None) -> dict:
    if mapping is None:
        return {}
    return {"name": mapping.name, "columns": dict(mapping.columns), "date_format": mapping.date_format}


def run_import_job(*, job_id: int, redelivered: bool = False) -> ImportJob | None:
    """Run a configured pending job. None when another worker already took it (a task delivered twice).

    `redelivered`: the broker hands the task out again because the worker that had it died before finishing
    (late acknowledgement, qa_center.settings). Its job is still running: this worker takes it over and
    goes on after its last written batch (`resume_import_job`)."""
    claimed = (
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING)
        .exclude(columns={})
        .update(status=ImportJob.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    )
    if not claimed:
        return resume_import_job(job_id=job_id) if redelivered else None
    job = ImportJob.objects.select_related("mapping").get(pk=job_id)
    if job.mapping is not None:
        # The saved mapping as it stands now that the job runs: edited since the job was configured, the job
        # no longer carries its columns, and the page says so.
        job.mapping_snapshot = _mapping_snapshot(job.mapping)
        job.save(update_fields=["mapping_snapshot"])
    # The reasons stored for refused rows are read by the uploader: write them in their language.
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _run_claimed_job(job)


def resume_import_job(*, job_id: int) -> ImportJob | None:
    """Take over a running job whose worker died (the broker redelivered its task: qa_center.settings makes
    sure that happens only once the first run is over). A job of calls goes on after its last batch: each
    batch committed its calls with the job's counters and refused rows, so the rows before `processed_rows`
    are skipped and counted as they were, and the result is the one an uninterrupted run gives. A job of
    survey answers cannot (its writer remembers the file's earlier answers in memory): it fails at once
    with the stalled-job message instead of showing "Importing" until the sweep. None when the job is not
    running any more (it finished, or the sweep failed it)."""
    job = (
        ImportJob.objects.select_related("mapping").filter(pk=job_id, status=ImportJob.Status.RUNNING).first()
    )
    if job is None:
        return None
    logger.warning("Import job %s: taking over from a worker that ended mid-job", job_id)
    if job.kind == ImportJob.Kind.SURVEYS:
        return _finish(job, status=ImportJob.Status.FAILED, message=WORKER_ENDED())
    ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _run_claimed_job(job)


def _run_claimed_job(job: ImportJob) -> ImportJob:
    job_id = job.pk
    try:
        data = job_data(job)
        if job.kind == ImportJob.Kind.SURVEYS:
            run = import_surveys_from_file  # survey answers name no agent: no agent step
        elif _stopped_for_agents(job, data):
            return job
        else:
            run = import_calls_from_file
        result = run(
            data=data,
            file_name=job.original_name,
            columns=job.columns,
            date_format=job.date_format,
            job=job,
        )
    except FileRefused as exc:
        return refuse_import_job(job=job, message=exc.reason)
    except Exception as exc:
        logger.exception("Import job %s failed", job_id)
        job.refresh_from_db(fields=["processed_rows"])
        # The error's own words: a reason of ours (a file unreadable part-way) is shown in the reader's
        # language, any other exception as it says itself.
        error = as_reason(exc.args[0] if len(exc.args) == 1 else str(exc))
        return _finish(
            job,
            status=ImportJob.Status.FAILED,
            message=UNEXPECTED_ERROR(rows=job.processed_rows, error=error),
        )
    notes = result.notes
    if not result.refused:
        status = ImportJob.Status.DONE
    elif result.refused < result.total_rows:
        status = ImportJob.Status.PARTIAL
    else:
        status = ImportJob.Status.REFUSED
        notes = [EVERY_ROW_REFUSED(), *notes]
    return _finish(
        job,
        status=status,
        message=joined(notes, " ") if notes else None,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        created_count=result.created,
        updated_count=result.updated,
        unchanged_count=result.unchanged,
        error_count=result.refused,
    )


def _stopped_for_agents(job: ImportJob, data: bytes) -> bool:
    """Whether the file names agents or teams nobody has (calls.imports.agents): then the job gives its claim
    back and waits for its agent step. A job that went through the step keeps its list: no second scan."""
    if job.unknown_agents or not needs_scan(job.columns):
        return False

    def alive():
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())

    unknown = scan_unknown_agents(
        data=data, file_name=job.original_name, columns=job.columns, alive=alive
    ).as_json()
    if not unknown:
        return False
    # Conditional: a job the stalled-job sweep failed meanwhile stays failed (and is not imported either).
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.NEEDS_AGENTS, started_at=None, heartbeat_at=None, unknown_agents=unknown
    )
    job.refresh_from_db()
    return True


def refuse_import_job(*, job: ImportJob, message: str) -> ImportJob:
    """The whole file is refused (found before anything was written): the job page shows `message` (a
    calls.reasons.Reason, or a text as written)."""
    return _finish(job, status=ImportJob.Status.REFUSED, message=message)


def _finish(job: ImportJob, *, status: str, message: str | None, **counts: int) -> ImportJob:
    job.status = status
    job.message, job.message_reason = _stored_message(message)
    job.finished_at = timezone.now()
    for name, value in counts.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "message", "message_reason", "finished_at", *counts])
    return job


def _stored_message(message: str | None) -> tuple[str, dict | None]:
    """(text as written now, code and parameters) of a job's message, for ImportJob.message(_reason)."""
    if not message:
        return "", None
    reason = as_reason(message)
    return str(reason), reason.as_json()


def cancel_import_job(*, job: ImportJob) -> bool:
    """Cancel a job no worker has claimed (waiting for its mapping or its agents, or queued), and remove
    its file.

    False when a worker claimed it first (or it had already ended): the conditional UPDATE and the claim's
    (status still pending) cannot both succeed."""
    name = job.file.name
    message, message_reason = _stored_message(CANCELLED())
    cancelled = ImportJob.objects.filter(pk=job.pk, status__in=ImportJob.UNCLAIMED).update(
        status=ImportJob.Status.CANCELLED,
        finished_at=timezone.now(),
        file="",
        message=message,
        message_reason=message_reason,
    )
    if not cancelled:
        return False
    _delete_upload(name)
    job.refresh_from_db()
    return True


def delete_import_job(*, job: ImportJob) -> bool:
    """Delete a job that never ran (pending, cancelled, or refused at upload) with its file and report.

    False when a worker claimed it first: the claim sets started_at, and the DELETE requires it empty."""
    name = job.file.name
    deleted, _by_model = (
        ImportJob.objects.filter(pk=job.pk, started_at__isnull=True)
        .exclude(status=ImportJob.Status.RUNNING)
        .delete()
    )
    if not deleted:
        return False
    _delete_upload(name)
    return True


def _delete_upload(name: str) -> None:
    # After the commit: a rolled-back cancel must not have lost the file.
    if name:
        storage = ImportJob._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


def fail_stalled_import_jobs(*, silent_for: timedelta) -> int:
    """Running jobs whose worker died (no batch written for `silent_for`) become failed, so the page stops
    waiting and says what to do. Conditional UPDATE: a job that wakes up in between is left alone."""
    cutoff = timezone.now() - silent_for
    stalled = ImportJob.objects.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=cutoff)
    failed = 0
    for language in stalled.values_list("language", flat=True).distinct().order_by():
        with translation.override(language or settings.LANGUAGE_CODE):
            message, message_reason = _stored_message(WORKER_ENDED())
            failed += stalled.filter(language=language).update(
                status=ImportJob.Status.FAILED,
                finished_at=timezone.now(),
                message=message,
                message_reason=message_reason,
            )
    return failed


def purge_old_import_files(*, older_than: timedelta) -> int:
    """Delete uploaded files of jobs created before `older_than` ago; the jobs and their reports stay."""
    cutoff = timezone.now() - older_than
    jobs = ImportJob.objects.filter(created_at__lt=cutoff).exclude(
        Q(file="") | Q(status=ImportJob.Status.RUNNING)
    )
    purged = []
    for pk, name in jobs.values_list("pk", "file").iterator(chunk_size=500):
        ImportJob._meta.get_field("file").storage.delete(name)
        purged.append(pk)
    ImportJob.objects.filter(pk__in=purged).update(file="")
    return len(purged)

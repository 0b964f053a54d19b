"""How an import ends (issue 7, part 4): distinct states and colours, created / updated / unchanged / refused
counts on a re-import, the saved mapping a job was based on, duration and speed, the .xlsx row estimate."""

import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from calls.imports import jobs, reading
from calls.imports.reading import read_table
from calls.models import Call, ImportJob, ImportMapping, SurveyResponse
from tests.calls.imports.helpers import (
    BASIC_COLUMNS,
    BASIC_HEADER,
    basic_row,
    make_csv,
    run_import,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def run_job(data: bytes, *, columns=None, mapping=None, name="calls.csv") -> ImportJob:
    job = ImportJob.objects.create(file=ContentFile(data, name=name), original_name=name)
    assert jobs.configure_import_job(
        job=job, columns=columns or BASIC_COLUMNS, date_format="", mapping=mapping
    )
    return jobs.run_import_job(job_id=job.pk)


GOOD = [basic_row("C1"), basic_row("C2")]
SOME_REFUSED = [basic_row("C1"), basic_row("C2", talk="ghost")]
ALL_REFUSED = [basic_row("C1", talk="ghost"), basic_row("C2", started_at="yesterday")]


@pytest.mark.parametrize(
    ("rows", "status", "colour", "message"),
    [
        (GOOD, ImportJob.Status.DONE, "success", ""),
        (SOME_REFUSED, ImportJob.Status.PARTIAL, "warning", ""),
        (ALL_REFUSED, ImportJob.Status.REFUSED, "danger", "Every row was refused; nothing was imported."),
    ],
)
def test_a_job_ends_done_done_with_refused_rows_or_refused(jdoe, rows, status, colour, message):
    job = run_job(make_csv(BASIC_HEADER, rows))
    assert (job.status, job.colour) == (status, colour)
    assert job.message.startswith(message)
    assert job.percent == 100


def test_every_state_has_its_own_colour():
    assert set(ImportJob.COLOURS) == set(ImportJob.Status)
    assert len(set(ImportJob.COLOURS.values())) == len(ImportJob.Status)


@pytest.mark.parametrize(
    ("rows", "colour", "label"),
    [
        (GOOD, "success", "Done"),
        (SOME_REFUSED, "warning", "Done with refused rows"),
        (ALL_REFUSED, "danger", "Refused"),
    ],
)
def test_list_detail_and_progress_show_the_state_in_its_colour(client, manager, jdoe, rows, colour, label):
    job = run_job(make_csv(BASIC_HEADER, rows))
    client.force_login(manager)
    badge = f'<span class="badge text-bg-{colour}" data-status="{job.status}">{label}</span>'
    bar = f'class="progress-bar bg-{colour}"'
    listed = client.get(reverse("imports:list")).content.decode()
    assert badge in listed
    detail = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert badge in detail and bar in detail
    progress = client.get(reverse("imports:progress", args=[job.pk])).content.decode()
    assert badge in progress and bar in progress
    if colour != "success":  # nothing green about a job with refused rows
        assert "success" not in progress and "success" not in detail


def test_a_job_with_every_row_refused_lists_them_and_says_nothing_was_imported(client, manager, jdoe):
    job = run_job(make_csv(BASIC_HEADER, ALL_REFUSED))
    client.force_login(manager)
    html = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Every row was refused; nothing was imported." in html
    assert "The file was refused" not in html  # the file itself was fine
    assert 'id="refused-rows"' in html and "talk_seconds: “ghost” is not a duration" in html
    assert not Call.objects.exists()


def test_a_file_refused_as_a_whole_is_red_without_a_progress_bar(client, manager, jdoe):
    job = run_job(",".join(BASIC_HEADER).encode() + b"\n")
    assert (job.status, job.colour, job.processed_rows) == (ImportJob.Status.REFUSED, "danger", 0)
    client.force_login(manager)
    html = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "The file was refused; nothing was imported." in html
    assert "progress-bar" not in html


def test_a_reimport_counts_created_updated_unchanged_and_refused(jdoe):
    first = run_job(make_csv(BASIC_HEADER, [basic_row(f"C{n}") for n in range(1, 5)]))
    counts = (first.created_count, first.updated_count, first.unchanged_count, first.error_count)
    assert counts == (4, 0, 0, 0)
    stored = dict(Call.objects.values_list("external_id", "updated_at"))

    rows = [
        basic_row("C1"),  # as stored
        basic_row("C2", talk="301"),  # one field changed
        basic_row("C3", answered="yes"),  # another spelling of the same value
        basic_row("C4", talk="0:05:00"),  # the same 300 seconds, written as H:MM:SS
        basic_row("C5"),  # new
        basic_row("C6", talk="ghost"),  # refused
    ]
    again = run_job(make_csv(BASIC_HEADER, rows))
    counts = (again.created_count, again.updated_count, again.unchanged_count, again.error_count)
    assert counts == (1, 1, 3, 1)
    assert again.status == ImportJob.Status.PARTIAL
    after = dict(Call.objects.values_list("external_id", "updated_at"))
    assert [n for n in ("C1", "C2", "C3", "C4") if after[n] != stored[n]] == ["C2"]  # unchanged: not written


SURVEY_HEADER = [*BASIC_HEADER, "nps", "csat", "comment"]
SURVEY_COLUMNS = {**BASIC_COLUMNS, "nps": "nps", "csat": "csat", "survey_comment": "comment"}


def test_a_call_whose_survey_changed_is_updated_and_one_whose_survey_did_not_is_unchanged(jdoe):
    rows = [
        basic_row("C1") + ["9", "5", "Great"],
        basic_row("C2") + ["3", "", ""],
        basic_row("C3") + ["", "", ""],
    ]
    run_job(make_csv(SURVEY_HEADER, rows), columns=SURVEY_COLUMNS)
    same = run_job(make_csv(SURVEY_HEADER, rows), columns=SURVEY_COLUMNS)
    assert (same.created_count, same.updated_count, same.unchanged_count) == (0, 0, 3)

    changed = [
        basic_row("C1") + ["9", "5", "Great!"],  # the comment changed
        basic_row("C2") + ["3", "2", ""],  # a CSAT score added
        basic_row("C3") + ["7", "", ""],  # a first survey answer
    ]
    again = run_job(make_csv(SURVEY_HEADER, changed), columns=SURVEY_COLUMNS)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 3, 0)
    surveys = dict(SurveyResponse.objects.values_list("call__external_id", "comment"))
    assert surveys == {"C1": "Great!", "C2": "", "C3": ""}
    assert SurveyResponse.objects.get(call__external_id="C2").csat == 2


def test_the_counts_are_the_same_whatever_the_batch_size(jdoe):
    rows = [basic_row(f"C{n}") for n in range(1, 8)]
    run_import(make_csv(BASIC_HEADER, rows))
    rows[2] = basic_row("C3", talk="1")
    rows.append(basic_row("C3"))  # a repeat: refused
    result = run_import(make_csv(BASIC_HEADER, rows), batch_size=3)
    assert (result.created, result.updated, result.unchanged, result.refused) == (0, 1, 6, 1)


def test_the_job_page_shows_the_four_counts(client, manager, jdoe):
    run_job(make_csv(BASIC_HEADER, GOOD))
    job = run_job(make_csv(BASIC_HEADER, [basic_row("C1"), basic_row("C2", talk="1"), basic_row("C3")]))
    client.force_login(manager)
    html = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    for name, count in (("created", 1), ("updated", 1), ("unchanged", 1), ("error", 0)):
        assert f'id="{name}-count">{count}</dd>' in html


# --- The mapping a job was based on --------------------------------------------------------------------------


@pytest.fixture
def saved_mapping(db):
    return ImportMapping.objects.create(name="Our PBX", columns=BASIC_COLUMNS)


def detail_html(client, manager, job) -> str:
    client.force_login(manager)
    return client.get(reverse("imports:detail", args=[job.pk])).content.decode()


def test_a_job_run_with_the_saved_columns_names_the_mapping(client, manager, jdoe, saved_mapping):
    job = run_job(make_csv(BASIC_HEADER, GOOD), mapping=saved_mapping)
    assert job.mapping_snapshot == {"name": "Our PBX", "columns": BASIC_COLUMNS, "date_format": ""}
    assert (job.mapping_name, job.mapping_edited) == ("Our PBX", False)
    html = detail_html(client, manager, job)
    assert "mapping “Our PBX”" in html and "edited" not in html


def test_a_job_whose_columns_were_edited_says_it_was_based_on_the_mapping(
    client, manager, jdoe, saved_mapping
):
    edited = {k: v for k, v in BASIC_COLUMNS.items() if k != "talk_seconds"}
    job = run_job(make_csv(BASIC_HEADER, GOOD), columns=edited, mapping=saved_mapping)
    assert job.mapping_edited
    assert "based on the mapping “Our PBX”, edited" in detail_html(client, manager, job)
    listed = client.get(reverse("imports:list")).content.decode()
    assert "Our PBX" in listed and "(edited)" in listed


def test_the_mapping_is_compared_as_it_stood_when_the_job_ran(client, manager, jdoe, saved_mapping):
    job = ImportJob.objects.create(
        file=ContentFile(make_csv(BASIC_HEADER, GOOD), name="c.csv"), original_name="c.csv"
    )
    assert jobs.configure_import_job(job=job, columns=BASIC_COLUMNS, date_format="", mapping=saved_mapping)
    assert not job.mapping_edited  # queued: the saved columns
    saved_mapping.date_format = "%d/%m/%Y %H:%M"
    saved_mapping.save()
    job = jobs.run_import_job(job_id=job.pk)
    assert job.mapping_edited  # the saved mapping changed before the job ran: no longer its columns
    saved_mapping.columns = {"external_id": "x", "started_at": "y"}
    saved_mapping.save()
    job.refresh_from_db()
    assert job.mapping_snapshot["date_format"] == "%d/%m/%Y %H:%M"  # later edits do not rewrite history
    saved_mapping.delete()
    assert "based on the mapping “Our PBX”, edited" in detail_html(client, manager, job)


# --- Duration and speed ---------------------------------------------------------------------------------------


def test_duration_and_rows_per_second_are_shown_once_the_job_has_ended(client, manager, jdoe):
    job = run_job(make_csv(BASIC_HEADER, GOOD))
    started = timezone.now() - timedelta(seconds=10)
    ImportJob.objects.filter(pk=job.pk).update(
        started_at=started, finished_at=started + timedelta(seconds=4), processed_rows=10_000
    )
    job.refresh_from_db()
    assert (job.duration, job.rows_per_second) == (timedelta(seconds=4), 2500)
    html = detail_html(client, manager, job)
    assert 'id="duration">4.0 s</dd>' in html and 'id="rows-per-second">2500 rows/s</dd>' in html

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, finished_at=None)
    html = client.get(reverse("imports:progress", args=[job.pk])).content.decode()
    assert 'id="duration"' not in html and 'id="rows-per-second"' not in html


# --- The .xlsx row estimate -----------------------------------------------------------------------------------


def xlsx_without_dimension(rows: int) -> bytes:
    """As many exporters write them (openpyxl's write-only mode too): no <dimension> in the sheet."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Calls")
    sheet.append(BASIC_HEADER)
    for n in range(rows):
        sheet.append(basic_row(f"C{n}"))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_estimate_without_a_dimension_counts_the_rows(monkeypatch):
    data = xlsx_without_dimension(1234)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # the case that showed "about 1 row"
        assert b"<dimension" not in archive.read("xl/worksheets/sheet1.xml")
    assert read_table(data=data, file_name="calls.xlsx").estimated_rows == 1234
    monkeypatch.setattr(reading, "XLSX_COUNT_CHUNK", 7)  # tags cut by every chunk boundary
    assert read_table(data=data, file_name="calls.xlsx").estimated_rows == 1234


def test_xlsx_estimate_from_the_dimension():
    data = xlsx_bytes(BASIC_HEADER, [basic_row(f"C{n}") for n in range(40)])
    assert read_table(data=data, file_name="calls.xlsx").estimated_rows == 40


def test_an_xlsx_job_shows_its_row_count(jdoe):
    job = run_job(xlsx_without_dimension(30), name="calls.xlsx")
    assert (job.total_rows, job.created_count) == (30, 30)

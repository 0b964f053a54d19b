"""A start in two columns (a date and a time of day), and the warning for a start without a time of day."""

from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calls.imports.converters import join_date_and_time
from calls.imports.mapping import start_without_time_of_day, suggest_columns, validate_columns
from calls.imports.reading import FileRefused
from calls.models import Call, ImportJob
from tests.calls.imports.helpers import call, make_csv, run_import, utc, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Call ID", "Date", "Time", "Agent", "Talk Time (sec)"]
COLUMNS = {
    "external_id": "Call ID",
    "started_at": "Date",
    "started_at_time": "Time",
    "agent": "Agent",
    "talk_seconds": "Talk Time (sec)",
}


@pytest.mark.parametrize(
    ("day", "time_of_day", "joined"),
    [
        ("2024-03-05", "14:30:05", "2024-03-05 14:30:05"),
        (" 05/03/2024 ", " 9:05 ", "05/03/2024 9:05"),
        ("2024-03-05", "2:30 PM", "2024-03-05 14:30"),
        ("2024-03-05", "12:15:00 am", "2024-03-05 00:15:00"),
        ("2024-03-05", "12:15 p.m.", "2024-03-05 12:15"),
        ("2024-03-05 00:00:00", "14:30:00", "2024-03-05 14:30:00"),  # Excel date cell
        ("2024-03-05", "1899-12-30 14:30:00", "2024-03-05 14:30:00"),  # Excel time cell as a date-time
        ("2024-03-05", "", "2024-03-05"),
        ("2024-03-05", "null", "2024-03-05"),
        ("", "14:30", ""),
    ],
)
def test_join_date_and_time(day, time_of_day, joined):
    assert join_date_and_time(day, time_of_day) == joined


def test_date_and_time_columns_end_to_end(jdoe, settings):
    settings.TIME_ZONE = "Europe/Riga"  # UTC+2 in winter, UTC+3 in summer
    rows = [
        ["C1", "2024-01-15", "10:00:30", "A100", "60"],
        ["C2", "15/07/2024", "9:05 PM", "A100", "70"],
        ["C3", "2024-07-16", "", "A100", "80"],  # no time in this row: midnight
        ["C4", "2024-07-16", "25:99", "A100", "90"],  # refused, with the joined value and the file's row
        ["C5", "", "10:00", "A100", "90"],  # no date: the start is empty
    ]
    result = run_import(make_csv(HEADER, rows), COLUMNS)
    assert (result.created, result.refused) == (3, 2)
    assert call("C1").started_at == utc(2024, 1, 15, 8, 0, 30)
    assert call("C2").started_at == utc(2024, 7, 15, 18, 5)
    assert call("C3").started_at == utc(2024, 7, 15, 21)
    first, second = result.errors
    assert first.line_number == 5
    assert first.message.startswith("Date + Time: “2024-07-16 25:99” is not a date and time we understand")
    assert first.raw == "C4,2024-07-16,25:99,A100,90"  # as it stood in the file
    assert second.line_number == 6 and "Date + Time: the start time is empty" in second.message


def test_date_and_time_columns_with_a_us_date_format(jdoe):
    rows = [["C1", "03/05/2024", "2:30:15 PM", "A100", "60"]]
    result = run_import(make_csv(HEADER, rows), COLUMNS, date_format="%m/%d/%Y %H:%M:%S")
    assert result.refused == 0, result.errors
    assert call("C1").started_at == utc(2024, 3, 5, 14, 30, 15)


def test_date_and_time_cells_of_an_excel_workbook(jdoe):
    rows = [["C1", date(2024, 3, 5), time(14, 30, 5), "A100", 60]]
    result = run_import(xlsx_bytes(HEADER, rows), COLUMNS, file_name="calls.xlsx")
    assert result.refused == 0, result.errors
    assert call("C1").started_at == utc(2024, 3, 5, 14, 30, 5)


def test_a_date_time_column_still_works_and_a_missing_time_column_refuses_the_file(jdoe):
    columns = {"external_id": "Call ID", "started_at": "Start"}
    result = run_import(make_csv(["Call ID", "Start"], [["C1", "2024-03-05 14:30"]]), columns)
    assert call("C1").started_at == utc(2024, 3, 5, 14, 30) and result.refused == 0
    with pytest.raises(FileRefused, match="no column “Time”, mapped to the field “start time of day”"):
        run_import(
            make_csv(["Call ID", "Date"], [["C2", "2024-03-05"]]),
            {**columns, "started_at": "Date", "started_at_time": "Time"},
        )
    with pytest.raises(FileRefused, match="two different columns"):
        validate_columns(columns={"external_id": "id", "started_at": "Date", "started_at_time": "date"})
    assert Call.objects.count() == 1


@pytest.mark.parametrize(
    ("headers", "rows", "expected"),
    [
        (["Call ID", "Date", "Time"], [], {"started_at": "Date", "started_at_time": "Time"}),
        (
            ["Call ID", "Call Date", "Call Time"],
            [],
            {"started_at": "Call Date", "started_at_time": "Call Time"},
        ),
        (["Call ID", "Date"], [], {"started_at": "Date"}),
        (["Call ID", "Timestamp", "Time"], [], {"started_at": "Timestamp"}),  # a date-time wins
        (["Call ID", "Time"], [], {}),  # a time of day alone is no start
        # "Start Time" holding times of day, beside a date column: both.
        (
            ["Call ID", "Date", "Start Time"],
            [["1", "2024-03-05", "14:30"], ["2", "2024-03-05", "2:45 PM"]],
            {"started_at": "Date", "started_at_time": "Start Time"},
        ),
        (
            ["Call ID", "Date", "Start Time"],
            [["1", "2024-03-05", "2024-03-05 14:30"]],
            {"started_at": "Start Time"},
        ),
    ],
)
def test_prefill_picks_the_date_and_the_time_of_day(headers, rows, expected):
    suggested = suggest_columns(headers=headers, rows=rows)
    assert {k: v for k, v in suggested.items() if k.startswith("started_at")} == expected


@pytest.mark.parametrize(
    ("columns", "rows", "flagged"),
    [
        ({"started_at": "Date"}, [["2024-03-05", ""], ["2024-03-06", ""]], True),
        ({"started_at": "Date"}, [["2024-03-05 00:00:00", ""]], True),  # an Excel date cell
        ({"started_at": "Date"}, [["2024-03-05 14:30", ""], ["2024-03-06 00:00", ""]], False),
        ({"started_at": "Date"}, [["2024-03-05 10:00:00", ""]], False),
        ({"started_at": "Date"}, [["2024-03-05T00:00:30Z", ""]], False),
        ({"started_at": "Date"}, [["05/03/2024 0:00", ""]], True),
        ({"started_at": "Date", "started_at_time": "Time"}, [["2024-03-05", "14:30"]], False),
        ({"started_at": "Date", "started_at_time": "Time"}, [["2024-03-05", ""]], True),
        ({"started_at": "Date"}, [["", ""]], False),  # nothing to judge by
        ({}, [["2024-03-05", ""]], False),
    ],
)
def test_a_start_without_time_of_day_is_flagged(columns, rows, flagged):
    assert start_without_time_of_day(headers=["Date", "Time"], rows=rows, columns=columns) is flagged


def _upload(client, data: bytes, name="calls.csv") -> ImportJob:
    client.post(reverse("imports:new"), {"file": SimpleUploadedFile(name, data)})
    return ImportJob.objects.latest("pk")


def test_upload_with_date_and_time_columns_imports_the_joined_start(
    client, manager, jdoe, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    job = _upload(client, make_csv(HEADER, [["C1", "05/03/2024", "14:30", "A100", "60"]]))
    page = client.get(reverse("imports:mapping", args=[job.pk]))
    form = page.context["form"]
    assert (form["started_at"].initial, form["started_at_time"].initial) == ("Date", "Time")
    assert form["talk_seconds"].initial == "Talk Time (sec)"
    assert not form.start_warning and 'id="start-without-time"' not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:mapping", args=[job.pk]), {**COLUMNS, "date_format": ""})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count, job.columns["started_at_time"]) == (
        ImportJob.Status.DONE,
        1,
        "Time",
    )
    assert call("C1").started_at == utc(2024, 3, 5, 14, 30)


def test_a_start_without_time_is_flagged_before_the_import_runs(
    client, manager, jdoe, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    job = _upload(client, make_csv(["Call ID", "Date", "Agent"], [["C1", "2024-03-05", "A100"]]))
    url = reverse("imports:mapping", args=[job.pk])
    page = client.get(url)
    html = page.content.decode()
    assert 'id="start-without-time"' in html
    assert "every call would start at midnight" in html
    post = {"external_id": "Call ID", "started_at": "Date", "agent": "Agent"}
    response = client.post(url, post)
    assert response.status_code == 200  # not run: the user decides
    assert "every call would start at midnight" in response.context["form"].errors["start_without_time"][0]
    job.refresh_from_db()
    assert (job.status, job.columns) == (ImportJob.Status.PENDING, {})
    # Deliberately: the box ticked, the import runs and the calls start at midnight.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**post, "start_without_time": "on"})
    assert response.status_code == 302
    assert call("C1").started_at == utc(2024, 3, 5)


def test_excel_dates_without_times_are_flagged(client, manager):
    client.force_login(manager)
    job = _upload(client, xlsx_bytes(["Call ID", "Date"], [["C1", date(2024, 3, 5)]]), name="calls.xlsx")
    form = client.get(reverse("imports:mapping", args=[job.pk])).context["form"]
    assert form["started_at"].initial == "Date" and form.start_warning


@pytest.mark.parametrize(
    ("date_format", "stored"),
    [
        ("%m/%d/%Y", "%m/%d/%Y %H:%M:%S"),  # written for the date column alone
        ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S"),  # the time is read on a 24-hour clock once joined
        ("", ""),
    ],
)
def test_the_date_format_of_a_split_start_reads_the_date_column(
    client, manager, jdoe, date_format, stored, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    job = _upload(client, make_csv(HEADER, [["C1", "2024-03-05", "2:30 PM", "A100", "60"]]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:mapping", args=[job.pk]), {**COLUMNS, "date_format": date_format}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.date_format, job.created_count) == (stored, 1)
    assert call("C1").started_at == utc(2024, 3, 5, 14, 30)

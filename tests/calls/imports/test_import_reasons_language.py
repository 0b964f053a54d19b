"""Refusal reasons and job messages are stored as codes and shown in the reader's language (the job page and
the CSV of refused rows), whatever the uploader's; rows stored before codes keep showing their text."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from calls.imports import jobs
from calls.models import ImportJob, ImportRowError
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, make_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_put_back():
    """The requests activate the reader's language in this thread (LocaleMiddleware): put it back after."""
    with translation.override(translation.get_language()):
        yield


SURVEY_HEADER = ["Response ID", "Date", "NPS"]
SURVEY_COLUMNS = {"external_id": "Response ID", "responded_at": "Date", "nps": "NPS"}


def _job(data: bytes, columns: dict, *, kind: str = "calls", language: str = "en") -> ImportJob:
    upload = SimpleUploadedFile("file.csv", data, content_type="text/csv")
    with translation.override(language):
        job = jobs.create_import_job(uploaded_file=upload, user=None, kind=kind)
    assert jobs.configure_import_job(job=job, columns=columns, date_format="", mapping=None)
    with translation.override("en"):  # the worker, without the uploader's request
        return jobs.run_import_job(job_id=job.pk)


def _page(client, job, language: str) -> str:
    return client.get(reverse("imports:detail", args=[job.pk]), headers={"Accept-Language": language})


def _csv(client, job, language: str) -> list[list[str]]:
    response = client.get(reverse("imports:errors_csv", args=[job.pk]), headers={"Accept-Language": language})
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_a_call_files_refused_rows_read_in_each_readers_language(client, manager, jdoe):
    rows = [basic_row("C1", talk="abc"), basic_row("C2"), basic_row("C2")]
    job = _job(make_csv(BASIC_HEADER, rows), BASIC_COLUMNS, language="en")
    errors = list(job.row_errors.all())
    # As written for the uploader (English), and as a code with its parameters.
    assert errors[0].message == "talk_seconds: “abc” is not a duration (seconds, M:SS or H:MM:SS)"
    assert errors[0].reason["code"] == "import.not_a_duration"
    assert errors[1].message == "external_id: same external id as line 3"
    client.force_login(manager)

    latvian = _page(client, job, "lv").content.decode()
    assert "talk_seconds: “abc” nav ilgums (sekundes, M:SS vai H:MM:SS)" in latvian
    assert "external_id: tāds pats ārējais ID kā 3. rindā" in latvian
    assert "is not a duration" not in latvian
    english = _page(client, job, "en").content.decode()
    assert "talk_seconds: “abc” is not a duration (seconds, M:SS or H:MM:SS)" in english

    downloaded = _csv(client, job, "lv")
    assert [row[1] for row in downloaded[1:]] == [
        "talk_seconds: “abc” nav ilgums (sekundes, M:SS vai H:MM:SS)",
        "external_id: tāds pats ārējais ID kā 3. rindā",
    ]
    assert _csv(client, job, "en")[1][1] == errors[0].message


def test_a_survey_files_refused_rows_read_in_the_readers_language(client, manager, settings):
    settings.QA_IMPORT_BATCH_SIZE = 1  # the repeat is found in a later batch
    rows = [["R-1", "2025-03-05 10:00", "9"], ["R-1", "2025-03-06 10:00", "3"]]
    job = _job(make_csv(SURVEY_HEADER, rows), SURVEY_COLUMNS, kind="surveys", language="lv")
    error = job.row_errors.get()
    assert error.message == "Tāds pats atbildes ID kā atbildei (2. rinda)."  # the uploader's language
    client.force_login(manager)
    assert "Mismo id. de respuesta que la línea 2." in _page(client, job, "es").content.decode()
    assert _csv(client, job, "en")[1][1] == "Same response id as line 2."


def test_a_jobs_own_message_reads_in_the_readers_language(client, manager):
    upload = SimpleUploadedFile("empty.csv", b"", content_type="text/csv")
    with translation.override("en"):
        refused = jobs.create_import_job(uploaded_file=upload, user=manager)
    assert (refused.status, refused.message) == (ImportJob.Status.REFUSED, "The file is empty.")
    assert refused.message_reason["code"] == "file.empty"
    waiting = ImportJob.objects.create(file=ContentFile(b"x", name="x.csv"), original_name="x.csv")
    with translation.override("en"):
        assert jobs.cancel_import_job(job=waiting)
    client.force_login(manager)
    assert "El archivo está vacío." in _page(client, refused, "es").content.decode()
    assert "Atcelts pirms izpildes; nekas netika importēts." in _page(client, waiting, "lv").content.decode()


def test_rows_and_jobs_stored_before_codes_keep_their_text(client, manager):
    job = ImportJob.objects.create(
        file="imports/old.csv",
        original_name="old.csv",
        status=ImportJob.Status.REFUSED,
        message="An older message, as written then.",
    )
    ImportRowError.objects.create(job=job, line_number=2, message="an older reason", raw="a,b")
    ImportRowError.objects.create(
        job=job, line_number=3, message="a reason of a code since removed", reason={"code": "gone.code"}
    )
    client.force_login(manager)
    html = _page(client, job, "lv").content.decode()
    assert "An older message, as written then." in html
    assert "an older reason" in html and "a reason of a code since removed" in html
    assert [row[1] for row in _csv(client, job, "es")[1:]] == [
        "an older reason",
        "a reason of a code since removed",
    ]

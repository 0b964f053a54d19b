"""Survey import through the import pages and jobs (ImportJob.kind "surveys"): upload → map → progress,
refused rows with their line, the same outcome states and counters as a call import."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calls.imports import jobs
from calls.models import ImportJob, ImportMapping, ImportRowError, SurveyResponse
from calls.surveys import selectors
from tests.calls.imports.helpers import BASIC_COLUMNS, make_csv
from tests.factories import AgentFactory, CallFactory

pytestmark = pytest.mark.django_db

HEADER = ["Response ID", "Date", "Time", "NPS", "CSAT", "Market", "Call ID", "Comment"]
COLUMNS = {
    "external_id": "Response ID",
    "responded_on": "Date",
    "responded_time": "Time",
    "nps": "NPS",
    "csat": "CSAT",
    "segment": "Market",
    "call_external_id": "Call ID",
    "comment": "Comment",
}
ROWS = [
    ["R-1", "05/03/2025", "14:30", "10", "5", "LV", "PBX-1", "Great"],  # linked to the call
    ["R-2", "2025-03-05", "09:00", "3", "", "LV", "", ""],  # unlinked, in its market
    ["R-3", "2025-03-06", "", "9", "4", "EE", "", ""],
    ["R-4", "2025-03-06", "10:00", "11", "", "EE", "", ""],  # NPS out of range: refused
    ["R-5", "1999-12-31", "10:00", "7", "", "EE", "", ""],  # before 2000: refused
]
MARCH = {"start": datetime(2025, 3, 1, tzinfo=UTC), "end": datetime(2025, 4, 1, tzinfo=UTC)}


@pytest.fixture
def agent(team):
    return AgentFactory(team=team)


@pytest.fixture
def linked_call(agent):
    return CallFactory(external_id="PBX-1", agent=agent, started_at=datetime(2025, 3, 5, 9, tzinfo=UTC))


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def survey_job(manager, rows=ROWS, header=HEADER, columns=COLUMNS) -> ImportJob:
    job = jobs.create_import_job(
        uploaded_file=upload("answers.csv", make_csv(header, rows)), user=manager, kind="surveys"
    )
    assert jobs.configure_import_job(job=job, columns=columns, date_format="", mapping=None)
    return jobs.run_import_job(job_id=job.pk)


def test_upload_map_and_import_survey_answers_linked_and_unlinked(
    client, manager, agent, linked_call, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    response = client.post(
        reverse("imports:new_surveys"), {"file": upload("answers.csv", make_csv(HEADER, ROWS))}
    )
    job = ImportJob.objects.get()
    assert job.kind == ImportJob.Kind.SURVEYS
    assert response["Location"] == reverse("imports:mapping", args=[job.pk])

    page = client.get(response["Location"])
    form = page.context["form"]
    # The survey's own fields, pre-filled by the survey synonyms: no call field on this page.
    assert "started_at" not in form.fields and "agent" not in form.fields
    assert {name: form[name].initial for name in COLUMNS} == COLUMNS
    assert page.context["not_a_call_list"] == ""
    assert "Which column holds each survey field?" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:mapping", args=[job.pk]), {**COLUMNS, "save_as": "Survey tool"}
        )
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PARTIAL  # never an agent step for survey answers
    assert (job.created_count, job.updated_count, job.unchanged_count, job.error_count) == (3, 0, 0, 2)
    assert (job.total_rows, job.processed_rows) == (5, 5)
    assert ImportMapping.objects.get(name="Survey tool").kind == "surveys"

    stored = {s.external_id: s for s in SurveyResponse.objects.select_related("call")}
    assert set(stored) == {"R-1", "R-2", "R-3"}
    assert stored["R-1"].call == linked_call
    assert stored["R-1"].responded_at == datetime(2025, 3, 5, 14, 30, tzinfo=UTC)
    assert (stored["R-2"].call, stored["R-2"].segment) == (None, "LV")
    # NPS from what was stored: center 10, 3, 9 → 2 promoters, 1 detractor of 3; LV 10, 3; the agent's 10.
    assert selectors.center_survey_scores(**MARCH).nps == pytest.approx(100 / 3)
    by_segment = selectors.survey_scores_by_segment(**MARCH)
    assert (by_segment["LV"].nps, by_segment["EE"].nps) == (pytest.approx(0.0), pytest.approx(100.0))
    assert selectors.survey_scores_by_agent(**MARCH)[agent.pk].nps == pytest.approx(100.0)
    assert selectors.survey_scores_by_team(**MARCH)[agent.team_id].nps == pytest.approx(100.0)

    refused = list(job.row_errors.values_list("line_number", "message", "raw"))
    assert [line for line, _message, _raw in refused] == [5, 6]
    assert refused[0][1].startswith("NPS: NPS must be between 0 and 10")
    assert "out of range" in refused[1][1]
    assert refused[0][2].startswith("R-4,")

    detail = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'data-kind="surveys"' in detail and "Survey answers" in detail
    assert "Survey field" in detail  # the columns imported, named by their survey fields
    download = client.get(reverse("imports:errors_csv", args=[job.pk]))
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in lines] == ["line", "5", "6"]


def test_importing_the_same_answers_again_is_unchanged_then_updated(manager, linked_call):
    rows = ROWS[:3]
    assert survey_job(manager, rows).status == ImportJob.Status.DONE
    again = survey_job(manager, rows)
    assert again.status == ImportJob.Status.DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    changed = survey_job(manager, [rows[0], [*rows[1][:3], "8", *rows[1][4:]], rows[2]])
    assert (changed.created_count, changed.updated_count, changed.unchanged_count) == (0, 1, 2)
    assert SurveyResponse.objects.get(external_id="R-2").nps == 8
    assert SurveyResponse.objects.count() == 3


def test_refused_lines_are_reported_across_batches_while_the_rest_imports(manager, settings):
    settings.QA_IMPORT_BATCH_SIZE = 2
    rows = [
        ["R-1", "2025-03-05", "10:00", "9", "", "LV", "", ""],
        ["R-2", "2025-03-05", "10:00", "", "", "LV", "", "no score"],
        ["R-3", "2025-03-05", "10:00", "9", "", "LV", "NOPE", ""],
        ["R-1", "2025-03-06", "10:00", "2", "", "LV", "", ""],  # same response id as line 2
        ["R-5", "2025-03-06", "10:00", "6", "", "EE", "", ""],
    ]
    job = survey_job(manager, rows)
    assert job.status == ImportJob.Status.PARTIAL
    assert (job.created_count, job.error_count, job.processed_rows) == (2, 3, 5)
    reasons = dict(ImportRowError.objects.filter(job=job).values_list("line_number", "message"))
    assert reasons == {
        3: "the row has no NPS or CSAT score",
        4: "Call ID: No call has the external id “NOPE”.",
        5: "Same response id as line 2.",
    }
    assert sorted(SurveyResponse.objects.values_list("external_id", flat=True)) == ["R-1", "R-5"]
    assert SurveyResponse.objects.get(external_id="R-1").nps == 9  # the first occurrence imports


def test_a_file_whose_every_answer_is_refused_is_refused(manager):
    job = survey_job(manager, [ROWS[3], ROWS[4]])
    assert job.status == ImportJob.Status.REFUSED
    assert job.colour == "danger"
    assert job.row_errors.count() == 2
    assert not SurveyResponse.objects.exists()


def test_a_file_without_a_score_column_says_so_and_cannot_be_mapped(client, manager):
    client.force_login(manager)
    data = make_csv(["Date", "Queue", "Calls offered"], [["2025-03-05", "Sales", "120"]])
    client.post(reverse("imports:new_surveys"), {"file": upload("daily.csv", data)})
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:mapping", args=[job.pk]))
    assert "looks like an NPS or a CSAT score" in page.context["not_a_call_list"]
    assert 'id="not-a-call-list"' in page.content.decode()
    response = client.post(reverse("imports:mapping", args=[job.pk]), {"responded_on": "Date"})
    assert response.status_code == 200
    assert "Map an NPS or a CSAT column" in " ".join(response.context["form"].non_field_errors())
    job.refresh_from_db()
    assert (job.status, job.columns) == (ImportJob.Status.PENDING, {})


def test_the_survey_mapping_page_offers_only_survey_presets_and_mappings(client, manager):
    call_mapping = ImportMapping.objects.create(name="Office PBX", columns=BASIC_COLUMNS)
    survey_mapping = ImportMapping.objects.create(name="Survey tool", columns=COLUMNS, kind="surveys")
    client.force_login(manager)
    client.post(reverse("imports:new_surveys"), {"file": upload("answers.csv", make_csv(HEADER, ROWS))})
    job = ImportJob.objects.get()
    url = reverse("imports:mapping", args=[job.pk])
    references = dict(client.get(url).context["references"])
    assert f"mapping:{survey_mapping.pk}" in references and "preset:generic-surveys" in references
    assert f"mapping:{call_mapping.pk}" not in references and "preset:five9" not in references
    # A call mapping named in the URL is no reference for a survey job: the header names are matched.
    form = client.get(url, {"using": f"mapping:{call_mapping.pk}"}).context["form"]
    assert form["using"].initial == ""
    assert form["nps"].initial == "NPS"
    # A name taken by a call mapping is refused next to the field.
    response = client.post(url, {**COLUMNS, "save_as": "office pbx"})
    assert "save_as" in response.context["form"].errors
    upload_page = client.get(reverse("imports:new_surveys")).context["form"]
    choices = str(upload_page.fields["using"].choices)
    assert "generic-surveys" in choices and "five9" not in choices


def test_the_imports_page_offers_both_imports_and_tells_each_jobs_kind(client, manager):
    survey_job(manager, ROWS[1:3])
    client.force_login(manager)
    html = client.get(reverse("imports:list")).content.decode()
    assert reverse("imports:new_surveys") in html and "Import surveys" in html
    assert reverse("imports:new") in html and "Import calls" in html
    assert 'data-kind="surveys"' in html


def test_the_survey_upload_page_speaks_of_survey_answers(client, manager):
    client.force_login(manager)
    page = client.get(reverse("imports:new_surveys"))
    html = page.content.decode()
    assert "Import surveys" in html and "survey tool" in html
    assert f'action="{reverse("imports:new_surveys")}"' in html


def test_a_file_without_the_mapped_score_column_is_refused_and_a_missing_optional_one_noted(manager):
    refused = survey_job(manager, ROWS[1:3], columns={**COLUMNS, "nps": "Score", "csat": ""})
    assert refused.status == ImportJob.Status.REFUSED
    assert refused.message == "None of the score columns of the mapping is in the file."
    assert refused.message_reason["code"] == "surveys.no_score_in_file"
    assert not SurveyResponse.objects.exists()

    noted = survey_job(manager, ROWS[1:3], columns={**COLUMNS, "comment": "Verbatim"})
    assert noted.status == ImportJob.Status.DONE
    assert noted.message == "Columns of the mapping not found in the file, not imported: Verbatim."
    assert SurveyResponse.objects.count() == 2

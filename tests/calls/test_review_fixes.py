"""Edge cases found in review: counts with several escalations, dates at the calendar's edge, ids with "/",
the language of import reasons, and the admin's read-only token and recording fields."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from calls.imports import importing, tasks
from calls.models import Call, ImportJob, IngestToken
from tests.calls.api_helpers import call_payload, token_client
from tests.calls.import_helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, make_csv
from tests.factories import AgentFactory, CallFactory, EscalationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_counts_a_call_with_several_escalations_once(client, manager, agent):
    escalated = CallFactory(agent=agent)
    EscalationFactory.create_batch(3, call=escalated)
    CallFactory(agent=agent, answered=False, talk_seconds=None)
    client.force_login(manager)
    response = client.get(reverse("home"))
    totals = response.context["totals"]
    assert (totals["calls"], totals["inbound"], totals["escalated"]) == (2, 2, 1)
    assert response.context["answer_rate"] == 50


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=1899-12-31"])
def test_dates_at_the_edge_of_the_calendar_are_a_field_error(client, manager, settings, query):
    settings.TIME_ZONE = "Europe/Riga"
    client.force_login(manager)
    response = client.get(f"{reverse('calls:list')}?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_api_refuses_an_external_id_with_a_slash(call_type):
    AgentFactory(agent_code="A9001")
    client, _token, _secret = token_client()
    response = client.post("/api/v1/calls/", call_payload(external_id="2024/01/55"), format="json")
    assert response.status_code == 400
    assert "external_id" in response.json()
    assert not Call.objects.exists()


def _job(rows, *, language="") -> ImportJob:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("calls.csv", make_csv(BASIC_HEADER, rows), content_type="text/csv")
    with translation.override(language or "en"):
        job = importing.create_import_job(uploaded_file=upload, user=None)
    assert importing.configure_import_job(job=job, columns=BASIC_COLUMNS, date_format="", mapping=None)
    return job


def test_import_refuses_an_external_id_with_a_slash(team, call_type):
    AgentFactory(agent_code="A100", team=team)
    job = _job([basic_row("C/1"), basic_row("C2")])
    tasks.import_calls.delay(job.pk)
    job.refresh_from_db()
    assert (job.created_count, job.error_count) == (1, 1)
    assert "“/”" in job.row_errors.get().message


def test_refused_rows_are_explained_in_the_uploaders_language(team, call_type):
    AgentFactory(agent_code="A100", team=team)
    job = _job([basic_row("C1", answered="perhaps")], language="es")
    assert job.language == "es"
    # The worker runs without the uploader's request (and so without their active language).
    with translation.override("en"):
        tasks.import_calls.delay(job.pk)
    reason = job.row_errors.get().message
    with translation.override("en"):
        english = importing.ImportJob.objects.get(pk=job.pk).row_errors.get().message
    assert "perhaps" in reason
    assert reason == english  # stored text: it does not change with the reader's language
    with translation.override("en"):
        job_en = _job([basic_row("C2", answered="perhaps")], language="en")
        tasks.import_calls.delay(job_en.pk)
    assert job_en.row_errors.get().message != reason


def test_the_admin_cannot_bring_a_revoked_token_back(client):
    token, _secret = IngestToken.issue(name="PBX")
    IngestToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:calls_ingesttoken_change", args=[token.pk])
    client.post(url, {"name": "PBX again", "revoked_at_0": "", "revoked_at_1": ""})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_admin_shows_but_does_not_take_recording_files(client, call):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:calls_call_change", args=[call.pk])).content.decode()
    assert 'name="recording_file"' not in page

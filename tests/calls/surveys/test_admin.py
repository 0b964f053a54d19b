"""The survey answers' admin: linked and unlinked answers listed; a time edited by hand is a given one."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from calls.models import SurveyResponse
from calls.surveys.services import SurveyAnswer, record_survey_answers
from tests.factories import CallFactory, UserFactory

pytestmark = pytest.mark.django_db

STARTED = datetime(2025, 3, 3, 9, tzinfo=UTC)


@pytest.fixture
def root(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))


@pytest.fixture
def call_timed():
    """An answer whose time came from its call PBX-1."""
    call = CallFactory(external_id="PBX-1", started_at=STARTED)
    record_survey_answers(rows=[SurveyAnswer(external_id="R-1", nps=9, call_external_id="PBX-1")])
    return call


def test_the_list_shows_linked_and_unlinked_answers(client, root, call_timed):
    record_survey_answers(rows=[SurveyAnswer(external_id="R-2", csat=4, segment="LV", responded_at=STARTED)])
    page = client.get(reverse("admin:calls_surveyresponse_changelist")).content.decode()
    assert "R-1" in page and "R-2" in page and "LV" in page


def _change(client, survey, **values):
    local = {"responded_at_0": "2025-03-03", "responded_at_1": "09:00:00"}
    data = {
        "external_id": survey.external_id,
        "call": survey.call_id or "",
        "case_id": survey.case_id,
        "segment": survey.segment,
        "nps": survey.nps or "",
        "csat": survey.csat or "",
        "comment": survey.comment,
        **local,
        **values,
    }
    response = client.post(reverse("admin:calls_surveyresponse_change", args=[survey.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    survey.refresh_from_db()


def test_a_time_typed_in_the_admin_is_a_given_one(client, root, call_timed):
    survey = SurveyResponse.objects.get()
    _change(client, survey, responded_at_1="10:30:00")
    assert (survey.responded_at, survey.responded_at_source) == (STARTED + timedelta(minutes=90), "given")


def test_unlinking_in_the_admin_keeps_the_time_as_a_given_one(client, root, call_timed):
    survey = SurveyResponse.objects.get()
    _change(client, survey, call="")
    assert (survey.call, survey.responded_at, survey.responded_at_source) == (None, STARTED, "given")


def test_moving_a_calls_start_in_the_admin_moves_its_answer(client, root, call_timed):
    url = reverse("admin:calls_call_change", args=[call_timed.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"recording_file", "started_at"}
    }
    data.update(
        {
            "agent": call_timed.agent_id,
            "team": call_timed.team_id,
            "call_type": call_timed.call_type_id,
            "started_at_0": "2025-03-04",
            "started_at_1": "09:00:00",
            "survey-TOTAL_FORMS": "1",
            "survey-INITIAL_FORMS": "1",
            "survey-0-id": SurveyResponse.objects.get().pk,
            "survey-0-call": call_timed.pk,
            "survey-0-external_id": "R-1",
            "survey-0-nps": "9",
            "survey-0-responded_at_0": "2025-03-03",
            "survey-0-responded_at_1": "09:00:00",
            "escalations-TOTAL_FORMS": "0",
            "escalations-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    survey = SurveyResponse.objects.get()
    assert (survey.responded_at, survey.responded_at_source) == (STARTED + timedelta(days=1), "call")

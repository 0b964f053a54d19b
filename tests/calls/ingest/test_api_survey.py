"""POST /api/v1/calls/{external_id}/survey/: one survey answer per call, a second POST replaces it."""

from datetime import UTC, datetime

import pytest

from calls.models import SurveyResponse
from tests.calls.ingest.helpers import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/PBX-1/survey/"


@pytest.fixture
def api(call):
    call.external_id = "PBX-1"
    call.save(update_fields=["external_id"])
    client, _token, _secret = token_client()
    return client


def test_first_answer_is_created(api, call):
    response = api.post(
        URL, {"nps": 9, "csat": 5, "comment": "Great", "responded_at": "2025-02-01T12:00:00Z"}, format="json"
    )
    assert response.status_code == 201
    survey = SurveyResponse.objects.get(call=call)
    assert (survey.nps, survey.csat, survey.comment) == (9, 5, "Great")
    assert survey.responded_at == datetime(2025, 2, 1, 12, 0, tzinfo=UTC)
    assert response.json()["nps"] == 9


def test_second_answer_updates_the_first(api, call):
    api.post(URL, {"nps": 9, "csat": 5, "responded_at": "2025-02-01T12:00:00Z"}, format="json")
    response = api.post(URL, {"nps": 4, "csat": None, "comment": "Changed my mind"}, format="json")
    assert response.status_code == 200
    assert SurveyResponse.objects.filter(call=call).count() == 1
    survey = SurveyResponse.objects.get(call=call)
    assert (survey.nps, survey.csat, survey.comment) == (4, None, "Changed my mind")
    assert survey.responded_at == datetime(2025, 2, 1, 12, 0, tzinfo=UTC)  # not sent: kept


def test_only_csat(api, call):
    assert api.post(URL, {"csat": 3}, format="json").status_code == 201
    assert SurveyResponse.objects.get(call=call).nps is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"nps": 11, "csat": 4}, "nps"),
        ({"nps": -1}, "nps"),
        ({"nps": 5, "csat": 0}, "csat"),
        ({"nps": 5, "csat": 6}, "csat"),
        ({"nps": "ten"}, "nps"),
        ({"comment": "no scores"}, "nps"),
        ({"nps": None, "csat": None}, "nps"),
        ({"nps": 5, "responded_at": "last week"}, "responded_at"),
    ],
)
def test_validation_errors_name_the_field(api, call, payload, field):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not SurveyResponse.objects.exists()


def test_unknown_call_is_404(api):
    assert api.post("/api/v1/calls/NOPE/survey/", {"nps": 5}, format="json").status_code == 404


def test_get_not_allowed(api):
    assert api.get(URL).status_code == 405

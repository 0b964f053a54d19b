"""POST /api/v1/cases/{case_id}/resolve/: the helpdesk's webhook marks a case resolved; its answered calls
carry the resolution, and the case counts once in the resolution rate."""

from datetime import UTC, datetime

import pytest

from calls import services
from calls.models import Call
from calls.selectors import resolution_rate
from tests.calls.ingest.helpers import token_client
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/HD-77/resolve/"
RESOLVED_AT = datetime(2025, 2, 3, 15, 30, tzinfo=UTC)


@pytest.fixture
def api(db):
    client, _token, _secret = token_client(name="Helpdesk")
    return client


@pytest.fixture
def case_calls(agent):
    return CallFactory.create_batch(3, agent=agent, case_id="HD-77", resolved=False, resolved_at=None)


def test_resolves_the_answered_calls_of_the_case(api, case_calls, agent):
    other = CallFactory(agent=agent, case_id="HD-78", resolved=False)
    response = api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "case_id": "HD-77",
        "resolved_at": "2025-02-03T15:30:00Z",
        "calls": 3,
        "answered": 3,
        "changed": 3,
    }
    assert set(Call.objects.filter(case_id="HD-77").values_list("resolved", "resolved_at")) == {
        (True, RESOLVED_AT)
    }
    other.refresh_from_db()
    assert other.resolved is False and other.resolved_at is None


def test_resolving_twice_changes_nothing_the_second_time(api, case_calls):
    api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")
    before = dict(Call.objects.values_list("pk", "updated_at"))
    response = api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")
    assert response.status_code == 200
    assert response.json()["changed"] == 0
    assert response.json()["calls"] == 3
    assert dict(Call.objects.values_list("pk", "updated_at")) == before
    assert Call.objects.filter(case_id="HD-77", resolved=True, resolved_at=RESOLVED_AT).count() == 3


def test_unknown_case_is_404(api, case_calls):
    response = api.post("/api/v1/cases/NOPE/resolve/", {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("payload", [{}, {"resolved_at": "when it is done"}, {"resolved_at": None}])
def test_resolved_at_is_required_and_a_datetime(api, case_calls, payload):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["resolved_at"]
    assert not Call.objects.filter(resolved=True).exists()


def test_query_count(api, case_calls, django_assert_num_queries):
    # token lookup + last-used update, savepoint, counts, update, release: the same for 3 calls or 3,000
    with django_assert_num_queries(6):
        api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")


def test_service_returns_counts(case_calls):
    result = services.resolve_case(case_id="HD-77", resolved_at=RESOLVED_AT)
    assert (result.calls, result.answered, result.changed) == (3, 3, 3)
    assert services.resolve_case(case_id="nothing", resolved_at=RESOLVED_AT).calls == 0


def test_an_abandoned_contact_is_not_resolved_and_the_case_counts_once(api, agent):
    """The customer's first call was abandoned, the second answered; the helpdesk then resolves the case.
    Beside it: a call without a case id (its own case, unresolved), and another case left open."""
    abandoned = CallFactory(agent=agent, case_id="HD-77", answered=False, resolved=None)
    answered = CallFactory(agent=agent, case_id="HD-77", answered=True, resolved=False)
    unknown = CallFactory(agent=agent, case_id="HD-77", answered=None, resolved=None)
    CallFactory(agent=agent, case_id="", answered=True, resolved=False)
    CallFactory(agent=agent, case_id="HD-80", answered=True, resolved=False)

    response = api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")

    assert response.status_code == 200
    assert response.json()["calls"] == 3
    assert response.json()["answered"] == 1
    assert response.json()["changed"] == 1
    stored = dict(Call.objects.values_list("pk", "resolved"))
    assert stored[answered.pk] is True
    assert stored[abandoned.pk] is None  # an abandoned call resolved nothing
    assert stored[unknown.pk] is None
    # computed from what was stored: 3 cases received (HD-77 once, HD-80, the call without a case id),
    # one resolved
    result = resolution_rate(calls=Call.objects.all())
    assert (result.resolved_cases, result.cases) == (1, 3)
    assert result.rate == pytest.approx(100 / 3)


def test_a_case_without_an_answered_call_is_refused_and_nothing_changes(api, agent):
    abandoned = CallFactory(agent=agent, case_id="HD-77", answered=False, resolved=None)
    before = Call.objects.get(pk=abandoned.pk).updated_at
    response = api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")
    assert response.status_code == 409
    assert list(response.json()) == ["case_id"]
    assert "answered" in response.json()["case_id"][0]
    abandoned.refresh_from_db()
    assert (abandoned.resolved, abandoned.resolved_at, abandoned.updated_at) == (None, None, before)


@pytest.mark.parametrize(
    "resolved_at", ["9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z"]
)
def test_a_resolution_time_out_of_range_is_refused(api, case_calls, resolved_at):
    response = api.post(URL, {"resolved_at": resolved_at}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["resolved_at"]
    assert not Call.objects.filter(resolved=True).exists()

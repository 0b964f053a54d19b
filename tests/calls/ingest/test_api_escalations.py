"""POST /api/v1/calls/{external_id}/escalations/: idempotent by the escalation's external id."""

from datetime import UTC, datetime

import pytest

from calls.models import Escalation
from tests.calls.ingest.helpers import token_client
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/PBX-1/escalations/"


@pytest.fixture
def api(call):
    call.external_id = "PBX-1"
    call.save(update_fields=["external_id"])
    client, _token, _secret = token_client()
    return client


def escalation(**overrides):
    payload = {
        "external_id": "ESC-1",
        "type": "functional",
        "reason": "Billing dispute",
        "from_level": "Tier 1",
        "to_level": "Billing department",
        "escalated_at": "2025-02-01T10:00:00Z",
        "followup_due_at": "2025-02-02T10:00:00Z",
    }
    payload.update(overrides)
    return payload


def test_create(api, call):
    response = api.post(URL, escalation(), format="json")
    assert response.status_code == 201, response.json()
    stored = Escalation.objects.get(call=call)
    assert stored.type == Escalation.Type.FUNCTIONAL
    assert (stored.reason, stored.from_level, stored.to_level) == (
        "Billing dispute",
        "Tier 1",
        "Billing department",
    )
    assert stored.escalated_at == datetime(2025, 2, 1, 10, 0, tzinfo=UTC)
    assert stored.followup_due_at == datetime(2025, 2, 2, 10, 0, tzinfo=UTC)
    assert stored.followup_done_at is None
    assert response.json()["external_id"] == "ESC-1"


def test_same_escalation_twice_is_one_and_updates(api, call):
    api.post(URL, escalation(), format="json")
    response = api.post(URL, escalation(followup_done_at="2025-02-02T09:00:00Z"), format="json")
    assert response.status_code == 200
    assert Escalation.objects.count() == 1
    assert Escalation.objects.get().followup_done_at == datetime(2025, 2, 2, 9, 0, tzinfo=UTC)


def test_without_external_id_every_post_adds_one(api, call):
    payload = escalation()
    del payload["external_id"]
    assert api.post(URL, payload, format="json").status_code == 201
    assert api.post(URL, payload, format="json").status_code == 201
    assert Escalation.objects.filter(call=call).count() == 2


def test_each_type_is_accepted(api, call):
    for index, kind in enumerate(["hierarchical", "functional", "priority", "automatic"]):
        assert api.post(URL, escalation(external_id=f"E{index}", type=kind), format="json").status_code == 201
    assert set(Escalation.objects.values_list("type", flat=True)) == set(Escalation.Type.values)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"type": "sideways"}, "type"),
        ({"reason": ""}, "reason"),
        ({"to_level": None}, "to_level"),
        ({"escalated_at": None}, "escalated_at"),
        ({"followup_due_at": "tomorrow-ish"}, "followup_due_at"),
    ],
)
def test_validation_errors_name_the_field(api, overrides, field):
    response = api.post(URL, escalation(**overrides), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Escalation.objects.exists()


def test_external_id_of_another_calls_escalation_is_refused(api, call):
    other = CallFactory(external_id="PBX-2")
    assert api.post("/api/v1/calls/PBX-2/escalations/", escalation(), format="json").status_code == 201
    response = api.post(URL, escalation(), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["external_id"]
    assert Escalation.objects.get().call == other


def test_unknown_call_is_404(api):
    assert api.post("/api/v1/calls/NOPE/escalations/", escalation(), format="json").status_code == 404

"""Token scopes: every ingest URL × GET/POST/PUT/PATCH × a token with "ingest", "read" or both.

Reading a call back needs "read", every write "ingest" (calls.ingest.scopes). A token without the scope gets
403 naming it, and no data: a refused write writes nothing (no row, no file), a refused read returns no call.
A method the URL does not answer is 405 whatever the token's scopes.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.models import Call, IngestToken
from tests.calls.ingest.helpers import call_payload, token_client, wav_bytes

pytestmark = pytest.mark.django_db

INGEST, READ = IngestToken.Scope.INGEST, IngestToken.Scope.READ
TOKENS = {"ingest-only": [INGEST], "read-only": [READ], "both": [INGEST, READ]}
METHODS = ("GET", "POST", "PUT", "PATCH")


@dataclass(frozen=True)
class Endpoint:
    url: str
    # method → (the status it answers a token with the scope, the body it sends)
    answers: dict[str, int]
    body: object = field(default_factory=dict)
    multipart: bool = False


ENDPOINTS = {
    "call-upsert": Endpoint("/api/v1/calls/", {"POST": 201}, call_payload(external_id="NEW-1")),
    "call-batch": Endpoint(
        "/api/v1/calls/batch/", {"POST": 200}, [call_payload(external_id="NEW-1", case_id="HD-9")]
    ),
    "call-detail": Endpoint("/api/v1/calls/PBX-1/", {"GET": 200}),
    "call-recording[url]": Endpoint(
        "/api/v1/calls/PBX-1/recording/", {"POST": 200}, {"url": "https://pbx.example.com/1.wav"}
    ),
    "call-recording[file]": Endpoint("/api/v1/calls/PBX-1/recording/", {"POST": 200}, multipart=True),
    "call-survey": Endpoint("/api/v1/calls/PBX-1/survey/", {"POST": 201}, {"nps": 9, "comment": "Great"}),
    "call-escalations": Endpoint(
        "/api/v1/calls/PBX-1/escalations/",
        {"POST": 201},
        {
            "type": "functional",
            "reason": "Billing",
            "to_level": "Billing",
            "escalated_at": "2025-02-01T10:00:00Z",
        },
    ),
    "case-resolve": Endpoint(
        "/api/v1/cases/HD-1/resolve/", {"POST": 200}, {"resolved_at": "2025-02-01T10:00:00Z"}
    ),
    "survey-batch": Endpoint(
        "/api/v1/surveys/batch/",
        {"POST": 200},
        [{"external_id": "SRV-1", "nps": 3, "responded_at": "2025-02-01T10:00:00Z"}],
    ),
    "survey-detail": Endpoint(
        "/api/v1/surveys/SRV-2/", {"PUT": 201}, {"nps": 10, "responded_at": "2025-02-01T10:00:00Z"}
    ),
}


def _needed(method: str) -> IngestToken.Scope:
    return READ if method == "GET" else INGEST


def _matrix():
    for name, endpoint in ENDPOINTS.items():
        for method in METHODS:
            for token in TOKENS:
                if method not in endpoint.answers:
                    expected = 405
                elif _needed(method) in TOKENS[token]:
                    expected = endpoint.answers[method]
                else:
                    expected = 403
                yield pytest.param(name, method, token, expected, id=f"{name}-{method}-{token}")


@pytest.fixture
def pbx_call(call):
    """The call the URLs name: external id PBX-1 on case HD-1, answered, with a transcript."""
    call.external_id = "PBX-1"
    call.case_id = "HD-1"
    call.answered = True
    call.transcript = "My card number is on file."
    call.save(update_fields=["external_id", "case_id", "answered", "transcript"])
    return call


def _writes(queries) -> list[str]:
    """Statements that changed data, less the token's "last used" time (bookkeeping, not the request's).
    Django logs an executemany (bulk_create) as "N times: INSERT …"."""
    statements = (re.sub(r"^\d+ times: ", "", query["sql"].lstrip()) for query in queries)
    return [
        sql
        for sql in statements
        if sql.upper().startswith(("INSERT", "UPDATE", "DELETE")) and '"calls_ingesttoken"' not in sql
    ]


def _send(client, endpoint: Endpoint, method: str):
    if endpoint.multipart and method == "POST":
        upload = SimpleUploadedFile("call.wav", wav_bytes(), content_type="audio/wav")
        return client.post(endpoint.url, {"file": upload}, format="multipart")
    body = endpoint.body if method != "GET" else None
    return getattr(client, method.lower())(endpoint.url, body, format="json")


@pytest.mark.parametrize(("name", "method", "token", "expected"), list(_matrix()))
def test_scope_matrix(agent, call_type, pbx_call, name, method, token, expected):
    agent.agent_code = "A9001"
    agent.save(update_fields=["agent_code"])
    endpoint = ENDPOINTS[name]
    client, _token, _secret = token_client(scopes=TOKENS[token])
    with CaptureQueriesContext(connection) as queries:
        response = _send(client, endpoint, method)
    assert response.status_code == expected, response.content
    if expected == 403:
        missing = _needed(method).value
        assert response.json() == {"detail": response.json()["detail"], "missing_scope": missing}
        assert f"“{missing}” scope" in response.json()["detail"]
        assert not _writes(queries.captured_queries), "refused, yet it wrote"
        assert "My card number" not in response.content.decode()
    if expected in (403, 405):
        assert not _writes(queries.captured_queries)
        assert not default_storage.exists("recordings") or not any(default_storage.listdir("recordings"))
    else:
        assert _writes(queries.captured_queries) or method == "GET"


def test_a_write_by_an_ingest_only_token_answers_a_receipt_not_the_call(agent, call_type, pbx_call):
    """Re-sending a call or attaching a recording must not read back what others stored (the transcript)."""
    client, _token, _secret = token_client(scopes=[INGEST])
    response = client.post(
        "/api/v1/calls/", {"external_id": "PBX-1", "started_at": "2025-01-31T09:15:00Z"}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"external_id", "has_recording_file", "created_at", "updated_at"}
    assert Call.objects.get(external_id="PBX-1").transcript == "My card number is on file."  # kept, not shown

    response = client.post(
        "/api/v1/calls/PBX-1/recording/", {"url": "https://pbx.example.com/1.wav"}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"external_id", "has_recording_file", "created_at", "updated_at"}


def test_a_write_by_a_token_that_may_read_answers_the_call(agent, call_type, pbx_call):
    client, _token, _secret = token_client(scopes=[INGEST, READ])
    response = client.post(
        "/api/v1/calls/", {"external_id": "PBX-1", "started_at": "2025-01-31T09:15:00Z"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["transcript"] == "My card number is on file."


def test_options_describes_the_endpoint_to_any_token(pbx_call):
    """OPTIONS holds no call data: answered for a token of either scope (DRF's metadata)."""
    for scopes in TOKENS.values():
        client, _token, _secret = token_client(scopes=scopes)
        assert client.options("/api/v1/calls/PBX-1/").status_code == 200


def test_head_needs_read_like_get(pbx_call):
    ingest_only, _token, _secret = token_client(scopes=[INGEST])
    reader, _token, _secret = token_client(scopes=[READ])
    assert ingest_only.head("/api/v1/calls/PBX-1/").status_code == 403
    assert reader.head("/api/v1/calls/PBX-1/").status_code == 200


def test_an_unauthenticated_request_is_401_before_any_scope(pbx_call):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/calls/PBX-1/").status_code == 401


def test_the_access_helper_refuses_a_read_back_without_read(pbx_call):
    """Defence in depth: the read-back's access helper refuses too, should a view forget the permission."""
    from django.core.exceptions import PermissionDenied

    from calls.access import get_call_for_token

    token, _secret = IngestToken.issue(name="PBX", scopes=[INGEST])
    with pytest.raises(PermissionDenied):
        get_call_for_token(token, "PBX-1", for_read_back=True)
    assert get_call_for_token(token, "PBX-1") == pbx_call  # writes reach the call


def test_a_token_needs_a_scope():
    from django.db import IntegrityError, transaction

    with pytest.raises(ValueError):
        IngestToken.issue(name="PBX", scopes=[])
    token, _secret = IngestToken.issue(name="PBX", scopes=[READ])
    with pytest.raises(IntegrityError), transaction.atomic():
        IngestToken.objects.filter(pk=token.pk).update(can_read=False)


def test_every_ingest_url_is_in_the_matrix():
    """A new endpoint cannot miss its row: every route of calls.ingest.urls is tested above."""
    from calls.ingest.urls import urlpatterns

    routes = {str(pattern.pattern) for pattern in urlpatterns}
    tested = {
        "v1/calls/": "call-upsert",
        "v1/calls/batch/": "call-batch",
        "v1/calls/<str:external_id>/": "call-detail",
        "v1/calls/<str:external_id>/recording/": "call-recording[url]",
        "v1/calls/<str:external_id>/survey/": "call-survey",
        "v1/calls/<str:external_id>/escalations/": "call-escalations",
        "v1/cases/<str:case_id>/resolve/": "case-resolve",
        "v1/surveys/batch/": "survey-batch",
        "v1/surveys/<str:external_id>/": "survey-detail",
    }
    assert routes == set(tested)
    assert set(tested.values()) <= set(ENDPOINTS)

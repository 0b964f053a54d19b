"""Only ingest tokens open the API: no token, a bad or revoked one, or a browser session → 401."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from calls import services
from calls.models import Call, IngestToken
from tests.calls.ingest.helpers import call_payload, token_client

pytestmark = pytest.mark.django_db

MINIMAL_CALL = {"external_id": "PBX-1", "started_at": "2025-01-31T09:15:00Z"}
ENDPOINTS = [
    ("post", "/api/v1/calls/"),
    ("post", "/api/v1/calls/batch/"),
    ("get", "/api/v1/calls/PBX-0/"),
    ("post", "/api/v1/calls/PBX-0/recording/"),
    ("post", "/api/v1/calls/PBX-0/survey/"),
    ("post", "/api/v1/calls/PBX-0/escalations/"),
    ("post", "/api/v1/cases/HD-0/resolve/"),
]


@pytest.fixture
def existing_call(call):
    call.external_id = "PBX-0"
    call.case_id = "HD-0"
    call.save(update_fields=["external_id", "case_id"])
    return call


def assert_refused(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "detail" in response.json()


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_no_token(existing_call, method, url):
    assert_refused(getattr(APIClient(), method)(url, {}, format="json"))


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_session_login_is_not_a_credential(existing_call, manager, method, url):
    client = APIClient()
    client.force_login(manager)  # a real Django session cookie, as a logged-in browser has
    assert_refused(getattr(client, method)(url, {}, format="json"))


def test_session_cannot_write_a_call(manager, call_type):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(manager)
    assert_refused(client.post("/api/v1/calls/", MINIMAL_CALL, format="json"))
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer qac_not-a-real-token",
        "Token qac_not-a-real-token",
        "Bearer",
        "Bearer two parts",
        "Bearer \u00e9\u00e9",
        "\u00e9\u00e9 qac_secret",  # a scheme that is not UTF-8 on the wire: 401, not a crash
    ],
)
def test_bad_token(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_refused(client.post("/api/v1/calls/", MINIMAL_CALL, format="json"))
    assert not Call.objects.exists()


def test_other_schemes_are_not_tokens(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic bWFuYWdlcjpkZW1v")
    assert_refused(client.post("/api/v1/calls/", MINIMAL_CALL, format="json"))


def test_revoked_token(db):
    client, token, _secret = token_client()
    assert client.post("/api/v1/calls/", MINIMAL_CALL, format="json").status_code == 201
    services.revoke_ingest_token(token=token)
    assert_refused(client.post("/api/v1/calls/", call_payload(agent=None, call_type=None), format="json"))


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_valid_token_with_either_keyword(db, keyword):
    client, _token, _secret = token_client(keyword=keyword)
    assert client.post("/api/v1/calls/", MINIMAL_CALL, format="json").status_code == 201


def test_use_updates_last_used_at(db):
    client, token, _secret = token_client()
    assert token.last_used_at is None
    client.get("/api/v1/calls/NOPE/")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(seconds=30)


def test_a_token_secret_is_not_stored(db):
    token, secret = IngestToken.issue(name="PBX", scopes=["ingest"])
    stored = IngestToken.objects.filter(pk=token.pk).values()[0]
    assert secret not in {str(value) for value in stored.values()}
    assert stored["prefix"] == secret[4:12]

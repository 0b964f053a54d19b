"""Helpers for the ingest API tests: a client carrying a token, payloads, tiny real audio files."""

import io
import wave

from rest_framework.test import APIClient

from calls.models import IngestToken

# Both scopes: the tests of what each endpoint does are not about scopes (test_api_scopes.py is).
BOTH_SCOPES = (IngestToken.Scope.INGEST, IngestToken.Scope.READ)


def token_client(
    name: str = "PBX", keyword: str = "Bearer", scopes=BOTH_SCOPES
) -> tuple[APIClient, IngestToken, str]:
    """An API client that sends a freshly issued token (both scopes unless told), the token and its secret."""
    token, secret = IngestToken.issue(name=name, scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {secret}")
    return client, token, secret


def call_payload(**overrides) -> dict:
    payload = {
        "external_id": "PBX-1",
        "agent": "A9001",
        "call_type": "inbound-support",
        "direction": "inbound",
        "queue": "Billing",
        "channel": "voice",
        "started_at": "2025-01-31T09:15:00Z",
        "ivr_wait_seconds": 12,
        "queue_wait_seconds": 30,
        "talk_seconds": 312,
        "hold_seconds": 0,
        "wrap_up_seconds": 45,
        "answered": True,
        "resolved": False,
        "case_id": "HD-1",
        "customer_id": "CUST-1",
        "topic": "Router setup",
        "transcript": "Hello, how can I help?",
    }
    payload.update(overrides)
    return payload


def wav_bytes(seconds: float = 0.1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * int(8000 * seconds))
    return buffer.getvalue()

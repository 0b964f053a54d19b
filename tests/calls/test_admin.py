"""The admin of calls: fields that only the system may set stay read-only."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from calls.models import IngestToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))


def test_the_admin_cannot_bring_a_revoked_token_back(client, root):
    token, _secret = IngestToken.issue(name="PBX", scopes=["ingest"])
    IngestToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    url = reverse("admin:calls_ingesttoken_change", args=[token.pk])
    client.post(url, {"name": "PBX again", "revoked_at_0": "", "revoked_at_1": ""})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_admin_shows_but_does_not_take_recording_files(client, root, call):
    page = client.get(reverse("admin:calls_call_change", args=[call.pk])).content.decode()
    assert 'name="recording_file"' not in page


def test_the_admin_links_a_recording_through_the_permission_checked_view(client, root, call, settings):
    """Not the file's own URL (MEDIA_URL, served by nothing): the view that checks who may hear the call."""
    call.recording_file.save("greeting.wav", ContentFile(b"RIFF....WAVE"))
    page = client.get(reverse("admin:calls_call_change", args=[call.pk])).content.decode()
    assert f'<a href="{reverse("calls:recording", args=[call.pk])}">{call.recording_file.name}</a>' in page
    assert settings.MEDIA_URL not in page


def test_the_admin_narrows_a_tokens_scopes_but_never_to_none(client, root):
    token, _secret = IngestToken.issue(name="PBX", scopes=["ingest", "read"])
    url = reverse("admin:calls_ingesttoken_change", args=[token.pk])
    assert client.post(url, {"name": "PBX", "can_ingest": "on"}).status_code == 302
    token.refresh_from_db()
    assert (token.can_ingest, token.can_read) == (True, False)

    response = client.post(url, {"name": "PBX"})
    assert response.status_code == 200
    assert "A token needs at least one scope." in response.content.decode()
    token.refresh_from_db()
    assert (token.can_ingest, token.can_read) == (True, False)

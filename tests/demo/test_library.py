"""The demo's exemplary-call library (qa_center/demo/library.py): a dozen approved entries with clips inside
their recordings, criteria and tags, one anonymised; a nomination waiting; a second run adds nothing."""

import pytest
from django.urls import reverse

from coaching.library import services
from coaching.models import LibraryClip, LibraryEntry
from qa_center.demo import library
from qa_center.people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_recordings(settings, demo_media):
    settings.MEDIA_ROOT = demo_media


def test_a_dozen_approved_entries_with_clips_and_a_nomination_waiting(seeded):
    approved = LibraryEntry.objects.approved()
    assert approved.count() >= 12
    assert LibraryEntry.objects.pending().count() == 1
    assert not approved.filter(clips__isnull=True).exists()
    assert not approved.filter(criteria__isnull=True).exists()
    assert not approved.filter(tags__isnull=True).exists()
    assert approved.filter(anonymised_at__isnull=False).count() == 1
    assert LibraryClip.objects.filter(internal_only=True).exists()
    assert "exemplary calls in the library" in seeded


def test_every_clip_lies_inside_its_recording(seeded):
    for clip in LibraryClip.objects.select_related("entry__call"):
        assert clip.entry.call.recording_file.storage.exists(clip.entry.call.recording_file.name)
        length = services.recording_seconds(clip.entry.call)
        assert 0 <= clip.start_seconds < clip.end_seconds <= length, clip


def test_the_waiting_nomination_is_an_agents_own_proposal(seeded):
    pending = LibraryEntry.objects.pending().select_related("agent", "nominated_by").get()
    assert pending.nominated_by == pending.agent


def test_a_second_run_adds_nothing(seeded):
    before = LibraryEntry.objects.count(), LibraryClip.objects.count()
    assert library.ensure_library() == 0
    assert (LibraryEntry.objects.count(), LibraryClip.objects.count()) == before


def test_a_demo_agent_hears_another_agents_library_call(seeded, client):
    entry = LibraryEntry.objects.approved().exclude(agent__username="agent2").first()
    client.force_login(User.objects.get(username="agent2"))
    response = client.get(reverse("library:recording", args=[entry.pk]), HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    b"".join(response.streaming_content)
    assert client.get(reverse("library:browse")).context["page"].count.value >= 12

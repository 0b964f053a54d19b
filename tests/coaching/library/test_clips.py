"""Clips: their marks inside the recording's length (measured from the file, else talk + hold time), and
playing just that stretch; adding and deleting them is the QA managers' job."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coaching.library import services
from coaching.models import LibraryClip
from tests.coaching.library.helpers import RECORDING_SECONDS, library_entry
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_the_recording_length_is_read_from_the_wav_file(entry):
    assert services.recording_seconds(entry.call) == Decimal(RECORDING_SECONDS)


def test_without_a_readable_wav_the_length_is_talk_plus_hold_time(agent, call_type):
    call = CallFactory(agent=agent, call_type=call_type, talk_seconds=90, hold_seconds=15)
    assert services.recording_seconds(call) == Decimal(105)
    assert services.recording_seconds(CallFactory(agent=agent, talk_seconds=None, hold_seconds=None)) is None


def test_a_clip_may_end_exactly_where_the_recording_ends(entry, manager):
    clip = services.add_clip(
        entry=entry, start_seconds=Decimal("10.5"), end_seconds=Decimal(RECORDING_SECONDS), by=manager
    )
    assert (clip.start_seconds, clip.end_seconds) == (Decimal("10.5"), Decimal(RECORDING_SECONDS))


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2", "12.01", "end_seconds"),  # past the end of the recording
        ("13", "14", "end_seconds"),  # wholly after it
        ("-1", "3", "start_seconds"),
        ("5", "5", "end_seconds"),  # empty
        ("6", "5", "end_seconds"),  # backwards
    ],
)
def test_clip_marks_outside_the_recording_are_refused(entry, manager, start, end, field):
    with pytest.raises(ValidationError) as raised:
        services.add_clip(entry=entry, start_seconds=Decimal(start), end_seconds=Decimal(end), by=manager)
    assert field in raised.value.message_dict
    assert not LibraryClip.objects.exists()


def test_no_clip_when_the_recording_length_is_unknown(entry, manager):
    entry.call.recording_file.storage.delete(entry.call.recording_file.name)
    type(entry.call).objects.filter(pk=entry.call_id).update(talk_seconds=None, hold_seconds=None)
    entry.call.refresh_from_db()
    with pytest.raises(ValidationError, match="length is not known"):
        services.add_clip(entry=entry, start_seconds=Decimal(0), end_seconds=Decimal(1), by=manager)


def test_the_manager_adds_a_clip_from_the_entry_page(client, entry, manager):
    client.force_login(manager)
    response = client.post(
        reverse("library:clip_add", args=[entry.pk]),
        {"start_seconds": "1.5", "end_seconds": "4", "note": "The empathy line", "internal_only": "on"},
    )
    assert response.status_code == 302
    clip = LibraryClip.objects.get()
    assert (clip.start_seconds, clip.end_seconds, clip.internal_only) == (Decimal("1.5"), Decimal(4), True)


def test_a_clip_past_the_end_is_shown_with_its_error_and_not_saved(client, entry, manager):
    client.force_login(manager)
    response = client.post(
        reverse("library:clip_add", args=[entry.pk]), {"start_seconds": "3", "end_seconds": "30", "note": ""}
    )
    assert response.status_code == 400
    assert "The recording lasts 12.00 s" in response.content.decode()
    assert not LibraryClip.objects.exists()


@pytest.mark.parametrize("who", ["agent", "reviewer", "lead"])
def test_only_managers_add_or_delete_clips(client, request, entry, clips, who):
    client.force_login(request.getfixturevalue(who))
    public, _internal = clips
    added = client.post(
        reverse("library:clip_add", args=[entry.pk]), {"start_seconds": "0", "end_seconds": "1"}
    )
    deleted = client.post(reverse("library:clip_delete", args=[entry.pk, public.pk]))
    assert (added.status_code, deleted.status_code) == (403, 403)
    assert LibraryClip.objects.count() == 2


def test_a_clip_of_another_entry_is_not_found_there(
    client, entry, clips, manager, agents_other_call, reviewer
):
    other = library_entry(agents_other_call, by=reviewer, manager=manager, title="Another")
    client.force_login(manager)
    public, _internal = clips
    assert client.post(reverse("library:clip_delete", args=[other.pk, public.pk])).status_code == 404
    assert client.post(reverse("library:clip_delete", args=[entry.pk, public.pk])).status_code == 302
    assert not LibraryClip.objects.filter(pk=public.pk).exists()


def test_the_page_marks_each_clip_for_the_player(client, entry, clips, manager):
    """library.js plays a clip from data-start to data-end (it pauses the player at the end)."""
    client.force_login(manager)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-start="0.00" data-end="4.00"' in html
    assert 'data-start="4.00" data-end="8.00"' in html
    assert "js/library.js" in html

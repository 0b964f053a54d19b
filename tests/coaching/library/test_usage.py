"""Usage: plays (library.js posts once per page view) and links into coaching sessions (record_usage, called
by the sessions), counted in the database."""

import pytest
from django.urls import reverse

from coaching.library import services
from coaching.models import LibraryEntry
from tests.coaching.library.helpers import library_entry

pytestmark = pytest.mark.django_db


def test_a_play_is_counted_for_whoever_may_hear_the_call(client, entry, other_agent):
    client.force_login(other_agent)
    assert client.post(reverse("library:played", args=[entry.pk])).status_code == 204
    assert client.post(reverse("library:played", args=[entry.pk])).status_code == 204
    assert LibraryEntry.objects.get(pk=entry.pk).play_count == 2


def test_a_play_of_a_nomination_one_may_not_hear_is_not_counted(
    client, reviewer, agents_other_call, other_agent
):
    pending = library_entry(agents_other_call, by=reviewer)
    client.force_login(other_agent)
    assert client.post(reverse("library:played", args=[pending.pk])).status_code == 404
    assert LibraryEntry.objects.get(pk=pending.pk).play_count == 0


def test_record_usage_counts_session_links(entry):
    services.record_usage(entry, LibraryEntry.Usage.SESSION)
    services.record_usage(entry, "session")
    entry.refresh_from_db()
    assert (entry.play_count, entry.session_count) == (0, 2)


def test_an_unknown_kind_of_usage_is_a_programming_error(entry):
    with pytest.raises(ValueError, match="unknown library usage"):
        services.record_usage(entry, "download")


def test_every_role_has_the_library_in_the_navigation(client, agent, lead, reviewer, manager):
    for person in (agent, lead, reviewer, manager):
        client.force_login(person)
        urls = [url for url, _label in client.get(reverse("home")).context["nav_items"]]
        assert reverse("library:browse") in urls

"""An entry's page: the player, the clips, what the agent did well, its criteria and tags, and the call's
transcript (as recorded: redaction does not exist yet); the curating controls only for QA managers."""

import pytest
from django.urls import reverse

from tests.coaching.library.helpers import library_entry

pytestmark = pytest.mark.django_db


def test_another_agent_reads_the_entry_with_its_transcript(client, entry, other_agent):
    client.force_login(other_agent)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Good morning, this is Anna.<br>[0:04] Customer: Hi, my line is down." in page
    assert reverse("library:recording", args=[entry.pk]) in page
    assert "Greets by name." in page
    assert f"{reverse('library:browse')}?criterion=Greeting" in page
    assert f"{reverse('library:browse')}?tag=warm%20welcome" in page
    for control in ('id="edit-entry"', 'id="clip-form"', 'id="grant-anonymity"', 'id="decision"'):
        assert control not in page


def test_the_manager_curates_from_the_entry_page(client, entry, manager):
    client.force_login(manager)
    page = client.get(entry.get_absolute_url()).content.decode()
    for control in ('id="edit-entry"', 'id="clip-form"', 'id="grant-anonymity"'):
        assert control in page
    assert "The recording lasts 12 s." in page


def test_a_pending_nomination_shows_the_manager_the_decision_form(
    client, agents_other_call, reviewer, manager
):
    pending = library_entry(agents_other_call, by=reviewer)
    client.force_login(manager)
    page = client.get(pending.get_absolute_url()).content.decode()
    assert 'id="decision"' in page and "no redaction yet" in page
    client.force_login(reviewer)
    page = client.get(pending.get_absolute_url()).content.decode()
    assert 'id="decision"' not in page and "Waiting for a decision" in page


def test_the_manager_edits_the_entry(client, entry, manager, call_type):
    client.force_login(manager)
    url = reverse("library:edit", args=[entry.pk])
    assert client.get(url).context["form"].initial["tags"] == "warm welcome"
    response = client.post(
        url,
        {
            "title": "Warmest welcome",
            "call_type": call_type.pk,
            "notes": "Uses the name twice.",
            "criteria": ["Tone"],
            "tags": "opening, Warm welcome",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Warmest welcome"
    assert [c.title for c in entry.criteria.all()] == ["Tone"]
    assert sorted(t.name for t in entry.tags.all()) == ["opening", "warm welcome"]
    assert "uses the name twice." in entry.search_text


def test_an_edit_without_a_title_shows_the_error(client, entry, manager):
    client.force_login(manager)
    response = client.post(reverse("library:edit", args=[entry.pk]), {"title": "", "tags": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    entry.refresh_from_db()
    assert entry.title == "A warm welcome"

"""The credited agent asks for an entry to be anonymised; a QA manager grants it; then the agent's name is
hidden from everyone except the QA managers (the agent is told the entry is theirs)."""

import pytest
from django.urls import reverse

from coaching.models import LibraryEntry

pytestmark = pytest.mark.django_db

NAME = "Anna Berzina"


@pytest.fixture
def named_entry(entry):
    entry.agent.first_name, entry.agent.last_name = "Anna", "Berzina"
    entry.agent.save(update_fields=["first_name", "last_name"])
    return entry


def test_the_agent_is_credited_by_name_until_anonymised(client, named_entry, other_agent):
    client.force_login(other_agent)
    assert NAME in client.get(named_entry.get_absolute_url()).content.decode()
    assert NAME in client.get(reverse("library:browse")).content.decode()


def test_only_the_credited_agent_asks_for_anonymity(client, named_entry, other_agent, reviewer, agent):
    url = reverse("library:request_anonymity", args=[named_entry.pk])
    for person in (other_agent, reviewer):
        client.force_login(person)
        assert client.post(url).status_code == 403
    assert LibraryEntry.objects.get(pk=named_entry.pk).anonymity_requested_at is None
    client.force_login(agent)
    assert client.post(url).status_code == 302
    assert LibraryEntry.objects.get(pk=named_entry.pk).anonymity_requested_at is not None


@pytest.mark.parametrize("who", ["agent", "reviewer", "lead"])
def test_only_managers_grant_it(client, request, named_entry, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("library:grant_anonymity", args=[named_entry.pk])).status_code == 403
    assert LibraryEntry.objects.get(pk=named_entry.pk).anonymised_at is None


def test_once_granted_the_name_is_hidden_from_everyone_but_managers(
    client, named_entry, agent, other_agent, lead, reviewer, manager
):
    client.force_login(agent)
    client.post(reverse("library:request_anonymity", args=[named_entry.pk]))
    client.force_login(manager)
    assert client.post(reverse("library:grant_anonymity", args=[named_entry.pk])).status_code == 302

    for person in (other_agent, lead, reviewer):
        client.force_login(person)
        for url in (named_entry.get_absolute_url(), reverse("library:browse")):
            page = client.get(url).content.decode()
            assert NAME not in page and "An agent (anonymised)" in page, (person, url)
    client.force_login(agent)
    assert "You (anonymised for everyone else)" in client.get(named_entry.get_absolute_url()).content.decode()
    client.force_login(manager)
    assert NAME in client.get(named_entry.get_absolute_url()).content.decode()


def test_the_text_search_never_finds_an_entry_by_the_agents_name(client, named_entry, other_agent):
    client.force_login(other_agent)
    page = client.get(reverse("library:browse"), {"q": "Berzina"}).content.decode()
    assert named_entry.title not in page

"""Browsing and searching the library (call type, criterion, tag, text; paged), for every role, at a query
count that does not grow with the number of entries."""

import pytest
from django.urls import reverse

from coaching.library import services
from tests.coaching.library.helpers import library_entry, recorded_call
from tests.factories import CallTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(db):
    return CallTypeFactory(name="Outbound sales", slug="outbound-sales")


@pytest.fixture
def library(entry, agent, call_type, sales, reviewer, manager):
    """Three approved entries and one waiting."""
    upsell = library_entry(
        recorded_call(agent, sales),
        by=reviewer,
        manager=manager,
        title="Fibre upgrade, no pressure",
        criteria=("Tone",),
        tags=("upsell",),
    )
    calm = library_entry(
        recorded_call(agent, call_type),
        by=reviewer,
        manager=manager,
        title="Calm under fire",
        criteria=("Tone", "Greeting"),
        tags=("Escalation",),
    )
    waiting = library_entry(recorded_call(agent, call_type), by=reviewer, title="Waiting nomination")
    return {"welcome": entry, "upsell": upsell, "calm": calm, "waiting": waiting}


def _titles(client, **params) -> set[str]:
    response = client.get(reverse("library:browse"), params)
    assert response.status_code == 200
    return {entry.title for entry in response.context["page"]}


@pytest.mark.parametrize("who", ["agent", "other_agent", "lead", "reviewer", "manager"])
def test_every_role_browses_the_approved_entries(client, request, library, who):
    client.force_login(request.getfixturevalue(who))
    assert _titles(client) == {"A warm welcome", "Fibre upgrade, no pressure", "Calm under fire"}


def test_search_by_call_type_criterion_tag_and_text(client, library, other_agent, sales):
    client.force_login(other_agent)
    assert _titles(client, call_type=sales.pk) == {"Fibre upgrade, no pressure"}
    assert _titles(client, criterion="Greeting") == {"A warm welcome", "Calm under fire"}
    assert _titles(client, tag="escalation") == {"Calm under fire"}  # tags are stored lowercased
    assert _titles(client, q="FIBRE pressure") == {"Fibre upgrade, no pressure"}  # every word, any case
    assert _titles(client, q="greets") == {"A warm welcome", "Fibre upgrade, no pressure", "Calm under fire"}
    assert _titles(client, q="upsell") == {"Fibre upgrade, no pressure"}  # tags are searched too
    assert _titles(client, q="tone", call_type=sales.pk) == {"Fibre upgrade, no pressure"}
    assert _titles(client, q="Waiting") == set()


def test_the_search_follows_edits_of_an_entry(client, library, manager, other_agent):
    services.update_entry(
        entry=library["upsell"],
        title="Fibre upgrade",
        notes="Listens first.",
        call_type=library["upsell"].call_type,
        criteria=["Greeting"],
        tags=["retention"],
    )
    client.force_login(other_agent)
    assert _titles(client, q="pressure") == set()
    assert _titles(client, q="listens") == {"Fibre upgrade"}
    assert _titles(client, tag="upsell") == set()
    assert _titles(client, criterion="Greeting") == {"A warm welcome", "Calm under fire", "Fibre upgrade"}


def test_a_bad_call_type_in_the_query_string_filters_nothing(client, library, other_agent):
    client.force_login(other_agent)
    assert len(_titles(client, call_type="not-a-number")) == 3


def test_the_list_is_paged_newest_approval_first(client, agent, call_type, reviewer, manager, other_agent):
    for number in range(23):
        library_entry(
            recorded_call(agent, call_type), by=reviewer, manager=manager, title=f"Entry {number:02d}"
        )
    client.force_login(other_agent)
    first = client.get(reverse("library:browse"))
    titles = [entry.title for entry in first.context["page"]]
    assert titles[:2] == ["Entry 22", "Entry 21"] and len(titles) == 20
    second = client.get(reverse("library:browse") + first.context["page"].next_query)
    assert [entry.title for entry in second.context["page"]] == ["Entry 02", "Entry 01", "Entry 00"]


def test_usage_is_shown_to_managers_only(client, entry, manager, lead):
    services.record_usage(entry, "play")
    services.record_usage(entry, "play")
    services.record_usage(entry, "session")
    client.force_login(manager)
    assert "2 plays · 1 sessions" in client.get(reverse("library:browse")).content.decode()
    assert (
        "2 plays · linked into 1 coaching sessions" in client.get(entry.get_absolute_url()).content.decode()
    )
    client.force_login(lead)
    assert "plays" not in client.get(reverse("library:browse")).content.decode()
    assert "plays" not in client.get(entry.get_absolute_url()).content.decode()


def _library_of(size, *, agent, call_type, reviewer, manager):
    for number in range(size):
        entry = library_entry(
            recorded_call(agent, call_type),
            by=reviewer,
            manager=manager,
            title=f"Example {number}",
            criteria=("Greeting", "Tone"),
            tags=(f"tag{number}", "common"),
        )
        services.add_clip(entry=entry, start_seconds=0, end_seconds=1, by=manager)


#: session, user, the bell's count; the count of entries, the page, its criteria and tags; the search form's
#: call types, criteria and tags (and for a manager, the nominations waiting; for others, their own).
BROWSE_QUERIES = 11


@pytest.mark.parametrize("who", ["other_agent", "manager"])
@pytest.mark.parametrize("params", [{}, {"q": "example", "criterion": "Greeting", "tag": "common"}])
def test_the_query_count_does_not_grow_with_the_library(
    client, request, django_assert_num_queries, agent, call_type, reviewer, manager, who, params
):
    client.force_login(request.getfixturevalue(who))
    _library_of(3, agent=agent, call_type=call_type, reviewer=reviewer, manager=manager)
    with django_assert_num_queries(BROWSE_QUERIES):
        assert len(client.get(reverse("library:browse"), params).context["page"]) == 3
    _library_of(27, agent=agent, call_type=call_type, reviewer=reviewer, manager=manager)
    with django_assert_num_queries(BROWSE_QUERIES):
        assert len(client.get(reverse("library:browse"), params).context["page"]) == 20

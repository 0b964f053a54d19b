""" "What great sounds like": wherever a criterion is shown to an agent or a lead (an evaluation's weak
criteria, My feedback's "to work on", the scorecard), a link to the library filtered by that criterion; and
entries_for_criteria, which the coaching agenda uses."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from coaching.library import services
from coaching.library.selectors import entries_for_criteria
from tests.coaching.library.helpers import library_entry, recorded_call
from tests.factories import GREETING_MISSED, evaluation_of

pytestmark = pytest.mark.django_db


def _link(title: str) -> str:
    return f"{reverse('library:browse')}?criterion={quote(title)}"


def test_the_evaluation_links_the_criteria_that_missed_points(client, agent, version, reviewer):
    evaluation = evaluation_of(agent, version=version, reviewer=reviewer, answers=GREETING_MISSED)
    client.force_login(agent)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert _link("Greeting") in page
    assert _link("Tone") not in page  # full points there


def test_my_feedback_links_the_criteria_to_work_on(client, agent, version, reviewer):
    for _ in range(3):  # a criterion counts from three answers on
        evaluation_of(agent, version=version, reviewer=reviewer, answers=GREETING_MISSED)
    client.force_login(agent)
    response = client.get(reverse("feedback:mine"))
    assert [stat.title for stat in response.context["feedback"].weakest] == ["Greeting"]
    assert _link("Greeting") in response.content.decode()


def test_the_scorecard_links_every_published_criterion(client, agent, version):
    client.force_login(agent)
    page = client.get(reverse("scorecards:version", args=[version.pk])).content.decode()
    assert _link("Verified identity") in page and _link("Greeting") in page


def test_the_link_lists_the_entries_tagged_with_the_criterion(client, entry, other_agent):
    client.force_login(other_agent)
    response = client.get(_link("Greeting"))
    assert [e.title for e in response.context["page"]] == [entry.title]
    assert "What great sounds like for “Greeting”" in response.content.decode()
    assert list(client.get(_link("Tone")).context["page"]) == []


def test_entries_for_criteria_orders_by_how_many_criteria_match(
    entry, agent, call_type, reviewer, manager, lead
):
    both = library_entry(
        recorded_call(agent, call_type),
        by=reviewer,
        manager=manager,
        title="Both",
        criteria=("Greeting", "Tone"),
    )
    library_entry(recorded_call(agent, call_type), by=reviewer, title="Waiting", criteria=("Tone",))
    library_entry(
        recorded_call(agent, call_type), by=reviewer, manager=manager, title="Other", criteria=("Other",)
    )
    assert [e.title for e in entries_for_criteria(lead, ["Greeting", "Tone"], 5)] == ["Both", entry.title]
    assert [e.title for e in entries_for_criteria(lead, ["Greeting", "Tone"], 1)] == ["Both"]
    assert entries_for_criteria(lead, [], 5) == []
    services.record_usage(entry, "play")
    assert [e.title for e in entries_for_criteria(lead, ["Greeting"], 5)] == [entry.title, both.title]


def test_entries_for_criteria_costs_the_same_for_few_and_many(
    django_assert_num_queries, agent, call_type, reviewer, manager, lead
):
    def add(count):
        for number in range(count):
            entry = library_entry(
                recorded_call(agent, call_type), by=reviewer, manager=manager, title=f"E{number}"
            )
            services.add_clip(entry=entry, start_seconds=0, end_seconds=1, by=manager)

    add(2)
    with django_assert_num_queries(3):  # entries, their criteria, their clips
        assert len(entries_for_criteria(lead, ["Greeting"], 10)) == 2
    add(20)
    with django_assert_num_queries(3):
        assert len(entries_for_criteria(lead, ["Greeting"], 10)) == 10

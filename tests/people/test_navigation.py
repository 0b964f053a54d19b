"""The navigation shows each role the pages it may use, every entry resolves, and none answers 403."""

import pytest
from django.urls import reverse

from qa_center.people.context_processors import _entries
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLE_FLAGS = ("is_agent", "is_reviewer", "is_team_lead", "is_qa_manager")


def test_every_navigation_entry_resolves_for_a_user_with_every_role(client, team):
    user = UserFactory(username="everything", **dict.fromkeys(ROLE_FLAGS, True), team=team)
    team.lead = user
    team.save(update_fields=["lead"])
    names = [name for name, _label, _menu in _entries(user)]
    client.force_login(user)
    response = client.get(reverse("home"))
    shown = [url for url, _label in response.context["nav_items"]]
    assert shown == [reverse(name) for name in names]


@pytest.mark.parametrize("flag", ROLE_FLAGS)
def test_no_navigation_entry_is_forbidden_for_its_role(client, team, flag):
    user = UserFactory(username=f"only-{flag}", **{flag: True}, team=team)
    if flag == "is_team_lead":
        team.lead = user
        team.save(update_fields=["lead"])
    client.force_login(user)
    items = client.get(reverse("home")).context["nav_items"]
    assert len(items) >= 2
    for url, label in items:
        assert client.get(url).status_code == 200, (url, label)


def test_agent_sees_no_manager_entries(client, agent):
    client.force_login(agent)
    urls = [url for url, _label in client.get(reverse("home")).context["nav_items"]]
    assert reverse("imports:list") not in urls
    assert reverse("tokens:list") not in urls


def test_the_managers_set_up_pages_are_in_one_menu(client, manager, agent):
    client.force_login(manager)
    context = client.get(reverse("home")).context
    setup = [url for url, _label in context["nav_setup"]]
    assert setup == [
        reverse(name)
        for name in (
            "scorecards:list",
            "escalations:matrix",
            "call_types:list",
            "queue:manage",
            "imports:list",
            "tokens:list",
            "kpi_targets:targets",
            "kpis:computations",
            "audit:changes",
        )
    ]
    bar = [url for url, _label in context["nav_bar"]]
    insight = [url for url, _label in context["nav_insight"]]
    assert not set(bar) & set(setup) and not set(bar) & set(insight)
    assert sorted(bar + insight + setup) == sorted(url for url, _label in context["nav_items"])
    client.force_login(agent)
    context = client.get(reverse("home")).context
    assert context["nav_setup"] == []
    # The reference pages the other roles read, in their "Guides" menu.
    assert [url for url, _label in context["nav_guides"]] == [
        reverse("scorecards:list"),
        reverse("escalations:matrix"),
    ]


def test_the_insight_pages_reports_actions_escalations_and_today_are_in_the_insight_menu(
    client, manager, lead, reviewer
):
    for user in (manager, lead):
        client.force_login(user)
        insight = [url for url, _label in client.get(reverse("home")).context["nav_insight"]]
        assert insight == [
            reverse("dashboards:center"),
            reverse("kpi_insight:index"),
            reverse("qa_reports:report"),
            reverse("improvements:index"),
            reverse("escalations:insight"),
            reverse("kpi_today:today"),
        ]
    client.force_login(reviewer)
    assert client.get(reverse("home")).context["nav_insight"] == []

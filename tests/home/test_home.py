"""GET / (qa_center.home): one section per role the person holds; the login page and the language switch."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.home.helpers import HOME, item_keys

pytestmark = pytest.mark.django_db

MANAGER_ITEMS = [
    "center-today",
    "open-disputes",
    "imports-attention",
    "calibration-open",
    "scorecard-drafts",
    "sampling-shortfalls",
]
REVIEWER_ITEMS = ["my-queue", "my-drafts", "calibration-to-score"]
LEAD_ITEMS = [
    "team-week",
    "team-below-pass-mark",
    "team-disputes",
    "coaching-week",
    "coaching-agendas",
    "coaching-overdue",
    "coaching-agents",
]
AGENT_ITEMS = ["to-acknowledge", "my-score", "coaching-next", "coaching-action-items"]


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_post_not_allowed(client, agent):
    client.force_login(agent)
    assert client.post(HOME).status_code == 405


@pytest.mark.parametrize(
    ("who", "keys"),
    [
        ("manager", MANAGER_ITEMS),
        ("reviewer", REVIEWER_ITEMS),
        ("lead", LEAD_ITEMS),
        ("agent", AGENT_ITEMS),
    ],
)
def test_each_role_sees_its_own_items_only(home, request, who, keys):
    response = home(request.getfixturevalue(who))
    assert response.status_code == 200
    assert item_keys(response) == keys
    html = response.content.decode()
    for key in keys:
        assert f'id="{key}"' in html


def test_a_person_with_several_roles_sees_each_roles_section(home, team):
    user = UserFactory(username="all-roles", is_agent=True, is_reviewer=True, is_team_lead=True, team=team)
    team.lead = user
    team.save(update_fields=["lead"])
    response = home(user)
    assert [section.key for section in response.context["sections"]] == [
        "reviewer",
        "team-lead",
        "coaching-lead",
        "agent",
        "coaching-agent",
    ]
    assert item_keys(response) == REVIEWER_ITEMS + LEAD_ITEMS + AGENT_ITEMS
    html = response.content.decode()
    assert 'id="home-reviewer-heading">QA reviewer<' in html
    assert 'id="home-agent-heading">Agent<' in html
    assert 'id="home-coaching-lead-heading">Coaching your teams<' in html
    assert 'id="home-coaching-agent-heading">Your coaching<' in html


def test_a_superuser_gets_the_managers_home(home):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert item_keys(home(admin)) == MANAGER_ITEMS


def test_a_person_without_a_role_is_told_what_to_do(home):
    response = home(UserFactory(username="nobody"))
    assert response.context["sections"] == []
    html = response.content.decode()
    assert "You have no role yet: ask a QA manager to give you one." in html
    assert reverse("calls:list") in html


def test_the_managers_home_keeps_the_manager_navigation(home, manager):
    assert reverse("imports:list") in home(manager).content.decode()


def test_login_page_and_language_switch(client, agent):
    # The requests activate Latvian in this thread (LocaleMiddleware): the override puts the language back
    # afterwards, or the tests run after this one in the same process would read Latvian.
    with translation.override(translation.get_language()):
        assert client.get(reverse("login")).status_code == 200
        response = client.post(reverse("set_language"), {"language": "lv", "next": "/"})
        assert response.status_code == 302
        client.force_login(agent)
        page = client.get(HOME, HTTP_ACCEPT_LANGUAGE="lv")
        assert page.status_code == 200

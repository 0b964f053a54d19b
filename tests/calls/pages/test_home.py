"""GET / (calls.pages.views.home): the totals of the calls a person may see; the login page and the language
switch."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import CallFactory, EscalationFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_agent_sees_only_own_calls_in_totals(client, agent, other_agent):
    CallFactory.create_batch(2, agent=agent)
    CallFactory.create_batch(5, agent=other_agent)
    client.force_login(agent)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["totals"]["calls"] == 2


def test_manager_sees_center_totals_and_admin_nav(client, manager, agent, other_agent):
    CallFactory.create_batch(2, agent=agent)
    CallFactory(agent=other_agent, answered=False, talk_seconds=None)
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert response.context["totals"]["calls"] == 3
    assert response.context["answer_rate"] == pytest.approx(66.7)
    assert reverse("imports:list") in response.content.decode()


def test_no_inbound_calls_is_no_data_not_zero(client, agent):
    client.force_login(agent)
    response = client.get(reverse("home"))
    assert response.context["answer_rate"] is None
    assert "no data" in response.content.decode()


def test_post_not_allowed(client, agent):
    client.force_login(agent)
    assert client.post(reverse("home")).status_code == 405


def test_login_page_and_language_switch(client, agent):
    # The requests activate Latvian in this thread (LocaleMiddleware): the override puts the language back
    # afterwards, or the tests run after this one in the same process would read Latvian.
    with translation.override(translation.get_language()):
        assert client.get(reverse("login")).status_code == 200
        response = client.post(reverse("set_language"), {"language": "lv", "next": "/"})
        assert response.status_code == 302
        client.force_login(agent)
        page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="lv")
        assert page.status_code == 200


def test_home_counts_a_call_with_several_escalations_once(client, manager, agent):
    escalated = CallFactory(agent=agent)
    EscalationFactory.create_batch(3, call=escalated)
    CallFactory(agent=agent, answered=False, talk_seconds=None)
    client.force_login(manager)
    response = client.get(reverse("home"))
    totals = response.context["totals"]
    assert (totals["calls"], totals["inbound"], totals["escalated"]) == (2, 2, 1)
    assert response.context["answer_rate"] == 50

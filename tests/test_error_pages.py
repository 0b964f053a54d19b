"""The 403, 404 and 500 pages: in the layout (403, 404), in the reader's language, saying what to do instead."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory(username="error-agent")


def test_a_refused_page_is_in_the_layout_and_lists_the_pages_the_person_can_use(client, agent):
    client.force_login(agent)
    response = client.get(reverse("imports:list"))  # a QA manager's page
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-status="403"' in html
    assert 'id="main-nav"' in html  # the layout's menu
    assert "This page is not part of your work" in html
    assert reverse("feedback:mine") in html  # what they can do instead: their own pages
    assert reverse("imports:list") not in html.split('id="error-page"')[1]


def test_a_refusal_with_a_reason_shows_the_reason(rf, agent):
    """A view may refuse with a reason of its own (calibration results before the close): the page says it."""
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/calibration/1/results/")
    request.user = agent
    response = permission_denied(request, PermissionDenied("The results are shown once the session closes."))
    html = response.content.decode()
    assert response.status_code == 403
    assert "The results are shown once the session closes." in html
    assert "Your roles do not include what this page does" not in html


def test_a_refusal_without_a_reason_says_why_in_general(client):
    client.force_login(UserFactory(username="error-reviewer", is_reviewer=True))
    response = client.get(reverse("queue:manage"))  # the QA managers' sampling page
    assert response.status_code == 403
    assert "Your roles do not include what this page does" in response.content.decode()


def test_the_refused_page_speaks_the_readers_language(agent):
    client = Client(headers={"accept-language": "lv"})
    client.force_login(agent)
    response = client.get(reverse("imports:list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="lv">' in html
    with translation.override("lv"):
        expected = translation.gettext("This page is not part of your work")
    assert expected != "This page is not part of your work" and expected in html


def test_a_missing_page_is_in_the_layout_and_leads_home(client, agent):
    client.force_login(agent)
    response = client.get("/calls/999999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-status="404"' in html and 'id="main-nav"' in html
    assert f'href="{reverse("home")}"' in html


def test_an_anonymous_missing_page_offers_no_menu(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'data-status="404"' in response.content.decode()


def test_the_server_error_page_needs_no_request_context():
    """Django renders 500.html without the request's context processors: it must render on its own."""
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert 'data-status="500"' in html

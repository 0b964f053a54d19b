"""Pages under the Content-Security-Policy (the `page` fixture fails a test when the policy blocked anything)."""

import pytest

from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_under_the_policy(live_server, page):
    page.goto(live_server.url + "/api/docs/")

    page.wait_for_selector("#swagger-ui .info")


def test_the_language_menu_still_switches_without_an_inline_handler(live_server, page):
    page.goto(live_server.url + "/accounts/login/")

    with page.expect_navigation():
        page.select_option("#language-select", "es")

    assert page.get_attribute("html", "lang") == "es"


def test_a_locked_out_login_shows_why(live_server, transactional_db, page, settings):
    settings.AXES_FAILURE_LIMIT = 2
    AgentFactory(username="anna")
    for password in ("wrong", "wrong", "demo-password"):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", "anna")
        page.fill("#id_password", password)
        page.click("form[action='/accounts/login/'] button[type=submit]")

    assert page.locator("#locked-out").is_visible()
    assert "15 minutes" in page.locator("#locked-out").text_content()


def test_the_admin_runs_under_the_policy(live_server, transactional_db, page):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")

    page.goto(live_server.url + "/admin/people/user/")
    page.wait_for_selector("#result_list")
    page.goto(live_server.url + "/admin/people/user/add/")
    page.wait_for_selector("form")

"""Every role's menu stays on one line at 1400 px in every language, with nothing cut (the language select,
the user)."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.browser


# Each role's widest menu: a team lead who also reviews and a QA manager who is staff see the most items.
ROLES = {
    "manager": {"is_qa_manager": True, "is_staff": True},
    "lead": {"is_team_lead": True, "is_reviewer": True},
    "agent": {"is_agent": True},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", ["en", "es", "lv"])
def test_each_roles_menu_fits_one_line_at_1400_px(live_server, transactional_db, chromium, language, role):
    UserFactory(username="wide-manager", first_name="Elīna", last_name="Vanaga", **ROLES[role])
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "wide-manager")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_selector("#main-nav")
    box = page.evaluate(
        """() => {
            const nav = document.querySelector("nav.navbar");
            const select = document.getElementById("language-select");
            const items = [...document.querySelectorAll("#main-nav .nav-link, #main-nav .btn")];
            return {
                height: nav.getBoundingClientRect().height,
                selectCut: select.scrollWidth > select.clientWidth + 1,
                overflow: Math.max(...items.map((item) => item.getBoundingClientRect().right)) - window.innerWidth,
                tops: [...new Set(items.map((item) => Math.round(item.getBoundingClientRect().top / 10)))].length,
            };
        }"""
    )
    context.close()
    assert box["height"] < 70, box  # one line of menu
    assert not box["selectCut"], box
    assert box["overflow"] <= 0, box
    assert box["tops"] <= 2, box  # links and buttons sit on one line (buttons a little lower than links)

"""In a real browser: a QA manager opens the "today" view; the KPIs are recomputed behind it with new calls,
and the figures refresh by themselves (htmx polling the fragment), without reloading the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from qa_center.kpis.computing import compute_kpis
from tests.factories import CallFactory

pytestmark = pytest.mark.browser


def test_the_today_view_refreshes_its_figures_without_a_reload(
    live_server, transactional_db, page, settings, manager, agent, call_type
):
    settings.QA_TODAY_REFRESH_SECONDS = 1
    today = timezone.localdate()
    CallFactory(agent=agent, call_type=call_type, started_at=timezone.now() - timedelta(seconds=2))
    compute_kpis(first_day=today, last_day=today)

    page.goto(live_server.url + reverse("kpi_today:today"))
    page.fill("#id_username", manager.username)
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('kpi_today:today')}")
    center_calls = page.locator("#today-center .today-calls")
    assert center_calls.text_content().strip() == "1"
    assert page.locator(f"#today-team-{agent.team_id} .today-calls").text_content().strip() == "1"
    page.evaluate("() => { window.notReloaded = true; }")  # gone if the page reloads

    for seconds in (3, 4):
        CallFactory(
            agent=agent,
            call_type=call_type,
            started_at=timezone.now() - timedelta(seconds=seconds),
            answered=False,
            ivr_wait_seconds=None,
            queue_wait_seconds=None,
        )
    compute_kpis(first_day=today, last_day=today)

    page.wait_for_function(
        "() => document.querySelector('#today-center .today-calls').textContent.trim() === '3'"
    )
    assert page.evaluate("() => window.notReloaded") is True
    assert page.url == f"{live_server.url}{reverse('kpi_today:today')}"
    # 1 answered of 3 inbound.
    abandon = page.locator("#today-center [data-kpi='abandon_rate'] .today-value").text_content()
    assert abandon.strip() == "66.7 %"

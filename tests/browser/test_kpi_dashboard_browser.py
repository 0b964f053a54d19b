"""In a real browser: a QA manager opens the center dashboard for a month, switches the period to the year,
and the trend charts redraw with the year's months (htmx swaps the tiles and charts, the URL follows)."""

from datetime import date

import pytest
from django.urls import reverse

from tests.kpis.dashboards.helpers import calls, day_row

pytestmark = pytest.mark.browser

CHART = (
    "(window.Chart && Chart.getChart(document.getElementById('chart-answer_rate')) || {data: {labels: []}})"
)
LABELS = f"{CHART}.data.labels"
VALUES = f"{CHART}.data.datasets[0].data"


def test_switching_the_period_redraws_the_charts(live_server, transactional_db, page, manager):
    day_row(date(2026, 3, 2), **calls(80, 20))
    day_row(date(2026, 5, 4), **calls(50, 50))
    page.goto(live_server.url + reverse("home"))
    page.fill("#id_username", manager.username)
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('home')}")

    page.goto(f"{live_server.url}{reverse('dashboards:center')}?period=month&day=2026-03-15")
    page.wait_for_function(f"() => {LABELS}.length === 31")
    assert page.evaluate(VALUES)[1] == 80  # 2 March
    assert "80.0 %" in page.locator("#tile-answer_rate").text_content()
    canvas = page.evaluate_handle("document.getElementById('chart-answer_rate')")

    page.select_option("#id_period", "year")
    page.wait_for_function(f"() => {LABELS}.length === 12")
    assert page.evaluate(VALUES)[:5] == [None, None, 80, None, 50]  # March and May
    assert page.evaluate("(old) => !document.body.contains(old)", canvas)  # a new chart, swapped in
    assert "period=year" in page.url  # bookmarkable
    assert "65.0 %" in page.locator("#tile-answer_rate").text_content()

"""In a real browser: a QA manager opens the QA reports (the insight: a criterion failing across agents),
drills down to the evaluations that failed it, comes back and opens an improvement action from the criterion's
row (the form pre-filled with the KPI, the scope and the criterion), and the action's page shows the
criterion's failed share before the change with its n."""

import pytest
from django.urls import reverse

from qa_center.kpis.models import ImprovementAction
from tests.factories import FULL_MARKS, GREETING_MISSED, criterion, evaluation_of, make_published_version

pytestmark = pytest.mark.browser


def test_a_manager_opens_an_improvement_action_from_a_failing_criterion(
    live_server, transactional_db, page, manager, lead, agent, other_agent, reviewer, call_type
):
    version = make_published_version(call_type)
    greeting = criterion(version, "Greeting")
    for who, answers, days in (
        (agent, GREETING_MISSED, 4),
        (other_agent, GREETING_MISSED, 3),
        (other_agent, FULL_MARKS, 2),
    ):
        evaluation_of(who, version=version, reviewer=reviewer, answers=answers, days_ago=days)

    page.goto(live_server.url + reverse("home"))
    page.fill("#id_username", manager.username)
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('home')}")

    # The insight: "Greeting" fails for 2 of 3 evaluations, across both teams.
    page.goto(live_server.url + reverse("qa_reports:report"))
    row = page.locator(f'tr[data-criterion="{greeting.pk}"]')
    assert "66.7%" in row.text_content() and "of 3" in row.text_content()

    # Drill down: the evaluations that failed it.
    row.locator("td:nth-child(4) a").first.click()
    page.wait_for_url("**/evaluations/**criterion_result=failed**")
    assert page.locator("tr[data-evaluation]").count() == 2

    # Back to the insight, and an improvement action from the criterion's row.
    page.go_back()
    page.locator(f'tr[data-criterion="{greeting.pk}"] a.improvement-link').click()
    page.wait_for_url("**/kpis/improvements/new/**")
    assert "Greeting" in page.locator("#from-criterion").text_content()
    assert page.input_value("#id_kpi") == "qa_score"
    assert page.input_value("#id_scope_kind") == "center"
    page.fill("#id_title", "Greeting script")
    page.fill("#id_change", "Every call opens with the scripted greeting and the agent's name.")
    page.select_option("#id_owner", str(lead.pk))
    page.fill("#id_target", "10")
    page.click("#improvement-form button[type=submit]")

    opened = ImprovementAction.objects.get()
    page.wait_for_url(f"{live_server.url}{reverse('improvements:detail', args=[opened.pk])}")
    assert opened.criterion == greeting and opened.owner == lead and opened.direction == "lower"
    before = page.locator("#effect-before").text_content()
    assert "66.7 %" in before and "of 3" in before  # the evaluations before today's change
    assert "Greeting" in page.locator("#action-criterion").text_content()

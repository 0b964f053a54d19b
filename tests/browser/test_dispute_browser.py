"""In a real browser: an agent opens My feedback, reads an evaluation, disputes one criterion with a reason
and sees the evaluation marked disputed; a QA manager previews an adjusted score live and resolves."""

import pytest
from django.urls import reverse

from scorecards.disputes import services as disputes
from scorecards.models import Dispute, Evaluation
from tests.factories import GREETING_MISSED, criterion, evaluation_of, make_published_version

pytestmark = pytest.mark.browser


def test_agent_disputes_one_criterion(
    live_server, transactional_db, page, agent, reviewer, manager, call_type
):
    version = make_published_version(call_type)
    evaluation = evaluation_of(
        agent,
        reviewer=reviewer,
        version=version,
        answers=GREETING_MISSED,
        comments={"Greeting": "No greeting in the first five seconds."},
        days_ago=1,
    )
    greeting = criterion(version, "Greeting")
    mine = live_server.url + reverse("feedback:mine")

    # Log in through the form; it sends the agent on to My feedback.
    page.goto(mine)
    page.fill("#id_username", "agent")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(mine)
    row = page.locator(f"#evaluation-table tr[data-evaluation='{evaluation.pk}']")
    assert "86.7%" in row.inner_text()
    assert row.locator("td[data-status]").get_attribute("data-status") == "submitted"
    assert page.evaluate("Chart.getChart(document.getElementById('trend-chart')).data.datasets[0].data") == [
        86.7
    ]

    # Open the evaluation, read it, come back.
    row.locator("a.evaluation-link").click()
    page.wait_for_url(live_server.url + evaluation.get_absolute_url())
    assert "No greeting in the first five seconds." in page.locator("#answers").inner_text()
    page.go_back()

    # Dispute only the greeting, with a reason.
    row.get_by_role("link", name="Dispute").click()
    page.wait_for_url(live_server.url + reverse("feedback:dispute", args=[evaluation.pk]))
    greeting_row = page.locator(f"#dispute-table tr[data-criterion='{greeting.pk}']")
    assert "No (0 / 1 points)" in greeting_row.inner_text()
    assert "No greeting in the first five seconds." in greeting_row.inner_text()
    # The evidence is beside the form; a reason box opens only once its criterion is ticked.
    assert page.locator("#dispute-evidence").is_visible()
    reason = greeting_row.locator(f"#id_reason_{greeting.pk}")
    assert not reason.is_visible()
    greeting_row.locator(f"#id_dispute_{greeting.pk}").check()
    assert reason.is_visible()
    reason.fill("I greeted the customer at 0:03.")
    other_reasons = page.locator("#dispute-table textarea:visible")
    assert other_reasons.count() == 1
    page.get_by_role("button", name="Send the dispute").click()

    # Back on My feedback: the evaluation is disputed and can no longer be acknowledged or disputed.
    page.wait_for_url(mine)
    assert page.locator(".alert-success").is_visible()
    row = page.locator(f"#evaluation-table tr[data-evaluation='{evaluation.pk}']")
    assert row.locator("td[data-status]").get_attribute("data-status") == "disputed"
    assert "Disputed" in row.inner_text()
    assert row.get_by_role("link", name="Dispute").count() == 0
    assert row.get_by_role("button", name="Acknowledge").count() == 0

    dispute = Dispute.objects.get(evaluation=evaluation)
    assert list(dispute.items.values_list("criterion__title", "reason")) == [
        ("Greeting", "I greeted the customer at 0:03.")
    ]
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.DISPUTED


def test_manager_previews_and_adjusts(
    live_server, transactional_db, page, agent, reviewer, manager, call_type
):
    version = make_published_version(call_type)
    evaluation = evaluation_of(agent, reviewer=reviewer, version=version, answers=GREETING_MISSED)
    greeting = criterion(version, "Greeting")
    dispute = disputes.open_dispute(evaluation=evaluation, by=agent, items=[(greeting, "I greeted at 0:03.")])
    resolve = live_server.url + reverse("feedback:resolve", args=[dispute.pk])

    page.goto(resolve)
    page.fill("#id_username", "manager")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(resolve)
    assert "I greeted at 0:03." in page.locator("#disputed-criteria").inner_text()

    # Changing the answer asks the server (htmx) for the score it would give; nothing is saved yet.
    page.select_option(f"#id_answer_{greeting.pk}", "1")
    page.wait_for_selector("#preview-score")
    assert "100.00%" in page.locator("#preview-score").inner_text()
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.DISPUTED

    page.check("input[name=decision][value=adjusted]")
    page.fill("#id_note", "The greeting is at 0:03.")
    page.get_by_role("button", name="Resolve the dispute").click()
    page.wait_for_url(live_server.url + reverse("feedback:history", args=[evaluation.pk]))
    adjusted = page.locator("#history-table tr[data-action='answer_adjusted']")
    assert "No (0 / 1 points)" in adjusted.locator("[data-column=before]").inner_text()
    assert "Yes (1 / 1 points)" in adjusted.locator("[data-column=after]").inner_text()
    assert "100.00%" in page.locator("#evaluation-score").inner_text()

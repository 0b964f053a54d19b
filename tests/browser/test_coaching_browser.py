"""In a real browser: a team lead schedules a coaching session with an agent of their team, builds its agenda
from the suggestions (the evaluation with a failed criterion comes ticked; a library call tagged with that
criterion is offered and picked), and records an action item; the agent then sees the action item on their
home and coaching pages, ticks it done, and opens the library call from the session."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, AgendaItem, CoachingSession
from tests.coaching.library.helpers import library_entry, recorded_call
from tests.factories import FULL_MARKS, GREETING_MISSED, evaluation_of, make_published_version

pytestmark = pytest.mark.browser


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_selector("#main-nav")


def test_lead_schedules_builds_the_agenda_and_the_agent_ticks_the_action_item(
    live_server, transactional_db, page, lead, agent, other_agent, reviewer, manager, call_type
):
    version = make_published_version(call_type)
    example = library_entry(
        recorded_call(other_agent, call_type), by=reviewer, manager=manager, criteria=("Greeting",)
    )
    failed = evaluation_of(agent, version=version, reviewer=reviewer, answers=GREETING_MISSED, days_ago=2)
    full = evaluation_of(agent, version=version, reviewer=reviewer, answers=FULL_MARKS, days_ago=3)
    # A third answer makes Greeting one of the agent's weakest criteria (feedback needs three).
    again = evaluation_of(agent, version=version, reviewer=reviewer, answers=GREETING_MISSED, days_ago=4)
    tomorrow = timezone.localdate() + timedelta(days=1)

    # The lead opens Coaching from the menu and schedules a session.
    sign_in(page, live_server, "lead")
    page.get_by_role("link", name="Coaching", exact=True).click()
    page.wait_for_url(live_server.url + reverse("coaching:index"))
    page.click("#schedule-link")
    page.select_option("#id_agent", str(agent.pk))
    page.select_option("#id_kind", "feedback_review")
    page.fill("#id_day", tomorrow.isoformat())
    page.fill("#id_start", "10:00")
    page.fill("#id_duration", "45")
    page.fill("#id_place", "Meeting room 2")
    page.get_by_role("button", name="Book the session").click()

    # The agenda builder: the evaluation with a failed criterion is ticked, the one with full marks is not.
    session = CoachingSession.objects.get()
    page.wait_for_url(live_server.url + reverse("coaching:agenda", args=[session.pk]))
    assert page.is_checked(f"#evaluation-{failed.pk}") and page.is_checked(f"#evaluation-{again.pk}")
    assert not page.is_checked(f"#evaluation-{full.pk}")
    page.check(f"#evaluation-{full.pk}")
    # The library call tagged with the criterion the agent struggles with: offered, not ticked.
    assert not page.is_checked(f"#entry-{example.pk}")
    page.check(f"#entry-{example.pk}")
    page.click("#save-agenda")
    page.wait_for_url(live_server.url + session.get_absolute_url())
    agenda = page.locator("#agenda").inner_text()
    assert failed.call.external_id in agenda and full.call.external_id in agenda
    assert example.title in agenda
    assert set(
        AgendaItem.objects.filter(session=session, kind="evaluation").values_list("evaluation", flat=True)
    ) == {
        failed.pk,
        again.pk,
        full.pk,
    }

    # An action item for the agent.
    page.fill("#id_description", "Greet the customer by name in the first ten seconds")
    page.select_option("#id_owner", "agent")
    page.fill("#id_due_on", (tomorrow + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Add the action item").click()
    item = page.locator("#action-items li[data-done]")
    item.wait_for()
    assert "Greet the customer by name" in item.inner_text()
    page.context.clear_cookies()  # signed out

    # The agent sees it on their home page, then on their coaching page, and ticks it.
    sign_in(page, live_server, "agent")
    assert "Greet the customer by name" in page.locator("#coaching-action-items").inner_text()
    assert "Meeting room 2" in page.locator("#coaching-next").inner_text()
    page.goto(live_server.url + reverse("coaching:index"))
    action = ActionItem.objects.get()
    row = page.locator(f"#my-action-items #action-item-{action.pk}")
    assert "Greet the customer by name" in row.inner_text()
    assert row.get_attribute("data-done") == "0"
    row.locator("button.action-tick").click()
    page.locator(f"#action-item-{action.pk}[data-done='1']").wait_for()
    action.refresh_from_db()
    assert action.done_at is not None and action.done_by == agent

    # From the session's agenda, the agent opens the library call (another agent's, heard through the library).
    page.goto(live_server.url + session.get_absolute_url())
    page.locator("#agenda a.library-entry-link").click()
    page.wait_for_url(live_server.url + example.get_absolute_url())
    assert example.title in page.locator("h1").inner_text()

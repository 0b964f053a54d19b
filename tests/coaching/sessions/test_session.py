"""Running a session and its states: scheduled → completed (notes, follow-up), cancelled (with a reason) or
no-show; moving keeps the history; the agent confirms and comments after completion; action items are ticked
by their owner (or the lead); who sees which session."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from coaching.sessions import services
from qa_center.people.models import Notification
from tests.factories import AgentFactory, UserFactory, action_item, coaching_session, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(lead, agent):
    """A session that began ten minutes ago."""
    return coaching_session(lead, agent, start=timezone.now() - timedelta(minutes=10))


def test_the_lead_records_the_session_as_held(client, lead, agent, started):
    client.force_login(lead)
    follow_up = timezone.localdate() + timedelta(days=14)
    response = client.post(
        reverse("coaching:complete", args=[started.pk]),
        {"notes": "Went through the greeting.", "follow_up_on": follow_up, "follow_up_evaluations": 2},
    )
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.status == "completed" and started.completed_at is not None
    assert (started.notes, started.follow_up_on, started.follow_up_evaluations) == (
        "Went through the greeting.",
        follow_up,
        2,
    )
    assert Notification.objects.filter(recipient=agent, event="coaching_session_completed").exists()


def test_extra_evaluations_need_a_follow_up_date(client, lead, started):
    client.force_login(lead)
    response = client.post(
        reverse("coaching:complete", args=[started.pk]), {"notes": "", "follow_up_evaluations": 2}
    )
    assert response.status_code == 400
    assert "follow_up_on" in response.context["form"].errors
    started.refresh_from_db()
    assert started.status == "scheduled"


def test_a_session_not_started_cannot_be_held_or_a_no_show(lead, agent):
    later = coaching_session(lead, agent)
    with pytest.raises(ValidationError):
        services.complete_session(session=later, by=lead, notes="")
    with pytest.raises(ValidationError):
        services.mark_no_show(session=later, by=lead)
    later.refresh_from_db()
    assert later.status == "scheduled"


def test_no_show(client, lead, started):
    client.force_login(lead)
    client.post(reverse("coaching:no_show", args=[started.pk]))
    started.refresh_from_db()
    assert started.status == "no_show"
    # A second click finds it no longer scheduled: nothing changes, the lead is told.
    response = client.post(reverse("coaching:no_show", args=[started.pk]), follow=True)
    assert "no longer scheduled" in response.content.decode()


def test_cancelling_needs_a_reason(client, lead, agent):
    session = coaching_session(lead, agent)
    client.force_login(lead)
    url = reverse("coaching:cancel", args=[session.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    client.post(url, {"reason": "Agent on training"})
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == ("cancelled", "Agent on training")
    assert Notification.objects.filter(recipient=agent, event="coaching_session_cancelled").exists()


def test_moving_keeps_the_history(client, lead, agent):
    session = coaching_session(lead, agent, place="Room 1")
    old_start = session.starts_at
    client.force_login(lead)
    day = timezone.localdate() + timedelta(days=3)
    response = client.post(
        reverse("coaching:reschedule", args=[session.pk]),
        {"day": day, "start": "15:00", "duration": 60, "place": "Room 2", "reason": "Lead in a meeting"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.place == "Room 2" and session.duration_minutes == 60 and session.sequence == 1
    change = session.changes.get()
    assert (change.old_starts_at, change.old_place, change.new_place, change.reason) == (
        old_start,
        "Room 1",
        "Room 2",
        "Lead in a meeting",
    )
    assert "Lead in a meeting" in client.get(session.get_absolute_url()).content.decode()


def test_the_agent_confirms_and_comments_after_completion(client, lead, agent):
    session = coaching_session(lead, agent, start=timezone.now() - timedelta(days=1), status="completed")
    client.force_login(agent)
    url = reverse("coaching:confirm", args=[session.pk])
    client.post(url, {"comment": "Useful, thanks."})
    session.refresh_from_db()
    confirmed_at = session.agent_confirmed_at
    assert confirmed_at is not None and session.agent_comment == "Useful, thanks."
    client.post(url, {"comment": "Useful: the role-play most."})
    session.refresh_from_db()
    assert session.agent_confirmed_at == confirmed_at  # confirmed once; the comment may change
    assert session.agent_comment == "Useful: the role-play most."


def test_the_agent_cannot_confirm_a_session_not_held(client, lead, agent):
    session = coaching_session(lead, agent)
    client.force_login(agent)
    response = client.post(reverse("coaching:confirm", args=[session.pk]), {"comment": "x"})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.agent_confirmed_at is None


def test_action_items_are_agreed_and_ticked_by_their_owner(client, lead, agent, started):
    client.force_login(lead)
    due = timezone.localdate() + timedelta(days=7)
    response = client.post(
        reverse("coaching:action_add", args=[started.pk]),
        {"description": "Use the customer's name", "owner": "agent", "due_on": due},
    )
    assert response.status_code == 302
    item = started.action_items.get()
    assert (item.owner, item.due_on, item.done_at) == ("agent", due, None)
    bad = client.post(
        reverse("coaching:action_add", args=[started.pk]), {"description": "", "owner": "agent"}
    )
    assert bad.status_code == 400
    assert {"description", "due_on"} <= set(bad.context["action_form"].errors)

    leads = action_item(started, owner=ActionItem.Owner.LEAD)
    client.force_login(agent)
    assert client.post(reverse("coaching:action_done", args=[leads.pk])).status_code == 403
    response = client.post(
        reverse("coaching:action_done", args=[item.pk]), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'data-done="1"' in response.content.decode()
    item.refresh_from_db()
    assert item.done_by == agent and item.done_at is not None
    client.post(reverse("coaching:action_done", args=[item.pk]), {"done": "0"})
    item.refresh_from_db()
    assert item.done_at is None
    leads.refresh_from_db()
    assert leads.done_at is None


def test_who_sees_which_session(client, lead, agent, other_lead, other_agent, manager, team):
    session = coaching_session(lead, agent)
    reviewer = UserFactory(username="onlyreviewer", is_reviewer=True)
    teammate = AgentFactory(username="teammate", team=team)
    url = session.get_absolute_url()
    expected = {
        agent: 200,
        lead: 200,
        manager: 200,
        other_lead: 404,
        other_agent: 404,
        teammate: 404,
        reviewer: 403,
    }
    for person, status in expected.items():
        client.force_login(person)
        assert client.get(url).status_code == status, person


def test_a_refused_change_changes_nothing(client, lead, agent, manager, started):
    for person in (agent, manager):
        client.force_login(person)
        assert client.post(reverse("coaching:notes", args=[started.pk]), {"notes": "Mine"}).status_code == 403
        assert client.post(reverse("coaching:no_show", args=[started.pk])).status_code == 403
    started.refresh_from_db()
    assert (started.notes, started.status) == ("", "scheduled")


def test_the_overview_per_role(client, lead, agent, manager, started):
    item = action_item(started)
    client.force_login(agent)
    html = client.get(reverse("coaching:index")).content.decode()
    assert f'data-session="{started.pk}"' in html and f'id="action-item-{item.pk}"' in html
    client.force_login(lead)
    html = client.get(reverse("coaching:index")).content.decode()
    assert 'id="schedule-link"' in html and f'data-session="{started.pk}"' in html
    client.force_login(manager)
    response = client.get(reverse("coaching:index"))
    assert [s.pk for s in response.context["page"]] == [started.pk]


def test_moving_a_held_session_is_refused(lead, agent):
    session = coaching_session(lead, agent, status=CoachingSession.Status.COMPLETED)
    with pytest.raises(ValidationError):
        services.reschedule_session(session=session, by=lead, when=when(session.starts_at), place="X")

"""Reminders: the day before a session to its lead and agent, and to the owner of an overdue action item; each
sent once, whether the task runs twice or two runs race; a moved session is reminded again."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession, SentReminder
from coaching.sessions import reminders, services
from coaching.sessions.tasks import send_coaching_reminders
from qa_center.people.models import Notification
from tests.factories import action_item, coaching_session, when

pytestmark = pytest.mark.django_db


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def tomorrows(lead, agent, today):
    return coaching_session(lead, agent, start=local(today + timedelta(days=1), 10))


def reminders_of(person, event="coaching_session_reminder"):
    return Notification.objects.filter(recipient=person, event=event)


def test_the_day_before_lead_and_agent_are_reminded_once(lead, agent, tomorrows, today):
    now = local(today, 9)
    assert reminders.send_due_reminders(now=now) == 2
    assert reminders.send_due_reminders(now=now + timedelta(hours=1)) == 0
    assert reminders_of(lead).count() == 1
    assert reminders_of(agent).count() == 1
    assert reminders_of(agent).get().url == tomorrows.get_absolute_url()


def test_the_task_run_twice_sends_once(lead, agent, tomorrows, today, django_capture_on_commit_callbacks):
    at = local(today, 9).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        first = send_coaching_reminders.delay(at=at).get()
        second = send_coaching_reminders.delay(at=at).get()
    assert (first, second) == (2, 0)
    assert reminders_of(lead).count() == reminders_of(agent).count() == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted([lead.email, agent.email])


def test_two_runs_racing_send_once(lead, agent, tomorrows, today):
    """Both runs collect the same due reminders; the first sends them; the second, sending from its stale list,
    fails on each key and writes nothing."""
    now = local(today, 9)
    first_list = reminders.due_reminders(now=now)
    second_list = reminders.due_reminders(now=now)
    assert len(first_list) == len(second_list) == 2
    assert [reminders.send_reminder(r) for r in first_list] == [True, True]
    assert [reminders.send_reminder(r) for r in second_list] == [False, False]
    assert reminders_of(lead).count() == reminders_of(agent).count() == 1
    assert SentReminder.objects.count() == 2


def test_the_racing_loser_leaves_no_notification_behind(lead, agent, tomorrows, today):
    """The sent-record row is written first: when it cannot be, the notification is not written either (the
    race lost inside an open transaction, as a second worker would lose it)."""
    reminder = reminders.due_reminders(now=local(today, 9))[0]
    SentReminder.objects.create(key=reminder.key, recipient=reminder.recipient)
    with transaction.atomic():
        assert reminders.send_reminder(reminder) is False
    assert not Notification.objects.exists()


def test_nothing_before_the_reminder_hour_nor_for_other_days(lead, agent, tomorrows, today):
    assert reminders.send_due_reminders(now=local(today, 7, 59)) == 0
    coaching_session(lead, agent, start=local(today + timedelta(days=2), 10))
    coaching_session(
        lead, agent, start=local(today + timedelta(days=1), 15), status=CoachingSession.Status.CANCELLED
    )
    assert reminders.send_due_reminders(now=local(today, 8)) == 2  # only tomorrow's scheduled one


def test_a_moved_session_is_reminded_again(lead, agent, tomorrows, today):
    reminders.send_due_reminders(now=local(today, 9))
    services.reschedule_session(
        session=tomorrows, by=lead, when=when(local(today + timedelta(days=1), 14)), place="Room 9"
    )
    assert reminders.send_due_reminders(now=local(today, 10)) == 2
    assert reminders_of(agent).count() == 2


def test_an_overdue_action_item_reminds_its_owner_once(lead, agent, today):
    session = coaching_session(lead, agent, start=local(today - timedelta(days=10), 10), status="completed")
    agents = action_item(session, days=-1, description="Use the customer's name")
    leads = action_item(session, owner=ActionItem.Owner.LEAD, days=-3, description="Book a role-play")
    action_item(session, days=0)  # due today: not overdue yet
    done = action_item(session, days=-2)
    services.set_action_item_done(item=done, by=agent, done=True)
    assert reminders.send_due_reminders(now=local(today, 9)) == 2
    assert reminders.send_due_reminders(now=local(today, 12)) == 0
    overdue = "coaching_action_item_overdue"
    assert reminders_of(agent, overdue).get().params["item"] == agents.description
    assert reminders_of(lead, overdue).get().params["item"] == leads.description

"""notify stores an in-app notification and queues its e-mail on commit; the e-mail task retries a mail server
that fails, and a broker that is down loses nothing already committed."""

import smtplib

import pytest
from django.core import mail

from qa_center.people import tasks
from qa_center.people.models import Notification
from qa_center.people.notifications import event, in_app_only, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HELLO = event("test_hello", message=lambda params: "Hello")


def test_the_email_is_queued_on_commit_and_sent_by_the_task(django_capture_on_commit_callbacks):
    person = UserFactory(username="ana")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(recipient=person, event=HELLO, params={}, url="/feedback/")
    assert Notification.objects.filter(pk=notification.pk).exists() and mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.com"] and mail.outbox[0].subject == "Hello"


def test_in_app_only_stores_without_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, in_app_only():
        notify(recipient=UserFactory(username="ana"), event=HELLO, params={})
    assert callbacks == [] and mail.outbox == [] and Notification.objects.count() == 1


def test_a_mail_server_that_fails_is_retried(monkeypatch):
    notification = Notification.objects.create(recipient=UserFactory(username="ana"), message="Hello")
    calls = []

    def flaky_send_mail(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        return 1

    monkeypatch.setattr(tasks, "send_mail", flaky_send_mail)
    result = tasks.send_notification_email.apply(
        kwargs={"notification_id": notification.pk, "subject": "Hello", "body": "Hello"}, throw=False
    )
    assert len(calls) == 2 and result.successful()


def test_a_broker_that_is_down_does_not_undo_the_action(monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(**kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.send_notification_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=UserFactory(username="ana"), event=HELLO, params={})
    assert Notification.objects.count() == 1


def test_no_address_no_email():
    notification = Notification.objects.create(recipient=UserFactory(username="ana", email=""), message="Hi")
    tasks.send_notification_email.apply(
        kwargs={"notification_id": notification.pk, "subject": "Hi", "body": "Hi"}
    )
    assert mail.outbox == []

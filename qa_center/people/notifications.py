"""Telling people what happened to them: an in-app Notification, and an email sent by a Celery task.

The email is queued only once the transaction that caused it commits (a rolled-back action sends nothing); the
task retries a mail server that fails, and a broker that is down is logged instead of turning an already
committed action into an error page.

Languages: a notification is stored as an event code with its parameters, and its words are written each time
it is read, in the reader's language (`text`); the email is written in the recipient's language (their
`language`, set by the language menu, else the center's LANGUAGE_CODE). The events themselves (an evaluation
submitted, a dispute opened...) are declared by the feature that owns them with `event(...)`, and sent with
`notify(event=..., params=...)`; parameters are plain JSON values (ids, numbers, codes), never words.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation

from qa_center.people.models import Notification
from qa_center.people.tasks import send_notification_email

__all__ = ["Event", "absolute_url", "event", "in_app_only", "language_of", "notify", "text"]

MESSAGE_MAX_LENGTH = Notification._meta.get_field("message").max_length


_send_emails = ContextVar("qa_center_notification_emails", default=True)


@contextmanager
def in_app_only() -> Iterator[None]:
    """Notifications inside this block are stored but not emailed (e.g. demo history dated weeks back)."""
    token = _send_emails.set(False)
    try:
        yield
    finally:
        _send_emails.reset(token)


@dataclass(frozen=True)
class Event:
    """Something people are told about: how its parameters read, in the active language."""

    code: str
    message: Callable[[dict], str]
    subject: Callable[[dict], str] | None = None  # the email's subject; default: the message
    body: Callable[[dict, str], str] | None = (
        None  # (params, absolute link): the email; default: message + link
    )


_EVENTS: dict[str, Event] = {}


def event(code: str, *, message, subject=None, body=None) -> Event:
    """Declare an event (once, at import of the feature's notifications module)."""
    declared = Event(code=code, message=message, subject=subject, body=body)
    _EVENTS[code] = declared
    return declared


def language_of(person) -> str:
    return getattr(person, "language", "") or settings.LANGUAGE_CODE


def text(notification: Notification) -> str:
    """The notification in the active language (the reader's); as written when sent for an unknown event."""
    declared = _EVENTS.get(notification.event)
    if declared is None:
        return notification.message
    try:
        return declared.message(notification.params)
    except (KeyError, TypeError, ValueError):
        return notification.message  # parameters of an older shape: the words it was sent with


def absolute_url(path: str) -> str:
    """Emails are read outside the app: links need the site's address (QA_SITE_URL)."""
    return f"{settings.QA_SITE_URL.rstrip('/')}{path}" if path.startswith("/") else path


def notify(*, recipient, event: Event, params: dict, url: str = "") -> Notification:
    """Store an in-app notification for `recipient` and email it to them on commit (if they have an address),
    both written in the recipient's language."""
    with translation.override(language_of(recipient)):
        message = event.message(params)
        subject = event.subject(params) if event.subject else message
        link = absolute_url(url) if url else ""
        body = event.body(params, link) if event.body else (f"{message}\n\n{link}" if link else message)
    notification = Notification.objects.create(
        recipient=recipient, event=event.code, params=params, message=message[:MESSAGE_MAX_LENGTH], url=url
    )
    if recipient.email and _send_emails.get():
        mail = {"notification_id": notification.pk, "subject": subject, "body": body}
        transaction.on_commit(lambda: send_notification_email.delay(**mail), robust=True)
    return notification

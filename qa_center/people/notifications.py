"""Telling people what happened to them: an in-app Notification, and an email sent by a Celery task.

The email is queued only once the transaction that caused it commits (a rolled-back action sends nothing); the
task retries a mail server that fails, and a broker that is down is logged instead of turning an already
committed action into an error page. The events themselves (an evaluation submitted, a dispute opened...) are
written by the feature that owns them, with `notify` and `in_site_language`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.utils import translation

from qa_center.people.models import Notification
from qa_center.people.tasks import send_notification_email

__all__ = ["absolute_url", "in_app_only", "in_site_language", "notify"]

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


def in_site_language(notify_event):
    """Messages are stored and mailed as text, read later by someone else: write them in the center's language
    (LANGUAGE_CODE), not in the language of whoever happened to act. People have no saved language yet."""

    @wraps(notify_event)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return notify_event(*args, **kwargs)

    return wrapper


def absolute_url(path: str) -> str:
    """Emails are read outside the app: links need the site's address (QA_SITE_URL)."""
    return f"{settings.QA_SITE_URL.rstrip('/')}{path}" if path.startswith("/") else path


def notify(*, recipient, message: str, url: str = "", subject: str = "", body: str = "") -> Notification:
    """Store an in-app notification for `recipient` and email it to them on commit (if they have an address).

    `subject` defaults to the message; `body` to the message followed by the link.
    """
    notification = Notification.objects.create(
        recipient=recipient, message=message[:MESSAGE_MAX_LENGTH], url=url
    )
    if recipient.email and _send_emails.get():
        text = body or (f"{message}\n\n{absolute_url(url)}" if url else message)
        mail = {"notification_id": notification.pk, "subject": subject or message, "body": text}
        transaction.on_commit(lambda: send_notification_email.delay(**mail), robust=True)
    return notification

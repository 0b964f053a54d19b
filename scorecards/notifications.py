"""Telling people what happened to them: an in-app Notification plus an email, one plain function per event.

The email goes out only once the transaction that caused it commits (a rolled-back submit sends nothing),
and a mail server that fails is logged instead of turning an already committed action into an error page.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qa_center.people.models import Notification, User
from scorecards.models import Dispute, Evaluation

__all__ = [
    "in_app_only",
    "notify",
    "notify_dispute_opened",
    "notify_dispute_resolved",
    "notify_evaluation_submitted",
]

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
        mail = {
            "subject": subject or message,
            "message": text,
            "from_email": None,
            "recipient_list": [recipient.email],
        }
        transaction.on_commit(lambda: send_mail(**mail), robust=True)
    return notification


@in_site_language
def notify_evaluation_submitted(evaluation: Evaluation) -> Notification | None:
    """The agent learns that a call of theirs was evaluated (calibration evaluations are not about them)."""
    agent = evaluation.agent
    if agent is None or evaluation.is_calibration:
        return None
    names = {"call": evaluation.call.external_id}
    if evaluation.score is None:
        message = _("Your call %(call)s was evaluated (every criterion was N/A: no score).") % names
    elif evaluation.passed:
        message = _("Your call %(call)s was evaluated: %(score)s%% (passed).") % {
            **names,
            "score": floatformat(evaluation.score, 1),
        }
    else:
        message = _("Your call %(call)s was evaluated: %(score)s%% (not passed).") % {
            **names,
            "score": floatformat(evaluation.score, 1),
        }
    url = evaluation.get_absolute_url()
    body = "\n\n".join(
        [
            message,
            _("Read the strengths, the improvement points and the reviewer's notes in QA Center: %(url)s")
            % {"url": absolute_url(url)},
            _("You can acknowledge the evaluation, or dispute a criterion with a reason if you disagree."),
        ]
    )
    return notify(
        recipient=agent,
        message=message,
        url=url,
        subject=_("Your call %(call)s was evaluated") % names,
        body=body,
    )


@in_site_language
def notify_dispute_opened(*, dispute: Dispute) -> list[Notification]:
    """Every QA manager learns that an agent disputes an evaluation: resolving disputes is their job."""
    evaluation = dispute.evaluation
    names = {"agent": evaluation.agent, "call": evaluation.call.external_id}
    message = _("%(agent)s disputes the evaluation of call %(call)s.") % names
    url = reverse("feedback:resolve", args=[dispute.pk])
    body = "\n\n".join(
        [
            message,
            _("Read the agent's reasons and resolve the dispute in QA Center: %(url)s")
            % {"url": absolute_url(url)},
        ]
    )
    managers = User.objects.filter(is_qa_manager=True, is_active=True)
    return [
        notify(
            recipient=manager,
            message=message,
            url=url,
            subject=_("Dispute on call %(call)s") % names,
            body=body,
        )
        for manager in managers
    ]


@in_site_language
def notify_dispute_resolved(*, dispute: Dispute) -> list[Notification]:
    """The reviewer whose evaluation was disputed and the agent who disputed it learn the decision."""
    evaluation = dispute.evaluation
    names = {"call": evaluation.call.external_id, "decision": dispute.get_status_display()}
    message = _("The dispute on the evaluation of call %(call)s was resolved: %(decision)s.") % names
    url = reverse("feedback:history", args=[evaluation.pk])
    body = "\n\n".join(
        [
            message,
            dispute.resolution_note,
            _("See what changed in the evaluation's history in QA Center: %(url)s")
            % {"url": absolute_url(url)},
        ]
    )
    people = (evaluation.reviewer, evaluation.agent)
    recipients = {person.pk: person for person in people if person is not None}
    return [
        notify(
            recipient=person,
            message=message,
            url=url,
            subject=_("Dispute on call %(call)s resolved") % names,
            body=body,
        )
        for person in recipients.values()
    ]

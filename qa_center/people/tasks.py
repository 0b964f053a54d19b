"""Celery tasks of people: sending the e-mail copy of a notification, outside the web request."""

import smtplib

from celery import shared_task
from django.core.mail import send_mail

from qa_center.people.models import Notification


@shared_task(
    name="people.send_notification_email",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_notification_email(*, notification_id: int, subject: str, body: str) -> None:
    """Mail a stored notification to its recipient; a mail server that fails is retried with backoff."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or not notification.recipient.email:
        return
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[notification.recipient.email])

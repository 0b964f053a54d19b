"""Notifications are stored as an event and its parameters: each reader reads them in their own language, and
the email is written in the recipient's (their language menu choice, else the center's)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qa_center.people.models import Notification
from qa_center.people.notifications import notify, text
from scorecards.disputes.notifications import DISPUTE_RESOLVED
from scorecards.evaluations.notifications import EVALUATION_SUBMITTED
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARAMS = {"call": "C-7", "score": "72.50", "passed": False}


def _in(language, message):
    with translation.override(language):
        return translation.gettext(message)


def test_the_same_notification_reads_in_each_readers_language():
    agent = UserFactory(username="ana", language="lv")
    notification = notify(recipient=agent, event=EVALUATION_SUBMITTED, params=PARAMS, url="/evaluations/1/")
    assert (notification.event, notification.params) == ("evaluation_submitted", PARAMS)
    for language in ("en", "es", "lv"):
        with translation.override(language):
            expected = translation.gettext("Your call %(call)s was evaluated: %(score)s%% (not passed).") % {
                "call": "C-7",
                "score": "72,5" if language != "en" else "72.5",
            }
            assert text(notification) == expected
    assert _in("lv", "Your call %(call)s was evaluated: %(score)s%% (not passed).") != (
        "Your call %(call)s was evaluated: %(score)s%% (not passed)."
    )


def test_the_email_and_the_stored_words_are_in_the_recipients_language(django_capture_on_commit_callbacks):
    agent = UserFactory(username="ana", language="es")
    with django_capture_on_commit_callbacks(execute=True), translation.override("lv"):  # whoever acts, in lv
        notification = notify(
            recipient=agent, event=EVALUATION_SUBMITTED, params=PARAMS, url="/evaluations/1/"
        )
    spanish = _in("es", "Your call %(call)s was evaluated") % {"call": "C-7"}
    assert mail.outbox[0].subject == spanish
    assert notification.message.startswith(
        _in("es", "Your call %(call)s was evaluated: %(score)s%% (not passed).")[:10]
    )


def test_without_a_choice_the_centers_language_is_used(settings, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "lv"
    with django_capture_on_commit_callbacks(execute=True), translation.override("es"):
        notify(recipient=UserFactory(username="ana"), event=EVALUATION_SUBMITTED, params=PARAMS)
    assert mail.outbox[0].subject == _in("lv", "Your call %(call)s was evaluated") % {"call": "C-7"}


def test_a_decision_is_a_code_shown_in_the_readers_words():
    notification = notify(
        recipient=UserFactory(username="rev"),
        event=DISPUTE_RESOLVED,
        params={"call": "C-7", "decision": "adjusted", "note": "Fair point."},
    )
    with translation.override("es"):
        assert _in("es", "Adjusted") in text(notification)


def test_an_unknown_event_shows_the_words_it_was_sent_with():
    notification = Notification.objects.create(
        recipient=UserFactory(username="ana"), event="retired_event", params={}, message="Old words"
    )
    assert text(notification) == "Old words"


def test_the_notifications_page_speaks_the_readers_language():
    agent = UserFactory(username="ana", language="en")
    notify(recipient=agent, event=EVALUATION_SUBMITTED, params=PARAMS, url="/evaluations/1/")
    client = Client()
    client.force_login(agent)
    client.post(reverse("set_language"), {"language": "lv", "next": "/"})
    agent.refresh_from_db()
    assert agent.language == "lv"  # the menu's choice is kept for the emails
    html = client.get(reverse("feedback:notifications")).content.decode()
    assert _in("lv", "Your call %(call)s was evaluated: %(score)s%% (not passed).").split("%")[0] in html

"""Stored text is read later by someone else: the history is shown in the reader's language, notifications
are written in the center's."""

import pytest
from django.utils import translation

from qa_center.people.models import Notification
from scorecards.feedback import selectors as feedback
from tests.factories import submitted

pytestmark = pytest.mark.django_db


def test_the_history_names_the_submit_in_the_readers_language(call, default_version, reviewer):
    evaluation = submitted(call, reviewer)
    with translation.override("es"):
        rows = feedback.evaluation_history(evaluation=evaluation)
        assert rows[0].what == translation.gettext("Submitted") != "Submitted"


def test_notifications_are_written_in_the_centers_language(client, call, default_version, reviewer, settings):
    settings.LANGUAGE_CODE = "es"
    with translation.override("lv"):  # the reviewer happens to use Latvian
        submitted(call, reviewer)
    message = Notification.objects.get(recipient=call.agent).message
    with translation.override("es"):
        assert message.startswith(translation.gettext("Your call %(call)s was evaluated").split("%")[0])

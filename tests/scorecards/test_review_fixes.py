"""Found in review: one regular evaluation per call, the history's words, draft-only scorecards, the frozen
admin, and notifications written in the center's language."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from qa_center.people.models import Notification
from scorecards.builder import services as builder
from scorecards.evaluations.services import start_evaluation
from scorecards.feedback import selectors as feedback
from scorecards.models import Assignment, ScorecardVersion
from scorecards.sampling.services import assign_call
from tests.factories import CallTypeFactory, UserFactory
from tests.scorecards.evaluation_helpers import published, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(call_type):
    return published(call_type)


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="reviewer2", is_reviewer=True)


def test_a_call_in_another_reviewers_queue_cannot_be_scored_besides(call, version, reviewer, second_reviewer):
    Assignment.objects.create(call=call, reviewer=reviewer)
    with pytest.raises(ValidationError, match="another reviewer's queue"):
        start_evaluation(call=call, reviewer=second_reviewer)


def test_an_evaluated_call_is_not_evaluated_twice(call, version, reviewer, second_reviewer, manager):
    submitted(call, reviewer)
    with pytest.raises(ValidationError, match="already been evaluated"):
        start_evaluation(call=call, reviewer=second_reviewer)
    with pytest.raises(ValidationError, match="already been evaluated"):
        assign_call(call=call, reviewer=second_reviewer, assigned_by=manager)
    # The reviewer who scored it gets their own evaluation back instead of a second one.
    assert start_evaluation(call=call, reviewer=reviewer).status != "draft"


def test_the_history_names_the_submit_in_the_readers_language(call, version, reviewer):
    evaluation = submitted(call, reviewer)
    with translation.override("es"):
        rows = feedback.evaluation_history(evaluation=evaluation)
        assert rows[0].what == translation.gettext("Submitted") != "Submitted"


def test_a_scorecard_with_only_a_draft_is_hidden_from_non_managers(client, agent, manager):
    scorecard = builder.create_scorecard(
        call_type=CallTypeFactory(slug="billing"),
        name="Billing (work in progress)",
        description="",
        by=manager,
    )
    client.force_login(agent)
    assert client.get(scorecard.get_absolute_url()).status_code == 404
    client.force_login(manager)
    assert client.get(scorecard.get_absolute_url()).status_code == 200


def test_the_admin_cannot_change_a_published_version(client, version):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:scorecards_scorecardversion_change", args=[version.pk])
    client.post(
        url,
        {
            "number": version.number,
            "status": "published",
            "scoring_method": "total_points",
            "pass_mark": "10",
        },
    )
    version.refresh_from_db()
    assert (version.pass_mark, version.scoring_method) == (85, ScorecardVersion.Method.WEIGHTED_SECTIONS)
    page = client.get(url).content.decode()
    assert 'name="pass_mark"' not in page  # shown read-only


def test_notifications_are_written_in_the_centers_language(client, call, version, reviewer, settings):
    settings.LANGUAGE_CODE = "es"
    with translation.override("lv"):  # the reviewer happens to use Latvian
        submitted(call, reviewer)
    message = Notification.objects.get(recipient=call.agent).message
    with translation.override("es"):
        assert message.startswith(translation.gettext("Your call %(call)s was evaluated").split("%")[0])

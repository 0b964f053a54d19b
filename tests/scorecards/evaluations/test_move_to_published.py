"""A draft started on a version retired since says so, and moves to the published version with its answers."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scorecards.builder import services as builder
from scorecards.evaluations.services import move_draft_to_published, stored_answers
from scorecards.models import Criterion, Evaluation, ScorecardVersion
from tests.factories import (
    NA,
    AgentFactory,
    CallFactory,
    CallTypeFactory,
    UserFactory,
    draft,
    make_published_version,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(username="move-manager", is_qa_manager=True)


@pytest.fixture
def reviewer():
    return UserFactory(username="move-reviewer", is_reviewer=True)


@pytest.fixture
def v1():
    return make_published_version(CallTypeFactory(name="Support", slug="support"))


@pytest.fixture
def old_draft(v1, reviewer):
    call = CallFactory(agent=AgentFactory(username="move-agent"), call_type=v1.scorecard.call_type)
    evaluation = draft(
        call,
        reviewer,
        {"Greeting": 1, "Diagnosed the issue": 4, "Tone": "Excellent", "Offered a callback": NA},
    )
    return evaluation


def _v2(v1, manager, *, change):
    """Version 2 of the scorecard: a copy of v1 with `change` applied to it, published (v1 is retired)."""
    v2 = builder.start_draft(scorecard=v1.scorecard, by=manager)
    change(v2)
    builder.publish(version=v2, by=manager)
    v1.refresh_from_db()
    assert v1.status == ScorecardVersion.Status.RETIRED
    return v2


def _by_title(evaluation):
    answers = stored_answers(evaluation)
    criteria = {c.pk: c for c in Criterion.objects.filter(section__version=evaluation.version)}
    return {criteria[pk].title: answer for pk, answer in answers.items()}


def test_answers_follow_their_criterion_by_title(old_draft, v1, manager, reviewer):
    def shrink_scale_and_drop_na(v2):
        diagnosed = Criterion.objects.get(section__version=v2, title="Diagnosed the issue")
        builder.update_criterion(
            criterion=diagnosed, title=diagnosed.title, kind="scale", weight=Decimal(2), scale_max=3
        )
        callback = Criterion.objects.get(section__version=v2, title="Offered a callback")
        builder.update_criterion(
            criterion=callback, title=callback.title, kind="yes_no", weight=Decimal(1), allows_na=False
        )

    v2 = _v2(v1, manager, change=shrink_scale_and_drop_na)
    carried, left = move_draft_to_published(evaluation=old_draft, by=reviewer)
    old_draft.refresh_from_db()
    assert old_draft.version == v2 and old_draft.status == Evaluation.Status.DRAFT
    answers = _by_title(old_draft)
    assert answers["Greeting"].value == 1
    tone = Criterion.objects.get(section__version=v2, title="Tone")
    assert answers["Tone"].option.label == "Excellent" and answers["Tone"].option.criterion == tone
    assert "Diagnosed the issue" not in answers  # 4 is beyond the new scale of 3
    assert "Offered a callback" not in answers  # N/A is no longer allowed
    assert (carried, left) == (2, 2)


def test_a_draft_on_the_published_version_stays(old_draft, reviewer):
    with pytest.raises(ValidationError, match="already on the published version"):
        move_draft_to_published(evaluation=old_draft, by=reviewer)


def test_only_its_reviewer_moves_it(old_draft, v1, manager):
    from django.core.exceptions import PermissionDenied

    _v2(v1, manager, change=lambda v2: None)
    with pytest.raises(PermissionDenied):
        move_draft_to_published(evaluation=old_draft, by=manager)


def test_the_edit_page_says_so_and_the_button_moves_it(client, old_draft, v1, manager, reviewer):
    client.force_login(reviewer)
    edit = reverse("evaluations:edit", args=[old_draft.pk])
    assert 'id="retired-version"' not in client.get(edit).content.decode()

    v2 = _v2(v1, manager, change=lambda v2: None)
    html = client.get(edit).content.decode()
    assert 'id="retired-version"' in html and "has been retired since" in html
    response = client.post(reverse("evaluations:move_to_published", args=[old_draft.pk]), follow=True)
    old_draft.refresh_from_db()
    assert old_draft.version == v2
    html = response.content.decode()
    assert 'id="retired-version"' not in html
    assert "The draft is now on version 2: 4 answers carried over." in html

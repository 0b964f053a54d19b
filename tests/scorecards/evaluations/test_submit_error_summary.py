"""A refused submit says what is actually missing: the strength, or the criteria still unanswered."""

import pytest
from django.urls import reverse

from scorecards.evaluations.services import start_evaluation
from scorecards.models import Criterion, Evaluation
from tests.factories import (
    COMPLETE_ANSWERS,
    AgentFactory,
    CallFactory,
    CallTypeFactory,
    UserFactory,
    make_published_version,
)
from tests.scorecards.evaluations.scoring_form import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return UserFactory(username="summary-reviewer", is_reviewer=True)


@pytest.fixture
def version():
    return make_published_version(CallTypeFactory(name="Support", slug="support"))


@pytest.fixture
def evaluation(version, reviewer):
    call = CallFactory(agent=AgentFactory(username="summary-agent"), call_type=version.scorecard.call_type)
    return start_evaluation(call=call, reviewer=reviewer)


def _summary(html: str) -> str:
    start = html.index('id="form-errors"')
    return html[start : html.index("</div>", start)]


def test_only_the_strength_missing_is_named(client, reviewer, evaluation, version):
    client.force_login(reviewer)
    data = form_data(version, COMPLETE_ANSWERS, strengths="", action="submit")
    response = client.post(reverse("evaluations:edit", args=[evaluation.pk]), data)
    assert response.status_code == 200
    summary = _summary(response.content.decode())
    assert "Strengths" in summary and 'href="#id_strengths"' in summary
    assert "Greeting" not in summary
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT


def test_the_unanswered_criteria_are_named_and_linked(client, reviewer, evaluation, version):
    client.force_login(reviewer)
    answers = {title: value for title, value in COMPLETE_ANSWERS.items() if title != "Tone"}
    data = form_data(version, answers, action="submit")
    summary = _summary(client.post(reverse("evaluations:edit", args=[evaluation.pk]), data).content.decode())
    tone = Criterion.objects.get(section__version=version, title="Tone")
    assert f'href="#criterion-{tone.pk}"' in summary and "Tone" in summary
    assert "Strengths" not in summary and "Greeting" not in summary

"""The live score counts the answers and decides nothing before every criterion is answered."""

import pytest
from django.urls import reverse

from scorecards.evaluations.services import start_evaluation
from tests.factories import (
    NA,
    AgentFactory,
    CallFactory,
    CallTypeFactory,
    UserFactory,
    make_published_version,
)
from tests.scorecards.evaluations.scoring_form import form_data

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reviewer():
    return UserFactory(username="progress-reviewer", is_reviewer=True)


@pytest.fixture
def version():
    return make_published_version(
        CallTypeFactory(name="Support", slug="support")
    )  # five criteria, pass mark 85


@pytest.fixture
def evaluation(version, reviewer):
    call = CallFactory(agent=AgentFactory(username="progress-agent"), call_type=version.scorecard.call_type)
    return start_evaluation(call=call, reviewer=reviewer)


def _panel(client, evaluation, version, answers) -> str:
    url = reverse("evaluations:preview", args=[evaluation.pk])
    return client.post(url, form_data(version, answers), **HTMX).content.decode()


def test_one_full_answer_shows_its_score_and_no_pass(client, reviewer, evaluation, version):
    client.force_login(reviewer)
    html = _panel(client, evaluation, version, {"Greeting": 1})
    assert 'id="live-score-value">100.00%' in html
    assert 'id="live-score-progress"' in html and "1 of 5 answered" in html
    assert 'id="live-score-result"' not in html and "Pass</span>" not in html


def test_na_counts_as_answered(client, reviewer, evaluation, version):
    client.force_login(reviewer)
    html = _panel(client, evaluation, version, {"Greeting": 1, "Offered a callback": NA})
    assert "2 of 5 answered" in html


def test_the_verdict_comes_with_the_last_answer(client, reviewer, evaluation, version):
    client.force_login(reviewer)
    answers = {"Greeting": 1, "Verified identity": 1, "Diagnosed the issue": 3, "Tone": "Good"}
    assert 'id="live-score-result"' not in _panel(client, evaluation, version, answers)
    html = _panel(client, evaluation, version, {**answers, "Offered a callback": NA})
    assert 'id="live-score-progress"' not in html
    assert 'id="live-score-result"' in html and "Fail" in html  # 83.33% under the pass mark of 85

"""The evaluations list's criterion and section filters (the QA reports' drill-down, issue 10): evaluations
whose answer to a criterion applied (not N/A) or earned less than full marks; evaluations with an applicable
answer in a section."""

import pytest
from django.urls import reverse

from tests.factories import COMPLETE_ANSWERS, FULL_MARKS, GREETING_MISSED, criterion, evaluation_of

pytestmark = pytest.mark.django_db

URL = reverse("evaluations:list")


@pytest.fixture
def evaluations(agent, reviewer, default_version):
    return {
        "full": evaluation_of(agent, version=default_version, reviewer=reviewer, answers=FULL_MARKS),
        "greeting_missed": evaluation_of(
            agent, version=default_version, reviewer=reviewer, answers=GREETING_MISSED
        ),
        # Diagnosed 3 of 4, Tone "Good" (2 of 3), "Offered a callback" N/A.
        "complete": evaluation_of(
            agent, version=default_version, reviewer=reviewer, answers=COMPLETE_ANSWERS
        ),
    }


def listed(client, user, **params) -> set[int]:
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert not response.context["form"].errors
    return {evaluation.pk for evaluation in response.context["page"]}


def test_criterion_failed_is_below_full_marks(client, manager, default_version, evaluations):
    greeting = criterion(default_version, "Greeting")
    assert listed(client, manager, criterion=greeting.pk, criterion_result="failed") == {
        evaluations["greeting_missed"].pk
    }
    # A scale below its top and an option worth less than the best are below full marks too.
    for title in ("Diagnosed the issue", "Tone"):
        found = listed(
            client, manager, criterion=criterion(default_version, title).pk, criterion_result="failed"
        )
        assert found == {evaluations["complete"].pk}


def test_criterion_answered_leaves_out_na(client, manager, default_version, evaluations):
    callback = criterion(default_version, "Offered a callback").pk
    expected = {evaluations["full"].pk, evaluations["greeting_missed"].pk}
    assert listed(client, manager, criterion=callback, criterion_result="answered") == expected
    assert listed(client, manager, criterion=callback) == expected  # "answered" unless told


def test_section(client, manager, default_version, evaluations):
    opening = criterion(default_version, "Greeting").section_id
    assert listed(client, manager, section=opening) == {evaluation.pk for evaluation in evaluations.values()}


def test_the_list_says_what_it_filters(client, manager, default_version, evaluations):
    client.force_login(manager)
    greeting = criterion(default_version, "Greeting")
    content = client.get(URL, {"criterion": greeting.pk, "criterion_result": "failed"}).content.decode()
    assert 'id="answer-filter"' in content and "Greeting" in content


def test_unknown_criterion_is_an_error(client, manager, evaluations):
    client.force_login(manager)
    response = client.get(URL, {"criterion": 999999})
    assert "criterion" in response.context["form"].errors
    assert 'data-error="criterion"' in response.content.decode()
    assert list(response.context["page"]) == []


def test_a_lead_still_sees_only_their_team(client, other_lead, default_version, evaluations):
    greeting = criterion(default_version, "Greeting")
    assert listed(client, other_lead, criterion=greeting.pk, criterion_result="failed") == set()

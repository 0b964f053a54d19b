"""The call page shows and links the call's evaluations (issue 8), each viewer those that are theirs to know
of: an agent their own submitted ones, a reviewer their own, a team lead their team's, QA managers all; in
one query, whatever the number of evaluations."""

import pytest
from django.urls import reverse

from tests.factories import (
    GREETING_MISSED,
    CallFactory,
    UserFactory,
    calibrated,
    draft,
    make_published_version,
    make_session,
    submitted,
)

pytestmark = pytest.mark.django_db


def shown(client, call) -> list[int]:
    response = client.get(reverse("calls:detail", args=[call.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    ids = [int(part.split('"', 1)[0]) for part in html.split('data-evaluation="')[1:]]
    for pk in ids:
        assert f'href="{reverse("evaluations:detail", args=[pk])}"' in html
    return ids


@pytest.fixture
def evaluated_call(call, reviewer):
    make_published_version(call.call_type)
    return submitted(call, reviewer, GREETING_MISSED)


@pytest.mark.parametrize("who", ["agent", "lead", "reviewer", "manager"])
def test_the_submitted_evaluation_is_shown_and_linked(client, request, who, call, evaluated_call):
    client.force_login(request.getfixturevalue(who))
    assert shown(client, call) == [evaluated_call.pk]
    html = client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert "86.67%" in html and 'id="call-evaluations"' in html


def test_another_reviewer_does_not_see_it_listed_here(client, call, evaluated_call):
    client.force_login(UserFactory(username="another-reviewer", is_reviewer=True))
    assert shown(client, call) == []
    assert 'id="call-evaluations"' not in client.get(reverse("calls:detail", args=[call.pk])).content.decode()


def test_a_draft_is_shown_to_its_reviewer_only(client, call, reviewer, agent, lead, manager):
    make_published_version(call.call_type)
    evaluation = draft(call, reviewer, GREETING_MISSED)
    client.force_login(reviewer)
    assert shown(client, call) == [evaluation.pk]
    for person in (agent, lead):
        client.force_login(person)
        assert shown(client, call) == []
    client.force_login(manager)
    assert shown(client, call) == [evaluation.pk]  # a QA manager may read every draft


def test_calibration_evaluations_are_never_the_agents_and_blind_while_open(
    client, call, agent, lead, manager, reviewer
):
    make_published_version(call.call_type)
    second = UserFactory(username="reviewer2", is_reviewer=True)
    session = make_session(call, manager, [reviewer, second])
    mine = calibrated(session, reviewer, GREETING_MISSED)
    client.force_login(reviewer)
    assert shown(client, call) == [mine.pk]
    client.force_login(manager)
    assert shown(client, call) == []  # blind while the session is open
    for person in (agent, lead):
        client.force_login(person)
        assert shown(client, call) == []


def test_another_teams_lead_and_agent_cannot_open_the_call(
    client, call, evaluated_call, other_lead, other_agent
):
    for person in (other_lead, other_agent):
        client.force_login(person)
        assert client.get(reverse("calls:detail", args=[call.pk])).status_code == 404


def test_the_evaluations_cost_one_query_whatever_their_number(
    client, manager, agent, django_assert_num_queries
):
    call = CallFactory(agent=agent)
    make_published_version(call.call_type)
    reviewers = [UserFactory(username=f"cal{index}", is_reviewer=True) for index in range(3)]
    client.force_login(manager)
    with django_assert_num_queries(7):
        client.get(reverse("calls:detail", args=[call.pk]))
    submitted(call, reviewers[0], GREETING_MISSED)
    session = make_session(call, manager, reviewers[1:])
    for person in (*reviewers[1:], manager):
        calibrated(session, person, GREETING_MISSED)  # the last one closes the session
    with django_assert_num_queries(7):
        assert len(shown(client, call)) == 4

"""The coaching effect: the agent's QA score (and the scores of the criteria on the agenda) over the calls of
the 30 days before a session vs the 30 days after, with the number of evaluations behind each figure; computed
in the database, the same on the session page and in the lead's list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import AgendaItem, CoachingSession
from coaching.sessions import selectors
from tests.factories import FULL_MARKS, GREETING_MISSED, CallFactory, coaching_session, evaluation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(lead, agent):
    start = timezone.now() - timedelta(days=20)
    session = coaching_session(lead, agent, start=start, minutes=60, status=CoachingSession.Status.COMPLETED)
    AgendaItem.objects.create(session=session, kind=AgendaItem.Kind.STRENGTH, criterion_title="Greeting")
    return session


def scored(agent, version, reviewer, *, started_at, answers, score=None):
    call = CallFactory(agent=agent, call_type=version.scorecard.call_type, started_at=started_at)
    return evaluation_of(agent, version=version, reviewer=reviewer, answers=answers, call=call, score=score)


@pytest.fixture
def history(held, agent, version, reviewer, other_team):
    before, after = held.starts_at, held.ends_at
    scored(agent, version, reviewer, started_at=before - timedelta(days=3), answers=GREETING_MISSED, score=70)
    scored(
        agent, version, reviewer, started_at=before - timedelta(days=10), answers=GREETING_MISSED, score=80
    )
    scored(agent, version, reviewer, started_at=after + timedelta(days=2), answers=FULL_MARKS, score=95)
    # Outside both windows, or not the lead's team: never counted.
    scored(agent, version, reviewer, started_at=before - timedelta(days=31), answers=FULL_MARKS, score=10)
    scored(agent, version, reviewer, started_at=before + timedelta(minutes=30), answers=FULL_MARKS, score=10)
    other = CallFactory(
        agent=agent,
        call_type=version.scorecard.call_type,
        team=other_team,
        started_at=after + timedelta(days=1),
    )
    evaluation_of(agent, version=version, reviewer=reviewer, call=other, score=10)


def test_before_and_after_with_their_counts(held, history):
    effect = selectors.session_effect(held)
    assert (effect.before.average, effect.before.count) == (75.0, 2)
    assert (effect.after.average, effect.after.count) == (95.0, 1)
    assert effect.change == 20.0
    (greeting,) = effect.criteria
    assert greeting.title == "Greeting"
    assert (greeting.before.average, greeting.before.count) == (0.0, 2)
    assert (greeting.after.average, greeting.after.count) == (100.0, 1)


def test_no_evaluation_is_no_data_not_zero(held):
    effect = selectors.session_effect(held)
    assert (effect.before.average, effect.before.count, effect.change) == (None, 0, None)
    assert effect.criteria[0].after.average is None


def test_the_leads_list_agrees(client, lead, held, history):
    row = selectors.sessions_with_effect(CoachingSession.objects.filter(pk=held.pk)).get()
    assert (float(row.before_average), row.before_count, float(row.after_average), row.after_count) == (
        75,
        2,
        95,
        1,
    )
    client.force_login(lead)
    html = client.get(reverse("coaching:index")).content.decode()
    assert "75.0%" in html and "95.0%" in html
    page = client.get(held.get_absolute_url()).content.decode()
    assert 'id="effect"' in page and "(2 evaluations)" in page and "(1 evaluation)" in page


@pytest.mark.parametrize("count", [2, 12])
def test_the_overview_query_count_does_not_grow(client, lead, agent, count, django_assert_num_queries):
    for n in range(count):
        start = timezone.now() - timedelta(days=2 + n)
        coaching_session(lead, agent, start=start, status=CoachingSession.Status.COMPLETED)
        coaching_session(lead, agent, start=timezone.now() + timedelta(days=1 + n))
    client.force_login(lead)
    # session, user, upcoming, past with their effect, my action items, overdue items, unread notifications
    with django_assert_num_queries(7):
        response = client.get(reverse("coaching:index"))
    assert len(response.context["past"]) == count

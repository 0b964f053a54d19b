"""NPS follow-up: detractors and passives await a call-back, promoters a referral invitation; marking done and
undoing; the share followed up with its n; unlinked answers are the center's only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import SurveyResponse
from qa_center.kpis.insight import selectors, services
from qa_center.kpis.models import SurveyFollowUp
from tests.factories import CallFactory
from tests.kpis.insight.helpers import center, span, teams

pytestmark = pytest.mark.django_db

CALLBACK, REFERRAL = SurveyFollowUp.Kind.CALLBACK, SurveyFollowUp.Kind.REFERRAL


def answer(nps, *, agent=None, days_ago=1, **values):
    call = CallFactory(agent=agent) if agent is not None else None
    return SurveyResponse.objects.create(
        call=call, nps=nps, responded_at=timezone.now() - timedelta(days=days_ago), **values
    )


def _list(scope, kind, *, done=False):
    return list(selectors.follow_up_answers(scope=scope, span=span(), kind=kind, done=done))


def test_detractors_and_passives_await_a_call_back_promoters_a_referral(agent):
    answers = {nps: answer(nps, agent=agent) for nps in (0, 6, 7, 8, 9, 10)}
    answer(3, agent=agent, days_ago=40)  # before the period
    SurveyResponse.objects.create(csat=1, responded_at=timezone.now())  # no NPS: nothing to follow up
    assert _list(center(), CALLBACK) == [answers[0], answers[6], answers[7], answers[8]]  # lowest first
    assert _list(center(), REFERRAL) == [answers[9], answers[10]]


def test_marking_done_moves_the_answer_to_the_done_list_and_undo_brings_it_back(agent, lead):
    detractor = answer(2, agent=agent)
    follow_up = services.mark_followed_up(response=detractor, by=lead, note="  Called back, refunded  ")
    assert (follow_up.kind, follow_up.done_by, follow_up.note) == (CALLBACK, lead, "Called back, refunded")
    assert follow_up.done_at is not None
    assert _list(center(), CALLBACK) == []
    assert _list(center(), CALLBACK, done=True) == [detractor]
    again = services.mark_followed_up(response=detractor, by=agent, note="second")
    assert again.pk == follow_up.pk and again.done_by == lead  # the first mark stands
    services.undo_follow_up(response=detractor)
    assert _list(center(), CALLBACK) == [detractor]
    assert not SurveyFollowUp.objects.exists()


def test_the_share_followed_up_with_its_n(agent, lead):
    callbacks = [answer(nps, agent=agent) for nps in (1, 5, 7, 8)]
    promoters = [answer(nps, agent=agent) for nps in (9, 10)]
    services.mark_followed_up(response=callbacks[0], by=lead)
    services.mark_followed_up(response=callbacks[2], by=lead)
    services.mark_followed_up(response=promoters[0], by=lead)
    old = answer(0, agent=agent, days_ago=40)
    services.mark_followed_up(response=old, by=lead)  # outside the period: in neither part nor whole
    shares = selectors.followed_up_shares(scope=center(), span=span())
    assert shares.callback == selectors.Share(2, 4)
    assert shares.referral == selectors.Share(1, 2)
    assert shares.total == selectors.Share(3, 6)
    assert shares.total.value == 50.0


def test_no_answers_no_share(db):
    assert selectors.followed_up_shares(scope=center(), span=span()).total.value is None


def test_unlinked_answers_are_the_centers_and_a_lead_sees_their_teams_only(agent, other_agent, team):
    mine = answer(3, agent=agent)
    answer(3, agent=other_agent)
    unlinked = answer(4)
    assert set(_list(center(), CALLBACK)) == {mine, unlinked} | set(_list(teams(other_agent.team), CALLBACK))
    assert _list(teams(team), CALLBACK) == [mine]
    assert selectors.followed_up_shares(scope=teams(team), span=span()).callback == selectors.Share(0, 1)
    assert selectors.followed_up_shares(scope=center(), span=span()).callback == selectors.Share(0, 3)


def test_the_list_s_count_read_from_the_shares_is_the_list_s_length(agent, other_agent, lead):
    for nps in (0, 3, 7, 8, 9, 10, 10):
        answer(nps, agent=agent)
    answer(4, agent=other_agent)
    answer(2)  # no call: the center's only
    answer(1, agent=agent, days_ago=40)  # before the period
    done = SurveyResponse.objects.filter(nps__in=(3, 10)).order_by("pk")
    for response in done[:2]:
        services.mark_followed_up(response=response, by=lead)
    for scope in (center(), teams(agent.team)):
        shares = selectors.followed_up_shares(scope=scope, span=span())
        for kind in (CALLBACK, REFERRAL):
            for is_done in (False, True):
                count = selectors.follow_up_count(shares, kind=kind, done=is_done)
                assert count == len(_list(scope, kind, done=is_done)), (scope, kind, is_done)

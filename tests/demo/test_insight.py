"""The demo gives the insight pages work: detractors awaiting a call-back beside follow-ups done, and a
criterion failed across many agents (the recording disclosure: a process problem, not a person's)."""

import pytest

from qa_center.demo import follow_ups
from qa_center.demo.scorecards import DISCLOSURE
from qa_center.kpis.insight import selectors
from qa_center.kpis.models import SurveyFollowUp
from tests.kpis.insight.helpers import center, span

pytestmark = pytest.mark.django_db


def test_detractors_await_a_call_back_and_some_follow_ups_are_done(seeded):
    awaiting = selectors.follow_up_answers(scope=center(), span=span(), kind="callback", done=False)
    assert awaiting.filter(nps__lte=6).exists()
    shares = selectors.followed_up_shares(scope=center(), span=span())
    assert 0 < shares.callback.part < shares.callback.whole
    assert shares.referral.part > 0
    done = SurveyFollowUp.objects.select_related("done_by", "response__call__team").first()
    assert done.done_at > done.response.responded_at
    if done.response.call_id and done.response.call.team.lead_id:
        assert done.done_by == done.response.call.team.lead


def test_following_up_again_adds_nothing(seeded):
    before = SurveyFollowUp.objects.count()
    assert follow_ups.seed(None) == {"new_follow_ups": 0}
    assert SurveyFollowUp.objects.count() == before


def test_a_criterion_fails_across_many_agents(seeded):
    failures = [f for f in selectors.failing_criteria(scope=center(), span=span()) if f.team is None]
    disclosure = [f for f in failures if f.criterion.title == DISCLOSURE.title]
    assert disclosure, "the disclosure criterion is answered in the demo's last 30 days"
    assert max(f.share.value for f in disclosure) >= 50
    assert max(f.agents for f in disclosure) >= 5

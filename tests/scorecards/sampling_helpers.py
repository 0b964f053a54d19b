"""Small builders for the sampling and queue tests: a published scorecard, qualifying calls, evaluations."""

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from scorecards.models import Evaluation, SamplingRule, Scorecard, ScorecardVersion
from tests.factories import CallFactory

RECORDING_URL = "https://pbx.example.com/rec/call.mp3"

# ISO week 2024-W10: Monday 4 March to Sunday 10 March 2024 (inside March, so week ⊂ month).
WEEK_START = date(2024, 3, 4)
WEEK_DAY = date(2024, 3, 6)


def publish_scorecard(call_type, *, status: str = ScorecardVersion.Status.PUBLISHED) -> ScorecardVersion:
    """The call type's scorecard with one version in `status` (sampling only asks "is one published?")."""
    scorecard, _created = Scorecard.objects.get_or_create(
        call_type=call_type, defaults={"name": str(call_type)}
    )
    number = scorecard.versions.count() + 1
    return ScorecardVersion.objects.create(scorecard=scorecard, number=number, status=status)


def make_rule(call_type, **values) -> SamplingRule:
    values.setdefault("calls_per_agent", 2)
    values.setdefault("min_talk_seconds", 60)
    return SamplingRule.objects.create(call_type=call_type, **values)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def qualifying_call(*, agent, call_type, day: date = WEEK_DAY, **values):
    """A call any default rule accepts: answered, recorded, 300 s of talk, on `day` (UTC)."""
    values.setdefault("started_at", at(day))
    values.setdefault("recording_url", RECORDING_URL)
    return CallFactory(agent=agent, call_type=call_type, **values)


def qualifying_calls(count: int, *, agent, call_type, day: date = WEEK_DAY) -> list:
    return [
        qualifying_call(agent=agent, call_type=call_type, started_at=at(day) + timedelta(minutes=i))
        for i in range(count)
    ]


def make_evaluation(
    *, call, reviewer, version, status=Evaluation.Status.SUBMITTED, assignment=None, **values
):
    submitted = status != Evaluation.Status.DRAFT
    return Evaluation.objects.create(
        call=call,
        agent=call.agent,
        team_id=call.team_id,  # as start_evaluation copies it
        reviewer=reviewer,
        version=version,
        assignment=assignment,
        status=status,
        submitted_at=timezone.now() if submitted else None,
        **values,
    )

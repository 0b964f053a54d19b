"""Helpers of the home page's tests: its items by key, and builders of many rows at once for the query counts.

The rows of one role's page are made through the services (tests.factories) where a test reads what they
mean; the `many_*` builders bulk-create a thousand look-alikes only to show that the page's queries do not
grow with them.
"""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from calls.models import Call, CallType, ImportJob
from coaching.models import ActionItem, CoachingSession
from scorecards.models import (
    Assignment,
    CalibrationSession,
    Dispute,
    Evaluation,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
)

HOME = reverse("home")


def item_of(response, key: str):
    """The home page's item `key` (its card's id), from the page's sections."""
    for section in response.context["sections"]:
        for item in section.items:
            if item.key == key:
                return item
    raise AssertionError(f"no item {key!r} on the page")


def item_keys(response) -> list[str]:
    return [item.key for section in response.context["sections"] for item in section.items]


# --- Many rows at once -------------------------------------------------------------------------------------


def many_calls(count: int, *, agent, call_type, prefix: str) -> list[Call]:
    now = timezone.now()
    return Call.objects.bulk_create(
        Call(
            external_id=f"{prefix}-{index:05d}",
            agent=agent,
            team=agent.team if agent else None,
            call_type=call_type,
            started_at=now - timedelta(hours=3),
            talk_seconds=300,
            answered=True,
        )
        for index in range(count)
    )


def many_evaluations(
    count: int,
    *,
    agent,
    version,
    reviewer,
    status=Evaluation.Status.SUBMITTED,
    score: str | None = "70",
    days_ago: float = 1,
    prefix: str = "MANY",
    assignments: bool = False,
) -> list[Evaluation]:
    """`count` regular evaluations of new calls of `agent` on `version`, each with the same status and score."""
    calls = many_calls(count, agent=agent, call_type=version.scorecard.call_type, prefix=prefix)
    submitted_at = None if status == Evaluation.Status.DRAFT else timezone.now() - timedelta(days=days_ago)
    linked = [None] * count
    if assignments:
        linked = Assignment.objects.bulk_create(
            Assignment(call=call, reviewer=reviewer, status=Assignment.Status.OPEN) for call in calls
        )
    return Evaluation.objects.bulk_create(
        Evaluation(
            call=call,
            agent=agent,
            team=call.team,
            version=version,
            reviewer=reviewer,
            assignment=assignment,
            status=status,
            score=None if score is None else Decimal(score),
            passed=None if score is None else Decimal(score) >= version.pass_mark,
            submitted_at=submitted_at,
        )
        for call, assignment in zip(calls, linked, strict=True)
    )


def many_disputes(count: int, *, agent, version, reviewer, prefix: str = "DISPUTED") -> list[Dispute]:
    evaluations = many_evaluations(
        count,
        agent=agent,
        version=version,
        reviewer=reviewer,
        status=Evaluation.Status.DISPUTED,
        prefix=prefix,
    )
    return Dispute.objects.bulk_create(
        Dispute(evaluation=evaluation, opened_by=agent) for evaluation in evaluations
    )


def many_assignments(count: int, *, reviewer, agent, call_type, due_in: timedelta) -> list[Assignment]:
    calls = many_calls(count, agent=agent, call_type=call_type, prefix="QUEUED")
    due_at = timezone.now() + due_in
    return Assignment.objects.bulk_create(
        Assignment(call=call, reviewer=reviewer, due_at=due_at) for call in calls
    )


def many_failed_imports(count: int, *, by) -> list[ImportJob]:
    return ImportJob.objects.bulk_create(
        ImportJob(
            file=f"imports/many-{index}.csv",
            original_name=f"many-{index}.csv",
            status=ImportJob.Status.FAILED,
            created_by=by,
        )
        for index in range(count)
    )


def many_open_sessions(count: int, *, call, version, manager, reviewers) -> list[CalibrationSession]:
    sessions = CalibrationSession.objects.bulk_create(
        CalibrationSession(call=call, version=version, created_by=manager, title=f"Session {index}")
        for index in range(count)
    )
    through = CalibrationSession.participants.through
    through.objects.bulk_create(
        through(calibrationsession=session, user=person)
        for session in sessions
        for person in [manager, *reviewers]
    )
    return sessions


def many_scorecard_drafts(count: int) -> list[ScorecardVersion]:
    call_types = CallType.objects.bulk_create(
        CallType(name=f"Drafted type {index}", slug=f"drafted-{index}") for index in range(count)
    )
    scorecards = Scorecard.objects.bulk_create(
        Scorecard(call_type=call_type, name=f"Drafted scorecard {index}")
        for index, call_type in enumerate(call_types)
    )
    return ScorecardVersion.objects.bulk_create(
        ScorecardVersion(scorecard=scorecard, number=1) for scorecard in scorecards
    )


def sampling_run(*, start, end, shortfall: int) -> SamplingRun:
    return SamplingRun.objects.create(
        period_start=start, period_end=end, seed=f"{start}", report={"totals": {"shortfall": shortfall}}
    )


def many_short_runs(count: int) -> list[SamplingRun]:
    today = timezone.localdate()
    return SamplingRun.objects.bulk_create(
        SamplingRun(
            period_start=today - timedelta(days=index),
            period_end=today,
            seed=f"many-{index}",
            report={"totals": {"shortfall": 3}},
        )
        for index in range(count)
    )


def many_coaching_sessions(
    count: int, *, lead, agent, start, status: str = "scheduled"
) -> list[CoachingSession]:
    """`count` sessions of `lead` with `agent` a second apart from `start` (the service would refuse the
    overlaps: these only fill the lists)."""
    return CoachingSession.objects.bulk_create(
        CoachingSession(
            lead=lead,
            agent=agent,
            starts_at=start + timedelta(seconds=index),
            ends_at=start + timedelta(seconds=index, minutes=30),
            place="Room 1",
            status=status,
        )
        for index in range(count)
    )


def many_action_items(count: int, *, session, due_on, owner: str = "agent") -> list[ActionItem]:
    return ActionItem.objects.bulk_create(
        ActionItem(session=session, description=f"Action {index}", owner=owner, due_on=due_on)
        for index in range(count)
    )

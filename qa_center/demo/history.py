"""The demo's older history: each agent's evaluations of the months before last week's sample, bulk-inserted.

Scoring a few hundred evaluations one by one through the services would take minutes, so they are built as
rows; their answers are drawn like the recent activity's, and their scores come from the same engine
(spec.build_spec + scoring.score), so every stored score is the one the engine gives for its answers. The
history rows the services would have written (submitted, acknowledged) are written with them.
"""

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from calls.models import Call
from qa_center.demo.answers import NA, Reviewing, draw_values, feedback, worst_value
from qa_center.demo.calls import CALL_PREFIX, call_end
from qa_center.demo.people import DEMO_AGENT, REVIEWERS
from qa_center.demo.scorecards import IDENTITY, MIN_TALK_SECONDS
from qa_center.people.models import User
from scorecards.evaluations import services
from scorecards.models import Answer, Assignment, Criterion, Evaluation, EvaluationChange
from scorecards.sampling.services import SamplingPeriod
from scorecards.scoring import engine as scoring
from scorecards.scoring import spec

#: Evaluations per agent over the months before last week (the demo agent gets more: a rich history).
HISTORY_PER_AGENT = (6, 9)
DEMO_AGENT_HISTORY = 10


def seed_history(demo: Reviewing, *, sampled: SamplingPeriod, exclude: set[int]) -> None:
    """Each agent's evaluations of the months before last week's sample, spread over time; two auto-fails."""
    rng, now = demo.rng, demo.now
    before = timezone.make_aware(datetime.combine(sampled.start, datetime.min.time()))
    candidates = (
        Call.objects.filter(
            external_id__startswith=CALL_PREFIX,
            answered=True,
            agent__isnull=False,
            call_type_id__in=list(demo.versions),
            talk_seconds__gte=MIN_TALK_SECONDS,
            started_at__lt=before,
            recording_file="",
            recording_url="",
        )
        .exclude(pk__in=exclude)
        .exclude(Exists(Assignment.objects.filter(call=OuterRef("pk"))))
        .exclude(Exists(Evaluation.objects.filter(call=OuterRef("pk"))))
        .only(*_CALL_FIELDS)
        .order_by("agent_id", "started_at", "pk")
    )
    by_agent: dict[int, list[Call]] = defaultdict(list)
    for call in candidates:
        by_agent[call.agent_id].append(call)
    agent = demo.user(DEMO_AGENT)
    reviewers = [demo.user(name) for name in REVIEWERS]
    chosen: list[tuple[Call, User, datetime]] = []
    for agent_id in sorted(by_agent):
        calls = by_agent[agent_id]
        count = DEMO_AGENT_HISTORY if agent_id == agent.pk else rng.randint(*HISTORY_PER_AGENT)
        for call in _spread(rng, calls, count):
            reviewer = rng.choice([r for r in reviewers if r.pk != agent_id])
            submitted = min(
                call_end(call) + timedelta(hours=rng.uniform(6, 96)),
                before - timedelta(minutes=rng.randint(5, 600)),
            )
            chosen.append((call, reviewer, max(submitted, call_end(call) + timedelta(minutes=20))))
    auto_fails = _auto_fail_picks(demo, chosen)

    evaluations, answers, times = [], [], []
    for index, (call, reviewer, submitted) in enumerate(chosen):
        version = demo.version_at(call.call_type_id, submitted)
        outline = demo.outline(version)
        values = draw_values(demo, outline, agent_id=call.agent_id, moment=submitted, reviewer=reviewer)
        if index in auto_fails:
            values[auto_fails[index].pk] = worst_value(auto_fails[index])
        strengths, improvements, comments = feedback(rng, outline, values)
        criteria = spec.criteria_by_id(outline)
        rows = [
            services.answer_row(
                evaluation=None, criterion=criteria[pk], value=value, comment=comments.get(pk, "")
            )
            for pk, value in values.items()
        ]
        result = scoring.score(
            demo.specs[version.pk], {row.criterion_id: _engine_points(row) for row in rows}
        )
        acknowledged = None
        window = submitted > now - timedelta(days=settings.QA_DISPUTE_WINDOW_DAYS)
        if rng.random() < (0.5 if window else 0.85):
            acknowledged = min(submitted + timedelta(hours=rng.uniform(2, 60)), now - timedelta(hours=1))
        evaluations.append(
            Evaluation(
                call=call,
                agent_id=call.agent_id,
                team_id=call.team_id,
                version=version,
                reviewer=reviewer,
                status=Evaluation.Status.ACKNOWLEDGED if acknowledged else Evaluation.Status.SUBMITTED,
                **services.score_fields(result),
                strengths=strengths,
                improvements=improvements,
                submitted_at=submitted,
                acknowledged_at=acknowledged,
            )
        )
        answers.append(rows)
        started = max(submitted - timedelta(minutes=rng.randint(12, 45)), min(call_end(call), submitted))
        times.append((started, acknowledged or submitted))
    Evaluation.objects.bulk_create(evaluations, batch_size=500)
    services.refresh_name_sort_keys({e.agent_id for e in evaluations} | {e.reviewer_id for e in evaluations})
    for evaluation, rows, (created, updated) in zip(evaluations, answers, times, strict=True):
        evaluation.created_at, evaluation.updated_at = created, updated
        for row in rows:
            row.evaluation = evaluation
    Evaluation.objects.bulk_update(evaluations, ["created_at", "updated_at"], batch_size=500)
    Answer.objects.bulk_create([row for rows in answers for row in rows], batch_size=1000)
    _history_changes(evaluations)


_CALL_FIELDS = (
    "id",
    "agent",
    "call_type",
    "started_at",
    "ivr_wait_seconds",
    "queue_wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "wrap_up_seconds",
)


def _spread(rng: random.Random, calls: list[Call], count: int) -> list[Call]:
    """`count` of the calls (oldest first), one from each of `count` equal slices: spread over the period."""
    if len(calls) <= count:
        return list(calls)
    size = len(calls) / count
    return [calls[int(i * size) + rng.randrange(max(1, int(size)))] for i in range(count)]


def _auto_fail_picks(demo: Reviewing, chosen: list[tuple[Call, User, datetime]]) -> dict[int, Criterion]:
    """Two evaluations that miss a critical criterion (the identity check, where the scorecard has one): an
    older one of `agent` and one of another agent. Index in `chosen` → the criterion missed."""

    def critical(call: Call, submitted: datetime) -> Criterion | None:
        """The criterion whose miss fails the most: the whole evaluation, else a section."""
        outline = demo.outline(demo.version_at(call.call_type_id, submitted))
        criteria = [c for c in spec.criteria_by_id(outline).values() if c.critical_scope and not c.allows_na]
        criteria.sort(
            key=lambda c: (c.critical_scope != Criterion.CriticalScope.EVALUATION, c.title != IDENTITY.title)
        )
        return criteria[0] if criteria else None

    agent_id = demo.user(DEMO_AGENT).pk
    old = demo.now - timedelta(days=settings.QA_DISPUTE_WINDOW_DAYS)
    picks = {}
    for mine in (True, False):
        eligible = [
            (i, criterion)
            for i, (call, _reviewer, submitted) in enumerate(chosen)
            if (call.agent_id == agent_id) == mine
            and submitted < old
            and (criterion := critical(call, submitted)) is not None
        ]
        whole = [pick for pick in eligible if pick[1].critical_scope == Criterion.CriticalScope.EVALUATION]
        if whole or eligible:
            index, criterion = demo.rng.choice(whole or eligible)
            picks[index] = criterion
    return picks


def _engine_points(answer: Answer):
    return NA if answer.is_na else answer.points


def _history_changes(evaluations: list[Evaluation]) -> None:
    """The history rows the services would have written: submitted, and acknowledged where it was."""
    changes, moments = [], []
    for evaluation in evaluations:
        score_state = services.score_state(evaluation)
        changes.append(
            EvaluationChange(
                evaluation=evaluation,
                changed_by_id=evaluation.reviewer_id,
                action=EvaluationChange.Action.SUBMITTED,
                before={"status": Evaluation.Status.DRAFT},
                after={"status": Evaluation.Status.SUBMITTED, **score_state},
            )
        )
        moments.append(evaluation.submitted_at)
        if evaluation.acknowledged_at:
            changes.append(
                EvaluationChange(
                    evaluation=evaluation,
                    changed_by_id=evaluation.agent_id,
                    action=EvaluationChange.Action.ACKNOWLEDGED,
                    before={"status": Evaluation.Status.SUBMITTED},
                    after={"status": Evaluation.Status.ACKNOWLEDGED},
                )
            )
            moments.append(evaluation.acknowledged_at)
    EvaluationChange.objects.bulk_create(changes, batch_size=1000)
    for change, moment in zip(changes, moments, strict=True):
        change.changed_at = moment
    EvaluationChange.objects.bulk_update(changes, ["changed_at"], batch_size=1000)

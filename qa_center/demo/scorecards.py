"""Demo data of the QA center (issue 3): scorecards, sampling queues, evaluations, disputes and calibration.

Builds on calls.demo (people, call types, calls, recordings), which runs first: `manage.py seed_demo` runs both.
What a person does one step at a time goes through the real services: building and publishing the scorecards,
agents' comments, the sampling run, scoring recent calls, disputes, acknowledgements, calibration. The months
of evaluation history before that are bulk-inserted; their scores come from the same engine
(spec.build_spec + scoring.score), so every stored score is the one the engine gives for its answers.

Services stamp what they do with the current time. The demo then moves each stamp back to when it would have
happened (a _Timeline per evaluation), so the pages show a center that has been at work for weeks. The
notifications those services write are real in-app ones; their emails are not sent, as they would announce
events of past weeks to every demo address.

Idempotent: scorecards are keyed by call type, comments by author and text, sampling rules by call type; the
activity (queues, evaluations, disputes, calibration, notifications) is added in one transaction, and only
while no demo call has been evaluated and no sampling has run. Reproducible: every random choice comes from one random.Random.
"""

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, CallType
from qa_center.demo.calls import CALL_PREFIX, CALL_TYPES, demo_people
from qa_center.demo.scorecard_content import (
    ADJUSTED_NOTE,
    CHOICE,
    COACHABLE,
    COMMENTS,
    CRITERIA_BY_TITLE,
    DISPUTE_REASONS,
    EMPATHY,
    IDENTITY,
    NEXT_STEPS,
    RECORDING_NOTES,
    SCALE,
    SCORECARDS,
    UPHELD_NOTE,
    YES_NO,
    CriterionPlan,
    RevisionPlan,
    ScorecardPlan,
)
from qa_center.people.models import Notification, User
from qa_center.people.notifications import in_app_only
from scorecards.builder import services as builder
from scorecards.calibration import services as calibration
from scorecards.disputes import services as disputes
from scorecards.evaluations import services
from scorecards.models import (
    Answer,
    Assignment,
    CalibrationSession,
    Criterion,
    CriterionComment,
    Dispute,
    Evaluation,
    EvaluationChange,
    RecordingNote,
    SamplingRule,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
    Section,
)
from scorecards.sampling.services import WEEK, SamplingPeriod, assign_call, previous_period, run_sampling
from scorecards.scoring import engine as scoring
from scorecards.scoring import spec

__all__ = ["DEFAULT_SEED", "ScorecardsDemoSummary", "seed_scorecards_demo"]

DEFAULT_SEED = 2026
MANAGER = "manager"
DEMO_AGENT = "agent"
REVIEWERS = ("reviewer", "reviewer2", "reviewer3", "reviewer4")
#: Calls per agent per week, per call type: about four evaluations per agent and week in all.
SAMPLING_QUOTAS = {"inbound-support": 2, "outbound-proactive": 2, "retention": 1, "billing": 1}
MIN_TALK_SECONDS = 60
#: Evaluations per agent over the months before last week (the demo agent gets more: a rich history).
HISTORY_PER_AGENT = (6, 9)
DEMO_AGENT_HISTORY = 10
#: Share of last week's sampled calls already scored; every reviewer keeps at least KEEP_OPEN to do.
COMPLETED_SHARE = 0.55
KEEP_OPEN = 4
#: When the weekly sampling runs (qa_center/celery.py beat schedule): Monday 02:30.
BEAT_WEEKDAY, BEAT_TIME = 0, timedelta(hours=2, minutes=30)
#: Notifications older than this have been read, except the managers' about disputes still open.
UNREAD_DAYS = 3
NA = scoring.NA


# --- Agents' skills -----------------------------------------------------------------------------------------

STRONG_AGENTS = {"agent3": 0.98, "agent12": 0.97, "agent21": 0.97}
WEAK_AGENTS = {"agent7": 0.74, "agent17": 0.72, "agent26": 0.76}
WEAK_PENALTY = 0.35
#: Reviewers differ a little: reviewer3 is the strictest, reviewer2 the most lenient (calibration shows it).
REVIEWER_BIAS = {"reviewer": 0.0, "reviewer2": 0.02, "reviewer3": -0.04, "reviewer4": 0.0, MANAGER: 0.0}
#: In calibration, how often each reviewer answers a criterion a step away from the manager's reference.
CALIBRATION_DRIFT = {"reviewer": 0.12, "reviewer2": 0.18, "reviewer3": 0.22}


@dataclass(frozen=True)
class _Skill:
    base: float  # the share of points an agent usually earns
    trend: float  # change of `base` from the first demo call to now
    weak: frozenset[str]  # criterion titles this agent is weak on


def _skills(rng: random.Random, agents: Iterable[User]) -> dict[int, _Skill]:
    skills = {}
    for agent in sorted(agents, key=lambda user: user.username):
        if agent.username == DEMO_AGENT:
            # The demo login: improving, with two clear coaching points.
            skills[agent.pk] = _Skill(0.9, 0.2, frozenset({NEXT_STEPS.title, EMPATHY.title}))
        elif agent.username in STRONG_AGENTS:
            skills[agent.pk] = _Skill(STRONG_AGENTS[agent.username], 0.0, frozenset())
        else:
            base = WEAK_AGENTS.get(agent.username) or min(0.97, max(0.82, rng.gauss(0.91, 0.04)))
            weak = frozenset(rng.sample(COACHABLE, k=rng.choice((1, 1, 2))))
            skills[agent.pk] = _Skill(base, rng.gauss(0, 0.03), weak)
    return skills


# --- Summary ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardsDemoSummary:
    scorecards: int
    new_scorecards: int
    versions: int
    comments: int
    sampling_rules: int
    open_assignments: int
    evaluations: int  # submitted, not calibration
    acknowledged: int
    open_disputes: int
    resolved_disputes: int
    drafts: int
    calibration_sessions: int
    closed_calibration_sessions: int
    unread_notifications: int
    activity_added: bool
    seconds: float


# --- The whole demo -----------------------------------------------------------------------------------------


def seed_scorecards_demo(
    *, rng_seed: int = DEFAULT_SEED, now: datetime | None = None
) -> ScorecardsDemoSummary:
    """Add the QA center's scorecards and activity to the demo call center (calls.demo.seed_demo first)."""
    began = time.monotonic()
    now = now or timezone.now()
    usernames = [person.username for person in demo_people()]
    people = {user.username: user for user in User.objects.filter(username__in=usernames)}
    if MANAGER not in people:
        raise ValueError("The demo people are missing: run calls.demo.seed_demo first.")
    call_types = {ct.slug: ct for ct in CallType.objects.filter(slug__in=list(CALL_TYPES))}
    demo_calls = Call.objects.filter(external_id__startswith=CALL_PREFIX)
    first_call_at = demo_calls.aggregate(first=Min("started_at"))["first"] or now - timedelta(days=90)
    activity_added = False
    # Nothing is mailed: the events are dated weeks back (see the module docstring).
    with in_app_only():
        with transaction.atomic():
            new_scorecards = ensure_scorecards(
                manager=people[MANAGER], call_types=call_types, first_call_at=first_call_at, now=now
            )
            ensure_comments(people=people, call_types=call_types, now=now)
            ensure_sampling_rules(call_types=call_types)
        with transaction.atomic():
            if not _has_activity():
                activity_added = _seed_activity(
                    rng=random.Random(rng_seed), people=people, first_call_at=first_call_at, now=now
                )
    return _summary(new_scorecards=new_scorecards, activity_added=activity_added, began=began)


def _has_activity() -> bool:
    """Demo calls were evaluated, or calls sampled: the center is at work, the demo adds no activity."""
    evaluated = Evaluation.objects.filter(call__external_id__startswith=CALL_PREFIX)
    return evaluated.exists() or SamplingRun.objects.exists()


def _summary(*, new_scorecards: int, activity_added: bool, began: float) -> ScorecardsDemoSummary:
    regular = Evaluation.objects.regular()
    evaluations = regular.aggregate(
        submitted=Count("id", filter=Q(status__in=Evaluation.COUNTED_STATUSES)),
        acknowledged=Count("id", filter=Q(status=Evaluation.Status.ACKNOWLEDGED)),
        drafts=Count("id", filter=Q(status=Evaluation.Status.DRAFT)),
    )
    sessions = CalibrationSession.objects.aggregate(
        all=Count("id"), closed=Count("id", filter=Q(closed_at__isnull=False))
    )
    dispute_counts = Dispute.objects.aggregate(
        open=Count("id", filter=Q(status=Dispute.Status.OPEN)),
        resolved=Count("id", filter=~Q(status=Dispute.Status.OPEN)),
    )
    return ScorecardsDemoSummary(
        scorecards=Scorecard.objects.count(),
        new_scorecards=new_scorecards,
        versions=ScorecardVersion.objects.count(),
        comments=CriterionComment.objects.count(),
        sampling_rules=SamplingRule.objects.filter(is_active=True).count(),
        open_assignments=Assignment.objects.filter(status=Assignment.Status.OPEN).count(),
        evaluations=evaluations["submitted"],
        acknowledged=evaluations["acknowledged"],
        open_disputes=dispute_counts["open"],
        resolved_disputes=dispute_counts["resolved"],
        drafts=evaluations["drafts"],
        calibration_sessions=sessions["all"],
        closed_calibration_sessions=sessions["closed"],
        unread_notifications=Notification.objects.filter(read_at__isnull=True).count(),
        activity_added=activity_added,
        seconds=time.monotonic() - began,
    )


# --- Scorecards, comments, sampling rules -------------------------------------------------------------------


def ensure_scorecards(
    *, manager: User, call_types: Mapping[str, CallType], first_call_at: datetime, now: datetime
) -> int:
    """Build and publish the scorecard of every demo call type that has none; returns how many were built.

    Version 1 was published three weeks before the first demo call; a revision, when planned, 40% of the way
    into the demo period (so the history shows evaluations on both versions)."""
    created = 0
    for plan in SCORECARDS:
        call_type = call_types.get(plan.call_type)
        if call_type is None or Scorecard.objects.filter(call_type=call_type).exists():
            continue
        first_published = first_call_at - timedelta(days=21)
        revised = first_call_at + (now - first_call_at) * 0.4
        _build_scorecard(
            plan, call_type=call_type, manager=manager, published=first_published, revised=revised
        )
        created += 1
    return created


def _build_scorecard(
    plan: ScorecardPlan, *, call_type: CallType, manager: User, published: datetime, revised: datetime
) -> None:
    scorecard = builder.create_scorecard(
        call_type=call_type, name=plan.name, description=plan.description, by=manager
    )
    version = scorecard.versions.get()
    builder.update_version_settings(
        version=version, scoring_method=plan.method, pass_mark=Decimal(plan.pass_mark)
    )
    for section_plan in plan.sections:
        section = builder.add_section(
            version=version, title=section_plan.title, weight=Decimal(section_plan.weight)
        )
        for criterion_plan in section_plan.criteria:
            _add_criterion(section, criterion_plan)
    builder.publish(version=version, by=manager, notes=plan.notes)
    Scorecard.objects.filter(pk=scorecard.pk).update(created_at=published - timedelta(days=4))
    ScorecardVersion.objects.filter(pk=version.pk).update(
        created_at=published - timedelta(days=4), published_at=published
    )
    if plan.revision is None:
        return
    draft = builder.start_draft(scorecard=scorecard, by=manager)
    _revise(draft, plan.revision)
    if plan.revision.publish:
        builder.publish(version=draft, by=manager, notes=plan.revision.notes)
        ScorecardVersion.objects.filter(pk=draft.pk).update(
            created_at=revised - timedelta(days=3), published_at=revised
        )
    else:
        draft.notes = plan.revision.notes
        draft.save(update_fields=["notes"])


def _add_criterion(section: Section, plan: CriterionPlan) -> Criterion:
    criterion = builder.add_criterion(
        section=section,
        title=plan.title,
        kind=plan.kind,
        weight=Decimal(plan.weight),
        scale_max=plan.scale_max,
        allows_na=plan.allows_na,
        critical_scope=plan.critical,
        guidance=plan.guidance,
    )
    for label, points in plan.options:
        builder.add_option(criterion=criterion, label=label, points=Decimal(points))
    return criterion


def _revise(draft: ScorecardVersion, revision: RevisionPlan) -> None:
    criteria = {
        c.title: c for c in Criterion.objects.filter(section__version=draft).select_related("section")
    }
    for old_title, plan in revision.changes.items():
        builder.update_criterion(
            criterion=criteria[old_title],
            title=plan.title,
            kind=plan.kind,
            weight=Decimal(plan.weight),
            scale_max=plan.scale_max,
            allows_na=plan.allows_na,
            critical_scope=plan.critical,
            guidance=plan.guidance,
        )
    sections = {section.title: section for section in draft.sections.all()}
    for section_title, plans in revision.additions.items():
        for plan in plans:
            _add_criterion(sections[section_title], plan)


def ensure_comments(*, people: Mapping[str, User], call_types: Mapping[str, CallType], now: datetime) -> int:
    """The comments on criteria of the published versions that are not there yet; returns how many were added."""
    added = 0
    for username, slug, title, body, days_ago in COMMENTS:
        author, call_type = people.get(username), call_types.get(slug)
        if author is None or call_type is None:
            continue
        criterion = (
            Criterion.objects.filter(
                section__version__scorecard__call_type=call_type,
                section__version__status=ScorecardVersion.Status.PUBLISHED,
                title=title,
            )
            .select_related("section__version")
            .first()
        )
        if criterion is None or CriterionComment.objects.filter(author=author, body=body).exists():
            continue
        comment = builder.add_criterion_comment(criterion=criterion, author=author, body=body)
        written = max(
            now - timedelta(days=days_ago), criterion.section.version.published_at + timedelta(hours=2)
        )
        CriterionComment.objects.filter(pk=comment.pk).update(created_at=min(written, now))
        added += 1
    return added


def ensure_sampling_rules(*, call_types: Mapping[str, CallType]) -> int:
    """An active weekly rule per demo call type that has none. Only about a dozen demo calls have a recording,
    so the rules take calls without one too (the queues would stay nearly empty otherwise)."""
    added = 0
    for slug, quota in SAMPLING_QUOTAS.items():
        call_type = call_types.get(slug)
        if call_type is None or SamplingRule.objects.filter(call_type=call_type, is_active=True).exists():
            continue
        SamplingRule.objects.create(
            call_type=call_type,
            calls_per_agent=quota,
            period=SamplingRule.Period.WEEK,
            require_answered=True,
            require_recording=False,
            min_talk_seconds=MIN_TALK_SECONDS,
        )
        added += 1
    return added


# --- The activity: queues, evaluations, disputes, calibration ----------------------------------------------


@dataclass
class _Timeline:
    """When the events of one evaluation happened (the services wrote the current time)."""

    created: datetime
    submitted: datetime | None = None
    acknowledged: datetime | None = None
    opened: datetime | None = None
    resolved: datetime | None = None

    @property
    def last(self) -> datetime:
        return max(
            t for t in (self.created, self.submitted, self.acknowledged, self.opened, self.resolved) if t
        )


@dataclass
class _Demo:
    rng: random.Random
    now: datetime
    started: datetime  # the first demo call
    sampled: SamplingPeriod  # the week the last beat run sampled
    ran_at: datetime  # when that run happened
    people: Mapping[str, User]
    skills: dict[int, _Skill]
    # call type id → its published and retired versions, oldest first
    versions: dict[int, list[ScorecardVersion]]
    outlines: dict[int, list[Section]] = field(default_factory=dict)
    specs: dict[int, scoring.ScorecardSpec] = field(default_factory=dict)
    timelines: dict[int, _Timeline] = field(default_factory=dict)
    assigned_at: dict[int, datetime] = field(default_factory=dict)  # manual assignment id → when
    sessions: dict[int, tuple[datetime, datetime | None]] = field(default_factory=dict)  # created, closed

    def user(self, username: str) -> User:
        return self.people[username]

    def version_at(self, call_type_id: int, moment: datetime) -> ScorecardVersion:
        """The version in force at `moment` (the oldest one if none had been published yet)."""
        versions = self.versions[call_type_id]
        current = [v for v in versions if v.published_at and v.published_at <= moment]
        return current[-1] if current else versions[0]

    def outline(self, version: ScorecardVersion) -> list[Section]:
        if version.pk not in self.outlines:
            self.outlines[version.pk] = spec.version_outline(version)
            self.specs[version.pk] = spec.build_spec(version)
        return self.outlines[version.pk]

    def between(self, start: datetime, end: datetime) -> datetime:
        return start + (end - start) * self.rng.random() if end > start else end


def _seed_activity(
    *, rng: random.Random, people: Mapping[str, User], first_call_at: datetime, now: datetime
) -> bool:
    versions: dict[int, list[ScorecardVersion]] = defaultdict(list)
    for version in (
        ScorecardVersion.objects.exclude(status=ScorecardVersion.Status.DRAFT)
        .select_related("scorecard")
        .order_by("published_at", "number")
    ):
        versions[version.scorecard.call_type_id].append(version)
    published_types = set(
        ScorecardVersion.objects.published().values_list("scorecard__call_type_id", flat=True)
    )
    versions = {call_type_id: v for call_type_id, v in versions.items() if call_type_id in published_types}
    if not versions or any(name not in people for name in (*REVIEWERS, DEMO_AGENT)):
        return False
    agents = [user for user in people.values() if user.is_agent]
    ran_at = _last_beat(now)
    demo = _Demo(
        rng=rng,
        now=now,
        started=first_call_at,
        sampled=previous_period(kind=WEEK, today=timezone.localdate(ran_at)),
        ran_at=ran_at,
        people=people,
        skills=_skills(rng, agents),
        versions=versions,
    )

    run = _sample_last_week(demo)
    specials = _pick_special_calls(demo)
    _score_last_week(demo, run)
    _score_specials(demo, specials)
    _calibration(demo, specials)
    _history(demo, exclude={call.pk for call in specials.all_calls()})
    _apply_timelines(demo)
    return True


# --- Last week's sampling run and the queues ---------------------------------------------------------------


def _last_beat(now: datetime) -> datetime:
    """The last weekly sampling run before `now`, in the center's time zone."""
    today = timezone.localdate(now)
    monday = today - timedelta(days=(today.weekday() - BEAT_WEEKDAY) % 7)
    beat = timezone.make_aware(datetime.combine(monday, datetime.min.time()) + BEAT_TIME)
    return beat if beat <= now else beat - timedelta(days=7)


def _sample_last_week(demo: _Demo) -> SamplingRun:
    """The last weekly beat run, through the real sampler."""
    run = run_sampling(period=demo.sampled)
    ran_at = demo.ran_at
    SamplingRun.objects.filter(pk=run.pk).update(created_at=ran_at)
    Assignment.objects.filter(sampling_run=run).update(
        created_at=ran_at, due_at=ran_at + timedelta(days=settings.QA_ASSIGNMENT_DUE_DAYS)
    )
    run.created_at = ran_at
    return run


def _score_last_week(demo: _Demo, run: SamplingRun) -> None:
    """Reviewers have worked through part of last week's sample: scored through the services, some already
    acknowledged by the agent; `reviewer` also has two drafts on the go. Every reviewer keeps calls to do;
    the demo agent's calls are all scored (their feedback pages are the ones people look at)."""
    assignments = list(
        Assignment.objects.filter(sampling_run=run).select_related("call", "reviewer").order_by("pk")
    )
    by_reviewer: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_reviewer[assignment.reviewer_id].append(assignment)
    reviewer, agent = demo.user("reviewer"), demo.user(DEMO_AGENT)
    since, until = run.created_at + timedelta(hours=1), demo.now - timedelta(minutes=30)
    for reviewer_id, queue in sorted(by_reviewer.items()):
        if since >= until:
            break  # the run is too recent: nobody has scored anything yet
        keep = KEEP_OPEN + (2 if reviewer_id == reviewer.pk else 0)
        done = [
            a
            for a in queue[: max(0, len(queue) - keep)]
            if a.call.agent_id == agent.pk or demo.rng.random() < COMPLETED_SHARE
        ]
        for assignment in done:
            submitted = demo.between(since, until)
            acknowledged = None
            if demo.rng.random() < 0.4 and submitted < demo.now - timedelta(hours=3):
                acknowledged = demo.between(submitted + timedelta(hours=1), demo.now - timedelta(minutes=10))
            _score(
                demo,
                assignment.call,
                assignment.reviewer,
                submitted=submitted,
                acknowledged=acknowledged,
                assignment=assignment,
            )
    # Two drafts on the go (the last two of the queue, which were kept open above).
    for assignment in by_reviewer.get(reviewer.pk, [])[-2:]:
        _score(demo, assignment.call, reviewer, assignment=assignment, draft_since=run.created_at)


# --- Scoring through the services --------------------------------------------------------------------------


def _call_end(call: Call) -> datetime:
    seconds = sum(
        value or 0
        for value in (
            call.ivr_wait_seconds,
            call.queue_wait_seconds,
            call.talk_seconds,
            call.hold_seconds,
            call.wrap_up_seconds,
        )
    )
    return call.started_at + timedelta(seconds=seconds)


def _score(
    demo: _Demo,
    call: Call,
    reviewer: User,
    *,
    submitted: datetime | None = None,
    acknowledged: datetime | None = None,
    assignment: Assignment | None = None,
    session: CalibrationSession | None = None,
    values: dict | None = None,
    notes: bool = False,
    draft_since: datetime | None = None,
    with_a_miss: bool = False,
) -> Evaluation:
    """Score `call` as `reviewer` would in the form: start, save the answers, pin notes, submit.

    draft_since: leave it a draft, half filled in, started in the last hours but not before this moment.
    with_a_miss: at least one criterion loses points (an evaluation the agent will dispute)."""
    if session is not None:
        evaluation = calibration.start_calibration_evaluation(session=session, reviewer=reviewer)
    else:
        evaluation = services.start_evaluation(assignment=assignment, call=call, reviewer=reviewer)
    outline = demo.outline(evaluation.version)
    moment = submitted or demo.now
    if values is None:
        values = _draw_values(demo, outline, agent_id=call.agent_id, moment=moment, reviewer=reviewer)
    if with_a_miss:
        _ensure_a_miss(demo.rng, outline, values)
    strengths, improvements, comments = _feedback(demo.rng, outline, values)
    if draft_since is not None:
        # Half-way through the form: the first half answered, no conclusions yet.
        answered = dict(list(values.items())[: len(values) // 2])
        services.save_draft(
            evaluation=evaluation,
            answers=answered,
            comments={pk: text for pk, text in comments.items() if pk in answered},
            strengths="",
            improvements="",
            by=reviewer,
        )
        earliest = max(draft_since, demo.now - timedelta(hours=5)) + timedelta(minutes=5)
        demo.timelines[evaluation.pk] = _Timeline(
            created=demo.between(earliest, demo.now - timedelta(minutes=5))
        )
        return evaluation
    services.save_draft(
        evaluation=evaluation,
        answers=values,
        comments=comments,
        strengths=strengths,
        improvements=improvements,
        by=reviewer,
    )
    if notes and call.talk_seconds:
        for share, body in RECORDING_NOTES:
            at = Decimal(round(call.talk_seconds * share, 1)).quantize(Decimal("0.1"))
            services.add_recording_note(evaluation=evaluation, at_seconds=at, body=body, by=reviewer)
    services.submit_evaluation(evaluation=evaluation, by=reviewer)
    # Scored after the call ended, in 12 to 45 minutes, after the call was assigned.
    ended = _call_end(call)
    submitted = max(submitted or demo.now, min(ended + timedelta(minutes=45), demo.now))
    started = max(submitted - timedelta(minutes=demo.rng.randint(12, 45)), min(ended, submitted))
    demo.timelines[evaluation.pk] = _Timeline(created=started, submitted=submitted)
    if assignment is not None and assignment.pk in demo.assigned_at:
        demo.assigned_at[assignment.pk] = min(demo.assigned_at[assignment.pk], started)
    if acknowledged is not None and evaluation.agent_id is not None and session is None:
        disputes.acknowledge(evaluation=evaluation, by=evaluation.agent)
        demo.timelines[evaluation.pk].acknowledged = max(acknowledged, submitted + timedelta(minutes=5))
    return evaluation


def _quality(demo: _Demo, *, agent_id: int | None, title: str, moment: datetime, reviewer: User) -> float:
    skill = demo.skills.get(agent_id, _Skill(0.85, 0.0, frozenset()))
    plan = CRITERIA_BY_TITLE.get(title)
    progress = (moment - demo.started) / max(demo.now - demo.started, timedelta(hours=1))
    quality = skill.base + skill.trend * (progress - 1) + (plan.ease if plan else 0.0)
    quality += REVIEWER_BIAS.get(reviewer.username, 0.0) + demo.rng.gauss(0, 0.04)
    if title in skill.weak:
        quality -= WEAK_PENALTY
    return min(0.99, max(0.02, quality))


def _draw_values(
    demo: _Demo, outline: list[Section], *, agent_id: int | None, moment: datetime, reviewer: User
) -> dict:
    """The reviewer's answers ({criterion id: value | NA}) to a call of the agent, by the agent's skill.

    Critical criteria are rules everyone knows: one that fails its section is missed now and then, one that
    fails the whole evaluation never here (those auto-fails are chosen on purpose, see _auto_fail_picks)."""
    values = {}
    rng = demo.rng
    for section in outline:
        for criterion in section.criteria_list:
            plan = CRITERIA_BY_TITLE.get(criterion.title)
            if criterion.allows_na and rng.random() < (plan.na_rate if plan else 0.1):
                values[criterion.pk] = NA
                continue
            if criterion.critical_scope:
                missed = criterion.critical_scope == Criterion.CriticalScope.SECTION and rng.random() < 0.03
                values[criterion.pk] = _worst_value(criterion) if missed else _best_value(criterion)
                continue
            quality = _quality(
                demo, agent_id=agent_id, title=criterion.title, moment=moment, reviewer=reviewer
            )
            values[criterion.pk] = _value(rng, criterion, quality)
    return values


def _value(rng: random.Random, criterion: Criterion, quality: float):
    if criterion.kind == SCALE:
        top = criterion.scale_max
        return min(top, max(0, round(quality * top + rng.gauss(0, 0.5))))
    if criterion.kind == CHOICE:
        options = sorted(criterion.options_list, key=lambda option: (option.points, option.position))
        index = round(quality * (len(options) - 1) + rng.gauss(0, 0.45))
        return options[min(len(options) - 1, max(0, index))].pk
    return 1 if rng.random() < quality else 0


def _ensure_a_miss(rng: random.Random, outline: list[Section], values: dict) -> None:
    """Take a step down on one non-critical criterion if every answer earned full points."""
    criteria = [
        criterion
        for criterion in spec.criteria_by_id(outline).values()
        if not criterion.critical_scope and values.get(criterion.pk, NA) is not NA
    ]
    if criteria and all(values[c.pk] == _best_value(c) for c in criteria):
        criterion = rng.choice(criteria)
        values[criterion.pk] = _step(criterion, values[criterion.pk], -1)


def _best_value(criterion: Criterion):
    if criterion.kind == SCALE:
        return criterion.scale_max
    if criterion.kind == CHOICE:
        return max(criterion.options_list, key=lambda option: option.points).pk
    return 1


def _worst_value(criterion: Criterion):
    if criterion.kind == CHOICE:
        return min(criterion.options_list, key=lambda option: option.points).pk
    return 0


def _feedback(rng: random.Random, outline: list[Section], values: Mapping) -> tuple[str, str, dict[int, str]]:
    """Strengths, improvement points and per-criterion comments that match the answers."""
    full, missed, comments = [], [], {}
    for section in outline:
        for criterion in section.criteria_list:
            value = values.get(criterion.pk)
            if value is None or value is NA:
                continue
            points = services.answer_points(criterion, value)
            plan = CRITERIA_BY_TITLE.get(criterion.title)
            if points >= criterion.max_points:
                full.append((criterion, plan))
                continue
            missed.append(
                (criterion, plan, (criterion.max_points - points) / criterion.max_points * criterion.weight)
            )
            forced = criterion.is_critical and points == 0
            if plan and plan.remarks and (forced or rng.random() < 0.5):
                comments[criterion.pk] = rng.choice(plan.remarks)
    praised = rng.sample(full, k=min(2, len(full)))
    strengths = [plan.praise if plan else f"Well done on “{criterion.title}”." for criterion, plan in praised]
    missed.sort(key=lambda item: (-(item[0].is_critical and item[2] > 0), -item[2], item[0].position))
    improvements = [
        plan.advice if plan else f"Work on “{criterion.title}”." for criterion, plan, _lost in missed[:2]
    ]
    return (
        "\n".join(strengths) or "Stayed calm and polite from start to finish.",
        "\n".join(improvements),
        comments,
    )


# --- Special calls: the demo logins' stories ---------------------------------------------------------------


@dataclass
class _Specials:
    """The calls that tell the demo logins' stories.

    agent_disputable: `agent`'s, scored yesterday on the recording with notes: the demo user may dispute it.
    agent_disputed: `agent` has disputed it (open). agent_adjusted: disputed by `agent`, adjusted by the
    manager. upheld: another agent's dispute, upheld. reviewer_queue: assigned by hand to `reviewer`.
    with_notes: recordings scored with notes. closed_sessions, open_session: calibration.
    """

    agent_disputable: Call | None = None
    agent_disputed: Call | None = None
    agent_adjusted: Call | None = None
    upheld: Call | None = None
    reviewer_queue: list[Call] = field(default_factory=list)
    with_notes: list[Call] = field(default_factory=list)
    closed_sessions: list[Call] = field(default_factory=list)
    open_session: Call | None = None

    def all_calls(self) -> list[Call]:
        single = (
            self.agent_disputable,
            self.agent_disputed,
            self.agent_adjusted,
            self.upheld,
            self.open_session,
        )
        calls = [c for c in single if c] + self.reviewer_queue + self.with_notes + self.closed_sessions
        return calls


def _free_calls(demo: _Demo):
    """Answered demo calls nobody has assigned or scored yet, on a type with a scorecard. A recording is as
    long as its synthesized dialogue, under a minute: those calls count whatever their talk time."""
    long_enough = Q(talk_seconds__gte=MIN_TALK_SECONDS) | ~(Q(recording_file="") & Q(recording_url=""))
    return (
        Call.objects.filter(
            long_enough,
            external_id__startswith=CALL_PREFIX,
            answered=True,
            agent__isnull=False,
            call_type_id__in=list(demo.versions),
            started_at__lt=demo.now - timedelta(hours=3),
        )
        .exclude(Exists(Assignment.objects.filter(call=OuterRef("pk"))))
        .select_related("agent", "call_type")
    )


def _pick_special_calls(demo: _Demo) -> _Specials:
    specials = _Specials()
    taken: set[int] = set()
    agent = demo.user(DEMO_AGENT)
    free = _free_calls(demo)
    recorded = list(free.with_recording().order_by("-started_at", "pk"))

    def take(calls: Iterable[Call], condition: Callable[[Call], bool] = lambda call: True) -> Call | None:
        for call in calls:
            if call.pk not in taken and condition(call):
                taken.add(call.pk)
                return call
        return None

    def agent_call(before: timedelta) -> Call | None:
        return take(
            free.filter(agent=agent, started_at__lte=demo.now - before).order_by("-started_at", "pk")[:20]
        )

    def own(call: Call) -> bool:
        return call.agent_id == agent.pk

    specials.agent_disputable = take(recorded, own) or agent_call(timedelta(hours=3))
    specials.with_notes = [c for c in (take(recorded, own), take(recorded, lambda c: not own(c))) if c]
    specials.reviewer_queue = [c for c in (take(recorded, lambda c: not own(c)) for _ in range(2)) if c]
    # Calibration: two closed sessions on the same scorecard (agreement across sessions), one open.
    by_type: dict[int, list[Call]] = defaultdict(list)
    for call in recorded:
        if call.pk not in taken and not call.agent.is_reviewer:
            by_type[call.call_type_id].append(call)
    # The oldest recordings of the best-covered type: the sessions took place after the calls.
    pair = sorted(max(by_type.values(), key=len, default=[]), key=lambda call: call.started_at)[:2]
    if len(pair) < 2:
        pair = [
            take(free.order_by("-started_at", "pk")[:50], lambda c: not c.agent.is_reviewer) for _ in range(2)
        ]
    specials.closed_sessions = [call for call in pair if call]
    taken.update(call.pk for call in specials.closed_sessions)
    specials.open_session = take(recorded, lambda c: not c.agent.is_reviewer) or take(
        free.order_by("-started_at", "pk")[:50], lambda c: not c.agent.is_reviewer
    )
    specials.agent_disputed = agent_call(timedelta(days=4))
    specials.agent_adjusted = agent_call(timedelta(days=10))
    others = free.exclude(agent=agent).filter(started_at__lte=demo.now - timedelta(days=7))
    specials.upheld = take(others.exclude(agent__is_reviewer=True).order_by("-started_at", "pk")[:20])
    return specials


def _score_specials(demo: _Demo, specials: _Specials) -> None:
    rng, now = demo.rng, demo.now
    manager, reviewer = demo.user(MANAGER), demo.user("reviewer")
    reviewers = [demo.user(name) for name in REVIEWERS]

    def scored_by(call: Call, preferred: str) -> User:
        if call.agent_id != demo.user(preferred).pk:
            return demo.user(preferred)
        return next(r for r in reviewers if r.pk != call.agent_id)

    def by_hand(call: Call, to: User, at: datetime) -> Assignment:
        assignment = assign_call(call=call, reviewer=to, assigned_by=manager)
        demo.assigned_at[assignment.pk] = max(at, _call_end(call) + timedelta(minutes=10))
        return assignment

    # `agent`, yesterday: scored on the recording, with notes; still within the dispute window.
    if call := specials.agent_disputable:
        submitted = demo.between(max(_call_end(call), now - timedelta(hours=20)), now - timedelta(hours=2))
        assignment = by_hand(call, scored_by(call, "reviewer2"), submitted - timedelta(hours=6))
        _score(
            demo,
            call,
            assignment.reviewer,
            assignment=assignment,
            submitted=submitted,
            notes=call.has_recording,
        )
    for call in specials.reviewer_queue:
        by_hand(call, reviewer, demo.between(now - timedelta(hours=20), now - timedelta(hours=1)))
    for call in specials.with_notes:
        submitted = demo.between(max(_call_end(call), now - timedelta(days=2)), now - timedelta(hours=1))
        assignment = by_hand(call, scored_by(call, "reviewer3"), submitted - timedelta(hours=5))
        _score(demo, call, assignment.reviewer, assignment=assignment, submitted=submitted, notes=True)

    # Open disputes: `agent`'s, and two other agents' on last week's evaluations.
    if call := specials.agent_disputed:
        submitted = min(_call_end(call) + timedelta(hours=rng.randint(12, 30)), now - timedelta(days=2))
        evaluation = _score(demo, call, scored_by(call, "reviewer3"), submitted=submitted, with_a_miss=True)
        _dispute(demo, evaluation, opened=min(submitted + timedelta(hours=20), now - timedelta(hours=5)))
    recent = list(
        Evaluation.objects.regular()
        .filter(status=Evaluation.Status.SUBMITTED, pk__in=list(demo.timelines))
        .exclude(agent__username=DEMO_AGENT)
        .select_related("agent", "call", "reviewer", "version")
        .order_by("pk")
    )
    disputed_agents: set[int] = set()
    for evaluation in rng.sample(recent, k=len(recent)):
        if len(disputed_agents) == 2:
            break
        if (
            evaluation.agent_id in disputed_agents
            or demo.timelines[evaluation.pk].submitted > now - timedelta(hours=2)
            or not _disputable_criteria(demo, evaluation)
        ):
            continue
        disputed_agents.add(evaluation.agent_id)
        submitted = demo.timelines[evaluation.pk].submitted
        _dispute(
            demo, evaluation, opened=demo.between(submitted + timedelta(hours=1), now - timedelta(minutes=30))
        )

    # Resolved: `agent`'s answer adjusted (the history shows the change), another agent's upheld.
    if call := specials.agent_adjusted:
        evaluation = _score(
            demo, call, scored_by(call, "reviewer"), submitted=now - timedelta(days=9), with_a_miss=True
        )
        _dispute(
            demo,
            evaluation,
            opened=now - timedelta(days=5, hours=3),
            resolved=now - timedelta(days=2, hours=4),
            adjust=True,
        )
    if call := specials.upheld:
        evaluation = _score(
            demo, call, scored_by(call, "reviewer"), submitted=now - timedelta(days=6), with_a_miss=True
        )
        _dispute(
            demo, evaluation, opened=now - timedelta(days=4, hours=2), resolved=now - timedelta(hours=20)
        )


def _disputable_criteria(demo: _Demo, evaluation: Evaluation) -> list[tuple[Criterion, Answer]]:
    """The criteria that lost points, most points lost first: what an agent would dispute."""
    criteria = spec.criteria_by_id(demo.outline(evaluation.version))
    answers = [
        answer
        for answer in Answer.objects.filter(evaluation=evaluation, is_na=False)
        if answer.points is not None and answer.points < answer.max_points
    ]
    answers.sort(
        key=lambda a: (-(a.max_points - a.points) / a.max_points * criteria[a.criterion_id].weight, a.pk)
    )
    return [(criteria[answer.criterion_id], answer) for answer in answers]


def _dispute(
    demo: _Demo,
    evaluation: Evaluation,
    *,
    opened: datetime,
    resolved: datetime | None = None,
    adjust: bool = False,
) -> None:
    """The agent disputes the criteria that cost the most points; the manager resolves it when `resolved`."""
    disputable = _disputable_criteria(demo, evaluation)[:2]
    if not disputable:
        return
    items = [
        (criterion, DISPUTE_REASONS[i % len(DISPUTE_REASONS)]) for i, (criterion, _a) in enumerate(disputable)
    ]
    dispute = disputes.open_dispute(evaluation=evaluation, by=evaluation.agent, items=items)
    timeline = demo.timelines[evaluation.pk]
    timeline.opened = opened
    if resolved is None:
        return
    manager = demo.user(MANAGER)
    if adjust:
        criterion, _answer = disputable[0]
        best = _best_value(criterion)
        change = {"option": best} if criterion.kind == CHOICE else {"value": best}
        disputes.resolve_dispute(
            dispute=dispute,
            by=manager,
            decision=Dispute.Status.ADJUSTED,
            note=ADJUSTED_NOTE,
            adjustments={criterion.pk: change},
        )
    else:
        disputes.resolve_dispute(
            dispute=dispute, by=manager, decision=Dispute.Status.UPHELD, note=UPHELD_NOTE
        )
    timeline.resolved = resolved


# --- Calibration --------------------------------------------------------------------------------------------


def _calibration(demo: _Demo, specials: _Specials) -> None:
    """Two closed sessions (reviewer, reviewer2, reviewer3 and the manager's reference) and an open one in
    which `reviewer` still has to score. Sessions start after their call: the recordings are recent calls."""
    manager = demo.user(MANAGER)
    raters = [demo.user(name) for name in ("reviewer", "reviewer2", "reviewer3")]
    latest = demo.now - timedelta(minutes=15)
    for call in specials.closed_sessions:
        created = min(_call_end(call) + timedelta(minutes=30), latest - timedelta(hours=1))
        session = _open_session(demo, call, raters, created=created)
        reference = _calibration_answers(demo, session, manager)
        moments = sorted(demo.between(created + timedelta(minutes=20), latest) for _rater in range(4))
        for rater, at in zip((manager, *raters), moments, strict=True):
            values = reference if rater == manager else _deviate(demo, session, reference, rater)
            _score_calibration(demo, session, rater, values, at=at, opened=created)
        calibration.close_if_complete(session=session)
        demo.sessions[session.pk] = (created, moments[-1] + timedelta(minutes=1))
    if call := specials.open_session:
        created = min(max(_call_end(call) + timedelta(minutes=30), demo.now - timedelta(days=2)), latest)
        session = _open_session(demo, call, raters, created=created, deadline=demo.now + timedelta(days=3))
        reference = _calibration_answers(demo, session, manager)
        reviewer2, reviewer3 = raters[1], raters[2]
        moments = sorted(demo.between(created + timedelta(minutes=20), latest) for _rater in range(2))
        _score_calibration(demo, session, manager, reference, at=moments[0], opened=created)
        deviating = _deviate(demo, session, reference, reviewer2)
        _score_calibration(demo, session, reviewer2, deviating, at=moments[1], opened=created)
        _score(demo, call, reviewer3, session=session, draft_since=created)
        demo.sessions[session.pk] = (created, None)


def _open_session(
    demo: _Demo, call: Call, raters: list[User], *, created: datetime, deadline: datetime | None = None
) -> CalibrationSession:
    return calibration.create_session(
        call=call,
        reviewers=raters,
        created_by=demo.user(MANAGER),
        title=f"{call.call_type.name}: calibration of {timezone.localdate(created):%d %b}",
        deadline=deadline,
    )


def _score_calibration(
    demo: _Demo, session: CalibrationSession, rater: User, values: dict, *, at: datetime, opened: datetime
) -> None:
    """A participant scores the session's call at `at`, having started after the session `opened`."""
    evaluation = _score(demo, session.call, rater, session=session, values=values, submitted=at)
    started = at - min(timedelta(minutes=25), (at - opened) / 2)
    demo.timelines[evaluation.pk] = _Timeline(created=started, submitted=at)


def _calibration_answers(demo: _Demo, session: CalibrationSession, manager: User) -> dict:
    outline = demo.outline(session.version)
    return _draw_values(demo, outline, agent_id=session.call.agent_id, moment=demo.now, reviewer=manager)


def _deviate(demo: _Demo, session: CalibrationSession, reference: Mapping, rater: User) -> dict:
    """The reference answers as another reviewer heard the call: a few criteria a step apart."""
    bias = REVIEWER_BIAS.get(rater.username, 0.0)
    values = dict(reference)
    for criterion in spec.criteria_by_id(demo.outline(session.version)).values():
        value = values[criterion.pk]
        drift = CALIBRATION_DRIFT.get(rater.username, 0.2)
        if criterion.kind == YES_NO:
            drift /= 2  # a flipped yes/no costs the whole criterion: reviewers rarely disagree that much
        if value is NA or criterion.critical_scope or demo.rng.random() > drift:
            continue
        step = 1 if bias > 0 else -1 if bias < 0 else demo.rng.choice((-1, 1))
        values[criterion.pk] = _step(criterion, value, step)
    return values


def _step(criterion: Criterion, value, step: int):
    if criterion.kind == CHOICE:
        options = sorted(criterion.options_list, key=lambda option: (option.points, option.position))
        index = next(i for i, option in enumerate(options) if option.pk == value)
        return options[min(len(options) - 1, max(0, index + step))].pk
    top = criterion.scale_max if criterion.kind == SCALE else 1
    return min(top, max(0, value + step))


# --- History: the months before last week, bulk-inserted ---------------------------------------------------


def _history(demo: _Demo, *, exclude: set[int]) -> None:
    """Each agent's evaluations of the months before last week's sample, spread over time; two auto-fails."""
    rng, now = demo.rng, demo.now
    before = timezone.make_aware(datetime.combine(demo.sampled.start, datetime.min.time()))
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
                _call_end(call) + timedelta(hours=rng.uniform(6, 96)),
                before - timedelta(minutes=rng.randint(5, 600)),
            )
            chosen.append((call, reviewer, max(submitted, _call_end(call) + timedelta(minutes=20))))
    auto_fails = _auto_fail_picks(demo, chosen)

    evaluations, answers, times = [], [], []
    for index, (call, reviewer, submitted) in enumerate(chosen):
        version = demo.version_at(call.call_type_id, submitted)
        outline = demo.outline(version)
        values = _draw_values(demo, outline, agent_id=call.agent_id, moment=submitted, reviewer=reviewer)
        if index in auto_fails:
            values[auto_fails[index].pk] = _worst_value(auto_fails[index])
        strengths, improvements, comments = _feedback(rng, outline, values)
        criteria = spec.criteria_by_id(outline)
        rows = [_answer_row(criteria[pk], value, comments.get(pk, "")) for pk, value in values.items()]
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
                score=result.as_decimal(result.score),
                score_before_autofail=result.as_decimal(result.score_before_autofail),
                auto_failed=result.auto_failed,
                passed=result.passed,
                strengths=strengths,
                improvements=improvements,
                submitted_at=submitted,
                acknowledged_at=acknowledged,
            )
        )
        answers.append(rows)
        started = max(submitted - timedelta(minutes=rng.randint(12, 45)), min(_call_end(call), submitted))
        times.append((started, acknowledged or submitted))
    Evaluation.objects.bulk_create(evaluations, batch_size=500)
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


def _auto_fail_picks(demo: _Demo, chosen: list[tuple[Call, User, datetime]]) -> dict[int, Criterion]:
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


def _answer_row(criterion: Criterion, value, comment: str) -> Answer:
    """An Answer as services.save_draft and submit_evaluation store it (points derived from the value)."""
    answer = Answer(criterion_id=criterion.pk, comment=comment, max_points=criterion.max_points)
    if value is NA:
        answer.is_na = True
    elif criterion.kind == CHOICE:
        answer.option_id, answer.points = value, services.answer_points(criterion, value)
    else:
        answer.value, answer.points = value, services.answer_points(criterion, value)
    return answer


def _engine_points(answer: Answer):
    return NA if answer.is_na else answer.points


def _history_changes(evaluations: list[Evaluation]) -> None:
    """The history rows the services would have written: submitted, and acknowledged where it was."""
    changes, moments = [], []
    for evaluation in evaluations:
        score_state = {
            "score": None if evaluation.score is None else str(evaluation.score),
            "score_before_autofail": (
                None if evaluation.score_before_autofail is None else str(evaluation.score_before_autofail)
            ),
            "auto_failed": evaluation.auto_failed,
            "passed": evaluation.passed,
        }
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


# --- Moving the services' time stamps back -----------------------------------------------------------------

_ACTION_MOMENT = {
    EvaluationChange.Action.SUBMITTED: "submitted",
    EvaluationChange.Action.ACKNOWLEDGED: "acknowledged",
    EvaluationChange.Action.DISPUTE_OPENED: "opened",
    EvaluationChange.Action.CRITERION_DISPUTED: "opened",
    EvaluationChange.Action.ANSWER_ADJUSTED: "resolved",
    EvaluationChange.Action.SCORE_CHANGED: "resolved",
    EvaluationChange.Action.DISPUTE_RESOLVED: "resolved",
}


def _apply_timelines(demo: _Demo) -> None:
    """Date what the services did at the moments of the demo's timeline; older notifications are read."""
    timelines = demo.timelines
    evaluations = list(Evaluation.objects.filter(pk__in=list(timelines)))
    for evaluation in evaluations:
        timeline = timelines[evaluation.pk]
        evaluation.created_at, evaluation.updated_at = timeline.created, timeline.last
        if evaluation.submitted_at is not None:
            evaluation.submitted_at = timeline.submitted
        if evaluation.acknowledged_at is not None:
            evaluation.acknowledged_at = timeline.acknowledged
    Evaluation.objects.bulk_update(
        evaluations, ["created_at", "updated_at", "submitted_at", "acknowledged_at"], batch_size=500
    )

    changes = list(EvaluationChange.objects.filter(evaluation_id__in=list(timelines)))
    for change in changes:
        moment = getattr(timelines[change.evaluation_id], _ACTION_MOMENT.get(change.action, "created"))
        change.changed_at = moment or timelines[change.evaluation_id].last
    EvaluationChange.objects.bulk_update(changes, ["changed_at"], batch_size=1000)

    dispute_rows = list(Dispute.objects.filter(evaluation_id__in=list(timelines)))
    for dispute in dispute_rows:
        timeline = timelines[dispute.evaluation_id]
        dispute.opened_at = timeline.opened
        if dispute.resolved_at is not None:
            dispute.resolved_at = timeline.resolved
    Dispute.objects.bulk_update(dispute_rows, ["opened_at", "resolved_at"])

    notes = list(RecordingNote.objects.filter(evaluation_id__in=list(timelines)))
    for note in notes:
        note.created_at = timelines[note.evaluation_id].created + timedelta(
            minutes=5 + float(note.at_seconds) / 60
        )
    RecordingNote.objects.bulk_update(notes, ["created_at"])

    manual = list(Assignment.objects.filter(pk__in=list(demo.assigned_at)))
    for assignment in manual:
        assignment.created_at = demo.assigned_at[assignment.pk]
        assignment.due_at = assignment.created_at + timedelta(days=settings.QA_ASSIGNMENT_DUE_DAYS)
    Assignment.objects.bulk_update(manual, ["created_at", "due_at"])

    sessions = list(CalibrationSession.objects.filter(pk__in=list(demo.sessions)))
    for session in sessions:
        session.created_at, closed = demo.sessions[session.pk]
        if session.closed_at is not None:
            session.closed_at = closed
    CalibrationSession.objects.bulk_update(sessions, ["created_at", "closed_at"])

    _date_notifications(demo, evaluations, dispute_rows)


def _date_notifications(demo: _Demo, evaluations: list[Evaluation], dispute_rows: list[Dispute]) -> None:
    """Notifications are found by the link they carry: the evaluation (submitted), the dispute to resolve
    (opened) and the evaluation's history (resolved)."""
    moments, still_open = {}, set()
    for evaluation in evaluations:
        timeline = demo.timelines[evaluation.pk]
        moments[evaluation.get_absolute_url()] = timeline.submitted
        moments[reverse("feedback:history", args=[evaluation.pk])] = timeline.resolved
    for dispute in dispute_rows:
        url = reverse("feedback:resolve", args=[dispute.pk])
        moments[url] = demo.timelines[dispute.evaluation_id].opened
        if dispute.status == Dispute.Status.OPEN:
            still_open.add(url)
    notifications = list(
        Notification.objects.filter(url__in=[url for url, moment in moments.items() if moment])
    )
    unread_after = demo.now - timedelta(days=UNREAD_DAYS)
    for notification in notifications:
        notification.created_at = moments[notification.url]
        if notification.created_at < unread_after and notification.url not in still_open:
            notification.read_at = notification.created_at + timedelta(hours=demo.rng.uniform(1, 20))
    Notification.objects.bulk_update(notifications, ["created_at", "read_at"])

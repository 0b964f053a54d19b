"""The demo's recent QA activity: last week's sampling run and the reviewers' queues, evaluations, disputes and
calibration, with the demo logins' stories; then the older history (history.py) before it.

What a person does one step at a time goes through the real services: the sampling run, assigning by hand,
scoring, recording notes, acknowledgements, disputes and their resolution, calibration. Services stamp what
they do with the current time; the demo then moves each stamp back to when it would have happened (a
_Timeline per evaluation), so the pages show a center that has been at work for weeks. The notifications
those services write are real in-app ones; their emails are not sent, as they would announce events of past
weeks to every demo address.

Added in one transaction, and only while no demo call has been evaluated and no sampling has run. Every
random choice comes from one random.Random, in a fixed order: agents' skills, last week's scoring, the demo
logins' stories, calibration, the history (history.py), then when the notifications were read.
"""

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from calls.models import Call
from qa_center.demo.answers import (
    NA,
    REVIEWER_BIAS,
    Reviewing,
    agent_skills,
    apply_what_is_heard,
    best_value,
    draw_values,
    ensure_a_miss,
    feedback,
    step_value,
)
from qa_center.demo.calls import CALL_PREFIX, call_end, first_call_at
from qa_center.demo.history import seed_history
from qa_center.demo.people import DEMO_AGENT, MANAGER, REVIEWERS, demo_users
from qa_center.demo.recordings import line_start, script_of
from qa_center.demo.scorecards import CHOICE, MIN_TALK_SECONDS, YES_NO
from qa_center.people.models import Notification, User
from qa_center.people.notifications import in_app_only
from scorecards.calibration import services as calibration
from scorecards.disputes import services as disputes
from scorecards.evaluations import services
from scorecards.models import (
    Answer,
    Assignment,
    CalibrationSession,
    Criterion,
    Dispute,
    Evaluation,
    EvaluationChange,
    RecordingNote,
    SamplingRun,
    ScorecardVersion,
)
from scorecards.sampling.services import WEEK, SamplingPeriod, assign_call, previous_period, run_sampling
from scorecards.scoring import spec

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

#: Share of last week's sampled calls already scored; every reviewer keeps at least KEEP_OPEN to do.
COMPLETED_SHARE = 0.55
KEEP_OPEN = 4
#: When the weekly sampling runs (qa_center/celery.py beat schedule): Monday 02:30.
BEAT_WEEKDAY, BEAT_TIME = 0, timedelta(hours=2, minutes=30)
#: Notifications older than this have been read, except the managers' about disputes still open.
UNREAD_DAYS = 3


@dataclass(frozen=True)
class CalibrationPlan:
    """A calibration session: what it is for (its title says so), and per reviewer on how many criteria
    they hear the call otherwise than the manager's reference (judgement calls first: scales and choices)."""

    topic: str
    differences: Mapping[str, int]


#: The closed sessions, an easy call and a debated one (their agreement and alpha differ), and the open one.
CLOSED_CALIBRATIONS = (
    CalibrationPlan("Monthly calibration", {"reviewer": 1, "reviewer2": 0, "reviewer3": 1}),
    CalibrationPlan("Drawing the line", {"reviewer": 2, "reviewer2": 2, "reviewer3": 3}),
)
OPEN_CALIBRATION = CalibrationPlan("Before Friday's team meeting", {"reviewer2": 1})


#: The agents' reasons for disputing a criterion (the first disputed criterion gets the first reason).
DISPUTE_REASONS = [
    "I did this early in the call, before the customer's main question: please listen again from the first "
    "minute.",
    "I think this was scored too strictly: I did it, in my own words rather than the script's.",
    "The customer was in a hurry and asked me to keep it short; I wrote that in the ticket.",
]
UPHELD_NOTE = (
    "Listened to the call again with the reviewer: the answer stands. The step was skipped, and the guidance "
    "asks for it on every call. Happy to go through it in your next coaching session."
)
ADJUSTED_NOTE = (
    "You are right: it was done early in the call and the reviewer missed it. Answer corrected and the score "
    "recomputed."
)


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


@dataclass(kw_only=True)
class _Activity(Reviewing):
    sampled: SamplingPeriod  # the week the last beat run sampled
    ran_at: datetime  # when that run happened
    timelines: dict[int, _Timeline] = field(default_factory=dict)
    assigned_at: dict[int, datetime] = field(default_factory=dict)  # manual assignment id → when
    sessions: dict[int, tuple[datetime, datetime | None]] = field(default_factory=dict)  # created, closed

    def between(self, start: datetime, end: datetime) -> datetime:
        return start + (end - start) * self.rng.random() if end > start else end


def seed(request: "DemoRequest") -> Mapping[str, bool]:
    now = timezone.now()
    people = demo_users()
    # Nothing is mailed: the events are dated weeks back (see the module docstring).
    with in_app_only(), transaction.atomic():
        added = not _has_activity() and _seed_activity(
            rng=random.Random(request.seed), people=people, first_call_at=first_call_at(now), now=now
        )
        # The evaluations above are bulk-written around the services: their results go on the calls (the
        # call list's score and "evaluated" filter) in one UPDATE, on an older demo database too.
        services.record_results_on_calls()
    return {"activity_added": added}


def _has_activity() -> bool:
    """Demo calls were evaluated, or calls sampled: the center is at work, the demo adds no activity."""
    evaluated = Evaluation.objects.filter(call__external_id__startswith=CALL_PREFIX)
    return evaluated.exists() or SamplingRun.objects.exists()


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
    demo = _Activity(
        rng=rng,
        now=now,
        started=first_call_at,
        sampled=previous_period(kind=WEEK, today=timezone.localdate(ran_at)),
        ran_at=ran_at,
        people=people,
        skills=agent_skills(rng, agents),
        versions=versions,
    )

    run = _sample_last_week(demo)
    specials = _pick_special_calls(demo)
    _score_last_week(demo, run)
    _score_specials(demo, specials)
    _calibration(demo, specials)
    seed_history(demo, sampled=demo.sampled, exclude={call.pk for call in specials.all_calls()})
    _apply_timelines(demo)
    return True


# --- Last week's sampling run and the queues ---------------------------------------------------------------


def _last_beat(now: datetime) -> datetime:
    """The last weekly sampling run before `now`, in the center's time zone."""
    today = timezone.localdate(now)
    monday = today - timedelta(days=(today.weekday() - BEAT_WEEKDAY) % 7)
    beat = timezone.make_aware(datetime.combine(monday, datetime.min.time()) + BEAT_TIME)
    return beat if beat <= now else beat - timedelta(days=7)


def _sample_last_week(demo: _Activity) -> SamplingRun:
    """The last weekly beat run, through the real sampler."""
    run = run_sampling(period=demo.sampled)
    ran_at = demo.ran_at
    SamplingRun.objects.filter(pk=run.pk).update(created_at=ran_at)
    Assignment.objects.filter(sampling_run=run).update(
        created_at=ran_at, due_at=ran_at + timedelta(days=settings.QA_ASSIGNMENT_DUE_DAYS)
    )
    run.created_at = ran_at
    return run


def _score_last_week(demo: _Activity, run: SamplingRun) -> None:
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


def _score(
    demo: _Activity,
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

    A recorded call is answered as its script says where the recording lets a reviewer hear it, and its
    notes (`notes`) are the script's, pinned to the lines they are about (recordings.RecordingScript).
    draft_since: leave it a draft, half filled in, started in the last hours but not before this moment.
    with_a_miss: at least one criterion loses points (an evaluation the agent will dispute)."""
    if session is not None:
        evaluation = calibration.start_calibration_evaluation(session=session, reviewer=reviewer)
    else:
        evaluation = services.start_evaluation(assignment=assignment, call=call, reviewer=reviewer)
    outline = demo.outline(evaluation.version)
    moment = submitted or demo.now
    script = script_of(call)
    if values is None:
        values = draw_values(demo, outline, agent_id=call.agent_id, moment=moment, reviewer=reviewer)
        apply_what_is_heard(outline, values, script)
    if with_a_miss:
        ensure_a_miss(demo.rng, outline, values)
    strengths, improvements, comments = feedback(demo.rng, outline, values, script)
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
    if notes and script is not None:
        # Pinned just after the line each note is about starts (a note needs something heard to be about).
        for index, body in script.notes:
            at = line_start(call.transcript, index)
            if at is not None:
                services.add_recording_note(evaluation=evaluation, at_seconds=at + 1, body=body, by=reviewer)
    services.submit_evaluation(evaluation=evaluation, by=reviewer)
    # Scored after the call ended, in 12 to 45 minutes, after the call was assigned.
    ended = call_end(call)
    submitted = max(submitted or demo.now, min(ended + timedelta(minutes=45), demo.now))
    started = max(submitted - timedelta(minutes=demo.rng.randint(12, 45)), min(ended, submitted))
    demo.timelines[evaluation.pk] = _Timeline(created=started, submitted=submitted)
    if assignment is not None and assignment.pk in demo.assigned_at:
        demo.assigned_at[assignment.pk] = min(demo.assigned_at[assignment.pk], started)
    if acknowledged is not None and evaluation.agent_id is not None and session is None:
        disputes.acknowledge(evaluation=evaluation, by=evaluation.agent)
        demo.timelines[evaluation.pk].acknowledged = max(acknowledged, submitted + timedelta(minutes=5))
    return evaluation


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


def _free_calls(demo: _Activity):
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


def _pick_special_calls(demo: _Activity) -> _Specials:
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

    def coaching_point(call: Call) -> bool:
        script = script_of(call)
        return own(call) and script is not None and not script.exemplary

    # The demo agent's call to dispute shows their coaching points, when a recording of it does.
    specials.agent_disputable = (
        take(recorded, coaching_point) or take(recorded, own) or agent_call(timedelta(hours=3))
    )
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


def _score_specials(demo: _Activity, specials: _Specials) -> None:
    rng, now = demo.rng, demo.now
    manager, reviewer = demo.user(MANAGER), demo.user("reviewer")
    reviewers = [demo.user(name) for name in REVIEWERS]

    def scored_by(call: Call, preferred: str) -> User:
        if call.agent_id != demo.user(preferred).pk:
            return demo.user(preferred)
        return next(r for r in reviewers if r.pk != call.agent_id)

    def by_hand(call: Call, to: User, at: datetime) -> Assignment:
        assignment = assign_call(call=call, reviewer=to, assigned_by=manager)
        demo.assigned_at[assignment.pk] = max(at, call_end(call) + timedelta(minutes=10))
        return assignment

    # `agent`, yesterday: scored on the recording, with notes; still within the dispute window.
    if call := specials.agent_disputable:
        submitted = demo.between(max(call_end(call), now - timedelta(hours=20)), now - timedelta(hours=2))
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
        submitted = demo.between(max(call_end(call), now - timedelta(days=2)), now - timedelta(hours=1))
        assignment = by_hand(call, scored_by(call, "reviewer3"), submitted - timedelta(hours=5))
        _score(demo, call, assignment.reviewer, assignment=assignment, submitted=submitted, notes=True)

    # Open disputes: `agent`'s, and two other agents' on last week's evaluations.
    if call := specials.agent_disputed:
        submitted = min(call_end(call) + timedelta(hours=rng.randint(12, 30)), now - timedelta(days=2))
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
    # Recorded calls first, so a manager resolving a demo dispute has the recording and the notes beside it.
    candidates = sorted(
        rng.sample(recent, k=len(recent)), key=lambda evaluation: not evaluation.call.has_recording
    )
    for evaluation in candidates:
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


def _disputable_criteria(demo: _Activity, evaluation: Evaluation) -> list[tuple[Criterion, Answer]]:
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
    demo: _Activity,
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
        best = best_value(criterion)
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


def _calibration(demo: _Activity, specials: _Specials) -> None:
    """Two closed sessions (reviewer, reviewer2, reviewer3 and the manager's reference) and an open one in
    which `reviewer` still has to score. Sessions start after their call: the recordings are recent calls.
    The reviewers hear the calls a little differently (CLOSED_CALIBRATIONS), so the results show real
    disagreement, more on the debated call than on the easy one."""
    manager = demo.user(MANAGER)
    raters = [demo.user(name) for name in ("reviewer", "reviewer2", "reviewer3")]
    latest = demo.now - timedelta(minutes=15)
    for call, plan in zip(specials.closed_sessions, CLOSED_CALIBRATIONS, strict=False):
        created = min(call_end(call) + timedelta(minutes=30), latest - timedelta(hours=1))
        session = _open_session(demo, call, raters, plan=plan, created=created)
        reference = _calibration_answers(demo, session, manager)
        contested = _contested_criteria(demo, session, reference)
        moments = sorted(demo.between(created + timedelta(minutes=20), latest) for _rater in range(4))
        for position, (rater, at) in enumerate(zip((manager, *raters), moments, strict=True)):
            if rater == manager:
                values = reference
            else:
                count = plan.differences.get(rater.username, 0)
                values = _deviate(reference, contested, rater=rater, start=position - 1, count=count)
            _score_calibration(demo, session, rater, values, at=at, opened=created)
        calibration.close_if_complete(session=session)
        demo.sessions[session.pk] = (created, moments[-1] + timedelta(minutes=1))
    if call := specials.open_session:
        created = min(max(call_end(call) + timedelta(minutes=30), demo.now - timedelta(days=2)), latest)
        session = _open_session(
            demo, call, raters, plan=OPEN_CALIBRATION, created=created, deadline=demo.now + timedelta(days=3)
        )
        reference = _calibration_answers(demo, session, manager)
        contested = _contested_criteria(demo, session, reference)
        reviewer2, reviewer3 = raters[1], raters[2]
        moments = sorted(demo.between(created + timedelta(minutes=20), latest) for _rater in range(2))
        _score_calibration(demo, session, manager, reference, at=moments[0], opened=created)
        count = OPEN_CALIBRATION.differences.get(reviewer2.username, 0)
        deviating = _deviate(reference, contested, rater=reviewer2, start=0, count=count)
        _score_calibration(demo, session, reviewer2, deviating, at=moments[1], opened=created)
        _score(demo, call, reviewer3, session=session, draft_since=created)
        demo.sessions[session.pk] = (created, None)


def _open_session(
    demo: _Activity,
    call: Call,
    raters: list[User],
    *,
    plan: CalibrationPlan,
    created: datetime,
    deadline: datetime | None = None,
) -> CalibrationSession:
    agent = call.agent.first_name if call.agent else ""
    when = f"{timezone.localdate(call.started_at):%d %b}"
    title = f"{plan.topic}: {agent}'s {call.call_type.name.lower()} call of {when}"
    return calibration.create_session(
        call=call, reviewers=raters, created_by=demo.user(MANAGER), title=title, deadline=deadline
    )


def _score_calibration(
    demo: _Activity, session: CalibrationSession, rater: User, values: dict, *, at: datetime, opened: datetime
) -> None:
    """A participant scores the session's call at `at`, having started after the session `opened`."""
    evaluation = _score(demo, session.call, rater, session=session, values=values, submitted=at)
    started = at - min(timedelta(minutes=25), (at - opened) / 2)
    demo.timelines[evaluation.pk] = _Timeline(created=started, submitted=at)


def _calibration_answers(demo: _Activity, session: CalibrationSession, manager: User) -> dict:
    """The manager's reference: the call as its recording lets it be heard (its script), the rest drawn."""
    outline = demo.outline(session.version)
    values = draw_values(demo, outline, agent_id=session.call.agent_id, moment=demo.now, reviewer=manager)
    apply_what_is_heard(outline, values, script_of(session.call))
    return values


def _contested_criteria(demo: _Activity, session: CalibrationSession, reference: Mapping) -> list[Criterion]:
    """The criteria reviewers may hear otherwise, most debatable first: scales and choices (judgement calls),
    then yes/no; never a critical one (the rule is clear) nor one the reference found not applicable."""
    criteria = [
        criterion
        for criterion in spec.criteria_by_id(demo.outline(session.version)).values()
        if not criterion.critical_scope and reference.get(criterion.pk, NA) is not NA
    ]
    judgement = [criterion for criterion in criteria if criterion.kind != YES_NO]
    plain = [criterion for criterion in criteria if criterion.kind == YES_NO]
    demo.rng.shuffle(judgement)
    demo.rng.shuffle(plain)
    return judgement + plain


def _deviate(reference: Mapping, contested: list[Criterion], *, rater: User, start: int, count: int) -> dict:
    """The reference answers as `rater` heard the call: `count` criteria a step apart, the most debated first
    from `start` on (each reviewer starts one place further down, so they disagree partly on the same ones).
    A lenient reviewer steps up, a strict one down, the others either way; at the end of a scale, the other way."""
    bias = REVIEWER_BIAS.get(rater.username, 0.0)
    values = dict(reference)
    offset = start % max(1, len(contested))
    order = contested[offset:] + contested[:offset]
    changed = 0
    for index, criterion in enumerate(order):
        if changed >= count:
            break
        preferred = 1 if bias > 0 else -1 if bias < 0 else (1 if index % 2 else -1)
        for step in (preferred, -preferred):
            value = step_value(criterion, reference[criterion.pk], step)
            if value != reference[criterion.pk]:
                values[criterion.pk] = value
                changed += 1
                break
    return values


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


def _apply_timelines(demo: _Activity) -> None:
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


def _date_notifications(demo: _Activity, evaluations: list[Evaluation], dispute_rows: list[Dispute]) -> None:
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

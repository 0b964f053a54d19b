"""Sampling: which calls go into the reviewers' queues, and who reviews them (DESIGN.md capability 3).

A run covers one period (an ISO week or a calendar month) and applies every active rule of that period
kind, per call type and per agent. It is random but reproducible: the seed is derived from the period
("2026-W46", "2026-05") and stored on the SamplingRun, candidates are sorted by id before a `random.Random`
seeded with "seed:call type:agent" draws from them, so the same seed over the same data picks the same calls.
Re-running a period tops each agent up to the quota: calls already assigned or evaluated count towards it and
are never drawn again. Picked calls are spread over the active reviewers, fewest open assignments first,
never to the call's own agent.
"""

import calendar
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from calls.models import Call
from qa_center.people.models import User
from scorecards.models import Assignment, Evaluation, SamplingRule, SamplingRun, ScorecardVersion

# Why a rule was not applied, stored as a code in the report and put into words by the template.
SKIPPED_NO_SCORECARD = "no_published_scorecard"
WEEK = SamplingRule.Period.WEEK
MONTH = SamplingRule.Period.MONTH


def assignment_due_days() -> int:
    return settings.QA_ASSIGNMENT_DUE_DAYS


# --- Periods --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SamplingPeriod:
    """A week (Monday to Sunday) or a calendar month, in the center's time zone; `end` is its last day."""

    kind: str
    start: date
    end: date

    @property
    def seed(self) -> str:
        if self.kind == WEEK:
            year, week, _weekday = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start:%Y-%m}"

    def datetime_range(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: calls that started on any day of the period."""
        zone = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), zone),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone),
        )


def period_containing(*, kind: str, day: date) -> SamplingPeriod:
    if kind == WEEK:
        start = day - timedelta(days=day.weekday())
        return SamplingPeriod(kind=kind, start=start, end=start + timedelta(days=6))
    if kind == MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return SamplingPeriod(kind=kind, start=day.replace(day=1), end=day.replace(day=last))
    raise ValueError(f"unknown sampling period {kind!r}")


def previous_period(*, kind: str, today: date) -> SamplingPeriod:
    """The last complete period before `today`: what the beat schedule samples."""
    current = period_containing(kind=kind, day=today)
    return period_containing(kind=kind, day=current.start - timedelta(days=1))


# --- Querysets the sampler and the manual assignment share --------------------------------------------


def _live_assignment_of_call() -> QuerySet:
    return Assignment.objects.filter(call=OuterRef("pk")).exclude(status=Assignment.Status.CANCELLED)


def _regular_evaluation_of_call() -> QuerySet:
    return Evaluation.objects.regular().filter(call=OuterRef("pk"))


def _published_version_of_call_type(call_type_ref: str) -> QuerySet:
    return ScorecardVersion.objects.published().filter(scorecard__call_type=OuterRef(call_type_ref))


def _qualifying_calls(*, rule: SamplingRule, calls: QuerySet) -> QuerySet:
    """The calls of `calls` that the rule allows a reviewer to score."""
    if rule.require_answered:
        calls = calls.filter(answered=True)
    if rule.require_recording:
        calls = calls.with_recording()
    if rule.min_talk_seconds:
        calls = calls.filter(talk_seconds__gte=rule.min_talk_seconds)
    return calls


def has_published_scorecard(*, call_type_id: int | None) -> bool:
    if call_type_id is None:
        return False
    return ScorecardVersion.objects.published().filter(scorecard__call_type_id=call_type_id).exists()


def eligible_reviewers() -> QuerySet:
    """Who may be given calls to score: active users with the reviewer role."""
    return User.objects.filter(is_reviewer=True, is_active=True)


# --- The sampler ----------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class _Pick:
    call_id: int
    agent_id: int
    row: dict  # the report row of this call's agent, whose "picked" counts assigned calls


def _person_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def _draw(*, seed: str, call_type_id: int, agent_id: int, candidates: list[int], k: int) -> list[int]:
    """k of the candidates, the same k for the same seed and candidates (sorted first: order is not data)."""
    rng = random.Random(f"{seed}:{call_type_id}:{agent_id}")
    return rng.sample(sorted(candidates), k=min(k, len(candidates)))


def _sample_rule(*, rule: SamplingRule, period: SamplingPeriod, seed: str) -> tuple[dict, list[_Pick]]:
    """Apply one rule: per agent, how many calls are needed to reach the quota, and which ones are drawn."""
    start, end = period.datetime_range()
    in_period = Call.objects.filter(
        call_type_id=rule.call_type_id, started_at__gte=start, started_at__lt=end, agent__isnull=False
    )
    reviewed = Q(Exists(_live_assignment_of_call())) | Q(Exists(_regular_evaluation_of_call()))
    per_agent = (
        in_period.values("agent_id", "agent__first_name", "agent__last_name", "agent__username")
        .annotate(calls=Count("id"), already=Count("id", filter=reviewed))
        .order_by("agent_id")
    )
    # A call whose assignment was cancelled was judged unsuitable: it is not drawn again (a manager may still
    # assign it by hand).
    candidates_by_agent: dict[int, list[int]] = defaultdict(list)
    candidates = (
        _qualifying_calls(rule=rule, calls=in_period)
        .exclude(Exists(Assignment.objects.filter(call=OuterRef("pk"))))
        .exclude(Exists(_regular_evaluation_of_call()))
        .values_list("agent_id", "id")
        .order_by()
    )
    for agent_id, call_id in candidates:
        candidates_by_agent[agent_id].append(call_id)

    rows, picks = [], []
    for stats in per_agent:
        agent_id = stats["agent_id"]
        pool = candidates_by_agent.get(agent_id, [])
        needed = max(0, rule.calls_per_agent - stats["already"])
        drawn = _draw(seed=seed, call_type_id=rule.call_type_id, agent_id=agent_id, candidates=pool, k=needed)
        row = {
            "agent_id": agent_id,
            "agent": _person_name(
                stats["agent__first_name"], stats["agent__last_name"], stats["agent__username"]
            ),
            "calls": stats["calls"],
            "already_sampled": stats["already"],
            "candidates": len(pool),
            "quota": rule.calls_per_agent,
            "picked": 0,
            "no_reviewer": 0,
            "shortfall": 0,
        }
        rows.append(row)
        picks.extend(_Pick(call_id=call_id, agent_id=agent_id, row=row) for call_id in drawn)
    return {
        "rule_id": rule.pk,
        "call_type_id": rule.call_type_id,
        "call_type": rule.call_type.name,
        "calls_per_agent": rule.calls_per_agent,
        "skipped": "",
        "agents": rows,
    }, picks


def _spread(*, picks: list[_Pick], reviewers: list[User], seed: str) -> dict[int, int]:
    """call id → reviewer id, keeping open assignments balanced; a reviewer never gets their own calls.

    Least loaded reviewer first; ties are broken by a seeded order so that no reviewer is always first.
    Calls of agents who are also reviewers go first, while the others can still take them without
    unbalancing the queues.
    """
    rng = random.Random(f"{seed}:reviewers")
    order = sorted(reviewers, key=lambda reviewer: reviewer.pk)
    rng.shuffle(order)
    rank = {reviewer.pk: position for position, reviewer in enumerate(order)}
    load = {reviewer.pk: reviewer.open_assignments for reviewer in reviewers}
    reviewer_ids = set(load)
    chosen: dict[int, int] = {}
    for pick in sorted(picks, key=lambda p: (p.agent_id not in reviewer_ids, p.call_id)):
        eligible = [pk for pk in load if pk != pick.agent_id]
        if not eligible:
            continue
        reviewer_id = min(eligible, key=lambda pk: (load[pk], rank[pk]))
        load[reviewer_id] += 1
        chosen[pick.call_id] = reviewer_id
    return chosen


def _report_totals(rule_reports: list[dict]) -> dict:
    """Sums over a run's report rows, stored with it so that the list of runs need not read every row."""
    rows: Iterable[dict] = (row for rule in rule_reports for row in rule["agents"])
    totals = {"agents": 0, "candidates": 0, "picked": 0, "shortfall": 0, "no_reviewer": 0}
    for row in rows:
        totals["agents"] += 1
        for key in ("candidates", "picked", "shortfall", "no_reviewer"):
            totals[key] += row.get(key, 0)
    return totals


def _active_rules(kind: str) -> QuerySet:
    return (
        SamplingRule.objects.filter(is_active=True, period=kind)
        .select_related("call_type")
        .annotate(has_published_scorecard=Exists(_published_version_of_call_type("call_type_id")))
        .order_by("call_type__name", "pk")
    )


@transaction.atomic
def run_sampling(
    *, period: SamplingPeriod, seed: str | None = None, created_by: User | None = None
) -> SamplingRun:
    """Sample the calls of `period` under the active rules of its kind and assign them; return the run.

    The seed defaults to the period's own ("2026-W46"), so a scheduled run and a manual re-run agree.
    """
    seed = seed or period.seed
    # Locking the rules serialises concurrent runs (PostgreSQL); SQLite's IMMEDIATE transactions already do.
    rules = list(_active_rules(period.kind).select_for_update(of=("self",)))
    rule_reports, picks = [], []
    for rule in rules:
        if not rule.has_published_scorecard:
            rule_reports.append(
                {
                    "rule_id": rule.pk,
                    "call_type_id": rule.call_type_id,
                    "call_type": rule.call_type.name,
                    "calls_per_agent": rule.calls_per_agent,
                    "skipped": SKIPPED_NO_SCORECARD,
                    "agents": [],
                }
            )
            continue
        report, rule_picks = _sample_rule(rule=rule, period=period, seed=seed)
        rule_reports.append(report)
        picks.extend(rule_picks)

    reviewers = list(
        eligible_reviewers()
        .annotate(open_assignments=Count("assignments", filter=Q(assignments__status=Assignment.Status.OPEN)))
        .order_by("pk")
    )
    chosen = _spread(picks=picks, reviewers=reviewers, seed=seed)
    for pick in picks:
        if pick.call_id in chosen:
            pick.row["picked"] += 1
        else:
            pick.row["no_reviewer"] += 1
    for report in rule_reports:
        for row in report["agents"]:
            row["shortfall"] = max(0, row["quota"] - row["already_sampled"] - row["picked"])

    assigned_per_reviewer: dict[int, int] = defaultdict(int)
    for reviewer_id in chosen.values():
        assigned_per_reviewer[reviewer_id] += 1
    run = SamplingRun.objects.create(
        period_start=period.start,
        period_end=period.end,
        seed=seed,
        assignments_created=len(chosen),
        created_by=created_by,
        report={
            "period": period.kind,
            "label": period.seed,
            "totals": _report_totals(rule_reports),
            "rules": rule_reports,
            "reviewers": [
                {
                    "reviewer_id": reviewer.pk,
                    "reviewer": _person_name(reviewer.first_name, reviewer.last_name, reviewer.username),
                    "open_before": reviewer.open_assignments,
                    "assigned": assigned_per_reviewer.get(reviewer.pk, 0),
                }
                for reviewer in reviewers
            ],
        },
    )
    due_at = timezone.now() + timedelta(days=assignment_due_days())
    Assignment.objects.bulk_create(
        Assignment(call_id=call_id, reviewer_id=reviewer_id, sampling_run=run, due_at=due_at)
        for call_id, reviewer_id in sorted(chosen.items())
    )
    return run


# --- Rules ----------------------------------------------------------------------------------------------


def deactivate_rule(*, rule: SamplingRule) -> bool:
    """Stop applying a rule; False when it was already inactive (the UPDATE matched nothing)."""
    return bool(SamplingRule.objects.filter(pk=rule.pk, is_active=True).update(is_active=False))


# --- Manual assignment ----------------------------------------------------------------------------------


def _check_reviewer_for_call(*, reviewer: User, call: Call) -> None:
    if not (reviewer.is_reviewer and reviewer.is_active):
        raise ValidationError(
            _("%(name)s does not hold the QA reviewer role.") % {"name": reviewer}, code="not_reviewer"
        )
    if call.agent_id is not None and reviewer.pk == call.agent_id:
        raise ValidationError(_("A reviewer may not score their own call."), code="own_call")


def assign_call(
    *, call: Call, reviewer: User, assigned_by: User | None, due_at: datetime | None = None
) -> Assignment:
    """Put `call` in `reviewer`'s queue by hand. ValidationError says why when that is not allowed."""
    _check_reviewer_for_call(reviewer=reviewer, call=call)
    if not has_published_scorecard(call_type_id=call.call_type_id):
        raise ValidationError(
            _("This call's type has no published scorecard to score it on."), code="no_scorecard"
        )
    # A second regular evaluation would count the call twice in the agent's scores. Asked first: a sampled
    # call that was scored also has its (done) assignment, and "evaluated by" is what the manager needs to read.
    evaluation = (
        Evaluation.objects.regular().filter(call=call).select_related("reviewer").order_by("pk").first()
    )
    if evaluation is not None and evaluation.status == Evaluation.Status.DRAFT:
        raise ValidationError(
            _("%(reviewer)s is already scoring this call (a draft since %(day)s).")
            % {
                "reviewer": evaluation.reviewer,
                "day": date_format(evaluation.created_at, "SHORT_DATE_FORMAT"),
            },
            code="being_evaluated",
        )
    if evaluation is not None:
        raise ValidationError(
            _("This call has already been evaluated by %(reviewer)s on %(day)s.")
            % {
                "reviewer": evaluation.reviewer,
                "day": date_format(evaluation.submitted_at, "SHORT_DATE_FORMAT"),
            },
            code="already_evaluated",
        )
    live = (
        Assignment.objects.filter(call=call)
        .exclude(status=Assignment.Status.CANCELLED)
        .select_related("reviewer")
        .first()
    )
    if live is not None:
        raise ValidationError(
            _("This call is already in %(reviewer)s's queue.") % {"reviewer": live.reviewer},
            code="already_assigned",
        )
    if due_at is None:
        due_at = timezone.now() + timedelta(days=assignment_due_days())
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                call=call, reviewer=reviewer, assigned_by=assigned_by, due_at=due_at
            )
    except IntegrityError:
        # Another request assigned it between our check and the INSERT: the unique constraint decided.
        raise ValidationError(
            _("This call is already in a reviewer's queue."), code="already_assigned"
        ) from None


# --- Targeted extra reviews -----------------------------------------------------------------------------


def assign_extra_calls(
    *, agent: User, since: datetime, count: int, seed: str, assigned_by: User | None = None
) -> list[Assignment]:
    """Up to `count` more calls of `agent` that started at or after `since`, put in the reviewers' queues (e.g. a
    coaching follow-up measuring its effect). Drawn like the sampler's: calls whose type has a published
    scorecard, answered, never assigned nor evaluated, chosen reproducibly from `seed`, spread over the least
    loaded reviewers but never to the agent. Fewer (or none) when the agent has not taken enough calls yet.

    Two callers racing for the same call: the unique constraint on live assignments decides, and the loser
    gets [] (and may ask again later)."""
    if count < 1:
        return []
    candidates = list(
        Call.objects.filter(agent=agent, started_at__gte=since, answered=True)
        .filter(Exists(_published_version_of_call_type("call_type_id")))
        .exclude(Exists(Assignment.objects.filter(call=OuterRef("pk"))))
        .exclude(Exists(_regular_evaluation_of_call()))
        .values_list("pk", flat=True)
        .order_by()
    )
    drawn = _draw(seed=seed, call_type_id=0, agent_id=agent.pk, candidates=candidates, k=count)
    reviewers = list(
        eligible_reviewers()
        .annotate(open_assignments=Count("assignments", filter=Q(assignments__status=Assignment.Status.OPEN)))
        .order_by("pk")
    )
    picks = [_Pick(call_id=call_id, agent_id=agent.pk, row={}) for call_id in drawn]
    chosen = _spread(picks=picks, reviewers=reviewers, seed=seed)
    due_at = timezone.now() + timedelta(days=assignment_due_days())
    try:
        with transaction.atomic():
            return Assignment.objects.bulk_create(
                Assignment(call_id=call_id, reviewer_id=reviewer_id, assigned_by=assigned_by, due_at=due_at)
                for call_id, reviewer_id in sorted(chosen.items())
            )
    except IntegrityError:
        return []


def _check_open_and_not_started(assignment: Assignment) -> None:
    if assignment.status != Assignment.Status.OPEN:
        raise ValidationError(_("This assignment is no longer open."), code="not_open")
    if Evaluation.objects.filter(assignment=assignment).exists():
        raise ValidationError(_("The reviewer has already started scoring this call."), code="started")


def reassign(*, assignment: Assignment, reviewer: User, by: User | None) -> Assignment:
    """Move an open, not yet started assignment to another reviewer."""
    _check_open_and_not_started(assignment)
    _check_reviewer_for_call(reviewer=reviewer, call=assignment.call)
    if reviewer.pk == assignment.reviewer_id:
        raise ValidationError(
            _("This call is already in %(name)s's queue.") % {"name": reviewer}, code="same"
        )
    updated = Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.OPEN).update(
        reviewer=reviewer, assigned_by=by
    )
    if not updated:
        raise ValidationError(_("This assignment is no longer open."), code="not_open")
    assignment.reviewer, assignment.assigned_by = reviewer, by
    return assignment


def cancel_assignment(*, assignment: Assignment) -> None:
    """Take an open, not yet started assignment out of the queue; the sampler will not draw its call again."""
    _check_open_and_not_started(assignment)
    updated = Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.OPEN).update(
        status=Assignment.Status.CANCELLED
    )
    if not updated:
        raise ValidationError(_("This assignment is no longer open."), code="not_open")
    assignment.status = Assignment.Status.CANCELLED


# --- Reads for the queue pages --------------------------------------------------------------------------


def recent_runs(*, limit: int) -> QuerySet:
    """The latest runs with their totals, without loading each run's (possibly long) per-agent report."""
    return (
        SamplingRun.objects.select_related("created_by")
        .defer("report")
        .annotate(shortfall=Cast(KT("report__totals__shortfall"), IntegerField()))
        .order_by("-created_at", "-pk")[:limit]
    )


def rules_overview() -> QuerySet:
    return (
        SamplingRule.objects.select_related("call_type")
        .annotate(has_published_scorecard=Exists(_published_version_of_call_type("call_type_id")))
        .order_by("-is_active", "call_type__name", "pk")
    )


def reviewer_workload() -> QuerySet:
    """Active reviewers with their number of open assignments (one GROUP BY)."""
    return (
        eligible_reviewers()
        .annotate(open_assignments=Count("assignments", filter=Q(assignments__status=Assignment.Status.OPEN)))
        .order_by("first_name", "last_name", "username")
    )


def open_assignments() -> QuerySet:
    return (
        Assignment.objects.filter(status=Assignment.Status.OPEN)
        .select_related("call", "call__agent", "call__call_type", "reviewer")
        .order_by("-created_at", "-pk")
    )


#: How a reviewer may sort their queue: soonest due first (the default), by the call's time, by its length.
QUEUE_ORDERS = {
    "due": (F("due_at").asc(nulls_last=True), "call__started_at", "pk"),
    "oldest": ("call__started_at", "pk"),
    "newest": ("-call__started_at", "-pk"),
    "longest": (F("call__talk_seconds").desc(nulls_last=True), "pk"),
    "shortest": (F("call__talk_seconds").asc(nulls_last=True), "pk"),
}


def queue_of(
    *,
    reviewer: User,
    call_type_id: int | None = None,
    agent_id: int | None = None,
    has_recording: bool | None = None,
    order: str = "due",
) -> QuerySet:
    """The reviewer's calls still to score (not started yet: started ones are drafts), soonest due first
    unless `order` (a QUEUE_ORDERS key) says otherwise; narrowed by call type, agent and recording."""
    queryset = Assignment.objects.filter(
        reviewer=reviewer, status=Assignment.Status.OPEN, evaluation__isnull=True
    )
    if call_type_id is not None:
        queryset = queryset.filter(call__call_type_id=call_type_id)
    if agent_id is not None:
        queryset = queryset.filter(call__agent_id=agent_id)
    if has_recording is True:
        queryset = queryset.exclude(call__recording_file="", call__recording_url="")
    elif has_recording is False:
        queryset = queryset.filter(call__recording_file="", call__recording_url="")
    return queryset.select_related("call", "call__agent", "call__call_type").order_by(*QUEUE_ORDERS[order])


def drafts_of(*, reviewer: User) -> QuerySet:
    return (
        Evaluation.objects.regular()
        .filter(reviewer=reviewer, status=Evaluation.Status.DRAFT)
        .select_related("call", "call__call_type", "agent")
        .order_by("-updated_at", "-pk")
    )


def recently_submitted_by(*, reviewer: User, limit: int = 10) -> QuerySet:
    return (
        Evaluation.objects.regular()
        .submitted()
        .filter(reviewer=reviewer)
        .select_related("call", "call__call_type", "agent")
        .order_by("-submitted_at", "-pk")[:limit]
    )

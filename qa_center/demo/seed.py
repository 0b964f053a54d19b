"""`seed_demo`'s steps, in the order they run, and the summary the command prints.

Each step seeds one thing (one module each), builds on the steps before it, and is idempotent on its own: run
again, it adds only what is missing. A step reads the clock when it starts and returns what it added
({name: how many}); the summary then counts what the database holds.
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from calls import kpis as call_kpis
from calls.models import Call, CallType, Escalation, SurveyResponse
from coaching.models import ActionItem, CoachingSession, LibraryEntry
from qa_center.demo import (
    activity,
    calls,
    coaching,
    escalations,
    follow_ups,
    improvements,
    library,
    people,
    recordings,
    scorecards,
    snapshots,
    targets,
)
from qa_center.people.models import Notification, Team, User
from qa_center.rates import rate
from scorecards.models import (
    Assignment,
    CalibrationSession,
    CriterionComment,
    Dispute,
    Evaluation,
    SamplingRule,
    Scorecard,
    ScorecardVersion,
)

DEFAULT_SEED = 2026
DEFAULT_CALLS = 20_000
DEFAULT_DAYS = 90


class DemoDataRefused(Exception):
    """Demo data would be written into a database that may be production's."""


@dataclass(frozen=True)
class DemoRequest:
    calls: int = DEFAULT_CALLS
    days: int = DEFAULT_DAYS
    seed: int = DEFAULT_SEED  # same seed, same data
    recordings: bool = True


Step = Callable[[DemoRequest], Mapping[str, int]]

#: In order: people before their calls, calls before their recordings and scorecards, scorecards before the
#: QA activity on them, the recordings and evaluations before the library entries on them, the library before
#: the coaching sessions whose agendas suggest its calls.
STEPS: list[Step] = [
    people.seed,  # teams, people, roles and logins
    calls.seed,  # call types; calls with surveys and escalations
    recordings.seed,  # a dozen playable recordings with transcripts
    scorecards.seed,  # scorecards and their versions, comments on criteria, sampling rules
    activity.seed,  # queues, evaluations, disputes, calibration, and the older history
    library.seed,  # the exemplary-call library on the recordings, and a nomination waiting
    coaching.seed,  # the team leads' coaching sessions (their agendas pick library calls): held, missed, ...
    escalations.seed,  # the escalation matrix: levels, departments and rules (some the calls do not follow)
    snapshots.seed,  # the KPI snapshots of every day with calls or evaluations
    targets.seed,  # KPI targets (center-wide, a few team and call-type overrides) and industry benchmarks
    follow_ups.seed,  # NPS follow-ups: older call-backs and referral invitations done, the last days' waiting
    improvements.seed,  # two improvement actions: one done with its effect visible, one open from a criterion
]


@dataclass(frozen=True)
class DemoSummary:
    teams: int
    agents: int
    reviewers: int
    team_leads: int
    qa_managers: int
    call_types: int
    calls: int
    new_calls: int
    inbound: int
    inbound_answered: int
    inbound_with_outcome: int
    answered: int
    resolved: int
    surveys: int
    escalations: int
    recordings: int
    new_recordings: int
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
    coaching_sessions: int
    held_coaching_sessions: int
    open_action_items: int
    library_entries: int  # approved
    pending_nominations: int
    new_library_entries: int
    activity_added: bool
    seconds: float

    @property
    def answer_rate(self) -> float | None:
        """Answered ÷ inbound calls with a known outcome (calls.kpis, as the KPI snapshots count)."""
        return rate(self.inbound_answered, self.inbound_with_outcome)


def seed_demo(request: DemoRequest, *, allow_production: bool = False) -> DemoSummary:
    """Build (or complete) the demo center, step by step. Refuses when DEBUG is off unless `allow_production`."""
    if not settings.DEBUG and not allow_production:
        raise DemoDataRefused(
            _(
                "Refusing to load demo data: DEBUG is off, so this may be a production database. "
                "Run with DJANGO_DEBUG=1, or pass --allow-production if you really want demo data here."
            )
        )
    if request.calls < 0 or request.days < 1:
        raise ValueError("calls must be >= 0 and days >= 1")
    began = time.monotonic()
    added: dict[str, int] = {}
    for step in STEPS:
        added.update(step(request))
        _analyze()
    return _summary(added, began=began)


def _analyze() -> None:
    """On PostgreSQL, the planner's statistics of what a step just wrote. Freshly filled tables look empty to it
    until autovacuum analyses them, which it never does while the rows are uncommitted (the tests seed inside a
    transaction); planned for empty tables, a query of the next step or of a page nests loops over thousands of
    rows (the demo agent's coaching effect took over 15 minutes of CPU on 800 calls so). SQLite plans by its
    indexes and needs nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _summary(added: Mapping[str, int], *, began: float) -> DemoSummary:
    demo_calls = Call.objects.filter(external_id__startswith=calls.CALL_PREFIX)
    kpi_counts = call_kpis.call_counts(service_level_seconds=0)
    call_counts = demo_calls.aggregate(
        **{
            name: kpi_counts[name]
            for name in ("calls", "inbound", "inbound_answered", "inbound_with_outcome")
        },
        answered=Count("id", filter=Q(answered=True)),
        resolved=Count("id", filter=Q(resolved=True)),
        recordings=Count("id", filter=~Q(recording_file="")),
    )
    usernames = [person.username for person in people.demo_people()]
    people_counts = User.objects.filter(username__in=usernames).aggregate(
        agents=Count("id", filter=Q(is_agent=True)),
        reviewers=Count("id", filter=Q(is_reviewer=True)),
        team_leads=Count("id", filter=Q(is_team_lead=True)),
        qa_managers=Count("id", filter=Q(is_qa_manager=True)),
    )
    evaluations = Evaluation.objects.regular().aggregate(
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
    coaching_counts = CoachingSession.objects.aggregate(
        all=Count("id"), held=Count("id", filter=Q(status=CoachingSession.Status.COMPLETED))
    )
    return DemoSummary(
        coaching_sessions=coaching_counts["all"],
        held_coaching_sessions=coaching_counts["held"],
        open_action_items=ActionItem.objects.filter(done_at__isnull=True).count(),
        teams=Team.objects.filter(name__in=list(people.TEAM_LEADS)).count(),
        call_types=CallType.objects.filter(slug__in=list(calls.CALL_TYPES)).count(),
        new_calls=added.get("new_calls", 0),
        surveys=SurveyResponse.objects.filter(call__external_id__startswith=calls.CALL_PREFIX).count(),
        escalations=Escalation.objects.filter(external_id__startswith=calls.ESCALATION_PREFIX).count(),
        new_recordings=added.get("new_recordings", 0),
        scorecards=Scorecard.objects.count(),
        new_scorecards=added.get("new_scorecards", 0),
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
        library_entries=LibraryEntry.objects.approved().count(),
        pending_nominations=LibraryEntry.objects.pending().count(),
        new_library_entries=added.get("new_library_entries", 0),
        activity_added=bool(added.get("activity_added")),
        seconds=time.monotonic() - began,
        **call_counts,
        **people_counts,
    )

"""Read queries for the call pages: the filtered, sorted call list, what a call's detail page shows, the
home page's figures, and the resolution rate.

Every page's query starts from `Call.objects.visible_to(user)`: the one access rule for calls.

Resolution belongs to the case (DESIGN.md: "a case is resolved once, however many contacts it had"). The
model chosen: no separate case table; a case is the set of calls that share a case id, and a call without
one is its own case. A case is resolved when one of its calls carries `resolved` (the helpdesk webhook,
calls.services.resolve_case, marks the case's answered contacts only, so an abandoned contact is never
"resolved" by it). `resolution_rate` therefore counts distinct case ids plus the calls without one: a case
with three contacts counts once received and at most once resolved, in one aggregate query that a KPI can
run over any queryset of calls (a period, a team, an agent).

An unknown outcome (`answered` neither true nor false) is in no answer-rate denominator: it is neither
answered nor abandoned.
"""

import functools
import operator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from calls.models import Call, CallType, Escalation
from qa_center.people.models import Team, User
from qa_center.rates import rate

# NPS answer bands (DESIGN.md): promoters 9–10, passives 7–8, detractors 0–6.
NPS_BANDS: dict[str, tuple[int, int]] = {
    "promoter": (9, 10),
    "passive": (7, 8),
    "detractor": (0, 6),
}

# Sort keys offered on the list → the columns they order by (a whitelist: nothing else reaches order_by).
SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "started_at": ("started_at",),
    "agent": ("agent__first_name", "agent__last_name", "agent__username"),
    "call_type": ("call_type__name",),
    "wait": ("wait_total",),
    "handle": ("handle_total",),
}
DEFAULT_SORT = "-started_at"
CASE_CALLS_LIMIT = 10


@dataclass(frozen=True, kw_only=True)
class CallFilters:
    """The call list's filters; None (or empty) means "any"."""

    q: str = ""
    case: str = ""
    agent: User | None = None
    team: Team | None = None
    call_type: CallType | None = None
    direction: str = ""
    date_from: date | None = None
    date_to: date | None = None
    answered: bool | None = None
    resolved: bool | None = None
    escalated: bool | None = None
    has_recording: bool | None = None
    nps: str = ""
    csat_min: int | None = None
    csat_max: int | None = None


def nps_band(nps: int | None) -> str | None:
    if nps is None:
        return None
    return next(band for band, (low, high) in NPS_BANDS.items() if low <= nps <= high)


def normalise_sort(value: str | None) -> str:
    """The requested sort if it is one we offer ("agent" or "-agent"), else the default."""
    if value and value.removeprefix("-") in SORT_COLUMNS:
        return value
    return DEFAULT_SORT


def _seconds_total(*fields: str):
    """Sum of duration fields where unknown parts count as 0, but all parts unknown stays unknown."""
    all_unknown = {f"{field}__isnull": True for field in fields}
    total = functools.reduce(operator.add, (Coalesce(F(field), 0) for field in fields))
    return Case(When(**all_unknown, then=Value(None)), default=total, output_field=IntegerField())


def _start_of_day(day: date) -> datetime:
    """Midnight of `day` in the current (the user's) time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _filter(queryset: QuerySet[Call], filters: CallFilters) -> QuerySet[Call]:
    if filters.q:
        queryset = queryset.filter(
            Q(external_id__icontains=filters.q)
            | Q(case_id__icontains=filters.q)
            | Q(customer_id__icontains=filters.q)
        )
    if filters.case:
        queryset = queryset.filter(case_id=filters.case)
    if filters.agent is not None:
        queryset = queryset.filter(agent=filters.agent)
    if filters.team is not None:
        queryset = queryset.filter(team=filters.team)
    if filters.call_type is not None:
        queryset = queryset.filter(call_type=filters.call_type)
    if filters.direction:
        queryset = queryset.filter(direction=filters.direction)
    if filters.date_from is not None:
        queryset = queryset.filter(started_at__gte=_start_of_day(filters.date_from))
    if filters.date_to is not None:
        queryset = queryset.filter(started_at__lt=_start_of_day(filters.date_to + timedelta(days=1)))
    if filters.answered is not None:
        queryset = queryset.filter(answered=filters.answered)
    if filters.resolved is not None:
        queryset = queryset.filter(resolved=filters.resolved)
    if filters.escalated is not None:
        queryset = queryset.filter(has_escalation=filters.escalated)
    if filters.has_recording is True:
        queryset = queryset.with_recording()
    elif filters.has_recording is False:
        queryset = queryset.filter(recording_file="", recording_url="")
    if filters.nps:
        low, high = NPS_BANDS[filters.nps]
        queryset = queryset.filter(survey_nps__gte=low, survey_nps__lte=high)
    if filters.csat_min is not None:
        queryset = queryset.filter(survey_csat__gte=filters.csat_min)
    if filters.csat_max is not None:
        queryset = queryset.filter(survey_csat__lte=filters.csat_max)
    return queryset


def _ordering(sort: str) -> list:
    sort = normalise_sort(sort)
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    # Unknown values (no agent, no wait recorded) go last whichever the direction.
    columns = [
        F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
        for column in SORT_COLUMNS[key]
    ]
    # A total order, so that pages never repeat or skip a call.
    if key == "started_at":
        return [*columns, "-id" if descending else "id"]
    return [*columns, "-started_at", "-id"]


def calls_for_list(*, user: User, filters: CallFilters, sort: str = DEFAULT_SORT) -> QuerySet[Call]:
    """The calls `user` may see that match `filters`, with every flag the list shows annotated.

    One query per page whatever the number of rows: related rows come by join, flags by annotation.
    """
    queryset = (
        Call.objects.visible_to(user)
        .select_related("agent", "team", "call_type")
        .defer("transcript")
        .annotate(
            has_escalation=Exists(Escalation.objects.filter(call=OuterRef("pk"))),
            survey_nps=F("survey__nps"),
            survey_csat=F("survey__csat"),
            wait_total=_seconds_total("ivr_wait_seconds", "queue_wait_seconds"),
            handle_total=_seconds_total("talk_seconds", "hold_seconds", "wrap_up_seconds"),
        )
    )
    return _filter(queryset, filters).order_by(*_ordering(sort))


def agents_for_filter(*, user: User) -> QuerySet[User]:
    """The agents whose calls `user` may see: the only ones worth offering in the agent filter."""
    visible = Call.objects.visible_to(user).filter(agent=OuterRef("pk"))
    return User.objects.filter(Exists(visible)).order_by("first_name", "last_name", "username")


def teams_for_filter(*, user: User) -> QuerySet[Team]:
    visible = Call.objects.visible_to(user).filter(team=OuterRef("pk"))
    return Team.objects.filter(Exists(visible)).order_by("name")


def escalations_of(*, call: Call) -> QuerySet[Escalation]:
    return call.escalations.order_by("escalated_at", "id")


def other_calls_on_case(*, user: User, call: Call, limit: int = CASE_CALLS_LIMIT) -> list[Call]:
    """Other contacts on the same case that `user` may see, newest first (one query)."""
    if not call.case_id:
        return []
    queryset = (
        Call.objects.visible_to(user)
        .filter(case_id=call.case_id)
        .exclude(pk=call.pk)
        .select_related("agent", "call_type")
        .defer("transcript")
        .order_by("-started_at", "-id")
    )
    return list(queryset[:limit])


def home_totals(*, user: User, since: datetime) -> dict[str, int]:
    """The calls `user` may see that started at or after `since`, counted in one query.

    `inbound_with_outcome` (answered or abandoned) is the answer rate's denominator: an inbound call whose
    outcome is unknown is neither."""
    inbound = Q(direction=Call.Direction.INBOUND)
    return (
        Call.objects.visible_to(user)
        .filter(started_at__gte=since)
        .aggregate(
            calls=Count("id"),
            inbound=Count("id", filter=inbound),
            inbound_with_outcome=Count("id", filter=inbound & Q(answered__isnull=False)),
            inbound_answered=Count("id", filter=inbound & Q(answered=True)),
            resolved=Count("id", filter=Q(resolved=True)),
            # Exists, not a join: a call with several escalations must still count once everywhere.
            escalated=Count("id", filter=Q(Exists(Escalation.objects.filter(call=OuterRef("pk"))))),
        )
    )


@dataclass(frozen=True)
class ResolutionRate:
    resolved_cases: int
    cases: int

    @property
    def rate(self) -> float | None:
        """Resolved cases ÷ cases received × 100; None (no data) without cases."""
        return rate(self.resolved_cases, self.cases)


def resolution_rate(*, calls: QuerySet[Call]) -> ResolutionRate:
    """Resolved cases ÷ cases received over `calls` (DESIGN.md), in one aggregate query.

    A case is its case id (counted once, however many of `calls` share it) or, for a call without one, the
    call itself; it is resolved when one of its calls in `calls` is resolved (see the module's docstring).
    """
    with_case = ~Q(case_id="")
    own_case = Q(case_id="")
    totals = calls.order_by().aggregate(
        cases_with_id=Count("case_id", filter=with_case, distinct=True),
        resolved_with_id=Count("case_id", filter=with_case & Q(resolved=True), distinct=True),
        own_cases=Count("pk", filter=own_case),
        own_resolved=Count("pk", filter=own_case & Q(resolved=True)),
    )
    return ResolutionRate(
        resolved_cases=totals["resolved_with_id"] + totals["own_resolved"],
        cases=totals["cases_with_id"] + totals["own_cases"],
    )

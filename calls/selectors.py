"""Read queries for the call pages: the filtered, sorted call list, what a call's detail page shows, and the
resolution rate.

Every page's query starts from `Call.objects.visible_to(user)`: the one access rule for calls.

Resolution belongs to the case (DESIGN.md: "a case is resolved once, however many contacts it had"). The
model chosen: no separate case table; a case is the set of calls that share a case id, and a call without
one is its own case. A case is resolved when one of its calls carries `resolved` (the helpdesk webhook,
calls.services.resolve_case, marks the case's answered contacts only, so an abandoned contact is never
"resolved" by it). A case counts where its first contact is (calls.kpis): `resolution_rate` over any queryset
of calls (a period, a team, an agent) counts the cases opened by those calls, each once, in one query, exactly
as the KPI snapshots do.

An unknown outcome (`answered` neither true nor false) is in no answer-rate denominator: it is neither
answered nor abandoned.
"""

import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from calls import kpis
from calls.kpis import NPS_BANDS
from calls.models import Call, CallType, Escalation, SurveyResponse
from qa_center.paging import CappedCount, KeysetOrder
from qa_center.people.models import Team, User
from qa_center.rates import rate

# Sort keys offered on the list → the columns of a total order (a whitelist: nothing else reaches order_by).
# Each one is served by an index on exactly these columns (calls.models.Call.Meta.indexes), scanned forward or
# backward, so the tie-break follows the sort's direction. Not offered: agent and call type. Their order is a
# related table's column (a name), which no index on calls serves: at a million calls the database sorted
# every row in a temporary B-tree (3 s). Filtering by agent or call type is index-served instead.
SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "started_at": ("started_at", "id"),
    "wait": ("wait_time_seconds", "started_at", "id"),
    "handle": ("handle_time_seconds", "started_at", "id"),
}
# Sorting by a duration lists the calls whose duration is known: unknown ones have no place in that order
# (SQLite and PostgreSQL put NULLs at opposite ends, and "NULLS LAST" is not something an index serves).
SORTS_NEEDING_A_VALUE = {"wait": "wait_time_seconds", "handle": "handle_time_seconds"}
DEFAULT_SORT = "-started_at"
CASE_CALLS_LIMIT = 10


@dataclass(frozen=True, kw_only=True)
class CallFilters:
    """The call list's filters; None (or empty) means "any"."""

    q: str = ""
    case: str = ""
    topic: str = ""  # exactly as recorded (the escalation figures group by it so)
    agent: User | None = None
    team: Team | None = None
    call_type: CallType | None = None
    direction: str = ""
    date_from: date | None = None
    date_to: date | None = None
    answered: bool | None = None
    resolved: bool | None = None
    escalated: bool | None = None
    escalation_type: str = ""
    escalation_reason: str = ""  # exactly as recorded (the escalation figures group by it so)
    has_recording: bool | None = None
    evaluated: bool | None = None
    nps: str = ""
    csat_min: int | None = None
    csat_max: int | None = None


def nps_band(nps: int | None) -> str | None:
    if nps is None:
        return None
    return next(band for band, (low, high) in NPS_BANDS.items() if low <= nps <= high)


def normalise_sort(value: str | None) -> str:
    """The requested sort if it is one we offer ("wait" or "-wait"), else the default."""
    if value and value.removeprefix("-") in SORT_COLUMNS:
        return value
    return DEFAULT_SORT


def sort_order(sort: str) -> KeysetOrder:
    """The total order behind a sort key, which also drives keyset pagination."""
    sort = normalise_sort(sort)
    return KeysetOrder(fields=SORT_COLUMNS[sort.removeprefix("-")], descending=sort.startswith("-"))


def _start_of_day(day: date) -> datetime:
    """Midnight of `day` in the current (the user's) time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def led_team_ids(user: User) -> tuple[int, ...]:
    """The teams `user` leads (one small query; none for anyone who is not a team lead)."""
    if not (user.is_authenticated and user.is_team_lead) or user.sees_all_calls:
        return ()
    return user.led_team_ids()


# Past this many matching calls, a page's rows are found by walking the list's order (its index) and testing
# each call, which meets 50 matches within a few thousand calls; below it, from the selective side (an
# escalation, a survey, a team's index) and sorting the few matches. Each way is the slow one for the other case.
DENSE_FROM = 2_000


def calls_in_scope(
    *, user: User, team_ids: tuple[int, ...] | None = None, dense: bool = False
) -> QuerySet[Call]:
    """`Call.objects.visible_to(user)`, the one rule, with a team lead's teams given as ids: the same calls,
    but no row joins its team to compare the lead (`team_ids` from `led_team_ids`; fetched when not given).

    `dense`: the lead's scope is written so that no index serves it (an expression of the columns), which
    leaves the planner the index of the list's order: "agent = me OR team IN (...)" served by two indexes
    means sorting every one of the teams' calls for one page."""
    if not user.is_authenticated:
        return Call.objects.none()
    if user.sees_all_calls:
        return Call.objects.all()
    if not user.is_team_lead:
        return Call.objects.visible_to(user)
    if team_ids is None:
        team_ids = led_team_ids(user)
    if dense:
        calls = Call.objects.alias(scope_agent=Coalesce("agent_id", 0), scope_team=Coalesce("team_id", 0))
        return calls.filter(Q(scope_agent=user.pk) | Q(scope_team__in=team_ids))
    return Call.objects.filter(Q(agent=user) | Q(team_id__in=team_ids))


def _prefix(field: str, text: str) -> Q:
    """`field` starts with `text`, exactly as written (capital letters matter), in a form an index serves.

    On SQLite, LIKE ignores case and so cannot use the (case-sensitive) index; a range on the column can:
    every string that starts with `text` sorts at or after `text` and before `text` with its last character
    bumped. Elsewhere `startswith` (LIKE 'text%') alone."""
    condition = Q(**{f"{field}__startswith": text})
    if connection.vendor == "sqlite":
        upper = text[:-1] + chr(min(ord(text[-1]) + 1, sys.maxunicode))
        condition &= Q(**{f"{field}__gte": text, f"{field}__lt": upper})
    return condition


def _filter(queryset: QuerySet[Call], filters: CallFilters, *, dense: bool = False) -> QuerySet[Call]:
    """Every condition written so that no annotation or join is needed, the count running it alone.

    Escalations and surveys: from their side (the ids of the escalated calls, through the escalation's and
    the survey's indexes) to count, and for the rows of a sparse result; `dense`: as a test of each call
    (EXISTS), for the rows of a result dense enough that walking the list's order meets a page quickly."""
    if filters.q:
        queryset = queryset.filter(
            _prefix("external_id", filters.q)
            | _prefix("case_id", filters.q)
            | _prefix("customer_id", filters.q)
        )
    if filters.case:
        queryset = queryset.filter(case_id=filters.case)
    if filters.topic:
        queryset = queryset.filter(topic=filters.topic)  # call_topic_started_idx
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
        # From the escalation side: the (few) escalated calls' ids, not a subquery per call.
        escalated = (
            Q(Exists(Escalation.objects.filter(call=OuterRef("pk"))))
            if dense
            else Q(pk__in=Escalation.objects.values("call_id"))
        )
        queryset = queryset.filter(escalated if filters.escalated else ~escalated)
    if filters.escalation_type or filters.escalation_reason:
        # One escalation of that type and that reason (both, when both are given).
        conditions = {}
        if filters.escalation_type:
            conditions["type"] = filters.escalation_type
        if filters.escalation_reason:
            conditions["reason"] = filters.escalation_reason
        escalations = Escalation.objects.filter(**conditions)
        queryset = queryset.filter(
            Exists(escalations.filter(call=OuterRef("pk")))
            if dense
            else Q(pk__in=escalations.values("call_id"))
        )
    if filters.has_recording is True:
        queryset = queryset.with_recording()
    elif filters.has_recording is False:
        queryset = queryset.filter(recording_file="", recording_url="")
    if filters.evaluated is not None:
        # Call.evaluated_at, kept by scorecards: the evaluated calls are an index range
        # (call_evaluated_started_idx), the others the list's own order.
        queryset = queryset.filter(evaluated_at__isnull=not filters.evaluated)
    surveys: dict[str, int] = {}
    if filters.nps:
        surveys["nps__gte"], surveys["nps__lte"] = NPS_BANDS[filters.nps]
    if filters.csat_min is not None:
        surveys["csat__gte"] = filters.csat_min
    if filters.csat_max is not None:
        surveys["csat__lte"] = filters.csat_max
    if surveys and dense:
        queryset = queryset.filter(Exists(SurveyResponse.objects.filter(**surveys, call=OuterRef("pk"))))
    elif surveys:
        # An inner join (one survey per call: no duplicates) that the planner can drive from the survey's
        # (nps, call) / (csat, call) index and stop at the count's cap; "IN (subquery)" would first list
        # every matching survey.
        queryset = queryset.filter(**{f"survey__{condition}": value for condition, value in surveys.items()})
    return queryset


@dataclass(frozen=True)
class CallListing:
    """The call list's queries: `counted` (the filters alone), and the rows in `order` for a given count."""

    counted: QuerySet[Call]
    order: KeysetOrder
    user: User
    filters: CallFilters | None
    sort: str
    team_ids: tuple[int, ...] | None

    def rows_for(self, count: CappedCount | None = None) -> QuerySet[Call]:
        """The rows, annotated for display and ordered; written for a dense result unless `count` is small."""
        dense = count is None or count.capped or count.value >= DENSE_FROM
        rows = _matching(
            user=self.user, filters=self.filters, sort=self.sort, team_ids=self.team_ids, dense=dense
        )
        return (
            rows.select_related("agent", "team", "call_type")
            .defer("transcript")
            .annotate(
                # For the page's rows only: the count never sees these.
                has_escalation=Exists(Escalation.objects.filter(call=OuterRef("pk"))),
                survey_nps=F("survey__nps"),
                survey_csat=F("survey__csat"),
            )
            .order_by(*self.order.order_by())
        )

    @property
    def rows(self) -> QuerySet[Call]:
        return self.rows_for(None)


def _matching(
    *, user: User, filters: CallFilters | None, sort: str, team_ids: tuple[int, ...] | None, dense: bool
) -> QuerySet[Call]:
    calls = calls_in_scope(user=user, team_ids=team_ids, dense=dense)
    if filters is None:
        return calls.none()
    calls = _filter(calls, filters, dense=dense)
    if column := SORTS_NEEDING_A_VALUE.get(sort.removeprefix("-")):
        calls = calls.filter(**{f"{column}__isnull": False})
    return calls


def call_listing(
    *,
    user: User,
    filters: CallFilters | None,
    sort: str = DEFAULT_SORT,
    team_ids: tuple[int, ...] | None = None,
) -> CallListing:
    """The calls `user` may see that match `filters` (None: filters that were not valid, which match nothing):
    what to count, and what to show in which order."""
    sort = normalise_sort(sort)
    if user.is_authenticated and user.is_team_lead and team_ids is None:
        team_ids = led_team_ids(user)
    counted = _matching(user=user, filters=filters, sort=sort, team_ids=team_ids, dense=False)
    return CallListing(
        counted=counted, order=sort_order(sort), user=user, filters=filters, sort=sort, team_ids=team_ids
    )


def calls_for_list(*, user: User, filters: CallFilters, sort: str = DEFAULT_SORT) -> QuerySet[Call]:
    """The calls `user` may see that match `filters`, annotated and ordered as the list shows them."""
    return call_listing(user=user, filters=filters, sort=sort).rows


def agents_for_filter(*, user: User, team_ids: tuple[int, ...] | None = None) -> QuerySet[User]:
    """The agents whose calls `user` may see: the only ones worth offering in the agent filter.

    Asked of each person ("has this agent a call here?"), an index probe each, never a scan of the calls."""
    agents = User.objects.order_by("first_name", "last_name", "username")
    if user.sees_all_calls:
        return agents.filter(Exists(Call.objects.filter(agent=OuterRef("pk"))))
    if team_ids is None:
        team_ids = led_team_ids(user)
    in_led_team = Exists(
        Call.objects.filter(agent=OuterRef("pk"), team_id__in=team_ids)
    )  # (agent, team) index
    own = Q(pk=user.pk) & Exists(Call.objects.filter(agent=OuterRef("pk")))
    return agents.filter(in_led_team | own)


def teams_for_filter(*, user: User, team_ids: tuple[int, ...] | None = None) -> QuerySet[Team]:
    """The teams whose calls `user` may see: the teams they lead and those of their own calls."""
    teams = Team.objects.order_by("name")
    if user.sees_all_calls:
        return teams.filter(Exists(Call.objects.filter(team=OuterRef("pk"))))
    if team_ids is None:
        team_ids = led_team_ids(user)
    led = Q(pk__in=team_ids) & Exists(Call.objects.filter(team=OuterRef("pk")))
    return teams.filter(led | Exists(Call.objects.filter(agent=user, team=OuterRef("pk"))))


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


@dataclass(frozen=True)
class ResolutionRate:
    resolved_cases: int
    cases: int

    @property
    def rate(self) -> float | None:
        """Resolved cases ÷ cases received × 100; None (no data) without cases."""
        return rate(self.resolved_cases, self.cases)


def resolution_rate(*, calls: QuerySet[Call]) -> ResolutionRate:
    """Resolved cases ÷ cases received over the cases that `calls` open (DESIGN.md), in one aggregate query.

    A case is its case id (counted once, where its first contact is) or, for a call without one, the call
    itself; it is resolved when one of its calls is resolved (see the module's docstring and calls.kpis).
    """
    counts = kpis.case_counts()
    totals = kpis.first_contacts(calls.order_by()).aggregate(
        cases=counts["cases"], resolved_cases=counts["resolved_cases"]
    )
    return ResolutionRate(resolved_cases=totals["resolved_cases"], cases=totals["cases"])

"""Which calls, cases and survey answers count for which KPI (DESIGN.md, Definitions): the counts behind every
call figure, as aggregates that any grouping of a queryset computes in one SELECT.

The formulas built on these counts (a rate, a mean, NPS) are qa_center.rates'; the catalogue of KPIs that pairs
each figure with its counts is qa_center.kpis.definitions. Here, in the calls app, so that the call pages below
the kpis app (the home page's figures, the resolution rate) count exactly as the snapshots do.

- Inbound calls received: inbound calls that started in the period. Answer and abandon rates are over those
  with a known outcome (answered true or false): an unknown outcome is in neither.
- Wait: IVR + queue wait of answered inbound calls; a call whose wait is unknown (both parts blank) is left out
  of the mean and of the service level, never counted as 0 s. Service level: known waits ≤ N seconds.
- Handle time: talk + hold + wrap-up of answered calls (any direction), unknown ones left out.
- Escalation rate: answered calls with at least one escalation ÷ answered calls.
- Cases: a case is its case id, or a call without one. A case counts once, in the period and for the agent, team
  and call type of its first contact (the earliest call, ties by id); it is resolved once, when any of its
  contacts is. First-contact resolution: the first contact itself is resolved and no further contact on the
  case started within FCR_REPEAT_WINDOW_DAYS after it. Treatment time: from the first contact's start until the
  case was resolved (the first contact's resolved_at, else the earliest of the case's), over resolved cases
  whose resolution time is known.
- Survey answers count in the period of `responded_at`; answers not linked to a call count at center level only
  (they have no agent, team or call type).
"""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce

from calls.models import Call, Escalation
from qa_center.sql_time import SecondsBetween, ShiftedByDays

__all__ = [
    "CSAT_SATISFIED",
    "FCR_REPEAT_WINDOW_DAYS",
    "NPS_BANDS",
    "call_counts",
    "case_counts",
    "escalated",
    "escalation_counts",
    "escalations_of_answered_calls",
    "first_contacts",
    "inbound",
    "survey_counts",
]

FCR_REPEAT_WINDOW_DAYS = 7
# NPS answer bands (DESIGN.md): promoters 9–10, passives 7–8, detractors 0–6.
NPS_BANDS: dict[str, tuple[int, int]] = {
    "promoter": (9, 10),
    "passive": (7, 8),
    "detractor": (0, 6),
}
CSAT_SATISFIED = (4, 5)  # CSAT answers (1–5) that count as satisfied


# --- Calls ---------------------------------------------------------------------------------------------------


def inbound() -> Q:
    return Q(direction=Call.Direction.INBOUND)


def escalated() -> Q:
    """The call has at least one escalation (EXISTS, not a join: a call escalated twice counts once)."""
    return Q(Exists(Escalation.objects.filter(call=OuterRef("pk"))))


def _total(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), 0)


def call_counts(*, service_level_seconds: int) -> dict[str, Aggregate]:
    """The counts behind the call figures, by name, over the calls of a queryset (one SELECT)."""
    answered_inbound = inbound() & Q(answered=True)
    known_wait = answered_inbound & Q(wait_time_seconds__isnull=False)
    known_handle = Q(answered=True, handle_time_seconds__isnull=False)
    return {
        "calls": Count("pk"),
        "inbound": Count("pk", filter=inbound()),
        "inbound_with_outcome": Count("pk", filter=inbound() & Q(answered__isnull=False)),
        "inbound_answered": Count("pk", filter=answered_inbound),
        "inbound_abandoned": Count("pk", filter=inbound() & Q(answered=False)),
        "waits": Count("pk", filter=known_wait),
        "wait_total": _total("wait_time_seconds", known_wait),
        "within_service_level": Count(
            "pk", filter=known_wait & Q(wait_time_seconds__lte=service_level_seconds)
        ),
        "answered_calls": Count("pk", filter=Q(answered=True)),
        "handles": Count("pk", filter=known_handle),
        "handle_total": _total("handle_time_seconds", known_handle),
        "escalated_calls": Count("pk", filter=Q(answered=True) & escalated()),
    }


# --- Cases ---------------------------------------------------------------------------------------------------


def _same_case():
    return Call.objects.filter(case_id=OuterRef("case_id"))


# Earlier (later) than this call: started before (after) it, ties by id. Written as one range of the case's
# contacts (started_at ≤ mine, then the tie) rather than an OR of two: PostgreSQL then reads one index range of
# call_case_started_idx instead of OR-ing two bitmap scans, for every call the computation reads.
def _before_me() -> Q:
    return Q(started_at__lte=OuterRef("started_at")) & (
        Q(started_at__lt=OuterRef("started_at")) | Q(pk__lt=OuterRef("pk"))
    )


def _after_me() -> Q:
    return Q(started_at__gte=OuterRef("started_at")) & (
        Q(started_at__gt=OuterRef("started_at")) | Q(pk__gt=OuterRef("pk"))
    )


def _only_with_case_id(then) -> Case:
    """`then` for a call with a case id; false for a call that is its own case. A CASE, not an OR: the subquery
    must not run for the calls without a case id, which would all match each other's empty id."""
    return Case(When(case_id="", then=Value(False)), default=then, output_field=BooleanField())


def first_contacts(calls):
    """The calls of `calls` that open their case: one per case (looking at every call, not only `calls`)."""
    return calls.exclude(_only_with_case_id(Exists(_same_case().filter(_before_me()))))


def case_counts() -> dict[str, Aggregate]:
    """The counts behind the case figures, by name, over the first contacts of a queryset (`first_contacts`)."""
    # The first contact is usually the one resolved: tested before the other contacts are looked at.
    case_resolved = Q(resolved=True) | Q(_only_with_case_id(Exists(_same_case().filter(resolved=True))))
    repeated = _only_with_case_id(
        Exists(
            _same_case()
            .filter(_after_me())
            .filter(started_at__lte=ShiftedByDays(OuterRef("started_at"), days=FCR_REPEAT_WINDOW_DAYS))
        )
    )
    # When the case was resolved: its first contact's resolution time (the helpdesk stamps every answered
    # contact alike), else the earliest of its other contacts'.
    resolved_at = Case(
        When(case_id="", then=F("resolved_at")),
        default=Coalesce(
            F("resolved_at"),
            Subquery(
                _same_case()
                .filter(resolved_at__isnull=False)
                .order_by("resolved_at")
                .values("resolved_at")[:1]
            ),
        ),
    )
    # NULL unless the case is resolved with a known time: counted and summed as it is (each expression once).
    treatment = Case(
        When(case_resolved, then=SecondsBetween(resolved_at, "started_at")), output_field=FloatField()
    )
    return {
        "cases": Count("pk"),
        "resolved_cases": Count("pk", filter=case_resolved),
        "fcr_cases": Count("pk", filter=Q(resolved=True) & ~Q(repeated)),
        "treatments": Count(treatment),
        "treatment_total": Coalesce(Sum(treatment), 0.0, output_field=FloatField()),
    }


# --- Survey answers ------------------------------------------------------------------------------------------


def _band(name: str) -> Q:
    low, high = NPS_BANDS[name]
    return Q(nps__gte=low, nps__lte=high)


def survey_counts() -> dict[str, Aggregate]:
    """The counts behind NPS and CSAT, by name, over the survey answers of a queryset. An answer with only one
    of the two scores counts in that score's figures only."""
    known_csat = Q(csat__isnull=False)
    return {
        "nps_answers": Count("pk", filter=Q(nps__isnull=False)),
        "promoters": Count("pk", filter=_band("promoter")),
        "passives": Count("pk", filter=_band("passive")),
        "detractors": Count("pk", filter=_band("detractor")),
        "csat_answers": Count("pk", filter=known_csat),
        "satisfied": Count("pk", filter=Q(csat__in=CSAT_SATISFIED)),
        "csat_total": Coalesce(Sum("csat", filter=known_csat), 0, output_field=IntegerField()),
    }


# --- Escalations by type and by reason -------------------------------------------------------------------------


def escalations_of_answered_calls():
    """The escalations behind the escalation rate by type and by reason (its denominator: answered calls)."""
    return Escalation.objects.filter(call__answered=True)


def escalation_counts() -> dict[str, Aggregate]:
    """Over `escalations_of_answered_calls` grouped by type or reason: each call counts once per group."""
    return {"escalated_calls": Count("call", distinct=True)}

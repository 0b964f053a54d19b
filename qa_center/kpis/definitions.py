"""Every KPI of DESIGN.md "Definitions", once: which counts it is made of and the formula on them.

The counts are the owning apps' (below this one, so that the call pages and My feedback count alike):
calls.kpis (calls, cases, survey answers) and scorecards.kpis (evaluations). The formulas are
qa_center.rates': a rate is "no data" (None / NULL) when its denominator is 0, a mean is over the known
values only, NPS is % promoters − % detractors. Each KPI gives its value from a row of counts (a snapshot, or
any aggregate) in Python, and as a database expression over columns of those names (for ordering and
filtering snapshots in SQL), so the snapshots, the dashboards, the home pages and exports all read the same.

| KPI                    | counts                                         |
|------------------------|------------------------------------------------|
| call resolution rate   | resolved_cases ÷ cases                         |
| first-contact res.     | fcr_cases ÷ cases                              |
| answer / abandon rate  | inbound_answered / inbound_abandoned ÷ inbound_with_outcome |
| average wait           | wait_total ÷ waits (answered inbound, known)   |
| service level          | within_service_level ÷ waits                   |
| AHT                    | handle_total ÷ handles (answered, known)       |
| average treatment time | treatment_total ÷ treatments                   |
| NPS (and its bands)    | promoters − detractors, passives ÷ nps_answers |
| CSAT % and mean        | satisfied ÷ csat_answers; csat_total ÷ csat_answers |
| escalation rate        | escalated_calls ÷ answered_calls (by type, by reason: EscalationSnapshot) |
| QA score, pass, auto-fail, dispute | score_total ÷ scored_evaluations; passed ÷ judged; auto_failed, disputed ÷ evaluations |
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Expression
from django.db.models.aggregates import Aggregate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from calls import kpis as call_kpis
from qa_center import rates
from scorecards import kpis as qa_kpis

__all__ = [
    "COUNT_NAMES",
    "KPIS",
    "Kpi",
    "NPS",
    "RATE",
    "SCORE",
    "SECONDS",
    "by_key",
    "call_counts",
    "case_counts",
    "escalation_rate",
    "evaluation_counts",
    "service_level_seconds",
    "survey_counts",
    "values_of",
]

RATE = "rate"  # a percentage, 0..100
SECONDS = "seconds"  # a mean duration
SCORE = "score"  # a mean on the KPI's own scale (CSAT 1–5, QA score 0–100)
NPS = "nps"  # −100..100


def service_level_seconds() -> int:
    """N of "answered within N seconds" (settings.QA_SERVICE_LEVEL_SECONDS, default 20)."""
    return settings.QA_SERVICE_LEVEL_SECONDS


def call_counts() -> dict[str, Aggregate]:
    return call_kpis.call_counts(service_level_seconds=service_level_seconds())


def case_counts() -> dict[str, Aggregate]:
    return call_kpis.case_counts()


def survey_counts() -> dict[str, Aggregate]:
    return call_kpis.survey_counts()


def evaluation_counts() -> dict[str, Aggregate]:
    return qa_kpis.evaluation_counts()


@dataclass(frozen=True)
class Kpi:
    key: str
    label: Promise
    unit: str  # RATE, SECONDS, SCORE or NPS
    part: str  # the numerator (a sum for a mean; promoters for NPS)
    whole: str  # the denominator: how many (calls, cases, answers, evaluations) the figure is of
    minus: str = ""  # NPS only: detractors
    higher_is_better: bool = True
    scale: tuple[float, float] | None = None  # SCORE only: the mean's own scale (CSAT 1–5, QA score 0–100)

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """(lowest, highest) a figure of this KPI can be (None: unbounded), e.g. for a target's value."""
        if self.unit == RATE:
            return 0.0, 100.0
        if self.unit == NPS:
            return -100.0, 100.0
        if self.unit == SECONDS:
            return 0.0, None
        return self.scale or (None, None)

    def value(self, counts: Mapping[str, int | float]) -> float | None:
        """The figure from a row of counts (a snapshot, a dict of aggregates); None is "no data"."""
        whole = counts[self.whole]
        if self.unit == NPS:
            return rates.nps(counts[self.part], counts[self.minus], whole)
        if self.unit == RATE:
            return rates.rate(counts[self.part], whole)
        return rates.mean(counts[self.part], whole)

    def expression(self) -> Expression:
        """The figure as a database expression over columns (or aggregates) named like the counts."""
        if self.unit == NPS:
            return rates.nps_expression(self.part, self.minus, self.whole)
        if self.unit == RATE:
            return rates.rate_expression(self.part, self.whole)
        return rates.mean_expression(self.part, self.whole)


KPIS: tuple[Kpi, ...] = (
    Kpi("resolution_rate", _("Call resolution rate"), RATE, "resolved_cases", "cases"),
    Kpi("fcr_rate", _("First-contact resolution"), RATE, "fcr_cases", "cases"),
    Kpi("answer_rate", _("Answer rate"), RATE, "inbound_answered", "inbound_with_outcome"),
    Kpi(
        "abandon_rate",
        _("Abandon rate"),
        RATE,
        "inbound_abandoned",
        "inbound_with_outcome",
        higher_is_better=False,
    ),
    Kpi("average_wait", _("Average wait"), SECONDS, "wait_total", "waits", higher_is_better=False),
    Kpi("service_level", _("Service level"), RATE, "within_service_level", "waits"),
    Kpi("aht", _("Average handle time"), SECONDS, "handle_total", "handles", higher_is_better=False),
    Kpi(
        "average_treatment_time",
        _("Average treatment time"),
        SECONDS,
        "treatment_total",
        "treatments",
        higher_is_better=False,
    ),
    Kpi("nps", _("NPS"), NPS, "promoters", "nps_answers", minus="detractors"),
    Kpi("promoter_share", _("Promoters"), RATE, "promoters", "nps_answers"),
    Kpi("passive_share", _("Passives"), RATE, "passives", "nps_answers"),
    Kpi("detractor_share", _("Detractors"), RATE, "detractors", "nps_answers", higher_is_better=False),
    Kpi("csat", _("CSAT"), RATE, "satisfied", "csat_answers"),
    Kpi("csat_mean", _("CSAT mean"), SCORE, "csat_total", "csat_answers", scale=(1.0, 5.0)),
    Kpi(
        "escalation_rate",
        _("Escalation rate"),
        RATE,
        "escalated_calls",
        "answered_calls",
        higher_is_better=False,
    ),
    Kpi("qa_score", _("QA score"), SCORE, "score_total", "scored_evaluations", scale=(0.0, 100.0)),
    Kpi("pass_rate", _("Pass rate"), RATE, "passed_evaluations", "judged_evaluations"),
    Kpi(
        "auto_fail_rate",
        _("Auto-fail rate"),
        RATE,
        "auto_failed_evaluations",
        "evaluations",
        higher_is_better=False,
    ),
    Kpi(
        "dispute_rate",
        _("Dispute rate"),
        RATE,
        "disputed_evaluations",
        "evaluations",
        higher_is_better=False,
    ),
)

_BY_KEY = {kpi.key: kpi for kpi in KPIS}


def by_key(key: str) -> Kpi:
    return _BY_KEY[key]


def _names(counts: Mapping[str, Aggregate]) -> tuple[str, ...]:
    return tuple(counts)


# Every count a snapshot stores, by source, in the order the computation writes them.
CALL_COUNT_NAMES = _names(call_kpis.call_counts(service_level_seconds=0))
CASE_COUNT_NAMES = _names(call_kpis.case_counts())
SURVEY_COUNT_NAMES = _names(call_kpis.survey_counts())
EVALUATION_COUNT_NAMES = _names(qa_kpis.evaluation_counts())
COUNT_NAMES = CALL_COUNT_NAMES + CASE_COUNT_NAMES + SURVEY_COUNT_NAMES + EVALUATION_COUNT_NAMES


def values_of(counts) -> dict[str, float | None]:
    """{KPI key → figure} from a snapshot (or a mapping of counts)."""
    row = counts if isinstance(counts, Mapping) else {name: getattr(counts, name) for name in COUNT_NAMES}
    return {kpi.key: kpi.value(row) for kpi in KPIS}


def escalation_rate(escalated_calls: int, answered_calls: int) -> float | None:
    """The escalation rate of one type or reason (EscalationSnapshot ÷ the snapshot's answered calls)."""
    return rates.rate(escalated_calls, answered_calls)

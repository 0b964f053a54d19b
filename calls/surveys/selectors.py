"""NPS and CSAT over a period, computed in the database (DESIGN.md, Definitions).

    NPS  = % promoters (9–10) − % detractors (0–6) over the answers with an NPS score; passives are 7–8;
           from −100 to 100.
    CSAT = % of the answers with a CSAT score that are 4 or 5 (on 1–5); its mean is reported beside it.

An answer counts in the period its `responded_at` falls in ([start, end)). An answer with only one of the
two scores counts in that score's figures only. No answer with a score: "no data" (None), never 0.

Scopes: the center counts every answer, linked to a call or not; a segment counts the answers given that
segment (market, segment or queue, as the survey tool sends it); an agent and a team count only the answers
linked to a call, through that call's agent and team. The KPI snapshots build on these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from calls.kpis import survey_counts
from calls.models import SurveyResponse
from qa_center.rates import mean, nps, rate


@dataclass(frozen=True)
class SurveyScores:
    """The counts behind NPS and CSAT for one scope and period, and the figures they give."""

    nps_answers: int
    promoters: int
    passives: int
    detractors: int
    csat_answers: int
    satisfied: int
    csat_total: int  # the sum of the CSAT scores, for their mean

    @property
    def nps(self) -> float | None:
        """% promoters − % detractors, −100..100; None without NPS answers."""
        return nps(self.promoters, self.detractors, self.nps_answers)

    @property
    def csat_mean(self) -> float | None:
        """The mean CSAT score (1–5); None without CSAT answers."""
        return mean(self.csat_total, self.csat_answers)

    @property
    def csat(self) -> float | None:
        """% of CSAT answers that are 4 or 5; None without CSAT answers."""
        return rate(self.satisfied, self.csat_answers)


# The aggregates of SurveyScores, by field name (calls.kpis): one SELECT computes them all for any grouping.
_AGGREGATES = survey_counts()


def _in_period(start: datetime, end: datetime) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(responded_at__gte=start, responded_at__lt=end)


def _scores(values: dict) -> SurveyScores:
    return SurveyScores(**{name: values[name] for name in _AGGREGATES})


def _grouped(queryset: QuerySet[SurveyResponse], key: str) -> dict:
    rows = queryset.order_by().values(key).annotate(**_AGGREGATES)
    return {row[key]: _scores(row) for row in rows}


def center_survey_scores(*, start: datetime, end: datetime) -> SurveyScores:
    """NPS and CSAT of every answer given in [start, end), linked to a call or not. One query."""
    return _scores(_in_period(start, end).aggregate(**_AGGREGATES))


def survey_scores_by_segment(*, start: datetime, end: datetime) -> dict[str, SurveyScores]:
    """{segment → its NPS and CSAT} over the answers given in [start, end) that have a segment. One query."""
    return _grouped(_in_period(start, end).exclude(segment=""), "segment")


def survey_scores_by_agent(*, start: datetime, end: datetime) -> dict[int, SurveyScores]:
    """{agent pk → NPS and CSAT} over the answers given in [start, end) linked to a call of that agent.
    Unlinked answers, and answers about calls without an agent, are in no agent's figures. One query."""
    return _grouped(_in_period(start, end).filter(call__agent__isnull=False), "call__agent")


def survey_scores_by_team(*, start: datetime, end: datetime) -> dict[int, SurveyScores]:
    """{team pk → NPS and CSAT} over the answers given in [start, end) linked to a call of that team
    (the call's team, as stored with the call). One query."""
    return _grouped(_in_period(start, end).filter(call__team__isnull=False), "call__team")

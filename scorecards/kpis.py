"""Which evaluations count for which QA figure (DESIGN.md, Definitions): the counts behind the QA score, pass,
auto-fail and dispute rates, as aggregates over a queryset of evaluations.

Over `Evaluation.objects.regular().submitted()` (`counted_evaluations`): calibration evaluations never count,
drafts neither. An evaluation without a score (every criterion N/A) is in no mean and no pass rate; a disputed
evaluation stays disputed once its dispute is resolved. The formulas on these counts are qa_center.rates'; the
catalogue is qa_center.kpis.definitions. Here, below the kpis app, so that My feedback counts as the snapshots do.
"""

from django.db.models import Count, FloatField, Q, QuerySet, Sum
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Cast, Coalesce

from scorecards.models import Evaluation

__all__ = ["DISPUTED_STATUSES", "counted_evaluations", "evaluation_counts"]

DISPUTED_STATUSES = (Evaluation.Status.DISPUTED, Evaluation.Status.RESOLVED)


def counted_evaluations() -> QuerySet[Evaluation]:
    return Evaluation.objects.regular().submitted()


def evaluation_counts() -> dict[str, Aggregate]:
    """The counts by name (none shadows a field: an aggregate may not reuse a name another one reads)."""
    return {
        "evaluations": Count("pk"),
        "scored_evaluations": Count("score"),
        "score_total": Coalesce(Sum(Cast("score", FloatField())), 0.0, output_field=FloatField()),
        "passed_evaluations": Count("pk", filter=Q(passed=True)),
        "judged_evaluations": Count("passed"),
        "auto_failed_evaluations": Count("pk", filter=Q(auto_failed=True)),
        "disputed_evaluations": Count("pk", filter=Q(status__in=DISPUTED_STATUSES)),
    }

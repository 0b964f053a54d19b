"""Read queries of sampling for pages outside the queue pages (the home pages): a reviewer's queue in
figures, and the sampling runs that fell short of their quotas."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from qa_center.people.models import User
from scorecards.models import SamplingRun
from scorecards.sampling.services import queue_of

__all__ = ["DUE_SOON", "SHORTFALL_DAYS", "QueueFigures", "queue_figures", "runs_with_shortfall"]

#: An assignment due within this time is "due soon".
DUE_SOON = timedelta(days=2)
#: Runs of periods that ended longer ago than this are history, not something to act on.
SHORTFALL_DAYS = 35


@dataclass(frozen=True)
class QueueFigures:
    to_score: int  # open, not started (started ones are drafts)
    overdue: int
    due_soon: int  # not overdue yet, due within DUE_SOON


def queue_figures(*, reviewer: User, now: datetime) -> QueueFigures:
    """The reviewer's queue (sampling.services.queue_of, the one definition) counted in one query."""
    row = (
        queue_of(reviewer=reviewer)
        .order_by()
        .aggregate(
            to_score=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + DUE_SOON)),
        )
    )
    return QueueFigures(**row)


def runs_with_shortfall(*, today) -> QuerySet[SamplingRun]:
    """The latest run of each recent period (ended in the last SHORTFALL_DAYS days) whose quotas were not all
    met, newest first, annotated with `shortfall` (calls missing: too few candidates or no reviewer free).
    An earlier run of a period that was run again since is superseded: the re-run topped the quotas up."""
    newer_of_same_period = SamplingRun.objects.filter(
        period_start=OuterRef("period_start"), period_end=OuterRef("period_end"), pk__gt=OuterRef("pk")
    )
    return (
        SamplingRun.objects.filter(period_end__gte=today - timedelta(days=SHORTFALL_DAYS))
        .exclude(Exists(newer_of_same_period))
        .defer("report")
        .annotate(shortfall=Cast(KT("report__totals__shortfall"), IntegerField()))
        .filter(shortfall__gt=0)
        .order_by("-period_end", "-pk")
    )

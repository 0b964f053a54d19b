"""Read queries of the builder for pages outside it (the QA manager's home page)."""

from django.db.models import QuerySet

from scorecards.models import ScorecardVersion

__all__ = ["scorecard_drafts"]


def scorecard_drafts() -> QuerySet[ScorecardVersion]:
    """Every draft version not yet published (at most one per scorecard), the oldest first: the one left
    longest unfinished leads."""
    return (
        ScorecardVersion.objects.filter(status=ScorecardVersion.Status.DRAFT)
        .select_related("scorecard", "scorecard__call_type")
        .order_by("created_at", "pk")
    )

"""Read queries of calibration for pages outside it (the QA manager's home page)."""

from django.db.models import F, QuerySet

from qa_center.people.models import User
from scorecards.calibration.services import sessions_for_list
from scorecards.models import CalibrationSession

__all__ = ["sessions_to_close"]


def sessions_to_close(*, user: User) -> QuerySet[CalibrationSession]:
    """The open sessions `user` may see, with their progress (sessions_for_list's annotations): a QA manager
    closes them once enough reviewers have scored. The nearest deadline first, then the oldest."""
    return (
        sessions_for_list(user=user)
        .filter(closed_at__isnull=True)
        .order_by(F("deadline").asc(nulls_last=True), "created_at", "pk")
    )

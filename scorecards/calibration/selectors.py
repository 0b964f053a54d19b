"""Read queries of calibration for pages outside it (the home pages)."""

from django.db.models import F, QuerySet

from qa_center.people.models import User
from scorecards.calibration.services import sessions_for_list
from scorecards.models import CalibrationSession

__all__ = ["sessions_to_close", "sessions_to_score"]


def sessions_to_close(*, user: User) -> QuerySet[CalibrationSession]:
    """The open sessions `user` may see, with their progress (sessions_for_list's annotations): a QA manager
    closes them once enough reviewers have scored. The nearest deadline first, then the oldest."""
    return (
        sessions_for_list(user=user)
        .filter(closed_at__isnull=True)
        .order_by(F("deadline").asc(nulls_last=True), "created_at", "pk")
    )


def sessions_to_score(*, user: User) -> QuerySet[CalibrationSession]:
    """The open sessions in which `user` takes part and has not submitted yet (a draft may be saved), the
    nearest deadline first."""
    return sessions_to_close(user=user).filter(is_participant=True, my_submitted=False)

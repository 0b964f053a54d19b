"""Marking an NPS answer followed up, and undoing the mark (issue 11)."""

from django.utils import timezone

from calls.models import SurveyResponse
from qa_center.kpis.insight.selectors import follow_up_kind
from qa_center.kpis.models import SurveyFollowUp

__all__ = ["mark_followed_up", "undo_follow_up"]


def mark_followed_up(*, response: SurveyResponse, by, note: str = "", now=None) -> SurveyFollowUp:
    """The answer's call-back or referral invitation done by `by`; marking it again keeps the first mark."""
    follow_up, _created = SurveyFollowUp.objects.get_or_create(
        response=response,
        defaults={
            "kind": follow_up_kind(response.nps),
            "done_by": by,
            "done_at": now or timezone.now(),
            "note": note.strip(),
        },
    )
    return follow_up


def undo_follow_up(*, response: SurveyResponse) -> None:
    """The answer awaits its follow-up again."""
    SurveyFollowUp.objects.filter(response=response).delete()

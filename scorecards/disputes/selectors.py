"""Read queries of the dispute feature: open disputes (the QA managers', a team lead's) and the evaluations an
agent has still to acknowledge or dispute."""

from django.db.models import Count, QuerySet

from qa_center.people.models import User
from scorecards.models import Dispute, Evaluation

__all__ = ["awaiting_acknowledgement", "open_disputes"]


def open_disputes(*, lead: User | None = None) -> QuerySet[Dispute]:
    """Open disputes, oldest first (the longest-waiting agent is answered first), with the evaluation's people
    and call and the number of disputed criteria. With `lead`, only those about calls taken for the teams
    `lead` leads (Evaluation.team, the lead's scope)."""
    disputes = Dispute.objects.filter(status=Dispute.Status.OPEN)
    if lead is not None:
        disputes = disputes.filter(evaluation__team__lead=lead)
    return (
        disputes.select_related(
            "evaluation",
            "evaluation__agent",
            "evaluation__reviewer",
            "evaluation__call",
            "opened_by",
            "resolved_by",
        )
        .annotate(item_count=Count("items"))
        .order_by("opened_at", "id")
    )


def awaiting_acknowledgement(*, agent: User) -> QuerySet[Evaluation]:
    """The agent's submitted regular evaluations they have neither acknowledged nor disputed, oldest first:
    the one whose dispute window closes soonest leads."""
    return (
        Evaluation.objects.regular()
        .filter(agent=agent, status=Evaluation.Status.SUBMITTED)
        .select_related("call", "call__call_type", "version__scorecard", "reviewer")
        .order_by("submitted_at", "pk")
    )

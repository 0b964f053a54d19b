"""The evaluation page's history section: every recorded change to the evaluation, its answers and its
disputes (django-simple-history, qa_center.history), newest first, with who, when and before → after.

Whoever reads the evaluation reads its history (the page's access helper decides). A constant number of
queries: one per history table, their previous rows, and the criteria, options and people they name.
"""

from django.urls import reverse

from qa_center.changes import Change, describe, with_previous_id
from scorecards.models import (
    Answer,
    Criterion,
    CriterionOption,
    Dispute,
    DisputeItem,
    Evaluation,
    ScorecardVersion,
)

__all__ = ["HISTORY_LIMIT", "evaluation_changes", "label_criteria", "label_options"]

# The newest rows of each table: an evaluation is edited a few times, not thousands.
HISTORY_LIMIT = 200


def label_criteria(pks: set) -> dict:
    return dict(Criterion.objects.filter(pk__in=pks).values_list("pk", "title"))


def label_options(pks: set) -> dict:
    return dict(CriterionOption.objects.filter(pk__in=pks).values_list("pk", "label"))


def label_versions(pks: set) -> dict:
    return {
        pk: f"v{number}"
        for pk, number in ScorecardVersion.objects.filter(pk__in=pks).values_list("pk", "number")
    }


LABELLERS = {Criterion: label_criteria, CriterionOption: label_options, ScorecardVersion: label_versions}


def evaluation_changes(*, evaluation: Evaluation) -> list[Change]:
    tables = [
        Evaluation.history.filter(id=evaluation.pk),
        Answer.history.filter(evaluation_id=evaluation.pk),
        Dispute.history.filter(evaluation_id=evaluation.pk),
        DisputeItem.history.filter(dispute_id__in=Dispute.objects.filter(evaluation=evaluation).values("pk")),
    ]
    records = [
        record
        for history in tables
        for record in with_previous_id(history.select_related("history_user")).order_by(
            "-history_date", "-history_id"
        )[:HISTORY_LIMIT]
    ]
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    criteria = label_criteria(
        {r.criterion_id for r in records if isinstance(r, Answer.history.model | DisputeItem.history.model)}
    )
    url = reverse("evaluations:detail", args=[evaluation.pk])

    def object_label(record, labels) -> str:
        if isinstance(record, Answer.history.model):
            return criteria.get(record.criterion_id, f"#{record.criterion_id}")
        if isinstance(record, DisputeItem.history.model):
            return criteria.get(record.criterion_id, f"#{record.criterion_id}")
        return ""

    return describe(
        records,
        object_label=object_label,
        url=lambda record: url,
        labellers={**LABELLERS, Criterion: lambda pks: {pk: criteria.get(pk) or f"#{pk}" for pk in pks}},
        # The page is the evaluation's and shows its call, agent and team: the links to them say nothing.
        hide={"evaluation", "dispute", "call", "agent", "team", "assignment", "calibration_session"},
    )

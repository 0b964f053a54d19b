"""Calls that already have a submitted regular evaluation take its result (what record_on_call now keeps up to
date): Call.evaluated_at, evaluation_score, evaluation_passed, in one UPDATE."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery

# scorecards.models.Evaluation.COUNTED_STATUSES, as it was when this migration was written.
COUNTED_STATUSES = ("submitted", "acknowledged", "disputed", "resolved")


def fill_call_results(apps, schema_editor):
    Call = apps.get_model("calls", "Call")
    Evaluation = apps.get_model("scorecards", "Evaluation")
    result = Evaluation.objects.filter(
        call_id=OuterRef("pk"), calibration_session__isnull=True, status__in=COUNTED_STATUSES
    )
    Call.objects.filter(Exists(result)).update(
        evaluated_at=Subquery(result.values("submitted_at")[:1]),
        evaluation_score=Subquery(result.values("score")[:1]),
        evaluation_passed=Subquery(result.values("passed")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0013_call_evaluation_result"),
        ("scorecards", "0006_evaluation_list_indexes"),
    ]

    # Going back drops the columns (calls 0011), so there is nothing to undo here.
    operations = [migrations.RunPython(fill_call_results, migrations.RunPython.noop)]

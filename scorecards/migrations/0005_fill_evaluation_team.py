"""Existing evaluations take the team of their call (what start_evaluation now copies): one UPDATE."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_team_from_call(apps, schema_editor):
    Call = apps.get_model("calls", "Call")
    Evaluation = apps.get_model("scorecards", "Evaluation")
    call_team = Call.objects.filter(pk=OuterRef("call_id")).values("team_id")[:1]
    Evaluation.objects.filter(team__isnull=True).update(team_id=Subquery(call_team))


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0005_import_language_and_verbose_names"),
        ("scorecards", "0004_evaluation_team"),
    ]

    # Going back drops the column (0004), so there is nothing to undo here.
    operations = [migrations.RunPython(fill_team_from_call, migrations.RunPython.noop)]

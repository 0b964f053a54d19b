# Ingest tokens get scopes: "ingest" (every write) and "read" (reading call data back).
#
# A new token defaults to "ingest" only, the least privilege. Every token issued before this migration could
# both push and read, and keeps exactly that: the data migration gives it both scopes, so that no integration
# stops working on the upgrade (a QA manager may narrow a token in the admin afterwards).

from django.db import migrations, models


def give_existing_tokens_both_scopes(apps, schema_editor):
    IngestToken = apps.get_model("calls", "IngestToken")
    IngestToken.objects.update(can_ingest=True, can_read=True)


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0015_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="ingesttoken",
            name="can_ingest",
            field=models.BooleanField(
                default=True,
                help_text="Push calls, recordings, surveys, escalations and case resolutions.",
                verbose_name="scope “ingest”",
            ),
        ),
        migrations.AddField(
            model_name="ingesttoken",
            name="can_read",
            field=models.BooleanField(
                default=False,
                help_text="Read calls back, with their transcripts, survey answers and escalations.",
                verbose_name="scope “read”",
            ),
        ),
        migrations.AddConstraint(
            model_name="ingesttoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("can_ingest", True), ("can_read", True), _connector="OR"),
                name="calls_ingesttoken_has_a_scope",
                violation_error_message="A token needs at least one scope.",
            ),
        ),
        # Last, after the schema changes: no ALTER TABLE follows the UPDATE in this transaction.
        migrations.RunPython(give_existing_tokens_both_scopes, migrations.RunPython.noop),
    ]

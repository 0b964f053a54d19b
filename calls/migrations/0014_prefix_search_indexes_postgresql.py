"""PostgreSQL only: indexes that serve the call list's search by prefix (`LIKE 'text%'`) on the case and
customer ids (calls.selectors._prefix).

Django gives a unique or db_index CharField a `varchar_pattern_ops` index of its own on PostgreSQL (the
external id has one), but not a column indexed only through Meta.indexes, as these two are; and a btree
index in a database whose collation is not "C" cannot serve LIKE: at a million calls the search by case id
was a full scan (0.6 s). SQLite reads the prefix as a range on the ordinary index, so it needs none.
"""

from django.db import migrations

INDEXES = {
    "call_case_prefix_idx": "case_id",
    "call_customer_prefix_idx": "customer_id",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "calls_call" ("{column}" varchar_pattern_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("calls", "0013_call_evaluation_result")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

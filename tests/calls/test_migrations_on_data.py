"""The stored duration columns arrive on a database that already holds calls (SQLite cannot ALTER TABLE ADD a
STORED column: migration 0010 rebuilds the table there), and are filled from the calls' durations."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("calls", "0009_import_agent_step_and_agent_aliases")]
AFTER = [("calls", "0010_call_list_sort_columns_and_indexes")]


@pytest.mark.django_db(transaction=True)
def test_the_stored_durations_are_added_to_existing_calls():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Call = old_apps.get_model("calls", "Call")
    Call.objects.create(
        external_id="OLD-1",
        started_at="2024-03-05T10:00:00Z",
        ivr_wait_seconds=5,
        queue_wait_seconds=None,
        talk_seconds=300,
        hold_seconds=20,
        wrap_up_seconds=None,
    )
    Call.objects.create(external_id="OLD-2", started_at="2024-03-05T11:00:00Z")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    stored = dict(
        new_apps.get_model("calls", "Call")
        .objects.order_by("external_id")
        .values_list("external_id", "handle_time_seconds")
    )
    waits = dict(new_apps.get_model("calls", "Call").objects.values_list("external_id", "wait_time_seconds"))
    assert stored == {"OLD-1": 320, "OLD-2": None}  # unknown parts count 0; all unknown stays unknown
    assert waits == {"OLD-1": 5, "OLD-2": None}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest for the tests after this one


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_scopes_keep_what_they_could_do():
    """Migration 0016: a token from before scopes may still push and read (no integration breaks on the
    upgrade); a token created after it gets the least privilege by default, "ingest" only."""
    before = [("calls", "0015_retention")]
    after = [("calls", "0016_ingest_token_scopes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_token = executor.loader.project_state(before).apps.get_model("calls", "IngestToken")
    old_token.objects.create(name="PBX", prefix="abcdefgh", key_hash="1" * 64)
    old_token.objects.create(name="Helpdesk", prefix="ijklmnop", key_hash="2" * 64)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    token = executor.loader.project_state(after).apps.get_model("calls", "IngestToken")
    assert set(token.objects.values_list("name", "can_ingest", "can_read")) == {
        ("PBX", True, True),
        ("Helpdesk", True, True),
    }
    new = token.objects.create(name="New", prefix="qrstuvwx", key_hash="3" * 64)
    assert (new.can_ingest, new.can_read) == (True, False)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest for the tests after this one

"""The computation converges: run twice → identical rows; run concurrently → no duplicates; stale rows go."""

import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, connections

from qa_center.kpis import computing
from qa_center.kpis.models import EscalationSnapshot, KpiComputation, KpiSnapshot
from tests.factories import AgentFactory, CallFactory, EscalationFactory, SurveyResponseFactory
from tests.kpis.helpers import DAY, at, compute, rows, snapshot


@pytest.fixture(autouse=True)
def _riga(settings):
    settings.TIME_ZONE = "Europe/Riga"


def _some_data(agent, call_type):
    for hour in range(8, 12):
        EscalationFactory(call=CallFactory(agent=agent, call_type=call_type, started_at=at(DAY, hour)))
    CallFactory(agent=agent, call_type=call_type, started_at=at(date(2026, 3, 20), 9), case_id="X")
    SurveyResponseFactory(call=None, responded_at=at(DAY, 9))


@pytest.mark.django_db
def test_running_twice_gives_identical_rows(agent, call_type):
    _some_data(agent, call_type)
    first = compute()
    before, escalations = rows(), rows(EscalationSnapshot)
    assert compute() == first
    assert rows() == before and rows(EscalationSnapshot) == escalations
    assert before  # something was computed


@pytest.mark.django_db
def test_a_scope_that_lost_its_calls_loses_its_row(agent, call_type):
    moved = CallFactory(agent=agent, call_type=call_type, started_at=at(DAY, 9))
    compute()
    assert snapshot("agent", agent.pk).calls == 1
    newcomer = AgentFactory(team=agent.team)
    type(moved).objects.filter(pk=moved.pk).update(agent=newcomer)
    compute()
    assert snapshot("agent", agent.pk) is None  # no data, not a stale 1
    assert snapshot("agent", newcomer.pk).calls == 1


@pytest.mark.django_db(transaction=True)
def test_two_computations_at_once_write_no_duplicates(agent, call_type):
    _some_data(agent, call_type)
    compute()
    expected = rows()
    errors = []

    def run():
        try:
            compute()
        except Exception as exc:  # reported below: a thread's exception would be lost
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert rows() == expected
    keys = KpiSnapshot.objects.values_list("period_kind", "period_start", "scope_kind", "scope_id")
    assert len(set(keys)) == len(keys)
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_a_failed_computation_is_recorded_and_leaves_the_rows_it_had(agent, call_type, monkeypatch):
    CallFactory(agent=agent, call_type=call_type, started_at=at(DAY, 9))
    compute()
    before = rows()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(
        computing,
        "SNAPSHOT_SOURCES",
        ((computing.call_cells, computing.definitions.CALL_COUNT_NAMES), (broken, ())),
    )
    record = computing.record_computation(first_day=DAY, last_day=DAY, trigger=KpiComputation.Trigger.COMMAND)
    with pytest.raises(RuntimeError):
        computing.run_computation(record)
    record.refresh_from_db()
    assert record.status == KpiComputation.Status.FAILED and "went away" in record.message
    assert rows() == before  # the chunk's transaction rolled back


@pytest.mark.django_db
def test_a_run_lost_with_its_worker_shows_as_failed_at_the_next_run(settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.CELERY_TASK_TIME_LIMIT = 600
    record = computing.record_computation
    lost, recent, queued = (
        record(first_day=DAY, last_day=DAY, trigger=KpiComputation.Trigger.SCHEDULE) for _ in range(3)
    )
    now = timezone.now()
    KpiComputation.objects.filter(pk=lost.pk).update(
        status="running", started_at=now - timedelta(seconds=601)
    )
    KpiComputation.objects.filter(pk=recent.pk).update(
        status="running", started_at=now - timedelta(seconds=300)
    )
    computing.run_computation(record(first_day=DAY, last_day=DAY, trigger=KpiComputation.Trigger.SCHEDULE))
    lost.refresh_from_db(), recent.refresh_from_db(), queued.refresh_from_db()
    assert lost.status == KpiComputation.Status.FAILED and "time limit" in lost.message and lost.finished_at
    assert recent.status == KpiComputation.Status.RUNNING  # still within the limit: maybe still computing
    assert queued.status == KpiComputation.Status.QUEUED


@pytest.mark.django_db
def test_the_command_computes_with_a_progress_bar(agent, call_type, capsys):
    CallFactory(agent=agent, call_type=call_type, started_at=at(DAY, 9))
    call_command("compute_kpis", "--from", "2026-03-01", "--to", "2026-03-31")
    out = capsys.readouterr().out
    assert "[" in out and "]" in out and "snapshots of 2026-03-01 – 2026-03-31" in out
    assert snapshot().calls == 1
    computation = KpiComputation.objects.get()
    assert (computation.status, computation.trigger) == ("done", "command")


@pytest.mark.django_db
def test_the_command_refuses_a_range_backwards():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("compute_kpis", "--from", "2026-03-02", "--to", "2026-03-01")
    with pytest.raises(CommandError):
        call_command("compute_kpis", "--from", "March")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 11), (date(2026, 3, 10), date(2026, 3, 10))),  # a Wednesday: yesterday only
        (date(2026, 3, 16), (date(2026, 3, 9), date(2026, 3, 15))),  # a Monday: last week
        (date(2026, 4, 1), (date(2026, 3, 1), date(2026, 3, 31))),  # the 1st: last month
        (date(2026, 6, 1), (date(2026, 5, 1), date(2026, 5, 31))),  # a Monday and the 1st
    ],
)
def test_the_nightly_run_closes_yesterday_and_what_just_ended(today, expected):
    assert computing.days_to_close(today) == expected

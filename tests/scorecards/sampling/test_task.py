"""The Celery task and its beat schedule: thin wrappers that run the sampler for a period."""

from datetime import date

import pytest
from celery.schedules import crontab

from qa_center.celery import app as celery_app
from scorecards.models import Assignment, SamplingRun
from scorecards.sampling import tasks
from tests.factories import NO_CRITERIA, SamplingRuleFactory, make_published_version
from tests.scorecards.sampling.sampled_week import WEEK_DAY, qualifying_calls

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampled_center(agent, reviewer, call_type):
    make_published_version(call_type, NO_CRITERIA)
    SamplingRuleFactory(call_type=call_type, calls_per_agent=2)
    qualifying_calls(4, agent=agent, call_type=call_type)


def test_the_task_runs_the_sampler_for_the_period_containing_the_day(sampled_center, manager):
    tasks.sample_calls.delay("week", WEEK_DAY.isoformat(), manager.pk)

    run = SamplingRun.objects.get()
    assert (run.seed, run.period_start, run.period_end) == ("2024-W10", date(2024, 3, 4), date(2024, 3, 10))
    assert run.created_by == manager
    assert Assignment.objects.filter(sampling_run=run).count() == 2


def test_without_a_day_the_task_samples_the_last_complete_period(sampled_center, monkeypatch):
    # What beat does on Monday 11 March 2024: sample week 10.
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2024, 3, 11))
    tasks.sample_calls.delay("week")
    run = SamplingRun.objects.get()
    assert (run.seed, run.created_by) == ("2024-W10", None)
    assert run.assignments_created == 2


def test_running_the_task_twice_is_idempotent(sampled_center):
    tasks.sample_calls.delay("week", WEEK_DAY.isoformat())
    tasks.sample_calls.delay("week", WEEK_DAY.isoformat())
    assert Assignment.objects.count() == 2
    assert list(SamplingRun.objects.order_by("pk").values_list("assignments_created", flat=True)) == [2, 0]


def test_beat_samples_weekly_on_monday_and_monthly_on_the_first():
    schedule = celery_app.conf.beat_schedule
    weekly, monthly = schedule["sample-calls-weekly"], schedule["sample-calls-monthly"]
    assert weekly["task"] == monthly["task"] == tasks.sample_calls.name == "scorecards.tasks.sample_calls"
    assert weekly["kwargs"] == {"period": "week"}
    assert monthly["kwargs"] == {"period": "month"}
    assert weekly["schedule"] == crontab(day_of_week="mon", hour=2, minute=30)
    assert monthly["schedule"] == crontab(day_of_month=1, hour=2, minute=45)
    assert "scorecards.tasks.sample_calls" in celery_app.tasks

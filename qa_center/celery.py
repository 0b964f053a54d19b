"""The Celery app: reads Django settings under the CELERY_ namespace and finds each app's tasks.py."""

import os

from celery import Celery, signals
from celery.schedules import crontab

from qa_center.local_folders import make_local_folders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_center.settings")

app = Celery("qa_center")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks live in the feature packages that own them, not in each app's top-level tasks.py.
app.autodiscover_tasks(
    [
        "qa_center.people",
        "calls.imports",
        "calls.retention",
        "scorecards.sampling",
        "scorecards.calibration",
        "coaching.sessions",
        "qa_center.kpis",
    ]
)


@signals.import_modules.connect(sender=app)
def _make_local_folders(sender, **kwargs):
    """Sent when the worker or beat starts, before either opens the broker's folders or beat's schedule file."""
    make_local_folders()


# The beat schedule is kept in code so that every deployment runs the same periodic jobs.
app.conf.beat_schedule = {
    "fail-stalled-import-jobs": {
        "task": "calls.tasks.fail_stalled_import_jobs",
        "schedule": crontab(minute="*/5"),
    },
    "purge-old-import-files": {
        "task": "calls.tasks.purge_old_import_files",
        "schedule": crontab(hour=3, minute=17),
    },
    # Recordings and transcripts past QA_RETENTION_DAYS (calls.retention); a day late is close enough.
    "apply-retention": {
        "task": "calls.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=37),
    },
    # Fills the reviewers' queues with last week's calls (weekly rules) and last month's (monthly rules).
    "sample-calls-weekly": {
        "task": "scorecards.tasks.sample_calls",
        "schedule": crontab(day_of_week="mon", hour=2, minute=30),
        "kwargs": {"period": "week"},
    },
    "sample-calls-monthly": {
        "task": "scorecards.tasks.sample_calls",
        "schedule": crontab(day_of_month=1, hour=2, minute=45),
        "kwargs": {"period": "month"},
    },
    # A session's deadline closes it: within a quarter of an hour is close enough for a target set in days.
    "close-calibration-sessions": {
        "task": "scorecards.close_calibration_sessions",
        "schedule": crontab(minute="*/15"),
    },
    # Hourly: a session's reminder goes out the day before (at the first run of that day), an action item's
    # once it is overdue; each is sent once however often this runs.
    "coaching-reminders": {
        "task": "coaching.send_reminders",
        "schedule": crontab(minute=7),
    },
    "coaching-follow-up-evaluations": {
        "task": "coaching.request_follow_up_evaluations",
        "schedule": crontab(hour=4, minute=20),
    },
    # KPI snapshots: today and yesterday every few minutes (late data keeps arriving for both); each night,
    # yesterday and the week or month that has just ended, closed (CELERY_TIMEZONE is the center's).
    "compute-recent-kpis": {
        "task": "kpis.compute_recent",
        "schedule": crontab(minute="*/5"),
    },
    "close-kpi-periods": {
        "task": "kpis.close_previous_periods",
        "schedule": crontab(hour=0, minute=40),
    },
}

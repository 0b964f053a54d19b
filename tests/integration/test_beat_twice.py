"""Two beats at once (a second one started by mistake, or two during a deployment's hand-over) send every
periodic task twice at the same moment. Here each beat-scheduled task that writes rows is sent twice at once to
two real worker processes, which run the pair side by side; the rows are those of a single run.

What keeps them single (each the database's doing, so it holds across processes and machines):
- KPI snapshots: each run replaces its days' rows under one advisory lock (PostgreSQL; SQLite's writers take
  turns), and one row per period and scope is a unique key (qa_center.kpis.computing);
- sampled assignments: a run locks its rules (SELECT … FOR UPDATE) and only tops quotas up; a call has one
  live assignment (unique constraint) (scorecards.sampling.services.run_sampling);
- follow-up assignments: the session row is locked and only the missing ones are added
  (coaching.sessions.services.request_follow_up_evaluations);
- reminders: each is sent with a SentReminder row whose key is unique, in the same transaction
  (coaching.sessions.reminders.send_reminder): the loser's insert fails and it sends nothing.
"""

import re
import uuid
from datetime import timedelta

import pytest
from celery import Celery
from django.db.models import Count
from django.utils import timezone

from calls.models import Call
from coaching.models import CoachingSession, SentReminder
from qa_center.kpis import computing
from qa_center.kpis.models import EscalationSnapshot, KpiSnapshot
from qa_center.people.models import Notification, User
from scorecards.models import Assignment, SamplingRun
from tests.factories import (
    NO_CRITERIA,
    AgentFactory,
    CallFactory,
    SamplingRuleFactory,
    coaching_session,
    make_published_version,
)
from tests.integration.conftest import wait_for
from tests.scorecards.sampling.sampled_week import WEEK_DAY, qualifying_calls

pytestmark = [pytest.mark.integration]


def _rows(model) -> list[tuple]:
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in {"id", "computed_at"}]
    return sorted(model.objects.values_list(*names))


def _run_twice_at_once(producer, workers, name: str, **kwargs) -> None:
    """`name` sent twice at once; back when both workers have run their copy."""
    ids = [str(uuid.uuid4()) for _ in range(2)]
    for task_id in ids:
        producer.send_task(name, kwargs=kwargs, task_id=task_id)

    def both_done():
        logs = workers.logs()
        failed = [i for i in ids if re.search(rf"\[{i}\] (raised|failed)", logs)]
        assert not failed, logs
        return all(f"[{task_id}] succeeded" in logs for task_id in ids)

    wait_for(both_done, what=f"both runs of {name}", timeout=60)
    logs = workers.logs()
    # Side by side: each worker ran one of the pair.
    for _process, log in workers.started:
        assert sum(f"[{task_id}] succeeded" in log.read_text() for task_id in ids) == 1, logs


@pytest.fixture
def center(team, lead, agent, reviewer, call_type):
    """Calls today and yesterday (KPIs), a sampled week (assignments), a session tomorrow (reminders) and one
    whose follow-up is due (follow-up assignments)."""
    make_published_version(call_type, NO_CRITERIA)
    SamplingRuleFactory(call_type=call_type, calls_per_agent=3)
    second = AgentFactory(username="agent-b", team=team)
    User.objects.create(username="reviewer-b", is_reviewer=True)
    for person in (agent, second):
        qualifying_calls(12, agent=person, call_type=call_type, day=WEEK_DAY)
    now = timezone.now()
    for hours in range(0, 40, 2):
        CallFactory(agent=agent, call_type=call_type, started_at=now - timedelta(hours=hours))
    coaching_session(lead, agent, start=now + timedelta(days=1))
    # The followed agent's calls since their session: the follow-up draws from them.
    CallFactory.create_batch(3, agent=second, call_type=call_type, started_at=now - timedelta(hours=12))
    return coaching_session(
        lead,
        second,
        start=now - timedelta(days=10),
        status=CoachingSession.Status.COMPLETED,
        follow_up_on=timezone.localdate() - timedelta(days=1),
        follow_up_evaluations=2,
    )


def test_each_beat_task_run_twice_at_once_writes_once(workers, redis_url, center, lead, agent):
    first_log = workers.start(wait=False)[1]
    second_log = workers.start(wait=False)[1]
    workers.wait_ready(first_log)
    workers.wait_ready(second_log)
    producer = Celery("producer", broker=redis_url)

    _run_twice_at_once(producer, workers, "kpis.compute_recent")
    _run_twice_at_once(producer, workers, "kpis.close_previous_periods")
    _run_twice_at_once(
        producer, workers, "scorecards.tasks.sample_calls", period="week", day=WEEK_DAY.isoformat()
    )
    _run_twice_at_once(producer, workers, "coaching.request_follow_up_evaluations")
    # Tomorrow's session, reminded as of 9 o'clock today: to its lead and to its agent.
    at = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0).isoformat()
    _run_twice_at_once(producer, workers, "coaching.send_reminders", at=at)

    # Snapshots: those of one run of each, computed here afresh.
    after_beats = _rows(KpiSnapshot), _rows(EscalationSnapshot)
    assert after_beats[0]
    for first_day, last_day in (
        computing.recent_days(timezone.localdate()),
        computing.days_to_close(timezone.localdate()),
    ):
        computing.compute_kpis(first_day=first_day, last_day=last_day)
    assert (_rows(KpiSnapshot), _rows(EscalationSnapshot)) == after_beats

    # Sampling: 3 calls for each of the 2 agents, once; the second run found the quotas met.
    sampled = Assignment.objects.filter(call__started_at__date=WEEK_DAY)
    assert sampled.count() == 6
    assert sorted(SamplingRun.objects.values_list("assignments_created", flat=True)) == [0, 6]
    assert not Assignment.objects.values("call").annotate(n=Count("id")).filter(n__gt=1).exists()
    # The follow-up: its 2 evaluations asked for once.
    assert center.follow_up_assignments.count() == 2
    assert Assignment.objects.count() == 6 + 2
    # Reminders: one each, one notification each, one e-mail each (the console backend writes to the logs).
    assert SentReminder.objects.count() == 2
    reminded = Notification.objects.filter(event="coaching_session_reminder")
    assert sorted(reminded.values_list("recipient__username", flat=True)) == sorted(
        [lead.username, agent.username]
    )
    sent = re.findall(r"^To: (.+)$", workers.logs(), flags=re.MULTILINE)
    assert sorted(sent) == sorted([lead.email, agent.email])
    assert Call.objects.exists()

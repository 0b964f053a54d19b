"""The QA manager's home: open disputes oldest first, imports that need attention, calibration sessions to
close, scorecard drafts, sampling shortfalls; each linking to where the work is done."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import ImportJob
from qa_center.kpis.models import CENTER_ID, KpiSnapshot
from qa_center.kpis.targets.services import set_target
from scorecards.models import Dispute, Evaluation
from scorecards.sampling.selectors import SHORTFALL_DAYS
from tests.factories import (
    FULL_MARKS,
    CallFactory,
    CallTypeFactory,
    calibrated,
    evaluation_of,
    make_published_version,
    make_session,
)
from tests.home.helpers import item_of, sampling_run

pytestmark = pytest.mark.django_db


def ago(**delta):
    return timezone.now() - timedelta(**delta)


# --- Open disputes ------------------------------------------------------------------------------------------


def test_open_disputes_are_listed_oldest_first_with_a_link_to_resolve(
    home, manager, agent, other_agent, reviewer, default_version
):
    newer = evaluation_of(
        agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.DISPUTED
    )
    older = evaluation_of(
        other_agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.DISPUTED
    )
    Dispute.objects.filter(evaluation=older).update(opened_at=ago(days=3))
    evaluation_of(
        agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.RESOLVED, manager=manager
    )
    response = home(manager)
    item = item_of(response, "open-disputes")
    assert [dispute.evaluation for dispute in item.rows] == [older, newer]
    assert item.total == 2
    html = response.content.decode()
    for dispute in item.rows:
        assert reverse("feedback:resolve", args=[dispute.pk]) in html
    assert reverse("feedback:disputes") in html


def test_a_dispute_about_the_managers_own_scoring_says_another_manager_resolves_it(
    home, manager, agent, default_version
):
    evaluation_of(agent, version=default_version, reviewer=manager, status=Evaluation.Status.DISPUTED)
    assert "You scored it: another QA manager resolves it." in home(manager).content.decode()


def test_no_open_disputes_says_so(home, manager):
    html = home(manager).content.decode()
    assert "No open disputes: every agent has had an answer." in html


# --- Imports ------------------------------------------------------------------------------------------------


def job(name, status, *, created_at=None, **fields):
    created = ImportJob.objects.create(
        file=f"imports/{name}", original_name=name, status=status, columns={"external_id": "id"}, **fields
    )
    if created_at is not None:
        ImportJob.objects.filter(pk=created.pk).update(created_at=created_at)
    return created


def test_imports_that_need_attention_and_why(home, manager):
    failed = job("failed.csv", ImportJob.Status.FAILED)
    refused = job("refused.csv", ImportJob.Status.REFUSED)
    partial = job("partial.csv", ImportJob.Status.PARTIAL, error_count=3)
    agents = job("agents.csv", ImportJob.Status.NEEDS_AGENTS)
    silent = job(
        "silent.csv", ImportJob.Status.RUNNING, started_at=ago(minutes=20), heartbeat_at=ago(minutes=9)
    )
    unclaimed = job("unclaimed.csv", ImportJob.Status.PENDING, created_at=ago(minutes=30))
    # Not listed: went through, still running, just queued, waiting for its mapping, an old failure.
    job("done.csv", ImportJob.Status.DONE)
    job("running.csv", ImportJob.Status.RUNNING, started_at=ago(minutes=1), heartbeat_at=ago(seconds=5))
    job("queued.csv", ImportJob.Status.PENDING)
    ImportJob.objects.create(
        file="imports/unmapped.csv", original_name="unmapped.csv", status=ImportJob.Status.PENDING
    )
    ImportJob.objects.filter(original_name="unmapped.csv").update(created_at=ago(hours=2))
    job("old.csv", ImportJob.Status.FAILED, created_at=ago(days=8))

    response = home(manager)
    item = item_of(response, "imports-attention")
    reasons = {row.original_name: row.attention for row in item.rows}
    assert item.total == 6
    html = response.content.decode()
    # Five rows listed of six (the newest first): the oldest one is in "and 1 more".
    assert len(item.rows) == 5 and "and 1 more" in html
    assert reasons == {
        "failed.csv": "failed",
        "refused.csv": "refused",
        "partial.csv": "refused_rows",
        "agents.csv": "agents",
        "silent.csv": "stuck",
    }
    assert unclaimed.pk not in {row.pk for row in item.rows}
    assert "Done, 3 rows refused" in html
    assert reverse("imports:agents", args=[agents.pk]) in html
    for listed in (failed, refused, partial, silent):
        assert reverse("imports:detail", args=[listed.pk]) in html
    assert "no sign of life" in html


def test_a_job_never_claimed_is_stuck(home, manager):
    job("unclaimed.csv", ImportJob.Status.PENDING, created_at=ago(minutes=30))
    item = item_of(home(manager), "imports-attention")
    assert [(row.original_name, row.attention) for row in item.rows] == [("unclaimed.csv", "stuck")]


def test_no_import_needing_attention_says_so(home, manager):
    job("done.csv", ImportJob.Status.DONE)
    html = home(manager).content.decode()
    assert "No import needs attention: the recent ones all went through." in html


# --- Calibration --------------------------------------------------------------------------------------------


def test_open_calibration_sessions_with_their_progress(
    home, manager, agent, reviewer, second_reviewer, default_version
):
    first = make_session(
        CallFactory(agent=agent, call_type=default_version.scorecard.call_type),
        manager,
        [reviewer, second_reviewer],
        title="Greeting wording",
    )
    calibrated(first, reviewer, FULL_MARKS)
    closed = make_session(
        CallFactory(agent=agent, call_type=default_version.scorecard.call_type),
        manager,
        [reviewer, second_reviewer],
        title="Closed one",
    )
    for person in (manager, reviewer, second_reviewer):
        calibrated(closed, person, FULL_MARKS)
    closed.refresh_from_db()
    assert closed.is_closed

    response = home(manager)
    item = item_of(response, "calibration-open")
    assert item.rows == [first]
    html = response.content.decode()
    assert "1 of 3 participants have scored" in html
    assert "Your reference answers are still missing." in html
    assert reverse("calibration:detail", args=[first.pk]) in html
    assert reverse("calibration:detail", args=[closed.pk]) not in html


def test_no_open_session_says_so(home, manager):
    assert "No calibration session is open." in home(manager).content.decode()


# --- Scorecard drafts ---------------------------------------------------------------------------------------


def test_scorecard_drafts_link_to_the_builder(home, manager, call_type):
    published = make_published_version(call_type)
    draft = make_published_version(CallTypeFactory(name="Sales", slug="sales"), status="draft")
    response = home(manager)
    item = item_of(response, "scorecard-drafts")
    assert item.rows == [draft]
    html = response.content.decode()
    assert reverse("scorecards:edit", args=[draft.pk]) in html
    assert reverse("scorecards:edit", args=[published.pk]) not in html


def test_no_scorecard_draft_says_so(home, manager, call_type):
    make_published_version(call_type)
    assert "No scorecard draft in progress." in home(manager).content.decode()


# --- Sampling shortfalls ------------------------------------------------------------------------------------


def test_the_latest_run_of_each_recent_period_that_fell_short(home, manager):
    today = timezone.localdate()
    week_start, week_end = today - timedelta(days=7), today - timedelta(days=1)
    superseded = sampling_run(start=week_start, end=week_end, shortfall=4)
    rerun = sampling_run(start=week_start, end=week_end, shortfall=2)
    month = sampling_run(start=today - timedelta(days=30), end=today - timedelta(days=2), shortfall=5)
    met = sampling_run(start=today - timedelta(days=14), end=today - timedelta(days=8), shortfall=0)
    old = sampling_run(
        start=today - timedelta(days=SHORTFALL_DAYS + 7),
        end=today - timedelta(days=SHORTFALL_DAYS + 1),
        shortfall=9,
    )
    response = home(manager)
    item = item_of(response, "sampling-shortfalls")
    assert [(run.pk, run.shortfall) for run in item.rows] == [(rerun.pk, 2), (month.pk, 5)]
    html = response.content.decode()
    assert "2 calls short of the quotas" in html
    assert reverse("queue:run-detail", args=[rerun.pk]) in html
    for absent in (superseded, met, old):
        assert reverse("queue:run-detail", args=[absent.pk]) not in html


def test_no_shortfall_says_so(home, manager):
    today = timezone.localdate()
    sampling_run(start=today - timedelta(days=7), end=today - timedelta(days=1), shortfall=0)
    assert "The latest sampling runs met every quota." in home(manager).content.decode()


# --- Today so far -------------------------------------------------------------------------------------------


def test_today_so_far_shows_the_centers_figures_against_their_targets(home, manager):
    set_target(kpi="service_level", value=80, by=manager)
    KpiSnapshot.objects.create(
        period_kind="day",
        period_start=timezone.localdate(),
        scope_kind="center",
        scope_id=CENTER_ID,
        computed_at=timezone.now(),
        calls=12,
        inbound=10,
        inbound_with_outcome=10,
        inbound_answered=9,
        inbound_abandoned=1,
        waits=9,
        wait_total=180,
        within_service_level=6,
    )
    response = home(manager)
    item = item_of(response, "center-today")
    assert item.data["center"].calls == 12
    figures = {figure.kpi.key: figure for figure in item.rows}
    assert (figures["service_level"].value, figures["service_level"].status) == (
        pytest.approx(200 / 3),
        "missed",
    )
    assert figures["answer_rate"].value == 90.0 and figures["answer_rate"].status is None
    html = response.content.decode()
    assert reverse("kpi_today:today") in html and "Target missed" in html and "As of" in html


def test_today_so_far_before_any_computation_says_so(home, manager):
    item = item_of(home(manager), "center-today")
    assert item.data["board"].as_of is None and item.data["center"].calls == 0
    assert all(figure.value is None for figure in item.rows)

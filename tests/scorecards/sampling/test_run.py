"""The sampler: reproducible picks, per-agent quotas and shortfalls, fair spreading, idempotent re-runs."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from qa_center.people.models import User
from scorecards.models import Assignment, SamplingRun
from scorecards.sampling.services import WEEK, period_containing, run_sampling
from tests.factories import (
    NO_CRITERIA,
    AgentFactory,
    CallTypeFactory,
    SamplingRuleFactory,
    make_published_version,
)
from tests.scorecards.sampling.sampled_week import WEEK_DAY, qualifying_call, qualifying_calls

pytestmark = pytest.mark.django_db

PERIOD = period_containing(kind=WEEK, day=WEEK_DAY)


def picks() -> dict[int, int]:
    """call id → reviewer id of every live assignment."""
    return dict(
        Assignment.objects.exclude(status=Assignment.Status.CANCELLED).values_list("call_id", "reviewer_id")
    )


def open_counts(reviewers) -> list[int]:
    counts = dict(
        User.objects.filter(pk__in=[r.pk for r in reviewers])
        .annotate(n=Count("assignments", filter=Q(assignments__status=Assignment.Status.OPEN)))
        .values_list("pk", "n")
    )
    return [counts[r.pk] for r in reviewers]


def report_row(run: SamplingRun, *, call_type, agent) -> dict:
    (rule,) = [rule for rule in run.report["rules"] if rule["call_type_id"] == call_type.pk]
    (row,) = [row for row in rule["agents"] if row["agent_id"] == agent.pk]
    return row


@pytest.fixture
def sales(db):
    return CallTypeFactory(name="Outbound sales", slug="outbound-sales")


@pytest.fixture
def reviewer_agent(team):
    """Reviews calls and also answers them: must never review their own."""
    return AgentFactory(username="reviewer-agent", team=team, is_reviewer=True)


@pytest.fixture
def center(agent, other_agent, reviewer, reviewer_agent, second_reviewer, call_type, sales):
    """Two call types with published scorecards and rules; three agents with 12 calls of each type."""
    for kind in (call_type, sales):
        make_published_version(kind, NO_CRITERIA)
    SamplingRuleFactory(call_type=call_type, calls_per_agent=3)
    SamplingRuleFactory(call_type=sales, calls_per_agent=2)
    agents = [agent, other_agent, reviewer_agent]
    for person in agents:
        for kind in (call_type, sales):
            qualifying_calls(12, agent=person, call_type=kind)
    return {
        "agents": agents,
        "reviewers": [reviewer, reviewer_agent, second_reviewer],
        "types": [call_type, sales],
    }


# --- Reproducibility -------------------------------------------------------------------------------------


def test_same_seed_over_the_same_calls_picks_the_same_calls_and_reviewers(center):
    first = run_sampling(period=PERIOD)
    first_picks = picks()
    assert len(first_picks) == 3 * (3 + 2)
    Assignment.objects.all().delete()

    second = run_sampling(period=PERIOD)
    assert picks() == first_picks
    assert first.seed == second.seed == "2024-W10"


def test_a_different_seed_picks_different_calls(agent, reviewer, call_type):
    make_published_version(call_type, NO_CRITERIA)
    SamplingRuleFactory(call_type=call_type, calls_per_agent=5)
    qualifying_calls(200, agent=agent, call_type=call_type)

    run_sampling(period=PERIOD, seed="seed-a")
    picked_a = set(picks())
    Assignment.objects.all().delete()
    run = run_sampling(period=PERIOD, seed="seed-b")
    picked_b = set(picks())

    assert len(picked_a) == len(picked_b) == 5
    # Two independent draws of 5 out of 200 coincide with probability 1 / C(200, 5) ≈ 4e-10.
    assert picked_a != picked_b
    assert run.seed == "seed-b"


# --- Quotas and the report ------------------------------------------------------------------------------


def test_each_agent_gets_the_quota_of_each_call_type_when_enough_calls_exist(center):
    run = run_sampling(period=PERIOD)
    per_agent_type = Counter(Assignment.objects.values_list("call__agent_id", "call__call_type_id"))
    call_type, sales = center["types"]
    for person in center["agents"]:
        assert per_agent_type[(person.pk, call_type.pk)] == 3
        assert per_agent_type[(person.pk, sales.pk)] == 2
        row = report_row(run, call_type=call_type, agent=person)
        assert row == {
            "agent_id": person.pk,
            "agent": str(person),
            "calls": 12,
            "already_sampled": 0,
            "candidates": 12,
            "quota": 3,
            "picked": 3,
            "no_reviewer": 0,
            "shortfall": 0,
        }
    assert run.assignments_created == 15
    assert run.assignments.count() == 15
    assert run.report["totals"] == {
        "agents": 6,
        "candidates": 72,
        "picked": 15,
        "shortfall": 0,
        "no_reviewer": 0,
    }
    assert {r["reviewer_id"]: r["assigned"] for r in run.report["reviewers"]} == dict(
        Counter(Assignment.objects.values_list("reviewer_id", flat=True))
    )


def test_a_shortfall_is_reported_when_fewer_calls_qualify_than_the_quota(
    agent, other_agent, reviewer, call_type
):
    make_published_version(call_type, NO_CRITERIA)
    SamplingRuleFactory(call_type=call_type, calls_per_agent=3, min_talk_seconds=60)
    qualifying_calls(2, agent=agent, call_type=call_type)
    qualifying_call(agent=other_agent, call_type=call_type, talk_seconds=30)

    run = run_sampling(period=PERIOD)

    assert report_row(run, call_type=call_type, agent=agent) == {
        "agent_id": agent.pk,
        "agent": str(agent),
        "calls": 2,
        "already_sampled": 0,
        "candidates": 2,
        "quota": 3,
        "picked": 2,
        "no_reviewer": 0,
        "shortfall": 1,
    }
    other = report_row(run, call_type=call_type, agent=other_agent)
    assert (other["calls"], other["candidates"], other["picked"], other["shortfall"]) == (1, 0, 0, 3)
    assert Assignment.objects.filter(call__agent=other_agent).count() == 0


def test_due_date_is_a_week_after_the_run(center):
    run_sampling(period=PERIOD)
    expected = timezone.now() + timedelta(days=7)
    for due_at in Assignment.objects.values_list("due_at", flat=True):
        assert abs(due_at - expected) < timedelta(minutes=1)


# --- Fairness -------------------------------------------------------------------------------------------


def test_no_reviewer_gets_their_own_calls(center, reviewer_agent):
    run_sampling(period=PERIOD)
    assert Assignment.objects.count() == 15
    assert not Assignment.objects.filter(reviewer_id=F("call__agent_id")).exists()
    # The reviewer who is also an agent still reviews other agents' calls.
    own = Assignment.objects.filter(reviewer=reviewer_agent)
    assert own.exists()
    assert not own.filter(call__agent=reviewer_agent).exists()


def test_open_assignments_are_balanced_within_one_across_reviewers(center):
    run_sampling(period=PERIOD)
    counts = open_counts(center["reviewers"])
    assert sum(counts) == 15
    assert max(counts) - min(counts) <= 1


def test_spreading_evens_out_queues_that_were_uneven(center, reviewer):
    # `reviewer` starts with 4 open assignments of an earlier week.
    earlier = WEEK_DAY - timedelta(days=7)
    for extra in qualifying_calls(4, agent=center["agents"][1], call_type=center["types"][0], day=earlier):
        Assignment.objects.create(call=extra, reviewer=reviewer)
    run = run_sampling(period=PERIOD)
    counts = open_counts(center["reviewers"])
    assert sum(counts) == 15 + 4
    assert max(counts) - min(counts) <= 1
    before = {r["reviewer_id"]: r["open_before"] for r in run.report["reviewers"]}
    assert before[reviewer.pk] == 4


def test_inactive_reviewers_and_non_reviewers_get_nothing(center, manager, second_reviewer):
    second_reviewer.is_active = False
    second_reviewer.save(update_fields=["is_active"])
    run_sampling(period=PERIOD)
    assert set(Assignment.objects.values_list("reviewer_id", flat=True)) == {
        center["reviewers"][0].pk,
        center["reviewers"][1].pk,
    }
    assert second_reviewer.pk not in {r["reviewer_id"] for r in SamplingRun.objects.get().report["reviewers"]}


def test_calls_no_other_reviewer_can_take_are_reported_not_assigned(reviewer_agent, call_type):
    make_published_version(call_type, NO_CRITERIA)
    SamplingRuleFactory(call_type=call_type, calls_per_agent=2)
    qualifying_calls(3, agent=reviewer_agent, call_type=call_type)

    run = run_sampling(period=PERIOD)

    assert not Assignment.objects.exists()
    assert run.assignments_created == 0
    row = report_row(run, call_type=call_type, agent=reviewer_agent)
    assert (row["candidates"], row["picked"], row["no_reviewer"], row["shortfall"]) == (3, 0, 2, 2)


# --- Re-runs --------------------------------------------------------------------------------------------


def test_running_the_same_period_again_creates_nothing_new(center):
    run_sampling(period=PERIOD)
    before = picks()
    again = run_sampling(period=PERIOD)
    assert again.assignments_created == 0
    assert picks() == before
    row = report_row(again, call_type=center["types"][0], agent=center["agents"][0])
    assert (row["already_sampled"], row["candidates"], row["picked"], row["shortfall"]) == (3, 9, 0, 0)


def test_a_re_run_tops_up_to_a_raised_quota_without_duplicates(center):
    run_sampling(period=PERIOD)
    before = picks()
    call_type = center["types"][0]
    call_type.sampling_rules.update(calls_per_agent=5)

    again = run_sampling(period=PERIOD)

    after = picks()
    assert again.assignments_created == 3 * 2
    assert set(before) <= set(after)
    assert len(after) == len(before) + 6
    per_call = Counter(Assignment.objects.values_list("call_id", flat=True))
    assert max(per_call.values()) == 1
    for person in center["agents"]:
        assert Assignment.objects.filter(call__agent=person, call__call_type=call_type).count() == 5


def test_a_cancelled_call_is_replaced_by_another_and_never_drawn_again(center):
    run_sampling(period=PERIOD)
    cancelled = Assignment.objects.filter(
        call__agent=center["agents"][0], call__call_type=center["types"][0]
    ).first()
    cancelled.status = Assignment.Status.CANCELLED
    cancelled.save(update_fields=["status"])

    again = run_sampling(period=PERIOD)

    assert again.assignments_created == 1
    replacement = again.assignments.get()
    assert replacement.call_id != cancelled.call_id
    assert replacement.call.agent_id == center["agents"][0].pk
    assert Assignment.objects.filter(call=cancelled.call).count() == 1


def test_the_run_is_recorded_with_who_started_it(center, manager):
    run = run_sampling(period=PERIOD, created_by=manager)
    run.refresh_from_db()
    assert (run.period_start, run.period_end, run.created_by) == (PERIOD.start, PERIOD.end, manager)
    assert run.report["label"] == "2024-W10"
    assert run.report["period"] == "week"


# --- Query count ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("agents", [2, 12])
def test_a_run_costs_the_same_number_of_queries_for_few_or_many_agents(
    django_assert_num_queries, reviewer, second_reviewer, call_type, sales, team, agents
):
    for kind in (call_type, sales):
        make_published_version(kind, NO_CRITERIA)
        SamplingRuleFactory(call_type=kind, calls_per_agent=2)
    for _ in range(agents):
        person = AgentFactory(team=team)
        for kind in (call_type, sales):
            qualifying_calls(3, agent=person, call_type=kind)
    # Savepoint, rules, 2 × (per-agent counts, candidates, reviewed calls), reviewers, run, assignments
    # (1 INSERT), release.
    with django_assert_num_queries(12):
        run = run_sampling(period=PERIOD)
    assert run.assignments_created == agents * 2 * 2

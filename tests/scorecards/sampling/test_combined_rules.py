"""Several active rules of one call type: how they combine (services), and the combined quota on the page.

The rule (scorecards.sampling.services, above _sample_call_type): quotas add up per scope, team rules and
per-agent rules go first, a call picked by two rules is queued once, each assignment names the rule that
picked it, and a re-run only tops the quotas up.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from scorecards.models import Assignment, SamplingRule, SamplingRun
from scorecards.sampling.services import (
    WEEK,
    combined_quotas,
    percentage_target,
    period_containing,
    rules_overview,
    run_sampling,
)
from tests.factories import SamplingRuleFactory
from tests.scorecards.sampling.sampled_week import WEEK_DAY, WEEK_START, qualifying_call, qualifying_calls

pytestmark = pytest.mark.django_db

PERIOD = period_containing(kind=WEEK, day=WEEK_DAY)
AFTER_THE_WEEK = WEEK_START + timedelta(days=8)  # "last week" is then the sampled week


def per_agent(call_type, quota, **values):
    return SamplingRuleFactory(call_type=call_type, calls_per_agent=quota, **values)


def percentage(call_type, share, **values):
    return SamplingRuleFactory(
        call_type=call_type, method=SamplingRule.Method.PERCENTAGE, calls_per_agent=None,
        percentage=Decimal(share), **values,
    )  # fmt: skip


def live():
    return Assignment.objects.exclude(status=Assignment.Status.CANCELLED)


def picked_by_rule() -> Counter:
    return Counter(live().values_list("sampling_rule_id", flat=True))


def rule_report(run, rule) -> dict:
    (report,) = [report for report in run.report["rules"] if report["rule_id"] == rule.pk]
    return report


@pytest.fixture
def calls(agent, other_agent, call_type, sampling_version):
    """10 qualifying calls each for `agent` (team Blue) and `other_agent` (team Green)."""
    return qualifying_calls(10, agent=agent, call_type=call_type) + qualifying_calls(
        10, agent=other_agent, call_type=call_type
    )


def test_per_agent_quotas_of_the_same_scope_add_up(calls, agent, other_agent, reviewer, call_type):
    first, second = per_agent(call_type, 3), per_agent(call_type, 2)
    run = run_sampling(period=PERIOD)
    assert Counter(live().values_list("call__agent_id", flat=True)) == {agent.pk: 5, other_agent.pk: 5}
    assert picked_by_rule() == {first.pk: 6, second.pk: 4}
    assert live().values("call_id").distinct().count() == 10  # no call queued twice
    assert [row["picked"] for row in rule_report(run, first)["agents"]] == [3, 3]
    assert [row["picked"] for row in rule_report(run, second)["agents"]] == [2, 2]
    assert run.report["totals"]["shortfall"] == 0


def test_a_team_rule_comes_on_top_of_the_rule_for_every_team(
    calls, agent, other_agent, reviewer, call_type, team
):
    everyone, blue = per_agent(call_type, 2), per_agent(call_type, 3, team=team)
    run = run_sampling(period=PERIOD)
    assert Counter(live().values_list("call__agent_id", flat=True)) == {agent.pk: 5, other_agent.pk: 2}
    assert set(live().filter(sampling_rule=blue).values_list("call__team_id", flat=True)) == {team.pk}
    assert picked_by_rule() == {everyone.pk: 4, blue.pk: 3}
    # The team's rule is applied first: it is listed first, and only the team's agent is in its report.
    blue_index = [r["rule_id"] for r in run.report["rules"]].index(blue.pk)
    assert blue_index < [r["rule_id"] for r in run.report["rules"]].index(everyone.pk)
    assert [row["agent_id"] for row in rule_report(run, blue)["agents"]] == [agent.pk]
    assert rule_report(run, blue)["team"] == team.name


def test_a_percentage_comes_on_top_of_the_per_agent_quota_and_never_takes_the_same_call(
    calls, agent, other_agent, reviewer, call_type
):
    quota, share = per_agent(call_type, 2), percentage(call_type, "25")
    run = run_sampling(period=PERIOD)
    # 25% of the 20 qualifying calls is 5, on top of 2 per agent.
    assert picked_by_rule() == {quota.pk: 4, share.pk: 5}
    assert live().count() == live().values("call_id").distinct().count() == 9
    (row,) = rule_report(run, share)["agents"]
    assert row["agent_id"] is None
    assert (row["calls"], row["qualifying"], row["quota"], row["picked"], row["shortfall"]) == (
        20,
        20,
        5,
        5,
        0,
    )
    assert row["candidates"] == 16  # the per-agent rule's 4 picks are not drawn again
    assert rule_report(run, share)["method"] == "percentage"


def test_a_percentage_counts_only_the_calls_its_filters_accept(agent, reviewer, call_type, sampling_version):
    qualifying_calls(9, agent=agent, call_type=call_type)
    for _ in range(11):
        qualifying_call(agent=agent, call_type=call_type, talk_seconds=10)  # too short for the rule
    share = percentage(call_type, "10")
    run = run_sampling(period=PERIOD)
    (row,) = rule_report(run, share)["agents"]
    assert (row["calls"], row["qualifying"], row["quota"], row["picked"]) == (20, 9, 1, 1)


@pytest.mark.parametrize(
    "share, calls, target",
    [("3", 10, 1), ("3", 0, 0), ("3", 100, 3), ("3", 101, 4), ("100", 7, 7), ("0.01", 1, 1), ("12.5", 8, 1)],
)
def test_a_percentage_target_is_rounded_up(share, calls, target):
    assert percentage_target(percentage=Decimal(share), calls=calls) == target


def test_when_calls_are_scarce_the_later_rule_reports_the_shortfall(
    agent, reviewer, call_type, sampling_version
):
    qualifying_calls(4, agent=agent, call_type=call_type)
    first, second = per_agent(call_type, 3), per_agent(call_type, 3)
    run = run_sampling(period=PERIOD)
    assert picked_by_rule() == {first.pk: 3, second.pk: 1}
    (first_row,) = rule_report(run, first)["agents"]
    (second_row,) = rule_report(run, second)["agents"]
    assert (first_row["picked"], first_row["shortfall"]) == (3, 0)
    assert (second_row["candidates"], second_row["picked"], second_row["shortfall"]) == (1, 1, 2)
    assert run.report["totals"]["shortfall"] == 2


def test_running_again_creates_nothing_and_credits_each_rule_its_own_picks(
    calls, agent, other_agent, reviewer, call_type, team
):
    rules = [per_agent(call_type, 2), per_agent(call_type, 1, team=team), percentage(call_type, "10")]
    first = run_sampling(period=PERIOD)
    before = picked_by_rule()
    again = run_sampling(period=PERIOD)
    assert again.assignments_created == 0 and picked_by_rule() == before
    for rule in rules:
        for row in rule_report(again, rule)["agents"]:
            assert row["already_sampled"] == row["quota"] and row["picked"] == row["shortfall"] == 0
    assert first.assignments_created == sum(before.values()) == 2 + 2 + 1 + 2


def test_raising_one_rules_quota_tops_up_only_that_rule(calls, agent, other_agent, reviewer, call_type):
    first, second = per_agent(call_type, 2), percentage(call_type, "10")
    run_sampling(period=PERIOD)
    SamplingRule.objects.filter(pk=second.pk).update(percentage=Decimal(20))
    again = run_sampling(period=PERIOD)
    assert again.assignments_created == 2
    assert picked_by_rule() == {first.pk: 4, second.pk: 4}


def test_calls_assigned_by_hand_count_towards_the_narrowest_rule_first(
    agent, reviewer, manager, call_type, sampling_version, team
):
    by_hand = qualifying_call(agent=agent, call_type=call_type)
    Assignment.objects.create(call=by_hand, reviewer=reviewer, assigned_by=manager)
    qualifying_calls(6, agent=agent, call_type=call_type)
    everyone, blue = per_agent(call_type, 2), per_agent(call_type, 2, team=team)
    run = run_sampling(period=PERIOD)
    (blue_row,) = rule_report(run, blue)["agents"]
    (everyone_row,) = rule_report(run, everyone)["agents"]
    assert (blue_row["already_sampled"], blue_row["picked"]) == (1, 1)
    assert (everyone_row["already_sampled"], everyone_row["picked"]) == (0, 2)
    assert live().count() == 4


def test_an_inactive_rule_beside_an_active_one_is_not_applied(calls, reviewer, call_type):
    active, inactive = per_agent(call_type, 1), per_agent(call_type, 4, is_active=False)
    run = run_sampling(period=PERIOD)
    assert picked_by_rule() == {active.pk: 2}
    assert inactive.pk not in [report["rule_id"] for report in run.report["rules"]]


def test_the_same_seed_picks_the_same_calls_under_several_rules(calls, reviewer, call_type, team):
    per_agent(call_type, 2), per_agent(call_type, 1, team=team), percentage(call_type, "15")
    run_sampling(period=PERIOD)
    first = sorted(live().values_list("call_id", "sampling_rule_id"))
    Assignment.objects.all().delete()
    run_sampling(period=PERIOD)
    assert sorted(live().values_list("call_id", "sampling_rule_id")) == first


# --- The combined quota, explained ------------------------------------------------------------------------


def test_combined_quotas_expect_what_a_run_over_last_week_would_ask_for(
    calls, agent, other_agent, reviewer, call_type, team
):
    per_agent(call_type, 5), per_agent(call_type, 2, team=team), percentage(call_type, "3")
    (quota,) = combined_quotas(rules=rules_overview(), today=AFTER_THE_WEEK)
    assert quota.call_type_name == call_type.name
    assert [(rule.method, rule.team_id) for rule in quota.rules] == [
        ("per_agent", team.pk), ("per_agent", None), ("percentage", None),
    ]  # fmt: skip
    (volume,) = quota.expected
    assert (volume.period, volume.calls) == (PERIOD, 20)
    # agent: 2 (Blue) + 5; other_agent: 5; 3% of 20 calls, rounded up: 1.
    assert volume.evaluations == 13
    assert run_sampling(period=PERIOD).assignments_created == volume.evaluations


def test_combined_quotas_never_expect_more_calls_than_an_agent_had(
    agent, reviewer, call_type, sampling_version
):
    qualifying_calls(3, agent=agent, call_type=call_type)
    per_agent(call_type, 2), per_agent(call_type, 2)
    (quota,) = combined_quotas(rules=rules_overview(), today=AFTER_THE_WEEK)
    assert quota.expected[0].evaluations == 3


def test_combined_quotas_leave_out_inactive_rules_and_call_types_without_rules(calls, call_type):
    per_agent(call_type, 4, is_active=False)
    assert combined_quotas(rules=rules_overview(), today=AFTER_THE_WEEK) == []


def test_the_sampling_page_explains_the_combined_quota(client, manager, calls, call_type, monkeypatch):
    per_agent(call_type, 5), percentage(call_type, "3")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: AFTER_THE_WEEK)
    client.force_login(manager)
    response = client.get(reverse("queue:manage"))
    page = response.content.decode()
    assert f"<strong>{call_type.name}</strong>:" in page
    text = " ".join(page.split())
    assert "2 rules — 5 per agent per week + 3% random per week; expected ≈ 11 evaluations a week" in text


def test_the_run_report_says_which_rule_picked_what(client, manager, calls, reviewer, call_type, team):
    per_agent(call_type, 1, team=team), percentage(call_type, "10")
    run = run_sampling(period=PERIOD)
    client.force_login(manager)
    page = " ".join(client.get(reverse("queue:run-detail", args=[run.pk])).content.decode().split())
    assert f"1 per agent per week in team {team.name}" in page
    assert "10% random per week" in page and "All agents" in page
    manage = " ".join(client.get(reverse("queue:manage")).content.decode().split())
    assert "sampling: 10% random per week" in manage


def test_a_report_from_before_several_rules_still_reads(client, manager, agent):
    """Runs stored before rules had a method or a team keep their report page."""
    legacy = {
        "period": "week",
        "label": "2024-W10",
        "totals": {"agents": 1, "candidates": 3, "picked": 2, "shortfall": 0, "no_reviewer": 0},
        "rules": [
            {
                "rule_id": 1,
                "call_type_id": 1,
                "call_type": "Inbound support",
                "calls_per_agent": 2,
                "skipped": "",
                "agents": [
                    {
                        "agent_id": agent.pk, "agent": "Anna Agent", "calls": 3, "already_sampled": 0,
                        "candidates": 3, "quota": 2, "picked": 2, "no_reviewer": 0, "shortfall": 0,
                    }
                ],
            }
        ],
        "reviewers": [],
    }  # fmt: skip
    run = SamplingRun.objects.create(
        period_start=WEEK_START, period_end=WEEK_START, seed="2024-W10", report=legacy
    )
    client.force_login(manager)
    page = " ".join(client.get(reverse("queue:run-detail", args=[run.pk])).content.decode().split())
    assert "2 calls per agent" in page and "Anna Agent" in page

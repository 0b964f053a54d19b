"""A team lead's scope over evaluations is the team the call was taken for (Evaluation.team, copied from the call
when the evaluation starts), the same rule as for calls: not the agent's current team."""

import importlib

import pytest
from django.apps import apps

from scorecards.evaluations.services import start_evaluation
from scorecards.feedback.selectors import my_feedback, team_agents, team_feedback
from scorecards.models import Evaluation
from tests.factories import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved_agent_evaluation(call, reviewer, default_version, agent, lead, other_team, other_lead):
    """An evaluation of a call `agent` took for team Blue (lead); the agent has since moved to Green."""
    evaluation = submitted(call, reviewer)
    agent.team = other_team
    agent.save(update_fields=["team"])
    return evaluation


def test_starting_an_evaluation_copies_the_calls_team(call, reviewer, default_version, team):
    assert start_evaluation(call=call, reviewer=reviewer).team == team == call.team


def test_the_calls_lead_keeps_seeing_it_after_the_agent_moved(moved_agent_evaluation, lead):
    assert list(Evaluation.objects.visible_to(lead)) == [moved_agent_evaluation]


def test_the_agents_new_lead_does_not_inherit_it(moved_agent_evaluation, other_lead):
    assert not Evaluation.objects.visible_to(other_lead).exists()


def test_team_feedback_follows_the_calls_team(moved_agent_evaluation, agent, lead, other_lead):
    assert team_feedback(lead=lead).summary.count == 1
    assert team_feedback(lead=other_lead).summary.count == 0
    # The old lead can still open the agent's page, with what they may read; the new lead sees only their own.
    assert agent in team_agents(lead=lead) and agent in team_agents(lead=other_lead)
    assert list(my_feedback(agent=agent, lead=lead).evaluations) == [moved_agent_evaluation]
    assert not my_feedback(agent=agent, lead=other_lead).evaluations.exists()


def test_the_data_migration_fills_the_team_from_the_call(moved_agent_evaluation, team):
    Evaluation.objects.update(team=None)
    migration = importlib.import_module("scorecards.migrations.0005_fill_evaluation_team")
    migration.fill_team_from_call(apps, None)
    moved_agent_evaluation.refresh_from_db()
    assert moved_agent_evaluation.team == team

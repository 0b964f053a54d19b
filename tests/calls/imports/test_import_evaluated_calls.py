"""A file may not change what a submitted evaluation is about: its call's agent, start or transcript (the
API's rule, calls.services.frozen_calls). Such rows are refused with their line; the rest imports."""

import pytest

from scorecards.models import Evaluation, Scorecard, ScorecardVersion
from tests.calls.imports.helpers import BASIC_HEADER, basic_row, call, make_csv, run_import
from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(jdoe, call_type):
    """Call C1 of jdoe, imported, with a submitted evaluation."""
    run_import(make_csv(BASIC_HEADER, [basic_row("C1")]))
    scorecard = Scorecard.objects.create(call_type=call_type, name="Support")
    version = ScorecardVersion.objects.create(scorecard=scorecard, number=1, status="published")
    stored = call("C1")
    Evaluation.objects.create(
        call=stored,
        agent=stored.agent,
        team=stored.team,
        version=version,
        reviewer=UserFactory(username="frozen-reviewer", is_reviewer=True),
        status=Evaluation.Status.SUBMITTED,
    )
    return stored


def test_a_new_agent_or_start_is_refused_with_its_line_and_the_rest_imports(evaluated, jdoe):
    AgentFactory(username="other", agent_code="A200")
    rows = [
        basic_row("C1", agent="A200"),  # line 2: another agent for an evaluated call
        basic_row("C2"),  # line 3: a new call
        basic_row("C3"),
    ]
    result = run_import(make_csv(BASIC_HEADER, rows))
    assert (result.created, result.refused) == (2, 1)
    assert [(error.line_number, "submitted evaluation" in error.message) for error in result.errors] == [
        (2, True)
    ]
    assert call("C1").agent == jdoe


def test_a_new_start_is_refused_too(evaluated):
    result = run_import(make_csv(BASIC_HEADER, [basic_row("C1", started_at="2024-03-05 15:30:00")]))
    assert result.refused == 1 and result.errors[0].line_number == 2
    assert call("C1").started_at == evaluated.started_at


def test_the_same_values_or_other_fields_still_update(evaluated):
    result = run_import(make_csv(BASIC_HEADER, [basic_row("C1", talk="420")]))
    assert (result.updated, result.refused) == (1, 0)
    assert call("C1").talk_seconds == 420
    again = run_import(make_csv(BASIC_HEADER, [basic_row("C1", talk="420")]))
    assert (again.unchanged, again.refused) == (1, 0)


def test_a_draft_evaluation_does_not_freeze_the_call(evaluated, jdoe):
    Evaluation.objects.filter(call=evaluated).update(status=Evaluation.Status.DRAFT)
    AgentFactory(username="other", agent_code="A200")
    result = run_import(make_csv(BASIC_HEADER, [basic_row("C1", agent="A200")]))
    assert (result.updated, result.refused) == (1, 0)

"""The escalation insight page and its CSVs, the overdue follow-ups, the call list's drill-down that finds
exactly the calls a figure counts, and pinned query counts."""

import csv
import io
from datetime import date
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from calls.selectors import CallFilters, call_listing
from tests.factories import AgentFactory, CallFactory, CallTypeFactory, EscalationFactory, TeamFactory
from tests.kpis.escalations.helpers import FUNCTIONAL, local

pytestmark = pytest.mark.django_db

PAGE = reverse("escalations:insight")
MARCH = {"period": "month", "day": "2026-03-15"}
DAY = date(2026, 3, 10)


def url(path=PAGE, **params):
    return f"{path}?{urlencode(MARCH | params)}"


def escalate(agent, **fields):
    call = CallFactory(agent=agent, started_at=local(DAY), **fields)
    return EscalationFactory(call=call, escalated_at=local(DAY, 11), to_level="Team lead")


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_page_shows_each_table_with_its_figures(client, manager, matrix, agent):
    escalate(agent)
    escalate(agent, case_id="X")
    CallFactory(agent=agent, started_at=local(DAY))
    client.force_login(manager)
    response = client.get(url())
    assert response.status_code == 200
    assert [table for table, _title, _rows, _count in response.context["tables"]] == [
        "type",
        "reason",
        "agent",
        "team",
        "call_type",
        "topic",
    ]
    assert response.context["insight"].total.escalated_calls == 2
    assert b"66.7 %" in response.content  # 2 of 3 answered calls


def test_a_long_table_shows_its_most_escalated_rows_and_its_csv_has_them_all(
    client, manager, matrix, monkeypatch
):
    from qa_center.kpis.escalations import views

    monkeypatch.setattr(views, "TABLE_SHOWN", 2)
    team = TeamFactory()
    busy, calm, quiet = (AgentFactory(team=team, first_name=name) for name in ("Busy", "Calm", "Quiet"))
    for agent, times in ((busy, 3), (calm, 2), (quiet, 1)):
        for n in range(times):
            escalate(agent, case_id=f"{agent.first_name}-{n}")
    client.force_login(manager)
    response = client.get(url())
    rows, count = next(
        (rows, count) for table, _title, rows, count in response.context["tables"] if table == "agent"
    )
    assert [row.key for row in rows] == [busy.pk, calm.pk] and count == 3
    assert b'data-more="agent"' in response.content
    assert b'data-more="type"' not in response.content  # one type: every row shown
    exported = read_csv(
        client.get(reverse("escalations:insight_export", args=["agent"]) + "?" + urlencode(MARCH))
    )
    assert len(exported) == 1 + 3


def test_a_bad_period_is_shown_beside_its_field(client, manager):
    client.force_login(manager)
    response = client.get(PAGE, {"period": "custom", "first": "2026-03-10"})
    assert response.status_code == 400
    assert response.context["form"].errors["last"]


@pytest.mark.parametrize("table", ["type", "reason", "agent", "team", "call_type", "topic"])
def test_each_drill_down_finds_the_calls_its_figure_counts(
    client, manager, matrix, agent, other_agent, table
):
    escalate(agent, topic="Billing dispute")
    escalate(agent, call_type=CallTypeFactory(name="Sales", slug="sales"), topic="Router setup")
    twice = escalate(other_agent, topic="Billing dispute")
    EscalationFactory(call=twice.call, type=FUNCTIONAL, reason="Billing error", escalated_at=local(DAY, 12))
    escalate(agent, answered=False)  # not an answered call: in no figure
    EscalationFactory(call=CallFactory(agent=agent, started_at=local(date(2026, 2, 27))))  # February
    client.force_login(manager)
    rows = client.get(url()).context["insight"].tables[table]
    assert rows
    for row in rows:
        response = client.get(row.calls_url)
        assert response.status_code == 200
        assert response.context["page"].count.value == row.figures.escalated_calls, (table, row.label)


def test_the_call_list_filters_by_escalation_type_and_reason(client, manager, agent):
    billing = EscalationFactory(call=CallFactory(agent=agent), type=FUNCTIONAL, reason="Billing error")
    EscalationFactory(call=CallFactory(agent=agent), type=FUNCTIONAL, reason="Outage")
    EscalationFactory(call=CallFactory(agent=agent), reason="Billing error")
    client.force_login(manager)
    response = client.get(
        reverse("calls:list"), {"escalation_type": FUNCTIONAL, "escalation_reason": "Billing error"}
    )
    assert [call.pk for call in response.context["page"].object_list] == [billing.call_id]
    response = client.get(reverse("calls:list"), {"escalation_type": "nonsense"})
    assert response.context["form"].errors["escalation_type"]


def test_a_team_lead_sees_their_teams_figures(client, lead, matrix, agent, other_agent):
    escalate(agent)
    escalate(other_agent)
    client.force_login(lead)
    total = client.get(url()).context["insight"].total
    assert total.escalated_calls == 1


def test_each_table_exports_its_rows(client, manager, matrix, agent):
    escalate(agent)
    client.force_login(manager)
    response = client.get(url(reverse("escalations:insight_export", args=["agent"])))
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][:4] == ["By agent", "Escalated calls", "Answered calls", "Escalation rate (%)"]
    assert rows[1][:4] == [str(agent), "1", "1", "100.0"]


def test_the_export_writes_text_cells_safely(client, manager, matrix, agent):
    EscalationFactory(
        call=CallFactory(agent=agent, started_at=local(DAY)),
        reason="=HYPERLINK(1)",
        escalated_at=local(DAY, 11),
    )
    client.force_login(manager)
    rows = read_csv(client.get(url(reverse("escalations:insight_export", args=["reason"]))))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_the_overdue_list_and_its_csv(client, lead, matrix, agent, other_agent):
    overdue = escalate(agent)  # escalated on 10 March, due within 24 h, never followed up
    escalate(other_agent)  # another team's
    client.force_login(lead)
    response = client.get(reverse("escalations:overdue"))
    assert [escalation.pk for escalation in response.context["escalations"]] == [overdue.pk]
    rows = read_csv(client.get(reverse("escalations:overdue_export")))
    assert len(rows) == 2 and rows[1][0] == overdue.call.external_id


def _center(size):
    for number in range(size):
        team = TeamFactory(name=f"Team {number}")
        agent = AgentFactory(team=team)
        call = CallFactory(
            agent=agent, started_at=local(DAY), call_type=CallTypeFactory(), topic=f"Topic {number}"
        )
        EscalationFactory(call=call, escalated_at=local(DAY, 11), reason=f"Reason {number}")


@pytest.mark.parametrize("size", [2, 25])
def test_the_insight_page_costs_the_same_queries_however_many_rows(
    client, manager, matrix, django_assert_num_queries, size
):
    _center(size)
    client.force_login(manager)
    # session, user, the bell; the answered calls, the matrix, the checked escalations grouped every way (one
    # statement); the names of the agents, teams and call types (3)
    with django_assert_num_queries(9):
        response = client.get(url())
    assert len(response.context["insight"].tables["agent"]) == size
    assert len(response.context["insight"].tables["topic"]) == size


@pytest.mark.parametrize("size", [2, 25])
def test_the_overdue_list_costs_the_same_queries_however_many_rows(
    client, manager, matrix, django_assert_num_queries, size
):
    _center(size)
    client.force_login(manager)
    # session, user, the bell; the matrix, the overdue follow-ups with their calls
    with django_assert_num_queries(5):
        response = client.get(reverse("escalations:overdue"))
    assert len(response.context["escalations"]) == size


def test_the_escalation_filters_read_alike_for_sparse_and_dense_lists(manager, agent):
    billing = EscalationFactory(call=CallFactory(agent=agent), type=FUNCTIONAL, reason="Billing error")
    EscalationFactory(call=CallFactory(agent=agent), type=FUNCTIONAL, reason="Outage")
    EscalationFactory(call=CallFactory(agent=agent), reason="Billing error")
    listing = call_listing(
        user=manager, filters=CallFilters(escalation_type=FUNCTIONAL, escalation_reason="Billing error")
    )
    assert list(listing.counted.values_list("pk", flat=True)) == [billing.call_id]
    assert [call.pk for call in listing.rows_for(None)] == [billing.call_id]  # written for a dense result
    by_reason = call_listing(user=manager, filters=CallFilters(escalation_reason="Billing error"))
    assert by_reason.counted.count() == len(by_reason.rows_for(None)) == 2

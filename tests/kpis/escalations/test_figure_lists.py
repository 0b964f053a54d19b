"""The escalations behind each figure of the insight page (not as the matrix says, not in the matrix, follow-up
late, follow-up missing, repeats), of the scope or of one table's row, their CSV; the "by topic" table and its
CSV; who may list which; pinned query counts."""

import csv
import io
from datetime import date
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from qa_center.kpis.escalations.selectors import escalation_list, insight
from tests.factories import AgentFactory, CallFactory, EscalationFactory, TeamFactory
from tests.kpis.escalations.helpers import DAY, escalated_call, local

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)
NOW = local(date(2026, 3, 20), 12)
PERIOD = {"first": FIRST.isoformat(), "last": LAST.isoformat()}
LIST = reverse("escalations:list")
EXPORT = reverse("escalations:list_export")


def listed(figure, team_ids=None, **row):
    return list(escalation_list(team_ids=team_ids, first=FIRST, last=LAST, now=NOW, figure=figure, **row))


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_each_figure_lists_the_escalations_it_counts(march):
    assert listed("not_as_matrix") == [march["wrong"]]
    assert listed("not_in_matrix") == [march["vip"]]
    assert listed("late") == [march["wrong"]]
    assert listed("overdue") == [march["billing"]]  # the abandoned call's is in no figure
    assert listed("repeats") == [march["billing"]]


def test_a_rows_list_is_that_rows(march, agent, other_agent, team):
    assert listed("not_in_matrix", table="agent", key=agent.pk) == []
    assert listed("not_in_matrix", table="agent", key=other_agent.pk) == [march["vip"]]
    assert listed("overdue", table="topic", key="Billing dispute") == [march["billing"]]
    assert listed("late", table="reason", key="Wants a supervisor") == [march["wrong"]]
    assert listed("not_in_matrix", team_ids=(team.pk,)) == []  # a lead's scope: the VIP is team Green's


def test_the_topic_table(march):
    rows = {row.key: row for row in insight(team_ids=None, first=FIRST, last=LAST, now=NOW).tables["topic"]}
    assert set(rows) == {"Billing dispute", "Router setup", ""}
    billing = rows["Billing dispute"].figures
    assert (billing.escalated_calls, billing.answered_calls, billing.rate) == (2, 2, 100.0)
    assert (billing.overdue, billing.repeats) == (1, 1)
    assert rows["Router setup"].figures.late == 1
    none = rows[""]
    # No topic: the VIP's call, of three answered calls without a topic; no drill-down finds "no topic".
    assert (none.label, none.figures.escalated_calls, none.figures.answered_calls) == ("No topic", 1, 3)
    assert (none.calls_url, none.urls) == ("", {})
    assert "topic=Billing+dispute" in rows["Billing dispute"].calls_url


@pytest.mark.parametrize("table", ["type", "reason", "agent", "team", "call_type", "topic"])
def test_every_figures_link_lists_as_many_escalations_as_it_counts(client, manager, march, table):
    client.force_login(manager)
    page = client.get(reverse("escalations:insight"), {"period": "month", "day": "2026-03-15"})
    counted = 0
    for row in page.context["insight"].tables[table]:
        for figure, url in row.urls.items():
            response = client.get(url)
            assert response.status_code == 200
            expected = getattr(row.figures, figure)
            assert expected > 0 and len(response.context["escalations"]) == expected, (
                table,
                row.label,
                figure,
            )
            counted += expected
    # Each of the five figures of the fixture behind a link, but for the VIP's (no topic: no row to filter).
    assert counted == (4 if table == "topic" else 5)
    assert b'class="drill-down"' in page.content


def test_the_page_links_each_count(client, manager, march, other_agent):
    client.force_login(manager)
    response = client.get(reverse("escalations:insight"), {"period": "month", "day": "2026-03-15"})
    row = next(row for row in response.context["insight"].tables["agent"] if row.key == other_agent.pk)
    assert set(row.urls) == {"not_in_matrix"}
    assert row.urls["not_in_matrix"].replace("&", "&amp;").encode() in response.content


def test_the_list_and_its_csv(client, lead, march):
    client.force_login(lead)
    query = PERIOD | {"figure": "overdue", "table": "topic", "key": "Billing dispute"}
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert [escalation.pk for escalation in response.context["escalations"]] == [march["billing"].pk]
    rows = read_csv(client.get(EXPORT, query))
    assert rows[0][-1] == "Follow-up done"
    assert [row[0] for row in rows[1:]] == [march["billing"].call.external_id]


def test_the_csv_writes_text_cells_safely(client, manager, matrix, agent):
    escalated_call(agent, type="priority", reason="=HYPERLINK(1)", to_level="Manager")
    client.force_login(manager)
    rows = read_csv(client.get(EXPORT, PERIOD | {"figure": "not_in_matrix"}))
    assert rows[1][5] == "'=HYPERLINK(1)"


def test_an_agent_may_not_list_escalations(client, agent, march):
    client.force_login(agent)
    assert client.get(LIST, PERIOD | {"figure": "late"}).status_code == 403
    assert client.get(EXPORT, PERIOD | {"figure": "late"}).status_code == 403


def test_a_lead_may_not_list_another_teams_row(client, lead, march, other_team, team):
    client.force_login(lead)
    other = PERIOD | {"figure": "not_in_matrix", "table": "team", "key": other_team.pk}
    assert client.get(LIST, other).status_code == 404
    assert client.get(EXPORT, other).status_code == 404
    own = PERIOD | {"figure": "late", "table": "team", "key": team.pk}
    assert len(client.get(LIST, own).context["escalations"]) == 1


def test_a_manager_asking_for_an_unknown_team_gets_404(client, manager, march):
    client.force_login(manager)
    assert client.get(LIST, PERIOD | {"figure": "late", "table": "team", "key": 999999}).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"figure": "everything"}, "figure"),
        ({"figure": "late", "table": "agent", "key": "Smith"}, "key"),
        ({"figure": "late", "table": "agent"}, "key"),
        ({"figure": "late", "key": "Smith"}, "table"),
        ({"figure": "late", "table": "calls", "key": "1"}, "table"),
        ({"figure": "late", "last": "2026-02-01"}, "last"),
    ],
)
def test_a_bad_list_query_is_shown_beside_its_field(client, manager, query, field):
    client.force_login(manager)
    response = client.get(LIST, PERIOD | query)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert client.get(EXPORT, PERIOD | query).status_code == 400


def _center(size):
    for number in range(size):
        agent = AgentFactory(team=TeamFactory(name=f"Team {number}"))
        call = CallFactory(agent=agent, started_at=local(DAY), topic="Router setup")
        EscalationFactory(call=call, escalated_at=local(DAY, 11), to_level="Nowhere")  # not as the matrix


@pytest.mark.parametrize("size", [2, 25])
def test_the_list_costs_the_same_queries_however_many_rows(
    client, manager, matrix, django_assert_num_queries, size
):
    _center(size)
    client.force_login(manager)
    url = f"{LIST}?{urlencode(PERIOD | {'figure': 'not_as_matrix', 'table': 'topic', 'key': 'Router setup'})}"
    # session, user, the bell; the matrix, the escalations with their calls
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["escalations"]) == size


def test_the_topic_table_exports(client, manager, march):
    client.force_login(manager)
    response = client.get(
        reverse("escalations:insight_export", args=["topic"]), {"period": "month", "day": "2026-03-15"}
    )
    rows = read_csv(response)
    assert rows[0][:3] == ["By topic", "Escalated calls", "Answered calls"]
    assert rows[1][:4] == ["Billing dispute", "2", "2", "100.0"]
    assert "No topic" in [row[0] for row in rows]

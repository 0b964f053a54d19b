"""The dashboard pages: who sees which, the period from GET parameters (bad ones: 400 with the error), htmx
fragments, CSV exports, links, and the center dashboard's query count at two sizes."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse

from qa_center.kpis.models import KpiTarget
from tests.factories import AgentFactory, CallTypeFactory, TeamFactory
from tests.kpis.dashboards.helpers import calls, day_row, escalation_row

pytestmark = pytest.mark.django_db

CENTER = reverse("dashboards:center")
MARCH = {"period": "month", "day": "2026-03-15"}


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_tile_shows_the_value_with_the_counts_behind_it(client, manager):
    day_row(date(2026, 3, 2), **calls(3645, 1355))
    client.force_login(manager)
    response = client.get(CENTER, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "72.9 %" in html and "of 5,000" in html


def test_no_data_is_shown_as_such(client, manager):
    client.force_login(manager)
    tile = client.get(CENTER, MARCH).context["board"].tiles["answer_rate"]
    assert tile.value is None
    assert 'id="tile-answer_rate"' in client.get(CENTER, MARCH).content.decode()
    assert "No data" in client.get(CENTER, MARCH).content.decode()


def test_bad_parameters_are_a_400_with_the_error(client, manager):
    client.force_login(manager)
    response = client.get(CENTER, {"period": "custom", "first": "2026-03-10", "last": "2026-03-01"})
    assert response.status_code == 400
    assert "The last day cannot be before the first." in response.content.decode()
    assert client.get(CENTER, {"day": "yesterday"}).status_code == 400
    export = client.get(reverse("dashboards:center_export", kwargs={"table": "trend"}), {"period": "x"})
    assert export.status_code == 400


def test_without_a_period_the_month_is_shown_and_the_picker_says_so(client, manager):
    client.force_login(manager)
    response = client.get(CENTER)
    assert response.context["form"]["period"].value() == "month"
    assert '<option value="month" selected>' in response.content.decode()


def test_htmx_gets_the_body_only(client, manager):
    client.force_login(manager)
    response = client.get(CENTER, MARCH, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="dashboard-body"' in html and "<nav" not in html


def test_the_chart_data_changes_with_the_period(client, manager):
    day_row(date(2026, 3, 2), **calls(80, 20))
    KpiTarget.objects.create(kpi="answer_rate", value=85)
    client.force_login(manager)
    march = client.get(CENTER, MARCH).context["chart_data"]
    year = client.get(CENTER, {"period": "year", "day": "2026-03-15"}).context["chart_data"]
    assert len(march["labels"]) == 31 and len(year["labels"]) == 12
    assert march["charts"]["answer_rate"]["values"][1] == 80
    assert march["charts"]["answer_rate"]["values"][0] is None  # no data, not 0
    assert march["charts"]["answer_rate"]["target"] == 85
    json.dumps(march)  # it goes into json_script


def test_the_exports(client, manager):
    day_row(date(2026, 3, 2), **calls(80, 20))
    escalation_row(date(2026, 3, 2), "reason", "=HYPERLINK(1)", 4)
    client.force_login(manager)
    tiles = _csv(client.get(reverse("dashboards:center_export", kwargs={"table": "tiles"}), MARCH))
    answer = next(row for row in tiles if row[0] == "Answer rate")
    assert answer[1:4] == ["80.0", "80", "100"]
    nps = next(row for row in tiles if row[0] == "NPS")
    assert nps[1] == ""  # no data: an empty cell, not 0
    trend = _csv(client.get(reverse("dashboards:center_export", kwargs={"table": "trend"}), MARCH))
    assert len(trend) == 1 + 31 and trend[2][0] == "2026-03-02"
    escalations = _csv(
        client.get(reverse("dashboards:center_export", kwargs={"table": "escalations"}), MARCH)
    )
    assert escalations[1][1] == "'=HYPERLINK(1)"  # through the safe-CSV helper
    assert escalations[1][3] == "5.0"  # 4 of 80 answered calls
    assert client.get(reverse("dashboards:center_export", kwargs={"table": "calls"})).status_code == 404


def test_an_agent_sees_only_their_own_dashboard(client, agent, other_agent):
    client.force_login(agent)
    assert client.get(reverse("dashboards:agent", args=[agent.pk])).status_code == 200
    assert client.get(reverse("dashboards:mine")).status_code == 200
    assert client.get(reverse("dashboards:agent", args=[other_agent.pk])).status_code == 404
    assert client.get(reverse("dashboards:agent_export", args=[other_agent.pk, "tiles"])).status_code == 404
    assert client.get(CENTER).status_code == 403
    assert client.get(reverse("dashboards:team", args=[agent.team_id])).status_code == 403


def test_a_lead_sees_their_team_and_its_agents_not_another(client, lead, agent, other_agent, other_team):
    client.force_login(lead)
    response = client.get(reverse("dashboards:team", args=[agent.team_id]))
    assert response.status_code == 200
    assert reverse("dashboards:agent", args=[agent.pk]) in response.content.decode()  # links to its agents
    assert client.get(reverse("dashboards:agent", args=[agent.pk])).status_code == 200
    assert client.get(reverse("dashboards:team", args=[other_team.pk])).status_code == 404
    assert client.get(reverse("dashboards:agent", args=[other_agent.pk])).status_code == 404


def test_a_reviewer_sees_the_center_and_call_types_but_no_person(client, reviewer, agent, call_type):
    client.force_login(reviewer)
    assert client.get(CENTER).status_code == 200
    assert client.get(reverse("dashboards:call_type", args=[call_type.pk])).status_code == 200
    assert client.get(reverse("dashboards:team", args=[agent.team_id])).status_code == 403
    assert client.get(reverse("dashboards:agent", args=[agent.pk])).status_code == 403


def test_the_nav_links(client, manager, agent):
    client.force_login(manager)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{CENTER}"' in html and reverse("dashboards:mine") not in html
    client.force_login(agent)
    html = client.get(reverse("home")).content.decode()
    assert reverse("dashboards:mine") in html and f'href="{CENTER}"' not in html


def _center_of(size: int):
    """`size` teams, call types and agents with a quarter of day rows each, and escalations."""
    for offset in range(90):
        day_row(date(2026, 1, 1) + timedelta(days=offset), **calls(10 + offset, 2))
    for n in range(size):
        team = TeamFactory()
        agent = AgentFactory(team=team)
        call_type = CallTypeFactory()
        for offset in range(0, 90, 3):
            day = date(2026, 1, 1) + timedelta(days=offset + n)
            day_row(day, "team", team.pk, **calls(5, 1))
            day_row(day, "agent", agent.pk, **calls(5, 1))
            day_row(day, "call_type", call_type.pk, **calls(5, 1))
            escalation_row(day, "type", f"Type {n}", 1)
    KpiTarget.objects.get_or_create(kpi="service_level", defaults={"value": 80})


@pytest.mark.parametrize("size", [1, 6])
def test_the_center_dashboard_query_count_does_not_grow(client, manager, django_assert_num_queries, size):
    _center_of(size)
    client.force_login(manager)
    client.get(CENTER, MARCH)  # the session, once
    # session, user, tiles, targets, benchmarks, trend ×2, escalations, teams, call types, the bell
    with django_assert_num_queries(11):
        response = client.get(CENTER, MARCH)
    assert response.status_code == 200

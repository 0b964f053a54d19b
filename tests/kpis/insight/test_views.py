"""The insight pages: who sees what (managers all, team leads their teams, 404 for another team, 403 for
reviewers and agents), the follow-up buttons, the CSV exports, the period picker, fixed query counts."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import SurveyResponse
from qa_center.kpis.models import SurveyFollowUp
from tests.factories import (
    FULL_MARKS,
    GREETING_MISSED,
    AgentFactory,
    CallFactory,
    CallTypeFactory,
    TeamFactory,
    evaluation_of,
    make_published_version,
)
from tests.kpis.insight.helpers import agent_day

pytestmark = pytest.mark.django_db

PAGES = ["index", "nps", "criteria", "aht", "qa_outcomes"]
EXPORTS = ["nps_export", "criteria_export", "aht_export", "qa_outcomes_export"]
ALL = PAGES + EXPORTS


def url(name, **kwargs):
    return reverse(f"kpi_insight:{name}", kwargs=kwargs)


def detractor(agent=None, nps=3, comment=""):
    call = CallFactory(agent=agent) if agent else None
    return SurveyResponse.objects.create(call=call, nps=nps, comment=comment, responded_at=timezone.now())


# --- Access ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_anonymous_people_go_to_the_login_page(client, name):
    response = client.get(url(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ["agent", "reviewer"])
@pytest.mark.parametrize("name", ALL)
def test_reviewers_and_agents_are_refused(client, request, role, name):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(name)).status_code == 403


@pytest.mark.parametrize("name", ALL)
def test_a_manager_sees_every_team_and_a_lead_their_own(client, manager, lead, team, other_team, name):
    client.force_login(manager)
    assert client.get(url(name)).status_code == 200
    assert client.get(url(name), {"team": other_team.pk}).status_code == 200
    client.force_login(lead)
    assert client.get(url(name)).status_code == 200
    assert client.get(url(name), {"team": team.pk}).status_code == 200
    assert client.get(url(name), {"team": other_team.pk}).status_code == 404
    assert client.get(url(name), {"team": "x"}).status_code == 404


def test_a_lead_sees_their_teams_answers_only(client, lead, agent, other_agent):
    mine, theirs, unlinked = detractor(agent), detractor(other_agent), detractor()
    client.force_login(lead)
    listed = list(client.get(url("nps")).context["page"])
    assert listed == [mine]
    assert theirs not in listed and unlinked not in listed


def test_a_manager_sees_the_unlinked_answers(client, manager, agent):
    mine, unlinked = detractor(agent), detractor(nps=5)
    client.force_login(manager)
    assert list(client.get(url("nps")).context["page"]) == [mine, unlinked]
    # a team chosen: that team's answers only
    assert list(client.get(url("nps"), {"team": agent.team_id}).context["page"]) == [mine]


# --- Marking done ---------------------------------------------------------------------------------------------


def test_a_lead_marks_their_teams_answer_done_with_a_note_and_undoes_it(client, lead, agent):
    answer = detractor(agent)
    client.force_login(lead)
    back = url("nps") + "?status=awaiting"
    response = client.post(url("nps_done", pk=answer.pk), {"note": "Refunded", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    follow_up = SurveyFollowUp.objects.get(response=answer)
    assert (follow_up.done_by, follow_up.note, follow_up.kind) == (lead, "Refunded", "callback")
    done_page = client.get(url("nps"), {"status": "done"})
    assert list(done_page.context["page"]) == [answer]
    assert "Refunded" in done_page.content.decode()
    response = client.post(url("nps_undo", pk=answer.pk), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == url("nps")  # not another site
    assert not SurveyFollowUp.objects.exists()


def test_a_promoter_gets_a_referral_mark(client, manager, agent):
    answer = detractor(agent, nps=10)
    client.force_login(manager)
    client.post(url("nps_done", pk=answer.pk))
    assert SurveyFollowUp.objects.get().kind == "referral"


@pytest.mark.parametrize(("role", "status"), [("other_lead", 404), ("reviewer", 403), ("agent", 403)])
def test_others_cannot_mark_it_and_nothing_is_written(client, request, agent, role, status):
    answer = detractor(agent)
    client.force_login(request.getfixturevalue(role))
    assert client.post(url("nps_done", pk=answer.pk)).status_code == status
    assert not SurveyFollowUp.objects.exists()


def test_a_lead_cannot_mark_an_unlinked_answer(client, lead):
    answer = detractor()
    client.force_login(lead)
    assert client.post(url("nps_done", pk=answer.pk)).status_code == 404
    assert client.get(url("nps_done", pk=answer.pk)).status_code == 405


# --- Pages, period, exports -----------------------------------------------------------------------------------


def test_the_default_period_is_the_last_30_days_and_shown(client, manager):
    client.force_login(manager)
    response = client.get(url("criteria"))
    span = response.context["span"]
    today = timezone.localdate()
    assert (span.first, span.last) == (today - timedelta(days=29), today)
    assert f'value="{span.first.isoformat()}"' in response.content.decode()


def test_a_range_backwards_is_a_400(client, manager):
    client.force_login(manager)
    params = {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    assert client.get(url("aht"), params).status_code == 400
    assert client.get(url("aht_export"), params).status_code == 400


def test_the_nav_bar_has_insight_for_managers_and_leads(client, manager, lead, agent, reviewer):
    for user, shown in ((manager, True), (lead, True), (agent, False), (reviewer, False)):
        client.force_login(user)
        assert (url("index") in client.get(reverse("home")).content.decode()) is shown


def _rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_nps_export_is_safe_to_open(client, manager, agent):
    detractor(agent, comment="=HYPERLINK(1)")
    client.force_login(manager)
    rows = _rows(client.get(url("nps_export")))
    assert len(rows) == 2 and rows[1][1] == "3" and rows[1][7] == "'=HYPERLINK(1)"


def test_the_aht_and_qa_exports(client, manager, team):
    for number, aht in enumerate([60, 100, 110, 120, 130, 140, 400]):
        agent = AgentFactory(team=team, username=f"a{number}")
        agent_day(agent, handles=2, handle_total=2 * aht, scored_evaluations=1, score_total=aht / 5)
    client.force_login(manager)
    rows = _rows(client.get(url("aht_export")))
    assert len(rows) == 8
    assert [row[8] for row in rows[1:]] == ["low", "", "", "", "", "", "high"]
    page = client.get(url("aht")).content.decode()
    assert "120.0 s" in page and "80.0 – 160.0 s" in page
    assert len(_rows(client.get(url("qa_outcomes_export")))) == 8


def test_the_criteria_export_and_page(client, manager, agent, reviewer):
    version = make_published_version(CallTypeFactory())
    evaluation_of(agent, version=version, reviewer=reviewer, answers=GREETING_MISSED)
    client.force_login(manager)
    rows = _rows(client.get(url("criteria_export")))
    assert rows[1][1:] == ["Greeting", "Center", "1", "1", "100.0"]
    assert "criterion_result=failed" in client.get(url("criteria")).content.decode()


def test_qa_outcomes_says_no_data_below_three_agents_and_draws_the_chart_above(client, manager, team):
    client.force_login(manager)
    assert client.get(url("qa_outcomes")).context["outcomes"].csat.r is None
    assert "no data" in client.get(url("qa_outcomes")).content.decode()
    for number, (qa, csat) in enumerate([(70, 5), (80, 6), (90, 8), (100, 9)]):
        agent = AgentFactory(team=team, username=f"a{number}")
        agent_day(agent, scored_evaluations=1, score_total=qa, csat_answers=10, satisfied=csat)
    page = client.get(url("qa_outcomes")).content.decode()
    assert "insight-scatter" in page and "chart.umd.min.js" in page and "r = <strong>0.99</strong>" in page


# --- Query counts ---------------------------------------------------------------------------------------------


def _center_of(size, reviewer):
    version = make_published_version(CallTypeFactory())
    for number in range(size):
        team = TeamFactory(name=f"Team {number}")
        for agent_number in range(3):
            agent = AgentFactory(team=team, username=f"t{number}a{agent_number}")
            agent_day(
                agent,
                handles=2,
                handle_total=200 + agent_number,
                scored_evaluations=1,
                score_total=80,
                csat_answers=2,
                satisfied=1,
                cases=2,
                fcr_cases=1,
            )
            detractor(agent)
        evaluation_of(
            agent, version=version, reviewer=reviewer, answers=GREETING_MISSED if number % 2 else FULL_MARKS
        )
    done = SurveyResponse.objects.first()
    SurveyFollowUp.objects.create(response=done, kind="callback", done_at=timezone.now())


# session, user, the bell; then the page's own queries
QUERIES = {
    "index": 3 + 2,  # the teams of the picker, the follow-up shares
    "nps": 3 + 3,  # teams, the shares (which give the list's count), the list's page
    "criteria": 3 + 5,  # teams, per-team and center counts, criteria, team names
    "aht": 3 + 3,  # teams, the agents' sums, the agents
    "qa_outcomes": 3 + 3,
}


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize("name", PAGES)
def test_a_page_costs_the_same_queries_however_many_teams(
    client, manager, reviewer, django_assert_num_queries, size, name
):
    _center_of(size, reviewer)
    client.force_login(manager)
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url(name), {"status": "done"} if name == "nps" else {})
    assert response.status_code == 200

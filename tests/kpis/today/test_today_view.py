"""The "today" page and its polled fragment: QA managers see the center and every team, team leads their own
teams, other roles 403; the fragment polls itself every QA_TODAY_REFRESH_SECONDS; fixed query counts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from qa_center.kpis.models import CENTER_ID, KpiSnapshot, ScopeKind
from qa_center.kpis.targets.services import set_target
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("kpi_today:today")
FIGURES = reverse("kpi_today:figures")


def snapshot(scope_kind=ScopeKind.CENTER, scope_id=CENTER_ID, **counts):
    return KpiSnapshot.objects.create(
        period_kind="day",
        period_start=timezone.localdate(),
        scope_kind=scope_kind,
        scope_id=scope_id,
        computed_at=timezone.now(),
        **counts,
    )


@pytest.mark.parametrize("role", ["agent", "reviewer"])
@pytest.mark.parametrize("url", [PAGE, FIGURES])
def test_agents_and_reviewers_are_refused(client, request, role, url):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [PAGE, FIGURES])
def test_a_wrong_method_is_refused(client, manager, url):
    client.force_login(manager)
    assert client.post(url).status_code == 405


def test_a_manager_sees_the_center_and_every_team(client, manager, team, other_team):
    snapshot(calls=7, inbound=5, inbound_with_outcome=5, inbound_answered=4, inbound_abandoned=1)
    snapshot(ScopeKind.TEAM, team.pk, calls=4)
    client.force_login(manager)
    response = client.get(PAGE)
    assert response.status_code == 200
    rows = response.context["board"].rows
    assert [(row.is_center, row.name, row.calls) for row in rows] == [
        (True, None, 7),
        (False, "Blue", 4),
        (False, "Green", 0),
    ]
    html = response.content.decode()
    assert 'id="today-center"' in html and f'id="today-team-{other_team.pk}"' in html
    assert "80.0 %" in html and "As of" in html


def test_a_lead_sees_only_the_teams_they_lead(client, lead, team, other_team):
    snapshot(calls=7)
    snapshot(ScopeKind.TEAM, team.pk, calls=4)
    snapshot(ScopeKind.TEAM, other_team.pk, calls=3)
    client.force_login(lead)
    html = client.get(FIGURES).content.decode()
    assert f'id="today-team-{team.pk}"' in html
    assert 'id="today-center"' not in html and f'id="today-team-{other_team.pk}"' not in html


def test_a_lead_without_a_team_sees_an_empty_board(client):
    client.force_login(UserFactory(is_team_lead=True))
    response = client.get(PAGE)
    assert response.status_code == 200 and response.context["board"].rows == []
    assert "You lead no team yet." in response.content.decode()


def test_the_fragment_polls_itself_at_the_configured_interval(client, manager, settings):
    settings.QA_TODAY_REFRESH_SECONDS = 90
    client.force_login(manager)
    page = client.get(PAGE).content.decode()
    fragment = client.get(FIGURES, headers={"HX-Request": "true"}).content.decode()
    for html in (page, fragment):
        assert f'hx-get="{FIGURES}"' in html and 'hx-trigger="every 90s"' in html
    assert fragment.lstrip().startswith('<div id="today-figures"') and "<html" not in fragment


def test_the_service_level_threshold_and_target_are_shown(client, manager, settings):
    settings.QA_SERVICE_LEVEL_SECONDS = 15
    set_target(kpi="service_level", value=80, by=manager)
    snapshot(inbound_answered=4, waits=4, within_service_level=3, inbound=4, inbound_with_outcome=4)
    client.force_login(manager)
    html = client.get(FIGURES).content.decode()
    assert "answered within 15 seconds" in html
    assert "75.0 %" in html and "target ≥ 80.0 %" in html and "Target missed" in html


@pytest.mark.parametrize("size", [2, 25])
def test_the_page_and_fragment_cost_the_same_queries_however_many_teams(
    client, manager, django_assert_num_queries, size
):
    set_target(kpi="service_level", value=80, by=manager)
    snapshot(calls=size)
    for _number in range(size):
        team = TeamFactory()
        snapshot(ScopeKind.TEAM, team.pk, calls=1)
        set_target(kpi="service_level", value=70, by=manager, scope_kind=ScopeKind.TEAM, scope_id=team.pk)
    client.force_login(manager)
    # session, user, the bell, teams, today's snapshots, yesterday's calls, center targets, team targets
    with django_assert_num_queries(8):
        response = client.get(PAGE)
    assert len(response.context["board"].rows) == size + 1
    with django_assert_num_queries(7):  # no bell in the fragment
        client.get(FIGURES)


@pytest.mark.parametrize("size", [2, 25])
def test_a_leads_page_costs_the_same_queries_however_many_teams_they_lead(
    client, manager, django_assert_num_queries, size
):
    lead = UserFactory(is_team_lead=True)
    set_target(kpi="service_level", value=80, by=manager)
    snapshot(calls=size)
    for _number in range(size):
        team = TeamFactory(lead=lead)
        snapshot(ScopeKind.TEAM, team.pk, calls=1)
        TeamFactory()  # a team of someone else's, never read
    client.force_login(lead)
    # session, user, the bell, the teams they lead, today's snapshots, yesterday's calls, the targets (the
    # center's and their teams' in one: no override here)
    with django_assert_num_queries(7):
        response = client.get(PAGE)
    assert len(response.context["board"].rows) == size
    with django_assert_num_queries(6):  # no bell in the fragment
        client.get(FIGURES)

"""The improvement actions' pages: the list (filters, overdue marked, CSV), an action's page (before vs after
with the n behind each figure, target met), the QA managers' form (pre-filled from a link, errors beside the
fields), done and cancel, and the lead's view of them."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from qa_center.kpis.models import ImprovementAction
from tests.factories import AgentFactory, TeamFactory, UserFactory, criterion, evaluation_of
from tests.kpis.dashboards.helpers import calls, day_row, escalation_row
from tests.kpis.improvements.helpers import DAY, action

pytestmark = pytest.mark.django_db

INDEX = reverse("improvements:index")
NEW = reverse("improvements:new")


def form_data(owner, **values):
    return {
        "title": "Callback offer",
        "change": "Offer a callback after 60 s",
        "owner": owner.pk,
        "due_on": "2026-04-30",
        "kpi": "answer_rate",
        "scope_kind": "center",
        "starts_on": "2026-03-02",
        "window_days": "28",
        "target": "90",
    } | values


# --- The action's page ------------------------------------------------------------------------------------


def test_the_page_shows_before_and_after_with_the_n_and_the_target_met(client, manager):
    day_row(DAY - timedelta(days=1), **calls(3750, 1250))
    day_row(DAY + timedelta(days=1), **calls(4600, 400))
    done = action(by=manager, target=90)
    client.force_login(manager)

    response = client.get(reverse("improvements:detail", args=[done.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    before = html[html.index('id="effect-before"') :]
    assert "75.0 %" in before[:600] and "of 5,000" in before[:600]
    after = html[html.index('id="effect-after"') :]
    assert "92.0 %" in after[:700] and "of 5,000" in after[:700]
    assert 'data-target="met"' in html


def test_the_page_of_a_criterion_action_names_the_criterion(client, manager, default_version):
    greeting = criterion(default_version, "Greeting")
    on_greeting = action(by=manager, kpi="qa_score", criterion=greeting, target=10)
    client.force_login(manager)
    html = client.get(reverse("improvements:detail", args=[on_greeting.pk])).content.decode()
    assert "Share failing “Greeting”" in html
    assert 'id="action-criterion"' in html


@pytest.mark.parametrize("size", [1, 8])
def test_the_page_s_query_count_does_not_grow(client, manager, django_assert_num_queries, size, team):
    for day in range(size):
        day_row(DAY - timedelta(days=day + 1), **calls(10, 1))
        day_row(DAY + timedelta(days=day), **calls(10, 1))
    on_team = action(by=manager, scope_kind="team", scope_id=team.pk)
    client.force_login(manager)
    url = reverse("improvements:detail", args=[on_team.pk])
    client.get(url)
    # session, user, the action, the snapshots, the team's name, the bell
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_a_criterion_action_s_page_query_count_does_not_grow(
    client, manager, agent, reviewer, default_version, django_assert_num_queries, size
):
    today = timezone.localdate()
    for day in range(size):
        evaluation_of(agent, version=default_version, reviewer=reviewer, days_ago=day + 1)
    greeting = criterion(default_version, "Greeting")
    on_greeting = action(by=manager, kpi="qa_score", criterion=greeting, starts_on=today - timedelta(days=3))
    client.force_login(manager)
    url = reverse("improvements:detail", args=[on_greeting.pk])
    client.get(url)
    # session, user, the action (its criterion and section), the answers, the bell
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.context["effect"].before.whole + response.context["effect"].after.whole == size


# --- The list ---------------------------------------------------------------------------------------------


def test_the_list_marks_overdue_actions_and_filters_by_status_and_owner(client, manager, lead):
    today = timezone.localdate()
    late = action(by=manager, title="Late one", due_on=today - timedelta(days=1))
    mine = action(by=manager, owner=lead, title="Lead's", due_on=today + timedelta(days=5))
    finished = action(by=manager, title="Finished", due_on=today - timedelta(days=9))
    ImprovementAction.objects.filter(pk=finished.pk).update(status="done", done_at=timezone.now())
    client.force_login(manager)

    rows = client.get(INDEX).context["actions"]
    assert [row.pk for row in rows] == [late.pk, mine.pk]  # open ones, by due date
    assert [row.overdue for row in rows] == [True, False]
    assert 'class="badge text-bg-warning overdue"' in client.get(INDEX).content.decode()

    assert [row.pk for row in client.get(INDEX, {"status": "done"}).context["actions"]] == [finished.pk]
    assert len(client.get(INDEX, {"status": "all"}).context["actions"]) == 3
    assert [row.pk for row in client.get(INDEX, {"owner": lead.pk}).context["actions"]] == [mine.pk]


def test_a_lead_sees_their_teams_their_agents_and_their_own_actions(client, manager, lead, team, agent):
    elsewhere = TeamFactory(name="Elsewhere")
    outsider = AgentFactory(username="outsider", team=elsewhere)
    on_team = action(by=manager, title="Team", scope_kind="team", scope_id=team.pk)
    on_agent = action(by=manager, title="Agent", scope_kind="agent", scope_id=agent.pk)
    owned = action(by=manager, owner=lead, title="Owned", scope_kind="team", scope_id=elsewhere.pk)
    hidden = [
        action(by=manager, title="Center"),
        action(by=manager, title="Other team", scope_kind="team", scope_id=elsewhere.pk),
        action(by=manager, title="Other agent", scope_kind="agent", scope_id=outsider.pk),
    ]
    client.force_login(lead)
    listed = {row.pk for row in client.get(INDEX, {"status": "all"}).context["actions"]}
    assert listed == {on_team.pk, on_agent.pk, owned.pk}
    for other in hidden:
        assert client.get(reverse("improvements:detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("improvements:detail", args=[on_team.pk])).content.decode()
    assert 'id="mark-done"' not in page and 'id="edit-action"' not in page  # not the owner, not a manager
    page = client.get(reverse("improvements:detail", args=[owned.pk])).content.decode()
    assert 'id="mark-done"' in page and 'id="edit-action"' not in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_s_query_count_does_not_grow(client, manager, django_assert_num_queries, size, team, agent):
    for number in range(size):
        scope = [("center", 0), ("team", team.pk), ("agent", agent.pk)][number % 3]
        action(by=manager, title=f"Action {number}", scope_kind=scope[0], scope_id=scope[1])
    client.force_login(manager)
    client.get(INDEX)
    # session, user, the owners (filter), the actions, the teams' and the agents' names, the bell
    with django_assert_num_queries(7):
        response = client.get(INDEX)
    assert len(response.context["actions"]) == size


def test_the_csv_lists_what_the_list_shows(client, manager, team):
    action(by=manager, title="=cmd()", scope_kind="team", scope_id=team.pk, target=90)
    client.force_login(manager)
    response = client.get(reverse("improvements:export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Title", "Status", "Overdue"]
    assert rows[1][0] == "'=cmd()"  # a formula-looking title is made safe
    assert rows[1][6] == "Blue" and rows[1][5] == "Answer rate" and rows[1][8] == "90.0"


# --- The form ---------------------------------------------------------------------------------------------


def test_a_link_pre_fills_the_kpi_the_scope_and_the_criterion(client, manager, team, default_version):
    greeting = criterion(default_version, "Greeting")
    client.force_login(manager)
    response = client.get(
        NEW, {"kpi": "qa_score", "scope_kind": "team", "scope_id": team.pk, "criterion": greeting.pk}
    )
    form = response.context["form"]
    assert form.initial == {
        "kpi": "qa_score",
        "scope_kind": "team",
        "team": team.pk,
        "criterion": greeting.pk,
    }
    assert 'id="from-criterion"' in response.content.decode()


def test_opening_an_action_records_who_and_derives_the_direction(client, manager, lead, team):
    client.force_login(manager)
    data = form_data(lead, kpi="aht", target="400", scope_kind="team", team=team.pk)
    response = client.post(NEW, data)
    opened = ImprovementAction.objects.get()
    assert response.status_code == 302 and response.url == reverse("improvements:detail", args=[opened.pk])
    assert (opened.created_by, opened.owner, opened.scope_kind, opened.scope_id) == (
        manager,
        lead,
        "team",
        team.pk,
    )
    assert opened.direction == "lower"  # handle time: lower is better
    assert opened.status == "open" and opened.done_at is None


def test_form_errors_show_beside_their_fields(client, manager):
    client.force_login(manager)
    data = form_data(manager, scope_kind="team", target="150", window_days="0", title="")
    response = client.post(NEW, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "team", "target", "window_days"}
    html = response.content.decode()
    for field in ("title", "team", "target", "window_days"):
        assert f'id="error_1_id_{field}"' in html  # under the field's own input
    assert "Choose the team the action is about." in html
    assert not ImprovementAction.objects.exists()


def test_editing_changes_the_action(client, manager):
    existing = action(by=manager)
    client.force_login(manager)
    edit = reverse("improvements:edit", args=[existing.pk])
    assert client.get(edit).context["form"].initial["title"] == "Callback script"
    response = client.post(edit, form_data(manager, title="Renamed", window_days="14"))
    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.title, existing.window_days) == ("Renamed", 14)


# --- Done and cancel --------------------------------------------------------------------------------------


def test_the_owner_marks_it_done_once(client, manager, lead):
    owned = action(by=manager, owner=lead)
    client.force_login(lead)
    done = reverse("improvements:done", args=[owned.pk])
    assert client.post(done).status_code == 302
    owned.refresh_from_db()
    assert owned.status == "done" and owned.done_at is not None
    first = owned.done_at
    client.post(done)  # a double click: closed once
    client.post(reverse("improvements:cancel", args=[owned.pk]))
    owned.refresh_from_db()
    assert owned.status == "done" and owned.done_at == first


def test_a_manager_cancels_and_another_lead_cannot(client, manager, other_lead, team):
    on_team = action(by=manager, scope_kind="team", scope_id=team.pk)
    client.force_login(other_lead)
    assert client.post(reverse("improvements:cancel", args=[on_team.pk])).status_code == 404
    client.force_login(manager)
    assert client.post(reverse("improvements:cancel", args=[on_team.pk])).status_code == 302
    on_team.refresh_from_db()
    assert on_team.status == "cancelled" and on_team.done_at is not None


# --- The links that open one ------------------------------------------------------------------------------


def test_the_dashboard_tiles_link_to_a_pre_filled_action_for_managers_only(client, manager, lead, team):
    url = reverse("dashboards:team", args=[team.pk])
    client.force_login(manager)
    html = client.get(url).content.decode()
    assert f"{NEW}?kpi=aht&amp;scope_kind=team&amp;scope_id={team.pk}" in html
    client.force_login(lead)
    assert NEW not in client.get(url).content.decode()


def test_an_escalation_reason_links_to_an_escalation_rate_action(client, manager):
    day_row(DAY, **calls(90, 10))
    escalation_row(DAY, "reason", "Billing dispute", 9)
    client.force_login(manager)
    html = client.get(
        reverse("dashboards:center"), {"period": "month", "day": DAY.isoformat()}
    ).content.decode()
    link = f"{NEW}?kpi=escalation_rate&amp;scope_kind=center&amp;scope_id=0&amp;title=Billing%20dispute"
    assert link in html
    form = client.get(NEW, {"kpi": "escalation_rate", "title": "Billing dispute"}).context["form"]
    assert form.initial == {"kpi": "escalation_rate", "title": "Billing dispute"}


def test_the_nav_shows_improvements_to_managers_and_leads(client, manager, lead):
    for user, shown in (
        (manager, True),
        (lead, True),
        (UserFactory(username="rev", is_reviewer=True), False),
    ):
        client.force_login(user)
        assert (INDEX in client.get(reverse("home")).content.decode()) is shown


def test_the_qa_report_s_criterion_rows_link_to_a_pre_filled_action_for_managers(
    client, manager, lead, team, agent, reviewer, default_version
):
    evaluation_of(agent, version=default_version, reviewer=reviewer, days_ago=2)
    greeting = criterion(default_version, "Greeting")
    report = reverse("qa_reports:report")
    client.force_login(manager)
    html = client.get(report, {"team": team.pk}).content.decode()
    assert (
        f"{NEW}?kpi=qa_score&amp;scope_kind=team&amp;scope_id={team.pk}&amp;criterion={greeting.pk}" in html
    )
    assert f"{NEW}?kpi=qa_score&amp;scope_kind=center&amp;scope_id=0&amp;criterion={greeting.pk}" in (
        client.get(report).content.decode()
    )
    client.force_login(lead)
    assert NEW not in client.get(report).content.decode()

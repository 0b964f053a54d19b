"""The evaluations list (issue 8): who finds which evaluations, each filter, the sorts, the paging, the errors
beside their fields, the navigation entry, and a query count that does not grow with the rows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse

from qa_center.people.names import names_changed
from scorecards.models import Evaluation
from tests.factories import (
    GREETING_MISSED,
    AgentFactory,
    CallFactory,
    CallTypeFactory,
    TeamFactory,
    UserFactory,
    calibrated,
    draft,
    evaluation_of,
    make_published_version,
    make_session,
    pin,
)

pytestmark = pytest.mark.django_db

URL = reverse("evaluations:list")


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [evaluation.pk for evaluation in response.context["page"]]


@pytest.fixture
def world(agent, other_agent, reviewer, second_reviewer, manager, lead, other_lead, default_version):
    """Four submitted evaluations: `agent` (team Blue) by `reviewer` and by `second_reviewer`, `other_agent`
    (team Green) by `reviewer` and by `second_reviewer`; plus a draft and a calibration evaluation that the
    list never shows."""
    mine_blue = evaluation_of(agent, version=default_version, reviewer=reviewer, days_ago=4)
    theirs_blue = evaluation_of(agent, version=default_version, reviewer=second_reviewer, days_ago=3)
    mine_green = evaluation_of(other_agent, version=default_version, reviewer=reviewer, days_ago=2)
    theirs_green = evaluation_of(other_agent, version=default_version, reviewer=second_reviewer, days_ago=1)
    a_draft = draft(CallFactory(agent=agent, call_type=default_version.scorecard.call_type), reviewer)
    session = make_session(
        CallFactory(agent=agent, call_type=default_version.scorecard.call_type),
        manager,
        [reviewer, second_reviewer],
    )
    calibration = calibrated(session, reviewer, GREETING_MISSED)
    return {
        "mine_blue": mine_blue,
        "theirs_blue": theirs_blue,
        "mine_green": mine_green,
        "theirs_green": theirs_green,
        "draft": a_draft,
        "calibration": calibration,
    }


def ids(world, *names) -> set[int]:
    return {world[name].pk for name in names}


# --- Who finds which --------------------------------------------------------------------------------------


def test_a_qa_manager_finds_every_submitted_regular_evaluation_newest_first(client, manager, world):
    client.force_login(manager)
    assert listed(client.get(URL)) == [
        world[name].pk for name in ("theirs_green", "mine_green", "theirs_blue", "mine_blue")
    ]


def test_a_team_lead_finds_their_teams_evaluations(client, lead, other_lead, world):
    client.force_login(lead)
    assert set(listed(client.get(URL))) == ids(world, "mine_blue", "theirs_blue")
    client.force_login(other_lead)
    assert set(listed(client.get(URL))) == ids(world, "mine_green", "theirs_green")


def test_a_lead_keeps_the_evaluations_of_the_team_the_call_was_taken_for(client, lead, agent, world):
    """The agent moves to another team: the lead keeps the evaluations made for their team (Evaluation.team)."""
    agent.team = TeamFactory(name="Elsewhere")
    agent.save(update_fields=["team"])
    client.force_login(lead)
    assert set(listed(client.get(URL))) == ids(world, "mine_blue", "theirs_blue")


def test_a_reviewer_finds_only_their_own(client, reviewer, second_reviewer, world):
    client.force_login(reviewer)
    response = client.get(URL)
    assert set(listed(response)) == ids(world, "mine_blue", "mine_green")
    assert "reviewer" not in response.context["form"].fields  # only their own: nothing to choose
    client.force_login(second_reviewer)
    assert set(listed(client.get(URL))) == ids(world, "theirs_blue", "theirs_green")


def test_a_reviewer_who_also_leads_a_team_finds_both(client, reviewer, other_team, world):
    reviewer.is_team_lead = True
    reviewer.save(update_fields=["is_team_lead"])
    other_team.lead = reviewer
    other_team.save(update_fields=["lead"])
    client.force_login(reviewer)
    assert set(listed(client.get(URL))) == ids(world, "mine_blue", "mine_green", "theirs_green")


def test_an_agent_is_refused_and_has_no_menu_entry(client, agent, world):
    client.force_login(agent)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("evaluations:export")).status_code == 403
    assert URL not in dict(client.get(reverse("home")).context["nav_items"])


@pytest.mark.parametrize("who", ["manager", "lead", "reviewer"])
def test_the_menu_offers_the_list_to_those_who_find_evaluations(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert URL in dict(client.get(reverse("home")).context["nav_items"])


def test_rows_show_and_link_the_evaluation_and_its_call(client, manager, world):
    client.force_login(manager)
    html = client.get(URL).content.decode()
    evaluation = world["mine_blue"]
    assert f'href="{evaluation.get_absolute_url()}"' in html
    assert f'href="{evaluation.call.get_absolute_url()}"' in html
    assert "100.0%" in html and "Pass" in html  # FULL_MARKS; one decimal is fine in a list


# --- Filters ----------------------------------------------------------------------------------------------


def test_filter_by_date_range(client, manager, world):
    client.force_login(manager)
    today = datetime.now(UTC).date()
    response = client.get(URL, {"date_from": today - timedelta(days=3), "date_to": today - timedelta(days=2)})
    assert set(listed(response)) == ids(world, "theirs_blue", "mine_green")


def test_filter_by_team_agent_and_reviewer(client, manager, team, agent, reviewer, world):
    client.force_login(manager)
    assert set(listed(client.get(URL, {"team": team.pk}))) == ids(world, "mine_blue", "theirs_blue")
    assert set(listed(client.get(URL, {"agent": agent.pk}))) == ids(world, "mine_blue", "theirs_blue")
    assert set(listed(client.get(URL, {"reviewer": reviewer.pk}))) == ids(world, "mine_blue", "mine_green")


def test_filter_by_scorecard(client, manager, world, default_version):
    other_version = make_published_version(CallTypeFactory(name="Outbound sales", slug="outbound-sales"))
    other = evaluation_of(AgentFactory(), version=other_version)
    client.force_login(manager)
    assert set(listed(client.get(URL, {"scorecard": other_version.scorecard.pk}))) == {other.pk}
    assert set(listed(client.get(URL, {"scorecard": default_version.scorecard.pk}))) == ids(
        world, "mine_blue", "theirs_blue", "mine_green", "theirs_green"
    )


def test_filter_by_score_range_and_result(client, manager, world):
    pin(world["mine_blue"], score=60)
    pin(world["theirs_blue"], score=84.99)
    pin(world["mine_green"], score=85)
    client.force_login(manager)
    assert set(listed(client.get(URL, {"score_min": "60", "score_max": "85"}))) == ids(
        world, "mine_blue", "theirs_blue", "mine_green"
    )
    assert set(listed(client.get(URL, {"score_min": "84.99", "score_max": "84.99"}))) == ids(
        world, "theirs_blue"
    )
    assert set(listed(client.get(URL, {"passed": "fail"}))) == ids(world, "mine_blue", "theirs_blue")
    assert set(listed(client.get(URL, {"passed": "pass"}))) == ids(world, "mine_green", "theirs_green")


def test_filter_by_auto_fail(client, manager, world):
    Evaluation.objects.filter(pk=world["mine_green"].pk).update(auto_failed=True, score=0, passed=False)
    client.force_login(manager)
    assert listed(client.get(URL, {"auto_failed": "yes"})) == [world["mine_green"].pk]
    assert world["mine_green"].pk not in listed(client.get(URL, {"auto_failed": "no"}))


def test_filter_by_disputed_and_acknowledged(client, manager, agent, other_agent, default_version, world):
    disputed = evaluation_of(agent, version=default_version, status=Evaluation.Status.DISPUTED)
    resolved = evaluation_of(
        other_agent, version=default_version, status=Evaluation.Status.RESOLVED, manager=manager
    )
    acknowledged = evaluation_of(agent, version=default_version, status=Evaluation.Status.ACKNOWLEDGED)
    client.force_login(manager)
    assert set(listed(client.get(URL, {"disputed": "yes"}))) == {disputed.pk, resolved.pk}
    not_disputed = set(listed(client.get(URL, {"disputed": "no"})))
    assert acknowledged.pk in not_disputed and not not_disputed & {disputed.pk, resolved.pk}
    assert listed(client.get(URL, {"acknowledged": "yes"})) == [acknowledged.pk]
    assert acknowledged.pk not in listed(client.get(URL, {"acknowledged": "no"}))


def test_a_lead_cannot_choose_another_teams_agent(client, lead, other_agent, world):
    client.force_login(lead)
    response = client.get(URL, {"agent": other_agent.pk})
    assert "agent" in response.context["form"].errors and listed(response) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"date_from": "not a date"}, "date_from"),
        ({"score_min": "101"}, "score_min"),
        ({"score_max": "-1"}, "score_max"),
        ({"score_min": "90", "score_max": "80"}, "score_max"),
        ({"score_min": "1.234"}, "score_min"),
        ({"passed": "maybe"}, "passed"),
        ({"disputed": "perhaps"}, "disputed"),
        ({"scorecard": "999999"}, "scorecard"),
    ],
)
def test_bad_filter_values_are_an_error_beside_their_field_and_list_nothing(
    client, manager, world, params, field
):
    client.force_login(manager)
    response = client.get(URL, params)
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert listed(response) == []
    html = response.content.decode()
    assert 'id="filter-errors"' in html and "invalid-feedback" in html
    assert 'id="export-csv"' not in html


# --- Sorts and paging -------------------------------------------------------------------------------------


def test_sort_by_score_both_ways_lists_scored_evaluations(client, manager, world):
    for name, score in (("mine_blue", 70), ("theirs_blue", 90), ("mine_green", 80), ("theirs_green", 60)):
        pin(world[name], score=score)
    client.force_login(manager)
    assert listed(client.get(URL, {"sort": "-score"})) == [
        world[name].pk for name in ("theirs_blue", "mine_green", "mine_blue", "theirs_green")
    ]
    assert listed(client.get(URL, {"sort": "score"})) == [
        world[name].pk for name in ("theirs_green", "mine_blue", "mine_green", "theirs_blue")
    ]


def test_sort_by_agent_and_by_reviewer_name(client, manager, agent, other_agent, reviewer, world):
    agent.first_name, other_agent.first_name = "Zoe", "Adam"
    agent.save(update_fields=["first_name"])
    other_agent.save(update_fields=["first_name"])
    names_changed([agent.pk, other_agent.pk])  # as the admin does after a rename
    client.force_login(manager)
    by_agent = listed(client.get(URL, {"sort": "agent"}))
    # Adam's first and, a keyset order going one way, within one agent the oldest first (newest first from Z).
    assert by_agent == [world[name].pk for name in ("mine_green", "theirs_green", "mine_blue", "theirs_blue")]
    assert listed(client.get(URL, {"sort": "-agent"})) == [
        world[name].pk for name in ("theirs_blue", "mine_blue", "theirs_green", "mine_green")
    ]
    reviewer.first_name = "Aaron"
    reviewer.save(update_fields=["first_name"])
    names_changed([reviewer.pk])
    assert set(listed(client.get(URL, {"sort": "reviewer"}))[:2]) == ids(world, "mine_blue", "mine_green")


def test_an_unknown_sort_is_the_default(client, manager, world):
    client.force_login(manager)
    assert listed(client.get(URL, {"sort": "call__transcript"})) == listed(client.get(URL))


@pytest.mark.parametrize("sort", ["-date", "date", "-score", "score", "agent", "-reviewer"])
def test_pages_hold_every_row_once(client, manager, agent, default_version, sort, monkeypatch):
    monkeypatch.setattr("scorecards.evaluations.views.EVALUATIONS_PER_PAGE", 3)
    reviewer = UserFactory(username="pager", is_reviewer=True)
    made = [
        evaluation_of(agent, version=default_version, reviewer=reviewer, days_ago=1 + index // 3)
        for index in range(8)
    ]
    client.force_login(manager)
    seen, params = [], {"sort": sort}
    for _ in range(5):
        response = client.get(URL, params)
        seen += listed(response)
        page = response.context["page"]
        if not page.has_next:
            break
        params = QueryDict(page.next_query.lstrip("?")).dict()
    assert sorted(seen) == sorted(evaluation.pk for evaluation in made)


# --- Queries ----------------------------------------------------------------------------------------------

# Session, user; the capped count; the page's rows (one query, every relation joined); the bell's unread
# count; the filter form's team, agent, reviewer and scorecard options. A team lead: and the ids of the teams
# they lead, read once (User.led_team_ids), which every query of the page then names as values.
LIST_QUERIES = {"manager": 9, "lead": 10}


@pytest.mark.parametrize("who", ["manager", "lead"])
def test_query_count_does_not_grow_with_rows(
    client, request, who, agent, default_version, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(who))
    reviewers = [UserFactory(username=f"r{index}", is_reviewer=True) for index in range(3)]
    for index in range(3):
        evaluation_of(agent, version=default_version, reviewer=reviewers[index % 3])
    with django_assert_num_queries(LIST_QUERIES[who]):
        few = client.get(URL)
    assert len(listed(few)) == 3
    for index in range(57):
        evaluation_of(AgentFactory(team=agent.team), version=default_version, reviewer=reviewers[index % 3])
    with django_assert_num_queries(LIST_QUERIES[who]):
        many = client.get(URL)
    assert len(listed(many)) == 50


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"score_min": 50, "score_max": 95},
        {"scorecard": True},
        {"passed": False},
    ],
)
@pytest.mark.parametrize("sort", ["-date", "date", "-score", "score", "agent"])
@pytest.mark.parametrize("who", ["manager", "lead", "reviewer"])
def test_dense_and_sparse_forms_list_the_same_rows(request, world, default_version, filters, sort, who):
    """The rows of a large result are found by walking the order's index (the dense form): the same rows."""
    from decimal import Decimal

    from qa_center.paging import CappedCount
    from scorecards.evaluations.selectors import EvaluationFilters, evaluation_listing

    for name, score in (("mine_blue", 70), ("theirs_blue", 90), ("mine_green", 80), ("theirs_green", 60)):
        pin(world[name], score=score)
    if filters.get("scorecard"):
        filters = {"scorecard": default_version.scorecard}
    if "score_min" in filters:
        filters = {key: Decimal(value) for key, value in filters.items()}
    listing = evaluation_listing(
        user=request.getfixturevalue(who), filters=EvaluationFilters(**filters), sort=sort
    )
    sparse = list(listing.rows_for(CappedCount(value=5, capped=False)).values_list("pk", flat=True))
    dense = list(listing.rows_for(CappedCount(value=10_000, capped=True)).values_list("pk", flat=True))
    assert sparse == dense
    assert sorted(dense) == sorted(listing.counted.values_list("pk", flat=True))
    assert dense

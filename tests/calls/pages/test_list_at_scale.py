"""The call list's mechanism for large volumes: keyset pages equal offset pages, capped counts, the lead's
scope from led team ids, every offered sort served by an index, and the stored durations."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.models import Call
from calls.selectors import (
    SORT_COLUMNS,
    CallFilters,
    agents_for_filter,
    call_listing,
    calls_in_scope,
    led_team_ids,
    teams_for_filter,
)
from qa_center.paging import CappedCount, paginate
from qa_center.people.models import Team, User
from tests.factories import AgentFactory, CallFactory, EscalationFactory, SurveyResponseFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = reverse("calls:list")
OFFERED_SORTS = [sort for key in SORT_COLUMNS for sort in (key, f"-{key}")]


class FakeGet(dict):
    """What paginate reads from request.GET (get, [], copy)."""

    def copy(self):
        return FakeGet(self)


@pytest.fixture
def calls_with_ties(agent, other_agent):
    """23 calls: runs of calls sharing a start time, a wait and a handle time, and some unknown durations."""
    start = datetime(2024, 5, 1, 9, tzinfo=UTC)
    for index in range(23):
        CallFactory(
            agent=agent if index % 2 else other_agent,
            started_at=start + timedelta(minutes=index // 4),  # four calls per start time
            ivr_wait_seconds=None if index % 7 == 0 else index % 3,
            queue_wait_seconds=None,
            talk_seconds=None if index % 5 == 0 else 60 * (index % 2),
            hold_seconds=None,
            wrap_up_seconds=None,
        )


def _walk(listing, per_page: int, *, cursor: str | None) -> list[int]:
    """Every row's id, page after page: by the Next links' cursors, or by page numbers (OFFSET)."""
    ids, params = [], FakeGet()
    for _ in range(50):
        page = paginate(
            listing.rows, counted=listing.counted, params=params, per_page=per_page, order=listing.order
        )
        ids += [row.pk for row in page]
        if not page.has_next:
            return ids
        changes = page.next_params if cursor else {"page": page.number + 1}
        params = FakeGet(
            {key: str(value) for key, value in {**params, **changes}.items() if value is not None}
        )
    raise AssertionError("more pages than rows")


@pytest.mark.parametrize("sort", OFFERED_SORTS)
def test_keyset_pages_hold_the_same_rows_as_offset_pages(manager, calls_with_ties, sort):
    listing = call_listing(user=manager, filters=CallFilters(), sort=sort)
    everything = list(listing.rows.values_list("pk", flat=True))
    assert len(everything) >= 15
    by_offset = _walk(listing, 4, cursor=None)
    by_keyset = _walk(listing, 4, cursor="after")
    assert by_keyset == by_offset == everything


@pytest.mark.parametrize("sort", OFFERED_SORTS)
def test_deep_pages_by_number_find_their_ids_first_and_hold_the_same_rows(
    monkeypatch, manager, calls_with_ties, sort, django_assert_num_queries
):
    monkeypatch.setattr("qa_center.paging.DEFERRED_FROM", 4)  # from page 2 on, with 4 rows a page
    listing = call_listing(user=manager, filters=CallFilters(), sort=sort)
    everything = list(listing.rows.values_list("pk", flat=True))
    assert _walk(listing, 4, cursor=None) == everything
    rows = listing.rows.select_related("agent")
    first = paginate(rows, counted=listing.counted, params=FakeGet(), per_page=4)
    with django_assert_num_queries(3):  # the count, the page's ids, its rows (with their agents)
        third = paginate(rows, counted=listing.counted, params=FakeGet({"page": "3"}), per_page=4)
        names = [row.agent.username for row in third]
    assert [row.pk for row in third] == everything[8:12] and len(names) == 4 and first.number == 1


@pytest.mark.parametrize("sort", OFFERED_SORTS)
def test_previous_links_go_back_to_the_same_rows(manager, calls_with_ties, sort):
    listing = call_listing(user=manager, filters=CallFilters(), sort=sort)
    pages, params = [], FakeGet()
    while True:
        page = paginate(listing.rows, counted=listing.counted, params=params, per_page=5, order=listing.order)
        pages.append(([row.pk for row in page], page.number))
        if not page.has_next:
            break
        params = FakeGet({k: str(v) for k, v in page.next_params.items() if v is not None})
    # From the last page, back one page at a time.
    for expected_ids, expected_number in reversed(pages[:-1]):
        params = FakeGet({k: str(v) for k, v in page.previous_params.items() if v is not None})
        page = paginate(listing.rows, counted=listing.counted, params=params, per_page=5, order=listing.order)
        assert ([row.pk for row in page], page.number) == (expected_ids, expected_number)


@pytest.mark.parametrize("cursor", ["nonsense", "2024-05-01T09:00:00+00:00", "not-a-date~12", "2024-05-01~x"])
def test_a_broken_cursor_shows_the_first_page(client, manager, calls_with_ties, cursor):
    client.force_login(manager)
    response = client.get(URL, {"after": cursor})
    assert response.status_code == 200
    first = client.get(URL)
    assert [c.pk for c in response.context["page"]] == [c.pk for c in first.context["page"]]


def test_a_page_past_the_end_shows_the_last_page(client, manager, calls_with_ties):
    client.force_login(manager)
    page = client.get(URL, {"page": "999"}).context["page"]
    assert page.number == 1 and len(page) == 23


# --- Capped counts ---------------------------------------------------------------------------------------


def test_the_count_is_capped_past_ten_thousand(client, manager, agent):
    started = datetime(2024, 1, 1, tzinfo=UTC)
    Call.objects.bulk_create(
        [
            Call(external_id=f"BULK-{n}", agent=agent, started_at=started + timedelta(seconds=n))
            for n in range(10_001)
        ],
        batch_size=2000,
    )
    client.force_login(manager)
    response = client.get(URL)
    html = response.content.decode()
    assert response.context["page"].count == CappedCount(value=10_000, capped=True)
    assert "10,000+ calls" in html
    assert "Page 1 of 200+" in html
    # Exactly 10,000 is not capped.
    Call.objects.filter(external_id="BULK-0").delete()
    assert "10,000 calls" in client.get(URL).content.decode()
    assert "10,000+" not in client.get(URL).content.decode()


@pytest.mark.parametrize("params", [{}, {"escalated": "yes"}, {"nps": "promoter", "csat_min": "4"}])
def test_the_count_joins_nothing_it_does_not_need(client, manager, agent, params):
    call = CallFactory(agent=agent)
    SurveyResponseFactory(call=call, nps=10, csat=5)
    EscalationFactory(call=call)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert [c.pk for c in response.context["page"]] == [call.pk]
    count_sql = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper())
    # The survey filter joins the survey (inner: the filter itself); nothing else, and never for display.
    assert "LEFT OUTER JOIN" not in count_sql.upper()
    assert count_sql.upper().count("JOIN") == (1 if "nps" in params else 0)


@pytest.mark.parametrize(
    "filters",
    [
        CallFilters(),
        CallFilters(escalated=True),
        CallFilters(escalated=False),
        CallFilters(nps="detractor"),
        CallFilters(csat_min=2, csat_max=4),
    ],
)
@pytest.mark.parametrize("who", ["lead", "manager"])
def test_dense_and_sparse_forms_list_the_same_rows(request, monkeypatch, several_teams, who, filters):
    user = request.getfixturevalue(who)
    for index, call in enumerate(Call.objects.order_by("pk")):
        if index % 2:
            SurveyResponseFactory(call=call, nps=index % 11, csat=1 + index % 5)
        if index % 3 == 0:
            EscalationFactory(call=call)
    listing = call_listing(user=user, filters=filters)
    sparse = list(listing.rows_for(CappedCount(value=5, capped=False)).values_list("pk", flat=True))
    dense = list(listing.rows_for(CappedCount(value=10_000, capped=True)).values_list("pk", flat=True))
    assert sparse == dense == sorted(listing.counted.values_list("pk", flat=True), reverse=True)


def test_the_capped_count_reads_as_a_number():
    assert str(CappedCount(value=10_000, capped=True)) == "10,000+"
    assert str(CappedCount(value=1234, capped=False)) == "1,234"


# --- The lead's scope ------------------------------------------------------------------------------------


@pytest.fixture
def several_teams(lead, team, other_team, agent, other_agent):
    """The lead leads Blue and Red (not Green), answers calls themself in Green, and an agent moved teams."""
    red = TeamFactory(name="Red")
    red.lead = lead
    red.save(update_fields=["lead"])
    Team.objects.create(name="Empty")
    lead.is_agent = True
    lead.save(update_fields=["is_agent"])
    moved = AgentFactory(username="moved", team=other_team)  # now in Green; earlier calls in Red
    red_agent = AgentFactory(username="red", team=red)
    for who, where in [
        (agent, team),
        (other_agent, other_team),
        (lead, other_team),
        (moved, red),
        (moved, other_team),
        (red_agent, red),
        (other_agent, None),
    ]:
        CallFactory.create_batch(2, agent=who, team=where)
    CallFactory(agent=None, team=red)
    return red


@pytest.mark.parametrize("who", ["lead", "other_lead", "agent", "manager", "reviewer"])
def test_the_scope_from_led_team_ids_is_the_old_rule(request, several_teams, who):
    user = request.getfixturevalue(who)
    assert set(calls_in_scope(user=user)) == set(Call.objects.visible_to(user))
    # The dropdowns: exactly the people and teams whose calls the old rule lets the user see.
    visible = Call.objects.visible_to(user)
    old_agents = User.objects.filter(Exists(visible.filter(agent=OuterRef("pk"))))
    old_teams = Team.objects.filter(Exists(visible.filter(team=OuterRef("pk"))))
    if user.sees_all_calls or user.is_team_lead:
        assert set(agents_for_filter(user=user)) == set(old_agents)
        assert set(teams_for_filter(user=user)) == set(old_teams)


def test_the_lead_scope_is_one_small_query_and_no_join(lead, several_teams, django_assert_num_queries):
    with django_assert_num_queries(1):
        team_ids = led_team_ids(lead)
    assert set(team_ids) == set(lead.led_teams.values_list("pk", flat=True))
    sql = str(calls_in_scope(user=lead, team_ids=team_ids).query).upper()
    assert "JOIN" not in sql


def _make_calls(count: int, *, agents, teams) -> None:
    for index in range(count):
        call = CallFactory(agent=agents[index % len(agents)], team=teams[index % len(teams)])
        if index % 2:
            SurveyResponseFactory(call=call, nps=index % 11, csat=1 + index % 5)
        if index % 3 == 0:
            EscalationFactory(call=call)


# session, user, unread notifications, led team ids, agent choices, team choices, call types, COUNT, rows
LEAD_QUERIES = 9


@pytest.mark.parametrize(
    "params", [{}, {"escalated": "yes"}, {"nps": "detractor", "sort": "-wait"}, {"q": "C"}, {"page": "2"}]
)
def test_the_lead_list_costs_the_same_queries_for_few_and_many_calls(
    client, lead, team, other_team, django_assert_num_queries, params
):
    agents = AgentFactory.create_batch(3, team=team)
    client.force_login(lead)
    _make_calls(4, agents=agents, teams=[team, other_team])
    with django_assert_num_queries(LEAD_QUERIES):
        client.get(URL, params)
    _make_calls(120, agents=agents, teams=[team, other_team])
    with django_assert_num_queries(LEAD_QUERIES):
        response = client.get(URL, params)
    assert response.status_code == 200
    assert {c.team_id for c in response.context["page"]} <= {team.pk}


# --- Every offered sort is served by an index ------------------------------------------------------------


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        # A tiny table is cheapest to sort: forbid sorting and scans, so that a Sort node left in the plan
        # means that no index gives this order.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("who", "sort"),
    # Over every call (the lists that reach a million rows); an agent's own calls in the default order.
    [*(("manager", sort) for sort in OFFERED_SORTS), ("agent", "-started_at"), ("agent", "started_at")],
)
def test_every_offered_sort_uses_an_index(request, calls_with_ties, who, sort):
    user = request.getfixturevalue(who)
    rows = call_listing(user=user, filters=CallFilters(), sort=sort).rows[:51]
    plan = _plan(rows)
    if connection.vendor == "sqlite":
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        assert "Sort" not in plan.replace("Sort Key", ""), plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL run checks its planner")
@pytest.mark.parametrize("sort", OFFERED_SORTS)
def test_every_offered_sort_uses_an_index_on_postgresql(manager, calls_with_ties, sort):
    plan = _plan(call_listing(user=manager, filters=CallFilters(), sort=sort).rows[:51])
    assert "Index" in plan, plan


# --- The stored durations --------------------------------------------------------------------------------


def test_the_durations_are_stored_by_the_database_whoever_writes(agent):
    call = CallFactory(
        agent=agent, ivr_wait_seconds=3, queue_wait_seconds=None, talk_seconds=None, hold_seconds=None
    )
    call.refresh_from_db()
    assert (call.wait_time_seconds, call.handle_time_seconds) == (3, call.handle_seconds)
    Call.objects.filter(pk=call.pk).update(talk_seconds=100, hold_seconds=5, wrap_up_seconds=None)
    call.refresh_from_db()
    assert (call.handle_time_seconds, call.handle_seconds) == (105, 105)
    (bulk,) = Call.objects.bulk_create(
        [Call(external_id="BULK", started_at=datetime(2024, 1, 1, tzinfo=UTC), queue_wait_seconds=7)]
    )
    bulk = Call.objects.get(external_id="BULK")
    assert (bulk.wait_time_seconds, bulk.handle_time_seconds) == (7, None)


# --- The dropdowns ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "2"])
def test_the_many_options_select_writes_what_django_writes(value):
    from django import forms

    from calls.pages.forms import ManyOptionsSelect

    choices = [("", "Any"), (1, "Ann <&> Co"), (2, "Bob “B”")]
    attrs = {"class": "form-select", "id": "id_agent", "disabled": False, "required": True}
    expected = forms.Select(choices=choices).render("agent", value, attrs=attrs)
    between_tags = re.compile(r">\s+<")
    assert ManyOptionsSelect(choices=choices).render("agent", value, attrs=attrs) == between_tags.sub(
        "><", expected
    )

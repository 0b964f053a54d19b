"""GET /calls/: who sees which calls, every filter and sort, pagination, and a pinned query count."""

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from calls.models import Call
from tests.factories import (
    AgentFactory,
    CallFactory,
    EscalationFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("calls:list")


def listed_ids(response) -> list[str]:
    return [call.external_id for call in response.context["page"].object_list]


@pytest.fixture
def four_calls(agent, other_agent, call_type, sales):
    """Four calls that differ in every filterable way; agent (team Blue) is Zed, other_agent (Green) Amy."""
    agent.first_name, agent.last_name = "Zed", "Zulu"
    agent.save(update_fields=["first_name", "last_name"])
    other_agent.first_name, other_agent.last_name = "Amy", "Alpha"
    other_agent.save(update_fields=["first_name", "last_name"])

    alpha = CallFactory(
        external_id="ALPHA",
        agent=agent,
        call_type=call_type,
        direction=Call.Direction.INBOUND,
        started_at=datetime(2024, 3, 10, 10, tzinfo=UTC),
        ivr_wait_seconds=5,
        queue_wait_seconds=10,
        talk_seconds=100,
        hold_seconds=0,
        wrap_up_seconds=20,
        answered=True,
        resolved=True,
        case_id="CASE-A",
        customer_id="CUST-1",
    )
    alpha.recording_file.save("alpha.wav", ContentFile(b"RIFF...."))
    EscalationFactory(call=alpha)
    SurveyResponseFactory(call=alpha, nps=10, csat=5)

    bravo = CallFactory(
        external_id="BRAVO",
        agent=other_agent,
        call_type=sales,
        direction=Call.Direction.OUTBOUND,
        started_at=datetime(2024, 3, 12, 10, tzinfo=UTC),
        ivr_wait_seconds=30,
        queue_wait_seconds=None,
        talk_seconds=None,
        hold_seconds=None,
        wrap_up_seconds=None,
        answered=False,
        resolved=None,
        case_id="CASE-B",
        customer_id="CUST-2",
        recording_url="https://pbx.example.com/rec/bravo.mp3",
    )
    SurveyResponseFactory(call=bravo, nps=7, csat=3)

    charlie = CallFactory(
        external_id="CHARLIE",
        agent=agent,
        call_type=sales,
        direction=Call.Direction.INBOUND,
        started_at=datetime(2024, 3, 15, 10, tzinfo=UTC),
        ivr_wait_seconds=50,
        queue_wait_seconds=150,
        talk_seconds=300,
        hold_seconds=None,
        wrap_up_seconds=10,
        answered=True,
        resolved=False,
        case_id="case-a",
        customer_id="CUST-3",
    )
    SurveyResponseFactory(call=charlie, nps=2, csat=1)

    CallFactory(
        external_id="DELTA",
        agent=other_agent,
        call_type=call_type,
        direction=Call.Direction.INBOUND,
        started_at=datetime(2024, 3, 20, 10, tzinfo=UTC),
        ivr_wait_seconds=None,
        queue_wait_seconds=None,
        talk_seconds=50,
        hold_seconds=None,
        wrap_up_seconds=None,
        answered=True,
        resolved=True,
        case_id="CASE-D",
        customer_id="CUST-4",
    )


# --- Access ----------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_post_not_allowed(client, agent):
    client.force_login(agent)
    assert client.post(URL).status_code == 405


def test_agent_sees_only_own_calls_and_no_agent_or_team_filter(client, agent, four_calls):
    client.force_login(agent)
    response = client.get(URL)
    assert response.status_code == 200
    assert listed_ids(response) == ["CHARLIE", "ALPHA"]
    assert "agent" not in response.context["form"].fields
    assert "team" not in response.context["form"].fields
    assert 'name="agent"' not in response.content.decode()


def test_agent_of_another_team_does_not_see_them(client, other_agent, four_calls):
    client.force_login(other_agent)
    assert listed_ids(client.get(URL)) == ["DELTA", "BRAVO"]


def test_lead_sees_their_team_and_is_offered_only_its_agents(
    client, lead, agent, other_agent, team, four_calls
):
    client.force_login(lead)
    response = client.get(URL)
    assert listed_ids(response) == ["CHARLIE", "ALPHA"]
    form = response.context["form"]
    assert list(form.fields["agent"].queryset) == [agent]
    assert list(form.fields["team"].queryset) == [team]
    assert "Amy Alpha" not in response.content.decode()


def test_lead_cannot_filter_on_an_agent_of_another_team(client, lead, other_agent, four_calls):
    client.force_login(lead)
    response = client.get(URL, {"agent": other_agent.pk})
    assert response.status_code == 200
    assert "agent" in response.context["form"].errors
    assert listed_ids(response) == []


def test_lead_of_another_team_does_not_see_them(client, other_lead, four_calls):
    client.force_login(other_lead)
    assert listed_ids(client.get(URL)) == ["DELTA", "BRAVO"]


@pytest.mark.parametrize("user_fixture", ["reviewer", "manager"])
def test_reviewer_and_manager_see_every_call(request, client, user_fixture, four_calls):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(URL)
    assert listed_ids(response) == ["DELTA", "CHARLIE", "BRAVO", "ALPHA"]
    assert {str(agent) for agent in response.context["form"].fields["agent"].queryset} == {
        "Zed Zulu",
        "Amy Alpha",
    }


# --- Filters ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"direction": "outbound"}, {"BRAVO"}),
        ({"date_from": "2024-03-11", "date_to": "2024-03-15"}, {"BRAVO", "CHARLIE"}),
        ({"date_from": "2024-03-15"}, {"CHARLIE", "DELTA"}),
        ({"date_to": "2024-03-10"}, {"ALPHA"}),
        ({"answered": "yes"}, {"ALPHA", "CHARLIE", "DELTA"}),
        ({"answered": "no"}, {"BRAVO"}),
        ({"resolved": "yes"}, {"ALPHA", "DELTA"}),
        ({"resolved": "no"}, {"CHARLIE"}),
        ({"escalated": "yes"}, {"ALPHA"}),
        ({"escalated": "no"}, {"BRAVO", "CHARLIE", "DELTA"}),
        ({"has_recording": "yes"}, {"ALPHA", "BRAVO"}),
        ({"has_recording": "no"}, {"CHARLIE", "DELTA"}),
        ({"nps": "promoter"}, {"ALPHA"}),
        ({"nps": "passive"}, {"BRAVO"}),
        ({"nps": "detractor"}, {"CHARLIE"}),
        ({"csat_min": "3"}, {"ALPHA", "BRAVO"}),
        ({"csat_max": "3"}, {"BRAVO", "CHARLIE"}),
        ({"csat_min": "3", "csat_max": "3"}, {"BRAVO"}),
        # Search: the start of an id, exactly as written (an index serves a prefix, not "contains").
        ({"q": "ALPH"}, {"ALPHA"}),
        ({"q": "alph"}, set()),
        ({"q": "LPHA"}, set()),
        ({"q": "case-a"}, {"CHARLIE"}),
        ({"q": "CASE-"}, {"ALPHA", "BRAVO", "DELTA"}),
        ({"q": "CUST-4"}, {"DELTA"}),
        ({"case": "CASE-A"}, {"ALPHA"}),
        ({"answered": "yes", "resolved": "yes", "escalated": "no"}, {"DELTA"}),
        ({"answered": "", "resolved": ""}, {"ALPHA", "BRAVO", "CHARLIE", "DELTA"}),
    ],
)
def test_filter(client, manager, four_calls, params, expected):
    client.force_login(manager)
    response = client.get(URL, params)
    assert response.context["form"].errors == {}
    assert set(listed_ids(response)) == expected


def test_filter_by_agent_team_and_call_type(client, manager, agent, other_team, sales, four_calls):
    client.force_login(manager)
    assert set(listed_ids(client.get(URL, {"agent": agent.pk}))) == {"ALPHA", "CHARLIE"}
    assert set(listed_ids(client.get(URL, {"team": other_team.pk}))) == {"BRAVO", "DELTA"}
    assert set(listed_ids(client.get(URL, {"call_type": sales.pk}))) == {"BRAVO", "CHARLIE"}


def test_dates_are_days_in_the_users_time_zone(client, manager, settings, agent):
    settings.TIME_ZONE = "Europe/Riga"  # UTC+2 in winter
    CallFactory(external_id="LATE", agent=agent, started_at=datetime(2024, 1, 10, 22, 30, tzinfo=UTC))
    client.force_login(manager)
    assert listed_ids(client.get(URL, {"date_from": "2024-01-11", "date_to": "2024-01-11"})) == ["LATE"]
    assert listed_ids(client.get(URL, {"date_to": "2024-01-10"})) == []
    # Shown in the same time zone: 00:30 on the 11th in Riga.
    assert "01/11/2024 12:30 a.m." in client.get(URL).content.decode()


def test_no_match_shows_the_empty_state(client, manager, four_calls):
    client.force_login(manager)
    response = client.get(URL, {"q": "no-such-call"})
    assert listed_ids(response) == []
    assert "No calls match these filters." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "yesterday"}, "date_from", "Enter a valid date."),
        ({"csat_min": "9"}, "csat_min", "Ensure this value is less than or equal to 5."),
        ({"answered": "maybe"}, "answered", "Select a valid choice."),
        ({"nps": "fan"}, "nps", "Select a valid choice."),
        ({"direction": "sideways"}, "direction", "Select a valid choice."),
        ({"call_type": "abc"}, "call_type", "Select a valid choice."),
        ({"agent": "999999"}, "agent", "Select a valid choice."),
        (
            {"date_from": "2024-03-20", "date_to": "2024-03-01"},
            "date_to",
            "The end date is before the start date.",
        ),
        ({"csat_min": "4", "csat_max": "2"}, "csat_max", "The upper CSAT bound is below the lower one."),
    ],
)
def test_invalid_filter_is_shown_beside_its_field(client, manager, four_calls, params, field, message):
    client.force_login(manager)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    html = response.content.decode()
    assert message in html
    assert f'id="error_1_id_{field}"' in html  # crispy renders the message under the field
    assert listed_ids(response) == []


# --- Sorting ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["DELTA", "CHARLIE", "BRAVO", "ALPHA"]),
        ("-started_at", ["DELTA", "CHARLIE", "BRAVO", "ALPHA"]),
        ("started_at", ["ALPHA", "BRAVO", "CHARLIE", "DELTA"]),
        # Sorting by a duration lists the calls whose duration is known (DELTA has no wait, BRAVO no handle).
        ("wait", ["ALPHA", "BRAVO", "CHARLIE"]),
        ("-wait", ["CHARLIE", "BRAVO", "ALPHA"]),
        ("handle", ["DELTA", "ALPHA", "CHARLIE"]),
        ("-handle", ["CHARLIE", "ALPHA", "DELTA"]),
        # Not offered (no index on calls serves a related table's name): the default order.
        ("agent", ["DELTA", "CHARLIE", "BRAVO", "ALPHA"]),
        ("-call_type", ["DELTA", "CHARLIE", "BRAVO", "ALPHA"]),
        ("transcript", ["DELTA", "CHARLIE", "BRAVO", "ALPHA"]),  # not offered: the default order
        ("-agent__password", ["DELTA", "CHARLIE", "BRAVO", "ALPHA"]),
    ],
)
def test_sort(client, manager, four_calls, sort, expected):
    client.force_login(manager)
    assert listed_ids(client.get(URL, {"sort": sort})) == expected


def test_sort_headers_keep_the_filters_and_toggle_direction(client, manager, sales, four_calls):
    client.force_login(manager)
    response = client.get(URL, {"call_type": sales.pk, "sort": "wait", "page": "1"})
    html = response.content.decode()
    # The active column flips direction; the others sort ascending; both keep the filter and drop the page.
    assert f'href="?call_type={sales.pk}&amp;sort=-wait"' in html
    assert f'href="?call_type={sales.pk}&amp;sort=handle"' in html
    assert 'aria-sort="ascending"' in html
    assert "calls whose duration is unknown are not listed" in html
    # The filter form carries the sort along.
    assert '<input type="hidden" name="sort" value="wait">' in html
    # Agent and call type are not sortable (no index serves them).
    assert "sort=agent" not in html and "sort=call_type" not in html


def test_values_shown_in_the_row(client, manager, four_calls):
    client.force_login(manager)
    response = client.get(URL, {"q": "ALPHA"})
    html = response.content.decode()
    call = response.context["page"].object_list[0]
    assert (call.wait_time_seconds, call.handle_time_seconds) == (15, 120)
    assert (call.survey_nps, call.survey_csat) == (10, 5)
    assert call.has_escalation is True
    assert reverse("calls:detail", args=[call.pk]) in html
    for text in (
        "Zed Zulu",
        "Blue",
        "Inbound support",
        "Inbound",
        "Answered",
        "NPS 10",
        "CSAT 5",
        "bi-soundwave",
    ):
        assert text in html


# --- Pagination and query count --------------------------------------------------------------------------


def test_pagination_keeps_the_filters(client, manager, agent, call_type, sales):
    CallFactory.create_batch(55, agent=agent, call_type=sales)
    CallFactory.create_batch(3, agent=agent, call_type=call_type)
    client.force_login(manager)
    first = client.get(URL, {"call_type": sales.pk})
    assert len(listed_ids(first)) == 50
    assert str(first.context["page"].count) == "55"
    html = first.content.decode()
    assert "55 calls" in html and "Page 1 of 2" in html
    # The next page is the calls after the last one shown (keyset), and the link keeps the filter.
    last = first.context["page"].object_list[-1]
    after = f"{last.started_at.isoformat()}~{last.pk}"
    assert f'href="?call_type={sales.pk}&amp;after={quote(after)}&amp;page=2"' in html

    second = client.get(URL, {"call_type": sales.pk, "after": after, "page": 2})
    assert len(listed_ids(second)) == 5
    assert {call.call_type_id for call in second.context["page"].object_list} == {sales.pk}
    assert not set(listed_ids(first)) & set(listed_ids(second))
    # A plain page number (a bookmark, a typed number) still works, by offset: the same rows.
    assert listed_ids(client.get(URL, {"call_type": sales.pk, "page": 2})) == listed_ids(second)
    # Back from page 2 is the first page, without a cursor.
    assert f'href="?call_type={sales.pk}" rel="prev"' in second.content.decode()


def _make_calls(count: int, *, agents, call_type) -> None:
    for index in range(count):
        call = CallFactory(agent=agents[index % len(agents)], call_type=call_type)
        if index % 2:
            SurveyResponseFactory(call=call, nps=index % 11, csat=1 + index % 5)
        if index % 3 == 0:
            EscalationFactory(call=call)


# session, user, the layout's unread-notification count, agent choices, team choices, call type choices,
# the capped COUNT, the page's rows (a team lead: + the ids of the teams they lead)
LIST_QUERIES = 8


@pytest.mark.parametrize("params", [{}, {"escalated": "no", "sort": "-handle"}])
def test_query_count_does_not_grow_with_rows(client, manager, call_type, django_assert_num_queries, params):
    agents = AgentFactory.create_batch(4)
    client.force_login(manager)
    _make_calls(3, agents=agents, call_type=call_type)
    with django_assert_num_queries(LIST_QUERIES):
        few = client.get(URL, params)
    assert 1 <= len(listed_ids(few)) <= 3

    _make_calls(57, agents=agents, call_type=call_type)
    with django_assert_num_queries(LIST_QUERIES):
        many = client.get(URL, params)
    assert len(listed_ids(many)) > 3
    assert "Select a valid" not in many.content.decode()


def test_query_count_with_a_model_filter(client, lead, agent, call_type, django_assert_num_queries):
    client.force_login(lead)
    _make_calls(60, agents=[agent], call_type=call_type)
    # + the led teams' ids, validating the chosen agent and the chosen call type
    with django_assert_num_queries(LIST_QUERIES + 3):
        response = client.get(URL, {"agent": agent.pk, "call_type": call_type.pk})
    assert len(listed_ids(response)) == 50


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=1899-12-31"])
def test_dates_at_the_edge_of_the_calendar_are_a_field_error(client, manager, settings, query):
    settings.TIME_ZONE = "Europe/Riga"
    client.force_login(manager)
    response = client.get(f"{reverse('calls:list')}?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors

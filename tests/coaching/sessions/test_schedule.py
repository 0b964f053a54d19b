"""The schedule form: a lead books a session with an agent of their team; an overlap is refused next to the
start time and nothing is booked; "discuss this in person" starts from an evaluation, which goes on the
agenda; the agent is told in their language."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from coaching.models import AgendaItem, CoachingSession
from qa_center.people.models import Notification
from qa_center.people.notifications import text
from tests.coaching.sessions.conftest import tomorrow_at
from tests.factories import GREETING_MISSED, book, evaluation_of

pytestmark = pytest.mark.django_db

URL = reverse("coaching:schedule")


def form_data(agent, **changes):
    day = timezone.localdate() + timedelta(days=1)
    data = {
        "agent": agent.pk,
        "kind": "feedback_review",
        "day": day.isoformat(),
        "start": "10:00",
        "duration": 45,
        "place": "Room 3",
    }
    return data | changes


def test_a_lead_books_a_session_and_the_agent_is_told(client, lead, agent):
    agent.language = "es"
    agent.save(update_fields=["language"])
    client.force_login(lead)
    response = client.post(URL, form_data(agent))
    session = CoachingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:agenda", args=[session.pk])
    assert (session.lead, session.agent, session.place) == (lead, agent, "Room 3")
    assert session.starts_at == tomorrow_at(10)
    assert session.duration_minutes == 45
    notification = Notification.objects.get(recipient=agent)
    assert notification.event == "coaching_session_scheduled"
    assert notification.url == session.get_absolute_url()
    with translation.override("en"):
        assert "Room 3" in text(notification) and str(lead) in text(notification)


def test_an_overlap_is_refused_next_to_the_start_time(client, lead, agent, second_agent):
    book(lead, second_agent, tomorrow_at(10, 30), 30)
    client.force_login(lead)
    response = client.post(URL, form_data(agent))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "You already have a session with" in errors["start"][0]
    assert CoachingSession.objects.count() == 1


def test_the_agent_list_is_the_leads_team(client, lead, agent, other_agent):
    client.force_login(lead)
    response = client.get(URL)
    assert list(response.context["form"].fields["agent"].queryset) == [agent]
    response = client.post(URL, form_data(other_agent))
    assert response.status_code == 400
    assert "agent" in response.context["form"].errors
    assert not CoachingSession.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"place": ""}, "place"),
        ({"duration": 2}, "duration"),
        ({"start": "25:00"}, "start"),
        ({"kind": "role_play", "scenario": ""}, "scenario"),
    ],
)
def test_bad_input_is_explained_next_to_its_field(client, lead, agent, changes, field):
    client.force_login(lead)
    response = client.post(URL, form_data(agent, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not CoachingSession.objects.exists()


def test_a_time_in_the_past_is_refused(client, lead, agent):
    client.force_login(lead)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(URL, form_data(agent, day=yesterday))
    assert response.status_code == 400
    assert "This time has passed" in response.context["form"].errors["start"][0]


def test_a_role_play_keeps_its_scenario(client, lead, agent):
    client.force_login(lead)
    scenario = "Escalation: the customer asks for a manager."
    client.post(URL, form_data(agent, kind="role_play", scenario=scenario))
    assert CoachingSession.objects.get().scenario == scenario


def test_discuss_this_in_person_puts_the_evaluation_on_the_agenda(client, lead, agent, version, reviewer):
    evaluation = evaluation_of(agent, version=version, reviewer=reviewer, answers=GREETING_MISSED)
    client.force_login(lead)
    page = client.get(evaluation.get_absolute_url())
    link = f"{URL}?evaluation={evaluation.pk}"
    assert link in page.content.decode()

    response = client.get(link)
    assert response.context["form"]["agent"].value() == agent.pk
    assert 'id="from-evaluation"' in response.content.decode()
    response = client.post(URL, form_data(agent, evaluation=evaluation.pk))
    session = CoachingSession.objects.get()
    assert session.from_evaluation == evaluation
    item = AgendaItem.objects.get(session=session)
    assert (item.kind, item.evaluation, item.criterion_title) == ("evaluation", evaluation, "Greeting")


def test_only_the_agents_lead_is_offered_to_discuss_it(
    client, lead, other_lead, agent, version, reviewer, manager
):
    evaluation = evaluation_of(agent, version=version, reviewer=reviewer)
    for person in (agent, reviewer, manager):
        client.force_login(person)
        assert 'id="discuss-in-person"' not in client.get(evaluation.get_absolute_url()).content.decode()
    client.force_login(lead)
    assert 'id="discuss-in-person"' in client.get(evaluation.get_absolute_url()).content.decode()


def test_an_evaluation_the_lead_may_not_read_is_404(client, other_lead, agent, version, reviewer):
    evaluation = evaluation_of(agent, version=version, reviewer=reviewer)
    client.force_login(other_lead)
    assert client.get(f"{URL}?evaluation={evaluation.pk}").status_code == 404
    assert client.post(URL, form_data(agent, evaluation=evaluation.pk)).status_code == 404
    assert not CoachingSession.objects.exists()


def test_an_agent_preselected_by_the_query_string(client, lead, agent, other_agent):
    client.force_login(lead)
    assert client.get(f"{URL}?agent={agent.pk}").context["form"]["agent"].value() == agent.pk
    assert client.get(f"{URL}?agent={other_agent.pk}").status_code == 404

"""GET/POST /calibration/new/: a QA manager picks a call (by id or from a search) and 2+ reviewers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.models import CalibrationSession
from tests.factories import CallFactory, CallTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("calibration:create")


def posted(call, reviewers, **extra) -> dict:
    return {"call": call.external_id, "reviewers": [r.pk for r in reviewers], **extra}


def test_anonymous_is_sent_to_login(client, call, reviewers):
    for response in (client.get(URL), client.post(URL, posted(call, reviewers))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not CalibrationSession.objects.exists()


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead", "reviewer"])
def test_everyone_but_qa_managers_is_forbidden(client, request, role, call, reviewers, four_criteria_version):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, posted(call, reviewers)).status_code == 403
    assert not CalibrationSession.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_wrong_method(client, manager, method):
    client.force_login(manager)
    assert getattr(client, method)(URL).status_code == 405


def test_the_form_offers_active_reviewers_but_the_manager(client, manager, reviewers, agent):
    UserFactory(username="gone", is_reviewer=True, is_active=False)
    UserFactory(username="mgr2", is_reviewer=True, is_qa_manager=True)
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    offered = set(response.context["form"].fields["reviewers"].queryset.values_list("username", flat=True))
    assert offered == {"rev1", "rev2", "rev3", "mgr2"}


def test_a_session_is_opened(client, manager, reviewers, call, four_criteria_version):
    client.force_login(manager)
    deadline = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = client.post(
        URL, posted(call, reviewers[:2], title="Tone", deadline=deadline.strftime("%Y-%m-%dT%H:%M"))
    )
    session = CalibrationSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("calibration:detail", args=[session.pk])
    assert (session.call, session.version, session.created_by, session.title) == (
        call,
        four_criteria_version,
        manager,
        "Tone",
    )
    assert session.deadline == deadline
    assert set(session.participants.all()) == {manager, *reviewers[:2]}


def test_the_call_may_be_given_by_its_number(client, manager, reviewers, call, four_criteria_version):
    client.force_login(manager)
    client.post(URL, {"call": str(call.pk), "reviewers": [r.pk for r in reviewers]})
    assert CalibrationSession.objects.get().call == call


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda reviewers: {"call": "NOPE"}, "call", "No call with this id."),
        (lambda reviewers: {"reviewers": [reviewers[0].pk]}, "reviewers", "Pick at least 2 reviewers."),
        (
            lambda reviewers: {"deadline": "2001-01-01T10:00"},
            "deadline",
            "The deadline must lie in the future.",
        ),
    ],
)
def test_refusals_are_shown_on_their_field(
    client, manager, reviewers, call, four_criteria_version, change, field, message
):
    client.force_login(manager)
    response = client.post(URL, {**posted(call, reviewers), **change(reviewers)})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not CalibrationSession.objects.exists()


def test_a_call_type_without_a_published_scorecard_is_refused(client, manager, reviewers, agent):
    call = CallFactory(agent=agent, call_type=CallTypeFactory(slug="unscored"))
    client.force_login(manager)
    response = client.post(URL, posted(call, reviewers))
    assert response.status_code == 400
    assert response.context["form"].errors["call"] == [
        "There is no published scorecard for this call's type yet."
    ]
    assert not CalibrationSession.objects.exists()


def test_the_agent_of_the_call_cannot_score_it(
    client, manager, reviewers, call, four_criteria_version, agent
):
    agent.is_reviewer = True
    agent.save(update_fields=["is_reviewer"])
    client.force_login(manager)
    response = client.post(URL, posted(call, [reviewers[0], agent]))
    assert response.status_code == 400
    assert "nobody scores their own call" in response.context["form"].errors["reviewers"][0]


def test_the_search_lists_calls_with_a_published_scorecard_and_picks_one(
    client, manager, agent, call_type, four_criteria_version
):
    wanted = CallFactory(agent=agent, call_type=call_type, external_id="TONE-1")
    CallFactory(agent=agent, call_type=CallTypeFactory(slug="unscored"), external_id="TONE-2")
    client.force_login(manager)
    response = client.get(URL, {"q": "tone"})
    assert [c.external_id for c in response.context["found"]] == ["TONE-1"]
    assert "?q=tone&amp;call=TONE-1" in response.content.decode()
    picked = client.get(URL, {"q": "tone", "call": wanted.external_id})
    assert picked.context["form"]["call"].value() == "TONE-1"


def test_the_search_finds_calls_by_agent_name(client, manager, agent, call_type, four_criteria_version):
    agent.last_name = "Ozolina"
    agent.save(update_fields=["last_name"])
    found = CallFactory(agent=agent, call_type=call_type)
    client.force_login(manager)
    assert list(client.get(URL, {"q": "ozol"}).context["found"]) == [found]

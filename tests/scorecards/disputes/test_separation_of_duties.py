"""Nobody resolves a dispute about their own scoring: another QA manager (or an administrator) does."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scorecards.disputes import services as disputes
from scorecards.evaluations.services import save_draft, start_evaluation, submit_evaluation
from scorecards.models import Criterion, Dispute, Evaluation
from tests.factories import AgentFactory, CallFactory, CallTypeFactory, UserFactory, make_published_version

pytestmark = pytest.mark.django_db

# make_published_version's default scorecard answered in full.
FULL = {"Greeting": 1, "Verified identity": 1, "Diagnosed the issue": 4, "Offered a callback": 1}


@pytest.fixture
def scoring_manager():
    """A QA manager who also reviews: they scored the disputed evaluation."""
    return UserFactory(username="scoring-manager", is_qa_manager=True, is_reviewer=True)


@pytest.fixture
def other_manager():
    return UserFactory(username="other-manager", is_qa_manager=True)


@pytest.fixture
def dispute(scoring_manager):
    version = make_published_version(CallTypeFactory(name="Support", slug="support"))
    agent = AgentFactory(username="disputing-agent")
    call = CallFactory(agent=agent, call_type=version.scorecard.call_type)
    evaluation = start_evaluation(call=call, reviewer=scoring_manager)
    criteria = {
        c.title: c for c in Criterion.objects.filter(section__version=version).prefetch_related("options")
    }
    answers = {criteria[title].pk: value for title, value in FULL.items()}
    answers[criteria["Tone"].pk] = criteria["Tone"].options.order_by("-points").first().pk
    save_draft(
        evaluation=evaluation,
        answers=answers,
        comments={},
        strengths="Clear.",
        improvements="",
        by=scoring_manager,
    )
    submit_evaluation(evaluation=evaluation, by=scoring_manager)
    evaluation.refresh_from_db()
    return disputes.open_dispute(
        evaluation=evaluation, by=agent, items=[(criteria["Greeting"], "I did greet.")]
    )


def test_the_manager_who_scored_it_may_not_resolve_it(dispute, scoring_manager):
    with pytest.raises(ValidationError, match="You scored this evaluation"):
        disputes.resolve_dispute(
            dispute=dispute, by=scoring_manager, decision=Dispute.Status.UPHELD, note="Fine."
        )
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN
    assert dispute.evaluation.status == Evaluation.Status.DISPUTED


def test_another_manager_resolves_it(dispute, other_manager):
    disputes.resolve_dispute(dispute=dispute, by=other_manager, decision=Dispute.Status.UPHELD, note="Fine.")
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_by) == (Dispute.Status.UPHELD, other_manager)


def test_an_administrator_resolves_it_where_there_is_one_manager(dispute):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    disputes.resolve_dispute(dispute=dispute, by=admin, decision=Dispute.Status.UPHELD, note="Fine.")
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.UPHELD


def test_the_resolve_page_says_why_and_offers_no_form(client, dispute, scoring_manager):
    client.force_login(scoring_manager)
    url = reverse("feedback:resolve", args=[dispute.pk])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="resolve-refusal"' in html and "You scored this evaluation" in html
    assert 'name="decision"' not in html and "hx-post" not in html

    response = client.post(url, {"decision": Dispute.Status.UPHELD, "note": "Fine."})
    assert response.status_code == 200
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN


def test_the_preview_refuses_too(client, dispute, scoring_manager):
    client.force_login(scoring_manager)
    response = client.post(reverse("feedback:resolve", args=[dispute.pk]), {"preview": "1"})
    assert "You scored this evaluation" in response.content.decode()


def test_the_disputes_list_marks_the_managers_own_evaluations(
    client, dispute, scoring_manager, other_manager
):
    client.force_login(scoring_manager)
    assert "View (scored by you)" in client.get(reverse("feedback:disputes")).content.decode()
    client.force_login(other_manager)
    html = client.get(reverse("feedback:disputes")).content.decode()
    assert "View (scored by you)" not in html and ">Resolve<" in html

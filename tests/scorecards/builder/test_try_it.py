"""'Try it' on a scorecard version: answer its criteria, see the score through the engine, nothing saved."""

import pytest
from django.urls import reverse

from scorecards.models import Criterion, Evaluation
from tests.factories import AgentFactory, CallTypeFactory, UserFactory, make_published_version

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def version():
    return make_published_version(CallTypeFactory(name="Support", slug="support"))


def _criteria(version):
    return {
        c.title: c for c in Criterion.objects.filter(section__version=version).prefetch_related("options")
    }


def test_the_version_page_has_live_inputs_and_an_empty_score(client, version):
    client.force_login(UserFactory(username="try-manager", is_qa_manager=True))
    html = client.get(reverse("scorecards:version", args=[version.pk])).content.decode()
    greeting = _criteria(version)["Greeting"]
    assert f'form="try-it-form" name="answer_{greeting.pk}" value="1"' in html
    assert 'id="try-it-form"' in html and 'id="live-score-value">—' in html
    assert "<fieldset disabled" not in html


def test_answers_give_the_engines_score_and_save_nothing(client, version):
    client.force_login(UserFactory(username="try-manager", is_qa_manager=True))
    criteria = _criteria(version)
    excellent = criteria["Tone"].options.get(label="Excellent")
    data = {
        f"answer_{criteria['Greeting'].pk}": "1",
        f"answer_{criteria['Verified identity'].pk}": "1",
        f"answer_{criteria['Diagnosed the issue'].pk}": "2",  # of 4
        f"answer_{criteria['Tone'].pk}": str(excellent.pk),
        f"answer_{criteria['Offered a callback'].pk}": "na",
    }
    response = client.post(reverse("scorecards:try", args=[version.pk]), data, **HTMX)
    assert response.status_code == 200
    explanation = response.context["explanation"]
    # Opening 100%; Resolution (2 × 2/4 + 1 × 3/3) ÷ 3 = 2/3; (40 × 1 + 60 × 2/3) ÷ 100 = 80%.
    assert explanation.score == 80 and explanation.is_complete and explanation.passed is False
    html = response.content.decode()
    assert 'id="live-score-value">80.00%' in html and "Fail" in html
    assert Evaluation.objects.count() == 0


def test_the_critical_criterion_fails_the_try_as_it_would_an_evaluation(client, version):
    client.force_login(
        AgentFactory(username="try-agent")
    )  # agents read published scorecards, and may try them
    criteria = _criteria(version)
    response = client.post(
        reverse("scorecards:try", args=[version.pk]),
        {f"answer_{criteria['Verified identity'].pk}": "0"},
        **HTMX,
    )
    assert response.context["explanation"].auto_failed is True
    assert "Auto-fail" in response.content.decode()

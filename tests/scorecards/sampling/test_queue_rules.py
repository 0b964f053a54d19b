"""Sampling rules: create (GET/POST /queue/sampling/rules/new/), edit, deactivate (POST)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scorecards.models import SamplingRule
from tests.factories import CallTypeFactory, SamplingRuleFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("queue:rule-create")


def rule_data(call_type, **values) -> dict:
    data = {
        "call_type": call_type.pk,
        "method": "per_agent",
        "calls_per_agent": 3,
        "period": "week",
        "require_answered": "on",
        "require_recording": "on",
        "min_talk_seconds": 90,
        "is_active": "on",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def rule(call_type):
    return SamplingRuleFactory(call_type=call_type, calls_per_agent=2)


def urls(rule) -> dict[str, str]:
    return {
        "create": CREATE,
        "edit": reverse("queue:rule-edit", args=[rule.pk]),
        "deactivate": reverse("queue:rule-deactivate", args=[rule.pk]),
    }


# --- Access ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["create", "edit", "deactivate"])
def test_anonymous_is_sent_to_login(client, rule, page):
    response = client.post(urls(rule)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["create", "edit", "deactivate"])
@pytest.mark.parametrize("role", ["agent", "other_agent", "lead", "reviewer"])
def test_everyone_but_qa_managers_is_forbidden(client, request, rule, page, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post(urls(rule)[page], rule_data(rule.call_type, calls_per_agent=9)).status_code == 403
    rule.refresh_from_db()
    assert (rule.calls_per_agent, rule.is_active) == (2, True)


@pytest.mark.parametrize(("page", "method"), [("create", "put"), ("edit", "delete"), ("deactivate", "get")])
def test_wrong_method(client, manager, rule, page, method):
    client.force_login(manager)
    assert getattr(client, method)(urls(rule)[page]).status_code == 405


@pytest.mark.parametrize("page", ["edit", "deactivate"])
def test_an_unknown_rule_is_404(client, manager, page):
    client.force_login(manager)
    assert client.post(reverse(f"queue:rule-{page}", args=[999999])).status_code == 404


# --- Behaviour ------------------------------------------------------------------------------------------


def test_the_form_pages_render(client, manager, rule):
    client.force_login(manager)
    assert client.get(CREATE).status_code == 200
    response = client.get(urls(rule)["edit"])
    assert response.status_code == 200
    assert 'id="rule-form"' in response.content.decode()


def test_a_manager_creates_a_rule(client, manager, call_type):
    client.force_login(manager)
    response = client.post(CREATE, rule_data(call_type, require_recording=None, period="month"))
    assert response.status_code == 302
    assert response["Location"] == reverse("queue:manage")
    rule = SamplingRule.objects.get()
    assert (rule.call_type, rule.calls_per_agent, rule.period) == (call_type, 3, "month")
    assert (rule.require_answered, rule.require_recording, rule.min_talk_seconds) == (True, False, 90)


def test_a_call_type_may_have_several_active_rules(client, manager, rule, team):
    client.force_login(manager)
    response = client.post(CREATE, rule_data(rule.call_type, team=team.pk))
    assert response.status_code == 302
    response = client.post(CREATE, rule_data(rule.call_type, method="percentage", percentage="3.5"))
    assert response.status_code == 302
    rules = SamplingRule.objects.filter(call_type=rule.call_type, is_active=True).order_by("pk")
    assert [(r.team, r.method, r.calls_per_agent, r.percentage) for r in rules] == [
        (None, "per_agent", 2, None),
        (team, "per_agent", 3, None),
        (None, "percentage", None, Decimal("3.5")),
    ]


@pytest.mark.parametrize(
    "values, field",
    [
        ({"method": "per_agent", "calls_per_agent": None}, "calls_per_agent"),
        ({"method": "percentage", "percentage": None}, "percentage"),
        ({"method": "percentage", "percentage": "0"}, "percentage"),
        ({"method": "percentage", "percentage": "100.5"}, "percentage"),
        ({"method": "sometimes"}, "method"),
    ],
)
def test_each_method_needs_its_own_number(client, manager, call_type, values, field):
    client.force_login(manager)
    response = client.post(CREATE, rule_data(call_type, **values))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SamplingRule.objects.exists()


def test_the_number_of_the_other_method_is_dropped(client, manager, call_type):
    client.force_login(manager)
    client.post(CREATE, rule_data(call_type, method="percentage", percentage="10", calls_per_agent=7))
    rule = SamplingRule.objects.get()
    assert (rule.method, rule.percentage, rule.calls_per_agent) == ("percentage", 10, None)


def test_an_inactive_rule_may_sit_beside_the_active_one(client, manager, rule):
    client.force_login(manager)
    client.post(CREATE, rule_data(rule.call_type, is_active=None))
    assert SamplingRule.objects.filter(call_type=rule.call_type).count() == 2


@pytest.mark.parametrize("value", [0, 101])
def test_calls_per_agent_must_be_between_1_and_100(client, manager, call_type, value):
    client.force_login(manager)
    response = client.post(CREATE, rule_data(call_type, calls_per_agent=value))
    assert "calls_per_agent" in response.context["form"].errors
    assert not SamplingRule.objects.exists()


def test_a_manager_edits_a_rule(client, manager, rule):
    client.force_login(manager)
    response = client.post(urls(rule)["edit"], rule_data(rule.call_type, calls_per_agent=5))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.calls_per_agent, rule.min_talk_seconds) == (5, 90)


def test_a_rule_may_move_onto_a_call_type_that_has_one(client, manager, rule):
    other = SamplingRuleFactory(call_type=CallTypeFactory(name="Retention", slug="retention"))
    client.force_login(manager)
    response = client.post(reverse("queue:rule-edit", args=[other.pk]), rule_data(rule.call_type))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.call_type == rule.call_type


def test_a_manager_deactivates_a_rule(client, manager, rule):
    client.force_login(manager)
    response = client.post(urls(rule)["deactivate"], follow=True)
    assert response.redirect_chain == [(reverse("queue:manage"), 302)]
    rule.refresh_from_db()
    assert rule.is_active is False
    assert "deactivated" in response.content.decode()
    again = client.post(urls(rule)["deactivate"], follow=True)
    assert "already inactive" in again.content.decode()

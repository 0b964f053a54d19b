"""The escalation matrix page: everyone signed in reads it, QA managers keep it (errors beside the fields, a
level in use is not deleted); its CSV; a pinned query count."""

import csv
import io

import pytest
from django.urls import reverse

from qa_center.kpis.models import EscalationLevel, EscalationRule
from tests.kpis.escalations.helpers import FUNCTIONAL, HIERARCHICAL

pytestmark = pytest.mark.django_db

PAGE = reverse("escalations:matrix")


def test_an_agent_reads_the_matrix_without_ways_to_change_it(client, agent, matrix):
    client.force_login(agent)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert b"Legal threat" in response.content and b"Billing" in response.content
    assert reverse("escalations:rule_create").encode() not in response.content
    assert reverse("escalations:rule_edit", args=[matrix[1]["legal"].pk]).encode() not in response.content


def test_a_manager_sees_the_ways_to_change_it(client, manager, matrix):
    client.force_login(manager)
    response = client.get(PAGE)
    assert reverse("escalations:rule_create").encode() in response.content
    assert reverse("escalations:level_delete", args=[matrix[0]["Manager"].pk]).encode() in response.content


def test_the_matrix_exports_its_rules(client, agent, matrix):
    client.force_login(agent)
    rows = list(csv.reader(io.StringIO(client.get(reverse("escalations:matrix_export")).content.decode())))
    assert rows[0][0] == "Escalation type"
    assert ["Functional", "Billing error", "Billing", "Department", "48", ""] in rows
    assert len(rows) == 1 + 4


def test_a_manager_adds_a_rule(client, manager, matrix):
    client.force_login(manager)
    response = client.post(
        reverse("escalations:rule_create"),
        {
            "type": "priority",
            "reason": "  VIP   customer ",
            "handler": matrix[0]["Manager"].pk,
            "followup_hours": 2,
        },
    )
    assert response.status_code == 302
    rule = EscalationRule.objects.get(type="priority")
    assert (rule.reason, rule.handler.name, rule.followup_hours, rule.updated_by) == (
        "VIP customer",
        "Manager",
        2,
        manager,
    )


def test_a_functional_rule_must_go_to_a_department(client, manager, matrix):
    client.force_login(manager)
    response = client.post(
        reverse("escalations:rule_create"),
        {"type": FUNCTIONAL, "reason": "Refund", "handler": matrix[0]["Team lead"].pk, "followup_hours": 24},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["handler"] == ["A functional escalation goes to a department."]
    assert b'id="error-handler"' in response.content
    assert not EscalationRule.objects.filter(reason="Refund").exists()


def test_a_hierarchical_rule_must_go_to_a_level(client, manager, matrix):
    client.force_login(manager)
    response = client.post(
        reverse("escalations:rule_create"),
        {"type": HIERARCHICAL, "reason": "Refund", "handler": matrix[0]["Billing"].pk, "followup_hours": 24},
    )
    assert response.status_code == 400
    assert "handler" in response.context["form"].errors


def test_one_rule_per_type_and_reason_however_written(client, manager, matrix):
    client.force_login(manager)
    response = client.post(
        reverse("escalations:rule_create"),
        {
            "type": HIERARCHICAL,
            "reason": "LEGAL threat",
            "handler": matrix[0]["Manager"].pk,
            "followup_hours": 1,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert b'id="error-reason"' in response.content


def test_follow_up_hours_must_be_at_least_one(client, manager, matrix):
    client.force_login(manager)
    response = client.post(
        reverse("escalations:rule_edit", args=[matrix[1]["any"].pk]),
        {"type": HIERARCHICAL, "reason": "", "handler": matrix[0]["Team lead"].pk, "followup_hours": 0},
    )
    assert response.status_code == 400
    assert "followup_hours" in response.context["form"].errors
    assert EscalationRule.objects.get(pk=matrix[1]["any"].pk).followup_hours == 24


def test_a_manager_edits_and_deletes_a_rule(client, manager, matrix):
    client.force_login(manager)
    rule = matrix[1]["outage"]
    response = client.post(
        reverse("escalations:rule_edit", args=[rule.pk]),
        {"type": FUNCTIONAL, "reason": "Outage", "handler": matrix[0]["Technical"].pk, "followup_hours": 6},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.followup_hours == 6
    assert client.post(reverse("escalations:rule_delete", args=[rule.pk])).status_code == 302
    assert not EscalationRule.objects.filter(pk=rule.pk).exists()


def test_level_names_are_unique_however_written(client, manager, matrix):
    client.force_login(manager)
    response = client.post(
        reverse("escalations:level_create"), {"name": "team  LEAD", "kind": "level", "order": 9}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert b'id="error-name"' in response.content


def test_a_level_in_use_is_not_deleted(client, manager, matrix):
    client.force_login(manager)
    team_lead, agent_level = matrix[0]["Team lead"], matrix[0]["Agent"]
    response = client.post(reverse("escalations:level_delete", args=[team_lead.pk]), follow=True)
    assert EscalationLevel.objects.filter(pk=team_lead.pk).exists()
    assert "change them first" in str(list(response.context["messages"])[0])
    client.post(reverse("escalations:level_delete", args=[agent_level.pk]))
    assert not EscalationLevel.objects.filter(pk=agent_level.pk).exists()


def test_an_agent_may_not_change_the_matrix(client, agent, matrix):
    client.force_login(agent)
    rule = matrix[1]["outage"]
    response = client.post(
        reverse("escalations:rule_edit", args=[rule.pk]),
        {"type": FUNCTIONAL, "reason": "Outage", "handler": matrix[0]["Technical"].pk, "followup_hours": 1},
    )
    assert response.status_code == 403
    assert EscalationRule.objects.get(pk=rule.pk).followup_hours == 8


@pytest.mark.parametrize("size", [1, 20])
def test_the_page_costs_the_same_queries_however_many_rules(client, agent, django_assert_num_queries, size):
    for number in range(size):
        level = EscalationLevel.objects.create(name=f"Desk {number}", kind="department")
        EscalationRule.objects.create(
            type=FUNCTIONAL, reason=f"Reason {number}", handler=level, followup_hours=4
        )
    client.force_login(agent)
    # session, user, the bell; the levels, the rules with their level and editor
    with django_assert_num_queries(5):
        response = client.get(PAGE)
    assert len(response.context["rules"]) == size

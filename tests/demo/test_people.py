"""The demo's people (qa_center/demo/people.py): roles, teams and their leads, the shared password."""

import pytest
from django.db.models import Count

from qa_center.people.models import Team, User
from tests.demo.helpers import seed

pytestmark = pytest.mark.django_db


def test_creates_people_with_their_roles_and_teams():
    seed("--no-recordings")

    manager = User.objects.get(username="manager")
    assert manager.is_qa_manager and manager.is_staff and manager.is_superuser
    assert manager.check_password("demo")

    riga = Team.objects.get(name="Riga Support")
    assert riga.lead.username == "lead" and riga.lead.is_team_lead
    agent = User.objects.get(username="agent")
    assert agent.is_agent and agent.team == riga and agent.agent_code == "A1001"
    assert agent.check_password("demo")
    assert {t.name: t.lead.username for t in Team.objects.select_related("lead")} == {
        "Riga Support": "lead",
        "Madrid Sales": "lead2",
        "Retention": "lead3",
    }

    reviewer4 = User.objects.get(username="reviewer4")
    assert reviewer4.is_reviewer and reviewer4.is_agent and reviewer4.team.name == "Retention"
    assert User.objects.filter(is_reviewer=True).count() == 4
    assert User.objects.filter(is_team_lead=True).count() == 3
    assert User.objects.filter(is_qa_manager=True).count() == 1
    per_team = dict(
        User.objects.filter(is_agent=True).values_list("team__name").annotate(n=Count("id")).order_by()
    )
    assert per_team == {"Riga Support": 10, "Madrid Sales": 10, "Retention": 11}
    assert User.objects.filter(is_agent=True).exclude(agent_code="").count() == 31
    assert User.objects.filter(username="agent30", team__name="Retention").exists()

"""The demo center's people: teams and their leads, agents, QA reviewers, the QA manager, and their logins.

Upserted by username (and teams by name), so a second run changes nothing; every demo user's password is "demo".
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext_lazy

from qa_center.people.models import Team, User

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

DEMO_PASSWORD = "demo"  # noqa: S105 (printed for everyone: demo databases only)
#: The teams, in the order their agents are numbered, with the username of each one's lead.
TEAM_LEADS = {"Riga Support": "lead", "Madrid Sales": "lead2", "Retention": "lead3"}
#: Who does the QA work in the demo's stories.
MANAGER = "manager"
DEMO_AGENT = "agent"
REVIEWERS = ("reviewer", "reviewer2", "reviewer3", "reviewer4")

# (first name, last name, gender for the synthesized voice); ten agents per team, in team order.
_AGENT_NAMES = [
    ("Jānis", "Bērziņš", "m"),
    ("Līga", "Ozola", "f"),
    ("Andris", "Kalniņš", "m"),
    ("Ilze", "Liepa", "f"),
    ("Mārtiņš", "Jansons", "m"),
    ("Inese", "Krūmiņa", "f"),
    ("Edgars", "Zariņš", "m"),
    ("Kristīne", "Vītola", "f"),
    ("Raimonds", "Pētersons", "m"),
    ("Dace", "Kļaviņa", "f"),
    ("Lucía", "García", "f"),
    ("Javier", "Martínez", "m"),
    ("Carmen", "López", "f"),
    ("Alejandro", "Sánchez", "m"),
    ("María", "Fernández", "f"),
    ("Pablo", "Gómez", "m"),
    ("Sofía", "Díaz", "f"),
    ("Diego", "Romero", "m"),
    ("Elena", "Navarro", "f"),
    ("Sergio", "Torres", "m"),
    ("Emily", "Clarke", "f"),
    ("James", "Walker", "m"),
    ("Olivia", "Hughes", "f"),
    ("Thomas", "Wright", "m"),
    ("Sophie", "Turner", "f"),
    ("Daniel", "Evans", "m"),
    ("Hannah", "Scott", "f"),
    ("Matthew", "Green", "m"),
    ("Chloe", "Baker", "f"),
    ("Ryan", "Mitchell", "m"),
]
AGENTS_PER_TEAM = 10


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    gender: str
    team: str | None = None  # the team they answer calls for (agents)
    is_agent: bool = False
    is_reviewer: bool = False
    is_team_lead: bool = False
    is_qa_manager: bool = False
    agent_code: str = ""


def _agent_username(number: int) -> str:
    return "agent" if number == 1 else f"agent{number}"


def demo_people() -> list[Person]:
    people = [Person("manager", "Elīna", "Vanaga", "f", is_qa_manager=True)]
    leads = [("Ieva", "Kalniņa", "f"), ("Marta", "Ruiz", "f"), ("David", "Harris", "m")]
    for lead, (first, last, gender) in zip(TEAM_LEADS.values(), leads, strict=True):
        people.append(Person(lead, first, last, gender, is_team_lead=True))
    reviewers = [("Rebecca", "Moore", "f"), ("Kārlis", "Ozoliņš", "m"), ("Isabel", "Castro", "f")]
    for number, (first, last, gender) in enumerate(reviewers, start=1):
        username = "reviewer" if number == 1 else f"reviewer{number}"
        people.append(Person(username, first, last, gender, is_reviewer=True))
    for index, (first, last, gender) in enumerate(_AGENT_NAMES):
        number = index + 1
        team = list(TEAM_LEADS)[index // AGENTS_PER_TEAM]
        people.append(
            Person(
                _agent_username(number),
                first,
                last,
                gender,
                team=team,
                is_agent=True,
                agent_code=f"A{1000 + number}",
            )
        )
    # A reviewer who also takes calls: the roles are flags, not one choice.
    people.append(
        Person(
            "reviewer4",
            "George",
            "Wilson",
            "m",
            team="Retention",
            is_agent=True,
            is_reviewer=True,
            agent_code=f"A{1001 + len(_AGENT_NAMES)}",
        )
    )
    return people


# Printed by the command: (usernames, role).
DEMO_LOGINS = [
    ("manager", gettext_lazy("QA manager, also Django admin")),
    ("lead, lead2, lead3", gettext_lazy("team leads of Riga Support, Madrid Sales, Retention")),
    ("reviewer, reviewer2, reviewer3", gettext_lazy("QA reviewers")),
    ("reviewer4", gettext_lazy("QA reviewer and agent (Retention)")),
    ("agent … agent10", gettext_lazy("agents of Riga Support (the team of lead)")),
    ("agent11 … agent20", gettext_lazy("agents of Madrid Sales")),
    ("agent21 … agent30", gettext_lazy("agents of Retention")),
]


def ensure_people() -> tuple[dict[str, User], dict[str, Team]]:
    """Upsert the demo users and teams; every demo user gets the password "demo"."""
    # One hash for everyone: hashing 39 times would cost seconds, and the password is public anyway.
    password = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for person in demo_people():
        user, _created = User.objects.update_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@demo.example.com",
                "password": password,
                "is_active": True,
                "is_agent": person.is_agent,
                "is_reviewer": person.is_reviewer,
                "is_team_lead": person.is_team_lead,
                "is_qa_manager": person.is_qa_manager,
                "is_staff": person.is_qa_manager,
                "is_superuser": person.is_qa_manager,
                "agent_code": person.agent_code,
            },
        )
        users[person.username] = user
    teams: dict[str, Team] = {}
    for name, lead in TEAM_LEADS.items():
        team, _created = Team.objects.update_or_create(name=name, defaults={"lead": users[lead]})
        teams[name] = team
    members = [(users[p.username], teams[p.team]) for p in demo_people() if p.team]
    for user, team in members:
        user.team = team
    User.objects.bulk_update([user for user, _team in members], ["team"])
    return users, teams


def demo_users() -> dict[str, User]:
    """The demo people already in the database, by username."""
    usernames = [person.username for person in demo_people()]
    return {user.username: user for user in User.objects.filter(username__in=usernames)}


def demo_teams() -> dict[str, Team]:
    return {team.name: team for team in Team.objects.filter(name__in=list(TEAM_LEADS))}


def seed(request: "DemoRequest") -> Mapping[str, int]:
    with transaction.atomic():
        ensure_people()
    return {}

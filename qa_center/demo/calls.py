"""Demo data: a realistic, reproducible call center for `manage.py seed_demo` (issue 2, part 8).

Everything random comes from one `random.Random(seed)`, so two runs at the same moment build the same center.
Re-running is idempotent: people, teams and call types are upserted, calls are keyed by a deterministic
external id (DEMO-000001…) and only missing ones are added, recordings are only synthesized when absent.
"""

import array
import io
import logging
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.models import Call, CallType, Escalation, SurveyResponse
from qa_center.people.models import Team, User
from qa_center.rates import rate

logger = logging.getLogger(__name__)

DEFAULT_SEED = 2026
DEFAULT_CALLS = 20_000
DEFAULT_DAYS = 90
DEMO_PASSWORD = "demo"  # noqa: S105 (printed for everyone: demo databases only)
CALL_PREFIX = "DEMO-"
ESCALATION_PREFIX = "DEMO-ESC-"
RECORDING_PREFIX = "demo-rec-"
BATCH_SIZE = 1000
# DESIGN.md: a further contact on the case within 7 days means it was not resolved on first contact.
REPEAT_WINDOW = timedelta(days=7)


class DemoDataRefused(Exception):
    """Demo data would be written into a database that may be production's."""


# --- The center: teams, people, call types ------------------------------------------------------------


@dataclass(frozen=True)
class CallTypeProfile:
    name: str
    description: str
    talk_seconds: int  # mean talk time of an average agent
    hold_share: float  # share of answered calls with some hold
    wrap_up_seconds: int
    resolve_rate: float  # of answered calls, before agent skill and escalation
    escalation_rate: float  # of answered calls
    survey_rate: float  # of answered calls


CALL_TYPES: dict[str, CallTypeProfile] = {
    "inbound-support": CallTypeProfile(
        name="Inbound support",
        description="Customers calling about a service problem: diagnose, fix or route it, confirm the fix.",
        talk_seconds=390,
        hold_share=0.35,
        wrap_up_seconds=50,
        resolve_rate=0.86,
        escalation_rate=0.055,
        survey_rate=0.33,
    ),
    "outbound-proactive": CallTypeProfile(
        name="Outbound proactive",
        description="Calls we start: renewals, upgrades and offers to existing customers, without pressure.",
        talk_seconds=220,
        hold_share=0.08,
        wrap_up_seconds=35,
        resolve_rate=0.80,
        escalation_rate=0.02,
        survey_rate=0.20,
    ),
    "retention": CallTypeProfile(
        name="Retention / bad news",
        description="Customers who want to cancel, and calls that deliver bad news (price rises, outages).",
        talk_seconds=540,
        hold_share=0.30,
        wrap_up_seconds=80,
        resolve_rate=0.70,
        escalation_rate=0.075,
        survey_rate=0.30,
    ),
    "billing": CallTypeProfile(
        name="Billing",
        description="Questions about invoices, payments, refunds and payment plans.",
        talk_seconds=300,
        hold_share=0.40,
        wrap_up_seconds=60,
        resolve_rate=0.90,
        escalation_rate=0.04,
        survey_rate=0.32,
    ),
}

# Relative call volume per local hour (0..23).
_SUPPORT_HOURS = [0.03, 0.02, 0.02, 0.02, 0.02, 0.04, 0.1, 0.35, 0.8, 1.2, 1.4, 1.35]
_SUPPORT_HOURS += [1.0, 1.05, 1.3, 1.25, 1.1, 0.85, 0.6, 0.4, 0.25, 0.15, 0.08, 0.05]
_SALES_HOURS = [0.0] * 9 + [0.7, 1.2, 1.3, 1.2, 0.9, 0.4, 0.5, 1.1, 1.2, 1.0, 0.6] + [0.0] * 4
_RETENTION_HOURS = [0.0] * 7 + [0.2, 0.7, 1.1, 1.3, 1.3, 1.0, 1.1, 1.3, 1.2, 1.0, 0.8, 0.5, 0.3, 0.1]
_RETENTION_HOURS += [0.0] * 3


@dataclass(frozen=True)
class TeamProfile:
    name: str
    lead: str
    zone: str
    volume_share: float
    type_mix: dict[str, float]
    answer_rate: float  # inbound, before the time-of-day load
    hours: list[float]
    saturday: float  # weekend volume relative to a weekday
    sunday: float
    queues: dict[str, list[str]]
    comment_languages: dict[str, float]


TEAMS = [
    TeamProfile(
        name="Riga Support",
        lead="lead",
        zone="Europe/Riga",
        volume_share=0.40,
        type_mix={"inbound-support": 0.68, "billing": 0.25, "retention": 0.07},
        answer_rate=0.875,
        hours=_SUPPORT_HOURS,
        saturday=0.4,
        sunday=0.25,
        queues={
            "inbound-support": ["Support LV", "Support EN", "Technical support"],
            "billing": ["Billing LV", "Billing EN"],
            "retention": ["Retention LV"],
        },
        comment_languages={"lv": 0.6, "en": 0.4},
    ),
    TeamProfile(
        name="Madrid Sales",
        lead="lead2",
        zone="Europe/Madrid",
        volume_share=0.30,
        type_mix={"outbound-proactive": 0.62, "inbound-support": 0.22, "billing": 0.16},
        answer_rate=0.85,
        hours=_SALES_HOURS,
        saturday=0.2,
        sunday=0.0,
        queues={
            "outbound-proactive": ["Campaign Fibra 600", "Campaign Mobile Upgrade"],
            "inbound-support": ["Soporte ES"],
            "billing": ["Facturación"],
        },
        comment_languages={"es": 0.85, "en": 0.15},
    ),
    TeamProfile(
        name="Retention",
        lead="lead3",
        zone="Europe/London",
        volume_share=0.30,
        type_mix={"retention": 0.62, "billing": 0.24, "inbound-support": 0.14},
        answer_rate=0.885,
        hours=_RETENTION_HOURS,
        saturday=0.35,
        sunday=0.1,
        queues={
            "retention": ["Cancellations", "Win-back"],
            "billing": ["Billing EN"],
            "inbound-support": ["Support EN"],
        },
        comment_languages={"en": 0.8, "es": 0.1, "lv": 0.1},
    ),
]

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
# Handle-time outliers the insight pages should find: two slow agents and one very fast one.
SLOW_AGENTS = {"agent7": 1.8, "agent24": 1.7}
FAST_AGENTS = {"agent16": 0.5}


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
    for team, (first, last, gender) in zip(TEAMS, leads, strict=True):
        people.append(Person(team.lead, first, last, gender, is_team_lead=True))
    reviewers = [("Rebecca", "Moore", "f"), ("Kārlis", "Ozoliņš", "m"), ("Isabel", "Castro", "f")]
    for number, (first, last, gender) in enumerate(reviewers, start=1):
        username = "reviewer" if number == 1 else f"reviewer{number}"
        people.append(Person(username, first, last, gender, is_reviewer=True))
    for index, (first, last, gender) in enumerate(_AGENT_NAMES):
        number = index + 1
        team = TEAMS[index // AGENTS_PER_TEAM].name
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
    for profile in TEAMS:
        team, _created = Team.objects.update_or_create(
            name=profile.name, defaults={"lead": users[profile.lead]}
        )
        teams[profile.name] = team
    members = [(users[p.username], teams[p.team]) for p in demo_people() if p.team]
    for user, team in members:
        user.team = team
    User.objects.bulk_update([user for user, _team in members], ["team"])
    return users, teams


def ensure_call_types() -> dict[str, CallType]:
    call_types = {}
    for slug, profile in CALL_TYPES.items():
        call_type, _created = CallType.objects.update_or_create(
            slug=slug,
            defaults={"name": profile.name, "description": profile.description, "is_active": True},
        )
        call_types[slug] = call_type
    return call_types


# --- Calls, surveys, escalations -------------------------------------------------------------------------

_NPS_IF_RESOLVED = [1, 1, 1, 1, 2, 3, 4, 9, 16, 26, 30]
_NPS_IF_UNRESOLVED = [7, 6, 8, 9, 10, 11, 10, 8, 5, 3, 2]

SURVEY_COMMENTS = {
    "en": {
        "promoter": [
            "Quick and friendly, solved on the first call.",
            "The agent explained everything clearly.",
            "Great service, thank you!",
            "She called me back exactly when she promised.",
        ],
        "passive": ["Fine, but I waited quite a while.", "Sorted in the end, took longer than expected."],
        "detractor": [
            "I had to call three times about the same problem.",
            "Nobody could tell me when it will be fixed.",
            "Far too long on hold.",
            "I was transferred twice and had to repeat everything.",
        ],
    },
    "es": {
        "promoter": ["Muy amable y rápido, gracias.", "Me lo resolvieron a la primera.", "Trato excelente."],
        "passive": ["Bien, aunque tuve que esperar bastante.", "Correcto, sin más."],
        "detractor": [
            "Tuve que llamar varias veces por lo mismo.",
            "Nadie me dio una solución.",
            "Me pasaron de un departamento a otro.",
        ],
    },
    "lv": {
        "promoter": [
            "Ļoti laipni un ātri, paldies!",
            "Problēma atrisināta ar pirmo zvanu.",
            "Lielisks serviss.",
        ],
        "passive": ["Viss kārtībā, bet ilgi gaidīju.", "Normāli, nekas īpašs."],
        "detractor": [
            "Zvanīju jau trešo reizi par to pašu.",
            "Neviens nevarēja pateikt, kad to salabos.",
            "Pārāk ilgi jāgaida rindā.",
        ],
    },
}

# (reason, from level, to level or department) per escalation type.
ESCALATION_REASONS = {
    Escalation.Type.HIERARCHICAL: [
        ("Customer asked for a supervisor", "Agent", "Team lead"),
        ("Refund above the agent's approval limit", "Agent", "Team lead"),
        ("Complaint about a previous agent", "Team lead", "Customer care manager"),
    ],
    Escalation.Type.FUNCTIONAL: [
        ("Fault needs a technician visit", "Customer support", "Field service"),
        ("Line fault needs network engineering", "Tier 1 support", "Network operations (Tier 2)"),
        ("Invoice correction", "Customer support", "Billing department"),
        ("Contract dispute", "Retention desk", "Legal department"),
    ],
    Escalation.Type.PRIORITY: [
        ("Business customer with service down", "Standard queue", "Priority desk"),
        ("Vulnerable customer", "Standard queue", "Customer care specialists"),
        ("Regulator complaint with a deadline", "Customer support", "Complaints desk"),
    ],
    Escalation.Type.AUTOMATIC: [
        ("No resolution within 48 hours (SLA)", "Tier 1 support", "Tier 2 support"),
        ("Third contact on the same case", "Tier 1 support", "Team lead"),
        ("Cancellation keyword detected", "Customer support", "Retention desk"),
        ("Negative sentiment detected", "Agent", "Team lead"),
    ],
}
_ESCALATION_TYPES = list(ESCALATION_REASONS)
_ESCALATION_WEIGHTS = [0.35, 0.33, 0.14, 0.18]


@dataclass
class _AgentProfile:
    user: User
    talk_factor: float
    wrap_factor: float
    skill: float  # added to the resolve rate
    volume: float


@dataclass
class _OpenCase:
    started_at: datetime
    case_id: str
    customer_id: str
    call_type: str
    resolved: bool


@dataclass
class _TeamState:
    profile: TeamProfile
    team: Team
    agents: list[_AgentProfile]
    agent_weights: list[float]
    recent_cases: list[_OpenCase] = field(default_factory=list)
    first_recent: int = 0  # recent_cases before this index are older than the repeat window


@dataclass
class DemoCalls:
    calls: list[Call]
    surveys: list[SurveyResponse]
    escalations: list[Escalation]


def _lognormal(rng: random.Random, mean: float, sigma: float) -> float:
    """A right-skewed draw whose mean is `mean` (waits and handle times are skewed like this)."""
    return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)


def _agent_profiles(rng: random.Random, users: dict[str, User], team_name: str) -> list[_AgentProfile]:
    people = [p for p in demo_people() if p.team == team_name and p.is_agent]
    profiles = []
    for person in people:
        # Everyone within ±15% of the type's mean, except the designated outliers.
        talk_factor = rng.uniform(0.85, 1.15)
        talk_factor = SLOW_AGENTS.get(person.username, FAST_AGENTS.get(person.username, talk_factor))
        profiles.append(
            _AgentProfile(
                user=users[person.username],
                talk_factor=talk_factor,
                wrap_factor=rng.uniform(0.8, 1.25),
                skill=rng.gauss(0, 0.05),
                # A reviewer takes only a few calls.
                volume=0.25 if person.is_reviewer else rng.uniform(0.75, 1.25),
            )
        )
    return profiles


def _start_times(
    rng: random.Random, *, count: int, days: int, now: datetime
) -> list[tuple[datetime, TeamProfile, float]]:
    """(start, team, hour weight) for `count` calls in [now - days, now), weighted to business hours."""
    start = now - timedelta(days=days)
    pickers = []
    for profile in TEAMS:
        zone = ZoneInfo(profile.zone)
        first_day = start.astimezone(zone).date()
        dates = [
            first_day + timedelta(days=d) for d in range((now.astimezone(zone).date() - first_day).days + 1)
        ]
        # Weekends are quieter; volume grows a little over the period.
        day_weights = [
            _weekday_factor(profile, day) * (1 + 0.15 * index / len(dates)) for index, day in enumerate(dates)
        ]
        pickers.append((profile, zone, dates, _cumulative(day_weights), _cumulative(profile.hours)))
    team_cum = _cumulative([profile.volume_share for profile in TEAMS])
    starts = []
    for _index in range(count):
        profile, zone, dates, day_cum, hour_cum = rng.choices(pickers, cum_weights=team_cum)[0]
        for _attempt in range(1000):
            day = rng.choices(dates, cum_weights=day_cum)[0]
            hour = rng.choices(range(24), cum_weights=hour_cum)[0]
            local = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
            moment = (local + timedelta(seconds=rng.randrange(3600))).astimezone(UTC)
            if start <= moment < now:
                break
        else:
            # A window too short to hold any of the team's hours (e.g. --days 1 over a weekend).
            moment = start + (now - start) * rng.random()
            hour = moment.astimezone(zone).hour
        starts.append((moment, profile, profile.hours[hour]))
    starts.sort(key=lambda item: item[0])
    return starts


def _weekday_factor(profile: TeamProfile, day: date) -> float:
    return {5: profile.saturday, 6: profile.sunday}.get(day.weekday(), 1.0)


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(accumulate(weights))


def generate_calls(
    *,
    rng: random.Random,
    count: int,
    days: int,
    now: datetime,
    users: dict[str, User],
    teams: dict[str, Team],
    call_types: dict[str, CallType],
) -> DemoCalls:
    """Build (unsaved) demo calls with their surveys and escalations, oldest first."""
    states = {}
    for profile in TEAMS:
        agents = _agent_profiles(rng, users, profile.name)
        states[profile.name] = _TeamState(profile, teams[profile.name], agents, [a.volume for a in agents])
    starts = _start_times(rng, count=count, days=days, now=now)
    calls: list[Call] = []
    surveys: list[SurveyResponse] = []
    escalations: list[Escalation] = []
    customers: list[str] = []
    case_numbers = iter(range(500_001, 10_000_000))

    def new_customer() -> str:
        customer_id = f"CUS-{100_001 + len(customers)}"
        customers.append(customer_id)
        return customer_id

    def some_customer() -> str:
        # About a third of new issues come from customers who called before.
        return rng.choice(customers) if customers and rng.random() < 0.33 else new_customer()

    for number, (started_at, profile, hour_weight) in enumerate(starts, start=1):
        state = states[profile.name]
        repeat = _pick_repeat_case(rng, state, started_at)
        if repeat:
            slug, direction, channel = repeat.call_type, Call.Direction.INBOUND, Call.Channel.VOICE
            queue = rng.choice(profile.queues[slug])
        else:
            slug = rng.choices(list(profile.type_mix), weights=list(profile.type_mix.values()))[0]
            direction, channel, queue = _direction_channel_queue(rng, profile, slug)
        type_profile = CALL_TYPES[slug]
        call = Call(
            external_id=f"{CALL_PREFIX}{number:06d}",
            team=state.team,
            call_type=call_types[slug],
            direction=direction,
            channel=channel,
            queue=queue,
            started_at=started_at,
        )
        if direction == Call.Direction.INBOUND:
            if channel != Call.Channel.CHAT:
                call.ivr_wait_seconds = rng.randint(5, 40)
            # Peaks answer fewer calls, quiet hours more.
            load = -0.06 if hour_weight >= 1.2 else (0.06 if hour_weight <= 0.4 else 0.0)
            call.answered = rng.random() < profile.answer_rate + load
            wait = _lognormal(rng, 35, 0.9) if call.answered else _lognormal(rng, 95, 0.8)
            call.queue_wait_seconds = min(1800, max(1, round(wait)))
        else:
            call.answered = rng.random() < 0.75  # the customer picked up
        agent = None
        if call.answered or direction == Call.Direction.OUTBOUND:
            agent = rng.choices(state.agents, weights=state.agent_weights)[0]
            call.agent = agent.user
        if not call.answered:
            # Abandoned (or not reached): no talk, hold or wrap-up, unknown rather than 0; no case opened.
            call.resolved = False
            if direction == Call.Direction.OUTBOUND or repeat or rng.random() < 0.7:
                call.customer_id = repeat.customer_id if repeat else some_customer()
            calls.append(call)
            continue

        call.talk_seconds = max(
            20, round(_lognormal(rng, type_profile.talk_seconds * agent.talk_factor, 0.5))
        )
        call.hold_seconds = (
            round(_lognormal(rng, 45, 0.8)) + 5 if rng.random() < type_profile.hold_share else 0
        )
        call.wrap_up_seconds = max(
            5, round(_lognormal(rng, type_profile.wrap_up_seconds * agent.wrap_factor, 0.4))
        )
        escalated = rng.random() < type_profile.escalation_rate
        resolve_rate = type_profile.resolve_rate + agent.skill + (0.08 if repeat else 0.0)
        call.resolved = rng.random() < resolve_rate * (0.55 if escalated else 1.0)
        if repeat:
            call.case_id, call.customer_id = repeat.case_id, repeat.customer_id
        else:
            call.case_id, call.customer_id = f"TCK-{next(case_numbers)}", some_customer()
        state.recent_cases.append(
            _OpenCase(started_at, call.case_id, call.customer_id, slug, bool(call.resolved))
        )
        answered_at = started_at + timedelta(
            seconds=(call.ivr_wait_seconds or 0) + (call.queue_wait_seconds or 0)
        )
        ended_at = answered_at + timedelta(
            seconds=call.talk_seconds + call.hold_seconds + call.wrap_up_seconds
        )
        if call.resolved:
            # Most issues are closed at the end of the call; some after back-office work.
            resolved_at = ended_at
            if rng.random() < 0.15:
                resolved_at += timedelta(hours=rng.uniform(1, 72))
            call.resolved_at = min(resolved_at, now)
        calls.append(call)

        if rng.random() < type_profile.survey_rate:
            surveys.append(_survey(rng, call=call, profile=profile, ended_at=ended_at, now=now))
        if escalated:
            escalations.append(
                _escalation(
                    rng,
                    call=call,
                    index=len(escalations),
                    answered_at=answered_at,
                    now=now,
                )
            )
    return DemoCalls(calls, surveys, escalations)


def _pick_repeat_case(rng: random.Random, state: _TeamState, started_at: datetime) -> _OpenCase | None:
    """About one inbound call in seven is a further contact on a case opened in the last 7 days."""
    cases = state.recent_cases
    while (
        state.first_recent < len(cases) and cases[state.first_recent].started_at < started_at - REPEAT_WINDOW
    ):
        state.first_recent += 1
    if state.first_recent >= len(cases) or rng.random() >= 0.14:
        return None
    case = cases[rng.randrange(state.first_recent, len(cases))]
    if case.resolved and rng.random() < 0.5:
        # Unresolved cases call back more often than resolved ones.
        case = cases[rng.randrange(state.first_recent, len(cases))]
    if case.call_type == "outbound-proactive":
        return None
    return case


def _direction_channel_queue(rng: random.Random, profile: TeamProfile, slug: str) -> tuple[str, str, str]:
    queue = rng.choice(profile.queues[slug])
    if slug == "outbound-proactive" or (slug == "retention" and rng.random() < 0.15):
        return Call.Direction.OUTBOUND, Call.Channel.VOICE, queue
    if slug == "inbound-support" and rng.random() < 0.05:
        return Call.Direction.OUTBOUND, Call.Channel.CALLBACK, "Callbacks"
    roll = rng.random()
    channel = (
        Call.Channel.VOICE if roll < 0.93 else (Call.Channel.CHAT if roll < 0.98 else Call.Channel.VIDEO)
    )
    return Call.Direction.INBOUND, channel, queue


def _survey(
    rng: random.Random, *, call: Call, profile: TeamProfile, ended_at: datetime, now: datetime
) -> SurveyResponse:
    nps = rng.choices(range(11), weights=_NPS_IF_RESOLVED if call.resolved else _NPS_IF_UNRESOLVED)[0]
    csat = min(5, max(1, round(1 + nps * 0.4 + rng.gauss(0, 0.6))))
    roll = rng.random()
    if roll < 0.05:
        csat = None
    elif roll < 0.10:
        nps = None
    comment = ""
    if rng.random() < 0.3:
        language = rng.choices(
            list(profile.comment_languages), weights=list(profile.comment_languages.values())
        )
        score = nps if nps is not None else (csat - 1) * 2.5
        mood = "promoter" if score >= 9 else ("passive" if score >= 7 else "detractor")
        comment = rng.choice(SURVEY_COMMENTS[language[0]][mood])
    responded_at = min(ended_at + timedelta(minutes=rng.uniform(2, 2880)), now)
    return SurveyResponse(call=call, nps=nps, csat=csat, comment=comment, responded_at=responded_at)


def _escalation(
    rng: random.Random, *, call: Call, index: int, answered_at: datetime, now: datetime
) -> Escalation:
    # The first four cover every type, so even a small demo shows them all.
    if index < len(_ESCALATION_TYPES):
        escalation_type = _ESCALATION_TYPES[index]
    else:
        escalation_type = rng.choices(_ESCALATION_TYPES, weights=_ESCALATION_WEIGHTS)[0]
    reason, from_level, to_level = rng.choice(ESCALATION_REASONS[escalation_type])
    escalated_at = min(answered_at + timedelta(seconds=call.talk_seconds * rng.uniform(0.3, 0.9)), now)
    due_at = escalated_at + timedelta(hours=rng.uniform(4, 72))
    done_at = None
    # Past due: most follow-ups were done, some are overdue. Not yet due: some already done.
    if rng.random() < (0.75 if due_at < now else 0.3):
        done_at = min(escalated_at + (due_at - escalated_at) * rng.uniform(0.3, 1.3), now)
    return Escalation(
        call=call,
        # Keyed by its call, so a later, larger run cannot reuse the id for another call's escalation.
        external_id=ESCALATION_PREFIX + call.external_id.removeprefix(CALL_PREFIX),
        type=escalation_type,
        reason=reason,
        from_level=from_level,
        to_level=to_level,
        escalated_at=escalated_at,
        followup_due_at=due_at,
        followup_done_at=done_at,
    )


def ensure_calls(
    *,
    seed: int,
    count: int,
    days: int,
    now: datetime,
    users: dict[str, User],
    teams: dict[str, Team],
    call_types: dict[str, CallType],
) -> int:
    """Insert the demo calls (with surveys and escalations) not yet in the database; returns how many."""
    wanted = {f"{CALL_PREFIX}{number:06d}" for number in range(1, count + 1)}
    existing = set(
        Call.objects.filter(external_id__startswith=CALL_PREFIX).values_list("external_id", flat=True)
    )
    if wanted <= existing:
        return 0
    demo = generate_calls(
        rng=random.Random(seed),
        count=count,
        days=days,
        now=now,
        users=users,
        teams=teams,
        call_types=call_types,
    )
    new_calls = [call for call in demo.calls if call.external_id not in existing]
    Call.objects.bulk_create(new_calls, batch_size=BATCH_SIZE)
    # Objects built for calls already present have no primary key: they are already stored.
    SurveyResponse.objects.bulk_create(
        [survey for survey in demo.surveys if survey.call.pk is not None], batch_size=BATCH_SIZE
    )
    Escalation.objects.bulk_create(
        [escalation for escalation in demo.escalations if escalation.call.pk is not None],
        batch_size=BATCH_SIZE,
    )
    return len(new_calls)


# --- Recordings ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordingScript:
    team: str
    call_type: str
    language: str  # espeak-ng voice
    # One line per turn: "A: …" the agent, "C: …" the customer; {agent} is the agent's first name.
    text: str
    agent: str | None = None  # username whose call gets this recording

    @property
    def lines(self) -> list[tuple[str, str]]:
        turns = [line.strip().split(": ", 1) for line in self.text.strip().splitlines()]
        return [(speaker, words) for speaker, words in turns]


RECORDING_SCRIPTS = [
    RecordingScript(
        "Riga Support",
        "inbound-support",
        "en",
        """
        A: Good morning, Riga Support, this is {agent}. How can I help you today?
        C: Hi. My internet has been dropping every few minutes since yesterday evening.
        A: I'm sorry about that. Let me run a line test. Could you confirm your postcode, please?
        C: Sure, it's L V one zero one one.
        A: Thank you. I can see errors on the line, so I'm resetting your port. Please restart the router.
        C: Okay, the lights are green now, and the page loads.
        A: Great. I'll keep the ticket open for two days and call you if the errors come back.
        C: Perfect, thanks for your help.
        """,
        agent="agent",
    ),
    RecordingScript(
        "Riga Support",
        "billing",
        "lv",
        """
        A: Labdien, klientu atbalsts, runā {agent}. Kā varu palīdzēt?
        C: Labdien. Šomēnes rēķins ir divreiz lielāks nekā parasti.
        A: Paldies, ka piezvanījāt. Es pārbaudīšu rēķinu. Viesabonēšanas maksa ir piemērota kļūdaini.
        C: Vai to var izlabot?
        A: Jā, es jau izveidoju korekciju. Nākamajā rēķinā būs atlaide divdesmit eiro apmērā.
        C: Lieliski, paldies!
        """,
        agent="agent",
    ),
    RecordingScript(
        "Riga Support",
        "inbound-support",
        "lv",
        """
        A: Labdien, atbalsta dienests, runā {agent}.
        C: Labdien, nevaru pieslēgt jauno maršrutētāju.
        A: Sapratu. Lūdzu, pārbaudiet, vai kabelis ir pievienots portam ar uzrakstu WAN.
        C: Jā, tagad deg zila gaismiņa.
        A: Ļoti labi, savienojums ir izveidots. Vai varu vēl ar kaut ko palīdzēt?
        C: Nē, paldies, viss kārtībā.
        """,
    ),
    RecordingScript(
        "Riga Support",
        "billing",
        "en",
        """
        A: Riga Support, {agent} speaking. How can I help?
        C: I lost my job last month and I can't pay this invoice in full.
        A: I'm sorry to hear that. We can split it into three monthly payments, with no extra fee.
        C: That would really help.
        A: Done. You'll get the new schedule by email today, and your service stays on.
        """,
    ),
    RecordingScript(
        "Riga Support",
        "retention",
        "en",
        """
        A: Hello, this is {agent} from Riga Support.
        C: I want to cancel. Another provider is cheaper.
        A: I understand. May I ask what you pay there, so I can check what we can do?
        C: Fifteen euros a month for the same speed.
        A: I can offer sixteen euros with the TV package included, for twelve months. Would that work?
        C: Hmm. Yes, I'll stay then.
        """,
    ),
    RecordingScript(
        "Madrid Sales",
        "outbound-proactive",
        "es",
        """
        A: Buenos días, le llamo de Madrid Ventas, soy {agent}. ¿Tiene un minuto?
        C: Sí, dígame.
        A: Como cliente desde hace cinco años, puede pasar a fibra de seiscientos megas al mismo precio.
        C: ¿Y hay permanencia?
        A: No, ninguna. Si le parece bien, le envío la oferta por correo y usted decide con calma.
        C: Perfecto, envíemela, gracias.
        """,
    ),
    RecordingScript(
        "Madrid Sales",
        "outbound-proactive",
        "en",
        """
        A: Hello, this is {agent} from Madrid Sales. Is this a good moment?
        C: I'm driving, actually.
        A: Of course. When may I call you back?
        C: Tomorrow after five.
        A: Noted, tomorrow after five. Have a safe drive.
        """,
    ),
    RecordingScript(
        "Madrid Sales",
        "billing",
        "es",
        """
        A: Facturación, le atiende {agent}. ¿En qué puedo ayudarle?
        C: Me han cobrado dos veces la misma factura.
        A: Lo siento mucho. Veo el cargo duplicado; le devolvemos el importe en tres días hábiles.
        C: Vale, muchas gracias.
        """,
    ),
    RecordingScript(
        "Retention",
        "retention",
        "en",
        """
        A: Thank you for calling, this is {agent}. I understand you'd like to cancel?
        C: Yes. The service has been down three times this month.
        A: That's not good enough, and I'm sorry. I've credited this month in full.
        C: Okay, that's fair.
        A: I've asked our engineers to check your area, and I'll call you on Friday with the result.
        C: Alright, let's see how it goes.
        """,
    ),
    RecordingScript(
        "Retention",
        "retention",
        "en",
        """
        A: Hello, this is {agent}. I'm calling about a change to your price plan.
        C: Is it going up again?
        A: I'm afraid so: from next month it rises by two euros. I wanted you to hear it from us first.
        C: That's disappointing.
        A: I understand. If you switch to yearly billing, the increase is cancelled out. Shall I explain?
        C: Yes, please.
        """,
    ),
    RecordingScript(
        "Retention",
        "billing",
        "en",
        """
        A: Billing, {agent} speaking.
        C: Why is there a late fee on my bill? I paid on time.
        A: Let me check. Your payment arrived a day late because of the bank holiday. I'll remove the fee.
        C: Thank you.
        """,
        agent="reviewer4",
    ),
    RecordingScript(
        "Retention",
        "retention",
        "es",
        """
        A: Hola, soy {agent}, del departamento de bajas.
        C: Quiero dar de baja la línea de mi madre, ya no la usa.
        A: Entendido. Lo tramito ahora mismo; recibirá la confirmación por correo.
        C: Gracias por hacerlo tan fácil.
        """,
    ),
]

_CUSTOMER_VOICES = ["f2", "m2", "f4", "m4"]


@dataclass(frozen=True)
class Dialogue:
    wav: bytes
    transcript: str
    seconds: float


def synthesize_dialogue(
    *, lines: Sequence[tuple[str, str]], language: str, agent_voice: str, customer_voice: str
) -> Dialogue:
    """A WAV of the dialogue: speech from espeak-ng when installed, else tones, so there is always audio."""
    espeak = shutil.which("espeak-ng")
    if espeak:
        try:
            return _speak(
                espeak, lines=lines, language=language, voices={"A": agent_voice, "C": customer_voice}
            )
        except (OSError, subprocess.SubprocessError, wave.Error, EOFError, ValueError) as exc:
            logger.warning("espeak-ng failed (%s); writing tones instead", exc)
    return _tones(lines)


def _speak(
    espeak: str, *, lines: Sequence[tuple[str, str]], language: str, voices: dict[str, str]
) -> Dialogue:
    pieces = []
    with tempfile.TemporaryDirectory() as folder:
        for index, (speaker, text) in enumerate(lines):
            path = Path(folder) / f"{index}.wav"
            command = [espeak, "-v", f"{language}+{voices[speaker]}", "-s", "160", "-w", str(path), text]
            # A Debian without the voice variants still has the plain language voice.
            if _run_espeak(command) and _run_espeak([*command[:2], language, *command[3:]]):
                raise subprocess.SubprocessError(f"espeak-ng could not speak {language!r}")
            with wave.open(str(path), "rb") as reader:
                pieces.append((reader.getparams(), reader.readframes(reader.getnframes())))
    params = pieces[0][0]
    if any(p[:3] != params[:3] for p, _frames in pieces):
        raise ValueError("espeak-ng wrote lines in different formats")
    return _join(
        lines, [frames for _params, frames in pieces], params.nchannels, params.sampwidth, params.framerate
    )


def _run_espeak(command: list[str]) -> int:
    # The arguments are a list (no shell) and the texts are our own.
    return subprocess.run(command, capture_output=True, timeout=30, check=False).returncode  # noqa: S603


def _tones(lines: Sequence[tuple[str, str]]) -> Dialogue:
    """One soft tone per line (agent higher, customer lower), as long as the line would take to say."""
    rate, fade = 8000, 400
    chunks = []
    for speaker, text in lines:
        # 400 Hz for the agent, 320 Hz for the customer: a whole number of samples per cycle, so one
        # cycle repeated is the whole tone.
        period = 20 if speaker == "A" else 25
        cycle = array.array("h", (round(9000 * math.sin(2 * math.pi * i / period)) for i in range(period)))
        samples = cycle * int(min(4.0, 0.6 + 0.045 * len(text)) * rate / period)
        for i in range(fade):  # fade in and out so the lines do not click
            samples[i] = samples[i] * i // fade
            samples[-1 - i] = samples[-1 - i] * i // fade
        if sys.byteorder == "big":
            samples.byteswap()  # WAV samples are little-endian
        chunks.append(samples.tobytes())
    return _join(lines, chunks, 1, 2, rate)


def _join(
    lines: Sequence[tuple[str, str]], chunks: list[bytes], channels: int, width: int, rate: int
) -> Dialogue:
    gap = b"\x00" * (int(rate * 0.4) * channels * width)
    frame_bytes = channels * width
    buffer = io.BytesIO()
    transcript = []
    position = 0
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        for (speaker, text), chunk in zip(lines, chunks, strict=True):
            second = position / rate
            transcript.append(
                f"[{int(second // 60)}:{int(second % 60):02d}] {_speaker_label(speaker)}: {text}"
            )
            writer.writeframes(chunk + gap)
            position += (len(chunk) + len(gap)) // frame_bytes
    return Dialogue(buffer.getvalue(), "\n".join(transcript), position / rate)


def _speaker_label(speaker: str) -> str:
    return "Agent" if speaker == "A" else "Customer"


def _recording_call(script: RecordingScript, *, taken: set[int]) -> Call | None:
    """The most recent answered voice call that fits the script, relaxing the fit for tiny demos."""
    demo_calls = Call.objects.filter(
        external_id__startswith=CALL_PREFIX, answered=True, channel=Call.Channel.VOICE, recording_file=""
    ).exclude(pk__in=taken)
    attempts = [
        {"team__name": script.team, "call_type__slug": script.call_type},
        {"team__name": script.team},
        {},
    ]
    if script.agent:
        attempts = [{**a, "agent__username": script.agent} for a in attempts[:2]] + attempts
    for filters in attempts:
        call = demo_calls.filter(**filters).select_related("agent").order_by("-started_at", "-id").first()
        if call:
            return call
    return None


def ensure_recordings() -> int:
    """Give a dozen recent demo calls a short playable recording and its transcript; returns how many new."""
    taken: set[int] = set()
    created = 0
    genders = {person.username: person.gender for person in demo_people()}
    for number, script in enumerate(RECORDING_SCRIPTS, start=1):
        marker = f"{RECORDING_PREFIX}{number:02d}-"
        call = (
            Call.objects.filter(external_id__startswith=CALL_PREFIX, recording_file__contains=marker)
            .select_related("agent")
            .first()
        )
        if call and call.recording_file.storage.exists(call.recording_file.name):
            taken.add(call.pk)
            continue
        call = call or _recording_call(script, taken=taken)
        if call is None:
            continue
        agent = call.agent or User(first_name="Alex")  # an admin may have cleared the agent since
        lines = [(speaker, text.format(agent=agent.first_name)) for speaker, text in script.lines]
        dialogue = synthesize_dialogue(
            lines=lines,
            language=script.language,
            agent_voice="f3" if genders.get(agent.username) == "f" else "m3",
            customer_voice=_CUSTOMER_VOICES[number % len(_CUSTOMER_VOICES)],
        )
        call.recording_file.save(
            f"{marker}{script.call_type}-{script.language}.wav", ContentFile(dialogue.wav), save=False
        )
        call.transcript = dialogue.transcript
        # The recording is the whole conversation, so the talk time matches what the player shows.
        call.talk_seconds = max(1, round(dialogue.seconds))
        call.save(update_fields=["recording_file", "transcript", "talk_seconds", "updated_at"])
        taken.add(call.pk)
        created += 1
    return created


# --- The whole demo --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    teams: int
    agents: int
    reviewers: int
    team_leads: int
    qa_managers: int
    call_types: int
    calls: int
    new_calls: int
    inbound: int
    inbound_answered: int
    answered: int
    resolved: int
    surveys: int
    escalations: int
    recordings: int
    new_recordings: int
    seconds: float

    @property
    def answer_rate(self) -> float | None:
        return rate(self.inbound_answered, self.inbound)


def seed_demo(
    *,
    calls: int = DEFAULT_CALLS,
    days: int = DEFAULT_DAYS,
    seed: int = DEFAULT_SEED,
    recordings: bool = True,
    allow_production: bool = False,
    now: datetime | None = None,
) -> DemoSummary:
    """Build (or complete) the demo call center. Refuses when DEBUG is off unless `allow_production`."""
    if not settings.DEBUG and not allow_production:
        raise DemoDataRefused(
            _(
                "Refusing to load demo data: DEBUG is off, so this may be a production database. "
                "Run with DJANGO_DEBUG=1, or pass --allow-production if you really want demo data here."
            )
        )
    if calls < 0 or days < 1:
        raise ValueError("calls must be >= 0 and days >= 1")
    began = time.monotonic()
    now = now or timezone.now()
    with transaction.atomic():
        users, teams = ensure_people()
        call_types = ensure_call_types()
        new_calls = ensure_calls(
            seed=seed, count=calls, days=days, now=now, users=users, teams=teams, call_types=call_types
        )
    new_recordings = ensure_recordings() if recordings else 0
    return _summary(new_calls=new_calls, new_recordings=new_recordings, began=began)


def _summary(*, new_calls: int, new_recordings: int, began: float) -> DemoSummary:
    demo = Call.objects.filter(external_id__startswith=CALL_PREFIX)
    inbound = Q(direction=Call.Direction.INBOUND)
    counts = demo.aggregate(
        calls=Count("id"),
        inbound=Count("id", filter=inbound),
        inbound_answered=Count("id", filter=inbound & Q(answered=True)),
        answered=Count("id", filter=Q(answered=True)),
        resolved=Count("id", filter=Q(resolved=True)),
        recordings=Count("id", filter=~Q(recording_file="")),
    )
    usernames = [person.username for person in demo_people()]
    people = User.objects.filter(username__in=usernames).aggregate(
        agents=Count("id", filter=Q(is_agent=True)),
        reviewers=Count("id", filter=Q(is_reviewer=True)),
        team_leads=Count("id", filter=Q(is_team_lead=True)),
        qa_managers=Count("id", filter=Q(is_qa_manager=True)),
    )
    return DemoSummary(
        teams=Team.objects.filter(name__in=[t.name for t in TEAMS]).count(),
        call_types=CallType.objects.filter(slug__in=list(CALL_TYPES)).count(),
        new_calls=new_calls,
        surveys=SurveyResponse.objects.filter(call__external_id__startswith=CALL_PREFIX).count(),
        escalations=Escalation.objects.filter(external_id__startswith=ESCALATION_PREFIX).count(),
        new_recordings=new_recordings,
        seconds=time.monotonic() - began,
        **counts,
        **people,
    )

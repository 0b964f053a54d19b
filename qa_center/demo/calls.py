"""The demo center's calls: call types, and 90 days of generated calls with their surveys and escalations.

Everything random comes from one `random.Random(seed)`, so two runs at the same moment build the same calls.
Re-running is idempotent: call types are upserted, calls are keyed by a deterministic external id
(DEMO-000001…) and only missing ones are added, with their surveys and escalations.
"""

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from calls.models import Call, CallType, Escalation, SurveyResponse
from calls.surveys.services import SurveyAnswer, record_survey_answers
from qa_center.demo.people import demo_people, demo_teams, demo_users
from qa_center.people.models import Team, User

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

CALL_PREFIX = "DEMO-"
ESCALATION_PREFIX = "DEMO-ESC-"
SURVEY_TOOL_PREFIX = "DEMO-SRV-"
# The web survey's answers, not linked to any call: one per this many calls, by market (center-level NPS).
CALLS_PER_SURVEY_TOOL_ANSWER = 100
SURVEY_TOOL_MARKETS = {"Latvia": 0.4, "Spain": 0.3, "United Kingdom": 0.3}
BATCH_SIZE = 1000
# DESIGN.md: a further contact on the case within 7 days means it was not resolved on first contact.
REPEAT_WINDOW = timedelta(days=7)


# --- Call types and how each team's calls come in ---------------------------------------------------------


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

# What the calls of each type are about (Call.topic) and how often: the escalation insight's "by topic" table.
TOPICS: dict[str, dict[str, float]] = {
    "inbound-support": {
        "No internet connection": 0.3,
        "Router setup": 0.2,
        "Slow speed": 0.2,
        "TV channels missing": 0.15,
        "Email and passwords": 0.15,
    },
    "outbound-proactive": {"Contract renewal": 0.5, "Speed upgrade offer": 0.3, "TV package offer": 0.2},
    "retention": {
        "Cancellation request": 0.45,
        "Price rise": 0.3,
        "Moving house": 0.15,
        "Outage compensation": 0.1,
    },
    "billing": {
        "Billing dispute": 0.35,
        "Payment plan": 0.25,
        "Refund request": 0.2,
        "Direct debit change": 0.2,
    },
}


def _topic(rng: random.Random, slug: str) -> str:
    topics = TOPICS[slug]
    return rng.choices(list(topics), weights=list(topics.values()))[0]


# Relative call volume per local hour (0..23).
_SUPPORT_HOURS = [0.03, 0.02, 0.02, 0.02, 0.02, 0.04, 0.1, 0.35, 0.8, 1.2, 1.4, 1.35]
_SUPPORT_HOURS += [1.0, 1.05, 1.3, 1.25, 1.1, 0.85, 0.6, 0.4, 0.25, 0.15, 0.08, 0.05]
_SALES_HOURS = [0.0] * 9 + [0.7, 1.2, 1.3, 1.2, 0.9, 0.4, 0.5, 1.1, 1.2, 1.0, 0.6] + [0.0] * 4
_RETENTION_HOURS = [0.0] * 7 + [0.2, 0.7, 1.1, 1.3, 1.3, 1.0, 1.1, 1.3, 1.2, 1.0, 0.8, 0.5, 0.3, 0.1]
_RETENTION_HOURS += [0.0] * 3


@dataclass(frozen=True)
class TeamTraffic:
    """How a team's calls come in (the team and its people are in people.py)."""

    team: str
    zone: str
    volume_share: float
    type_mix: dict[str, float]
    answer_rate: float  # inbound, before the time-of-day load
    hours: list[float]
    saturday: float  # weekend volume relative to a weekday
    sunday: float
    queues: dict[str, list[str]]
    comment_languages: dict[str, float]


TEAM_TRAFFIC = [
    TeamTraffic(
        team="Riga Support",
        zone="Europe/Riga",
        volume_share=0.40,
        type_mix={"inbound-support": 0.68, "billing": 0.25, "retention": 0.07},
        answer_rate=0.93,
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
    TeamTraffic(
        team="Madrid Sales",
        zone="Europe/Madrid",
        volume_share=0.30,
        type_mix={"outbound-proactive": 0.62, "inbound-support": 0.22, "billing": 0.16},
        answer_rate=0.90,
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
    TeamTraffic(
        team="Retention",
        zone="Europe/London",
        volume_share=0.30,
        type_mix={"retention": 0.62, "billing": 0.24, "inbound-support": 0.14},
        answer_rate=0.94,
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

# Handle-time outliers the insight pages should find: two slow agents and one very fast one.
SLOW_AGENTS = {"agent7": 1.8, "agent24": 1.7}
FAST_AGENTS = {"agent16": 0.5}


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
    topic: str = ""


@dataclass
class _TeamState:
    profile: TeamTraffic
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
) -> list[tuple[datetime, TeamTraffic, float]]:
    """(start, team, hour weight) for `count` calls in [now - days, now), weighted to business hours."""
    start = now - timedelta(days=days)
    pickers = []
    for profile in TEAM_TRAFFIC:
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
    team_cum = _cumulative([profile.volume_share for profile in TEAM_TRAFFIC])
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


def _weekday_factor(profile: TeamTraffic, day: date) -> float:
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
    for profile in TEAM_TRAFFIC:
        agents = _agent_profiles(rng, users, profile.team)
        states[profile.team] = _TeamState(profile, teams[profile.team], agents, [a.volume for a in agents])
    starts = _start_times(rng, count=count, days=days, now=now)
    calls: list[Call] = []
    surveys: list[SurveyResponse] = []
    escalations: list[Escalation] = []
    customers: list[str] = []
    case_numbers = iter(range(500_001, 10_000_000))
    # The topics from a stream of their own, seeded from the demo's without drawing from it: the rest of the
    # demo draws exactly what it drew before calls had topics.
    topic_rng = random.Random(rng.getstate()[1][0])

    def new_customer() -> str:
        customer_id = f"CUS-{100_001 + len(customers)}"
        customers.append(customer_id)
        return customer_id

    def some_customer() -> str:
        # About a third of new issues come from customers who called before.
        return rng.choice(customers) if customers and rng.random() < 0.33 else new_customer()

    for number, (started_at, profile, hour_weight) in enumerate(starts, start=1):
        state = states[profile.team]
        repeat = _pick_repeat_case(rng, state, started_at)
        if repeat:
            slug, direction, channel = repeat.call_type, Call.Direction.INBOUND, Call.Channel.VOICE
            queue = rng.choice(profile.queues[slug])
        else:
            slug = rng.choices(list(profile.type_mix), weights=list(profile.type_mix.values()))[0]
            direction, channel, queue = _direction_channel_queue(rng, profile, slug)
        type_profile = CALL_TYPES[slug]
        # A further contact on a case is about what the case is about.
        topic = repeat.topic if repeat and repeat.topic else _topic(topic_rng, slug)
        call = Call(
            external_id=f"{CALL_PREFIX}{number:06d}",
            team=state.team,
            call_type=call_types[slug],
            direction=direction,
            channel=channel,
            queue=queue,
            topic=topic,
            started_at=started_at,
        )
        if direction == Call.Direction.INBOUND:
            if channel != Call.Channel.CHAT:
                call.ivr_wait_seconds = rng.randint(3, 15)
            # Peaks answer fewer calls, quiet hours more.
            load = -0.06 if hour_weight >= 1.2 else (0.06 if hour_weight <= 0.4 else 0.0)
            call.answered = rng.random() < profile.answer_rate + load
            # Most answered calls wait a few seconds in the queue; peaks much longer. Callers who give up waited longest.
            queue_mean = 30 if hour_weight >= 1.2 else 12
            wait = _lognormal(rng, queue_mean, 0.9) if call.answered else _lognormal(rng, 95, 0.8)
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
            _OpenCase(started_at, call.case_id, call.customer_id, slug, bool(call.resolved), call.topic)
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


def _direction_channel_queue(rng: random.Random, profile: TeamTraffic, slug: str) -> tuple[str, str, str]:
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
    rng: random.Random, *, call: Call, profile: TeamTraffic, ended_at: datetime, now: datetime
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


def ensure_survey_tool_answers(*, seed: int, calls: int, days: int, now: datetime) -> int:
    """The web survey's answers (no call, a market each) not yet in the database; returns how many it added."""
    rng = random.Random(seed + 1)  # not the calls' sequence: adding these changes no call
    markets, weights = list(SURVEY_TOOL_MARKETS), list(SURVEY_TOOL_MARKETS.values())
    answers = []
    for number in range(1, calls // CALLS_PER_SURVEY_TOOL_ANSWER + 1):
        nps = rng.choices(range(11), weights=_NPS_IF_RESOLVED)[0]
        answers.append(
            SurveyAnswer(
                external_id=f"{SURVEY_TOOL_PREFIX}{number:05d}",
                nps=nps,
                csat=min(5, max(1, round(1 + nps * 0.4 + rng.gauss(0, 0.6)))),
                segment=rng.choices(markets, weights=weights)[0],
                responded_at=now - timedelta(days=rng.uniform(0, days)),
            )
        )
    stored = set(
        SurveyResponse.objects.filter(external_id__startswith=SURVEY_TOOL_PREFIX).values_list(
            "external_id", flat=True
        )
    )
    missing = [answer for answer in answers if answer.external_id not in stored]
    return record_survey_answers(rows=missing).created if missing else 0


def call_end(call: Call) -> datetime:
    """When the call (and its wrap-up) ended: unknown durations count as none."""
    seconds = sum(
        value or 0
        for value in (
            call.ivr_wait_seconds,
            call.queue_wait_seconds,
            call.talk_seconds,
            call.hold_seconds,
            call.wrap_up_seconds,
        )
    )
    return call.started_at + timedelta(seconds=seconds)


def demo_call_types() -> dict[str, CallType]:
    """The demo call types already in the database, by slug."""
    return {ct.slug: ct for ct in CallType.objects.filter(slug__in=list(CALL_TYPES))}


def first_call_at(now: datetime) -> datetime:
    """When the demo calls begin (90 days ago when there are none yet)."""
    first = Call.objects.filter(external_id__startswith=CALL_PREFIX).aggregate(first=Min("started_at"))
    return first["first"] or now - timedelta(days=90)


def seed(request: "DemoRequest") -> Mapping[str, int]:
    now = timezone.now()
    with transaction.atomic():
        call_types = ensure_call_types()
        new_calls = ensure_calls(
            seed=request.seed,
            count=request.calls,
            days=request.days,
            now=now,
            users=demo_users(),
            teams=demo_teams(),
            call_types=call_types,
        )
        ensure_survey_tool_answers(seed=request.seed, calls=request.calls, days=request.days, now=now)
    return {"new_calls": new_calls}

"""The demo's coaching history: each team lead's past sessions (held with notes, an agenda, action items done and
overdue, the agent's confirmation; one no-show, one cancelled), the follow-up evaluations sampling was asked for,
and the sessions booked for the coming days, one agenda prepared and one still to prepare.

Built through the coaching services (overlaps refused, the agenda from the real suggestions), then dated back:
the services stamp the current time, the demo moves the stamps and the notifications they wrote to when they
would have happened. Agendas pick library calls (the library is seeded first), as a lead would. The demo agent's held session sits in the middle of their evaluated calls, so its effect
(before vs after, with counts) shows on the first login. Added in one transaction, only while the demo leads
have no session yet.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from coaching.sessions import selectors
from coaching.sessions import services as coaching
from qa_center.demo.people import DEMO_AGENT, TEAM_LEADS, demo_users
from qa_center.people.models import Notification, User
from qa_center.people.notifications import in_app_only
from scorecards.models import Evaluation

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

PLACES = ["Meeting room 2", "Quiet room", "Team corner, 3rd floor", "Meeting room 5"]
NOTES = [
    "Listened to the two calls together. {agent} recognised where the greeting was rushed and agreed to slow "
    "down the opening. Praised the clear summary at the end of the calls.",
    "Went through the verification steps: {agent} skips them when the customer sounds familiar. Practised the "
    "short version of the script twice. Good empathy on the complaint call.",
    "Role-played an escalation (customer asks for a manager). {agent} stayed calm and offered a callback with a "
    "time; next step is to name the reason for the escalation in the ticket.",
]
ACTIONS = [
    ("Use the customer's name in the first ten seconds of every call", "agent"),
    ("Summarise the customer's problem back before solving it", "agent"),
    ("Send the verification checklist to the team chat", "lead"),
    ("Listen to two library calls on handling hold time", "agent"),
]
COMMENTS = ["Useful session, the examples helped.", "Thanks: the role-play was the most useful part."]
SCENARIO = (
    "Escalation: the customer asks for a manager. The lead plays an impatient customer whose refund is late."
)
CANCEL_REASON = "Agent on a training day."


@dataclass(frozen=True)
class _Booking:
    lead: User
    agent: User
    start: datetime
    minutes: int = 45
    kind: str = CoachingSession.Kind.FEEDBACK_REVIEW


def seed(request: "DemoRequest") -> Mapping[str, int]:
    now = timezone.now()
    people = demo_users()
    leads = [people[name] for name in TEAM_LEADS.values() if name in people]
    if not leads or CoachingSession.objects.filter(lead__in=leads).exists():
        return {"coaching_sessions_added": 0}
    rng = random.Random(f"{request.seed}:coaching")
    with in_app_only(), transaction.atomic():
        added = _seed_coaching(rng=rng, leads=leads, people=people, now=now)
    return {"coaching_sessions_added": added}


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _agents_of(lead: User) -> list[User]:
    return list(User.objects.filter(is_agent=True, is_active=True, team__lead=lead).order_by("username"))


def _middle_of_history(agent: User, lead: User, now: datetime) -> date:
    """A day with evaluated calls of the agent before and after it (for the effect), else three weeks ago."""
    starts = list(
        Evaluation.objects.regular()
        .submitted()
        .filter(agent=agent, team__lead=lead, call__started_at__gte=now - timedelta(days=50))
        .order_by("call__started_at")
        .values_list("call__started_at", flat=True)
    )
    if len(starts) >= 4:
        middle = timezone.localtime(starts[len(starts) // 2]).date()
    else:
        middle = (now - timedelta(days=21)).date()
    return _weekday_on_or_before(min(middle, (now - timedelta(days=8)).date()))


def _book(booking: _Booking, *, place: str, scenario: str = "") -> CoachingSession | None:
    """Book through the service; a slot already taken moves an hour later, up to the end of the day."""
    start = booking.start
    for _attempt in range(8):
        when = coaching.SessionTime(starts_at=start, ends_at=start + timedelta(minutes=booking.minutes))
        try:
            return coaching.schedule_session(
                lead=booking.lead,
                agent=booking.agent,
                when=when,
                place=place,
                kind=booking.kind,
                scenario=scenario,
            )
        except ValidationError:
            start += timedelta(hours=1)
    return None


def _prepare_agenda(session: CoachingSession, *, at: datetime) -> None:
    suggestions = selectors.agenda_suggestions(session, now=at)
    picked = [(s.evaluation, s.weakest_title) for s in suggestions.evaluations if s.preselected][:3]
    strengths = [s.title for s in suggestions.strengths if s.preselected]
    # The lead picks the best-matching library call (and, for a role-play, an example of the scenario).
    entries = [s.entry for s in suggestions.library if s.for_scenario][:1] + [
        s.entry for s in suggestions.library if not s.for_scenario
    ][:1]
    coaching.save_agenda(session=session, evaluations=picked, strengths=strengths, entries=entries, now=at)
    if not picked and not strengths:
        coaching.add_free_item(session=session, text="How the last weeks went: what felt hard on the calls?")


def _hold(rng: random.Random, session: CoachingSession, *, now: datetime, overdue: bool) -> None:
    """Prepare, hold and record a past session: notes, action items (one done, one overdue if asked), the
    follow-up, the agent's confirmation; then date its stamps and notifications back."""
    prepared_at = session.starts_at - timedelta(days=1, hours=2)
    _prepare_agenda(session, at=prepared_at)
    held_at = session.ends_at + timedelta(minutes=20)
    notes = rng.choice(NOTES).format(agent=session.agent.first_name or session.agent)
    follow_up_on = timezone.localtime(session.starts_at).date() + timedelta(days=7)
    follow_up_on = min(follow_up_on, timezone.localdate())
    coaching.complete_session(
        session=session,
        by=session.lead,
        notes=notes,
        follow_up_on=follow_up_on,
        follow_up_evaluations=2,
        now=held_at,
    )
    first, second = rng.sample(ACTIONS, 2)
    day = timezone.localtime(session.starts_at).date()
    done = coaching.add_action_item(
        session=session, description=first[0], owner=first[1], due_on=day + timedelta(days=5)
    )
    done_by = session.agent if done.owner == ActionItem.Owner.AGENT else session.lead
    coaching.set_action_item_done(item=done, by=done_by, done=True, now=held_at + timedelta(days=3))
    due = day + timedelta(days=10)
    if overdue:
        due = min(due, timezone.localdate() - timedelta(days=2))
    coaching.add_action_item(session=session, description=second[0], owner=second[1], due_on=due)
    coaching.confirm_participation(
        session=session, by=session.agent, comment=rng.choice(COMMENTS), now=held_at + timedelta(hours=3)
    )
    coaching.request_follow_up_evaluations(session_id=session.pk)
    _date_back(session, created=prepared_at - timedelta(days=2), updated=held_at + timedelta(hours=3))


def _date_back(session: CoachingSession, *, created: datetime, updated: datetime) -> None:
    CoachingSession.objects.filter(pk=session.pk).update(created_at=created, updated_at=updated)
    ActionItem.objects.filter(session=session).update(created_at=session.ends_at)
    # What the services told the agent and the lead, on the day it happened, and long read.
    Notification.objects.filter(Q(event__startswith="coaching_") & Q(params__session=session.pk)).update(
        created_at=created, read_at=updated
    )


def _seed_coaching(
    *, rng: random.Random, leads: list[User], people: Mapping[str, User], now: datetime
) -> int:
    today = timezone.localdate()
    added = 0
    for index, lead in enumerate(leads):
        agents = _agents_of(lead)
        if len(agents) < 4:
            continue
        demo_agent = people.get(DEMO_AGENT)
        first = demo_agent if demo_agent in agents else agents[0]
        others = [a for a in agents if a != first]
        rng.shuffle(others)

        # Held: the first agent's session in the middle of their history; another, older, for a teammate.
        held_day = _middle_of_history(first, lead, now)
        held = _book(_Booking(lead, first, _local(held_day, 10)), place=PLACES[index % len(PLACES)])
        older_day = _weekday_on_or_before((now - timedelta(days=35 + index)).date())
        older = _book(
            _Booking(lead, others[0], _local(older_day, 14), minutes=60, kind=CoachingSession.Kind.ROLE_PLAY),
            place=PLACES[(index + 1) % len(PLACES)],
            scenario=SCENARIO,
        )
        for session, overdue in ((held, True), (older, False)):
            if session is not None:
                _hold(rng, session, now=now, overdue=overdue)
                added += 1

        # A no-show and a cancellation, last week.
        missed = _book(
            _Booking(lead, others[1], _local(_weekday_on_or_before(today - timedelta(days=6)), 11)),
            place=PLACES[index % len(PLACES)],
        )
        if missed is not None:
            coaching.mark_no_show(session=missed, by=lead, now=missed.ends_at)
            _date_back(missed, created=missed.starts_at - timedelta(days=3), updated=missed.ends_at)
            added += 1
        cancelled = _book(
            _Booking(lead, others[2], _local(_weekday_on_or_before(today - timedelta(days=4)), 15)),
            place=PLACES[(index + 2) % len(PLACES)],
        )
        if cancelled is not None:
            coaching.cancel_session(session=cancelled, by=lead, reason=CANCEL_REASON)
            _date_back(
                cancelled,
                created=cancelled.starts_at - timedelta(days=5),
                updated=cancelled.starts_at - timedelta(days=1),
            )
            added += 1

        # Coming up in the next days: a follow-up with its agenda ready, and a review still to prepare.
        follow_up = _book(
            _Booking(
                lead,
                first,
                _local(today + timedelta(days=1), 10 + index),
                kind=CoachingSession.Kind.FOLLOW_UP,
            ),
            place=PLACES[index % len(PLACES)],
        )
        if follow_up is not None:
            _prepare_agenda(follow_up, at=now)
            added += 1
        upcoming = _book(
            _Booking(lead, others[3], _local(today + timedelta(days=2), 14 + index), minutes=30),
            place=PLACES[(index + 3) % len(PLACES)],
        )
        added += upcoming is not None
    return added

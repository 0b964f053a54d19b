"""The rules of coaching sessions: scheduling without double booking, the agenda, running the session, its
states, action items and the follow-up evaluations (DESIGN.md capability 5).

Times are aware datetimes compared as instants: two sessions overlap when one starts before the other ends
(sessions that only touch, one ending at 10:00 and the next starting at 10:00, do not), whatever time zone or
daylight-saving change lies between them. State changes are conditional UPDATEs, so two clicks or two tabs
change a session once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from coaching.access import coachable_agents
from coaching.library.services import record_usage
from coaching.models import ActionItem, AgendaItem, CoachingSession, LibraryEntry, SessionChange
from coaching.sessions import notifications
from coaching.sessions.selectors import weakest_criterion_of
from qa_center.history import changes_by, record_updated
from qa_center.people.models import User
from scorecards.models import Assignment, Evaluation
from scorecards.sampling import services as sampling

__all__ = [
    "SessionTime",
    "add_action_item",
    "add_free_item",
    "cancel_session",
    "complete_session",
    "confirm_participation",
    "find_overlap",
    "mark_no_show",
    "remove_agenda_item",
    "request_follow_up_evaluations",
    "reschedule_session",
    "save_agenda",
    "save_notes",
    "schedule_session",
    "set_action_item_done",
]

Status = CoachingSession.Status


@dataclass(frozen=True, kw_only=True)
class SessionTime:
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self):
        if timezone.is_naive(self.starts_at) or timezone.is_naive(self.ends_at):
            raise ValueError("session times must be aware datetimes")
        if self.ends_at <= self.starts_at:
            raise ValidationError(_("A session must end after it starts."), code="ends_before_start")


# --- Double booking -----------------------------------------------------------------------------------------


def _span(session: CoachingSession) -> str:
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return _("%(day)s from %(start)s to %(end)s") % {
        "day": date_format(start, "SHORT_DATE_FORMAT"),
        "start": time_format(start, "TIME_FORMAT"),
        "end": time_format(end, "TIME_FORMAT")
        if end.date() == start.date()
        else date_format(end, "SHORT_DATETIME_FORMAT"),
    }


def find_overlap(*, person: User, when: SessionTime, exclude_pk: int | None = None) -> CoachingSession | None:
    """The first live session `person` takes part in (as lead or agent) that overlaps `when`, if any."""
    sessions = (
        CoachingSession.objects.live()
        .of_person(person)
        .filter(starts_at__lt=when.ends_at, ends_at__gt=when.starts_at)
        .select_related("lead", "agent")
        .order_by("starts_at", "pk")
    )
    if exclude_pk is not None:
        sessions = sessions.exclude(pk=exclude_pk)
    return sessions.first()


def _refuse_overlaps(*, lead: User, agent: User, when: SessionTime, exclude_pk: int | None = None) -> None:
    clash = find_overlap(person=lead, when=when, exclude_pk=exclude_pk)
    if clash is not None:
        other = clash.agent if clash.lead_id == lead.pk else clash.lead
        raise ValidationError(
            _("You already have a session with %(other)s on %(span)s: choose another time.")
            % {"other": other, "span": _span(clash)},
            code="lead_busy",
        )
    clash = find_overlap(person=agent, when=when, exclude_pk=exclude_pk)
    if clash is not None:
        raise ValidationError(
            _("%(agent)s already has a coaching session on %(span)s: choose another time.")
            % {"agent": agent, "span": _span(clash)},
            code="agent_busy",
        )


def _lock_people(*people: User) -> None:
    """Serialise bookings of the same people: two requests checking the same free slot would both find it
    free. Row locks on PostgreSQL; SQLite's write transactions already run one at a time."""
    list(
        User.objects.select_for_update()
        .filter(pk__in={p.pk for p in people})
        .order_by("pk")
        .values_list("pk")
    )


# --- Scheduling ---------------------------------------------------------------------------------------------


@changes_by("lead")
def schedule_session(
    *,
    lead: User,
    agent: User,
    when: SessionTime,
    place: str,
    kind: str = CoachingSession.Kind.FEEDBACK_REVIEW,
    scenario: str = "",
    from_evaluation: Evaluation | None = None,
) -> CoachingSession:
    """Book a session of `lead` with an agent of their team; ValidationError when either is busy then."""
    if not coachable_agents(lead).filter(pk=agent.pk).exists():
        raise ValidationError(
            _("%(agent)s is not an agent of your team.") % {"agent": agent}, code="not_team"
        )
    if from_evaluation is not None and from_evaluation.agent_id != agent.pk:
        raise ValidationError(_("That evaluation is not of this agent."), code="other_agent")
    with transaction.atomic():
        _lock_people(lead, agent)
        _refuse_overlaps(lead=lead, agent=agent, when=when)
        session = CoachingSession.objects.create(
            lead=lead,
            agent=agent,
            kind=kind,
            scenario=scenario if kind == CoachingSession.Kind.ROLE_PLAY else "",
            starts_at=when.starts_at,
            ends_at=when.ends_at,
            place=place,
            from_evaluation=from_evaluation,
        )
        if from_evaluation is not None:
            AgendaItem.objects.create(
                session=session,
                kind=AgendaItem.Kind.EVALUATION,
                evaluation=from_evaluation,
                criterion_title=weakest_criterion_of(from_evaluation) or "",
            )
        notifications.notify_session(session, recipient=agent, what=notifications.SESSION_SCHEDULED)
    return session


@changes_by()
def reschedule_session(
    *, session: CoachingSession, by: User, when: SessionTime, place: str, reason: str = ""
) -> CoachingSession:
    """Move a scheduled session; the old time and place are kept in its history."""
    if not session.is_scheduled:
        raise ValidationError(_("Only a scheduled session can be moved."), code="not_scheduled")
    with transaction.atomic():
        _lock_people(session.lead, session.agent)
        _refuse_overlaps(lead=session.lead, agent=session.agent, when=when, exclude_pk=session.pk)
        SessionChange.objects.create(
            session=session,
            changed_by=by,
            old_starts_at=session.starts_at,
            old_ends_at=session.ends_at,
            old_place=session.place,
            new_starts_at=when.starts_at,
            new_ends_at=when.ends_at,
            new_place=place,
            reason=reason,
        )
        _change_scheduled(
            session,
            starts_at=when.starts_at,
            ends_at=when.ends_at,
            place=place,
            sequence=session.sequence + 1,
        )
        notifications.notify_session(session, recipient=session.agent, what=notifications.SESSION_RESCHEDULED)
    return session


@changes_by()
def cancel_session(*, session: CoachingSession, by: User, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(_("Say why the session is cancelled."), code="reason_required")
    with transaction.atomic():
        _change_scheduled(
            session, status=Status.CANCELLED, cancel_reason=reason.strip(), sequence=session.sequence + 1
        )
        notifications.notify_session(session, recipient=session.agent, what=notifications.SESSION_CANCELLED)


def _require_started(session: CoachingSession, *, now: datetime) -> None:
    if session.starts_at > now:
        raise ValidationError(_("The session has not started yet."), code="not_started")


@changes_by()
def mark_no_show(*, session: CoachingSession, by: User, now: datetime | None = None) -> None:
    """The agent did not come: only once the session's time has come."""
    _require_started(session, now=now or timezone.now())
    _change_scheduled(session, status=Status.NO_SHOW)


def _change_scheduled(session: CoachingSession, **fields) -> None:
    """Apply `fields` if the session is still scheduled (a conditional UPDATE); else the page was stale."""
    updated = CoachingSession.objects.filter(pk=session.pk, status=Status.SCHEDULED).update(
        updated_at=timezone.now(), **fields
    )
    if not updated:
        raise ValidationError(_("This session is no longer scheduled."), code="stale")
    record_updated(CoachingSession, [session.pk])
    for name, value in fields.items():
        setattr(session, name, value)


def save_notes(*, session: CoachingSession, notes: str) -> None:
    if session.status not in (Status.SCHEDULED, Status.COMPLETED):
        raise ValidationError(_("Notes are kept for sessions that take place."), code="not_held")
    with transaction.atomic():
        CoachingSession.objects.filter(pk=session.pk).update(notes=notes, updated_at=timezone.now())
        record_updated(CoachingSession, [session.pk])
    session.notes = notes


@changes_by()
def complete_session(
    *,
    session: CoachingSession,
    by: User,
    notes: str,
    follow_up_on: date | None = None,
    follow_up_evaluations: int = 0,
    now: datetime | None = None,
) -> None:
    """Record the session as held; the agent is asked to confirm. With a follow-up date and a number of
    evaluations, sampling is asked for them once the agent has taken calls after that date."""
    now = now or timezone.now()
    _require_started(session, now=now)
    if follow_up_evaluations and follow_up_on is None:
        raise ValidationError(
            _("Give the follow-up date the extra evaluations start from."), code="follow_up_date"
        )
    if follow_up_on is not None and follow_up_on < timezone.localtime(session.starts_at).date():
        raise ValidationError(_("The follow-up date cannot be before the session."), code="follow_up_before")
    with transaction.atomic():
        _change_scheduled(
            session,
            status=Status.COMPLETED,
            notes=notes,
            completed_at=now,
            follow_up_on=follow_up_on,
            follow_up_evaluations=follow_up_evaluations,
        )
        notifications.notify_session(session, recipient=session.agent, what=notifications.SESSION_COMPLETED)


@changes_by()
def confirm_participation(
    *, session: CoachingSession, by: User, comment: str, now: datetime | None = None
) -> None:
    """The agent confirms they took part (once; the time is kept) and may add or change their comment."""
    if by.pk != session.agent_id:
        raise ValidationError(_("Only the agent confirms their participation."), code="not_agent")
    if not session.is_completed:
        raise ValidationError(
            _("You can confirm once the session is recorded as held."), code="not_completed"
        )
    fields = {"agent_comment": comment}
    if session.agent_confirmed_at is None:
        fields["agent_confirmed_at"] = now or timezone.now()
    with transaction.atomic():
        CoachingSession.objects.filter(pk=session.pk).update(**fields)
        record_updated(CoachingSession, [session.pk])
    for name, value in fields.items():
        setattr(session, name, value)


# --- The agenda ---------------------------------------------------------------------------------------------


def _require_open_agenda(session: CoachingSession) -> None:
    if session.status not in (Status.SCHEDULED, Status.COMPLETED):
        raise ValidationError(_("This session's agenda can no longer change."), code="closed")


def _next_position(session: CoachingSession) -> int:
    top = session.agenda_items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def save_agenda(
    *,
    session: CoachingSession,
    evaluations: list[tuple[Evaluation, str]],
    strengths: list[str],
    entries: Sequence[LibraryEntry] = (),
    now: datetime | None = None,
) -> None:
    """Replace the suggested points of the agenda with the lead's picks: (evaluation, its weakest criterion)
    pairs, strength titles and library entries. Free points stay. The picks come from
    coaching.sessions.selectors. An entry newly on the agenda counts as one use of the library ("session"); one
    that stays on it through another save is not counted again."""
    _require_open_agenda(session)
    suggested = session.agenda_items.filter(
        kind__in=[AgendaItem.Kind.EVALUATION, AgendaItem.Kind.STRENGTH, AgendaItem.Kind.LIBRARY]
    )
    already_linked = set(suggested.filter(entry__isnull=False).values_list("entry_id", flat=True))
    suggested.delete()
    position = _next_position(session)
    items = []
    for evaluation, criterion_title in evaluations:
        if evaluation.agent_id != session.agent_id:
            raise ValidationError(_("That evaluation is not of this agent."), code="other_agent")
        items.append(
            AgendaItem(
                session=session,
                kind=AgendaItem.Kind.EVALUATION,
                evaluation=evaluation,
                criterion_title=criterion_title,
                position=position,
            )
        )
        position += 1
    for title in dict.fromkeys(strengths):
        items.append(
            AgendaItem(
                session=session, kind=AgendaItem.Kind.STRENGTH, criterion_title=title, position=position
            )
        )
        position += 1
    entries = list({entry.pk: entry for entry in entries}.values())
    for entry in entries:
        if not entry.is_approved:
            raise ValidationError(_("That call is not in the library."), code="not_in_library")
        items.append(
            AgendaItem(session=session, kind=AgendaItem.Kind.LIBRARY, entry=entry, position=position)
        )
        position += 1
    AgendaItem.objects.bulk_create(items)
    for entry in entries:
        if entry.pk not in already_linked:
            record_usage(entry, LibraryEntry.Usage.SESSION)
    prepared = now or timezone.now()
    CoachingSession.objects.filter(pk=session.pk).update(agenda_prepared_at=prepared)
    record_updated(CoachingSession, [session.pk])
    session.agenda_prepared_at = prepared


def add_free_item(*, session: CoachingSession, text: str) -> AgendaItem:
    _require_open_agenda(session)
    if not text.strip():
        raise ValidationError(_("Write the point to discuss."), code="empty")
    return AgendaItem.objects.create(
        session=session, kind=AgendaItem.Kind.FREE, text=text.strip(), position=_next_position(session)
    )


def remove_agenda_item(*, item: AgendaItem) -> None:
    _require_open_agenda(item.session)
    item.delete()


# --- Action items -------------------------------------------------------------------------------------------


def add_action_item(*, session: CoachingSession, description: str, owner: str, due_on: date) -> ActionItem:
    if session.status not in (Status.SCHEDULED, Status.COMPLETED):
        raise ValidationError(_("Action items are agreed in sessions that take place."), code="not_held")
    return ActionItem.objects.create(session=session, description=description, owner=owner, due_on=due_on)


@changes_by()
def set_action_item_done(*, item: ActionItem, by: User, done: bool, now: datetime | None = None) -> bool:
    """Tick (or untick) an action item; False when it already was (a second click changes nothing)."""
    items = ActionItem.objects.filter(pk=item.pk, done_at__isnull=done)
    at = (now or timezone.now()) if done else None
    with transaction.atomic():
        changed = items.update(done_at=at, done_by=by if done else None)
        if changed:
            record_updated(ActionItem, [item.pk])
    if changed:
        item.done_at, item.done_by = at, by if done else None
    return bool(changed)


# --- The follow-up ------------------------------------------------------------------------------------------


def follow_up_start(session: CoachingSession) -> datetime:
    """The instant the follow-up date begins, in the center's time zone."""
    return timezone.make_aware(datetime.combine(session.follow_up_on, time.min))


def request_follow_up_evaluations(*, session_id: int, today: date | None = None) -> int:
    """Ask sampling for the follow-up evaluations still missing (those in queues or done count; cancelled ones
    do not). Returns how many calls were added; 0 before the follow-up date or when the agent has taken no new
    call yet (the daily task asks again). The session row is locked: two runs add the calls once."""
    today = today or timezone.localdate()
    with transaction.atomic():
        session = (
            CoachingSession.objects.select_for_update()
            .select_related("agent", "lead")
            .filter(pk=session_id, status=Status.COMPLETED, follow_up_on__lte=today)
            .first()
        )
        if session is None or not session.follow_up_evaluations:
            return 0
        live = session.follow_up_assignments.exclude(status=Assignment.Status.CANCELLED).count()
        missing = session.follow_up_evaluations - live
        if missing <= 0:
            return 0
        assignments = sampling.assign_extra_calls(
            agent=session.agent,
            since=follow_up_start(session),
            count=missing,
            seed=f"coaching-follow-up-{session.pk}-{live}",
            assigned_by=session.lead,
        )
        session.follow_up_assignments.add(*assignments)
        return len(assignments)

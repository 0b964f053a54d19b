"""Coaching session pages: the per-role overview, the lead's week, scheduling, the session (agenda, notes, action
items, states), the agenda builder, and the calendar files. Thin: the rules are services, the reads selectors,
every lookup coaching.access."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coaching import access
from coaching.models import CalendarFeed, CoachingSession, hash_feed_token
from coaching.sessions import calendar, selectors, services
from coaching.sessions.forms import (
    ActionItemForm,
    AgendaForm,
    CancelForm,
    CompleteForm,
    ConfirmForm,
    FreeItemForm,
    NotesForm,
    RescheduleForm,
    ScheduleForm,
)
from qa_center.paging import KeysetOrder, paginate
from qa_center.people import roles
from scorecards.access import get_evaluation_for

SESSIONS_PER_PAGE = 50
OVERVIEW_LIMIT = 20
ALL_SESSIONS_ORDER = KeysetOrder(fields=("starts_at", "id"), descending=True)


def _error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- The overview -------------------------------------------------------------------------------------------


@require_safe
@login_required
def index(request):
    """QA managers: every session; team leads: their sessions, the effect of past ones and overdue items;
    agents: their sessions and action items."""
    user = request.user
    access.require_coaching_role(user)
    if roles.is_manager(user):
        sessions = CoachingSession.objects.select_related("lead", "agent").order_by(
            *ALL_SESSIONS_ORDER.order_by()
        )
        page = paginate(
            sessions,
            counted=CoachingSession.objects.all(),
            params=request.GET,
            per_page=SESSIONS_PER_PAGE,
            order=ALL_SESSIONS_ORDER,
        )
        return render(request, "coaching/sessions/all.html", {"page": page})
    context = {
        "upcoming": selectors.upcoming_sessions(user=user)[:OVERVIEW_LIMIT],
        "past": selectors.sessions_with_effect(selectors.past_sessions(user=user))[:OVERVIEW_LIMIT],
        "my_action_items": selectors.open_action_items(owner=user)[:OVERVIEW_LIMIT],
        "is_lead": roles.is_team_lead(user),
        "effect_days": selectors.EFFECT_DAYS,
    }
    if roles.is_team_lead(user):
        context["overdue"] = selectors.overdue_action_items_of_lead(lead=user)[:OVERVIEW_LIMIT]
    return render(request, "coaching/sessions/index.html", context)


# --- The lead's week ----------------------------------------------------------------------------------------


def _week_of(value: str | None) -> date:
    """The Monday of the ISO week "2026-W49" (this week's when missing or not a week)."""
    if value:
        try:
            return date.fromisocalendar(int(value[:4]), int(value.split("W", 1)[1]), 1)
        except (ValueError, IndexError):
            pass
    return selectors.monday_of(timezone.localdate())


def _iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@require_safe
@login_required
def week(request):
    access.require_team_lead(request.user)
    monday = _week_of(request.GET.get("week"))
    context = {
        "days": selectors.lead_week(lead=request.user, monday=monday),
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "previous_week": _iso_week(monday - timedelta(days=7)),
        "next_week": _iso_week(monday + timedelta(days=7)),
        "this_week": _iso_week(timezone.localdate()),
        "today": timezone.localdate(),
    }
    return render(request, "coaching/sessions/week.html", context)


# --- Scheduling ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def schedule(request):
    """Book a session; ?agent= preselects the agent, ?evaluation= starts it from an evaluation ("discuss this in
    person": the evaluation goes on the agenda)."""
    access.require_team_lead(request.user)
    source = request.POST if request.method == "POST" else request.GET
    evaluation = None
    if source.get("evaluation"):
        evaluation = get_evaluation_for(request.user, source["evaluation"])
    agents = (
        access.coachable_agents(request.user)
        .select_related("team")
        .order_by("first_name", "last_name", "username")
    )
    initial = {"kind": CoachingSession.Kind.FEEDBACK_REVIEW}
    if evaluation is not None:
        initial |= {"agent": evaluation.agent_id, "evaluation": evaluation.pk}
    elif request.GET.get("agent"):
        initial["agent"] = access.get_coachable_agent_for(request.user, request.GET["agent"]).pk
    form = ScheduleForm(request.POST if request.method == "POST" else None, agents=agents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.schedule_session(
                lead=request.user,
                agent=data["agent"],
                when=data["when"],
                place=data["place"],
                kind=data["kind"],
                scenario=data["scenario"],
                from_evaluation=evaluation,
            )
        except ValidationError as error:
            form.add_error("start" if error.code in ("lead_busy", "agent_busy") else None, error)
        else:
            messages.success(request, _("Session booked. Prepare its agenda now or later."))
            return redirect("coaching:agenda", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "coaching/sessions/schedule.html", {"form": form, "evaluation": evaluation}, status=status
    )


# --- A session ----------------------------------------------------------------------------------------------


def _detail(request, session: CoachingSession, *, status: int = 200, **forms):
    user = request.user
    is_lead = session.lead_id == user.pk
    is_agent = session.agent_id == user.pk
    open_for_work = session.status in (CoachingSession.Status.SCHEDULED, CoachingSession.Status.COMPLETED)
    context = {
        "session": session,
        "agenda": selectors.agenda_of(session, viewer=user),
        "action_items": list(session.action_items.select_related("done_by").order_by("due_on", "pk")),
        "changes": list(session.changes.select_related("changed_by")),
        "is_lead": is_lead,
        "is_agent": is_agent,
        "can_work": is_lead and open_for_work,
        "has_started": session.starts_at <= timezone.now(),
        "effect": selectors.session_effect(session) if session.is_completed else None,
        "notes_form": forms.get("notes_form") or NotesForm(initial={"notes": session.notes}),
        "action_form": forms.get("action_form")
        or ActionItemForm(initial={"due_on": timezone.localdate() + timedelta(days=14)}),
        "free_form": forms.get("free_form") or FreeItemForm(),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(initial={"comment": session.agent_comment}),
    }
    return render(request, "coaching/sessions/detail.html", context, status=status)


@require_safe
@login_required
def detail(request, pk):
    return _detail(request, access.get_session_for(request.user, pk))


@require_POST
@login_required
def notes(request, pk):
    session = access.get_session_for(request.user, pk, for_change=True)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            services.save_notes(session=session, notes=form.cleaned_data["notes"])
        except ValidationError as error:
            messages.error(request, " ".join(_error_messages(error)))
        else:
            messages.success(request, _("Notes saved."))
        return redirect(session)
    return _detail(request, session, status=400, notes_form=form)


@require_POST
@login_required
def action_add(request, pk):
    session = access.get_session_for(request.user, pk, for_change=True)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_action_item(session=session, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Action item added."))
            return redirect(session)
    return _detail(request, session, status=400, action_form=form)


@require_POST
@login_required
def action_done(request, item_pk):
    item = access.get_action_item_for(request.user, item_pk, for_tick=True)
    done = request.POST.get("done", "1") != "0"
    services.set_action_item_done(item=item, by=request.user, done=done)
    if request.headers.get("HX-Request"):
        return render(request, "coaching/sessions/_action_item.html", {"item": item, "can_tick": True})
    if request.POST.get("next") == "index":
        return redirect("coaching:index")
    return redirect(item.session)


@require_POST
@login_required
def agenda_add(request, pk):
    session = access.get_session_for(request.user, pk, for_change=True)
    form = FreeItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_free_item(session=session, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            if request.POST.get("back") == "agenda":
                return redirect("coaching:agenda", pk=session.pk)
            return redirect(session)
    return _detail(request, session, status=400, free_form=form)


@require_POST
@login_required
def agenda_remove(request, pk, item_pk):
    item = access.get_agenda_item_for(request.user, item_pk, session_pk=pk)
    try:
        services.remove_agenda_item(item=item)
    except ValidationError as error:
        messages.error(request, " ".join(_error_messages(error)))
    return redirect(item.session)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def agenda(request, pk):
    """The agenda builder: the suggested evaluations and strengths (preselected), the library calls to listen to
    (the lead picks), the lead's own points."""
    session = access.get_session_for(request.user, pk, for_change=True)
    suggestions = selectors.agenda_suggestions(session)
    form = AgendaForm(request.POST if request.method == "POST" else None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_agenda(
                session=session,
                evaluations=form.picked_evaluations(),
                strengths=form.cleaned_data["strengths"],
                entries=form.picked_entries(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Agenda saved."))
            return redirect(session)
    context = {
        "session": session,
        "suggestions": suggestions,
        "form": form,
        "free_form": FreeItemForm(),
        "agenda_days": selectors.AGENDA_DAYS,
    }
    return render(request, "coaching/sessions/agenda.html", context, status=400 if form.errors else 200)


def _session_form_page(request, session, form, *, template, status=200):
    return render(request, template, {"session": session, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def reschedule(request, pk):
    session = access.get_session_for(request.user, pk, for_change=True)
    local = timezone.localtime(session.starts_at)
    initial = {
        "day": local.date(),
        "start": local.time(),
        "duration": session.duration_minutes,
        "place": session.place,
    }
    form = RescheduleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reschedule_session(
                session=session,
                by=request.user,
                when=data["when"],
                place=data["place"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error("start" if error.code in ("lead_busy", "agent_busy") else None, error)
        else:
            messages.success(request, _("Session moved; the agent was told."))
            return redirect(session)
    status = 400 if request.method == "POST" else 200
    return _session_form_page(
        request, session, form, template="coaching/sessions/reschedule.html", status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cancel(request, pk):
    session = access.get_session_for(request.user, pk, for_change=True)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(session=session, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason" if error.code == "reason_required" else None, error)
        else:
            messages.success(request, _("Session cancelled; the agent was told."))
            return redirect(session)
    status = 400 if request.method == "POST" else 200
    return _session_form_page(request, session, form, template="coaching/sessions/cancel.html", status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def complete(request, pk):
    """Record the session as held: the notes, and the follow-up evaluations sampling is asked for."""
    session = access.get_session_for(request.user, pk, for_change=True)
    local_day = timezone.localtime(session.starts_at).date()
    initial = {
        "notes": session.notes,
        "follow_up_on": local_day + timedelta(days=14),
        "follow_up_evaluations": 2,
    }
    form = CompleteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.complete_session(
                    session=session,
                    by=request.user,
                    notes=data["notes"],
                    follow_up_on=data["follow_up_on"],
                    follow_up_evaluations=data["follow_up_evaluations"],
                )
        except ValidationError as error:
            field = "follow_up_on" if error.code in ("follow_up_date", "follow_up_before") else None
            form.add_error(field, error)
        else:
            messages.success(request, _("Session recorded as held; the agent is asked to confirm."))
            return redirect(session)
    status = 400 if request.method == "POST" else 200
    return _session_form_page(
        request, session, form, template="coaching/sessions/complete.html", status=status
    )


@require_POST
@login_required
def no_show(request, pk):
    session = access.get_session_for(request.user, pk, for_change=True)
    try:
        services.mark_no_show(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(_error_messages(error)))
    else:
        messages.success(request, _("Recorded as a no-show."))
    return redirect(session)


@require_POST
@login_required
def confirm(request, pk):
    """The agent confirms they took part and adds their comment (after the session is recorded as held)."""
    session = access.get_session_for(request.user, pk, for_agent=True)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.confirm_participation(
                session=session, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your participation is confirmed."))
            return redirect(session)
    return _detail(request, session, status=400, confirm_form=form)


# --- Calendars ----------------------------------------------------------------------------------------------


def _ics_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@login_required
def ics(request, pk):
    session = access.get_session_for(request.user, pk)
    content = calendar.calendar_of([session], viewer=request.user, name=_("Coaching"))
    return _ics_response(content, filename=f"coaching-session-{session.pk}.ics")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def calendar_feed(request):
    """The person's private feed: create it (its URL is shown once), replace it, or revoke it."""
    access.require_coaching_role(request.user)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            CalendarFeed.objects.filter(user=request.user).delete()
            messages.success(request, _("The calendar feed is revoked: its address no longer works."))
            return redirect("coaching:calendar_feed")
        if action != "create":
            return HttpResponse(status=400)
        token = CalendarFeed.new_token()
        feed, _created = CalendarFeed.objects.update_or_create(
            user=request.user, defaults={"token_hash": hash_feed_token(token), "last_used_at": None}
        )
        new_url = request.build_absolute_uri(reverse("coaching:feed", args=[token]))
    return render(request, "coaching/sessions/calendar_feed.html", {"feed": feed, "new_url": new_url})


@require_safe
def feed(request, token):
    """The feed a calendar app polls: no sign-in, the token in the URL is the credential."""
    owner = access.get_feed_owner(token)
    CalendarFeed.objects.filter(pk=owner.pk).update(last_used_at=timezone.now())
    content = calendar.calendar_of(
        calendar.feed_sessions(owner.user), viewer=owner.user, name=_("QA Center coaching")
    )
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")

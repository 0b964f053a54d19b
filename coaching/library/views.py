"""The exemplary-call library's pages: browse and search, an entry with its player and clips, nominating,
the QA managers' review and curation, anonymity, and the recording served to every role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from calls.pages.recordings import recording_response
from coaching.access import (
    get_call_to_nominate_for,
    get_library_clip_for,
    get_library_entry_for,
    get_library_entry_for_anonymity_request,
    get_library_entry_for_recording,
    require_library_curator,
)
from coaching.library import selectors, services
from coaching.library.forms import ClipForm, DecisionForm, EntryForm, LibrarySearchForm, NominationForm
from coaching.models import LibraryEntry
from qa_center.paging import paginate
from qa_center.people import roles
from scorecards.access import get_evaluation_for

ENTRIES_PER_PAGE = 20
REVIEW_ROWS = 50
MY_NOMINATIONS = 10


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _credit(entries, viewer) -> None:
    for entry in entries:
        entry.credit = selectors.credit_for(entry, viewer)


@require_safe
@login_required
def browse(request):
    """The library: every role browses and searches the approved entries."""
    form = LibrarySearchForm(request.GET or None)
    filters = form.filters() if form.is_bound else selectors.LibraryFilters()
    rows, counted = selectors.library_search(user=request.user, filters=filters)
    page = paginate(
        rows, counted=counted, params=request.GET, per_page=ENTRIES_PER_PAGE, order=selectors.BROWSE_ORDER
    )
    _credit(page.rows, request.user)
    mine = []
    if not roles.is_manager(request.user):
        mine = list(
            LibraryEntry.objects.filter(nominated_by=request.user)
            .exclude(status=LibraryEntry.Status.APPROVED)
            .order_by("-nominated_at", "-id")[:MY_NOMINATIONS]
        )
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "choices": selectors.filter_choices(),
        "sees_usage": selectors.sees_usage(request.user),
        "my_nominations": mine,
        "pending_count": LibraryEntry.objects.pending().count() if roles.is_manager(request.user) else None,
    }
    return render(request, "coaching/library/browse.html", context)


def _entry_context(request, entry: LibraryEntry, **extra) -> dict:
    user = request.user
    entry.credit = selectors.credit_for(entry, user)
    manager = roles.is_manager(user)
    context = {
        "entry": entry,
        "call": entry.call,
        "clips": list(selectors.clips_for(entry, user)),
        "criteria": list(entry.criteria.all()),
        "tags": list(entry.tags.all()),
        "is_manager": manager,
        "sees_usage": selectors.sees_usage(user),
        "can_request_anonymity": entry.agent_id == user.pk and not entry.is_anonymised,
        "recording_seconds": services.recording_seconds(entry.call) if manager else None,
        "decision_form": DecisionForm() if manager and entry.status == LibraryEntry.Status.PENDING else None,
        "clip_form": ClipForm() if manager else None,
    }
    context.update(extra)
    return context


@require_safe
@login_required
def detail(request, pk):
    entry = get_library_entry_for(request.user, pk)
    return render(request, "coaching/library/detail.html", _entry_context(request, entry))


@require_safe
@login_required
def recording(request, pk):
    """The recording of a library entry, with byte ranges (the calls app's streaming), so clips can seek."""
    entry = get_library_entry_for_recording(request.user, pk)
    return recording_response(request, entry.call)


@require_POST
@login_required
def played(request, pk):
    """The player started: one play counted (library.js posts once per page view)."""
    entry = get_library_entry_for_recording(request.user, pk)
    services.record_usage(entry, LibraryEntry.Usage.PLAY)
    return HttpResponse(status=204)


@require_http_methods(["GET", "POST"])
@login_required
def nominate(request, call_pk):
    """A reviewer or QA manager nominates a call; an agent proposes one of their own."""
    call = get_call_to_nominate_for(request.user, call_pk)
    titles = selectors.criterion_titles_for(call.call_type)
    if request.method == "POST":
        form = NominationForm(request.POST, criterion_titles=titles)
        if form.is_valid():
            try:
                entry = services.nominate(
                    call=call,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    notes=form.cleaned_data["notes"],
                    criteria=form.cleaned_data["criteria"],
                    tags=form.cleaned_data["tags"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Thank you: a QA manager will review the nomination."))
                return redirect(entry)
    else:
        form = NominationForm(criterion_titles=titles)
    context = {"call": call, "form": form, "proposal": not roles.works_center_wide(request.user)}
    return render(request, "coaching/library/nominate.html", context)


@require_safe
@login_required
def evaluation_panel(request, pk):
    """The evaluation page's library panel (htmx): whether the call is nominated or in the library, and for
    whoever may put it forward a nomination button, marked as suggested when the evaluation qualifies."""
    evaluation = get_evaluation_for(request.user, pk)
    call = evaluation.call
    entry = (
        LibraryEntry.objects.visible_to(request.user)
        .filter(call=call)
        .exclude(status=LibraryEntry.Status.DECLINED)
        .first()
    )
    can_nominate = (
        entry is None and selectors.may_nominate(request.user, call) and not evaluation.is_calibration
    )
    context = {
        "evaluation": evaluation,
        "entry": entry,
        "can_nominate": can_nominate,
        "suggested": can_nominate and selectors.nomination_suggested(evaluation),
        "threshold": selectors.suggestion_threshold(),
        "proposal": not roles.works_center_wide(request.user),
    }
    return render(request, "coaching/library/_evaluation_panel.html", context)


@require_safe
@login_required
def review(request):
    """The QA managers' desk: nominations waiting for a decision, and evaluations worth nominating."""
    require_library_curator(request.user)
    pending = list(
        LibraryEntry.objects.pending()
        .select_related("call", "call_type", "agent", "nominated_by")
        .order_by("nominated_at", "id")[:REVIEW_ROWS]
    )
    context = {
        "pending": pending,
        "pending_count": LibraryEntry.objects.pending().count(),
        "suggestions": list(selectors.suggested_evaluations()[:REVIEW_ROWS]),
        "threshold": selectors.suggestion_threshold(),
    }
    return render(request, "coaching/library/review.html", context)


@require_POST
@login_required
def decide(request, pk):
    entry = get_library_entry_for(request.user, pk, for_change=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == DecisionForm.APPROVE:
                services.approve(entry=entry, by=request.user)
                messages.success(request, _("Approved: the call is in the library."))
            else:
                services.decline(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Declined: the nomination's author can read your reason."))
            return redirect(entry)
        except ValidationError as error:
            _add_errors(form, error)
        except services.DecisionTaken:
            messages.warning(request, _("Someone decided on this nomination meanwhile."))
            return redirect(entry)
    context = _entry_context(request, entry, decision_form=form)
    return render(request, "coaching/library/detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, pk):
    entry = get_library_entry_for(request.user, pk, for_change=True)
    titles = selectors.criterion_titles_for(entry.call_type)
    titles += [c.title for c in entry.criteria.all() if c.title not in titles]  # keep tags of old criteria
    if request.method == "POST":
        form = EntryForm(request.POST, criterion_titles=titles)
        if form.is_valid():
            try:
                services.update_entry(
                    entry=entry,
                    title=form.cleaned_data["title"],
                    notes=form.cleaned_data["notes"],
                    call_type=form.cleaned_data["call_type"],
                    criteria=form.cleaned_data["criteria"],
                    tags=form.cleaned_data["tags"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Library entry saved."))
                return redirect(entry)
    else:
        form = EntryForm(initial=EntryForm.initial_from(entry), criterion_titles=titles)
    return render(request, "coaching/library/edit.html", {"entry": entry, "form": form})


@require_POST
@login_required
def clip_add(request, pk):
    entry = get_library_entry_for(request.user, pk, for_change=True)
    form = ClipForm(request.POST)
    if form.is_valid():
        try:
            services.add_clip(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Clip added."))
            return redirect(entry)
    context = _entry_context(request, entry, clip_form=form)
    return render(request, "coaching/library/detail.html", context, status=400)


@require_POST
@login_required
def clip_delete(request, pk, clip_pk):
    clip = get_library_clip_for(request.user, clip_pk, entry_pk=pk, for_change=True)
    services.delete_clip(clip=clip)
    messages.success(request, _("Clip deleted."))
    return redirect(clip.entry)


@require_POST
@login_required
def request_anonymity(request, pk):
    entry = get_library_entry_for_anonymity_request(request.user, pk)
    services.request_anonymity(entry=entry, by=request.user)
    messages.success(request, _("Asked: a QA manager will hide your name on this entry."))
    return redirect(entry)


@require_POST
@login_required
def grant_anonymity(request, pk):
    entry = get_library_entry_for(request.user, pk, for_change=True)
    services.grant_anonymity(entry=entry, by=request.user)
    messages.success(request, _("The agent's name is now hidden from everyone but the QA managers."))
    return redirect(entry)

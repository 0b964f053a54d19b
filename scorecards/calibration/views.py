"""Calibration pages: the sessions, opening one, a session's progress, scoring in it, closing it, its results.

Every page asks access.get_calibration_for (managers see every session, reviewers those they take part in,
others 404) after require_reviewer (agents and team leads: 403). The rules live in calibration.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qa_center.people import roles
from scorecards.access import get_calibration_for, require_qa_manager, require_reviewer
from scorecards.calibration import services as calibration
from scorecards.calibration.forms import CalibrationSessionForm, CallSearchForm
from scorecards.models import Evaluation

SESSIONS_PER_PAGE = 25


@require_safe
@login_required
def session_list(request):
    require_reviewer(request.user)
    sessions = calibration.sessions_for_list(user=request.user)
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "can_create": roles.is_manager(request.user),
        "now": timezone.now(),
    }
    return render(request, "scorecards/calibration/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def create(request):
    require_qa_manager(request.user)
    search = CallSearchForm(request.GET or None)
    found = None
    if search.is_bound and search.is_valid() and search.cleaned_data["q"]:
        found = list(calibration.calls_for_calibration(user=request.user, query=search.cleaned_data["q"]))
    status = 200
    if request.method == "POST":
        form = CalibrationSessionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                session = calibration.create_session(
                    call=form.cleaned_data["call"],
                    reviewers=form.cleaned_data["reviewers"],
                    created_by=request.user,
                    title=form.cleaned_data["title"],
                    deadline=form.cleaned_data["deadline"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Calibration session opened: score the call too, your evaluation is the reference."),
                )
                return redirect("calibration:detail", session.pk)
        status = 400
    else:
        form = CalibrationSessionForm(initial={"call": request.GET.get("call", "")}, user=request.user)
    context = {"form": form, "search": search, "found": found}
    return render(request, "scorecards/calibration/create.html", context, status=status)


@require_safe
@login_required
def detail(request, pk):
    """Who takes part and who has submitted; never anyone's answers (those are on the results page)."""
    require_reviewer(request.user)
    session = get_calibration_for(request.user, pk)
    participants = calibration.participants_progress(session=session)
    me = next((person for person in participants if person.pk == request.user.pk), None)
    context = {
        "session": session,
        "call": session.call,
        "participants": participants,
        "me": me,
        "submitted_count": sum(1 for person in participants if person.calibration_submitted_at),
        "drafts_count": sum(1 for person in participants if person.has_draft),
        "can_close": roles.is_manager(request.user) and not session.is_closed,
        "now": timezone.now(),
    }
    return render(request, "scorecards/calibration/detail.html", context)


@require_POST
@login_required
def score(request, pk):
    """Start (or resume) the participant's calibration evaluation, on the same page as a regular review."""
    require_reviewer(request.user)
    session = get_calibration_for(request.user, pk)
    try:
        evaluation = calibration.start_calibration_evaluation(session=session, reviewer=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("calibration:detail", session.pk)
    if evaluation.status == Evaluation.Status.DRAFT:
        return redirect("evaluations:edit", evaluation.pk)
    return redirect(evaluation)


@require_POST
@login_required
def close(request, pk):
    require_reviewer(request.user)
    session = get_calibration_for(request.user, pk)
    if calibration.close_session(session=session, by=request.user):
        messages.success(
            request, _("Calibration session closed: drafts still open are left out of the results.")
        )
    else:
        messages.info(request, _("This calibration session was already closed."))
    return redirect("calibration:results", session.pk)


@require_safe
@login_required
def results(request, pk):
    """The answers side by side and how far they agree: only once the session is closed (blind until then)."""
    require_reviewer(request.user)
    session = get_calibration_for(request.user, pk)
    if not calibration.results_ready(session=session):
        raise PermissionDenied(
            _("The results are shown once every participant has submitted or the session closes.")
        )
    context = {
        "session": session,
        "call": session.call,
        "results": calibration.calibration_results(session=session),
    }
    return render(request, "scorecards/calibration/results.html", context)

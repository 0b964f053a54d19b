"""The reviewer's evaluation pages: start or resume one, score a call beside its recording with a live score,
pin notes to the recording, and read a submitted evaluation with its score explainer; the evaluations list
that QA managers, team leads and reviewers search and export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from calls.access import get_call_for
from qa_center.paging import paginate
from qa_center.people import roles
from scorecards.access import (
    get_assignment_for,
    get_evaluation_for,
    get_note_for,
    require_evaluation_finder,
    require_reviewer,
)
from scorecards.evaluations import selectors as list_selectors
from scorecards.evaluations.actions import evaluation_actions
from scorecards.evaluations.answers import answer_label
from scorecards.evaluations.export import csv_export_response
from scorecards.evaluations.filters import EvaluationFilterForm
from scorecards.evaluations.forms import EvaluationForm, RecordingNoteForm, posted_answers
from scorecards.evaluations.history import evaluation_changes
from scorecards.evaluations.rows import evaluation_rows
from scorecards.evaluations.services import (
    add_recording_note,
    delete_recording_note,
    explained_score,
    move_draft_to_published,
    save_draft,
    start_evaluation,
    stored_answers,
    stored_value,
    submit_evaluation,
)
from scorecards.models import Dispute, Evaluation
from scorecards.sampling.services import queue_of
from scorecards.scoring.spec import criteria_by_id, version_outline

EDIT_TEMPLATE = "scorecards/evaluations/edit.html"
SCORE_PANEL_TEMPLATE = "scorecards/evaluations/_score_panel.html"
NOTES_TEMPLATE = "scorecards/evaluations/_notes.html"


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _after_start(request, evaluation: Evaluation):
    if evaluation.status == Evaluation.Status.DRAFT and evaluation.reviewer_id == request.user.pk:
        return redirect("evaluations:edit", evaluation.pk)
    return redirect(evaluation)


@require_POST
@login_required
def start(request, pk):
    """Start (or resume) the evaluation of an assignment from the reviewer's queue."""
    assignment = get_assignment_for(request.user, pk)
    try:
        evaluation = start_evaluation(assignment=assignment, reviewer=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("queue:mine")
    return _after_start(request, evaluation)


@require_POST
@login_required
def start_call(request, pk):
    """Start (or resume) the evaluation of a call that is not in the reviewer's queue."""
    call = get_call_for(request.user, pk)
    require_reviewer(request.user)
    try:
        evaluation = start_evaluation(call=call, reviewer=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(call)
    return _after_start(request, evaluation)


def _save_or_submit(request, evaluation: Evaluation, form: EvaluationForm):
    """Save the draft, then submit it if asked; the response on success, None to show the form again."""
    if not form.is_valid():
        return None
    try:
        save_draft(
            evaluation=evaluation,
            answers=form.answers(),
            comments=form.comments(),
            strengths=form.cleaned_data["strengths"],
            improvements=form.cleaned_data["improvements"],
            by=request.user,
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return None
    if request.POST.get("action") != "submit":
        messages.success(request, _("Draft saved."))
        return redirect("evaluations:edit", evaluation.pk)
    try:
        submit_evaluation(evaluation=evaluation, by=request.user)
    except ValidationError as error:
        form.add_service_errors(error)
        messages.warning(
            request, _("Your draft is saved, but it cannot be submitted yet: see the marked fields.")
        )
        return None
    if evaluation.is_calibration:
        session = evaluation.calibration_session
        closed = session.is_closed  # submit_evaluation closed it if this was the last participant
        messages.success(
            request,
            _("Calibration answers submitted: everyone has scored, the results are open.")
            if closed
            else _(
                "Calibration answers submitted. The results open when everyone has scored or the session closes."
            ),
        )
        return redirect("calibration:detail", session.pk)
    messages.success(request, _("Evaluation submitted: the agent has been told."))
    return redirect(evaluation)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, pk):
    evaluation = get_evaluation_for(request.user, pk, for_change=True)
    require_reviewer(request.user)
    outline = version_outline(evaluation.version)
    criteria = criteria_by_id(outline)
    if request.method == "POST":
        form = EvaluationForm(request.POST, outline=outline)
        response = _save_or_submit(request, evaluation, form)
        if response is not None:
            return response
        answers = form.answers()
    else:
        stored = stored_answers(evaluation)
        form = EvaluationForm(
            initial=EvaluationForm.initial_from(evaluation, stored, outline), outline=outline
        )
        answers = {
            cid: stored_value(criteria[cid], answer) for cid, answer in stored.items() if cid in criteria
        }
    context = {
        "evaluation": evaluation,
        "call": evaluation.call,
        "form": form,
        "explanation": explained_score(evaluation.version, outline, answers),
        "notes": list_selectors.recording_notes(evaluation),
        "note_form": RecordingNoteForm(),
        "can_change": True,
    }
    return render(request, EDIT_TEMPLATE, context)


@require_POST
@login_required
def move_to_published(request, pk):
    """Move a draft whose scorecard version was retired meanwhile to the published one."""
    evaluation = get_evaluation_for(request.user, pk, for_change=True)
    require_reviewer(request.user)
    try:
        carried, left = move_draft_to_published(evaluation=evaluation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = _("The draft is now on version %(number)s: %(carried)s answers carried over.") % {
            "number": evaluation.version.number,
            "carried": carried,
        }
        if left:
            message += " " + ngettext(
                "%(left)s answer did not fit the new version: answer it again.",
                "%(left)s answers did not fit the new version: answer them again.",
                left,
            ) % {"left": left}
        messages.success(request, message)
    return redirect("evaluations:edit", evaluation.pk)


@require_POST
@login_required
def preview(request, pk):
    """The live score of the form as posted, saving nothing (htmx swaps it into the score panel)."""
    evaluation = get_evaluation_for(request.user, pk, for_change=True)
    require_reviewer(request.user)
    outline = version_outline(evaluation.version)
    criteria = criteria_by_id(outline)
    # No form here: it is asked for on every change, and invalid answers just count as unanswered until saved.
    answers = posted_answers(criteria.values(), request.POST)
    context = {"evaluation": evaluation, "explanation": explained_score(evaluation.version, outline, answers)}
    return render(request, SCORE_PANEL_TEMPLATE, context)


@require_safe
@login_required
def detail(request, pk):
    evaluation = get_evaluation_for(request.user, pk)
    outline = version_outline(evaluation.version)
    criteria = criteria_by_id(outline)
    stored = stored_answers(evaluation)
    values = {cid: stored_value(criteria[cid], answer) for cid, answer in stored.items() if cid in criteria}
    sections = [
        (
            section,
            [
                {
                    "criterion": criterion,
                    "label": answer_label(criterion, values.get(criterion.pk)),
                    "answer": stored.get(criterion.pk),
                }
                for criterion in section.criteria_list
            ],
        )
        for section in outline
    ]
    context = {
        "evaluation": evaluation,
        "call": evaluation.call,
        "sections": sections,
        "explanation": explained_score(evaluation.version, outline, values),
        "notes": list_selectors.recording_notes(evaluation),
        "next_assignment": _next_in_queue(request.user, evaluation),
        "can_discuss_in_person": _can_discuss_in_person(request.user, evaluation),
        "changes": evaluation_changes(evaluation=evaluation),
        **_feedback_actions(request.user, evaluation),
    }
    return render(request, "scorecards/evaluations/detail.html", context)


def _can_discuss_in_person(user, evaluation: Evaluation) -> bool:
    """A team lead reading a submitted evaluation of an agent of their team may book a coaching session about it
    (the link goes to coaching's schedule form by URL name: scorecards does not import coaching). No query: the
    agent's team is loaded with the evaluation."""
    agent = evaluation.agent
    return bool(
        roles.is_team_lead(user)
        and agent is not None
        and agent.is_agent
        and agent.team is not None
        and agent.team.lead_id == user.pk
        and not evaluation.is_calibration
        and evaluation.status in Evaluation.COUNTED_STATUSES
    )


def _next_in_queue(user, evaluation: Evaluation):
    """For the reviewer reading what they submitted: the next call of their queue, to go straight on to it."""
    if evaluation.reviewer_id != user.pk or evaluation.status == Evaluation.Status.DRAFT:
        return None
    if evaluation.is_calibration or not roles.is_reviewer(user):
        return None
    return queue_of(reviewer=user).first()


def _feedback_actions(user, evaluation: Evaluation) -> dict:
    """What the agent (acknowledge, dispute) and the QA manager (resolve) can do from the read page."""
    actions = evaluation_actions(user, evaluation)
    open_dispute = None
    if actions.can_resolve:
        open_dispute = evaluation.disputes.filter(status=Dispute.Status.OPEN).first()
    return {
        "can_change": actions.can_edit,
        "can_acknowledge": actions.can_acknowledge,
        "can_dispute": actions.can_dispute,
        "dispute_deadline": actions.dispute_deadline,
        "open_dispute": open_dispute,
        "has_history": actions.has_history,
    }


def _notes_response(request, evaluation: Evaluation, note_form: RecordingNoteForm):
    if not _is_htmx(request):
        for error in note_form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("evaluations:edit", evaluation.pk)
    context = {
        "evaluation": evaluation,
        "notes": list_selectors.recording_notes(evaluation),
        "note_form": note_form,
        "can_change": True,
    }
    return render(request, NOTES_TEMPLATE, context)


@require_POST
@login_required
def notes(request, pk):
    """Add a note pinned to a moment of the recording."""
    evaluation = get_evaluation_for(request.user, pk, for_change=True)
    require_reviewer(request.user)
    form = RecordingNoteForm(request.POST)
    if form.is_valid():
        try:
            add_recording_note(
                evaluation=evaluation,
                at_seconds=form.cleaned_data["at_seconds"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = RecordingNoteForm()
    return _notes_response(request, evaluation, form)


@require_http_methods(["POST", "DELETE"])
@login_required
def note_delete(request, pk, note_pk):
    note = get_note_for(request.user, note_pk, evaluation_pk=pk, for_change=True)
    require_reviewer(request.user)
    evaluation = note.evaluation
    delete_recording_note(note=note, by=request.user)
    return _notes_response(request, evaluation, RecordingNoteForm())


# --- The evaluations list (issue 8) ------------------------------------------------------------------------

EVALUATIONS_PER_PAGE = 50
# The list's columns in display order, with the sort key of those that sort (selectors.SORTS).
LIST_COLUMNS = [
    ("date", gettext_lazy("Submitted")),
    (None, gettext_lazy("Call")),
    ("agent", gettext_lazy("Agent")),
    (None, gettext_lazy("Team")),
    ("reviewer", gettext_lazy("Reviewer")),
    (None, gettext_lazy("Scorecard")),
    ("score", gettext_lazy("Score")),
    (None, gettext_lazy("Result")),
    (None, gettext_lazy("Status")),
]


def _column_headers(sort: str) -> list[dict]:
    """Each column's label and, if sortable: is it the current sort, which way, and what a click asks for.
    A first click sorts the date and the score from the highest, a name from A."""
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    headers = []
    for key, label in LIST_COLUMNS:
        active = key is not None and key == current
        if not active:
            following = f"-{key}" if key in list_selectors.DESCENDING_FIRST else key
        else:
            following = key if descending else f"-{key}"
        headers.append(
            {
                "label": label,
                "sortable": key is not None,
                "active": active,
                "descending": active and descending,
                "next": following,
            }
        )
    return headers


def _listing(request):
    require_evaluation_finder(request.user)
    team_ids = request.user.led_team_ids()  # one small query, for a team lead only
    form = EvaluationFilterForm(data=request.GET, user=request.user, team_ids=team_ids)
    sort = list_selectors.normalise_sort(request.GET.get("sort"))
    # Invalid filters list nothing: the errors are shown beside the fields; no guessing what was meant.
    listing = list_selectors.evaluation_listing(
        user=request.user, filters=form.filters(), sort=sort, team_ids=team_ids
    )
    return form, listing


@require_safe
@login_required
def evaluation_list(request):
    form, listing = _listing(request)
    page = paginate(
        listing.rows_for,
        counted=listing.counted,
        params=request.GET,
        per_page=EVALUATIONS_PER_PAGE,
        order=listing.order,
    )
    context = {
        "form": form,
        "page": page,
        "rows": evaluation_rows(page),
        "sort": listing.sort,
        "sort_is_default": listing.sort == list_selectors.DEFAULT_SORT,
        "sort_needs_a_score": listing.sort.removeprefix("-") == "score",
        "headers": _column_headers(listing.sort),
        "is_filtered": form.is_filtered,
        "export_query": _query_without_paging(request.GET),
    }
    return render(request, "scorecards/evaluations/list.html", context)


def _query_without_paging(params) -> str:
    query = params.copy()
    for key in ("page", "after", "before"):
        query.pop(key, None)
    return query.urlencode()


@require_safe
@login_required
def evaluation_export(request):
    """Every evaluation the filters match (not only a page), as CSV, streamed; headers in the reader's
    language, every cell through qa_center.csv_cells."""
    form, listing = _listing(request)
    if not form.is_valid():
        # Nothing is exported for filters that were not valid: the list shows why, beside each field.
        return redirect(f"{reverse('evaluations:list')}?{request.GET.urlencode()}")
    return csv_export_response(listing, filename=f"evaluations-{timezone.localdate().isoformat()}.csv")

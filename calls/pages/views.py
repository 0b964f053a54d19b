"""Call pages: the filtered list, a call's detail with its player, the permission-checked recording, and the
upload of a recording (QA managers and reviewers). (The home page is qa_center.home's.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from calls import services
from calls.access import get_call_for, may_upload_recordings
from calls.pages.forms import CallFilterForm, RecordingUploadForm
from calls.pages.recordings import recording_response
from calls.pages.rows import call_rows
from calls.selectors import (
    DEFAULT_SORT,
    SORTS_NEEDING_A_VALUE,
    CallFilters,
    call_listing,
    escalations_of,
    led_team_ids,
    normalise_sort,
    nps_band,
    other_calls_on_case,
)
from qa_center.paging import paginate

CALLS_PER_PAGE = 50

# The list's columns in display order; those with a sort key can be sorted by clicking their header (the sorts
# an index serves: calls.selectors.SORT_COLUMNS).
COLUMNS = [
    ("started_at", _("Started")),
    (None, _("Call")),
    (None, _("Agent")),
    (None, _("Team")),
    (None, _("Call type")),
    (None, _("Direction")),
    ("wait", _("Wait (s)")),
    ("handle", _("Handle time (s)")),
    (None, _("Outcome")),
    (None, _("Resolved")),
    (None, _("Escalated")),
    (None, _("Survey")),
    (None, _("Recording")),
    (None, _("Evaluation")),
]


def _column_headers(sort: str) -> list[dict]:
    """Each column's label and, if sortable: is it the current sort, which way, and what a click asks for."""
    current = sort.removeprefix("-")
    descending = sort.startswith("-")
    headers = []
    for key, label in COLUMNS:
        active = key is not None and key == current
        headers.append(
            {
                "label": label,
                "sortable": key is not None,
                "active": active,
                "descending": active and descending,
                "next": key if active and descending else f"-{key}" if active else key,
            }
        )
    return headers


@require_safe
@login_required
def call_list(request):
    team_ids = led_team_ids(request.user)  # one small query, for a team lead only
    form = CallFilterForm(data=request.GET, user=request.user, team_ids=team_ids)
    sort = normalise_sort(request.GET.get("sort"))
    # Invalid filters list nothing: the errors are shown beside the fields; no guessing what was meant.
    filters = CallFilters(**form.cleaned_data) if form.is_valid() else None
    listing = call_listing(user=request.user, filters=filters, sort=sort, team_ids=team_ids)
    page = paginate(
        listing.rows_for,
        counted=listing.counted,
        params=request.GET,
        per_page=CALLS_PER_PAGE,
        order=listing.order,
    )
    context = {
        "form": form,
        "page": page,
        "rows": call_rows(page),
        "sort": sort,
        "sort_needs_a_value": sort.removeprefix("-") in SORTS_NEEDING_A_VALUE,
        "sort_is_default": sort == DEFAULT_SORT,
        "headers": _column_headers(sort),
        "is_filtered": form.is_valid()
        and any(value not in (None, "") for value in form.cleaned_data.values()),
    }
    return render(request, "calls/pages/call_list.html", context)


def _render_detail(request, call, *, upload_form=None, status=200):
    survey = getattr(call, "survey", None)  # select_related by get_call_for: no query when absent
    if upload_form is None and may_upload_recordings(request.user):
        upload_form = RecordingUploadForm()
    context = {
        "call": call,
        "survey": survey,
        "nps_band": nps_band(survey.nps) if survey else None,
        "escalations": list(escalations_of(call=call)),
        "case_calls": other_calls_on_case(user=request.user, call=call),
        "upload_form": upload_form,
    }
    return render(request, "calls/pages/call_detail.html", context, status=status)


@require_safe
@login_required
def call_detail(request, pk):
    return _render_detail(request, get_call_for(request.user, pk))


@require_POST
@login_required
def call_recording_upload(request, pk):
    """Upload (add or replace) the call's recording: stored where the API stores it, served only by
    call_recording. A refused file is shown next to the field on the call page (400), and nothing changes."""
    call = get_call_for(request.user, pk, for_recording_upload=True)
    form = RecordingUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, call, upload_form=form, status=400)
    services.attach_recording(call=call, file=form.cleaned_data["file"])
    messages.success(request, gettext("The recording was uploaded."))
    return redirect(call)


@require_safe
@login_required
def call_recording(request, pk):
    call = get_call_for(request.user, pk)
    return recording_response(request, call)

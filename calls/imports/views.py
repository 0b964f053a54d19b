"""Import pages (QA managers only), for calls and for survey answers alike (calls.imports.kinds): upload, map columns, set up unknown agents (calls.imports.agents), follow
the progress, read and download refused rows.

QA managers share imports: every manager sees every job and every saved mapping.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calls.access import get_import_job_for, get_import_mapping_for, require_qa_manager
from calls.fields import agent_candidates
from calls.imports import agents, jobs, presets, tasks
from calls.imports.forms import AgentStepForm, ColumnMappingForm, UploadForm, max_upload_bytes
from calls.imports.kinds import kind_of, labelled
from calls.imports.mapping import suggest_columns
from calls.imports.presets import PRESETS
from calls.imports.reading import MAX_COLUMNS, FileRefused
from calls.models import ImportJob, ImportKind, ImportMapping
from calls.reasons import render as render_reason
from qa_center import csv_cells
from qa_center.people.models import Team

JOBS_PER_PAGE = 25
ERRORS_PER_PAGE = 50


@require_GET
@login_required
def job_list(request):
    require_qa_manager(request.user)
    jobs = ImportJob.objects.select_related("created_by")
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "calls/imports/job_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
def job_new(request, kind=ImportKind.CALLS):
    """Upload a file to import: calls, or survey answers (`kind`, from the URL)."""
    require_qa_manager(request.user)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"using": request.GET.get("using", "")},
        kind=kind,
    )
    if request.method == "POST" and form.is_valid():
        job = jobs.create_import_job(uploaded_file=form.cleaned_data["file"], user=request.user, kind=kind)
        if job.is_finished:  # refused as a whole: the job page says why
            return redirect("imports:detail", job.pk)
        url = reverse("imports:mapping", args=[job.pk])
        using = form.cleaned_data["using"]
        return redirect(f"{url}?{urlencode({'using': using})}" if using else url)
    context = {
        "form": form,
        "kind": kind,
        "max_upload": max_upload_bytes(),
        "max_columns": MAX_COLUMNS,
        "action": reverse("imports:new_surveys" if kind == ImportKind.SURVEYS else "imports:new"),
    }
    return render(request, "calls/imports/upload.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def job_mapping(request, pk):
    job = get_import_job_for(request.user, pk)
    if job.status != ImportJob.Status.PENDING or job.columns:
        return redirect("imports:detail", job.pk)
    try:
        preview = jobs.preview_job(job=job)
    except FileRefused as exc:
        jobs.refuse_import_job(job=job, message=exc.reason)
        return redirect("imports:detail", job.pk)
    kind = kind_of(job.kind)
    field_set = kind.field_set
    using = (request.POST if request.method == "POST" else request.GET).get("using", "")
    reference = presets.resolve_mapping_reference(using, kind.key) if using else None
    columns, date_format, mapping = reference or (None, "", None)
    by_header_names = suggest_columns(headers=preview.headers, rows=preview.rows, field_set=field_set)
    if columns is not None:
        columns = suggest_columns(headers=preview.headers, columns=columns, field_set=field_set)
    initial = {
        **(by_header_names if columns is None else columns),
        "date_format": date_format,
        "using": using if reference else "",
    }
    form = ColumnMappingForm(
        request.POST or None, headers=preview.headers, rows=preview.rows, initial=initial, kind=kind.key
    )
    if request.method == "POST" and form.is_valid():
        columns, date_format = form.columns(), form.cleaned_data["date_format"]
        with transaction.atomic():
            if form.cleaned_data["save_as"]:
                mapping = presets.save_mapping(
                    name=form.cleaned_data["save_as"],
                    columns=columns,
                    date_format=date_format,
                    user=request.user,
                    kind=kind.key,
                )
            if jobs.configure_import_job(job=job, columns=columns, date_format=date_format, mapping=mapping):
                tasks.import_calls.delay_on_commit(job.pk)
        return redirect("imports:detail", job.pk)
    context = {
        "job": job,
        "preview": preview,
        "form": form,
        "references": [("", _("Match by header names"))]
        + [(f"preset:{p.key}", p.name) for p in presets.presets_of(kind.key)]
        + [
            (f"mapping:{pk}", name)
            for pk, name in ImportMapping.objects.filter(kind=kind.key).values_list("pk", "name")
        ],
        "using": initial["using"],
        # Whatever the chosen mapping, whether the file looks like the kind's export at all.
        "not_a_call_list": kind.file_problem(suggested=by_header_names),
    }
    return render(request, "calls/imports/mapping.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def job_agents(request, pk):
    """The agent step: the file's agent values that no agent matches, each mapped, created or left."""
    job = get_import_job_for(request.user, pk)
    if job.status != ImportJob.Status.NEEDS_AGENTS:
        return redirect("imports:detail", job.pk)
    entries = job.unknown_agents.get("values", [])
    suggested = {} if request.method == "POST" else agents.suggested_usernames([e["value"] for e in entries])
    form = AgentStepForm(
        request.POST or None,
        entries=entries,
        suggested_usernames=suggested,
        team_entries=job.unknown_agents.get("teams", []),
    )
    if request.method == "POST" and form.is_valid():
        try:
            applied = agents.apply_agent_choices(
                job=job, choices=form.choices(), team_choices=form.team_choices(), user=request.user
            )
        except agents.ChoicesRefused as exc:
            form.add_row_errors(exc.errors, exc.team_errors)
        else:
            if applied is None:
                messages.error(request, _("This import is no longer waiting for its agents."))
            else:
                messages.success(
                    request,
                    _(
                        "Agents created: %(created)s; teams created: %(teams)s; names mapped to agents: "
                        "%(aliases)s; left (their rows are refused): %(left)s. The import has started."
                    )
                    % {
                        "created": applied.created_agents,
                        "teams": applied.created_teams,
                        "aliases": applied.aliases,
                        "left": applied.left,
                    },
                )
            return redirect("imports:detail", job.pk)
    context = {
        "job": job,
        "form": form,
        "more_values": job.unknown_agents.get("more_values", 0),
        "more_rows": job.unknown_agents.get("more_rows", 0),
        "more_teams": job.unknown_agents.get("more_teams", 0),
        "more_team_rows": job.unknown_agents.get("more_team_rows", 0),
        "agents": agent_candidates().only("username", "agent_code", "first_name", "last_name"),
        "teams": Team.objects.values_list("name", flat=True),
    }
    return render(request, "calls/imports/agents.html", context)


@require_GET
@login_required
def job_detail(request, pk):
    job = get_import_job_for(request.user, pk)
    errors = Paginator(job.row_errors.all(), ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"job": job, "errors": errors, "columns": labelled(job.columns, job.kind)}
    return render(request, "calls/imports/job_detail.html", context)


@require_GET
@login_required
def job_progress(request, pk):
    """The progress fragment that the job page polls every second while the import runs."""
    job = get_import_job_for(request.user, pk)
    response = render(request, "calls/imports/_progress.html", {"job": job})
    stopped = job.is_finished or job.status == ImportJob.Status.NEEDS_AGENTS
    if stopped and request.headers.get("HX-Request"):
        # Once: the reloaded page shows the refused rows (or the agent step's button), and does not poll.
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def job_cancel(request, pk):
    """Cancel a job no worker has claimed: one left waiting for its mapping, or queued."""
    job = get_import_job_for(request.user, pk)
    if jobs.cancel_import_job(job=job):
        messages.success(
            request, _("The import of “%s” was cancelled; its file was removed.") % job.original_name
        )
    else:
        messages.error(request, _("This import has already started or ended; it can no longer be cancelled."))
    return redirect("imports:detail", job.pk)


@require_POST
@login_required
def job_delete(request, pk):
    """Delete a job that never ran, with its file."""
    job = get_import_job_for(request.user, pk)
    if jobs.delete_import_job(job=job):
        messages.success(request, _("The import of “%s” was deleted.") % job.original_name)
        return redirect("imports:list")
    messages.error(request, _("This import has already run; it can no longer be deleted."))
    return redirect("imports:detail", job.pk)


class _Echo:
    """The CSV writer writes into this and gets the line back, to stream it."""

    def write(self, value):
        return value


@require_GET
@login_required
def job_errors_csv(request, pk):
    job = get_import_job_for(request.user, pk)
    writer = csv_cells.writer(_Echo())

    def lines():
        # A BOM, so that Excel reads the UTF-8 text correctly.
        yield "\ufeff" + writer.writerow([_("line"), _("reason"), _("row")])
        # The reasons in the downloader's language (calls.reasons), as on the job page.
        rows = job.row_errors.values_list("line_number", "reason", "message", "raw").iterator(chunk_size=2000)
        for line_number, reason, message, raw in rows:
            yield writer.writerow([line_number, render_reason(reason, message), raw])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = job.original_name.rsplit(".", 1)[0] or "import"
    response["Content-Disposition"] = content_disposition_header(True, f"{name}-refused-rows.csv")
    return response


@require_GET
@login_required
def mapping_list(request):
    require_qa_manager(request.user)
    saved = [
        (mapping, labelled(mapping.columns, mapping.kind))
        for mapping in ImportMapping.objects.select_related("created_by")
    ]
    shipped = [(preset, labelled(preset.columns, preset.kind)) for preset in PRESETS.values()]
    return render(request, "calls/imports/mapping_list.html", {"saved": saved, "presets": shipped})


@require_POST
@login_required
def mapping_delete(request, pk):
    mapping = get_import_mapping_for(request.user, pk)
    if mapping.is_preset:
        messages.error(request, _("“%s” is a preset and cannot be deleted.") % mapping.name)
    else:
        mapping.delete()
        messages.success(request, _("The mapping “%s” was deleted.") % mapping.name)
    return redirect("imports:mappings")

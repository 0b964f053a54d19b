"""The scorecard builder (QA managers) and the published scorecards everyone reads and comments on.

Views stay thin: the rules are in builder/services.py. Sections and criteria (a choice's options are part of its
criterion's form) have no access rule of their own: the version they belong to decides (access.get_section_for and
friends), so a draft's parts are 404 to non-managers like the draft itself, and changing anything is 403 for everyone
but QA managers.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qa_center.people import roles
from scorecards.access import (
    get_criterion_for,
    get_scorecard_for,
    get_section_for,
    get_version_for,
    require_qa_manager,
)
from scorecards.builder import services as builder
from scorecards.builder.forms import (
    CommentForm,
    CriterionForm,
    MoveForm,
    PublishForm,
    ScorecardCreateForm,
    SectionForm,
    VersionSettingsForm,
    option_formset,
)
from scorecards.evaluations.forms import posted_answers
from scorecards.evaluations.services import explained_score
from scorecards.models import Criterion, ScorecardVersion, Section
from scorecards.scoring import spec
from scorecards.scoring.explain import section_shares


def _edit_url(version_id: int, anchor: str = "") -> str:
    url = reverse("scorecards:edit", args=[version_id])
    return f"{url}#{anchor}" if anchor else url


def _report_form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _run(request, action) -> bool:
    """Call a builder service; its refusals (frozen version, invalid values) become messages."""
    try:
        action()
    except builder.NotADraft as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        return True
    return False


# --- Scorecards ---------------------------------------------------------------------------------------------


@require_safe
@login_required
def scorecard_list(request):
    context = {
        "scorecards": builder.scorecards_for_list(user=request.user),
        "is_manager": roles.is_manager(request.user),
    }
    return render(request, "scorecards/builder/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def scorecard_create(request):
    require_qa_manager(request.user)
    # "Duplicate for another call type" on a scorecard's page comes here with ?copy_from=<its pk>.
    initial = (
        {"copy_from": request.GET.get("copy_from")} if request.GET.get("copy_from", "").isdigit() else {}
    )
    form = ScorecardCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scorecard = builder.create_scorecard(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error("call_type", error)
        else:
            draft = scorecard.versions.get(status=ScorecardVersion.Status.DRAFT)
            messages.success(request, _("Scorecard created: add its sections and criteria, then publish it."))
            return redirect(_edit_url(draft.pk))
    return render(request, "scorecards/builder/create.html", {"form": form})


@require_safe
@login_required
def scorecard_detail(request, pk):
    scorecard = get_scorecard_for(request.user, pk)
    versions = list(builder.versions_for_history(scorecard=scorecard, user=request.user))
    context = {
        "scorecard": scorecard,
        "versions": versions,
        "published": next((v for v in versions if v.status == ScorecardVersion.Status.PUBLISHED), None),
        "draft": next((v for v in versions if v.status == ScorecardVersion.Status.DRAFT), None),
        "is_manager": roles.is_manager(request.user),
    }
    return render(request, "scorecards/builder/detail.html", context)


@require_POST
@login_required
def new_draft(request, pk):
    scorecard = get_scorecard_for(request.user, pk, for_change=True)
    try:
        # "Start blank" or (the default) a copy of the version in force.
        draft = builder.start_draft(
            scorecard=scorecard, by=request.user, blank=request.POST.get("start") == "blank"
        )
    except builder.DraftExists as error:
        messages.info(request, str(error))
        draft = error.draft
    else:
        messages.success(request, _("Draft version %(number)s started.") % {"number": draft.number})
    return redirect(_edit_url(draft.pk))


# --- Versions -----------------------------------------------------------------------------------------------


def _outline_with_comments(version: ScorecardVersion, *, viewer) -> list[Section]:
    sections = spec.version_outline(version)
    comments = builder.comments_by_criterion_title(version, viewer=viewer)
    shares = section_shares(version, sections)
    for section in sections:
        section.share = shares.get(section.pk)
        for criterion in section.criteria_list:
            criterion.comments_list = comments.get(criterion.title, [])
            if criterion.kind == Criterion.Kind.SCALE:
                criterion.scale_values = range(criterion.scale_max + 1)
    return sections


@require_safe
@login_required
def version_detail(request, pk):
    """The version as the reviewer's form shows it (read-only), with guidance and the criteria's comments."""
    version = get_version_for(request.user, pk)
    sections = _outline_with_comments(version, viewer=request.user)
    can_comment = version.status == ScorecardVersion.Status.PUBLISHED
    if can_comment:
        for section in sections:
            for criterion in section.criteria_list:
                criterion.comment_form = CommentForm(auto_id=f"id_comment_{criterion.pk}_%s")
    context = {
        "version": version,
        "scorecard": version.scorecard,
        "sections": sections,
        "can_comment": can_comment,
        "is_manager": roles.is_manager(request.user),
        "explanation": explained_score(version, sections, {}),
    }
    return render(request, "scorecards/builder/version.html", context)


@require_POST
@login_required
def version_try(request, pk):
    """The "try it" panel: the score of the answers posted, saving nothing (htmx swaps it in)."""
    version = get_version_for(request.user, pk)
    outline = spec.version_outline(version)
    answers = posted_answers(spec.criteria_by_id(outline).values(), request.POST)
    explanation = explained_score(version, outline, answers)
    return render(request, "scorecards/evaluations/_score_panel.html", {"explanation": explanation})


@require_safe
@login_required
def version_edit(request, pk):
    version = get_version_for(request.user, pk, for_change=True)
    if not version.is_editable:
        messages.info(request, _("This version is frozen. Start a new draft to change the scorecard."))
        return redirect("scorecards:version", pk=version.pk)
    sections = _outline_with_comments(version, viewer=request.user)
    for section in sections:
        section.form = SectionForm(instance=section, prefix=f"section-{section.pk}")
    context = {
        "version": version,
        "scorecard": version.scorecard,
        "sections": sections,
        "settings_form": VersionSettingsForm(instance=version, prefix="settings"),
        "section_form": SectionForm(prefix="new-section"),
        "publish_form": PublishForm(initial={"notes": version.notes}, prefix="publish"),
        "problems": builder.publish_problems(version),
    }
    return render(request, "scorecards/builder/edit.html", context)


@require_POST
@login_required
def version_settings(request, pk):
    version = get_version_for(request.user, pk, for_change=True)
    form = VersionSettingsForm(request.POST, prefix="settings")
    if form.is_valid():
        if _run(request, lambda: builder.update_version_settings(version=version, **form.cleaned_data)):
            messages.success(request, _("Settings saved."))
    else:
        _report_form_errors(request, form)
    return redirect(_edit_url(version.pk))


@require_POST
@login_required
def version_publish(request, pk):
    version = get_version_for(request.user, pk, for_change=True)
    form = PublishForm(request.POST, prefix="publish")
    form.is_valid()  # notes are optional free text: always valid
    notes = form.cleaned_data.get("notes", "")
    if _run(request, lambda: builder.publish(version=version, by=request.user, notes=notes)):
        messages.success(
            request,
            _("Version %(number)s is published and in force from now on.") % {"number": version.number},
        )
        return redirect("scorecards:detail", pk=version.scorecard_id)
    return redirect(_edit_url(version.pk))


@require_POST
@login_required
def version_discard(request, pk):
    version = get_version_for(request.user, pk, for_change=True)
    if _run(request, lambda: builder.discard_draft(version=version)):
        messages.success(request, _("Draft discarded."))
        return redirect("scorecards:detail", pk=version.scorecard_id)
    return redirect(_edit_url(version.pk))


# --- Sections -----------------------------------------------------------------------------------------------


@require_POST
@login_required
def section_add(request, pk):
    version = get_version_for(request.user, pk, for_change=True)
    form = SectionForm(request.POST, prefix="new-section")
    if form.is_valid():
        _run(request, lambda: builder.add_section(version=version, **form.cleaned_data))
    else:
        _report_form_errors(request, form)
    return redirect(_edit_url(version.pk, "sections-end"))


@require_POST
@login_required
def section_edit(request, pk):
    section = get_section_for(request.user, pk, for_change=True)
    form = SectionForm(request.POST, prefix=f"section-{section.pk}")
    if form.is_valid():
        _run(request, lambda: builder.update_section(section=section, **form.cleaned_data))
    else:
        _report_form_errors(request, form)
    return redirect(_edit_url(section.version_id, f"section-{section.pk}"))


@require_POST
@login_required
def section_delete(request, pk):
    section = get_section_for(request.user, pk, for_change=True)
    if _run(request, lambda: builder.delete_section(section=section)):
        messages.success(request, _("Section “%(title)s” deleted.") % {"title": section.title})
    return redirect(_edit_url(section.version_id))


@require_POST
@login_required
def section_move(request, pk):
    section = get_section_for(request.user, pk, for_change=True)
    form = MoveForm(request.POST)
    if form.is_valid():
        _run(request, lambda: builder.move_section(section=section, **form.cleaned_data))
    return redirect(_edit_url(section.version_id, f"section-{section.pk}"))


# --- Criteria -----------------------------------------------------------------------------------------------


def _criterion_form_page(request, *, section: Section, criterion: Criterion | None = None):
    """Add (criterion None) or edit a criterion of a draft, a choice's options in the same form: the page
    shows every error at once, each beside its field, and saves nothing until all of it is valid."""
    version = section.version
    posted = request.method == "POST"
    form = CriterionForm(request.POST if posted else None, instance=criterion)
    # A POST without the options rows (a hand-made request) has no options to read: the rows start afresh.
    has_rows = posted and "options-TOTAL_FORMS" in request.POST
    options = option_formset(request.POST if has_rows else None, criterion=criterion)
    is_choice = False
    if posted:
        form_valid = form.is_valid()
        is_choice = (form.cleaned_data.get("kind") or request.POST.get("kind")) == Criterion.Kind.CHOICE
        options_valid = not is_choice or (has_rows and options.is_valid())
        if is_choice and not has_rows:
            form.add_error(None, builder.option_problems([]).overall)
        if form_valid and options_valid:
            values = {**form.cleaned_data, "options": options.options() if is_choice else None}
            try:
                if criterion is None:
                    saved = builder.add_criterion(section=section, **values)
                else:
                    saved = builder.update_criterion(criterion=criterion, **values)
            except builder.NotADraft as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Criterion saved."))
                if "continue" in request.POST:
                    return redirect(reverse("scorecards:criterion_edit", args=[saved.pk]) + "#options")
                return redirect(_edit_url(version.pk, f"criterion-{saved.pk}"))
    context = {
        "form": form,
        "options": options,
        "show_option_errors": is_choice,
        "max_option_points": f"{builder.MAX_OPTION_POINTS:g}",
        "criterion": criterion,
        "section": section,
        "version": version,
        "scorecard": version.scorecard,
    }
    return render(request, "scorecards/builder/criterion_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def criterion_add(request, pk):
    section = get_section_for(request.user, pk, for_change=True)
    if not section.version.is_editable:
        return redirect(_edit_url(section.version_id))
    return _criterion_form_page(request, section=section)


@require_http_methods(["GET", "POST"])
@login_required
def criterion_edit(request, pk):
    criterion = get_criterion_for(request.user, pk, for_change=True)
    if not criterion.section.version.is_editable:
        return redirect(_edit_url(criterion.section.version_id))
    return _criterion_form_page(request, section=criterion.section, criterion=criterion)


@require_POST
@login_required
def criterion_delete(request, pk):
    criterion = get_criterion_for(request.user, pk, for_change=True)
    if _run(request, lambda: builder.delete_criterion(criterion=criterion)):
        messages.success(request, _("Criterion “%(title)s” deleted.") % {"title": criterion.title})
    return redirect(_edit_url(criterion.section.version_id, f"section-{criterion.section_id}"))


@require_POST
@login_required
def criterion_move(request, pk):
    criterion = get_criterion_for(request.user, pk, for_change=True)
    form = MoveForm(request.POST)
    if form.is_valid():
        _run(request, lambda: builder.move_criterion(criterion=criterion, **form.cleaned_data))
    return redirect(_edit_url(criterion.section.version_id, f"criterion-{criterion.pk}"))


# --- Comments -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def criterion_comments(request, pk):
    """A criterion's comment thread (this and earlier versions); anyone signed in adds to a published one."""
    criterion = get_criterion_for(request.user, pk)
    version = criterion.section.version
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and _run(
            request,
            lambda: builder.add_criterion_comment(
                criterion=criterion, author=request.user, body=form.cleaned_data["body"]
            ),
        ):
            messages.success(request, _("Thank you: your comment is with the QA managers."))
            return redirect(reverse("scorecards:version", args=[version.pk]) + f"#criterion-{criterion.pk}")
        _report_form_errors(request, form)
    context = {
        "criterion": criterion,
        "version": version,
        "scorecard": version.scorecard,
        "comments": builder.comments_by_criterion_title(version, viewer=request.user).get(
            criterion.title, []
        ),
        "form": form,
        "can_comment": version.status == ScorecardVersion.Status.PUBLISHED,
        "is_manager": roles.is_manager(request.user),
    }
    return render(request, "scorecards/builder/comments.html", context)

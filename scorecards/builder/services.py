"""Building scorecards: drafts, their sections, criteria and options; publishing; the spec the engine scores.

A published version is frozen: every evaluation keeps the version it was scored on. All editing happens on
the scorecard's one draft (start_draft deep-copies the published version into it) and publish() swaps it in.
Services that change a version raise NotADraft for anything but a draft, whatever the caller checked before.

Agents' comments belong to the criterion of the version they read. A new draft copies no comments: it shows
the comments made on criteria with the same title in this and earlier versions of the scorecard
(comments_by_criterion_title). So the thread follows a criterion across versions while its wording stays,
and a reworded criterion starts a fresh one, which is what it needs: the old comments were about the old
wording.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from qa_center.history import changes_by, record_created, record_updated
from qa_center.people import roles
from scorecards.models import (
    Criterion,
    CriterionComment,
    CriterionOption,
    Evaluation,
    Scorecard,
    ScorecardVersion,
    Section,
)

Direction = Literal["up", "down"]

__all__ = [
    "MAX_OPTION_POINTS",
    "DraftExists",
    "NotADraft",
    "OptionInput",
    "OptionProblems",
    "add_criterion",
    "add_criterion_comment",
    "add_section",
    "comments_by_criterion_title",
    "create_scorecard",
    "delete_criterion",
    "delete_section",
    "discard_draft",
    "move_criterion",
    "move_section",
    "option_problems",
    "publish",
    "publish_problems",
    "scorecards_for_list",
    "start_draft",
    "update_criterion",
    "update_section",
    "update_version_settings",
    "versions_for_history",
]


class NotADraft(Exception):
    """Asked to change a published or retired version: those are frozen."""

    def __init__(self, version: ScorecardVersion):
        self.version = version
        super().__init__(
            _(
                "Version %(number)s is %(status)s and cannot be changed: "
                "start a new draft to edit the scorecard."
            )
            % {"number": version.number, "status": version.get_status_display().lower()}
        )


class DraftExists(Exception):
    """A scorecard has at most one draft: the one it has is carried here."""

    def __init__(self, draft: ScorecardVersion):
        self.draft = draft
        super().__init__(
            _("This scorecard already has a draft (version %(number)s).") % {"number": draft.number}
        )


# --- Reading -----------------------------------------------------------------------------------------------


def scorecards_for_list(*, user) -> QuerySet[Scorecard]:
    """Scorecards with their published and draft version numbers (subqueries: one query for the page).
    Everyone signed in reads published scorecards; only QA managers see those that have only a draft."""
    versions = ScorecardVersion.objects.filter(scorecard=OuterRef("pk")).order_by()
    published = versions.filter(status=ScorecardVersion.Status.PUBLISHED)
    draft = versions.filter(status=ScorecardVersion.Status.DRAFT)
    scorecards = Scorecard.objects.select_related("call_type").annotate(
        published_id=Subquery(published.values("pk")[:1]),
        published_number=Subquery(published.values("number")[:1]),
        published_at=Subquery(published.values("published_at")[:1]),
        draft_id=Subquery(draft.values("pk")[:1]),
        draft_number=Subquery(draft.values("number")[:1]),
    )
    if not roles.is_manager(user):
        scorecards = scorecards.filter(Exists(published))
    return scorecards.order_by("name")


def versions_for_history(*, scorecard: Scorecard, user) -> QuerySet[ScorecardVersion]:
    """A scorecard's versions, newest first, with how many criteria they have and evaluations were scored on
    them (counted by subqueries: joining both would multiply the rows). Drafts only for QA managers."""
    criteria = (
        Criterion.objects.filter(section__version=OuterRef("pk"))
        .order_by()
        .values("section__version")
        .annotate(n=Count("pk"))
        .values("n")
    )
    evaluations = (
        Evaluation.objects.filter(version=OuterRef("pk"))
        .order_by()
        .values("version")
        .annotate(n=Count("pk"))
        .values("n")
    )
    versions = (
        scorecard.versions.select_related("published_by")
        .annotate(
            criteria_count=Coalesce(Subquery(criteria), 0),
            evaluation_count=Coalesce(Subquery(evaluations), 0),
        )
        .order_by("-number")
    )
    if not roles.is_manager(user):
        versions = versions.exclude(status=ScorecardVersion.Status.DRAFT)
    return versions


def comments_by_criterion_title(version: ScorecardVersion, *, viewer) -> dict[str, list[CriterionComment]]:
    """Comments on this version's criteria and on same-titled criteria of the scorecard's earlier versions,
    grouped by criterion title, oldest first (see the module docstring for why the title). One query.

    Comments are written to the QA managers: they read every comment; anyone else reads only their own."""
    titles = Criterion.objects.filter(section__version=version).values("title")
    comments = CriterionComment.objects.filter(
        criterion__section__version__scorecard_id=version.scorecard_id,
        criterion__section__version__number__lte=version.number,
        criterion__title__in=titles,
    )
    if not roles.is_manager(viewer):
        comments = comments.filter(author_id=viewer.pk)
    comments = comments.select_related("author", "criterion__section__version").order_by("created_at", "id")
    grouped: dict[str, list[CriterionComment]] = defaultdict(list)
    for comment in comments:
        grouped[comment.criterion.title].append(comment)
    return dict(grouped)


def publish_problems(version: ScorecardVersion) -> list[str]:
    """What keeps the version from being published, in words a manager can act on (empty: publishable)."""
    problems = []
    if not (0 <= version.pass_mark <= 100):
        problems.append(_("The pass mark must be between 0 and 100."))
    sections = list(version.sections.annotate(criteria_count=Count("criteria")).order_by("position", "id"))
    if not sections:
        problems.append(_("Add at least one section."))
    for section in sections:
        if section.weight <= 0:
            problems.append(
                _("Section “%(section)s”: the weight must be more than 0.") % {"section": section.title}
            )
        if not section.criteria_count:
            problems.append(_("Section “%(section)s” has no criterion.") % {"section": section.title})
    criteria = (
        Criterion.objects.filter(section__version=version)
        .annotate(option_count=Count("options"), best_option=Max("options__points"))
        .order_by("section__position", "section_id", "position", "id")
    )
    for criterion in criteria:
        names = {"criterion": criterion.title}
        if criterion.weight <= 0:
            problems.append(_("Criterion “%(criterion)s”: the weight must be more than 0.") % names)
        if criterion.kind == Criterion.Kind.SCALE and not (criterion.scale_max and criterion.scale_max >= 1):
            problems.append(_("Criterion “%(criterion)s”: a scale needs a maximum of at least 1.") % names)
        if criterion.kind == Criterion.Kind.CHOICE:
            if criterion.option_count < 2:
                problems.append(_("Criterion “%(criterion)s”: a choice needs at least two options.") % names)
            elif not (criterion.best_option and criterion.best_option > 0):
                problems.append(_("Criterion “%(criterion)s”: at least one option must earn points.") % names)
    return problems


# --- Scorecards and versions ------------------------------------------------------------------------------


@changes_by()
@transaction.atomic
def create_scorecard(
    *, call_type, name: str, description: str = "", by, copy_from: Scorecard | None = None
) -> Scorecard:
    """A new scorecard for a call type that has none, with a draft (version 1) to build: empty, or, with
    `copy_from`, a copy of that scorecard's version in force (its sections, criteria, options, scoring method
    and pass mark) — a scorecard duplicated for another call type. The two stay independent afterwards."""
    source = None
    if copy_from is not None:
        source = copy_from.versions.filter(status=ScorecardVersion.Status.PUBLISHED).first()
        if source is None:
            raise ValidationError(
                _("“%(scorecard)s” has no version in force to copy.") % {"scorecard": copy_from}
            )
    if Scorecard.objects.filter(call_type=call_type).exists():
        raise ValidationError(
            _("The call type “%(call_type)s” already has a scorecard.") % {"call_type": call_type}
        )
    try:
        with transaction.atomic():
            scorecard = Scorecard.objects.create(
                call_type=call_type, name=name, description=description, created_by=by
            )
    except IntegrityError as error:  # created meanwhile by someone else
        raise ValidationError(
            _("The call type “%(call_type)s” already has a scorecard.") % {"call_type": call_type}
        ) from error
    draft = ScorecardVersion.objects.create(
        scorecard=scorecard,
        number=1,
        **({"scoring_method": source.scoring_method, "pass_mark": source.pass_mark} if source else {}),
    )
    if source is not None:
        _copy_content(source=source, target=draft)
    return scorecard


@changes_by()
@transaction.atomic
def start_draft(*, scorecard: Scorecard, by, blank: bool = False) -> ScorecardVersion:
    """A new draft, numbered next: a deep copy (sections, criteria, options) of the published version, or,
    with `blank`, empty (the scoring method and pass mark still come from the version in force).

    Raises DraftExists if the scorecard already has one. Without a published version the draft starts empty.
    `by` is taken for symmetry with the other services: a version records who published it, not who
    drafted it.
    """
    versions = list(
        ScorecardVersion.objects.select_for_update().filter(scorecard=scorecard).order_by("number")
    )
    for version in versions:
        if version.status == ScorecardVersion.Status.DRAFT:
            raise DraftExists(version)
    source = next((v for v in versions if v.status == ScorecardVersion.Status.PUBLISHED), None)
    draft = ScorecardVersion.objects.create(
        scorecard=scorecard,
        number=(versions[-1].number if versions else 0) + 1,
        scoring_method=source.scoring_method if source else ScorecardVersion.Method.WEIGHTED_SECTIONS,
        **({"pass_mark": source.pass_mark} if source else {}),
    )
    if source is not None and not blank:
        _copy_content(source=source, target=draft)
    return draft


def _copy_content(*, source: ScorecardVersion, target: ScorecardVersion) -> None:
    """Copy sections, criteria and options with one bulk insert per table (ids come back on SQLite ≥ 3.35 and
    PostgreSQL, which Django 5.2 requires anyway)."""
    sections = list(source.sections.order_by("position", "id"))
    new_sections = Section.objects.bulk_create(
        Section(version=target, title=s.title, weight=s.weight, position=s.position) for s in sections
    )
    record_created(new_sections)
    section_map = {old.pk: new for old, new in zip(sections, new_sections, strict=True)}
    criteria = list(Criterion.objects.filter(section__version=source).order_by("pk"))
    new_criteria = Criterion.objects.bulk_create(
        Criterion(
            section=section_map[c.section_id],
            title=c.title,
            guidance=c.guidance,
            kind=c.kind,
            scale_max=c.scale_max,
            weight=c.weight,
            allows_na=c.allows_na,
            critical_scope=c.critical_scope,
            position=c.position,
        )
        for c in criteria
    )
    record_created(new_criteria)
    criterion_map = {old.pk: new for old, new in zip(criteria, new_criteria, strict=True)}
    new_options = CriterionOption.objects.bulk_create(
        CriterionOption(
            criterion=criterion_map[o.criterion_id], label=o.label, points=o.points, position=o.position
        )
        for o in CriterionOption.objects.filter(criterion__section__version=source)
    )
    record_created(new_options)


def _lock_draft(version_id: int) -> ScorecardVersion:
    """Re-read the version under a row lock (PostgreSQL; SQLite serialises writers anyway), so that an edit
    and a concurrent publish cannot interleave; raise NotADraft unless it is a draft."""
    version = ScorecardVersion.objects.select_for_update().get(pk=version_id)
    if version.status != ScorecardVersion.Status.DRAFT:
        raise NotADraft(version)
    return version


@transaction.atomic
def update_version_settings(
    *, version: ScorecardVersion, scoring_method: str, pass_mark: Decimal
) -> ScorecardVersion:
    _lock_draft(version.pk)
    if scoring_method not in ScorecardVersion.Method.values:
        raise ValidationError(_("Unknown scoring method."))
    if not 0 <= pass_mark <= 100:
        raise ValidationError(_("The pass mark must be between 0 and 100."))
    version.scoring_method, version.pass_mark = scoring_method, pass_mark
    version.save(update_fields=["scoring_method", "pass_mark"])
    return version


@transaction.atomic
def discard_draft(*, version: ScorecardVersion) -> None:
    """Throw a draft away (its sections, criteria and options go with it); the published version stays."""
    _lock_draft(version.pk)
    version.delete()


@changes_by()
@transaction.atomic
def publish(*, version: ScorecardVersion, by, notes: str | None = None) -> ScorecardVersion:
    """Publish a draft: the version in force until now is retired in the same transaction.

    Raises NotADraft for a version that is not a draft and ValidationError (with every problem) if the draft
    is not publishable. `notes` ("what changed"), when given, replaces the draft's notes.
    """
    # Lock every version of the scorecard: two managers publishing at once would otherwise both retire the
    # same version and one of them would hit the one-published-version constraint.
    locked = ScorecardVersion.objects.select_for_update().filter(scorecard_id=version.scorecard_id)
    current = next(v for v in locked if v.pk == version.pk)
    if current.status != ScorecardVersion.Status.DRAFT:
        raise NotADraft(current)
    problems = publish_problems(current)
    if problems:
        raise ValidationError(problems)
    # Retire first: the database allows one published version per scorecard at any moment.
    in_force = [v.pk for v in locked if v.status == ScorecardVersion.Status.PUBLISHED]
    ScorecardVersion.objects.filter(pk__in=in_force).update(status=ScorecardVersion.Status.RETIRED)
    record_updated(ScorecardVersion, in_force)
    version.status = ScorecardVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by
    fields = ["status", "published_at", "published_by"]
    if notes is not None:
        version.notes = notes
        fields.append("notes")
    version.save(update_fields=fields)
    return version


# --- Sections of a draft -------------------------------------------------------------------------------


def _next_position(queryset: QuerySet) -> int:
    last = queryset.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _move(item, siblings: QuerySet, direction: Direction) -> bool:
    """Swap `item` with its neighbour and renumber the siblings 0..n-1 (positions may have gaps or ties after
    deletions and copies). Returns False when it is already first (up) or last (down)."""
    ordered = list(siblings.order_by("position", "id"))
    was = {sibling.pk: sibling.position for sibling in ordered}
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, sibling in enumerate(ordered):
        sibling.position = position
    type(item).objects.bulk_update(ordered, ["position"])
    type(item).history.bulk_history_create([s for s in ordered if s.position != was[s.pk]], update=True)
    item.position = target
    return True


@transaction.atomic
def add_section(*, version: ScorecardVersion, title: str, weight: Decimal = Decimal(1)) -> Section:
    _lock_draft(version.pk)
    return Section.objects.create(
        version=version, title=title, weight=weight, position=_next_position(version.sections.all())
    )


@transaction.atomic
def update_section(*, section: Section, title: str, weight: Decimal) -> Section:
    _lock_draft(section.version_id)
    section.title, section.weight = title, weight
    section.save(update_fields=["title", "weight"])
    return section


@transaction.atomic
def delete_section(*, section: Section) -> None:
    """Delete a section with its criteria."""
    _lock_draft(section.version_id)
    section.delete()


@transaction.atomic
def move_section(*, section: Section, direction: Direction) -> bool:
    _lock_draft(section.version_id)
    return _move(section, Section.objects.filter(version_id=section.version_id), direction)


def _criterion_values(*, kind: str, scale_max: int | None, critical_scope: str) -> tuple[int | None, str]:
    if kind not in Criterion.Kind.values:
        raise ValidationError(_("Unknown kind of criterion."))
    if critical_scope not in Criterion.CriticalScope.values:
        raise ValidationError(_("Unknown critical scope."))
    if kind == Criterion.Kind.SCALE:
        if not scale_max or scale_max < 1:
            raise ValidationError(_("A scale needs a maximum (N) of at least 1."))
        return scale_max, critical_scope
    return None, critical_scope  # N only means something for a scale


# --- Options of a choice criterion ---------------------------------------------------------------------

#: An option earns 0 to this many points (a scale goes up to 100 too): more only ever came from a typo.
MAX_OPTION_POINTS = Decimal(100)


@dataclass(frozen=True, kw_only=True)
class OptionInput:
    """One option as the manager wants it; `id` names an option of the criterion that is kept (None: new)."""

    label: str
    points: Decimal
    id: int | None = None


@dataclass(kw_only=True)
class OptionProblems:
    """What is wrong with a list of options: per row (index → field → message), and about the whole list."""

    rows: dict[int, dict[str, str]]
    overall: list[str]

    def __bool__(self) -> bool:
        return bool(self.rows or self.overall)

    def messages(self) -> list[str]:
        return [message for fields in self.rows.values() for message in fields.values()] + self.overall


def option_problems(options: Sequence[OptionInput]) -> OptionProblems:
    """The rules a choice criterion's options follow (the form shows them beside each field, the services
    refuse them): a label, once per criterion; 0 to MAX_OPTION_POINTS points; at least two options, one of
    which earns points (the best option's points are the criterion's maximum, so it must be more than 0)."""
    rows: dict[int, dict[str, str]] = defaultdict(dict)
    seen: set[str] = set()
    for index, option in enumerate(options):
        label = option.label.strip()
        if not label:
            rows[index]["label"] = _("An option needs a label.")
        elif label.casefold() in seen:
            rows[index]["label"] = _("Another option already has this label.")
        seen.add(label.casefold())
        if not (0 <= option.points <= MAX_OPTION_POINTS):
            rows[index]["points"] = _("Points must be between 0 and %(max)s.") % {
                "max": f"{MAX_OPTION_POINTS:g}"
            }
    overall = []
    if len(options) < 2:
        overall.append(_("A choice needs at least two options: add them below."))
    elif not any(option.points > 0 for option in options):
        overall.append(_("At least one option must earn points: the best option's points are the maximum."))
    return OptionProblems(rows=dict(rows), overall=overall)


def _set_options(criterion: Criterion, options: Sequence[OptionInput]) -> None:
    """Make the criterion's options exactly `options`, in that order: options named by id are updated in
    place, the others are created, and those left out are deleted (a draft's options have no answers yet)."""
    problems = option_problems(options)
    if problems:
        raise ValidationError(problems.messages())
    existing = {option.pk: option for option in criterion.options.all()}
    kept_ids = {option.id for option in options if option.id is not None}
    if not kept_ids <= existing.keys():
        raise ValidationError(_("An option was changed meanwhile: reload the page and try again."))
    criterion.options.exclude(pk__in=kept_ids).delete()
    updated, created = [], []
    for position, option in enumerate(options):
        if option.id is None:
            created.append(
                CriterionOption(
                    criterion=criterion, label=option.label.strip(), points=option.points, position=position
                )
            )
        else:
            row = existing[option.id]
            row.label, row.points, row.position = option.label.strip(), option.points, position
            updated.append(row)
    CriterionOption.objects.bulk_update(updated, ["label", "points", "position"])
    CriterionOption.history.bulk_history_create(updated, update=True)
    record_created(CriterionOption.objects.bulk_create(created))


# --- Criteria ------------------------------------------------------------------------------------------


@transaction.atomic
def add_criterion(
    *,
    section: Section,
    title: str,
    kind: str = Criterion.Kind.YES_NO,
    weight: Decimal = Decimal(1),
    scale_max: int | None = None,
    allows_na: bool = False,
    critical_scope: str = "",
    guidance: str = "",
    options: Sequence[OptionInput] | None = None,
) -> Criterion:
    """Add a criterion at the end of its section; a choice gets `options` (validated by option_problems)."""
    _lock_draft(section.version_id)
    scale_max, critical_scope = _criterion_values(
        kind=kind, scale_max=scale_max, critical_scope=critical_scope
    )
    criterion = Criterion.objects.create(
        section=section,
        title=title,
        kind=kind,
        weight=weight,
        scale_max=scale_max,
        allows_na=allows_na,
        critical_scope=critical_scope,
        guidance=guidance,
        position=_next_position(section.criteria.all()),
    )
    if options is not None and kind == Criterion.Kind.CHOICE:
        _set_options(criterion, options)
    return criterion


@transaction.atomic
def update_criterion(
    *,
    criterion: Criterion,
    title: str,
    kind: str,
    weight: Decimal,
    scale_max: int | None = None,
    allows_na: bool = False,
    critical_scope: str = "",
    guidance: str = "",
    options: Sequence[OptionInput] | None = None,
) -> Criterion:
    """Change a criterion and, for a choice, set its options to `options` (None: leave them as they are).
    One that stops being a choice loses its options (they would mean nothing)."""
    _lock_draft(criterion.section.version_id)
    scale_max, critical_scope = _criterion_values(
        kind=kind, scale_max=scale_max, critical_scope=critical_scope
    )
    if kind != Criterion.Kind.CHOICE:
        criterion.options.all().delete()
    elif options is not None:
        _set_options(criterion, options)
    criterion.title, criterion.kind, criterion.weight, criterion.scale_max = title, kind, weight, scale_max
    criterion.allows_na, criterion.critical_scope, criterion.guidance = allows_na, critical_scope, guidance
    criterion.save(
        update_fields=["title", "kind", "weight", "scale_max", "allows_na", "critical_scope", "guidance"]
    )
    return criterion


@transaction.atomic
def delete_criterion(*, criterion: Criterion) -> None:
    _lock_draft(criterion.section.version_id)
    criterion.delete()


@transaction.atomic
def move_criterion(*, criterion: Criterion, direction: Direction) -> bool:
    """Move within its section (moving to another section is a delete and an add)."""
    _lock_draft(criterion.section.version_id)
    return _move(criterion, Criterion.objects.filter(section_id=criterion.section_id), direction)


# --- Comments ----------------------------------------------------------------------------------------------


def add_criterion_comment(*, criterion: Criterion, author, body: str) -> CriterionComment:
    """Anyone signed in comments on a criterion of a published version (drafts are not shown to agents, and a
    retired version's criteria are no longer in use)."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a comment first."))
    if criterion.section.version.status != ScorecardVersion.Status.PUBLISHED:
        raise ValidationError(_("Comments are taken on the published version of a scorecard."))
    return CriterionComment.objects.create(criterion=criterion, author=author, body=body)

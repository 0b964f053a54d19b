"""The evaluations list (issue 8): the submitted evaluations a QA manager, team lead or reviewer may find,
filtered, sorted, paged and exported.

Who finds which (the list's scope, narrower than what each may open by link: a reviewer may read every
submitted evaluation, but "their evaluations" are the ones they wrote):
- QA managers: every regular evaluation;
- team leads: those of the teams they lead (Evaluation.team, the team the call was taken for: the same rule as
  Evaluation.objects.visible_to);
- reviewers: their own.
A person with several of these roles finds the union. Agents have "My feedback" instead (403 here).
Only submitted evaluations (COUNTED_STATUSES) are listed, never calibration ones: drafts are in the reviewer's
queue, calibration in its sessions, and neither counts in a score.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from qa_center.paging import CappedCount, KeysetOrder
from qa_center.people import roles
from qa_center.people.models import Team, User
from scorecards.models import Answer, Criterion, Evaluation, RecordingNote, Scorecard, Section

# Sort keys offered → the columns of a total order, each served by an index on exactly these columns
# (scorecards.models.Evaluation.Meta), so every sort goes by keyset. A sort by a person's name reads the
# evaluation's own copy of it (agent_sort / reviewer_sort, qa_center.people.names): a column of the users
# table would make the database sort every matching row. Within one person, oldest first from A (newest
# first from Z): a keyset order goes one way.
KEYSET_SORTS: dict[str, tuple[str, ...]] = {
    "date": ("submitted_at", "id"),
    "score": ("score", "submitted_at", "id"),
    "agent": ("agent_sort", "submitted_at", "id"),
    "reviewer": ("reviewer_sort", "submitted_at", "id"),
}
SORTS = tuple(KEYSET_SORTS)
# The sorts a first click on their column asks from the top (the highest score, the newest); names from A.
DESCENDING_FIRST = frozenset({"date", "score"})
DEFAULT_SORT = "-date"
DISPUTED_STATUSES = (Evaluation.Status.DISPUTED, Evaluation.Status.RESOLVED)

# How an evaluation answered the criterion of the `criterion` filter (the QA reports' drill-down, issue 10):
# "answered": applicable (not N/A); "failed": applicable and earning less than the criterion's maximum points
# (a "no", a scale below its top, an option worth less than the best): the reports' "share failed".
CRITERION_ANSWERED, CRITERION_FAILED = "answered", "failed"


@dataclass(frozen=True, kw_only=True)
class EvaluationFilters:
    """The list's filters; None means "any"."""

    date_from: date | None = None
    date_to: date | None = None
    team: Team | None = None
    agent: User | None = None
    reviewer: User | None = None
    scorecard: Scorecard | None = None
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    passed: bool | None = None
    auto_failed: bool | None = None
    disputed: bool | None = None
    acknowledged: bool | None = None
    # The QA reports' drill-down: evaluations with an applicable answer in `section`, or whose answer to
    # `criterion` is `criterion_result` (CRITERION_ANSWERED unless told).
    section: Section | None = None
    criterion: Criterion | None = None
    criterion_result: str | None = None


def normalise_sort(value: str | None) -> str:
    """The requested sort if it is one we offer ("score" or "-score"), else the default."""
    if value and value.removeprefix("-") in SORTS:
        return value
    return DEFAULT_SORT


def keyset_order(sort: str) -> KeysetOrder:
    """The keyset order behind a sort."""
    return KeysetOrder(fields=KEYSET_SORTS[sort.removeprefix("-")], descending=sort.startswith("-"))


def _order_by(sort: str) -> list[str]:
    return keyset_order(sort).order_by()


# Past this many matching evaluations, a page's rows are found by walking the list's order (its index) and
# testing each evaluation; below it, from the selective side (a score range's, a scorecard's, a team's index)
# and sorting the few matches: each way is the slow one for the other case (as calls.selectors.DENSE_FROM).
DENSE_FROM = 2_000


def _hidden(column: str) -> Coalesce | F:
    """`column` as an expression no index serves (the dense form leaves the planner the order's index); its
    value and type are the column's. On PostgreSQL the column itself: its planner weighs the indexes by their
    statistics, which an expression hides (it then guesses a handful of rows and nests loops over every join
    of the page: seconds at a million calls, tests/benchmarks/bench_lists.py)."""
    if connection.vendor == "postgresql":
        return F(column)
    return Coalesce(column, column)


def evaluations_in_scope(
    user: User, *, dense: bool = False, team_ids: tuple[int, ...] | None = None
) -> QuerySet[Evaluation]:
    """The submitted regular evaluations `user` finds in the list (module docstring); none for an agent.
    `dense`: a lead's teams written so that no index serves them (see DENSE_FROM). `team_ids`: the teams
    `user` leads (User.led_team_ids), when the caller has them already: one small query a request."""
    if not user.is_authenticated:
        return Evaluation.objects.none()
    # "Not calibration" written so that no index serves it (an expression of the column): the calibration
    # session's own index would answer "IS NULL" with every regular evaluation, left to sort for one page;
    # this leaves the planner the index of the list's order (calibration evaluations are few).
    if connection.vendor == "postgresql":  # see _hidden: the planner needs the column's statistics
        evaluations = Evaluation.objects.filter(calibration_session__isnull=True)
    else:
        evaluations = Evaluation.objects.alias(regular=Coalesce("calibration_session_id", 0)).filter(
            regular=0
        )
    evaluations = evaluations.filter(status__in=Evaluation.COUNTED_STATUSES)
    if roles.is_manager(user):
        return evaluations
    condition = Q(pk__in=[])
    if roles.is_reviewer(user):
        condition |= Q(reviewer=user)
    if roles.is_team_lead(user):
        led = user.led_team_ids() if team_ids is None else team_ids
        if dense:
            evaluations = evaluations.alias(scope_team=_hidden("team_id"))
            condition |= Q(scope_team__in=led)
        else:
            condition |= Q(team__in=led)
    return evaluations.filter(condition)


def _start_of_day(day: date) -> datetime:
    """Midnight of `day` in the current (the user's) time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _filter(
    evaluations: QuerySet[Evaluation], filters: EvaluationFilters, *, hide: frozenset[str] = frozenset()
) -> QuerySet[Evaluation]:
    """Every condition on the evaluation's own columns (the scorecard through its versions' ids): the count
    joins nothing. The columns in `hide` are tested as expressions that no index serves (the dense form)."""

    if hide:
        evaluations = evaluations.alias(**{f"hidden_{name}": _hidden(name) for name in hide})
    score = "hidden_score" if "score" in hide else "score"
    version = "hidden_version_id" if "version_id" in hide else "version"
    if filters.date_from is not None:
        evaluations = evaluations.filter(submitted_at__gte=_start_of_day(filters.date_from))
    if filters.date_to is not None:
        evaluations = evaluations.filter(submitted_at__lt=_start_of_day(filters.date_to + timedelta(days=1)))
    if filters.team is not None:
        evaluations = evaluations.filter(team=filters.team)
    if filters.agent is not None:
        evaluations = evaluations.filter(agent=filters.agent)
    if filters.reviewer is not None:
        evaluations = evaluations.filter(reviewer=filters.reviewer)
    if filters.scorecard is not None:
        evaluations = evaluations.filter(**{f"{version}__in": filters.scorecard.versions.values("pk")})
    if filters.score_min is not None:
        evaluations = evaluations.filter(**{f"{score}__gte": filters.score_min})
    if filters.score_max is not None:
        evaluations = evaluations.filter(**{f"{score}__lte": filters.score_max})
    if filters.passed is not None:
        evaluations = evaluations.filter(passed=filters.passed)
    if filters.auto_failed is not None:
        evaluations = evaluations.filter(auto_failed=filters.auto_failed)
    if filters.disputed is True:
        evaluations = evaluations.filter(status__in=DISPUTED_STATUSES)
    elif filters.disputed is False:
        evaluations = evaluations.exclude(status__in=DISPUTED_STATUSES)
    if filters.acknowledged is not None:
        acknowledged = Q(status=Evaluation.Status.ACKNOWLEDGED)
        evaluations = evaluations.filter(acknowledged if filters.acknowledged else ~acknowledged)
    if filters.section is not None:
        evaluations = evaluations.filter(
            Exists(applicable_answers().filter(evaluation=OuterRef("pk"), criterion__section=filters.section))
        )
    if filters.criterion is not None:
        answers = applicable_answers().filter(evaluation=OuterRef("pk"), criterion=filters.criterion)
        if filters.criterion_result == CRITERION_FAILED:
            answers = answers.filter(failed_answer())
        evaluations = evaluations.filter(Exists(answers))
    return evaluations


#: An answer that counts in a criterion's figures: not N/A, with points out of a maximum above 0.
APPLICABLE_ANSWER = Q(is_na=False, points__isnull=False, max_points__gt=0)


def applicable_answers() -> QuerySet[Answer]:
    return Answer.objects.filter(APPLICABLE_ANSWER)


def failed_answer() -> Q:
    """An applicable answer that earned less than the criterion's maximum points."""
    return Q(points__lt=F("max_points"))


def filter_evaluations(evaluations: QuerySet[Evaluation], filters: EvaluationFilters) -> QuerySet[Evaluation]:
    """`evaluations` narrowed by `filters` exactly as the list narrows its own: the QA reports count what
    their drill-down links then list."""
    return _filter(evaluations, filters)


@dataclass(frozen=True)
class EvaluationListing:
    """What to count (the filters alone), what to show in which order, and how to page it."""

    counted: QuerySet[Evaluation]
    order: KeysetOrder
    sort: str
    user: User
    filters: EvaluationFilters | None
    team_ids: tuple[int, ...] | None = None

    def rows_for(self, count: CappedCount | None = None) -> QuerySet[Evaluation]:
        """The rows, with what they show, in order; written for a dense result unless `count` is small."""
        dense = count is None or count.capped or count.value >= DENSE_FROM
        # The sort's own column stays indexable: its index serves the order and the range at once.
        hide = frozenset({"score", "version_id"} - {KEYSET_SORTS[self.sort.removeprefix("-")][0]})
        rows = _matching(
            user=self.user,
            filters=self.filters,
            sort=self.sort,
            dense=dense,
            hide=hide if dense else frozenset(),
            team_ids=self.team_ids,
        )
        return rows.select_related(
            "call", "agent", "team", "reviewer", "version", "version__scorecard"
        ).order_by(*_order_by(self.sort))

    @property
    def rows(self) -> QuerySet[Evaluation]:
        return self.rows_for(None)


def _matching(
    *,
    user: User,
    filters: EvaluationFilters | None,
    sort: str,
    dense: bool,
    hide: frozenset[str],
    team_ids: tuple[int, ...] | None,
) -> QuerySet[Evaluation]:
    evaluations = evaluations_in_scope(user, dense=dense, team_ids=team_ids)
    if filters is None:
        return evaluations.none()
    evaluations = _filter(evaluations, filters, hide=hide)
    if sort.removeprefix("-") == "score":
        # An evaluation with no score (every criterion N/A) has no place in that order: as the call list
        # does with unknown durations, a score sort lists the scored ones.
        evaluations = evaluations.filter(score__isnull=False)
    return evaluations


def evaluation_listing(
    *,
    user: User,
    filters: EvaluationFilters | None,
    sort: str = DEFAULT_SORT,
    team_ids: tuple[int, ...] | None = None,
) -> EvaluationListing:
    """The evaluations `user` finds that match `filters` (None: filters that were not valid, which match
    nothing), in the order of `sort`. `team_ids`: as evaluations_in_scope's."""
    sort = normalise_sort(sort)
    if team_ids is None:
        team_ids = user.led_team_ids() if user.is_authenticated else ()
    counted = _matching(
        user=user, filters=filters, sort=sort, dense=False, hide=frozenset(), team_ids=team_ids
    )
    return EvaluationListing(
        counted=counted, order=keyset_order(sort), sort=sort, user=user, filters=filters, team_ids=team_ids
    )


def people_for_filter(*, user: User, role: str, team_ids: tuple[int, ...] | None = None) -> QuerySet[User]:
    """The agents (role "agent") or reviewers ("reviewer") of the evaluations `user` finds: the only ones worth
    offering in that filter. For a QA manager, asked of each person ("has this agent an evaluation?", an
    index probe that stops at the first); for a lead or a reviewer, read from their scope's own evaluations
    (their index range), which a probe per person would walk once per person."""
    column = {"agent": "agent", "reviewer": "reviewer"}[role]
    people = User.objects.order_by("first_name", "last_name", "username")
    if roles.is_manager(user):
        return people.filter(Exists(evaluations_in_scope(user).filter(**{column: OuterRef("pk")})))
    return people.filter(pk__in=evaluations_in_scope(user, team_ids=team_ids).order_by().values(column))


def teams_for_filter(*, user: User, team_ids: tuple[int, ...] | None = None) -> QuerySet[Team]:
    if roles.is_manager(user):
        return Team.objects.order_by("name")
    in_scope = evaluations_in_scope(user, team_ids=team_ids)
    return Team.objects.filter(Exists(in_scope.filter(team=OuterRef("pk")))).order_by("name")


def export_rows(listing: EvaluationListing, *, chunk_size: int = 2000) -> Iterator[Evaluation]:
    """Every row of the listing (not only a page), read in chunks: the CSV export streams them."""
    return listing.rows.defer("strengths", "improvements", "call__transcript").iterator(chunk_size=chunk_size)


def evaluations_of_call(*, user: User, call) -> list[Evaluation]:
    """The evaluations of `call` that its page shows `user` (one query): those `user` may read
    (Evaluation.objects.visible_to) and that are theirs to know of here. An agent: their own submitted ones;
    a reviewer: their own (a draft too, and a calibration they took part in); a team lead: their team's;
    QA managers: all (but others' blind calibration). A reviewer may read any submitted evaluation by its
    link, but the call page lists only their own, as the evaluations list does."""
    evaluations = Evaluation.objects.visible_to(user).filter(call=call)
    if not roles.is_manager(user):
        evaluations = evaluations.filter(Q(reviewer=user) | Q(agent=user) | Q(team__lead=user))
    return list(
        evaluations.select_related(
            "reviewer", "version", "version__scorecard", "calibration_session"
        ).order_by("calibration_session", "-submitted_at", "-created_at", "-id")
    )


def _clock(seconds: Decimal) -> str:
    """83.5 → "1:23", 3723 → "1:02:03": how a player shows a position."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def recording_notes(evaluation: Evaluation) -> list[RecordingNote]:
    """The reviewer's notes on moments of the recording, in order, each with its `clock` ("1:23")."""
    notes = list(evaluation.notes.all())
    for note in notes:
        note.clock = _clock(note.at_seconds)
    return notes

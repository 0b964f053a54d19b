"""Scorecards (versioned, per call type), evaluations and their answers, sampling, disputes, calibration.

DESIGN.md capabilities 2 and 3. The arithmetic lives in scoring.py (pure); the rules in services.py.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qa_center.history import audited
from qa_center.people import roles
from qa_center.people.names import MAX_LENGTH

DEFAULT_PASS_MARK = Decimal("85")


class Scorecard(models.Model):
    """The scorecard of one call type. Its content lives in versions; one published version is in force."""

    call_type = models.OneToOneField(
        "calls.CallType", verbose_name=_("call type"), on_delete=models.PROTECT, related_name="scorecard"
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = audited()

    class Meta:
        ordering = ["name"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scorecards:detail", args=[self.pk])


class ScorecardVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ScorecardVersion.Status.PUBLISHED)


class ScorecardVersion(models.Model):
    """A version of a scorecard. Published versions are frozen: evaluations keep the version they used."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    class Method(models.TextChoices):
        WEIGHTED_SECTIONS = "weighted_sections", _("Weighted sections")
        TOTAL_POINTS = "total_points", _("Total points")

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    scoring_method = models.CharField(
        _("scoring method"), max_length=20, choices=Method, default=Method.WEIGHTED_SECTIONS
    )
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_PASS_MARK,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    notes = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = audited()

    objects = ScorecardVersionQuerySet.as_manager()

    class Meta:
        ordering = ["scorecard", "-number"]
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="scorecard_version_unique_number"),
            # A scorecard belongs to one call type, so this is "at most one active version per call type".
            models.UniqueConstraint(
                fields=["scorecard"], condition=Q(status="published"), name="scorecard_one_published_version"
            ),
            models.UniqueConstraint(
                fields=["scorecard"], condition=Q(status="draft"), name="scorecard_one_draft"
            ),
        ]

    def __str__(self):
        return f"{self.scorecard} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(models.Model):
    version = models.ForeignKey(
        ScorecardVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=200)
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    history = audited()

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title


class Criterion(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no")
        SCALE = "scale", _("Scale 0..N")
        CHOICE = "choice", _("Choice with points per option")

    class CriticalScope(models.TextChoices):
        NONE = "", _("Not critical")
        SECTION = "section", _("Fails its section")
        EVALUATION = "evaluation", _("Fails the whole evaluation")

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="criteria"
    )
    title = models.CharField(_("title"), max_length=300)
    guidance = models.TextField(_("guidance for reviewers"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.YES_NO)
    scale_max = models.PositiveSmallIntegerField(
        _("scale maximum (N)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    allows_na = models.BooleanField(_("N/A allowed"), default=False)
    # A critical criterion fails when its answer earns no points; it then zeroes its section or the evaluation.
    critical_scope = models.CharField(
        _("critical"), max_length=10, choices=CriticalScope, default=CriticalScope.NONE, blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    history = audited()

    class Meta:
        ordering = ["section", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="scale") | Q(scale_max__isnull=False), name="criterion_scale_needs_max"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_critical(self) -> bool:
        return bool(self.critical_scope)


class CriterionOption(models.Model):
    """An option of a "choice" criterion with the points it earns."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="options"
    )
    label = models.CharField(_("label"), max_length=200)
    points = models.DecimalField(
        _("points"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    history = audited()

    class Meta:
        ordering = ["criterion", "position", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return f"{self.label} ({self.points})"


class CriterionComment(models.Model):
    """Agents (and anyone) comment on a criterion: people who help shape a scorecard accept it."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("criterion comment")
        verbose_name_plural = _("criterion comments")

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"


class SamplingRule(models.Model):
    """Which calls of a call type go to review each week or month.

    A call type may have several active rules (one per team, or a per-agent quota beside a random percentage):
    how they combine is written once, in scorecards.sampling.services.
    """

    class Period(models.TextChoices):
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")

    class Method(models.TextChoices):
        PER_AGENT = "per_agent", _("A number of calls per agent")
        PERCENTAGE = "percentage", _("A random percentage of the calls")

    call_type = models.ForeignKey(
        "calls.CallType", verbose_name=_("call type"), on_delete=models.CASCADE, related_name="sampling_rules"
    )
    # The team the calls were taken for (Call.team); empty: every team's calls.
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sampling_rules",
    )
    method = models.CharField(_("sample"), max_length=10, choices=Method, default=Method.PER_AGENT)
    calls_per_agent = models.PositiveSmallIntegerField(
        _("calls per agent"),
        null=True,
        blank=True,
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    percentage = models.DecimalField(
        _("percentage of the calls"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    period = models.CharField(_("per"), max_length=5, choices=Period, default=Period.WEEK)
    require_answered = models.BooleanField(_("answered calls only"), default=True)
    require_recording = models.BooleanField(_("calls with a recording only"), default=True)
    min_talk_seconds = models.PositiveIntegerField(_("minimum talk time (s)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call_type"]
        verbose_name = _("sampling rule")
        verbose_name_plural = _("sampling rules")
        constraints = [
            # Each method has the one number it needs.
            models.CheckConstraint(
                condition=(Q(method="per_agent") & Q(calls_per_agent__isnull=False))
                | (Q(method="percentage") & Q(percentage__isnull=False)),
                name="sampling_rule_method_has_its_number",
            ),
        ]

    def __str__(self):
        if self.method == self.Method.PERCENTAGE:
            amount = f"{self.percentage.normalize():f}%"
        else:
            amount = f"{self.calls_per_agent}/{_('agent')}"
        team = f" · {self.team}" if self.team_id else ""
        return f"{self.call_type}{team}: {amount}/{self.get_period_display()}"


class SamplingRun(models.Model):
    """One run of the sampler over a period: its seed makes the picks explainable and repeatable."""

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    seed = models.CharField(_("seed"), max_length=64)
    assignments_created = models.PositiveIntegerField(_("assignments created"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sampling run")
        verbose_name_plural = _("sampling runs")

    def __str__(self):
        return f"{self.period_start}–{self.period_end} ({self.seed})"


class Assignment(models.Model):
    """A call in a reviewer's queue."""

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    sampling_run = models.ForeignKey(
        SamplingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    # The rule that picked the call (None: assigned by hand, or the rule was deleted).
    sampling_rule = models.ForeignKey(
        SamplingRule,
        verbose_name=_("sampling rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)

    class Meta:
        ordering = ["status", "due_at", "created_at"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            # A call is sampled for regular review once; calibration has its own sessions.
            models.UniqueConstraint(
                fields=["call"], condition=~Q(status="cancelled"), name="assignment_one_live_per_call"
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="assignment_queue_idx")]  # the queue page

    def __str__(self):
        return f"{self.call} → {self.reviewer}"


class CalibrationSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """QA managers see every session; reviewers only those they take part in."""
        if not user.is_authenticated:
            return self.none()
        if roles.is_manager(user):
            return self
        return self.filter(participants=user)


class CalibrationSession(models.Model):
    """Several reviewers score the same call blind; agreement is reported once it closes."""

    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="calibration_sessions")
    version = models.ForeignKey(
        ScorecardVersion, on_delete=models.PROTECT, related_name="calibration_sessions"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), related_name="calibration_sessions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CalibrationSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")

    def __str__(self):
        return self.title or f"{self.call}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may read which evaluation (the one rule; access.get_evaluation_for builds on it).

        - the reviewer who wrote it, always;
        - QA managers: everything except other people's calibration evaluations while the session is open
          (calibration is blind for the manager's reference answers too);
        - the evaluated agent, and the lead of the team the call was taken for (Evaluation.team: a lead keeps
          their team's evaluations after the agent moves on, and the agent's new lead does not inherit them):
          submitted regular evaluations only (no drafts, no calibration);
        - other reviewers: submitted regular evaluations, and submitted calibration ones of sessions they took
          part in, once the session is closed.
        """
        if not user.is_authenticated:
            return self.none()
        blind = Q(calibration_session__isnull=False, calibration_session__closed_at__isnull=True) & ~Q(
            reviewer=user
        )
        if roles.is_manager(user):
            return self.exclude(blind)
        submitted = Q(status__in=Evaluation.COUNTED_STATUSES)
        shared = submitted & Q(calibration_session__isnull=True)
        condition = Q(reviewer=user) | (shared & Q(agent=user))
        if roles.is_team_lead(user):
            condition |= shared & Q(team__lead=user)
        if roles.is_reviewer(user):
            condition |= shared
            condition |= submitted & Q(
                calibration_session__closed_at__isnull=False, calibration_session__participants=user
            )
        return self.filter(condition).distinct() if roles.is_reviewer(user) else self.filter(condition)

    def regular(self):
        """Evaluations that count in scores and KPIs: calibration ones never do."""
        return self.filter(calibration_session__isnull=True)

    def submitted(self):
        return self.filter(status__in=Evaluation.COUNTED_STATUSES)

    def for_agent(self, agent):
        return self.filter(agent=agent)

    def scored(self):
        return self.filter(score__isnull=False)


class Evaluation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DISPUTED = "disputed", _("Disputed")
        RESOLVED = "resolved", _("Dispute resolved")

    COUNTED_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.DISPUTED, Status.RESOLVED)

    call = models.ForeignKey(
        "calls.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="evaluations"
    )
    # The agent evaluated, copied from the call so that "my feedback" and per-agent KPIs need no join.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    # The team the call was taken for, copied from the call when the evaluation starts: the team lead's scope,
    # the same rule as for calls (not the agent's current team). PROTECT like Call.team: the call already keeps
    # its team from being deleted, and a lead's history must not lose its team silently.
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    version = models.ForeignKey(
        ScorecardVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="evaluations"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="reviews"
    )
    assignment = models.OneToOneField(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluation",
    )
    calibration_session = models.ForeignKey(
        CalibrationSession,
        verbose_name=_("calibration session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    # Scores are kept unrounded (0..100); None = every criterion N/A ("no score", left out of averages).
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=5, null=True, blank=True)
    score_before_autofail = models.DecimalField(
        _("score before auto-fail"), max_digits=9, decimal_places=5, null=True, blank=True
    )
    auto_failed = models.BooleanField(_("auto-failed"), default=False)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    improvements = models.TextField(_("improvement points"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # The agent's and the reviewer's names as one sortable value each (qa_center.people.names), for the
    # evaluations list's sorts by a person: kept by start_evaluation and refreshed when a name changes.
    agent_sort = models.CharField(
        max_length=MAX_LENGTH, blank=True, default="", db_default="", editable=False
    )
    reviewer_sort = models.CharField(
        max_length=MAX_LENGTH, blank=True, default="", db_default="", editable=False
    )

    # The sort keys follow the people's names, not any change to the evaluation: no history of their own.
    history = audited(excluded_fields=["agent_sort", "reviewer_sort"])

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [
            # "My feedback" and per-agent QA score over a period.
            models.Index(fields=["agent", "submitted_at"], name="evaluation_agent_idx"),
            models.Index(fields=["reviewer", "status"], name="evaluation_reviewer_idx"),
            # The evaluations list (scorecards.evaluations.selectors): its date and score sorts with their
            # tie-break, a team lead's and a reviewer's scope in date order, and the scorecard filter.
            models.Index(fields=["submitted_at", "id"], name="evaluation_submitted_id_idx"),
            models.Index(fields=["score", "submitted_at", "id"], name="evaluation_score_idx"),
            models.Index(fields=["team", "submitted_at", "id"], name="evaluation_team_submitted_idx"),
            models.Index(fields=["reviewer", "submitted_at", "id"], name="evaluation_reviewer_subm_idx"),
            models.Index(fields=["version", "submitted_at", "id"], name="evaluation_version_subm_idx"),
            # Its sorts by the agent's and by the reviewer's name (keyset, like the date's).
            models.Index(fields=["agent_sort", "submitted_at", "id"], name="evaluation_agent_sort_idx"),
            models.Index(fields=["reviewer_sort", "submitted_at", "id"], name="evaluation_reviewer_sort_idx"),
        ]
        constraints = [
            # One regular evaluation per call: a second would count the call twice in the agent's scores.
            # Calibration evaluations score the same call several times on purpose and are left out.
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(calibration_session__isnull=True),
                name="evaluation_one_regular_per_call",
            ),
            models.UniqueConstraint(
                fields=["calibration_session", "reviewer"],
                condition=Q(calibration_session__isnull=False),
                name="evaluation_one_per_calibration_reviewer",
            ),
        ]

    def __str__(self):
        return f"{self.call} · {self.reviewer}"

    def get_absolute_url(self):
        return reverse("evaluations:detail", args=[self.pk])

    @property
    def is_calibration(self) -> bool:
        return self.calibration_session_id is not None


class Answer(models.Model):
    """The reviewer's answer to one criterion. points is derived from value/option and stored for aggregation."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="answers"
    )
    is_na = models.BooleanField(_("N/A"), default=False)
    # yes/no: 1 or 0; scale: 0..N; choice: see option.
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    option = models.ForeignKey(
        CriterionOption,
        verbose_name=_("option"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    history = audited()

    class Meta:
        ordering = ["evaluation", "criterion__section__position", "criterion__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="answer_one_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion}: {'N/A' if self.is_na else self.points}"


class RecordingNote(models.Model):
    """A note pinned to a moment of the recording."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="notes")
    at_seconds = models.DecimalField(
        _("at (s)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    body = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evaluation", "at_seconds", "id"]
        verbose_name = _("recording note")
        verbose_name_plural = _("recording notes")

    def __str__(self):
        return f"{self.at_seconds}s: {self.body[:40]}"


class Dispute(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld (no change)")
        ADJUSTED = "adjusted", _("Adjusted")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="disputes"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution"), blank=True)

    history = audited()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"], condition=Q(status="open"), name="dispute_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} ({self.get_status_display()})"


class DisputeItem(models.Model):
    """One disputed criterion, with the agent's reason."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="items"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))

    history = audited()

    class Meta:
        ordering = ["dispute", "id"]
        verbose_name = _("disputed criterion")
        verbose_name_plural = _("disputed criteria")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "criterion"], name="dispute_item_one_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.reason[:40]}"


class EvaluationChange(models.Model):
    """The history of an evaluation: who changed what, when, before → after."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DISPUTE_OPENED = "dispute_opened", _("Dispute opened")
        CRITERION_DISPUTED = "criterion_disputed", _("Criterion disputed")
        ANSWER_ADJUSTED = "answer_adjusted", _("Answer adjusted")
        SCORE_CHANGED = "score_changed", _("Score recomputed")
        DISPUTE_RESOLVED = "dispute_resolved", _("Dispute resolved")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(_("action"), max_length=50, choices=Action)
    criterion = models.ForeignKey(
        Criterion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["evaluation", "changed_at", "id"]
        verbose_name = _("evaluation change")
        verbose_name_plural = _("evaluation changes")

    def __str__(self):
        return f"{self.evaluation}: {self.action}"

"""KPI snapshots (DESIGN.md capability 6): the counts behind every KPI, per period and scope, and the record of
each computation.

A snapshot stores counts and sums, never the rates: every figure is computed from them by
qa_center.kpis.definitions, so a reader sees "72.9 % of 5,000" and a week is the sum of its days. Rows are
written only by qa_center.kpis.computing, which replaces them by their key (delete and insert in one
transaction).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from calls.models import Escalation


def _count(label):
    # db_default: a row written without some counts (a source with nothing in it) has 0 there.
    return models.PositiveIntegerField(label, default=0, db_default=0)


def _total(label, field=models.BigIntegerField):
    return field(label, default=0, db_default=0)


class PeriodKind(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class ScopeKind(models.TextChoices):
    CENTER = "center", _("Center")
    TEAM = "team", _("Team")
    AGENT = "agent", _("Agent")
    CALL_TYPE = "call_type", _("Call type")


# The center's scope id: the key needs a value (NULL is never equal to NULL in a unique constraint).
CENTER_ID = 0


class KpiSnapshot(models.Model):
    """The counts of one scope over one period. The period starts on `period_start` (a date in the center's
    time zone, settings.TIME_ZONE: a Monday for a week, the 1st for a month, 1 January for a year)."""

    PeriodKind = PeriodKind
    ScopeKind = ScopeKind

    period_kind = models.CharField(_("period"), max_length=5, choices=PeriodKind)
    period_start = models.DateField(_("period start"))
    scope_kind = models.CharField(_("scope"), max_length=10, choices=ScopeKind)
    # A team's, an agent's or a call type's pk; CENTER_ID for the center.
    scope_id = models.PositiveBigIntegerField(_("scope id"))
    service_level_seconds = models.PositiveIntegerField(
        _("service level threshold (s)"), default=20, db_default=20
    )
    computed_at = models.DateTimeField(_("computed at"))

    # Calls (calls.kpis.call_counts)
    calls = _count(_("calls"))
    inbound = _count(_("inbound calls received"))
    inbound_with_outcome = _count(_("inbound calls answered or abandoned"))
    inbound_answered = _count(_("inbound calls answered"))
    inbound_abandoned = _count(_("inbound calls abandoned"))
    waits = _count(_("answered inbound calls with a known wait"))
    wait_total = _total(_("total wait (s)"))
    within_service_level = _count(_("answered within the service level"))
    answered_calls = _count(_("answered calls"))
    handles = _count(_("answered calls with a known handle time"))
    handle_total = _total(_("total handle time (s)"))
    escalated_calls = _count(_("escalated answered calls"))
    # Cases, where their first contact is (calls.kpis.case_counts)
    cases = _count(_("cases received"))
    resolved_cases = _count(_("resolved cases"))
    fcr_cases = _count(_("cases resolved on first contact"))
    treatments = _count(_("resolved cases with a known resolution time"))
    treatment_total = _total(_("total treatment time (s)"), models.FloatField)
    # Survey answers (calls.kpis.survey_counts)
    nps_answers = _count(_("NPS answers"))
    promoters = _count(_("promoters"))
    passives = _count(_("passives"))
    detractors = _count(_("detractors"))
    csat_answers = _count(_("CSAT answers"))
    satisfied = _count(_("CSAT answers of 4 or 5"))
    csat_total = _total(_("total CSAT"))
    # Evaluations (scorecards.kpis.evaluation_counts)
    evaluations = _count(_("evaluations"))
    scored_evaluations = _count(_("evaluations with a score"))
    score_total = _total(_("total score"), models.FloatField)
    passed_evaluations = _count(_("passed evaluations"))
    judged_evaluations = _count(_("evaluations judged pass or fail"))
    auto_failed_evaluations = _count(_("auto-failed evaluations"))
    disputed_evaluations = _count(_("disputed evaluations"))

    class Meta:
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")
        constraints = [
            # One row per period and scope, however often (or concurrently) it is computed.
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "scope_kind", "scope_id"],
                name="kpi_snapshot_unique_key",
            ),
        ]
        indexes = [
            # A dashboard's trend: one scope's periods of one kind, in order.
            models.Index(
                fields=["scope_kind", "scope_id", "period_kind", "period_start"],
                name="kpi_snapshot_scope_idx",
            ),
        ]

    def __str__(self):
        return f"{self.period_kind} {self.period_start} {self.scope_kind} {self.scope_id}"


class EscalationSnapshot(models.Model):
    """Escalated answered calls of one scope over one period, per escalation type or per reason: the
    numerators of the escalation rate by type and by reason (the denominator is the KpiSnapshot's answered
    calls). A call counts once per type (or reason) it was escalated with."""

    class Dimension(models.TextChoices):
        TYPE = "type", _("Escalation type")
        REASON = "reason", _("Reason")

    period_kind = models.CharField(_("period"), max_length=5, choices=PeriodKind)
    period_start = models.DateField(_("period start"))
    scope_kind = models.CharField(_("scope"), max_length=10, choices=ScopeKind)
    scope_id = models.PositiveBigIntegerField(_("scope id"))
    dimension = models.CharField(_("by"), max_length=6, choices=Dimension)
    value = models.CharField(_("type or reason"), max_length=200)
    escalated_calls = _count(_("escalated answered calls"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("escalation snapshot")
        verbose_name_plural = _("escalation snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "scope_kind", "scope_id", "dimension", "value"],
                name="escalation_snapshot_unique_key",
            ),
        ]

    def __str__(self):
        return f"{self.period_kind} {self.period_start} {self.scope_kind} {self.scope_id} {self.value}"


class KpiComputation(models.Model):
    """One run of the computation over a range of days: what the "recompute" page shows."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Recompute button")
        COMMAND = "command", _("Command line")
        DEMO = "demo", _("Demo data")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Computing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    snapshots = models.PositiveIntegerField(_("snapshots written"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("KPI computation")
        verbose_name_plural = _("KPI computations")

    def __str__(self):
        return f"{self.first_day} – {self.last_day} ({self.get_status_display()})"

    @property
    def duration(self):
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at


def _kpi_choices():
    # Lazy: the definitions import the counting apps, which must not load with the models.
    from qa_center.kpis.definitions import KPIS

    return [(kpi.key, kpi.label) for kpi in KPIS]


class KpiTarget(models.Model):
    """What a KPI should be: set center-wide, and overridden for a team or a call type
    (qa_center.kpis.targets.target_for says which applies where). A target is met when the figure is at least
    the value, or at most it for a KPI where lower is better (the KPI's higher_is_better)."""

    class Scope(models.TextChoices):
        CENTER = ScopeKind.CENTER.value, ScopeKind.CENTER.label
        TEAM = ScopeKind.TEAM.value, ScopeKind.TEAM.label
        CALL_TYPE = ScopeKind.CALL_TYPE.value, ScopeKind.CALL_TYPE.label

    kpi = models.CharField(_("KPI"), max_length=40, choices=_kpi_choices)
    scope_kind = models.CharField(_("applies to"), max_length=10, choices=Scope, default=Scope.CENTER)
    # A team's or a call type's pk; CENTER_ID for the center-wide target.
    scope_id = models.PositiveBigIntegerField(_("scope id"), default=CENTER_ID)
    value = models.FloatField(_("target"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "scope_kind", "scope_id"], name="kpi_target_unique_scope"),
        ]

    def __str__(self):
        return f"{self.kpi} {self.scope_kind} {self.scope_id}: {self.value}"


class KpiBenchmark(models.Model):
    """An industry benchmark a QA manager sets for a KPI (one per KPI, center-wide), drawn as a line on the
    trend charts beside the target: e.g. "80 % in 20 s", with where the figure comes from."""

    kpi = models.CharField(_("KPI"), max_length=40, choices=_kpi_choices, unique=True)
    value = models.FloatField(_("benchmark"))
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the figure comes from, shown beside the line."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("KPI benchmark")
        verbose_name_plural = _("KPI benchmarks")
        ordering = ["kpi"]

    def __str__(self):
        return f"{self.kpi}: {self.value}"


class SurveyFollowUp(models.Model):
    """An NPS answer followed up (issue 11): the call-back to a detractor or passive, or the promoter's
    invitation to refer a friend, marked done by whom and when. An answer awaiting its follow-up has no row;
    undoing the mark deletes it (qa_center.kpis.insight.services)."""

    class Kind(models.TextChoices):
        CALLBACK = "callback", _("Call-back")
        REFERRAL = "referral", _("Referral invitation")

    response = models.OneToOneField(
        "calls.SurveyResponse",
        verbose_name=_("survey answer"),
        on_delete=models.CASCADE,
        related_name="follow_up",
    )
    kind = models.CharField(_("follow-up"), max_length=10, choices=Kind)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("survey follow-up")
        verbose_name_plural = _("survey follow-ups")

    def __str__(self):
        return f"{self.kind} {self.response_id}"


class ImprovementAction(models.Model):
    """A change to a process that a QA manager opens from a KPI or an insight (issue 11, DESIGN.md capability 7):
    what will change, who owns it, by when, and the figure it should move, compared over `window_days` before
    and from `starts_on` (qa_center.kpis.improvements.selectors.effect). The figure is the KPI `kpi` of the
    scope, or, when a `criterion` is named, that criterion's failed share in the scope (lower is better); the
    target is of that figure."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    title = models.CharField(_("title"), max_length=200)
    change = models.TextField(_("what will change"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_improvement_actions",
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    # When it was marked done or cancelled (None while open).
    done_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    kpi = models.CharField(_("KPI"), max_length=40, choices=_kpi_choices)
    scope_kind = models.CharField(_("scope"), max_length=10, choices=ScopeKind, default=ScopeKind.CENTER)
    # A team's, an agent's or a call type's pk; CENTER_ID for the center.
    scope_id = models.PositiveBigIntegerField(_("scope id"), default=CENTER_ID)
    criterion = models.ForeignKey(
        "scorecards.Criterion",
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target = models.FloatField(_("target"), null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction, default=Direction.HIGHER)
    starts_on = models.DateField(_("change starts on"))
    window_days = models.PositiveSmallIntegerField(_("days compared before and after"), default=28)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_days__gte=1, window_days__lte=366), name="improvement_window_days_range"
            ),
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True)
                | (~Q(status="open") & Q(done_at__isnull=False)),
                name="improvement_done_at_when_closed",
            ),
        ]
        indexes = [
            # The list: the open (or done) actions in due order.
            models.Index(fields=["status", "due_on"], name="improvement_status_due_idx"),
            # A lead's list: the actions of their teams' (and agents') scopes.
            models.Index(fields=["scope_kind", "scope_id"], name="improvement_scope_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def higher_is_better(self) -> bool:
        return self.direction == self.Direction.HIGHER


# --- The escalation matrix (qa_center.kpis.escalations) ------------------------------------------------------


class EscalationLevel(models.Model):
    """A level of the hierarchical chain (agent → senior agent → team lead → manager) or a department that
    takes functional escalations (billing, technical…). An escalation's `to_level` names one of these."""

    class Kind(models.TextChoices):
        LEVEL = "level", _("Level")
        DEPARTMENT = "department", _("Department")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.LEVEL)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Where it stands in the chain: 1 for the agent, then upwards.")
    )
    description = models.TextField(_("what it handles"), blank=True)

    class Meta:
        ordering = ["kind", "order", "name"]
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        constraints = [
            # Escalations name their level as text: two levels that read alike could not be told apart.
            models.UniqueConstraint(Lower("name"), name="escalation_level_unique_name"),
        ]

    def __str__(self):
        return self.name


class EscalationRule(models.Model):
    """Where an escalation of a type (and a reason: blank for any reason of the type) should go, and within
    how many hours the customer must hear back."""

    type = models.CharField(_("escalation type"), max_length=20, choices=Escalation.Type)
    reason = models.CharField(
        _("reason"), max_length=200, blank=True, help_text=_("Blank: any reason of this type.")
    )
    handler = models.ForeignKey(
        EscalationLevel,
        verbose_name=_("goes to"),
        on_delete=models.PROTECT,
        related_name="rules",
    )
    followup_hours = models.PositiveIntegerField(
        _("customer follow-up within (hours)"), validators=[MinValueValidator(1)]
    )
    guidance = models.TextField(_("when to escalate"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["type", "reason"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        constraints = [
            # One rule per type and reason (reasons compared as the conformance check compares them).
            models.UniqueConstraint("type", Lower("reason"), name="escalation_rule_unique_type_reason"),
        ]

    def __str__(self):
        return f"{self.get_type_display()}: {self.reason or '*'} → {self.handler}"

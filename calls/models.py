"""Calls, call types, surveys, escalations; import jobs and ingest tokens (DESIGN.md capability 1)."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.reasons import render


def validate_external_id(value: str) -> None:
    """A call's external id is part of the ingest API's paths (/api/v1/calls/<id>/), so no "/" in it."""
    if "/" in value:
        raise ValidationError(_("An external id cannot contain “/”."), code="slash")


def seconds_total(*fields: str) -> Case:
    """Sum of duration fields where unknown parts count as 0, but all parts unknown stays unknown. In 64-bit
    integers: each part may be as large as the 32-bit column holds, and PostgreSQL refuses a 32-bit sum that
    overflows (the whole row's write would fail)."""
    parts = [Coalesce(Cast(F(field), models.BigIntegerField()), 0) for field in fields]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    all_unknown = {f"{field}__isnull": True for field in fields}
    return Case(When(**all_unknown, then=Value(None)), default=total, output_field=models.BigIntegerField())


class CallType(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("code"), max_length=50, unique=True, help_text=_("Short code used in imports."))
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("call type")
        verbose_name_plural = _("call types")

    def __str__(self):
        return self.name


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Agents see their own calls, team leads their teams' calls, reviewers and QA managers all."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all_calls:
            return self
        condition = Q(agent=user)
        if user.is_team_lead:
            condition |= Q(team__lead=user)
        return self.filter(condition)

    def inbound(self):
        return self.filter(direction=Call.Direction.INBOUND)

    def answered(self):
        return self.filter(answered=True)

    def with_recording(self):
        return self.exclude(recording_file="", recording_url="")


class Call(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Channel(models.TextChoices):
        VOICE = "voice", _("Voice")
        CALLBACK = "callback", _("Callback")
        VIDEO = "video", _("Video")
        CHAT = "chat", _("Chat")

    external_id = models.CharField(
        _("external id"), max_length=100, unique=True, validators=[validate_external_id]
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        # Only agents answer calls (calls.fields.agent_candidates: the API's and the import's rule too).
        limit_choices_to={"is_agent": True},
    )
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    call_type = models.ForeignKey(
        CallType,
        verbose_name=_("call type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction, default=Direction.INBOUND)
    queue = models.CharField(_("queue"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.VOICE)
    started_at = models.DateTimeField(_("started at"))
    # Durations in seconds. Empty means unknown (an abandoned call has no talk time), never 0.
    ivr_wait_seconds = models.PositiveIntegerField(_("IVR wait (s)"), null=True, blank=True)
    queue_wait_seconds = models.PositiveIntegerField(_("queue wait (s)"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(_("hold (s)"), null=True, blank=True)
    wrap_up_seconds = models.PositiveIntegerField(_("wrap-up (s)"), null=True, blank=True)
    # True = answered, False = abandoned, empty = unknown (e.g. an outbound attempt with no outcome recorded).
    answered = models.BooleanField(_("answered"), null=True, blank=True)
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    case_id = models.CharField(_("case / ticket id"), max_length=100, blank=True)
    customer_id = models.CharField(_("customer id"), max_length=100, blank=True)
    # What the call was about ("billing dispute", "router setup"), as the telephony or CRM export names it:
    # the escalation insight groups by it, the call list filters by it.
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    recording_file = models.FileField(_("recording file"), upload_to="recordings/%Y/%m/", blank=True)
    recording_url = models.URLField(_("recording URL"), max_length=500, blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Stored by the database from the durations above (every writer, API, import SQL, bulk insert and
    # admin alike, sets them without knowing), so that the call list can sort by them from an index.
    wait_time_seconds = models.GeneratedField(
        verbose_name=_("wait (s)"),
        expression=seconds_total("ivr_wait_seconds", "queue_wait_seconds"),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
        null=True,
    )
    # The result of the call's submitted regular evaluation, kept here by scorecards (the layer above, which
    # calls may not import) through calls.services.record_evaluation_result: the call list shows and filters
    # it at a million calls without a join. Empty: not evaluated (or the evaluation is not submitted yet).
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True, editable=False)
    evaluation_score = models.DecimalField(
        _("evaluation score"), max_digits=9, decimal_places=5, null=True, blank=True, editable=False
    )
    evaluation_passed = models.BooleanField(_("evaluation passed"), null=True, blank=True, editable=False)
    handle_time_seconds = models.GeneratedField(
        verbose_name=_("handle time (s)"),
        expression=seconds_total("talk_seconds", "hold_seconds", "wrap_up_seconds"),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
        null=True,
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            # The call list's default order and every KPI's period filter.
            models.Index(fields=["-started_at", "-id"], name="call_started_idx"),
            # An agent's own calls (with the list's tie-break, so no sort is left over), and per-agent KPIs.
            models.Index(fields=["agent", "started_at", "id"], name="call_agent_started_id_idx"),
            # A team lead's view, and per-team KPIs.
            models.Index(fields=["team", "started_at"], name="call_team_started_idx"),
            # Per-call-type KPIs and sampling.
            models.Index(fields=["call_type", "started_at"], name="call_type_started_idx"),
            # First-contact resolution: later contacts on the same case.
            models.Index(fields=["case_id", "started_at"], name="call_case_started_idx"),
            models.Index(fields=["customer_id", "started_at"], name="call_customer_started_idx"),
            # The call list's topic filter in the list's order (scanned backward), and a topic's calls of a period.
            models.Index(fields=["topic", "started_at", "id"], name="call_topic_started_idx"),
            # The call list's agent and team dropdowns for a team lead: "has this agent a call in a led team?"
            # (team first: with the agent first it would compete with call_agent_started_id_idx for an agent's list)
            models.Index(fields=["team", "agent"], name="call_team_agent_idx"),
            # The call list's sorts by wait and by handle time, with the tie-break (both directions).
            models.Index(fields=["wait_time_seconds", "started_at", "id"], name="call_wait_idx"),
            models.Index(fields=["handle_time_seconds", "started_at", "id"], name="call_handle_idx"),
            # The call list's "evaluated" filter: the evaluated calls (a few percent) in the list's order, so
            # that both their capped count and their page are an index range.
            models.Index(
                fields=["-started_at", "-id"],
                name="call_evaluated_started_idx",
                condition=Q(evaluated_at__isnull=False),
            ),
            # The retention run's walk over old calls that still hold a recording or a transcript: the calls
            # it has cleared leave the index, so a daily run reads only what it has to delete.
            models.Index(
                fields=["started_at", "id"],
                name="call_retained_data_idx",
                condition=~Q(recording_file="") | ~Q(recording_url="") | ~Q(transcript=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                # resolved IS NOT NULL too: a CHECK that evaluates to NULL would let resolved=NULL through.
                condition=Q(resolved_at__isnull=True) | Q(resolved__isnull=False, resolved=True),
                name="call_resolved_at_needs_resolved",
            ),
        ]

    def __str__(self):
        return self.external_id

    def get_absolute_url(self):
        return reverse("calls:detail", args=[self.pk])

    @property
    def abandoned(self) -> bool | None:
        return None if self.answered is None else not self.answered

    @property
    def wait_seconds(self) -> int | None:
        parts = [p for p in (self.ivr_wait_seconds, self.queue_wait_seconds) if p is not None]
        return sum(parts) if parts else None

    @property
    def handle_seconds(self) -> int | None:
        parts = [p for p in (self.talk_seconds, self.hold_seconds, self.wrap_up_seconds) if p is not None]
        return sum(parts) if parts else None

    @property
    def has_recording(self) -> bool:
        return bool(self.recording_file or self.recording_url)


class SurveyResponse(models.Model):
    """A customer's survey answer (NPS 0–10 and/or CSAT 1–5), linked to the call it is about when known.

    Answers come with a call (the call API and import) or on their own from a survey tool (calls.surveys).
    Unlinked answers count at center level and in their segment, not for any agent or team (DESIGN.md).
    A case id is kept as sent; the answer is linked to one call of the case (calls.surveys.services).
    """

    class TimeSource(models.TextChoices):
        GIVEN = "given", _("Given with the answer")
        CALL = "call", _("The call's start")

    # The survey tool's response id: re-sending an answer with it updates it instead of adding one.
    external_id = models.CharField(
        _("response id"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        validators=[validate_external_id],
    )
    call = models.OneToOneField(
        Call,
        verbose_name=_("call"),
        on_delete=models.CASCADE,
        related_name="survey",
        null=True,
        blank=True,
        help_text=_("Empty: the answer counts at center level and in its segment only."),
    )
    case_id = models.CharField(_("case / ticket id"), max_length=100, blank=True, default="", db_default="")
    segment = models.CharField(
        _("segment"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text=_("Market, segment or queue the answer belongs to."),
    )
    nps = models.PositiveSmallIntegerField(
        _("NPS (0–10)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    csat = models.PositiveSmallIntegerField(
        _("CSAT (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    responded_at = models.DateTimeField(_("responded at"))
    # "call": responded_at is the call's start and follows it when the call's start changes.
    responded_at_source = models.CharField(
        _("time taken from"),
        max_length=10,
        choices=TimeSource,
        default=TimeSource.GIVEN,
        db_default=TimeSource.GIVEN,
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            models.Index(fields=["responded_at"], name="survey_responded_idx"),  # NPS/CSAT per period
            # NPS/CSAT per segment over a period.
            models.Index(fields=["segment", "responded_at"], name="survey_segment_responded_idx"),
            # Linking answers that came with a case id to the case's calls.
            models.Index(fields=["case_id"], name="survey_case_idx", condition=~Q(case_id="")),
            # The call list's NPS and CSAT filters, read from the survey side.
            models.Index(fields=["nps", "call"], name="survey_nps_call_idx"),
            models.Index(fields=["csat", "call"], name="survey_csat_call_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(nps__isnull=True) | Q(nps__lte=10), name="survey_nps_0_10"),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5), name="survey_csat_1_5"
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=False) | Q(csat__isnull=False), name="survey_has_a_score"
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="survey_unique_external_id"
            ),
            # A time taken from the call needs the call.
            models.CheckConstraint(
                condition=~Q(responded_at_source="call") | Q(call__isnull=False),
                name="survey_call_time_needs_call",
            ),
        ]

    def __str__(self):
        return f"{self.external_id or self.call} NPS={self.nps} CSAT={self.csat}"


class Escalation(models.Model):
    class Type(models.TextChoices):
        HIERARCHICAL = "hierarchical", _("Hierarchical")
        FUNCTIONAL = "functional", _("Functional")
        PRIORITY = "priority", _("Priority")
        AUTOMATIC = "automatic", _("Automatic")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="escalations"
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type)
    reason = models.CharField(_("reason"), max_length=200)
    from_level = models.CharField(_("from level"), max_length=100, blank=True)
    to_level = models.CharField(_("to level or department"), max_length=100)
    escalated_at = models.DateTimeField(_("escalated at"), default=timezone.now)
    followup_due_at = models.DateTimeField(_("customer follow-up due"), null=True, blank=True)
    followup_done_at = models.DateTimeField(_("customer follow-up done"), null=True, blank=True)

    class Meta:
        ordering = ["escalated_at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        indexes = [
            # Escalation analysis by type and reason over a period.
            models.Index(fields=["type", "escalated_at"], name="escalation_type_idx"),
            # Follow-ups that are due and not done.
            models.Index(fields=["followup_done_at", "followup_due_at"], name="escalation_followup_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="escalation_unique_external_id"
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()}: {self.from_level} → {self.to_level}"

    @property
    def followup_overdue(self) -> bool:
        return bool(
            self.followup_due_at and not self.followup_done_at and self.followup_due_at < timezone.now()
        )


class ImportKind(models.TextChoices):
    """What a file imports: calls (one row per call), or survey answers (one row per answer)."""

    CALLS = "calls", _("Calls")
    SURVEYS = "surveys", _("Survey answers")


class ImportMapping(models.Model):
    """A saved mapping from an export's columns to the fields of its kind (call or survey answer fields),
    reusable across imports of that kind."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind, default=ImportKind.CALLS)
    # {"external_id": "Call ID", "started_at": "Start time", ...}: call field → column header.
    columns = models.JSONField(_("columns"), default=dict)
    date_format = models.CharField(
        _("date format"),
        max_length=50,
        blank=True,
        help_text=_("strftime format; empty tries the common ones."),
    )
    is_preset = models.BooleanField(_("preset"), default=False)
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
        ordering = ["name"]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")

    def __str__(self):
        return self.name


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        # Mapped, but the file names agents the center does not know: the manager maps or creates them
        # (calls.imports.agents), and the job is queued then.
        NEEDS_AGENTS = "needs_agents", _("Agents to set up")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        PARTIAL = "partial", _("Done with refused rows")
        # The whole file, or every one of its rows: nothing was imported.
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # Not claimed by a worker yet: such a job can be cancelled (calls.imports.jobs.cancel_import_job).
    UNCLAIMED = frozenset({Status.PENDING, Status.NEEDS_AGENTS})
    FINISHED = frozenset({Status.DONE, Status.PARTIAL, Status.REFUSED, Status.FAILED, Status.CANCELLED})
    # The Bootstrap colour of each state, for its badge and its progress bar alike.
    COLOURS = {
        Status.PENDING: "info",
        Status.NEEDS_AGENTS: "light",
        Status.RUNNING: "primary",
        Status.DONE: "success",
        Status.PARTIAL: "warning",
        Status.REFUSED: "danger",
        Status.FAILED: "dark",
        Status.CANCELLED: "secondary",
    }

    Kind = ImportKind

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind, default=ImportKind.CALLS)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    mapping = models.ForeignKey(
        ImportMapping, verbose_name=_("mapping"), on_delete=models.SET_NULL, null=True, blank=True
    )
    # The saved mapping the columns started from, as it stood when the job ran ({"name", "columns",
    # "date_format"}): the job names it only while its own columns are still that mapping's.
    mapping_snapshot = models.JSONField(_("mapping as saved"), default=dict, blank=True)
    # The mapping as used by this job, so later edits to the saved mapping do not rewrite history.
    columns = models.JSONField(_("columns"), default=dict)
    date_format = models.CharField(_("date format"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    message = models.TextField(_("message"), blank=True, help_text=_("Why a whole file was refused."))
    # The message as a code and its parameters (calls.reasons), shown in the reader's language
    # (`shown_message`); `message` is the same written in the uploader's language, shown for a job stored
    # before codes were (null here) or whose code is no longer known.
    message_reason = models.JSONField(_("message as a code"), null=True, blank=True)
    # The file's agent values that no agent matched when the mapping was saved (calls.imports.agents):
    # {"values": [{"value", "rows", "team"}…], "more_values", "more_rows"}; {} when there were none.
    unknown_agents = models.JSONField(_("unknown agents"), default=dict, blank=True)
    # The uploader's language: the worker writes the refused rows' reasons in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    # Existing calls whose every written field already held the file's value: nothing was written.
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("refused rows"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Written with each batch: a running job whose heartbeat stops has lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def shown_message(self) -> str:
        """The job's message in the active language (the reader's)."""
        return render(self.message_reason, self.message)

    @property
    def colour(self) -> str:
        return self.COLOURS[self.status]

    @property
    def has_run(self) -> bool:
        """A worker claimed it (the claim sets started_at): it can no longer be cancelled or deleted."""
        return self.started_at is not None

    @property
    def can_cancel(self) -> bool:
        return self.status in self.UNCLAIMED

    @property
    def can_delete(self) -> bool:
        return not self.has_run and self.status != self.Status.RUNNING

    @property
    def percent(self) -> int:
        if self.status == self.Status.CANCELLED:
            return 0
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def mapping_name(self) -> str:
        return self.mapping_snapshot.get("name", "")

    @property
    def mapping_edited(self) -> bool:
        """The columns were changed from the saved mapping's before the job ran."""
        snapshot = self.mapping_snapshot
        return bool(snapshot) and (
            snapshot.get("columns") != self.columns or snapshot.get("date_format", "") != self.date_format
        )

    @property
    def duration(self):
        """How long the worker took, once the job has ended (a timedelta), else None."""
        if self.started_at is None or self.finished_at is None or not self.is_finished:
            return None
        return self.finished_at - self.started_at

    @property
    def rows_per_second(self) -> int | None:
        duration = self.duration
        if duration is None or not self.processed_rows:
            return None
        return round(self.processed_rows / max(duration.total_seconds(), 0.001))


class ImportRowError(models.Model):
    job = models.ForeignKey(
        ImportJob, verbose_name=_("import job"), on_delete=models.CASCADE, related_name="row_errors"
    )
    line_number = models.PositiveIntegerField(_("line"))
    # The reason written in the uploader's language when the row was refused; `reason` is the same as a code
    # and its parameters (calls.reasons), shown in the reader's language (`text`). Rows stored before codes
    # were have no `reason`, and show `message`.
    message = models.TextField(_("reason"))
    reason = models.JSONField(_("reason as a code"), null=True, blank=True)
    raw = models.TextField(_("row"), blank=True)

    class Meta:
        ordering = ["job", "line_number", "id"]
        # The job page lists a job's refused rows by line, a page at a time.
        indexes = [models.Index(fields=["job", "line_number"], name="import_row_error_line_idx")]
        verbose_name = _("refused import row")
        verbose_name_plural = _("refused import rows")

    def __str__(self):
        return _("line %(line)s: %(reason)s") % {"line": self.line_number, "reason": self.text}

    @property
    def text(self) -> str:
        """Why the row was refused, in the active language (the reader's)."""
        return render(self.reason, self.message)


class AgentAlias(models.Model):
    """Another name a phone system's export gives an agent (a first name, an old login), saved by a QA
    manager in an import's agent step: the import and the API then match it (calls.fields.AGENT_KEYS), after
    the agent codes and usernames, case-insensitively."""

    name = models.CharField(_("name in the file"), max_length=150)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="agent_aliases",
    )
    job = models.ForeignKey(
        ImportJob,
        verbose_name=_("learnt in the import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
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
        ordering = ["name"]
        constraints = [
            # One name means one agent, whatever its case.
            models.UniqueConstraint(Lower("name"), name="calls_agent_alias_unique_name"),
        ]
        verbose_name = _("agent alias")
        verbose_name_plural = _("agent aliases")

    def __str__(self):
        return f"{self.name} → {self.agent}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class IngestToken(models.Model):
    """A machine credential for the ingest API. Only the SHA-256 of the secret is stored.

    Its scopes say what it may do: "ingest" every write (calls, batches, recordings, surveys, escalations,
    case resolutions), "read" every read of call data (a call read back, with its transcript). One boolean a
    scope: explicit, on every database, and a CHECK keeps a token from having none."""

    class Scope(models.TextChoices):
        INGEST = (
            "ingest",
            _("ingest: push calls, recordings, survey answers, escalations and case resolutions"),
        )
        READ = "read", _("read: read calls back, with their transcripts, survey answers and escalations")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Which system uses it, e.g. 'Helpdesk webhook'.")
    )
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The defaults are the least privilege: push, not read. Tokens issued before scopes existed were given
    # both by migration 0016, so that no integration stopped working on the upgrade.
    can_ingest = models.BooleanField(
        _("scope “ingest”"),
        default=True,
        help_text=_("Push calls, recordings, surveys, escalations and case resolutions."),
    )
    can_read = models.BooleanField(
        _("scope “read”"),
        default=False,
        help_text=_("Read calls back, with their transcripts, survey answers and escalations."),
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(can_ingest=True) | Q(can_read=True),
                name="calls_ingesttoken_has_a_scope",
                violation_error_message=_("A token needs at least one scope."),
            ),
        ]
        verbose_name = _("ingest token")
        verbose_name_plural = _("ingest tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, name: str, scopes, created_by=None) -> tuple["IngestToken", str]:
        """Create a token with these scopes (at least one) and return it with the secret, which is shown once
        and never stored."""
        scopes = {cls.Scope(scope) for scope in scopes}
        if not scopes:
            raise ValueError("a token needs at least one scope")
        raw = "qac_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            name=name,
            prefix=raw[4:12],
            key_hash=hash_token(raw),
            created_by=created_by,
            can_ingest=cls.Scope.INGEST in scopes,
            can_read=cls.Scope.READ in scopes,
        )
        return token, raw

    def has_scope(self, scope: "IngestToken.Scope | str") -> bool:
        return {self.Scope.INGEST: self.can_ingest, self.Scope.READ: self.can_read}[self.Scope(scope)]

    @property
    def scopes(self) -> list["IngestToken.Scope"]:
        return [scope for scope in self.Scope if self.has_scope(scope)]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RetentionRun(models.Model):
    """One run of the retention rule (calls.retention): recordings and transcripts of calls started before
    `cutoff` were deleted, the calls themselves, their scores and evaluations kept. A record, never edited."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    days = models.PositiveIntegerField(_("retention (days)"))
    cutoff = models.DateTimeField(_("calls started before"))
    calls_count = models.PositiveIntegerField(_("calls"), default=0)
    recordings_count = models.PositiveIntegerField(_("recording files deleted"), default=0)
    recording_urls_count = models.PositiveIntegerField(_("recording URLs cleared"), default=0)
    transcripts_count = models.PositiveIntegerField(_("transcripts deleted"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.calls_count})"


class RetentionDeletion(models.Model):
    """What one retention run deleted from one call: the file's name, the URL, the transcript's length."""

    run = models.ForeignKey(
        RetentionRun, verbose_name=_("retention run"), on_delete=models.CASCADE, related_name="deletions"
    )
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="retention_deletions"
    )
    recording_file = models.CharField(_("recording file"), max_length=255, blank=True)
    recording_url = models.CharField(_("recording URL"), max_length=500, blank=True)
    transcript_chars = models.PositiveIntegerField(_("transcript length (characters)"), default=0)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("retention deletion")
        verbose_name_plural = _("retention deletions")

    def __str__(self):
        return str(self.call)

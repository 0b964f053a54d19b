"""Coaching (DESIGN.md capability 5) and the exemplary-call library (capability 4).

The rules live in coaching/sessions/ (services, selectors) and coaching/library/; access in coaching/access.py.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qa_center.history import audited
from qa_center.people import roles

# --- Library ------------------------------------------------------------------------------------------------


class LibraryTag(models.Model):
    """A free tag of library entries ("escalation", "upsell"), stored lowercased so that one word is one tag."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("library tag")
        verbose_name_plural = _("library tags")

    def __str__(self):
        return self.name


class LibraryEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who reads which entry (the one rule; coaching.access builds on it): every signed-in person reads the
        approved ones; QA managers read every nomination; whoever nominated a call reads their nomination."""
        if not user.is_authenticated:
            return self.none()
        if roles.is_manager(user):
            return self
        return self.filter(Q(status=LibraryEntry.Status.APPROVED) | Q(nominated_by=user))

    def approved(self):
        return self.filter(status=LibraryEntry.Status.APPROVED)

    def pending(self):
        return self.filter(status=LibraryEntry.Status.PENDING)


class LibraryEntry(models.Model):
    """A call nominated as an example of excellent work; only approved entries are in the library.

    Criteria are tagged by title (LibraryEntryCriterion): a criterion belongs to one scorecard version, and its
    title is what stays across versions (the builder's comments and My feedback's criteria follow it too)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("In the library")
        DECLINED = "declined", _("Declined")

    class Usage(models.TextChoices):
        PLAY = "play", _("Played")
        SESSION = "session", _("Linked into a coaching session")

    call = models.ForeignKey(
        "calls.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="library_entries"
    )
    # The evaluation it was nominated from (an agent's proposal may have none).
    evaluation = models.ForeignKey(
        "scorecards.Evaluation",
        verbose_name=_("evaluation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_entries",
    )
    # The agent credited, copied from the call when nominated.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_entries",
    )
    call_type = models.ForeignKey(
        "calls.CallType",
        verbose_name=_("call type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_entries",
    )
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(
        _("what the agent did well"),
        blank=True,
        help_text=_("The specific choices the agent made, and why they worked."),
    )
    tags = models.ManyToManyField(LibraryTag, verbose_name=_("tags"), blank=True, related_name="entries")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nominated_at = models.DateTimeField(_("nominated at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    anonymity_requested_at = models.DateTimeField(_("anonymity requested at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    anonymised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    play_count = models.PositiveIntegerField(_("plays"), default=0)
    session_count = models.PositiveIntegerField(_("links into coaching sessions"), default=0)
    # Title, notes, criteria and tags, lowercased, kept by the services: the text search is one LIKE per word
    # on one column. The agent's name is left out, so an anonymised entry cannot be found by it.
    search_text = models.TextField(editable=False, default="")

    objects = LibraryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("library entry")
        verbose_name_plural = _("library entries")
        constraints = [
            # A call is in the library (or waiting to be) once; a declined call may be nominated again.
            models.UniqueConstraint(
                fields=["call"], condition=~Q(status="declined"), name="library_entry_one_live_per_call"
            ),
        ]
        indexes = [
            # The library's browse and search pages: approved entries, newest decision first (the keyset).
            models.Index(fields=["status", "decided_at", "id"], name="library_entry_browse_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


class LibraryEntryCriterion(models.Model):
    """A scorecard criterion an entry shows, by title (stable across the scorecard's versions)."""

    entry = models.ForeignKey(LibraryEntry, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("criterion"), max_length=300)

    class Meta:
        ordering = ["entry", "title"]
        verbose_name = _("library entry criterion")
        verbose_name_plural = _("library entry criteria")
        constraints = [
            models.UniqueConstraint(fields=["entry", "title"], name="library_criterion_once_per_entry"),
        ]
        indexes = [
            # "What great sounds like": the entries tagged with a criterion.
            models.Index(fields=["title", "entry"], name="library_criterion_title_idx"),
        ]

    def __str__(self):
        return self.title


class LibraryClip(models.Model):
    """A stretch of an entry's recording worth hearing, with a note; internal-only clips are hidden from agents."""

    entry = models.ForeignKey(LibraryEntry, on_delete=models.CASCADE, related_name="clips")
    start_seconds = models.DecimalField(_("start (s)"), max_digits=9, decimal_places=2)
    end_seconds = models.DecimalField(_("end (s)"), max_digits=9, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    internal_only = models.BooleanField(
        _("internal only"), default=False, help_text=_("Not shown to agents (e.g. the customer's details).")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "start_seconds", "id"]
        verbose_name = _("clip")
        verbose_name_plural = _("clips")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_seconds__gte=0) & Q(end_seconds__gt=models.F("start_seconds")),
                name="library_clip_start_before_end",
            ),
        ]

    def __str__(self):
        return f"{self.entry}: {self.start_seconds}–{self.end_seconds}s"


# Sessions
# ---------------------------------------------------------------------------------------------------


class CoachingSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may read which session (the one rule; coaching.access builds on it): the agent their own, a team
        lead the sessions they run and those of their teams' agents, QA managers all."""
        if not user.is_authenticated:
            return self.none()
        if roles.is_manager(user):
            return self
        condition = Q(agent=user)
        if roles.is_team_lead(user):
            condition |= Q(lead=user) | Q(agent__team__lead=user)
        return self.filter(condition)

    def live(self):
        """Sessions that hold a place in the calendar: cancelled ones free theirs."""
        return self.exclude(status=CoachingSession.Status.CANCELLED)

    def of_person(self, user):
        """Sessions `user` takes part in, as the lead or as the agent."""
        return self.filter(Q(lead=user) | Q(agent=user))


class CoachingSession(models.Model):
    """An in-person review between a team lead and an agent of their team."""

    class Kind(models.TextChoices):
        FEEDBACK_REVIEW = "feedback_review", _("Feedback review")
        ROLE_PLAY = "role_play", _("Role-play")
        FOLLOW_UP = "follow_up", _("Follow-up")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.PROTECT,
        related_name="coaching_sessions_led",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="coaching_sessions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.FEEDBACK_REVIEW)
    scenario = models.TextField(
        _("scenario"),
        blank=True,
        help_text=_("Role-play: the situation to practise, e.g. the customer asks for a manager."),
    )
    # Aware datetimes (stored in UTC): overlaps and reminders compare instants, whatever the clocks did.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SCHEDULED)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The follow-up: sampling is asked for `follow_up_evaluations` extra evaluations of calls the agent takes
    # on or after `follow_up_on` (coaching.sessions.services.request_follow_up_evaluations).
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    follow_up_evaluations = models.PositiveSmallIntegerField(
        _("extra evaluations"), default=0, validators=[MaxValueValidator(10)]
    )
    follow_up_assignments = models.ManyToManyField(
        "scorecards.Assignment", verbose_name=_("follow-up assignments"), blank=True, related_name="+"
    )
    from_evaluation = models.ForeignKey(
        "scorecards.Evaluation",
        verbose_name=_("started from evaluation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the lead saves the agenda builder: until then the session is on their "agendas to prepare".
    agenda_prepared_at = models.DateTimeField(_("agenda prepared at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    agent_confirmed_at = models.DateTimeField(_("agent confirmed at"), null=True, blank=True)
    agent_comment = models.TextField(_("agent's comment"), blank=True)
    # The iCalendar SEQUENCE: a calendar app replaces its copy of the event when this grows.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audited()

    objects = CoachingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="coaching_session_ends_after_start"
            ),
        ]
        indexes = [
            # The overlap check and the lead's week view: a person's sessions around a time.
            models.Index(fields=["lead", "starts_at"], name="coaching_session_lead_idx"),
            models.Index(fields=["agent", "starts_at"], name="coaching_session_agent_idx"),
            # The reminders task: scheduled sessions starting in a window.
            models.Index(fields=["status", "starts_at"], name="coaching_session_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.agent} ({self.starts_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("coaching:detail", args=[self.pk])

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class SessionChange(models.Model):
    """A rescheduling: where and when the session was before, so that the history is kept."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    old_starts_at = models.DateTimeField(_("was at"))
    old_ends_at = models.DateTimeField(_("was until"))
    old_place = models.CharField(_("was in"), max_length=200)
    new_starts_at = models.DateTimeField(_("moved to"))
    new_ends_at = models.DateTimeField(_("now until"))
    new_place = models.CharField(_("now in"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["session", "changed_at", "id"]
        verbose_name = _("rescheduling")
        verbose_name_plural = _("reschedulings")

    def __str__(self):
        return f"{self.session_id}: {self.old_starts_at} → {self.new_starts_at}"


class AgendaItem(models.Model):
    """One point of a session's agenda: an evaluation to discuss, a strength to recognise, an exemplary call of
    the library to listen to, or the lead's own.

    A new kind is one more choice and one more nullable link, with its check constraint below."""

    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("Evaluation to discuss")
        STRENGTH = "strength", _("Strength to recognise")
        LIBRARY = "library", _("Exemplary call to listen to")
        FREE = "free", _("Other point")

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="agenda_items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    evaluation = models.ForeignKey(
        "scorecards.Evaluation",
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    entry = models.ForeignKey(
        LibraryEntry,
        verbose_name=_("library entry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    # The criterion this point is about, by title (as the feedback figures group criteria across versions):
    # the evaluation's weakest criterion, or the strength. The coaching effect follows these criteria.
    criterion_title = models.CharField(_("criterion"), max_length=300, blank=True)
    text = models.TextField(_("point"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="evaluation") | Q(evaluation__isnull=False),
                name="agenda_item_evaluation_has_evaluation",
            ),
            models.CheckConstraint(
                condition=~Q(kind="strength") | ~Q(criterion_title=""),
                name="agenda_item_strength_has_criterion",
            ),
            models.CheckConstraint(
                condition=~Q(kind="library") | Q(entry__isnull=False), name="agenda_item_library_has_entry"
            ),
            models.CheckConstraint(condition=~Q(kind="free") | ~Q(text=""), name="agenda_item_free_has_text"),
            models.UniqueConstraint(
                fields=["session", "evaluation"],
                condition=Q(evaluation__isnull=False),
                name="agenda_item_one_per_evaluation",
            ),
            models.UniqueConstraint(
                fields=["session", "criterion_title"],
                condition=Q(kind="strength"),
                name="agenda_item_one_per_strength",
            ),
            models.UniqueConstraint(
                fields=["session", "entry"],
                condition=Q(entry__isnull=False),
                name="agenda_item_one_per_entry",
            ),
        ]

    def __str__(self):
        return self.text or self.criterion_title or str(self.evaluation_id or self.entry_id)


class ActionItem(models.Model):
    """Something agreed in a session, owned by the agent or by the lead, due on a day."""

    class Owner(models.TextChoices):
        AGENT = "agent", _("Agent")
        LEAD = "lead", _("Team lead")

    session = models.ForeignKey(
        CoachingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="action_items"
    )
    description = models.CharField(_("description"), max_length=500)
    owner = models.CharField(_("owner"), max_length=10, choices=Owner, default=Owner.AGENT)
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = audited()

    class Meta:
        ordering = ["session", "due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [
            # The overdue reminders and the home pages' open items.
            models.Index(fields=["done_at", "due_on"], name="action_item_open_idx"),
        ]

    def __str__(self):
        return self.description

    @property
    def owner_person_id(self) -> int:
        """The person who owns it (the session must be loaded)."""
        return self.session.agent_id if self.owner == self.Owner.AGENT else self.session.lead_id

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class SentReminder(models.Model):
    """A reminder that was sent, written (in the same transaction) before the notification: its unique key makes
    a second sender, a re-run of the task or another worker racing, fail to insert and send nothing."""

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        CoachingSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")

    def __str__(self):
        return self.key


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A person's private calendar feed: the URL's token is the credential, so only its SHA-256 is stored (shown
    once, like an API token); a new one revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

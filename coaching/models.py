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

from qa_center.people import roles

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
    """One point of a session's agenda: an evaluation to discuss, a strength to recognise, or the lead's own.

    A new kind (e.g. an exemplary call of the library) is one more choice and one more nullable link, with its
    check constraint below."""

    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("Evaluation to discuss")
        STRENGTH = "strength", _("Strength to recognise")
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
        ]

    def __str__(self):
        return self.text or self.criterion_title or str(self.evaluation_id)


class ActionItem(models.Model):
    """Something agreed in a session, owned by the agent or by the lead, due on a day."""

    class Owner(models.TextChoices):
        AGENT = "agent", _("Agent")
        LEAD = "lead", _("Team lead")

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(_("description"), max_length=500)
    owner = models.CharField(_("owner"), max_length=10, choices=Owner, default=Owner.AGENT)
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

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

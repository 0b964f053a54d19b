"""Coaching: the exemplary-call library (DESIGN.md capability 4) and coaching sessions (capability 5).

The rules live in coaching/library/services.py and selectors.py; who reaches what in coaching/access.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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

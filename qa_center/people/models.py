"""People: users with their roles, and teams."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qa_center.people import roles


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    lead = models.ForeignKey(
        "people.User",
        verbose_name=_("team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles are flags because one person may hold several (reviewer and agent)."""

    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        REVIEWER = "reviewer", _("QA reviewer")
        TEAM_LEAD = "team_lead", _("Team lead")
        QA_MANAGER = "qa_manager", _("QA manager")

    is_agent = models.BooleanField(_("agent"), default=False)
    is_reviewer = models.BooleanField(_("QA reviewer"), default=False)
    is_team_lead = models.BooleanField(_("team lead"), default=False)
    is_qa_manager = models.BooleanField(_("QA manager"), default=False)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("The team this person answers calls for."),
    )
    # The agent's id in the phone system (extension, login): how imported calls find their agent.
    agent_code = models.CharField(_("agent code"), max_length=64, blank=True)
    # Set by the language menu; notifications and their e-mails are written in it. Blank: the center's.
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES, default=""
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["agent_code"], condition=~Q(agent_code=""), name="people_user_unique_agent_code"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def roles(self) -> list[str]:
        flags = [
            (self.is_agent, self.Role.AGENT),
            (self.is_reviewer, self.Role.REVIEWER),
            (self.is_team_lead, self.Role.TEAM_LEAD),
            (self.is_qa_manager, self.Role.QA_MANAGER),
        ]
        return [role for on, role in flags if on]

    @property
    def role_labels(self) -> list[str]:
        return [role.label for role in self.roles]

    # The role predicates as properties, for templates.
    @property
    def manages_qa(self) -> bool:
        return roles.is_manager(self)

    @property
    def sees_all_calls(self) -> bool:
        return roles.works_center_wide(self)

    def led_team_ids(self) -> tuple[int, ...]:
        """The teams this person leads, by id (one small query; none unless a team lead). A lead's scope is
        written with these values, not a subquery: the planner then knows which teams, and reads their rows
        through the team's index (a subquery, it estimates blind and scans every row of the table)."""
        if not roles.is_team_lead(self):
            return ()
        return tuple(Team.objects.filter(lead=self).order_by("pk").values_list("pk", flat=True))


class Notification(models.Model):
    """An in-app message to one person (also sent by email by the service that creates it)."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    # What happened, as a code and its parameters: shown in the reader's language whenever it is read
    # (qa_center.people.notifications). `message` is the same written out when it was sent, in the
    # recipient's language: the text of the e-mail, and what is shown for an event no longer known.
    event = models.CharField(_("event"), max_length=50, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The unread badge in the navigation bar, on every page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self):
        return self.message

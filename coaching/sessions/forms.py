"""Forms of coaching sessions. A session's time is asked as a day, a start time and a duration, read in the
center's time zone and stored as aware instants: the end is the start plus the duration in real time, so a
session across a daylight-saving change lasts what it says."""

from datetime import UTC, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.models import ActionItem, CoachingSession
from coaching.sessions.services import SessionTime

MIN_MINUTES = 5
MAX_MINUTES = 8 * 60


def session_time(day, start, minutes: int) -> SessionTime:
    """The session's instants from a local day and start time and a duration in minutes."""
    zone = timezone.get_current_timezone()
    naive = datetime.combine(day, start)
    starts_at = timezone.make_aware(naive, zone).astimezone(UTC)
    # Through UTC and back: a wall-clock time the clocks skip comes back an hour later.
    if starts_at.astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            _("%(time)s does not exist on that day: the clocks go forward. Choose another time.")
            % {"time": start.strftime("%H:%M")},
            code="nonexistent_time",
        )
    # The duration is added in real time (to the UTC instant), not on the wall clock.
    return SessionTime(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes))


class _WhenFields(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration = forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=30,
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)],
    )
    place = forms.CharField(
        label=_("Place"), max_length=200, help_text=_("A room, a desk, a meeting corner.")
    )

    def clean(self):
        data = super().clean()
        if all(data.get(name) is not None for name in ("day", "start", "duration")):
            try:
                data["when"] = session_time(data["day"], data["start"], data["duration"])
            except ValidationError as error:
                self.add_error("start", error)
                return data
            if data["when"].starts_at < timezone.now():
                self.add_error("start", _("This time has passed: a session is booked ahead."))
        return data


class ScheduleForm(_WhenFields):
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=CoachingSession.Kind.choices)
    scenario = forms.CharField(
        label=_("Scenario to practise"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Role-play only, e.g. an escalation: the customer asks for a manager; you play the customer."
        ),
    )
    evaluation = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["agent", "kind", "scenario", "day", "start", "duration", "place"]

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents

    def clean(self):
        data = super().clean()
        if data.get("kind") == CoachingSession.Kind.ROLE_PLAY and not data.get("scenario", "").strip():
            self.add_error("scenario", _("Describe the scenario the role-play practises."))
        return data


class RescheduleForm(_WhenFields):
    reason = forms.CharField(label=_("Why it moves"), required=False, max_length=500)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))


class CompleteForm(NotesForm):
    follow_up_on = forms.DateField(
        label=_("Follow-up from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Calls the agent takes from this day on are sampled for the extra evaluations."),
    )
    follow_up_evaluations = forms.IntegerField(
        label=_("Extra evaluations"),
        initial=0,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("How many of those calls reviewers should score, to measure the effect (0: none)."),
    )

    def clean(self):
        data = super().clean()
        if data.get("follow_up_evaluations") and not data.get("follow_up_on"):
            self.add_error("follow_up_on", _("Give the day the follow-up calls start from."))
        return data


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}


class FreeItemForm(forms.Form):
    text = forms.CharField(label=_("Point to discuss"), max_length=1000)


class ConfirmForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AgendaForm(forms.Form):
    """The lead's picks among the suggestions (coaching.sessions.selectors.agenda_suggestions): nothing else."""

    evaluations = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    strengths = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    entries = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        self.fields["evaluations"].choices = [
            (s.evaluation.pk, s.evaluation.pk) for s in suggestions.evaluations
        ]
        self.fields["strengths"].choices = [(s.title, s.title) for s in suggestions.strengths]
        self.fields["entries"].choices = [(s.entry.pk, s.entry.title) for s in suggestions.library]

    def picked_evaluations(self):
        chosen = set(self.cleaned_data["evaluations"])
        return [
            (s.evaluation, s.weakest_title) for s in self.suggestions.evaluations if s.evaluation.pk in chosen
        ]

    def picked_entries(self):
        chosen = set(self.cleaned_data["entries"])
        return [s.entry for s in self.suggestions.library if s.entry.pk in chosen]

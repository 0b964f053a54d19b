"""The call pages' forms: the call list's filters (GET: it validates the query string and offers only what the
user may see), and the upload of a call's recording on its page."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from calls import services
from calls.models import Call, CallType, Escalation
from calls.selectors import agents_for_filter, teams_for_filter
from qa_center.form_fields import render_widget

YES_NO_ANY = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
NPS_CHOICES = [
    ("", _("Any")),
    ("promoter", _("Promoters (9–10)")),
    ("passive", _("Passives (7–8)")),
    ("detractor", _("Detractors (0–6)")),
]


class ManyOptionsSelect(forms.Select):
    """A <select> whose options are written in one pass (qa_center.form_fields): Django renders each <option>
    through a template, and a center's 500 agents cost more than every query of the page. Same HTML as
    forms.Select."""

    def render(self, name, value, attrs=None, renderer=None):
        return render_widget(self, name, value, attrs or {})


def _yes_no(value: str) -> bool:
    return value == "yes"


def _tri_state(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO_ANY, coerce=_yes_no, empty_value=None, required=False
    )


# Bounds keep "day after" and time-zone arithmetic inside the dates Python can represent.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(9998, 12, 31)


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
    )


def _csat(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=5)


class CallFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        # A prefix, matched exactly, is what the ids' indexes serve at a million calls ("within" was a full scan).
        help_text=_(
            "The start of a call, case or customer id, exactly as written: capital letters matter. "
            "“CASE-12” finds CASE-12 and CASE-120, not XCASE-12."
        ),
        widget=forms.TextInput(attrs={"placeholder": _("Call, case or customer id"), "type": "search"}),
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"), queryset=None, required=False, empty_label=_("Any"), widget=ManyOptionsSelect
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, empty_label=_("Any"), widget=ManyOptionsSelect
    )
    call_type = forms.ModelChoiceField(
        label=_("Call type"), queryset=CallType.objects.order_by("name"), required=False, empty_label=_("Any")
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("", _("Any")), *Call.Direction.choices], required=False
    )
    date_from = _date(_("From"))
    date_to = _date(_("To"))
    answered = _tri_state(_("Answered"))
    resolved = _tri_state(_("Resolved"))
    escalated = _tri_state(_("Escalated"))
    escalation_type = forms.ChoiceField(
        label=_("Escalation type"), choices=[("", _("Any")), *Escalation.Type.choices], required=False
    )
    escalation_reason = forms.CharField(label=_("Escalation reason"), required=False, max_length=200)
    has_recording = _tri_state(_("Recording"))
    evaluated = _tri_state(_("Evaluated"))
    nps = forms.ChoiceField(label=_("NPS"), choices=NPS_CHOICES, required=False)
    csat_min = _csat(_("CSAT from"))
    csat_max = _csat(_("CSAT to"))
    case = forms.CharField(label=_("Case / ticket id"), required=False, max_length=100)
    topic = forms.CharField(
        label=_("Topic"), required=False, max_length=100, help_text=_("Exactly as recorded.")
    )

    def __init__(self, *args, user, team_ids: tuple[int, ...] | None = None, **kwargs):
        """`team_ids`: the teams `user` leads, when the caller has them already (calls.selectors.led_team_ids)."""
        super().__init__(*args, **kwargs)
        if user.sees_all_calls or user.is_team_lead:
            # Only what the option's label needs (str(user): the full name, else the username).
            agents = agents_for_filter(user=user, team_ids=team_ids)
            self.fields["agent"].queryset = agents.only("pk", "first_name", "last_name", "username")
            self.fields["team"].queryset = teams_for_filter(user=user, team_ids=team_ids)
        else:
            # An agent sees only their own calls: choosing an agent or a team would mean nothing.
            del self.fields["agent"]
            del self.fields["team"]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        csat_min, csat_max = cleaned.get("csat_min"), cleaned.get("csat_max")
        if csat_min is not None and csat_max is not None and csat_min > csat_max:
            self.add_error("csat_max", _("The upper CSAT bound is below the lower one."))
        return cleaned


class RecordingUploadForm(forms.Form):
    """A call's recording uploaded on its page: the API's check (calls.services.validate_recording_file: type from
    the file's content, size limit), so that both ways in accept exactly the same files."""

    file = forms.FileField(
        label=_("Recording file"),
        error_messages={"required": _("Choose the audio file to upload.")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in services.AUDIO_EXTENSIONS)}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Here, not at import: the limit is a setting (QA_RECORDING_MAX_MB).
        self.fields["file"].help_text = _(
            "%(extensions)s, up to %(limit)s MB; its content must match its extension. It replaces the "
            "call's current recording."
        ) % {
            "extensions": ", ".join(services.AUDIO_EXTENSIONS),
            "limit": services.recording_max_bytes() // (1024 * 1024),
        }

    def clean_file(self):
        file = self.cleaned_data["file"]
        services.validate_recording_file(file)  # its ValidationError is shown next to the field
        return file

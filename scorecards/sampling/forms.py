"""Forms of the sampling page: rules, "run sampling now", and assigning a call to a reviewer by hand."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from calls.models import Call, CallType
from qa_center.people.models import User
from scorecards.models import Assignment, SamplingRule
from scorecards.sampling import services as sampling


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)), timezone.get_current_timezone())


class SamplingRuleForm(forms.ModelForm):
    class Meta:
        model = SamplingRule
        fields = [
            "call_type",
            "team",
            "method",
            "calls_per_agent",
            "percentage",
            "period",
            "require_answered",
            "require_recording",
            "min_talk_seconds",
            "is_active",
        ]
        widgets = {"method": forms.RadioSelect}
        help_texts = {
            "team": _(
                "The calls taken for one team, or for every team. A call type may have several rules: "
                "their quotas add up, and a call picked by two rules is reviewed once."
            ),
            "calls_per_agent": _("How many calls of this type each agent gets reviewed per period."),
            "percentage": _(
                "The share of the period's qualifying calls drawn at random, rounded up (e.g. 3 for 3%)."
            ),
            "min_talk_seconds": _("Shorter calls say too little about the agent to be worth scoring."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].empty_label = _("Every team")

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        if method == SamplingRule.Method.PER_AGENT:
            if not cleaned.get("calls_per_agent") and "calls_per_agent" not in self.errors:
                self.add_error("calls_per_agent", _("Say how many calls per agent."))
            cleaned["percentage"] = None
        elif method == SamplingRule.Method.PERCENTAGE:
            if cleaned.get("percentage") is None and "percentage" not in self.errors:
                self.add_error("percentage", _("Say which percentage of the calls."))
            cleaned["calls_per_agent"] = None
        return cleaned


class RunSamplingForm(forms.Form):
    period = forms.ChoiceField(label=_("Rules applied per"), choices=SamplingRule.Period.choices)
    day = forms.DateField(
        label=_("Any day of the period"),
        widget=_date_input(),
        help_text=_("Sampling again for the same period only tops the quotas up."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last_week = sampling.previous_period(kind=sampling.WEEK, today=timezone.localdate())
        self.fields["period"].initial = sampling.WEEK
        self.fields["day"].initial = last_week.start

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The period must not lie in the future."))
        return day

    def sampling_period(self) -> sampling.SamplingPeriod:
        return sampling.period_containing(kind=self.cleaned_data["period"], day=self.cleaned_data["day"])


class ManualAssignmentForm(forms.Form):
    call = forms.CharField(
        label=_("Call"),
        max_length=100,
        help_text=_("The call's external id (as in the phone system) or its number in QA Center."),
    )
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)
    due = forms.DateField(label=_("Due"), required=False, widget=_date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["due"].help_text = ngettext(
            "Empty: in %(days)d day.", "Empty: in %(days)d days.", sampling.assignment_due_days()
        ) % {"days": sampling.assignment_due_days()}
        self.fields["reviewer"].queryset = sampling.eligible_reviewers().order_by(
            "first_name", "last_name", "username"
        )

    def clean_call(self) -> Call:
        value = self.cleaned_data["call"].strip()
        # Looked up among the calls this user may see: the one access rule for calls.
        calls = Call.objects.visible_to(self.user).select_related("agent", "call_type")
        # An external id wins over a number in QA Center that happens to look the same.
        call = calls.filter(external_id=value).first()
        if call is None and value.isdigit():
            call = calls.filter(pk=int(value)).first()
        if call is None:
            raise forms.ValidationError(_("No call with this id."))
        return call

    def due_at(self) -> datetime | None:
        due = self.cleaned_data.get("due")
        return _end_of_day(due) if due else None


class ReassignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("New reviewer"), queryset=None)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        reviewers = sampling.eligible_reviewers().exclude(pk=assignment.reviewer_id)
        if assignment.call.agent_id:
            reviewers = reviewers.exclude(pk=assignment.call.agent_id)
        self.fields["reviewer"].queryset = reviewers.order_by("first_name", "last_name", "username")


def _small_select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm"})


class QueueFilterForm(forms.Form):
    """The reviewer's queue, narrowed and sorted (GET parameters; anything invalid is simply ignored)."""

    order = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        widget=_small_select(),
        choices=[
            ("due", _("Due soonest")),
            ("oldest", _("Oldest call")),
            ("newest", _("Newest call")),
            ("longest", _("Longest talk")),
            ("shortest", _("Shortest talk")),
        ],
    )
    call_type = forms.ModelChoiceField(
        label=_("Call type"), queryset=None, required=False, empty_label=_("Any"), widget=_small_select()
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"), queryset=None, required=False, empty_label=_("Any"), widget=_small_select()
    )
    recording = forms.ChoiceField(
        label=_("Recording"),
        required=False,
        widget=_small_select(),
        choices=[("", _("Any")), ("yes", _("With a recording")), ("no", _("Without a recording"))],
    )

    def __init__(self, *args, reviewer, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what is in this reviewer's queue: a choice that matches nothing would only mislead.
        open_calls = Assignment.objects.filter(reviewer=reviewer, status=Assignment.Status.OPEN)
        self.fields["call_type"].queryset = (
            CallType.objects.filter(calls__assignments__in=open_calls).distinct().order_by("name")
        )
        self.fields["agent"].queryset = (
            User.objects.filter(calls__assignments__in=open_calls)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def filters(self) -> dict:
        """queue_of's keyword arguments for the valid choices."""
        self.is_valid()  # cleaned_data then holds the valid fields, whatever the others
        data = self.cleaned_data
        recording = data.get("recording")
        return {
            "order": data.get("order") or "due",
            "call_type_id": data["call_type"].pk if data.get("call_type") else None,
            "agent_id": data["agent"].pk if data.get("agent") else None,
            "has_recording": {"yes": True, "no": False}.get(recording),
        }

"""Forms of the calibration pages: finding a call, and opening a session on it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from calls.models import Call
from scorecards.calibration.services import MIN_REVIEWERS
from scorecards.sampling.services import eligible_reviewers


class CallSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a call"),
        max_length=100,
        required=False,
        help_text=_("External id, case or customer id, or the agent's name."),
    )


class CalibrationSessionForm(forms.Form):
    call = forms.CharField(
        label=_("Call"),
        max_length=100,
        help_text=_("The call's external id (as in the phone system) or its number in QA Center."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two. They score the call blind; your own evaluation is the reference."),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Optional: the session closes at the deadline; answers not submitted by then are left out."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["reviewers"].queryset = (
            eligible_reviewers().exclude(pk=user.pk).order_by("first_name", "last_name", "username")
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

    def clean_reviewers(self):
        reviewers = self.cleaned_data["reviewers"]
        if len(reviewers) < MIN_REVIEWERS:
            raise forms.ValidationError(
                _("Pick at least %(count)d reviewers."), params={"count": MIN_REVIEWERS}
            )
        return reviewers

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's {field: message} errors on their fields (others on the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)

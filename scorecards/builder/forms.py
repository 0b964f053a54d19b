"""The scorecard builder's forms: they validate input; the builder services (builder.py) do the writing."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import CallType
from scorecards.models import (
    Criterion,
    CriterionComment,
    CriterionOption,
    Scorecard,
    ScorecardVersion,
    Section,
)

POSITIVE = Decimal("0.01")  # weights of 0 would silently switch a criterion off: publishing refuses them


class ScorecardCreateForm(forms.ModelForm):
    class Meta:
        model = Scorecard
        fields = ["call_type", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One scorecard per call type: offer only the active call types that have none yet.
        self.fields["call_type"].queryset = CallType.objects.filter(
            is_active=True, scorecard__isnull=True
        ).order_by("name")


class VersionSettingsForm(forms.ModelForm):
    class Meta:
        model = ScorecardVersion
        fields = ["scoring_method", "pass_mark"]
        help_texts = {
            "scoring_method": _(
                "Weighted sections: each section scores the weighted mean of its criteria, "
                "the evaluation the weighted mean of its sections. "
                "Total points: points earned ÷ points possible, weighted."
            ),
            "pass_mark": _("An evaluation passes at this score or above (0–100)."),
        }


class PublishForm(forms.Form):
    notes = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the version history, beside who published it and when."),
    )


class SectionForm(forms.ModelForm):
    weight = forms.DecimalField(
        label=_("Weight"), min_value=POSITIVE, max_digits=7, decimal_places=2, initial=1
    )

    class Meta:
        model = Section
        fields = ["title", "weight"]


class CriterionForm(forms.ModelForm):
    weight = forms.DecimalField(
        label=_("Weight"), min_value=POSITIVE, max_digits=7, decimal_places=2, initial=1
    )

    class Meta:
        model = Criterion
        fields = ["title", "kind", "scale_max", "weight", "allows_na", "critical_scope", "guidance"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "scale_max": _("Scale criteria only: the answer is a number from 0 to N."),
            "critical_scope": _(
                "A critical criterion that earns no points sets its section, or the whole evaluation, to 0."
            ),
            "guidance": _(
                "What the reviewer should listen for; shown beside the criterion on the scoring form."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Criterion.Kind.SCALE and not cleaned.get("scale_max"):
            self.add_error("scale_max", _("A scale needs a maximum (N)."))
        elif cleaned.get("kind") != Criterion.Kind.SCALE:
            cleaned["scale_max"] = None
        return cleaned


class OptionForm(forms.ModelForm):
    class Meta:
        model = CriterionOption
        fields = ["label", "points"]


class CommentForm(forms.ModelForm):
    class Meta:
        model = CriterionComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2})}
        labels = {"body": _("Your comment")}


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])

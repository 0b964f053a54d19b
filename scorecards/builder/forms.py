"""The scorecard builder's forms: they validate input; the builder services (builder.py) do the writing."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import CallType
from scorecards.builder import services as builder
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
    copy_from = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=Scorecard.objects.none(),
        required=False,
        empty_label=_("A blank scorecard"),
        help_text=_(
            "Or a copy of another call type's scorecard as it is in force: its sections, criteria, options, "
            "scoring method and pass mark. The copy is a draft of its own; the original does not change."
        ),
    )

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
        # Only a scorecard with a version in force can be copied.
        self.fields["copy_from"].queryset = (
            Scorecard.objects.filter(versions__status=ScorecardVersion.Status.PUBLISHED)
            .select_related("call_type")
            .order_by("name")
        )
        self.fields["copy_from"].label_from_instance = lambda scorecard: (
            _("A copy of %(scorecard)s") % {"scorecard": f"{scorecard.name} ({scorecard.call_type})"}
        )


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


class OptionForm(forms.Form):
    """One row of a choice criterion's options, inside the criterion's form."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Option"), max_length=CriterionOption._meta.get_field("label").max_length)
    # The range is checked by builder.option_problems (one rule, one message), not by the field.
    points = forms.DecimalField(label=_("Points"), max_digits=7, decimal_places=2)
    position = forms.IntegerField(label=_("Order"), required=False, min_value=0)


class BaseOptionFormSet(forms.BaseFormSet):
    """The options of a choice criterion: rows left blank are ignored, rows ticked "remove" are deleted,
    the others are kept in the order given (rows without an order keep their place at the end)."""

    def kept_forms(self) -> list[forms.Form]:
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.has_changed() or form.cleaned_data.get("id"))
        ]
        position = {id(form): index for index, form in enumerate(self.forms)}
        last = len(self.forms)
        return sorted(
            kept,
            key=lambda form: (
                form.cleaned_data["position"] if form.cleaned_data.get("position") is not None else last,
                position[id(form)],
            ),
        )

    def options(self) -> list[builder.OptionInput]:
        """The options to save, in order (call after is_valid())."""
        return [
            builder.OptionInput(
                id=form.cleaned_data.get("id"),
                label=form.cleaned_data["label"],
                points=form.cleaned_data["points"],
            )
            for form in self.kept_forms()
        ]

    def clean(self):
        if any(self.errors):
            return
        kept = self.kept_forms()
        problems = builder.option_problems(self.options())
        for index, fields in problems.rows.items():
            for field, message in fields.items():
                kept[index].add_error(field, message)
        if problems.overall:
            raise forms.ValidationError(problems.overall)


OptionFormSet = forms.formset_factory(OptionForm, formset=BaseOptionFormSet, extra=2, can_delete=True)


def option_formset(data=None, *, criterion: Criterion | None = None) -> BaseOptionFormSet:
    """The options rows of the criterion form: the criterion's options (if any), then blank rows."""
    initial = []
    if criterion is not None and criterion.kind == Criterion.Kind.CHOICE:
        initial = [
            {"id": option.pk, "label": option.label, "points": option.points, "position": number}
            for number, option in enumerate(criterion.options.order_by("position", "id"), start=1)
        ]
    return OptionFormSet(data, initial=initial, prefix="options")


class CommentForm(forms.ModelForm):
    class Meta:
        model = CriterionComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2})}
        labels = {"body": _("Your comment")}


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])

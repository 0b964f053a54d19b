"""The escalation matrix's forms (a level or department, a rule) and the insight page's period picker (the
dashboards' PeriodForm). Errors are shown beside their fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qa_center.kpis.escalations import services
from qa_center.kpis.models import EscalationLevel, EscalationRule

__all__ = ["LevelForm", "RuleForm"]


def _styled(form):
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class LevelForm(forms.ModelForm):
    class Meta:
        model = EscalationLevel
        fields = ["name", "kind", "order", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if services.duplicate_level(name=name, exclude_pk=self.instance.pk):
            raise forms.ValidationError(_("There is a level or department of this name already."))
        return name


class RuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["type", "reason", "handler", "followup_hours", "guidance"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = EscalationLevel.objects.all()
        _styled(self)

    def clean(self):
        cleaned = super().clean()
        type, handler = cleaned.get("type"), cleaned.get("handler")
        reason = " ".join((cleaned.get("reason") or "").split())
        cleaned["reason"] = reason
        if type and handler and (problem := services.destination_problem(type=type, handler=handler)):
            self.add_error("handler", problem)
        if type and services.duplicate_rule(type=type, reason=reason, exclude_pk=self.instance.pk):
            self.add_error("reason", _("The matrix has a rule for this type and reason already."))
        return cleaned

    def validate_unique(self):
        # Checked in clean() the way the matrix compares reasons (case and spaces aside), beside the field.
        pass

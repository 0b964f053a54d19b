"""The escalation matrix's forms (a level or department, a rule) and the insight page's period picker (the
dashboards' PeriodForm). Errors are shown beside their fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qa_center.kpis.escalations import services
from qa_center.kpis.models import EscalationLevel, EscalationRule

__all__ = ["EscalationListForm", "LevelForm", "RuleForm"]


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


class EscalationListForm(forms.Form):
    """Which escalations a figure of the insight page counts: its period, its figure, and the table row it is
    in (a table and its key; none: the whole scope). Written by the page's links; a hand-made URL that names
    no valid figure, table or key gets its error beside the field."""

    first = forms.DateField(label=_("From"))
    last = forms.DateField(label=_("To"))
    figure = forms.ChoiceField(label=_("Figure"), choices=[])
    table = forms.ChoiceField(label=_("Table"), choices=[], required=False)
    key = forms.CharField(label=_("Row"), required=False, max_length=200)

    # Tables whose key is an id.
    ID_TABLES = ("agent", "team", "call_type")

    def __init__(self, *args, figures, tables, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [(name, name) for name in figures]
        self.fields["table"].choices = [("", ""), *((name, name) for name in tables)]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and first > last:
            self.add_error("last", _("The end date is before the start date."))
        table, key = cleaned.get("table"), cleaned.get("key", "")
        if table and not key:
            self.add_error("key", _("Give the row of the table."))
        elif table in self.ID_TABLES:
            try:
                cleaned["key"] = int(key)
            except ValueError:
                self.add_error("key", _("Give the row's number."))
        elif not table and key:
            self.add_error("table", _("Give the table the row is in."))
        return cleaned

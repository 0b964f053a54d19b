from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A recompute from the button runs as one task: a few years of days at most.
MAX_DAYS = 3 * 366


class RecomputeForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["first_day"].initial = today - timedelta(days=89)
        self.fields["last_day"].initial = today

    def clean(self):
        cleaned = super().clean()
        first_day, last_day = cleaned.get("first_day"), cleaned.get("last_day")
        if first_day and last_day:
            if last_day < first_day:
                self.add_error("last_day", _("The last day cannot be before the first."))
            elif (last_day - first_day).days >= MAX_DAYS:
                self.add_error(
                    "first_day",
                    _("At most %(days)d days at a time: use manage.py compute_kpis.") % {"days": MAX_DAYS},
                )
        return cleaned

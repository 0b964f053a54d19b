"""The QA reports' filter (GET): a period (the last 30 days unless told, shown in the form), a team and a
scorecard; each error beside its field."""

from datetime import date, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.pages.forms import EARLIEST_DATE, LATEST_DATE
from scorecards.models import Scorecard
from scorecards.reporting.selectors import ReportFilters

#: The period a report covers when none is asked for: the last 30 days, today included.
DEFAULT_DAYS = 30


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
    )


class ReportFilterForm(forms.Form):
    date_from = _date(_("Submitted from"))
    date_to = _date(_("Submitted to"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("All teams"))
    scorecard = forms.ModelChoiceField(
        label=_("Scorecard"),
        queryset=Scorecard.objects.order_by("name"),
        required=False,
        empty_label=_("All scorecards"),
    )

    def __init__(self, data, *, teams, **kwargs):
        """`data`: the query string; a period left out is the default one. `teams`: those the user
        may pick (scorecards.access.get_report_scope_for)."""
        data = data.copy()
        if not data.get("date_to"):
            data["date_to"] = default_period()[1].isoformat()
        if not data.get("date_from"):
            # 30 days up to the end asked for (today's when none), if it reads as a date; else the form says so.
            try:
                first = default_period(date.fromisoformat(data["date_to"]))[0]
            except ValueError:
                first = default_period()[0]
            data["date_from"] = first.isoformat()
        super().__init__(data, **kwargs)
        self.fields["team"].queryset = teams

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> ReportFilters | None:
        """The valid filters, or None when some are not valid (the report then shows nothing)."""
        if not self.is_valid():
            return None
        return ReportFilters(**{name: self.cleaned_data.get(name) for name in self.fields})

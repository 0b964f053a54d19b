"""The insight pages' picker: a range of days, the last 30 days unless told (the team is read by the views and
looked up by qa_center.kpis.access.insight_scope_for, so that a team lead asking for another team gets a 404,
not a form error that would tell the team exists)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qa_center.kpis.dashboards.periods import Span, checked_span

DEFAULT_DAYS = 30


def default_span(today=None) -> Span:
    today = today or timezone.localdate()
    return Span(today - timedelta(days=DEFAULT_DAYS - 1), today)


class InsightPeriodForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def __init__(self, data=None, *args, **kwargs):
        # The default range is filled in, so that the picker shows the days the page is about.
        default = default_span()
        data = data.copy() if data is not None else {}
        data.setdefault("date_from", default.first.isoformat())
        data.setdefault("date_to", default.last.isoformat())
        if not data.get("date_from"):
            data["date_from"] = default.first.isoformat()
        if not data.get("date_to"):
            data["date_to"] = default.last.isoformat()
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first is None or last is None:
            return cleaned
        span = checked_span(self, "date_from", "date_to", first, last)
        if span is not None:
            cleaned["span"] = span
        return cleaned

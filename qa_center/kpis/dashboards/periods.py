"""The dashboard's period picker: which days a dashboard shows, the period it is compared with, and the
granularity of its trend (GET parameters, so a dashboard can be bookmarked)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qa_center.kpis.models import PeriodKind
from qa_center.kpis.periods import period_end, period_start

WEEK, MONTH, QUARTER, YEAR, CUSTOM = "week", "month", "quarter", "year", "custom"
PERIODS = [
    (WEEK, _("Week")),
    (MONTH, _("Month")),
    (QUARTER, _("Quarter")),
    (YEAR, _("Year")),
    (CUSTOM, _("Custom range")),
]
GRANULARITIES = [(PeriodKind.DAY, _("Day")), (PeriodKind.WEEK, _("Week")), (PeriodKind.MONTH, _("Month"))]
MAX_DAYS = 3 * 366  # a custom range
MAX_POINTS = 400  # points of a trend


@dataclass(frozen=True)
class Span:
    first: date
    last: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Choice:
    period: str
    by: str  # the trend's granularity: a PeriodKind of day, week or month
    current: Span
    previous: Span
    year_earlier: Span


def checked_span(form: forms.Form, first_field: str, last_field: str, first: date, last: date) -> Span | None:
    """The range from `first` to `last`, or None with the error added to the form beside `last_field`: the
    last day before the first, or more than MAX_DAYS (the one rule of every page that takes a range of days)."""
    if last < first:
        form.add_error(last_field, _("The last day cannot be before the first."))
        return None
    span = Span(first, last)
    if span.days > MAX_DAYS:
        form.add_error(last_field, _("At most %(days)d days at a time.") % {"days": MAX_DAYS})
        return None
    return span


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _quarter_start(day: date) -> date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _months_later(start: date, months: int) -> date:
    month = start.month - 1 + months
    return start.replace(year=start.year + month // 12, month=month % 12 + 1, day=1)


def _calendar_span(period: str, day: date) -> Span:
    if period == QUARTER:
        start = _quarter_start(day)
        return Span(start, _months_later(start, 3) - timedelta(days=1))
    kind = {WEEK: PeriodKind.WEEK, MONTH: PeriodKind.MONTH, YEAR: PeriodKind.YEAR}[period]
    start = period_start(kind, day)
    return Span(start, period_end(kind, start) - timedelta(days=1))


def spans(period: str, current: Span) -> tuple[Span, Span]:
    """(the previous period, the same period a year earlier) of `current`."""
    if period == CUSTOM:
        previous = Span(current.first - timedelta(days=current.days), current.first - timedelta(days=1))
        return previous, Span(_year_back(current.first), _year_back(current.last))
    previous = _calendar_span(period, current.first - timedelta(days=1))
    if period == WEEK:  # the same week of the year: 52 weeks back, the same weekdays
        return previous, Span(current.first - timedelta(weeks=52), current.last - timedelta(weeks=52))
    return previous, _calendar_span(period, _year_back(current.first))


def default_granularity(period: str, days: int) -> str:
    if period in (WEEK, MONTH) or (period == CUSTOM and days <= 62):
        return PeriodKind.DAY
    if period == QUARTER or (period == CUSTOM and days <= 366):
        return PeriodKind.WEEK
    return PeriodKind.MONTH


DEFAULT_PERIOD = MONTH


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)

    def __init__(self, data=None, *args, **kwargs):
        # No period asked for: the month, and the picker says so (not its first option).
        if data is not None and not data.get("period"):
            data = data.copy()
            data["period"] = DEFAULT_PERIOD
        super().__init__(data, *args, **kwargs)

    day = forms.DateField(
        label=_("Including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A day of the week, month, quarter or year to show."),
    )
    first = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(
        label=_("Granularity"), choices=[("", _("Automatic")), *GRANULARITIES], required=False
    )

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period") or DEFAULT_PERIOD
        cleaned["period"] = period
        if period == CUSTOM:
            first, last = cleaned.get("first"), cleaned.get("last")
            if "first" in self.errors or "last" in self.errors:
                return cleaned
            if first is None:
                self.add_error("first", _("Give the first day of the range."))
            if last is None:
                self.add_error("last", _("Give the last day of the range."))
            if first is None or last is None:
                return cleaned
            current = checked_span(self, "first", "last", first, last)
            if current is None:
                return cleaned
        else:
            current = _calendar_span(period, cleaned.get("day") or timezone.localdate())
        by = cleaned.get("by") or default_granularity(period, current.days)
        if by == PeriodKind.DAY and current.days > MAX_POINTS:
            self.add_error("by", _("Too many days to draw: choose weeks or months."))
            return cleaned
        previous, year_earlier = spans(period, current)
        cleaned["choice"] = Choice(period, by, current, previous, year_earlier)
        return cleaned

"""How a KPI figure reads, in one place for the dashboards, the "today" view and the home card: a rate in %,
a duration in seconds, minutes or hours as its size asks, NPS and scores as numbers; "no data" never 0."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext as _

from qa_center.kpis.definitions import RATE, SECONDS

register = template.Library()


def duration(seconds: float) -> str:
    """28.4 → "28.4 s", 446.8 → "7 min 27 s", 7495 → "2 h 05 min" (localised)."""
    whole = round(abs(seconds))
    sign = "−" if seconds < 0 and whole else ""
    if abs(seconds) < 100:
        return _("%(seconds)s s") % {"seconds": sign + floatformat(abs(seconds), 1)}
    if whole < 3600:
        minutes, secs = divmod(whole, 60)
        return sign + _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": secs}
    hours, rest = divmod(whole, 3600)
    return sign + _("%(hours)s h %(minutes)02d min") % {"hours": f"{hours:,}", "minutes": rest // 60}


@register.simple_tag
def kpi_value(value, kpi):
    """A figure of `kpi` as it reads on a page."""
    if value is None:
        return format_html('<span class="text-muted kpi-no-data">{}</span>', _("No data"))
    if kpi.unit == SECONDS:
        return duration(value)
    if kpi.unit == RATE:
        return _("%(value)s %%") % {"value": floatformat(value, "1g")}
    return floatformat(value, "1g")


@register.simple_tag
def kpi_change(change, kpi):
    """A change of `kpi` between two periods, signed: "+1.2 pp", "−3 min 05 s", "+0.4"."""
    sign = "+" if change > 0 else ""
    if kpi.unit == SECONDS:
        return (sign if change > 0 else "") + duration(change)
    if kpi.unit == RATE:
        return _("%(change)s pp") % {"change": sign + floatformat(change, 1)}
    return sign + floatformat(change, 1)


@register.simple_tag
def share_of(value, n):
    """A share in % with the n it is of ("66.7 % of 3"; "–" of 0 when there is no data): the escalation tables'
    cell, a tag rather than an included template because a table at a million calls has thousands of them."""
    of = format_html('<span class="text-muted small">{}</span>', _("of %(n)s") % {"n": localize(n)})
    if value is None:
        return format_html('<span class="text-muted" title="{}">–</span> {}', _("No data"), of)
    return format_html("{} % {}", floatformat(value, 1), of)


@register.simple_tag
def count_link(n, url=""):
    """A count, linked to the list of what it counts when there is one (`url`)."""
    if url:
        return format_html('<a href="{}" class="drill-down">{}</a>', url, localize(n))
    return localize(n)

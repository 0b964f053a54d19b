"""The QA reports' figure cell as a tag: the same HTML as scorecards/reporting/_figure.html, which the report's
tables render once per figure (four per row, a row per agent): an {% include %} per cell made the rendering,
not the database, most of the report's time at volume (tests/benchmarks/bench_insight.py)."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def qa_figure(value, whole, part_url, whole_url, percent):
    """A rate or mean with its n: "72.9% of 48"; the figure links to the evaluations it counts (part_url),
    its n to those it is counted over (whole_url)."""
    if value is None:
        shown = format_html('<span class="text-muted">{}</span>', _("no data"))
    else:
        shown = format_html("{}{}", floatformat(value, 1), "%" if percent else "")
        if part_url:
            shown = format_html('<a href="{}">{}</a>', part_url, shown)
    n = (_("of %(n)s") if percent else _("n = %(n)s")) % {"n": localize(whole)}
    if whole_url:
        n = format_html('<a class="link-secondary" href="{}">{}</a>', whole_url, n)
    # With the include's line end, byte for byte what the template wrote.
    return format_html(
        '<span class="text-nowrap" data-figure>{} <span class="text-muted small">{}</span></span>\n', shown, n
    )

"""The pieces a list's rows written in Python are made of (calls.pages.rows, scorecards.evaluations.rows): each
value escaped as the template language escapes it, numbers and dates localized as its filters localize them.

Why rows in Python at all: a list's page of 50 rows in the template language costs ~30 variable lookups and ~10
translation lookups a row, about half of the page's CPU time whatever the size of the center; written here, a row is
one f-string (Django's admin writes its change list's cells in Python for the same reason, `items_for_result`)."""

import html

from django.template.defaultfilters import floatformat
from django.utils import dateformat, formats, timezone
from django.utils.safestring import SafeString, mark_safe

# An empty cell's mark, as the templates' `|default:"—"` wrote it.
DASH = "—"


def text(value) -> str:
    """`{{ value }}`: escaped, unless it is already safe HTML."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def number(value, if_none: str = "") -> str:
    """`{{ value|default_if_none:if_none }}` for a number: localized (decimal separator of the language)."""
    if value is None:
        return if_none
    return html.escape(str(formats.localize(value)))


def percent(value) -> str:
    """`{{ value|floatformat:1 }}`."""
    return html.escape(str(floatformat(value, 1)))


def datetime_cell(value) -> str:
    """`<time datetime="{{ value|date:'c' }}">{{ value|date:"SHORT_DATETIME_FORMAT" }}</time>`, in the active time
    zone."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return (
        f'<time datetime="{html.escape(dateformat.format(local, "c"))}">'
        f"{html.escape(formats.date_format(local, 'SHORT_DATETIME_FORMAT'))}</time>"
    )


def join_rows(rows: list[str]) -> SafeString:
    """The rows as one block of safe HTML: every part of each was escaped as it was written."""
    return mark_safe("".join(rows))  # noqa: S308

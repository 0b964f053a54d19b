"""An answer value (services.AnswerValue) as a form value and as words: one encoding and one label for every
form, page and history row that shows an answer."""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scorecards.models import Criterion, CriterionOption
from scorecards.scoring import engine as scoring

__all__ = ["NA_CHOICE", "answer_label", "decode_value", "encode_value", "option_label"]

NA_CHOICE = "na"


def encode_value(value) -> str:
    """A value as posted by a form: "na", the value (or option id) as an integer string, "" for none."""
    if value is None:
        return ""
    return NA_CHOICE if value is scoring.NA else str(value)


def decode_value(raw: str | None):
    """The value of encode_value's form value; None for anything else (left for the service to judge)."""
    if raw == NA_CHOICE:
        return scoring.NA
    if raw and raw.isdigit() and raw.isascii():
        return int(raw)
    return None


def option_label(option: CriterionOption) -> str:
    """A choice's option with the points it earns: "Good (2 pts)"."""
    points = floatformat(option.points, -2)
    # The plural form follows the number as read: "1 pt", "2 pts", "1.5 pts" (ngettext takes an integer).
    count = int(option.points) if option.points == int(option.points) else 2
    return ngettext("%(label)s (%(points)s pt)", "%(label)s (%(points)s pts)", count) % {
        "label": option.label,
        "points": points,
    }


def answer_label(criterion: Criterion, value) -> str:
    """The answer in words: "Yes", "No", "3 / 5", "Good (2 pts)", "N/A", "Not answered". A choice reads
    criterion.options_list."""
    if value is None:
        return _("Not answered")
    if value is scoring.NA:
        return _("N/A")
    if criterion.kind == Criterion.Kind.YES_NO:
        return _("Yes") if value else _("No")
    if criterion.kind == Criterion.Kind.SCALE:
        return f"{value} / {criterion.scale_max}"
    option = next((option for option in criterion.options_list if option.pk == value), None)
    return "—" if option is None else option_label(option)

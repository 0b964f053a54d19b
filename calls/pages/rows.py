"""The call list's rows, written in Python (as Django's admin writes its change list's cells, `items_for_result`).

A page of 50 calls in the template language was ~1,500 variable lookups and ~550 translation lookups a request:
half of the page's CPU time at any size of the center. Here each label is translated once a page and each row is
one string, every value escaped (`qa_center.html_rows.text`). The markup is the template's as it was;
tests/calls/pages/test_call_rows.py checks each cell's cases."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from qa_center.html_rows import DASH, datetime_cell, join_rows, number, percent, text


def _labels() -> dict[str, str]:
    """The row's words in the active language, escaped, once a page."""
    words = {
        "answered": gettext("Answered"),
        "abandoned": gettext("Abandoned"),
        "resolved": gettext("Resolved"),
        "not_resolved": gettext("Not resolved"),
        "escalated": gettext("Escalated"),
        "nps": gettext("NPS"),
        "csat": gettext("CSAT"),
        "recording": gettext("Has a recording"),
        "no_score": gettext("no score"),
        "pass": gettext("Pass"),
        "fail": gettext("Fail"),
    }
    return {key: text(word) for key, word in words.items()}


def _outcome(answered, t) -> str:
    if answered is True:
        return f'<span class="badge text-bg-success">{t["answered"]}</span>'
    if answered is False:
        return f'<span class="badge text-bg-danger">{t["abandoned"]}</span>'
    return f'<span class="text-muted">{DASH}</span>'


def _resolved(resolved, t) -> str:
    if resolved is True:
        return (
            f'<i class="bi bi-check-circle-fill text-success" title="{t["resolved"]}"></i>'
            f'<span class="visually-hidden">{t["resolved"]}</span>'
        )
    if resolved is False:
        return (
            f'<i class="bi bi-x-circle text-danger" title="{t["not_resolved"]}"></i>'
            f'<span class="visually-hidden">{t["not_resolved"]}</span>'
        )
    return f'<span class="text-muted">{DASH}</span>'


def _survey(call, t) -> str:
    parts = []
    if call.survey_nps is not None:
        parts.append(f'<span class="badge text-bg-light">{t["nps"]} {number(call.survey_nps)}</span>')
    if call.survey_csat is not None:
        parts.append(f'<span class="badge text-bg-light">{t["csat"]} {number(call.survey_csat)}</span>')
    return " ".join(parts)


def _evaluation(call, t) -> str:
    if not call.evaluated_at:
        return ""
    score = (
        f'<span class="text-muted">{t["no_score"]}</span>'
        if call.evaluation_score is None
        else f"{percent(call.evaluation_score)}%"
    )
    if call.evaluation_passed is True:
        return f'{score} <span class="badge text-bg-success">{t["pass"]}</span>'
    if call.evaluation_passed is False:
        return f'{score} <span class="badge text-bg-danger">{t["fail"]}</span>'
    return score


def call_rows(calls) -> SafeString:
    """The <tr> of each call of a page of `calls.selectors.call_listing` (its annotations: has_escalation,
    survey_nps, survey_csat; the call's own evaluation result)."""
    t = _labels()
    rows = []
    for call in calls:
        url = text(call.get_absolute_url())
        external_id = text(call.external_id)
        escalated = (
            f'<i class="bi bi-arrow-up-right-circle-fill text-warning" title="{t["escalated"]}"></i>'
            f'<span class="visually-hidden">{t["escalated"]}</span>'
            if call.has_escalation
            else ""
        )
        recording = (
            f'<a href="{url}" title="{t["recording"]}"><i class="bi bi-soundwave"></i>'
            f'<span class="visually-hidden">{t["recording"]}</span></a>'
            if call.has_recording
            else ""
        )
        rows.append(
            f'<tr data-external-id="{external_id}">'
            f"<td>{datetime_cell(call.started_at)}</td>"
            f'<td><a href="{url}">{external_id}</a></td>'
            f"<td>{text(call.agent or DASH)}</td>"
            f"<td>{text(call.team or DASH)}</td>"
            f"<td>{text(call.call_type or DASH)}</td>"
            f"<td>{text(call.get_direction_display())}</td>"
            f'<td class="text-end">{number(call.wait_time_seconds, DASH)}</td>'
            f'<td class="text-end">{number(call.handle_time_seconds, DASH)}</td>'
            f"<td>{_outcome(call.answered, t)}</td>"
            f"<td>{_resolved(call.resolved, t)}</td>"
            f"<td>{escalated}</td>"
            f"<td>{_survey(call, t)}</td>"
            f"<td>{recording}</td>"
            f'<td class="text-nowrap" data-column="evaluation">{_evaluation(call, t)}</td>'
            "</tr>"
        )
    return join_rows(rows)

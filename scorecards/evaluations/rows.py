"""The evaluations list's rows, written in Python: each label translated once a page, each row one string
(qa_center.html_rows says why). The markup is the template's as it was; tests/scorecards/evaluations/test_rows.py
checks each cell's cases."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from qa_center.html_rows import DASH, datetime_cell, join_rows, percent, text


def _labels() -> dict[str, str]:
    words = {
        "no_score": gettext("no score"),
        "pass": gettext("Pass"),
        "fail": gettext("Fail"),
        "auto_fail": gettext("Auto-fail"),
    }
    return {key: text(word) for key, word in words.items()}


def _result(evaluation, t) -> str:
    badges = []
    if evaluation.passed is True:
        badges.append(f'<span class="badge text-bg-success">{t["pass"]}</span>')
    elif evaluation.passed is False:
        badges.append(f'<span class="badge text-bg-danger">{t["fail"]}</span>')
    if evaluation.auto_failed:
        badges.append(f'<span class="badge text-bg-warning">{t["auto_fail"]}</span>')
    return " ".join(badges)


def evaluation_rows(evaluations) -> SafeString:
    """The <tr> of each evaluation of a page of the list (call, people, version and scorecard selected with it)."""
    t = _labels()
    version_label = gettext("v%(number)s")
    rows = []
    for evaluation in evaluations:
        call = evaluation.call
        score = (
            f'<span class="text-muted">{t["no_score"]}</span>'
            if evaluation.score is None
            else f"{percent(evaluation.score)}%"
        )
        version = evaluation.version
        rows.append(
            f'<tr data-evaluation="{evaluation.pk}">'
            f'<td class="text-nowrap"><a href="{text(evaluation.get_absolute_url())}">'
            f"{datetime_cell(evaluation.submitted_at)}</a></td>"
            f'<td><a href="{text(call.get_absolute_url())}">{text(call.external_id)}</a></td>'
            f"<td>{text(evaluation.agent or DASH)}</td>"
            f"<td>{text(evaluation.team or DASH)}</td>"
            f"<td>{text(evaluation.reviewer)}</td>"
            f"<td>{text(version.scorecard.name)} "
            f'<span class="text-muted small">{text(version_label % {"number": version.number})}</span></td>'
            f'<td class="text-end" data-column="score">{score}</td>'
            f"<td>{_result(evaluation, t)}</td>"
            f'<td data-column="status">{text(evaluation.get_status_display())}</td>'
            "</tr>"
        )
    return join_rows(rows)

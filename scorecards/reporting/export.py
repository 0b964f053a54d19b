"""Each QA report table as CSV, written through qa_center.csv_cells (safe cells): a figure, then its n, so a
spreadsheet can recompute any rate. The tables are aggregates (a row per team, agent, criterion, reviewer):
built in memory, not streamed."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from qa_center import csv_cells
from scorecards.reporting.selectors import QaReport, QaRow

TABLES = ("teams", "agents", "scorecards", "reviewers")


def _figure(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _qa_headers() -> list[str]:
    return [
        _("Evaluations"),
        _("Mean QA score"),
        _("Scored evaluations"),
        _("Pass rate (%)"),
        _("Passed"),
        _("Judged evaluations"),
        _("Auto-fail rate (%)"),
        _("Auto-failed"),
        _("Dispute rate (%)"),
        _("Disputed"),
    ]


def _qa_cells(row: QaRow) -> list:
    return [
        row.evaluations,
        _figure(row.mean_score),
        row.scored_evaluations,
        _figure(row.pass_rate),
        row.passed_evaluations,
        row.judged_evaluations,
        _figure(row.auto_fail_rate),
        row.auto_failed_evaluations,
        _figure(row.dispute_rate),
        row.disputed_evaluations,
    ]


def table_rows(report: QaReport, table: str) -> list[list]:
    """The table's header and rows, as the CSV writes them."""
    if table == "teams":
        return [[_("Team"), *_qa_headers()]] + [[row.label, *_qa_cells(row)] for row in report.teams]
    if table == "agents":
        return [[_("Agent"), _("Team"), *_qa_headers()]] + [
            [row.label, row.team, *_qa_cells(row)] for row in report.agents
        ]
    if table == "reviewers":
        header = [
            _("Reviewer"),
            *_qa_headers(),
            _("Against the scorecards' mean (points)"),
            _("Drift from calibration (points)"),
            _("Calibration sessions"),
        ]
        return [header] + [
            [row.label, *_qa_cells(row), _figure(row.peer_gap), _figure(row.drift), row.drift_sessions]
            for row in report.reviewers or []
        ]
    header = [
        _("Scorecard"),
        _("Version"),
        _("Section"),
        _("Section mean share (%)"),
        _("Section evaluations"),
        _("Criterion"),
        _("Answered (not N/A)"),
        _("N/A"),
        _("Below full marks"),
        _("Share below full marks (%)"),
        _("Mean points share (%)"),
    ]
    rows = [header]
    for block in report.scorecards:
        for section in block.sections:
            for criterion in section.criteria:
                rows.append(
                    [
                        block.scorecard,
                        block.number,
                        section.title,
                        _figure(section.mean_share),
                        section.evaluations,
                        criterion.title,
                        criterion.answered,
                        criterion.not_applicable,
                        criterion.failed,
                        _figure(criterion.failed_share),
                        _figure(criterion.mean_share),
                    ]
                )
    return rows


def csv_response(report: QaReport, table: str, *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")  # a BOM, so that Excel reads the UTF-8 text correctly
    csv_cells.writer(response).writerows(table_rows(report, table))
    return response

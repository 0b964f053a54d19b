"""The evaluations list as CSV: one row per evaluation the filters match, written through qa_center.csv_cells
(safe cells) and streamed, so that 100,000 rows cost neither memory nor a timeout."""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from qa_center import csv_cells
from scorecards.evaluations.selectors import EvaluationListing, export_rows
from scorecards.models import Evaluation


class _Echo:
    """The CSV writer writes into this and gets the line back, to stream it."""

    def write(self, value):
        return value


def _headers() -> list[str]:
    return [
        _("Submitted at"),
        _("Call"),
        _("Call started at"),
        _("Agent"),
        _("Team"),
        _("Reviewer"),
        _("Scorecard"),
        _("Version"),
        _("Score"),
        _("Score before auto-fail"),
        _("Result"),
        _("Auto-fail"),
        _("Status"),
        _("Acknowledged at"),
    ]


def _local(moment) -> str:
    return "" if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def _person(user) -> str:
    return "" if user is None else str(user)


def csv_export_response(listing: EvaluationListing, *, filename: str) -> StreamingHttpResponse:
    # Every translated text is taken now, in the request's language: the rows are written after the view
    # has returned, while the response streams.
    headers = _headers()
    results = {True: _("Pass"), False: _("Fail"), None: ""}
    yes_no = {True: _("Yes"), False: _("No")}
    statuses = {value: str(label) for value, label in Evaluation.Status.choices}
    writer = csv_cells.writer(_Echo())

    def lines():
        # A BOM, so that Excel reads the UTF-8 text correctly.
        yield "\ufeff" + writer.writerow(headers)
        for evaluation in export_rows(listing):
            yield writer.writerow(
                [
                    _local(evaluation.submitted_at),
                    evaluation.call.external_id,
                    _local(evaluation.call.started_at),
                    _person(evaluation.agent),
                    "" if evaluation.team is None else evaluation.team.name,
                    _person(evaluation.reviewer),
                    evaluation.version.scorecard.name,
                    evaluation.version.number,
                    None if evaluation.score is None else round(evaluation.score, 2),
                    None
                    if evaluation.score_before_autofail is None
                    else round(evaluation.score_before_autofail, 2),
                    results[evaluation.passed],
                    yes_no[evaluation.auto_failed],
                    statuses.get(evaluation.status, evaluation.status),
                    _local(evaluation.acknowledged_at),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

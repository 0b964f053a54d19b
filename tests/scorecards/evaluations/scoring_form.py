"""What the scoring form posts (GET/POST /evaluations/<pk>/edit/ and /preview/), given by criterion title."""

from scorecards.evaluations.forms import answer_field, comment_field
from scorecards.models import ScorecardVersion
from tests.factories import NA, criteria_of
from tests.factories.evaluations import value_of


def form_data(
    version: ScorecardVersion,
    answers: dict,
    *,
    comments: dict | None = None,
    strengths: str = "Warm greeting and a clear summary.",
    improvements: str = "",
    action: str | None = None,
) -> dict:
    """POST data of the scoring form: answers (1/0, a scale value, an option label, NA) and comments by
    criterion title; action "submit" submits, none saves a draft."""
    criteria = criteria_of(version)
    data = {"strengths": strengths, "improvements": improvements}
    for title, value in answers.items():
        criterion = criteria[title]
        data[answer_field(criterion.pk)] = "na" if value is NA else str(value_of(criterion, value))
    for title, comment in (comments or {}).items():
        data[comment_field(criteria[title].pk)] = comment
    if action:
        data["action"] = action
    return data

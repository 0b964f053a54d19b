"""Evaluations for tests: worked-case versions, drafts filled by criterion title, posted form data."""

from scorecards.evaluations.forms import answer_field, comment_field
from scorecards.evaluations.services import save_draft, start_evaluation, submit_evaluation
from scorecards.models import Criterion, CriterionOption, Evaluation, ScorecardVersion
from scorecards.scoring import engine as scoring
from tests.scorecards.builder_helpers import make_published_version

NA = scoring.NA

#: builder_helpers.DEFAULT_SECTIONS answered completely; 83.3% under weighted sections (Opening 100%,
#: Resolution (2 × 3/4 + 1 × 2/3) ÷ 3), below the default pass mark of 85.
FULL_ANSWERS = {
    "Greeting": 1,
    "Verified identity": 1,
    "Diagnosed the issue": 3,
    "Tone": "Good",
    "Offered a callback": NA,
}


def two_sections(critical: str = ""):
    """Issue 3's second worked case: sections weighted 40 and 20; the first criterion may be critical."""
    return [
        ("First", 40, [("One", "yes_no", 1, {"critical": critical}), ("Two", "yes_no", 1, {})]),
        ("Second", 20, [("Three", "yes_no", 1, {})]),
    ]


def ten_point_criteria():
    """Issue 3's first worked case: three criteria of 10 points each, the third may be N/A."""
    return [
        (
            "Only",
            1,
            [
                ("A", "scale", 1, {"scale_max": 10}),
                ("B", "scale", 1, {"scale_max": 10}),
                ("C", "scale", 1, {"scale_max": 10, "allows_na": True}),
            ],
        )
    ]


def many_criteria(count: int, per_section: int = 10):
    """`count` criteria of every kind, `per_section` to a section."""
    kinds = [
        ("yes_no", {}),
        ("scale", {"scale_max": 5}),
        ("choice", {"options": [("Poor", 0), ("Fair", 1), ("Good", 2)]}),
        ("yes_no", {"allows_na": True, "guidance": "Only when the customer asked."}),
    ]
    sections = []
    for start in range(0, count, per_section):
        criteria = []
        for number in range(start, min(count, start + per_section)):
            kind, extras = kinds[number % len(kinds)]
            criteria.append((f"Criterion {number + 1}", kind, 1 + number % 3, extras))
        sections.append((f"Section {start // per_section + 1}", 10 + start, criteria))
    return sections


def criteria_of(version: ScorecardVersion) -> dict[str, Criterion]:
    return {c.title: c for c in Criterion.objects.filter(section__version=version)}


def value_of(criterion: Criterion, value):
    """A title-level answer as the service takes it: an option label becomes the option's id."""
    if isinstance(value, str):
        return CriterionOption.objects.get(criterion=criterion, label=value).pk
    return value


def answers_by_id(version: ScorecardVersion, answers: dict) -> dict:
    criteria = criteria_of(version)
    return {criteria[title].pk: value_of(criteria[title], value) for title, value in answers.items()}


def form_data(
    version: ScorecardVersion,
    answers: dict,
    *,
    comments: dict | None = None,
    strengths: str = "Warm greeting and a clear summary.",
    improvements: str = "",
    action: str | None = None,
) -> dict:
    """POST data of the scoring form, answers and comments given by criterion title."""
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


def draft(
    call, reviewer, answers: dict | None = None, *, strengths: str = "Friendly tone.", **kwargs
) -> Evaluation:
    """A draft of `reviewer` on `call`, filled with `answers` (by title)."""
    evaluation = start_evaluation(call=call, reviewer=reviewer, **kwargs)
    save_draft(
        evaluation=evaluation,
        answers=answers_by_id(evaluation.version, answers or {}),
        comments={},
        strengths=strengths,
        improvements="",
        by=reviewer,
    )
    return evaluation


def submitted(call, reviewer, answers: dict | None = None, **kwargs) -> Evaluation:
    evaluation = draft(call, reviewer, FULL_ANSWERS if answers is None else answers, **kwargs)
    submit_evaluation(evaluation=evaluation, by=reviewer)
    evaluation.refresh_from_db()
    return evaluation


def published(call_type, sections=None, **kwargs) -> ScorecardVersion:
    return make_published_version(call_type, sections, **kwargs)

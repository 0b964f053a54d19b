"""What the agent is told when a call of theirs is evaluated."""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from qa_center.people.models import Notification
from qa_center.people.notifications import event, notify
from scorecards.models import Evaluation


def _message(params: dict) -> str:
    names = {"call": params["call"]}
    if params["score"] is None:
        return _("Your call %(call)s was evaluated (every criterion was N/A: no score).") % names
    names["score"] = floatformat(params["score"], 1)
    if params["passed"]:
        return _("Your call %(call)s was evaluated: %(score)s%% (passed).") % names
    return _("Your call %(call)s was evaluated: %(score)s%% (not passed).") % names


def _body(params: dict, link: str) -> str:
    return "\n\n".join(
        [
            _message(params),
            _("Read the strengths, the improvement points and the reviewer's notes in QA Center: %(url)s")
            % {"url": link},
            _("You can acknowledge the evaluation, or dispute a criterion with a reason if you disagree."),
        ]
    )


EVALUATION_SUBMITTED = event(
    "evaluation_submitted",
    message=_message,
    subject=lambda params: _("Your call %(call)s was evaluated") % {"call": params["call"]},
    body=_body,
)


def notify_evaluation_submitted(evaluation: Evaluation) -> Notification | None:
    """The agent learns that a call of theirs was evaluated (calibration evaluations are not about them)."""
    agent = evaluation.agent
    if agent is None or evaluation.is_calibration:
        return None
    params = {
        "call": evaluation.call.external_id,
        "score": None if evaluation.score is None else str(evaluation.score),
        "passed": evaluation.passed,
    }
    return notify(
        recipient=agent, event=EVALUATION_SUBMITTED, params=params, url=evaluation.get_absolute_url()
    )

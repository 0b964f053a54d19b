"""What the agent is told when a call of theirs is evaluated."""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from qa_center.people.models import Notification
from qa_center.people.notifications import absolute_url, in_site_language, notify
from scorecards.models import Evaluation


@in_site_language
def notify_evaluation_submitted(evaluation: Evaluation) -> Notification | None:
    """The agent learns that a call of theirs was evaluated (calibration evaluations are not about them)."""
    agent = evaluation.agent
    if agent is None or evaluation.is_calibration:
        return None
    names = {"call": evaluation.call.external_id}
    if evaluation.score is None:
        message = _("Your call %(call)s was evaluated (every criterion was N/A: no score).") % names
    elif evaluation.passed:
        message = _("Your call %(call)s was evaluated: %(score)s%% (passed).") % {
            **names,
            "score": floatformat(evaluation.score, 1),
        }
    else:
        message = _("Your call %(call)s was evaluated: %(score)s%% (not passed).") % {
            **names,
            "score": floatformat(evaluation.score, 1),
        }
    url = evaluation.get_absolute_url()
    body = "\n\n".join(
        [
            message,
            _("Read the strengths, the improvement points and the reviewer's notes in QA Center: %(url)s")
            % {"url": absolute_url(url)},
            _("You can acknowledge the evaluation, or dispute a criterion with a reason if you disagree."),
        ]
    )
    return notify(
        recipient=agent,
        message=message,
        url=url,
        subject=_("Your call %(call)s was evaluated") % names,
        body=body,
    )

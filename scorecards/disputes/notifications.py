"""Who is told about a dispute: the QA managers when it opens, the reviewer and the agent when it is resolved."""

from django.urls import reverse
from django.utils.translation import gettext as _

from qa_center.people.models import Notification, User
from qa_center.people.notifications import event, notify
from scorecards.models import Dispute


def _opened(params: dict) -> str:
    return _("%(agent)s disputes the evaluation of call %(call)s.") % params


DISPUTE_OPENED = event(
    "dispute_opened",
    message=_opened,
    subject=lambda params: _("Dispute on call %(call)s") % params,
    body=lambda params, link: "\n\n".join(
        [
            _opened(params),
            _("Read the agent's reasons and resolve the dispute in QA Center: %(url)s") % {"url": link},
        ]
    ),
)


def _resolved(params: dict) -> str:
    decision = Dispute.Status(params["decision"]).label
    return _("The dispute on the evaluation of call %(call)s was resolved: %(decision)s.") % {
        "call": params["call"],
        "decision": decision,
    }


DISPUTE_RESOLVED = event(
    "dispute_resolved",
    message=_resolved,
    subject=lambda params: _("Dispute on call %(call)s resolved") % params,
    body=lambda params, link: "\n\n".join(
        [
            _resolved(params),
            params.get("note", ""),  # the manager's own words: as written
            _("See what changed in the evaluation's history in QA Center: %(url)s") % {"url": link},
        ]
    ),
)


def notify_dispute_opened(*, dispute: Dispute) -> list[Notification]:
    """Every QA manager learns that an agent disputes an evaluation: resolving disputes is their job."""
    evaluation = dispute.evaluation
    params = {"agent": str(evaluation.agent), "call": evaluation.call.external_id}
    url = reverse("feedback:resolve", args=[dispute.pk])
    managers = User.objects.filter(is_qa_manager=True, is_active=True)
    return [notify(recipient=manager, event=DISPUTE_OPENED, params=params, url=url) for manager in managers]


def notify_dispute_resolved(*, dispute: Dispute) -> list[Notification]:
    """The reviewer whose evaluation was disputed and the agent who disputed it learn the decision."""
    evaluation = dispute.evaluation
    params = {
        "call": evaluation.call.external_id,
        "decision": dispute.status,
        "note": dispute.resolution_note,
    }
    url = reverse("feedback:history", args=[evaluation.pk])
    people = (evaluation.reviewer, evaluation.agent)
    recipients = {person.pk: person for person in people if person is not None}
    return [
        notify(recipient=person, event=DISPUTE_RESOLVED, params=params, url=url)
        for person in recipients.values()
    ]

"""Who is told about a dispute: the QA managers when it opens, the reviewer and the agent when it is resolved."""

from django.urls import reverse
from django.utils.translation import gettext as _

from qa_center.people.models import Notification, User
from qa_center.people.notifications import absolute_url, in_site_language, notify
from scorecards.models import Dispute


@in_site_language
def notify_dispute_opened(*, dispute: Dispute) -> list[Notification]:
    """Every QA manager learns that an agent disputes an evaluation: resolving disputes is their job."""
    evaluation = dispute.evaluation
    names = {"agent": evaluation.agent, "call": evaluation.call.external_id}
    message = _("%(agent)s disputes the evaluation of call %(call)s.") % names
    url = reverse("feedback:resolve", args=[dispute.pk])
    body = "\n\n".join(
        [
            message,
            _("Read the agent's reasons and resolve the dispute in QA Center: %(url)s")
            % {"url": absolute_url(url)},
        ]
    )
    managers = User.objects.filter(is_qa_manager=True, is_active=True)
    return [
        notify(
            recipient=manager,
            message=message,
            url=url,
            subject=_("Dispute on call %(call)s") % names,
            body=body,
        )
        for manager in managers
    ]


@in_site_language
def notify_dispute_resolved(*, dispute: Dispute) -> list[Notification]:
    """The reviewer whose evaluation was disputed and the agent who disputed it learn the decision."""
    evaluation = dispute.evaluation
    names = {"call": evaluation.call.external_id, "decision": dispute.get_status_display()}
    message = _("The dispute on the evaluation of call %(call)s was resolved: %(decision)s.") % names
    url = reverse("feedback:history", args=[evaluation.pk])
    body = "\n\n".join(
        [
            message,
            dispute.resolution_note,
            _("See what changed in the evaluation's history in QA Center: %(url)s")
            % {"url": absolute_url(url)},
        ]
    )
    people = (evaluation.reviewer, evaluation.agent)
    recipients = {person.pk: person for person in people if person is not None}
    return [
        notify(
            recipient=person,
            message=message,
            url=url,
            subject=_("Dispute on call %(call)s resolved") % names,
            body=body,
        )
        for person in recipients.values()
    ]

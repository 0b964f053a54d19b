"""Who is told about the library: the nominator when a QA manager decides, and the agent whose call joins it
(recognition of what went well is half of feedback)."""

from django.utils.translation import gettext as _

from coaching.models import LibraryEntry
from qa_center.people.models import Notification
from qa_center.people.notifications import event, notify

LIBRARY_APPROVED = event(
    "library_approved",
    message=lambda params: _("Your nomination “%(title)s” is now in the exemplary-call library.") % params,
)
LIBRARY_DECLINED = event(
    "library_declined",
    message=lambda params: _("Your nomination “%(title)s” was declined: %(reason)s") % params,
)
LIBRARY_YOUR_CALL = event(
    "library_your_call",
    message=lambda params: (
        _(
            "Your call %(call)s is in the exemplary-call library as an example for your colleagues: “%(title)s”."
        )
        % params
    ),
)


def notify_decision(*, entry: LibraryEntry) -> list[Notification]:
    """The nominator learns the decision (unless they took it); on approval, the credited agent is told too."""
    url = entry.get_absolute_url()
    sent = []
    nominator = entry.nominated_by
    if nominator is not None and nominator.pk != entry.decided_by_id:
        if entry.is_approved:
            sent.append(
                notify(recipient=nominator, event=LIBRARY_APPROVED, params={"title": entry.title}, url=url)
            )
        else:
            params = {"title": entry.title, "reason": entry.decline_reason}
            sent.append(notify(recipient=nominator, event=LIBRARY_DECLINED, params=params, url=url))
    agent = entry.agent
    if (
        entry.is_approved
        and agent is not None
        and agent.pk not in (nominator and nominator.pk, entry.decided_by_id)
    ):
        params = {"title": entry.title, "call": entry.call.external_id}
        sent.append(notify(recipient=agent, event=LIBRARY_YOUR_CALL, params=params, url=url))
    return sent

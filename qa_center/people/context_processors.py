from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from qa_center.people import roles
from qa_center.people.models import Notification, User


def _entries(user):
    """(url name, label) of every page this user's roles give access to: a menu item never leads to a 403."""
    manager = roles.is_manager(user)
    yield "home", _("Home")
    yield "calls:list", _("Calls") if (user.sees_all_calls or user.is_team_lead) else _("My calls")
    if manager or user.is_team_lead or user.is_reviewer:
        # scorecards.access.require_evaluation_finder: the same roles.
        yield "evaluations:list", _("Evaluations")
    if user.is_agent:
        yield "feedback:mine", _("My feedback")
    if user.is_team_lead:
        yield "feedback:team", _("Team feedback")
    if user.is_reviewer:
        yield "queue:mine", _("My queue")
    if roles.works_center_wide(user):
        yield "calibration:list", _("Calibration")
    # Coaching sessions: agents their own, team leads their teams', QA managers all (coaching.access).
    if user.is_agent or user.is_team_lead or manager:
        yield "coaching:index", _("Coaching")
    # Everyone reads the published scorecards: agents comment on criteria, reviewers read the guidance.
    yield "scorecards:list", _("Scorecards")
    # Every role listens to the exemplary calls (the one exception to "agents hear only their own calls").
    yield "library:browse", _("Library")
    if manager:
        yield "queue:manage", _("Sampling")
        yield "feedback:disputes", _("Disputes")
        yield "imports:list", _("Imports")
        yield "tokens:list", _("API tokens")


def _unread_notifications(request) -> int:
    """The bell's count: one query, kept on the request so that a second render does not count again."""
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = Notification.objects.filter(
            recipient=request.user, read_at__isnull=True
        ).count()
    return request._unread_notifications


def navigation(request):
    user = getattr(request, "user", None)
    # An integration's token (the API's IngestPrincipal) is signed in but is not a person: no menu.
    if not isinstance(user, User) or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label in _entries(user):
        try:
            items.append((reverse(name), label))
        except NoReverseMatch:
            continue  # a page of a feature that is not installed in this build; tests/people check all resolve
    # Lazy: only pages that show the bell (those extending base.html) pay for the count, not htmx fragments.
    unread = SimpleLazyObject(lambda: _unread_notifications(request))
    return {"nav_items": items, "unread_notifications": unread}

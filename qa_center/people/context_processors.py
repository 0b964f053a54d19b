from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


def _entries(user):
    """(url name, label) of every page this user's roles give access to: a menu item never leads to a 403."""
    manager = user.is_qa_manager or user.is_superuser
    yield "home", _("Home")
    yield "calls:list", _("Calls") if (user.sees_all_calls or user.is_team_lead) else _("My calls")
    if user.is_agent:
        yield "feedback:mine", _("My feedback")
    if user.is_team_lead:
        yield "feedback:team", _("Team feedback")
    if user.is_reviewer:
        yield "queue:mine", _("My queue")
    if user.is_reviewer or manager:
        yield "calibration:list", _("Calibration")
    if manager:
        yield "scorecards:list", _("Scorecards")
        yield "queue:manage", _("Sampling")
        yield "feedback:disputes", _("Disputes")
        yield "imports:list", _("Imports")
        yield "tokens:list", _("API tokens")


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label in _entries(user):
        try:
            items.append((reverse(name), label))
        except NoReverseMatch:
            continue  # a page of a feature that is not installed in this build; tests/people check all resolve
    return {"nav_items": items}

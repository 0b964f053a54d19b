from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The navigation entries this user's roles give access to (a menu item never leads to a 403)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("home", _("Home"))]
    items.append(
        ("calls:list", _("My calls") if not (user.sees_all_calls or user.is_team_lead) else _("Calls"))
    )
    if user.is_qa_manager or user.is_superuser:
        items.append(("imports:list", _("Imports")))
        items.append(("tokens:list", _("API tokens")))
    return {"nav_items": items}

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from qa_center.people import roles
from qa_center.people.models import Notification, User

#: The QA managers' set-up pages go into one "Set-up" menu, so that the bar fits one line in every language.
SETUP = "setup"
#: The QA reports and what is done about them (improvement actions) go into one "Insight" menu (the bar's width).
INSIGHT = "insight"
#: What the other roles read for reference (the scorecards, the escalation matrix): one "Guides" menu.
GUIDES = "guides"


def _entries(user):
    """(url name, label, menu) of every page this user's roles give access to: a menu item never leads to a
    403. `menu` is None for the bar itself, SETUP for the managers' set-up menu, INSIGHT for the insight menu,
    GUIDES for the other roles' reference pages."""
    manager = roles.is_manager(user)
    yield "home", _("Home"), None
    yield "calls:list", _("Calls") if (user.sees_all_calls or user.is_team_lead) else _("My calls"), None
    if manager or user.is_team_lead or user.is_reviewer:
        # scorecards.access.require_evaluation_finder: the same roles.
        yield "evaluations:list", _("Evaluations"), None
    if user.is_agent:
        yield "feedback:mine", _("My feedback"), None
    # KPI dashboards (qa_center.kpis.access): the center's for managers, leads and reviewers; an agent their own.
    if manager or user.is_team_lead or user.is_reviewer:
        # In the Insight menu for those who have one (the bar's width in es and lv).
        yield "dashboards:center", _("Dashboard"), INSIGHT if (manager or user.is_team_lead) else None
    if user.is_agent:
        yield "dashboards:mine", _("My dashboard"), None
    # Insight pages (qa_center.kpis.access.insight_scope_for), QA reports (scorecards.access.
    # get_report_scope_for): managers every team, team leads theirs.
    if manager or user.is_team_lead:
        yield "kpi_insight:index", _("Insight overview"), INSIGHT
        yield "qa_reports:report", _("QA reports"), INSIGHT
    # Improvement actions (qa_center.kpis.access): managers all, team leads their teams' and their own.
    if manager or user.is_team_lead:
        yield "improvements:index", _("Improvement actions"), INSIGHT
    if user.is_team_lead:
        yield "feedback:team", _("Team feedback"), None
    if user.is_reviewer:
        yield "queue:mine", _("My queue"), None
    # Escalation insight and overdue follow-ups: QA managers the center, team leads their teams
    # (qa_center.kpis.access).
    if manager or user.is_team_lead:
        yield "escalations:insight", _("Escalations"), INSIGHT
    if roles.works_center_wide(user):
        yield "calibration:list", _("Calibration"), None
    if manager:
        yield "feedback:disputes", _("Disputes"), None
    # The "today" view: QA managers for every team, team leads for theirs (qa_center.kpis.access).
    if manager or user.is_team_lead:
        yield "kpi_today:today", _("Today"), INSIGHT  # in the menu: the bar fits one line in lv at 1400 px
    # Coaching sessions: agents their own, team leads their teams', QA managers all (coaching.access).
    if user.is_agent or user.is_team_lead or manager:
        yield "coaching:index", _("Coaching"), None
    # Every role listens to the exemplary calls (the one exception to "agents hear only their own calls").
    yield "library:browse", _("Library"), None
    # Everyone reads the published scorecards (agents comment on criteria, reviewers read the guidance); for
    # the QA managers, who build them, they are set-up.
    yield "scorecards:list", _("Scorecards"), SETUP if manager else GUIDES
    # Everyone reads the escalation matrix ("when do I escalate, to whom"); the QA managers keep it.
    yield "escalations:matrix", _("Escalation matrix"), SETUP if manager else GUIDES
    if manager:
        yield "call_types:list", _("Call types"), SETUP
        yield "queue:manage", _("Sampling"), SETUP
        yield "imports:list", _("Imports"), SETUP
        yield "tokens:list", _("API tokens"), SETUP
        yield "kpi_targets:targets", _("KPI targets"), SETUP
        yield "kpis:computations", _("KPI computations"), SETUP
        yield "audit:changes", _("Audit trail"), SETUP


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
        return {"nav_items": [], "nav_bar": [], "nav_setup": [], "nav_insight": [], "nav_guides": []}
    items, bar, setup, insight, guides = [], [], [], [], []
    for name, label, menu in _entries(user):
        try:
            item = (reverse(name), label)
        except NoReverseMatch:
            continue  # a page of a feature that is not installed in this build; tests/people check all resolve
        items.append(item)
        {SETUP: setup, INSIGHT: insight, GUIDES: guides}.get(menu, bar).append(item)
    # Lazy: only pages that show the bell (those extending base.html) pay for the count, not htmx fragments.
    unread = SimpleLazyObject(lambda: _unread_notifications(request))
    # nav_items: every entry (the menu's contract, checked in tests/people); nav_bar, nav_insight and nav_setup:
    # where each shows.
    return {
        "nav_items": items,
        "nav_bar": bar,
        "nav_insight": insight,
        "nav_guides": guides,
        "nav_setup": setup,
        "unread_notifications": unread,
    }

"""Improvement actions as the tests open them: through the service, with defaults."""

from datetime import date

from qa_center.kpis.improvements.services import open_action
from qa_center.kpis.models import CENTER_ID

DAY = date(2026, 3, 2)  # a Monday: the change starts here


def action(*, by, owner=None, **values):
    defaults = {
        "title": "Callback script",
        "change": "Agents offer a callback when the wait is long",
        "owner": owner or by,
        "due_on": DAY,
        "kpi": "answer_rate",
        "scope_kind": "center",
        "scope_id": CENTER_ID,
        "criterion": None,
        "target": None,
        "direction": "",
        "starts_on": DAY,
        "window_days": 28,
    }
    return open_action(by=by, **(defaults | values))

"""The demo's improvement actions (issue 11): one finished, with its effect visible on its page, and one open
from the QA reports' insight that a criterion fails across agents.

- Done: the demo agent's team lead coached the agent's call wrap-up; the agent's QA score is compared over
  the window before and after (the demo agent improves over the demo period, so the effect shows).
- Open: "Explained the next steps" fails across agents center-wide: a manager changes the call-closing
  script, owned by the first team lead, due in two weeks.

The windows fit the demo's days (28 days each way at the default 90, shorter on a small demo). Through the
improvements services, opened by the demo's QA manager; idempotent (by title).
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.utils import timezone

from qa_center.demo.people import DEMO_AGENT, MANAGER, TEAM_LEADS
from qa_center.demo.scorecards import NEXT_STEPS

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

DONE_TITLE = "Wrap-up coaching for the demo agent"
OPEN_TITLE = "Call-closing script: say what happens next"


def window_days(days: int) -> int:
    """As many days before as after the change, within the demo's period."""
    return max(7, min(28, days // 2 - 1))


def seed(request: "DemoRequest") -> Mapping[str, int]:
    if not apps.is_installed("qa_center.kpis"):
        return {}
    from qa_center.kpis.improvements.services import mark_done, open_action
    from qa_center.kpis.models import CENTER_ID, ImprovementAction, ScopeKind
    from qa_center.people.models import User
    from scorecards.models import Criterion, ScorecardVersion

    manager = User.objects.filter(username=MANAGER).first()
    agent = User.objects.filter(username=DEMO_AGENT).select_related("team__lead").first()
    first_lead = User.objects.filter(username=next(iter(TEAM_LEADS.values()))).first()
    if manager is None or agent is None or first_lead is None:
        return {"new_improvement_actions": 0}
    existing = set(ImprovementAction.objects.values_list("title", flat=True))
    today = timezone.localdate()
    window = window_days(request.days if request is not None else 30)
    added = 0
    if DONE_TITLE not in existing:
        owner = agent.team.lead if agent.team and agent.team.lead else first_lead
        done = open_action(
            by=manager,
            title=DONE_TITLE,
            change="Weekly coaching on closing the call: summarise, give the next step and its date.",
            owner=owner,
            due_on=today - timedelta(days=1),
            kpi="qa_score",
            scope_kind=ScopeKind.AGENT,
            scope_id=agent.pk,
            criterion=None,
            target=85,
            direction="",
            starts_on=today - timedelta(days=window),
            window_days=window,
        )
        mark_done(action=done)
        added += 1
    criterion = (
        Criterion.objects.filter(
            title=NEXT_STEPS.title, section__version__status=ScorecardVersion.Status.PUBLISHED
        )
        .order_by("pk")
        .first()
    )
    if OPEN_TITLE not in existing and criterion is not None:
        open_action(
            by=manager,
            title=OPEN_TITLE,
            change="The closing script asks every agent to state the next step, who takes it and by when.",
            owner=first_lead,
            due_on=today + timedelta(days=14),
            kpi="qa_score",
            scope_kind=ScopeKind.CENTER,
            scope_id=CENTER_ID,
            criterion=criterion,
            target=15,
            direction="",
            starts_on=today - timedelta(days=min(7, window)),
            window_days=window,
        )
        added += 1
    return {"new_improvement_actions": added}

"""seed_demo opens two improvement actions: one done whose page shows its effect (a figure with its n before
and after), one open from a criterion failing across agents; seeding again adds none."""

import pytest

from qa_center.demo import improvements
from qa_center.demo.seed import DemoRequest
from qa_center.kpis.improvements.selectors import effect
from qa_center.kpis.models import ImprovementAction

pytestmark = pytest.mark.django_db


def test_two_actions_one_done_with_its_effect_visible(seeded):
    done = ImprovementAction.objects.get(title=improvements.DONE_TITLE)
    assert done.status == "done" and done.done_at is not None
    assert done.scope_kind == "agent" and done.owner.is_team_lead
    shown = effect(done)
    assert shown.before.whole > 0 and shown.after.whole > 0  # a figure on each side, with its n
    assert shown.before.value is not None and shown.after.value is not None
    assert shown.windows.after_complete

    opened = ImprovementAction.objects.get(title=improvements.OPEN_TITLE)
    assert opened.status == "open" and opened.criterion is not None and opened.direction == "lower"
    assert effect(opened).before.whole > 0

    assert improvements.seed(DemoRequest(days=30)) == {"new_improvement_actions": 0}
    assert ImprovementAction.objects.count() == 2

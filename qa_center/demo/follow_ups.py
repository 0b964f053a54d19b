"""The demo's NPS follow-ups (issue 11): most call-backs to detractors and passives of past weeks done by their
team's lead (the QA manager for answers of no team), some promoters invited to refer a friend, and the last
days' answers still awaiting, so that the NPS follow-up lists have work in them on the first login.

Deterministic (the request's seed); idempotent: nothing is added once the demo has follow-ups.
"""

import random
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.utils import timezone

from qa_center.demo.people import MANAGER

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

#: Answers of the last AWAITING_DAYS days all still await their follow-up.
AWAITING_DAYS = 5
CALLBACKS_DONE = 0.75  # the share of older call-backs done
REFERRALS_DONE = 0.4  # the share of older promoters invited
CALLBACK_NOTES = (
    "Called back: apologised and explained the next steps.",
    "Called back: the issue was solved on this call.",
    "No answer; left a voicemail with a direct number.",
    "",
)
REFERRAL_NOTES = ("Sent the refer-a-friend link.", "")
DEFAULT_SEED = 2026


def seed(request: "DemoRequest | None") -> Mapping[str, int]:
    if not apps.is_installed("qa_center.kpis"):
        return {}
    from calls.models import SurveyResponse
    from qa_center.kpis.insight.selectors import CALLBACK_MAX_NPS
    from qa_center.kpis.models import SurveyFollowUp
    from qa_center.people.models import User

    if SurveyFollowUp.objects.exists():
        return {"new_follow_ups": 0}
    rng = random.Random(request.seed if request is not None else DEFAULT_SEED)
    now = timezone.now()
    manager = User.objects.filter(username=MANAGER).first()
    answers = (
        SurveyResponse.objects.filter(nps__isnull=False, responded_at__lt=now - timedelta(days=AWAITING_DAYS))
        .select_related("call__team__lead")
        .order_by("pk")
    )
    follow_ups = []
    for answer in answers.iterator(chunk_size=2000):
        callback = answer.nps <= CALLBACK_MAX_NPS
        if rng.random() >= (CALLBACKS_DONE if callback else REFERRALS_DONE):
            continue
        team = answer.call.team if answer.call_id else None
        follow_ups.append(
            SurveyFollowUp(
                response=answer,
                kind=SurveyFollowUp.Kind.CALLBACK if callback else SurveyFollowUp.Kind.REFERRAL,
                done_by=(team.lead if team is not None and team.lead_id else None) or manager,
                done_at=answer.responded_at + timedelta(hours=rng.uniform(2, 72)),
                note=rng.choice(CALLBACK_NOTES if callback else REFERRAL_NOTES),
            )
        )
    SurveyFollowUp.objects.bulk_create(follow_ups, batch_size=2000)
    return {"new_follow_ups": len(follow_ups)}

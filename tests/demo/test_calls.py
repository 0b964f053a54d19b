"""The demo's calls (qa_center/demo/calls.py): complete, plausible, reproducible, and only the missing ones added."""

import io
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from calls.models import Call, CallType, Escalation, SurveyResponse
from qa_center.demo import calls, people
from tests.demo.helpers import seed

pytestmark = pytest.mark.django_db


def test_call_types_and_every_escalation_type_are_present():
    seed("--no-recordings")
    slugs = set(Call.objects.values_list("call_type__slug", flat=True))
    assert slugs == {"inbound-support", "outbound-proactive", "retention", "billing"}
    assert all(CallType.objects.values_list("description", flat=True))
    assert set(Escalation.objects.values_list("type", flat=True)) == set(Escalation.Type.values)
    # Outbound calls are mostly the sales team's.
    outbound = Call.objects.filter(direction=Call.Direction.OUTBOUND)
    assert outbound.filter(team__name="Madrid Sales").count() > outbound.count() / 2


def test_distributions_are_plausible():
    before = timezone.now()
    seed("--no-recordings")
    calls = Call.objects.all()
    assert calls.count() == 600
    window = calls.filter(started_at__gte=before - timedelta(days=30), started_at__lte=timezone.now())
    assert window.count() == 600

    inbound = calls.inbound()
    answer_rate = inbound.answered().count() / inbound.count()
    assert 0.75 <= answer_rate <= 0.95
    answered = calls.answered().count()
    assert 0.20 <= SurveyResponse.objects.filter(call__isnull=False).count() / answered <= 0.40
    assert 0.02 <= Escalation.objects.count() / answered <= 0.10
    assert 0.60 <= calls.answered().filter(resolved=True).count() / answered <= 0.95

    abandoned = inbound.filter(answered=False)
    assert abandoned.exists()
    assert not abandoned.filter(
        Q(talk_seconds__isnull=False) | Q(hold_seconds__isnull=False) | Q(wrap_up_seconds__isnull=False)
    ).exists()
    assert not abandoned.filter(agent__isnull=False).exists()
    assert not abandoned.filter(queue_wait_seconds__isnull=True).exists()
    assert not calls.filter(answered=False, talk_seconds__isnull=False).exists()

    resolved = calls.filter(resolved=True)
    assert not resolved.filter(Q(resolved_at__isnull=True) | Q(resolved_at__lt=F("started_at"))).exists()
    assert not calls.exclude(resolved=True).filter(resolved_at__isnull=False).exists()

    repeated_cases = calls.exclude(case_id="").values("case_id").annotate(n=Count("id")).filter(n__gt=1)
    assert repeated_cases.count() >= 10
    repeat_customers = calls.exclude(customer_id="").values("customer_id").annotate(n=Count("id"))
    assert repeat_customers.filter(n__gt=1).exists()

    assert not calls.answered().filter(Q(agent__isnull=True) | ~Q(team=F("agent__team"))).exists()
    assert calls.filter(channel=Call.Channel.VOICE).count() > 0.8 * 600
    assert SurveyResponse.objects.exclude(comment="").count() >= 2
    assert not SurveyResponse.objects.filter(nps__isnull=True, csat__isnull=True).exists()


def test_surveys_are_happier_when_resolved():
    seed("--no-recordings")
    nps = SurveyResponse.objects.aggregate(
        resolved=Avg("nps", filter=Q(call__resolved=True)),
        unresolved=Avg("nps", filter=Q(call__resolved=False)),
    )
    assert nps["resolved"] > nps["unresolved"] + 2


def test_handle_times_differ_per_agent_with_a_slow_outlier():
    seed("--no-recordings")
    aht = dict(
        Call.objects.answered()
        .filter(team__name="Riga Support")
        .values_list("agent__username")
        .annotate(aht=Avg(F("talk_seconds") + F("hold_seconds") + F("wrap_up_seconds")))
        .order_by()
    )
    others = sorted(value for username, value in aht.items() if username != "agent7")
    median = (others[4] + others[5]) / 2
    assert aht["agent7"] > 1.3 * median
    assert max(others) - min(others) > 0.1 * median


def test_escalations_have_reasons_levels_and_followups():
    seed("--no-recordings")
    now = timezone.now()
    escalations = Escalation.objects.all()
    assert not escalations.filter(Q(reason="") | Q(to_level="") | Q(followup_due_at__isnull=True)).exists()
    assert escalations.filter(followup_done_at__isnull=False).exists()
    assert escalations.filter(followup_done_at__isnull=True, followup_due_at__lt=now).exists()
    assert not escalations.filter(call__answered=False).exists()
    assert escalations.filter(external_id__startswith="DEMO-ESC-").count() == escalations.count()


def test_a_larger_run_adds_only_the_missing_calls():
    call_command(
        "seed_demo", "--calls=300", "--days=30", "--allow-production", "--no-recordings", stdout=io.StringIO()
    )
    seed("--no-recordings")
    assert Call.objects.count() == 600
    assert Call.objects.values("external_id").distinct().count() == 600
    linked = SurveyResponse.objects.filter(call__isnull=False)
    assert linked.values("call").distinct().count() == linked.count()
    for escalation in Escalation.objects.select_related("call"):
        assert escalation.external_id == "DEMO-ESC-" + escalation.call.external_id.removeprefix("DEMO-")


def test_same_seed_and_moment_give_the_same_calls():
    users, teams = people.ensure_people()
    call_types = calls.ensure_call_types()
    now = timezone.now()

    def generate(seed: int):
        built = calls.generate_calls(
            rng=random.Random(seed),
            count=200,
            days=20,
            now=now,
            users=users,
            teams=teams,
            call_types=call_types,
        )
        return [
            (c.external_id, c.started_at, c.agent_id, c.call_type_id, c.answered, c.talk_seconds, c.case_id)
            for c in built.calls
        ]

    assert generate(2026) == generate(2026)
    assert generate(2026) != generate(7)


def test_the_web_survey_answers_have_no_call_and_a_market():
    seed("--no-recordings")
    unlinked = SurveyResponse.objects.filter(call__isnull=True)
    assert unlinked.count() == 600 // calls.CALLS_PER_SURVEY_TOOL_ANSWER
    assert set(unlinked.values_list("segment", flat=True)) <= set(calls.SURVEY_TOOL_MARKETS)
    assert all(
        external_id.startswith("DEMO-SRV-") for external_id in unlinked.values_list("external_id", flat=True)
    )
    seed("--no-recordings")
    assert SurveyResponse.objects.filter(call__isnull=True).count() == unlinked.count()

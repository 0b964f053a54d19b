"""Calls and what comes with them: call types, survey responses, escalations."""

from datetime import timedelta

import factory
from django.utils import timezone

from calls.models import Call, CallType, Escalation, SurveyResponse
from tests.factories.people import AgentFactory


class CallTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Call type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


class CallFactory(factory.django.DjangoModelFactory):
    """An answered, resolved inbound call of a new agent, two hours ago (no recording: give one if needed)."""

    class Meta:
        model = Call

    external_id = factory.Sequence(lambda n: f"CALL-{n:06d}")
    agent = factory.SubFactory(AgentFactory)
    team = factory.LazyAttribute(lambda c: c.agent.team if c.agent else None)
    call_type = factory.SubFactory(CallTypeFactory)
    direction = Call.Direction.INBOUND
    queue = "General"
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    ivr_wait_seconds = 15
    queue_wait_seconds = 40
    talk_seconds = 300
    hold_seconds = 20
    wrap_up_seconds = 45
    answered = True
    resolved = True
    case_id = factory.Sequence(lambda n: f"CASE-{n:06d}")
    customer_id = factory.Sequence(lambda n: f"CUST-{n:06d}")


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    call = factory.SubFactory(CallFactory)
    nps = 9
    csat = 5
    responded_at = factory.LazyAttribute(
        lambda survey: survey.call.started_at if survey.call else timezone.now()
    )


class EscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escalation

    call = factory.SubFactory(CallFactory)
    type = Escalation.Type.HIERARCHICAL
    reason = "Customer asked for a supervisor"
    from_level = "Tier 1"
    to_level = "Supervisor"

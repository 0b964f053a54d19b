"""factory-boy factories shared by every test folder."""

from datetime import timedelta

import factory
from django.utils import timezone

from calls.models import Call, CallType, Escalation, SurveyResponse
from qa_center.people.models import Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("demo-password")


class AgentFactory(UserFactory):
    is_agent = True
    team = factory.SubFactory(TeamFactory)
    agent_code = factory.Sequence(lambda n: f"A{n:04d}")


class CallTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Call type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


class CallFactory(factory.django.DjangoModelFactory):
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

"""People: teams, users, agents, and a set of QA reviewers."""

import factory

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


def make_reviewers(count: int, *, prefix: str = "rev") -> list[User]:
    """`count` QA reviewers, `{prefix}1`, `{prefix}2`..., named so that they sort in creation order (the
    order of a calibration's result columns)."""
    return [
        UserFactory(
            username=f"{prefix}{n}", first_name="Reviewer", last_name=f"{prefix}{n:02d}", is_reviewer=True
        )
        for n in range(1, count + 1)
    ]

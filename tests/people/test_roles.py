"""The role predicates: who counts as what (a superuser is a manager and nothing else; anonymous is nobody)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from qa_center.people import roles
from tests.factories import UserFactory

ROLE_FLAGS = ["is_agent", "is_reviewer", "is_team_lead", "is_qa_manager", "is_superuser"]

# flag set on the user -> (is_manager, is_reviewer, is_team_lead, is_agent, works_center_wide)
EXPECTED = {
    "is_agent": (False, False, False, True, False),
    "is_reviewer": (False, True, False, False, True),
    "is_team_lead": (False, False, True, False, False),
    "is_qa_manager": (True, False, False, False, True),
    "is_superuser": (True, False, False, False, True),
}


def _answers(user) -> tuple[bool, ...]:
    return (
        roles.is_manager(user),
        roles.is_reviewer(user),
        roles.is_team_lead(user),
        roles.is_agent(user),
        roles.works_center_wide(user),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("flag", ROLE_FLAGS)
def test_each_flag_gives_its_role_only(flag):
    user = UserFactory(**{flag: True})
    assert _answers(user) == EXPECTED[flag]


@pytest.mark.django_db
def test_a_user_without_roles_is_nobody():
    assert _answers(UserFactory()) == (False,) * 5


def test_anonymous_is_nobody():
    assert _answers(AnonymousUser()) == (False,) * 5


@pytest.mark.django_db
def test_roles_add_up_for_a_reviewer_who_also_answers_calls():
    user = UserFactory(is_agent=True, is_reviewer=True)
    assert roles.is_agent(user) and roles.is_reviewer(user) and not roles.is_manager(user)


@pytest.mark.django_db
@pytest.mark.parametrize("flag", ROLE_FLAGS)
def test_user_properties_for_templates_say_the_same(flag):
    user = UserFactory(**{flag: True})
    assert user.manages_qa == roles.is_manager(user)
    assert user.sees_all_calls == roles.works_center_wide(user)

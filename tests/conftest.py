"""Fixtures every test wants: a small call center with one person per role, and an eager Celery."""

import pytest

from qa_center.celery import app as celery_app
from qa_center.local_folders import make_local_folders
from tests.factories import AgentFactory, CallFactory, CallTypeFactory, TeamFactory, UserFactory


def pytest_configure(config):
    make_local_folders()  # the test database's folder, missing on a fresh checkout


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process in tests; the integration tests start a real worker instead."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Real hashers are slow on purpose; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return TeamFactory(name="Blue")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Green")


@pytest.fixture
def lead(team):
    user = UserFactory(username="lead", is_team_lead=True)
    team.lead = user
    team.save(update_fields=["lead"])
    return user


@pytest.fixture
def other_lead(other_team):
    user = UserFactory(username="otherlead", is_team_lead=True)
    other_team.lead = user
    other_team.save(update_fields=["lead"])
    return user


@pytest.fixture
def agent(team):
    return AgentFactory(username="agent", team=team)


@pytest.fixture
def other_agent(other_team):
    """An agent of another team: must never see `agent`'s calls."""
    return AgentFactory(username="agent2", team=other_team)


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", is_reviewer=True)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", is_qa_manager=True)


@pytest.fixture
def call_type(db):
    return CallTypeFactory(name="Inbound support", slug="inbound-support")


@pytest.fixture
def call(agent, call_type):
    """A call answered by `agent` (team Blue)."""
    return CallFactory(agent=agent, call_type=call_type)

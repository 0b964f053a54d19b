"""Fixtures of the coaching session tests: the lead's scorecard, a lead's second agent, the center in Riga."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.factories import AgentFactory, make_published_version


@pytest.fixture
def version(call_type):
    return make_published_version(call_type)


@pytest.fixture
def second_agent(team, lead):
    """Another agent of `lead`'s team."""
    return AgentFactory(username="agent3", team=team)


@pytest.fixture
def riga(settings):
    """The center in Riga (EET/EEST): clocks go forward on 29 March 2026 at 03:00 and back on 25 October."""
    settings.TIME_ZONE = "Europe/Riga"
    timezone.activate("Europe/Riga")
    yield timezone.get_current_timezone()
    timezone.deactivate()


def at(day, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time in the current time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    return at(timezone.localdate() + timedelta(days=1), hour, minute)

"""Fixtures of the call pages' tests."""

import pytest

from tests.factories import CallTypeFactory


@pytest.fixture
def sales(db):
    """A second call type beside the `call_type` fixture, for filters and badges."""
    return CallTypeFactory(name="Outbound sales", slug="outbound-sales")

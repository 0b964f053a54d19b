import pytest

from tests.kpis.escalations.helpers import make_matrix


@pytest.fixture
def matrix(db):
    return make_matrix()

"""A survey answer dated by its call moves when the call's start changes, through the import and the API; an
answer with a time of its own (from a survey tool) keeps it."""

from datetime import UTC, datetime

import pytest

from calls.models import SurveyResponse
from calls.services import upsert_call, upsert_calls
from tests.calls.imports.helpers import make_csv, run_import
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

COLUMNS = {"external_id": "id", "started_at": "start", "answered": "answered", "nps": "nps"}


def test_a_reimport_with_a_new_start_moves_the_answer_it_dated(db):
    run_import(
        make_csv(["id", "start", "answered", "nps"], [["C1", "2024-03-05 14:30:00", "Y", "9"]]), COLUMNS
    )
    survey = SurveyResponse.objects.get(call__external_id="C1")
    assert (survey.responded_at, survey.responded_at_source) == (
        datetime(2024, 3, 5, 14, 30, tzinfo=UTC),
        "call",
    )

    run_import(
        make_csv(["id", "start", "answered", "nps"], [["C1", "2024-03-05 16:00:00", "Y", "9"]]), COLUMNS
    )
    survey.refresh_from_db()
    assert survey.responded_at == datetime(2024, 3, 5, 16, 0, tzinfo=UTC)


def test_an_answer_with_its_own_time_stays(db):
    call = CallFactory(external_id="C2", started_at=datetime(2024, 3, 5, 9, 0, tzinfo=UTC))
    own = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
    SurveyResponse.objects.create(call=call, nps=7, responded_at=own, responded_at_source="given")
    run_import(
        make_csv(["id", "start", "answered", "nps"], [["C2", "2024-03-05 10:00:00", "Y", "8"]]), COLUMNS
    )
    survey = SurveyResponse.objects.get(call=call)
    assert (survey.nps, survey.responded_at) == (8, own)


@pytest.mark.parametrize("batch", [False, True])
def test_the_api_moves_it_too(db, batch):
    start = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    call = CallFactory(external_id="C3", started_at=start)
    SurveyResponse.objects.create(call=call, nps=10, responded_at=start, responded_at_source="call")
    later = datetime(2024, 3, 5, 11, 0, tzinfo=UTC)
    if batch:
        upsert_calls(rows=[{"external_id": "C3", "started_at": later}])
    else:
        upsert_call(data={"external_id": "C3", "started_at": later})
    assert SurveyResponse.objects.get(call=call).responded_at == later

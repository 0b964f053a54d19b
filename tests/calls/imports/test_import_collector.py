"""The import runs with Python's cyclic garbage collector paused (calls.imports.jobs.collector_paused): off
while the rows are converted and written, back on after, even when the import stops on an error."""

import gc

import pytest

from calls.imports import jobs
from calls.models import Call, SurveyResponse
from tests.calls.imports.helpers import BASIC_HEADER, basic_row, make_csv, run_import

pytestmark = pytest.mark.django_db

SURVEY_COLUMNS = {"external_id": "Response ID", "responded_at": "Responded at", "nps": "NPS"}
SURVEY_FILE = make_csv(["Response ID", "Responded at", "NPS"], [["R-1", "2025-03-05 10:00", "9"]])


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_the_call_import_writes_with_the_collector_off_and_turns_it_back_on(jdoe, collector_on, monkeypatch):
    seen = []
    write_calls = jobs.write_calls
    monkeypatch.setattr(jobs, "write_calls", lambda *a: seen.append(gc.isenabled()) or write_calls(*a))
    result = run_import(make_csv(BASIC_HEADER, [basic_row("C1"), basic_row("C2")]), batch_size=1)
    assert result.created == 2 and Call.objects.count() == 2
    assert seen == [False, False]
    assert gc.isenabled()


def test_the_survey_import_writes_with_the_collector_off_and_turns_it_back_on(collector_on, monkeypatch):
    seen = []
    write = jobs.write_survey_batch
    monkeypatch.setattr(jobs, "write_survey_batch", lambda *a: seen.append(gc.isenabled()) or write(*a))
    result = jobs.import_surveys_from_file(data=SURVEY_FILE, file_name="s.csv", columns=SURVEY_COLUMNS)
    assert result.created == 1 and SurveyResponse.objects.count() == 1
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_is_back_on_after_an_error(collector_on, monkeypatch):
    def fails(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "write_survey_batch", fails)
    with pytest.raises(RuntimeError):
        jobs.import_surveys_from_file(data=SURVEY_FILE, file_name="s.csv", columns=SURVEY_COLUMNS)
    assert gc.isenabled()


def test_a_collector_already_off_stays_off(collector_on):
    gc.disable()
    with jobs.collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()

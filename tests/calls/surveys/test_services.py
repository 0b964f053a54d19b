"""calls.surveys.services: survey answers with or without a call, upserted by response id in batches."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.models import SurveyResponse
from calls.surveys.services import SurveyAnswer, follow_call_start, record_survey_answers
from tests.factories import CallFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
# More than a day ahead: refused, as a call's times are (calls.fields.TimeRange).
FAR_AHEAD = datetime.now(UTC) + timedelta(days=2)
GIVEN, FROM_CALL = SurveyResponse.TimeSource.GIVEN, SurveyResponse.TimeSource.CALL


def answer(**values) -> SurveyAnswer:
    return SurveyAnswer(**{"external_id": "R-1", "nps": 9, "responded_at": T0, **values})


def test_an_unlinked_answer_is_stored_with_its_segment():
    result = record_survey_answers(rows=[answer(csat=4, comment="Fine", segment="LV")])
    assert result.statuses == ["created"]
    survey = SurveyResponse.objects.get(external_id="R-1")
    assert (survey.call, survey.nps, survey.csat) == (None, 9, 4)
    assert (survey.segment, survey.comment) == ("LV", "Fine")
    assert (survey.responded_at, survey.responded_at_source) == (T0, GIVEN)
    assert result.saved[0].pk == survey.pk


def test_sending_an_answer_again_updates_it_and_the_same_answer_changes_nothing():
    record_survey_answers(rows=[answer(segment="LV")])
    assert record_survey_answers(rows=[answer(segment="LV")]).statuses == ["unchanged"]
    assert record_survey_answers(rows=[answer(nps=3)]).statuses == ["updated"]
    survey = SurveyResponse.objects.get()
    assert (survey.nps, survey.segment) == (3, "LV")  # a segment not sent is kept


def test_linked_by_call_external_id():
    call = CallFactory(external_id="PBX-7")
    record_survey_answers(rows=[answer(call_external_id="PBX-7")])
    assert SurveyResponse.objects.get().call == call


def test_without_a_time_the_answer_takes_its_calls_start_not_today():
    call = CallFactory(external_id="PBX-7", started_at=T0 - timedelta(days=30))
    record_survey_answers(rows=[answer(call_external_id="PBX-7", responded_at=None)])
    survey = SurveyResponse.objects.get()
    assert (survey.responded_at, survey.responded_at_source) == (call.started_at, FROM_CALL)


def test_a_time_sent_later_replaces_the_calls():
    CallFactory(external_id="PBX-7", started_at=T0 - timedelta(days=30))
    record_survey_answers(rows=[answer(call_external_id="PBX-7", responded_at=None)])
    record_survey_answers(rows=[answer(responded_at=T0)])
    survey = SurveyResponse.objects.get()
    assert (survey.responded_at, survey.responded_at_source, survey.call.external_id) == (T0, GIVEN, "PBX-7")


def test_linked_by_case_id_to_the_cases_latest_call_before_the_answer():
    first = CallFactory(case_id="HD-1", started_at=T0 - timedelta(days=3))
    second = CallFactory(case_id="HD-1", started_at=T0 - timedelta(days=1))
    CallFactory(case_id="HD-1", started_at=T0 + timedelta(days=1))  # after the answer
    record_survey_answers(rows=[answer(case_id="HD-1")])
    survey = SurveyResponse.objects.get()
    assert (survey.call, survey.case_id) == (second, "HD-1")
    assert first.pk != second.pk


def test_by_case_id_without_a_time_the_cases_latest_call_and_its_start():
    CallFactory(case_id="HD-1", started_at=T0 - timedelta(days=3))
    latest = CallFactory(case_id="HD-1", started_at=T0 - timedelta(days=1))
    record_survey_answers(rows=[answer(case_id="HD-1", responded_at=None)])
    survey = SurveyResponse.objects.get()
    assert survey.call == latest
    assert (survey.responded_at, survey.responded_at_source) == (latest.started_at, FROM_CALL)


def test_a_case_with_no_call_yet_keeps_the_case_id_and_links_when_sent_again():
    record_survey_answers(rows=[answer(case_id="HD-9")])
    survey = SurveyResponse.objects.get()
    assert (survey.call, survey.case_id) == (None, "HD-9")
    call = CallFactory(case_id="HD-9", started_at=T0 - timedelta(hours=1))
    assert record_survey_answers(rows=[answer(case_id="HD-9")]).statuses == ["updated"]
    assert SurveyResponse.objects.get().call == call


def test_a_link_is_kept_when_a_later_answer_has_none():
    call = CallFactory(external_id="PBX-7")
    record_survey_answers(rows=[answer(call_external_id="PBX-7")])
    record_survey_answers(rows=[answer(nps=5)])
    assert SurveyResponse.objects.get().call == call


def test_an_answer_without_response_id_for_an_answered_call_replaces_its_answer():
    call = CallFactory(external_id="PBX-7")
    SurveyResponseFactory(call=call, nps=2)
    result = record_survey_answers(rows=[answer(external_id="", call_external_id="PBX-7", nps=10)])
    assert result.statuses == ["updated"]
    assert SurveyResponse.objects.get().nps == 10


def test_a_response_id_adopts_the_calls_answer_without_one():
    call = CallFactory(external_id="PBX-7")
    SurveyResponseFactory(call=call, nps=2)
    record_survey_answers(rows=[answer(external_id="R-5", call_external_id="PBX-7")])
    assert list(SurveyResponse.objects.values_list("external_id", "nps")) == [("R-5", 9)]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (answer(nps=None, csat=None), "nps", "needs an NPS or a CSAT"),
        (answer(nps=11), "nps", "0 to 10"),
        (answer(csat=0), "csat", "1 to 5"),
        (answer(external_id="R/1"), "external_id", "“/”"),
        (answer(segment="x" * 101), "segment", "100 characters"),
        (answer(external_id=""), "external_id", "count twice"),
        (answer(responded_at=None), "responded_at", "needs the time"),
        (answer(call_external_id="NOPE"), "call_external_id", "“NOPE”"),
        (answer(external_id="", case_id="HD-404"), "case_id", "no response id"),
        (answer(case_id="HD-404", responded_at=None), "responded_at", "needs its time"),
        (answer(responded_at=datetime(1999, 12, 31, 23, tzinfo=UTC)), "responded_at", "out of range"),
        (answer(responded_at=datetime(9999, 1, 1, tzinfo=UTC)), "responded_at", "out of range"),
        (answer(responded_at=datetime(1, 1, 1, tzinfo=UTC)), "responded_at", "out of range"),
        (answer(responded_at=FAR_AHEAD), "responded_at", "out of range"),
    ],
)
def test_refused_answers_say_why_and_write_nothing(row, field, words):
    ok = answer(external_id="R-OK")
    result = record_survey_answers(rows=[ok, row])
    assert result.statuses == ["created", "refused"]
    (refused,) = result.refused
    assert refused.index == 1
    assert field in refused.errors
    assert words in " ".join(refused.errors[field])
    assert list(SurveyResponse.objects.values_list("external_id", flat=True)) == ["R-OK"]


def test_duplicates_in_a_batch_name_the_first_by_line_or_index():
    CallFactory(external_id="PBX-7")
    rows = [
        answer(external_id="R-1"),
        answer(external_id="R-1", nps=0),
        answer(external_id="R-2", call_external_id="PBX-7"),
        answer(external_id="R-3", call_external_id="PBX-7"),
    ]
    by_line = record_survey_answers(rows=rows, lines=[2, 3, 4, 5])
    assert by_line.statuses == ["created", "refused", "created", "refused"]
    assert by_line.refused[0].errors == {"external_id": ["Same response id as line 2."]}
    assert "The answer at line 4 is about the same call" in by_line.refused[1].message
    SurveyResponse.objects.all().delete()
    by_index = record_survey_answers(rows=rows)
    assert by_index.refused[0].errors == {"external_id": ["Same response id as index 0."]}


def test_a_call_answered_under_another_response_id_refuses_the_second():
    CallFactory(external_id="PBX-7")
    record_survey_answers(rows=[answer(external_id="R-1", call_external_id="PBX-7")])
    result = record_survey_answers(rows=[answer(external_id="R-2", call_external_id="PBX-7")])
    assert result.statuses == ["refused"]
    assert "response id “R-1”" in result.refused[0].message
    assert SurveyResponse.objects.count() == 1


def test_follow_call_start_moves_only_times_taken_from_the_call():
    call = CallFactory(external_id="PBX-7", started_at=T0)
    other = CallFactory(external_id="PBX-8", started_at=T0)
    record_survey_answers(
        rows=[
            answer(external_id="R-1", call_external_id="PBX-7", responded_at=None),
            answer(external_id="R-2", call_external_id="PBX-8", responded_at=T0 + timedelta(hours=1)),
        ]
    )
    moved_to = T0 + timedelta(days=2)
    for moved in (call, other):
        moved.started_at = moved_to
        moved.save(update_fields=["started_at"])
    assert follow_call_start(call_ids=[call.pk, other.pk]) == 1
    times = dict(SurveyResponse.objects.values_list("external_id", "responded_at"))
    assert times == {"R-1": moved_to, "R-2": T0 + timedelta(hours=1)}
    assert follow_call_start(call_ids=[call.pk, other.pk]) == 0  # nothing left to move
    assert follow_call_start(call_ids=[]) == 0


def _batch(size: int, offset: int) -> list[SurveyAnswer]:
    rows = []
    for n in range(size):
        call = CallFactory(external_id=f"PBX-{offset + n}", case_id=f"HD-{offset + n}")
        link = {"call_external_id": call.external_id} if n % 2 else {"case_id": call.case_id}
        rows.append(answer(external_id=f"R-{offset + n}", nps=n % 10, **link))
    return rows


@pytest.mark.parametrize("write", ["create", "update"])
def test_a_batch_costs_the_same_queries_whatever_its_size(write):
    counts = []
    for size, offset in ((3, 0), (60, 100)):
        rows = _batch(size, offset)
        if write == "update":
            record_survey_answers(rows=rows)
            rows = [SurveyAnswer(**{**vars(row), "nps": row.nps + 1}) for row in rows]
        with CaptureQueriesContext(connection) as queries:
            result = record_survey_answers(rows=rows)
        assert result.count("created" if write == "create" else "updated") == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 7


def test_an_answer_moved_to_a_call_answered_with_the_call_is_refused():
    call = CallFactory(external_id="PBX-7")
    SurveyResponseFactory(call=call, nps=2)
    record_survey_answers(rows=[answer(external_id="R-1")])
    result = record_survey_answers(rows=[answer(external_id="R-1", call_external_id="PBX-7")])
    assert result.refused[0].errors == {
        "call_external_id": ["This call already has another survey answer, recorded with the call."]
    }
    assert SurveyResponse.objects.get(external_id="R-1").call is None


def test_saved_gives_the_stored_answers_with_their_keys():
    call = CallFactory(external_id="PBX-7")
    other = CallFactory(external_id="PBX-8")
    record_survey_answers(rows=[answer(external_id="R-OLD", nps=1)])
    result = record_survey_answers(
        rows=[
            answer(external_id="R-NEW", call_external_id="PBX-7"),
            answer(external_id="", call_external_id="PBX-8", responded_at=None),
            answer(external_id="R-OLD", nps=2),
            answer(nps=11),
        ]
    )
    assert result.statuses == ["created", "created", "updated", "refused"]
    saved = result.saved
    assert set(saved) == {0, 1, 2}
    for survey in saved.values():
        stored = SurveyResponse.objects.get(pk=survey.pk)
        assert (survey.external_id, survey.call_id, survey.nps) == (
            stored.external_id,
            stored.call_id,
            stored.nps,
        )
        assert survey.responded_at == stored.responded_at
        assert not survey._state.adding
    assert (saved[0].call_id, saved[1].call_id) == (call.pk, other.pk)
    assert saved[1].responded_at_source == FROM_CALL


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_batch_lookups_read_through_indexes_not_the_whole_table():
    CallFactory(external_id="PBX-7")
    SurveyResponseFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        result = record_survey_answers(rows=[answer(call_external_id="PBX-7"), answer(external_id="R-2")])
        assert result.created == 2 and len(result.saved) == 2  # `saved`: the new answers' keys
    selects = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    assert len(selects) == 3  # the calls named, the answers stored, the new answers' keys
    with connection.cursor() as cursor:
        for sql in selects:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            # The one scan allowed: the batch's own list of values (a JSON array read by json_each).
            assert "SCAN" not in plan.replace("SCAN json_each", ""), (sql, plan)

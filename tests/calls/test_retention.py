"""Retention (calls.retention): the recordings and transcripts of old calls go, everything else stays."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, RetentionDeletion, RetentionRun, SurveyResponse
from calls.retention import services
from calls.retention.services import apply_retention, registered_holds
from calls.retention.tasks import apply_retention as apply_retention_task
from coaching.library.selectors import calls_in_library
from coaching.models import LibraryEntry
from scorecards.models import Evaluation
from tests.calls.ingest.helpers import wav_bytes
from tests.factories import CallFactory, UserFactory, evaluation_of, make_published_version

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAYS = 365


def old(days: int = DAYS + 1) -> timezone.datetime:
    return NOW - timedelta(days=days)


def recorded(started_at, *, transcript="[0:00] Agent: Hello", url="", file=True, **values) -> Call:
    call = CallFactory(started_at=started_at, transcript=transcript, recording_url=url, **values)
    if file:
        call.recording_file.save(f"{call.external_id}.wav", ContentFile(wav_bytes(0.01)), save=True)
    return call


def library(call, status) -> LibraryEntry:
    return LibraryEntry.objects.create(call=call, title="A warm welcome", status=status)


def test_the_library_holds_its_calls():
    assert calls_in_library in registered_holds()


def test_old_recordings_and_transcripts_go_and_nothing_else(settings, django_capture_on_commit_callbacks):
    settings.QA_RETENTION_DAYS = DAYS
    expired = recorded(old(), customer_id="CUST-OLD")
    SurveyResponse.objects.create(call=expired, nps=9, responded_at=expired.started_at)
    expired_file = expired.recording_file.name
    url_only = recorded(old(400), file=False, url="https://pbx.example/r/1.wav", transcript="")
    transcript_only = recorded(old(2000), file=False)
    recent = recorded(old(DAYS - 1))
    boundary = recorded(NOW - timedelta(days=DAYS) + timedelta(seconds=1))  # just inside the window
    approved = recorded(old())
    library(approved, LibraryEntry.Status.APPROVED)
    pending = recorded(old())
    library(pending, LibraryEntry.Status.PENDING)
    declined = recorded(old())  # declined: no longer in the library, so retention takes it
    library(declined, LibraryEntry.Status.DECLINED)
    nothing_to_delete = CallFactory(started_at=old())

    with django_capture_on_commit_callbacks(execute=True):  # the files go once their batch is committed
        run = apply_retention(now=NOW)

    cleared = {expired.pk, url_only.pk, transcript_only.pk, declined.pk}
    assert set(RetentionDeletion.objects.filter(run=run).values_list("call_id", flat=True)) == cleared
    for call in Call.objects.filter(pk__in=cleared):
        assert (call.recording_file.name, call.recording_url, call.transcript) == ("", "", "")
    for call in Call.objects.exclude(pk__in=cleared).exclude(pk=nothing_to_delete.pk):
        assert call.recording_file.name and call.transcript, call
        assert default_storage.exists(call.recording_file.name)
    assert not default_storage.exists(expired_file)
    # The calls stay, with everything but what retention deletes.
    assert Call.objects.count() == 9
    expired.refresh_from_db()
    assert (expired.customer_id, expired.talk_seconds, expired.survey.nps) == ("CUST-OLD", 300, 9)
    assert {recent.pk, boundary.pk, approved.pk, pending.pk}.isdisjoint(cleared)

    assert (run.days, run.cutoff, run.finished_at is not None) == (DAYS, NOW - timedelta(days=DAYS), True)
    assert (run.calls_count, run.recordings_count, run.recording_urls_count, run.transcripts_count) == (
        4,
        2,
        1,
        3,
    )
    deletion = RetentionDeletion.objects.get(call=url_only)
    assert (deletion.recording_file, deletion.recording_url, deletion.transcript_chars) == (
        "",
        "https://pbx.example/r/1.wav",
        0,
    )
    assert RetentionDeletion.objects.get(call=expired).recording_file == expired_file


def test_a_second_run_deletes_nothing_new_and_says_so():
    recorded(old())
    first = apply_retention(now=NOW, days=DAYS)
    second = apply_retention(now=NOW, days=DAYS)
    assert (first.calls_count, second.calls_count) == (1, 0)
    assert not second.deletions.exists()
    assert RetentionRun.objects.count() == 2


def test_a_call_removed_from_the_library_goes_at_the_next_run():
    call = recorded(old())
    entry = library(call, LibraryEntry.Status.APPROVED)
    assert apply_retention(now=NOW, days=DAYS).calls_count == 0
    entry.delete()
    assert apply_retention(now=NOW, days=DAYS).calls_count == 1


def test_scores_and_evaluations_stay(agent, call_type):
    evaluation = evaluation_of(agent, version=make_published_version(call_type))
    Call.objects.filter(pk=evaluation.call_id).update(started_at=old(), transcript="Hello")
    assert apply_retention(now=NOW, days=DAYS).calls_count == 1
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    assert evaluation.status == Evaluation.Status.SUBMITTED and evaluation.score is not None
    call = Call.objects.get(pk=evaluation.call_id)
    assert call.transcript == "" and call.evaluation_score == evaluation.score


def test_zero_days_keeps_everything(settings):
    settings.QA_RETENTION_DAYS = 0
    recorded(old(5000))
    assert apply_retention(now=NOW) is None
    assert not RetentionRun.objects.exists()


def test_batches_walk_every_old_call():
    calls = [recorded(old(DAYS + n), file=False) for n in range(1, 8)]
    library(calls[3], LibraryEntry.Status.APPROVED)
    run = apply_retention(now=NOW, days=DAYS, batch_size=2)
    assert run.calls_count == 6
    assert Call.objects.exclude(transcript="").get() == calls[3]


def test_the_queries_do_not_grow_with_the_calls(django_assert_num_queries):
    # A batch costs the same for 2 calls and 40: the run's record, then per batch find, (savepoint) lock, clear,
    # record, count (release), then the walk's last look, the run's end and its re-read.
    for n in range(2):
        recorded(old(DAYS + n + 1), file=False)
    with django_assert_num_queries(11):
        apply_retention(now=NOW, days=DAYS, batch_size=500)
    for n in range(40):
        recorded(old(DAYS + n + 1), file=False)
    with django_assert_num_queries(11):
        apply_retention(now=NOW, days=DAYS, batch_size=500)


def test_the_task_runs_the_service(settings):
    settings.QA_RETENTION_DAYS = DAYS
    recorded(old(), file=False)
    assert apply_retention_task.delay().get() == 1
    assert RetentionRun.objects.get().calls_count == 1


def test_runs_and_deletions_are_read_only_in_the_admin(client):
    recorded(old(), file=False)
    run = apply_retention(now=NOW, days=DAYS)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    runs = client.get(reverse("admin:calls_retentionrun_changelist"))
    assert runs.status_code == 200
    assert f"?run__id__exact={run.pk}" in runs.content.decode()
    page = client.get(reverse("admin:calls_retentionrun_change", args=[run.pk])).content.decode()
    assert 'name="calls_count"' not in page
    deletions = client.get(reverse("admin:calls_retentiondeletion_changelist"), {"run__id__exact": run.pk})
    assert deletions.status_code == 200
    assert client.get(reverse("admin:calls_retentionrun_add")).status_code == 403


def test_holds_are_registered_once():
    before = registered_holds()
    services.register_hold(calls_in_library)
    assert registered_holds() == before


def test_a_batch_checks_again_under_its_lock():
    """A call the library takes, or a concurrent run clears, between the walk and the batch's lock is left."""
    taken, cleared = recorded(old(), file=False), recorded(old(), file=False)
    run = RetentionRun.objects.create(days=DAYS, cutoff=NOW - timedelta(days=DAYS))
    library(taken, LibraryEntry.Status.PENDING)
    Call.objects.filter(pk=cleared.pk).update(transcript="")
    services._clear(run, [taken.pk, cleared.pk])
    run.refresh_from_db()
    assert run.calls_count == 0 and not run.deletions.exists()
    assert Call.objects.get(pk=taken.pk).transcript

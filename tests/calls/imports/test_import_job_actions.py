"""Cancelling and deleting an import that has not run (issue 7, part 5): the services, the race with a
worker's claim, and the two POST views (QA managers only)."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from calls.imports import jobs, tasks
from calls.models import Call, ImportJob
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, make_csv
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_manager(db):
    return UserFactory(username="manager2", is_qa_manager=True)


def make_job(*, queued=False, user=None) -> ImportJob:
    data = make_csv(BASIC_HEADER, [basic_row("C1"), basic_row("C2")])
    job = ImportJob.objects.create(
        file=ContentFile(data, name="calls.csv"), original_name="calls.csv", created_by=user
    )
    if queued:
        assert jobs.configure_import_job(job=job, columns=BASIC_COLUMNS, date_format="", mapping=None)
    return job


# --- The services -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("queued", [False, True], ids=["waiting for its mapping", "queued"])
def test_cancelling_a_job_that_has_not_run_removes_its_file_and_it_never_runs(
    jdoe, queued, django_capture_on_commit_callbacks
):
    job = make_job(queued=queued)
    name = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.cancel_import_job(job=job)
    assert (job.status, job.colour, job.file.name) == (ImportJob.Status.CANCELLED, "secondary", "")
    assert job.finished_at is not None and job.started_at is None
    assert not default_storage.exists(name)
    tasks.import_calls.delay(job.pk)  # the task was queued before the cancel: its claim finds nothing
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert not Call.objects.exists()
    assert not jobs.cancel_import_job(job=job)  # once


def test_a_cancelled_job_cannot_be_configured_any_more(jdoe):
    """The user cancelled in one tab and submits the mapping in another: nothing is queued."""
    job = make_job()
    assert jobs.cancel_import_job(job=job)
    assert not jobs.configure_import_job(job=job, columns=BASIC_COLUMNS, date_format="", mapping=None)
    assert ImportJob.objects.get(pk=job.pk).columns == {}


def test_a_worker_that_claimed_the_job_first_wins_over_the_cancel(jdoe):
    job = make_job(queued=True)
    stale = ImportJob.objects.get(pk=job.pk)  # the page the manager loaded: still pending
    assert stale.can_cancel
    assert jobs.run_import_job(job_id=job.pk) is not None  # the worker claims and runs it
    assert not jobs.cancel_import_job(job=stale)
    assert not jobs.delete_import_job(job=stale)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.DONE, 2)
    assert default_storage.exists(job.file.name)


def test_a_cancel_that_came_first_wins_over_the_worker(jdoe):
    job = make_job(queued=True)
    assert jobs.cancel_import_job(job=job)
    assert jobs.run_import_job(job_id=job.pk) is None
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.CANCELLED
    assert not Call.objects.exists()


def test_a_claimed_job_still_running_cannot_be_cancelled_or_deleted(jdoe):
    job = make_job(queued=True)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=job.created_at)
    assert not jobs.cancel_import_job(job=job)
    assert not jobs.delete_import_job(job=job)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING


@pytest.mark.parametrize("state", ["waiting", "queued", "cancelled", "refused at upload"])
def test_a_job_that_never_ran_can_be_deleted_with_its_file(jdoe, state, django_capture_on_commit_callbacks):
    job = make_job(queued=state == "queued")
    name = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        if state == "cancelled":
            jobs.cancel_import_job(job=job)
        if state == "refused at upload":
            jobs.refuse_import_job(job=job, message="The file is empty.")
        assert job.can_delete
        assert jobs.delete_import_job(job=job)
    assert not ImportJob.objects.filter(pk=job.pk).exists()
    assert not default_storage.exists(name)
    tasks.import_calls.delay(job.pk)  # a task still queued for it finds nothing
    assert not Call.objects.exists()


def test_a_job_that_ran_is_kept(jdoe):
    job = jobs.run_import_job(job_id=make_job(queued=True).pk)
    assert not (job.can_cancel or job.can_delete)
    assert not jobs.delete_import_job(job=job)
    assert ImportJob.objects.filter(pk=job.pk).exists()


# --- The views ---------------------------------------------------------------------------------------------


ACTIONS = ["imports:cancel", "imports:delete"]


@pytest.mark.parametrize("name", ACTIONS)
def test_get_is_not_allowed(client, manager, name):
    job = make_job()
    client.force_login(manager)
    assert client.get(reverse(name, args=[job.pk])).status_code == 405
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.PENDING


@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("role", ["agent", "lead", "reviewer"])
def test_other_roles_get_403_and_the_job_is_left_alone(client, request, name, role):
    job = make_job()
    client.force_login(request.getfixturevalue(role))
    assert client.post(reverse(name, args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert (job.status, bool(job.file)) == (ImportJob.Status.PENDING, True)
    assert default_storage.exists(job.file.name)


@pytest.mark.parametrize("name", ACTIONS)
def test_anonymous_is_sent_to_login(client, name):
    job = make_job()
    response = client.post(reverse(name, args=[job.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.PENDING


@pytest.mark.parametrize("name", ACTIONS)
def test_unknown_job_is_404(client, manager, name):
    client.force_login(manager)
    assert client.post(reverse(name, args=[999999])).status_code == 404


def test_a_manager_cancels_another_managers_waiting_job(client, manager, other_manager):
    job = make_job(user=other_manager)
    client.force_login(manager)
    response = client.post(reverse("imports:cancel", args=[job.pk]))
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.CANCELLED
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The import of “calls.csv” was cancelled; its file was removed."
    ]
    html = client.get(response["Location"]).content.decode()
    assert "Cancelled before it ran; nothing was imported." in html
    assert reverse("imports:delete", args=[job.pk]) in html  # a cancelled job may still be deleted
    assert reverse("imports:cancel", args=[job.pk]) not in html


def test_a_manager_deletes_a_waiting_job(client, manager):
    job = make_job()
    client.force_login(manager)
    response = client.post(reverse("imports:delete", args=[job.pk]))
    assert response["Location"] == reverse("imports:list")
    assert not ImportJob.objects.filter(pk=job.pk).exists()


def test_cancelling_or_deleting_a_job_that_ran_says_why_and_changes_nothing(client, manager, jdoe):
    job = jobs.run_import_job(job_id=make_job(queued=True).pk)
    client.force_login(manager)
    for name, message in (
        ("imports:cancel", "This import has already started or ended; it can no longer be cancelled."),
        ("imports:delete", "This import has already run; it can no longer be deleted."),
    ):
        response = client.post(reverse(name, args=[job.pk]))
        assert response["Location"] == reverse("imports:detail", args=[job.pk])
        assert message in [str(m) for m in get_messages(response.wsgi_request)]
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.DONE, 2)


def test_the_buttons_show_only_where_they_apply(client, manager, jdoe):
    waiting = make_job()
    ran = jobs.run_import_job(job_id=make_job(queued=True).pk)
    client.force_login(manager)
    listed = client.get(reverse("imports:list")).content.decode()
    assert reverse("imports:cancel", args=[waiting.pk]) in listed
    assert reverse("imports:delete", args=[waiting.pk]) in listed
    assert reverse("imports:cancel", args=[ran.pk]) not in listed
    assert reverse("imports:delete", args=[ran.pk]) not in listed
    detail = client.get(reverse("imports:detail", args=[waiting.pk])).content.decode()
    assert reverse("imports:cancel", args=[waiting.pk]) in detail and "data-confirm=" in detail
    ran_detail = client.get(reverse("imports:detail", args=[ran.pk])).content.decode()
    assert reverse("imports:cancel", args=[ran.pk]) not in ran_detail

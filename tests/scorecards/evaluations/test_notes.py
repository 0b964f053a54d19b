"""POST /evaluations/<pk>/notes/, POST|DELETE /evaluations/<pk>/notes/<note>/delete/: recording notes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scorecards.evaluations.services import start_evaluation
from scorecards.models import RecordingNote
from tests.factories import CallFactory, UserFactory, submitted

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def note(empty_draft, reviewer):
    return RecordingNote.objects.create(
        evaluation=empty_draft, at_seconds=Decimal(5), body="Greeting", author=reviewer
    )


def add_url(evaluation):
    return reverse("evaluations:notes", args=[evaluation.pk])


def delete_url(note):
    return reverse("evaluations:note_delete", args=[note.evaluation_id, note.pk])


def test_anonymous_is_sent_to_login(client, empty_draft, note):
    for url in (add_url(empty_draft), delete_url(note)):
        response = client.post(url, {"at_seconds": "1", "body": "x"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert RecordingNote.objects.count() == 1


def test_a_draft_is_not_there_for_its_agent(client, agent, empty_draft, note):
    """404 before 403: the agent may not see a draft, nor its notes."""
    client.force_login(agent)
    assert client.post(add_url(empty_draft), {"at_seconds": "1", "body": "x"}).status_code == 404
    assert client.post(delete_url(note)).status_code == 404
    assert RecordingNote.objects.count() == 1


def test_another_reviewers_draft_is_not_there_for_them(client, empty_draft, note):
    client.force_login(UserFactory(username="reviewer2", is_reviewer=True))
    assert client.post(add_url(empty_draft), {"at_seconds": "1", "body": "x"}).status_code == 404
    assert client.delete(delete_url(note)).status_code == 404
    assert RecordingNote.objects.count() == 1


def test_no_notes_on_a_submitted_evaluation(client, call, reviewer, default_version):
    evaluation = submitted(call, reviewer)
    client.force_login(reviewer)
    assert client.post(add_url(evaluation), {"at_seconds": "1", "body": "x"}).status_code == 403


def test_wrong_method(client, reviewer, empty_draft, note):
    client.force_login(reviewer)
    assert client.get(add_url(empty_draft)).status_code == 405
    assert client.get(delete_url(note)).status_code == 405


def test_add_with_htmx_returns_the_panel(client, reviewer, empty_draft):
    client.force_login(reviewer)
    response = client.post(
        add_url(empty_draft), {"at_seconds": "83.25", "body": "Interrupted the customer"}, **HTMX
    )
    assert response.status_code == 200
    note = RecordingNote.objects.get()
    assert (note.evaluation, note.at_seconds, note.body, note.author) == (
        empty_draft,
        Decimal("83.25"),
        "Interrupted the customer",
        reviewer,
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="notes-panel"' in html
    assert "Interrupted the customer" in html and "1:23" in html and 'data-seconds="83.25"' in html


def test_add_without_htmx_goes_back_to_the_form(client, reviewer, empty_draft):
    client.force_login(reviewer)
    response = client.post(add_url(empty_draft), {"at_seconds": "3", "body": "Hello"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "evaluations:edit", args=[empty_draft.pk]
    )
    assert RecordingNote.objects.filter(evaluation=empty_draft, body="Hello").exists()


@pytest.mark.parametrize(
    "data", [{"at_seconds": "-1", "body": "x"}, {"at_seconds": "2", "body": ""}, {"body": "x"}]
)
def test_invalid_note_is_shown_in_the_panel(client, reviewer, empty_draft, data):
    client.force_login(reviewer)
    response = client.post(add_url(empty_draft), data, **HTMX)
    assert response.status_code == 200
    assert response.context["note_form"].errors
    assert "invalid-feedback" in response.content.decode()
    assert not RecordingNote.objects.exists()


@pytest.mark.parametrize("method", ["post", "delete"])
def test_delete(client, reviewer, note, method):
    client.force_login(reviewer)
    response = getattr(client, method)(delete_url(note), **HTMX)
    assert response.status_code == 200
    assert not RecordingNote.objects.exists()
    assert "No notes yet." in response.content.decode()


def test_a_note_of_another_evaluation_is_404(client, reviewer, empty_draft, note, call_type):
    other = start_evaluation(call=CallFactory(call_type=call_type), reviewer=reviewer)
    client.force_login(reviewer)
    url = reverse("evaluations:note_delete", args=[other.pk, note.pk])
    assert client.post(url).status_code == 404
    assert RecordingNote.objects.filter(pk=note.pk).exists()

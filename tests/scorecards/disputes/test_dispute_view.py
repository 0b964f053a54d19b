"""GET/POST /feedback/evaluations/<pk>/dispute/: the agent ticks criteria, gives reasons, sees the reviewer's
answers and comments beside them; refused after the window; only the evaluated agent."""

from decimal import Decimal

import pytest
from django.urls import reverse

from qa_center.people.models import Notification
from scorecards.models import Dispute, Evaluation, RecordingNote
from tests.factories import criterion, evaluation_of

pytestmark = pytest.mark.django_db

# session, user, the evaluation (with its call), answers, the reviewer's notes, unread notifications
QUERIES_OF_THE_DISPUTE_FORM = 6


def url(evaluation) -> str:
    return reverse("feedback:dispute", args=[evaluation.pk])


def test_anonymous_is_sent_to_login(client, evaluation):
    for response in (client.get(url(evaluation)), client.post(url(evaluation))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_wrong_method(client, agent, evaluation):
    client.force_login(agent)
    assert client.put(url(evaluation)).status_code == 405


def test_another_agent_gets_404(client, other_agent, evaluation):
    client.force_login(other_agent)
    assert client.get(url(evaluation)).status_code == 404
    assert client.post(url(evaluation)).status_code == 404


@pytest.mark.parametrize("who", ["lead", "reviewer", "manager"])
def test_a_lead_or_anyone_but_the_agent_gets_403(client, request, evaluation, default_version, who):
    client.force_login(request.getfixturevalue(who))
    greeting = criterion(default_version, "Greeting")
    assert client.get(url(evaluation)).status_code == 403
    data = {f"dispute_{greeting.pk}": "on", f"reason_{greeting.pk}": "I did."}
    assert client.post(url(evaluation), data).status_code == 403
    assert not Dispute.objects.exists()


def test_form_shows_each_criterion_with_the_reviewers_answer_and_comment(client, agent, evaluation):
    client.force_login(agent)
    response = client.get(url(evaluation))
    assert response.status_code == 200
    html = response.content.decode()
    table = html.split('id="dispute-table"')[1]
    for title in ("Greeting", "Verified identity", "Diagnosed the issue", "Tone", "Offered a callback"):
        assert title in table
    assert "No (0 / 1 points)" in table
    assert "Excellent (3 / 3 points)" in table
    assert "No greeting in the first 5 seconds." in table
    assert 'id="dispute-refused"' not in html


def test_agent_disputes_one_criterion(
    client, agent, evaluation, default_version, manager, django_capture_on_commit_callbacks
):
    greeting = criterion(default_version, "Greeting")
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(evaluation), {f"dispute_{greeting.pk}": "on", f"reason_{greeting.pk}": "I greeted at 0:03."}
        )
    assert response.status_code == 302 and response["Location"] == reverse("feedback:mine")
    dispute = Dispute.objects.get()
    assert list(dispute.items.values_list("criterion", "reason")) == [(greeting.pk, "I greeted at 0:03.")]
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.DISPUTED
    assert Notification.objects.filter(recipient=manager).count() == 1
    page = client.get(reverse("feedback:mine")).content.decode()
    assert 'data-status="disputed"' in page


def test_a_reason_is_required_for_a_ticked_criterion(client, agent, evaluation, default_version):
    greeting = criterion(default_version, "Greeting")
    client.force_login(agent)
    response = client.post(url(evaluation), {f"dispute_{greeting.pk}": "on", f"reason_{greeting.pk}": " "})
    assert response.status_code == 200
    assert "Say why this answer is wrong." in response.content.decode()
    assert not Dispute.objects.exists()


def test_a_reason_without_the_tick_is_pointed_out(client, agent, evaluation, default_version):
    tone = criterion(default_version, "Tone")
    client.force_login(agent)
    response = client.post(url(evaluation), {f"reason_{tone.pk}": "It was friendly"})
    assert "Tick the criterion to dispute it" in response.content.decode()
    assert not Dispute.objects.exists()


def test_nothing_ticked(client, agent, evaluation):
    client.force_login(agent)
    response = client.post(url(evaluation), {})
    assert "Choose at least one criterion" in response.content.decode()
    assert not Dispute.objects.exists()


def test_after_the_window_the_page_explains_and_a_post_is_refused(
    client, agent, reviewer, default_version, settings
):
    settings.QA_DISPUTE_WINDOW_DAYS = 7
    late = evaluation_of(agent, reviewer=reviewer, version=default_version, days_ago=9)
    greeting = criterion(default_version, "Greeting")
    client.force_login(agent)
    page = client.get(url(late)).content.decode()
    assert 'id="dispute-refused"' in page and "within 7 days" in page
    assert 'id="dispute-form"' not in page
    response = client.post(url(late), {f"dispute_{greeting.pk}": "on", f"reason_{greeting.pk}": "Late"})
    assert response.status_code == 200 and "within 7 days" in response.content.decode()
    assert not Dispute.objects.exists()
    assert Evaluation.objects.get(pk=late.pk).status == Evaluation.Status.SUBMITTED


def test_already_disputed_is_explained(client, agent, evaluation, default_version):
    greeting = criterion(default_version, "Greeting")
    client.force_login(agent)
    data = {f"dispute_{greeting.pk}": "on", f"reason_{greeting.pk}": "Once"}
    client.post(url(evaluation), data)
    response = client.post(url(evaluation), data)
    assert "already has an open dispute" in response.content.decode()
    assert Dispute.objects.count() == 1


def test_the_evidence_is_beside_the_form(client, agent, reviewer, evaluation):
    """The agent disputes with the call in front of them: its recording, transcript and the reviewer's notes
    (read-only: no note form, no delete button)."""
    call = evaluation.call
    call.transcript = "Agent: Good morning, you are through to support."
    call.recording_file = "recordings/evidence.mp3"
    call.save(update_fields=["transcript", "recording_file"])
    # Notes are written while the evaluation was a draft.
    RecordingNote.objects.create(
        evaluation=evaluation, at_seconds=Decimal("83.5"), body="Long silence", author=reviewer
    )
    client.force_login(agent)
    page = client.get(url(evaluation)).content.decode()
    assert 'id="dispute-evidence"' in page
    assert reverse("calls:recording", args=[call.pk]) in page
    assert "you are through to support" in page
    assert "Long silence" in page and 'data-seconds="83.50"' in page and "1:23" in page
    assert 'id="note-form"' not in page and "Delete this note" not in page
    # Each reason box is tied to its tick box, for the script that opens it when ticked.
    pk = evaluation.answers.first().criterion_id
    assert f'data-reason-for="id_dispute_{pk}"' in page


@pytest.mark.parametrize("notes", [1, 8])
def test_query_count_does_not_grow_with_the_notes(
    client, agent, reviewer, evaluation, notes, django_assert_num_queries
):
    for n in range(notes):
        RecordingNote.objects.create(
            evaluation=evaluation, at_seconds=Decimal(n), body=f"Note {n}", author=reviewer
        )
    client.force_login(agent)
    with django_assert_num_queries(QUERIES_OF_THE_DISPUTE_FORM):
        response = client.get(url(evaluation))
    assert len(response.context["notes"]) == notes

"""GET/POST /feedback/disputes/<pk>/: the QA manager sees the disputed criteria with the agent's reasons and
the current answers, previews the new score, upholds or adjusts; the history records it. QA managers only."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qa_center.people.models import Notification
from scorecards.disputes import services as disputes
from scorecards.models import Answer, Dispute, Evaluation, EvaluationChange, RecordingNote
from tests.factories import criterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute(evaluation, agent, default_version):
    return disputes.open_dispute(
        evaluation=evaluation,
        by=agent,
        items=[
            (criterion(default_version, "Greeting"), "I greeted at 0:03."),
            (criterion(default_version, "Tone"), "The customer thanked me."),
        ],
    )


def url(dispute) -> str:
    return reverse("feedback:resolve", args=[dispute.pk])


def field(version, title) -> str:
    return f"answer_{criterion(version, title).pk}"


def test_anonymous_is_sent_to_login(client, dispute):
    for response in (client.get(url(dispute)), client.post(url(dispute))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["agent", "other_agent", "lead", "reviewer"])
def test_only_qa_managers(client, request, dispute, default_version, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(dispute)).status_code == 403
    data = {
        "decision": "upheld",
        "note": "x",
        field(default_version, "Greeting"): "0",
        field(default_version, "Tone"): "0",
    }
    assert client.post(url(dispute), data).status_code == 403
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.OPEN


def test_wrong_method_and_missing_dispute(client, manager, dispute):
    client.force_login(manager)
    assert client.put(url(dispute)).status_code == 405
    assert client.get(reverse("feedback:resolve", args=[dispute.pk + 100])).status_code == 404


def test_page_shows_reasons_and_current_answers(client, manager, dispute, default_version):
    client.force_login(manager)
    response = client.get(url(dispute))
    assert response.status_code == 200
    html = response.content.decode()
    table = html.split('id="disputed-criteria"')[1].split("</table>")[0]
    assert "I greeted at 0:03." in table and "The customer thanked me." in table
    assert "No (0 / 1 points)" in table and "Excellent (3 / 3 points)" in table
    assert "Verified identity" not in table  # not disputed
    form = response.context["form"]
    assert form[field(default_version, "Greeting")].value() == "0"
    assert 'id="preview-current">86.67%' in html


def test_the_evidence_is_beside_the_decision(client, manager, reviewer, dispute, evaluation):
    call = evaluation.call
    call.transcript = "Customer: I still have no refund."
    call.save(update_fields=["transcript"])
    # Notes are written while the evaluation was a draft.
    RecordingNote.objects.create(
        evaluation=evaluation, at_seconds=Decimal("12"), body="Greeting here", author=reviewer
    )
    client.force_login(manager)
    page = client.get(url(dispute)).content.decode()
    assert 'id="dispute-evidence"' in page
    assert "I still have no refund." in page
    assert "Greeting here" in page and "0:12" in page
    assert 'id="note-form"' not in page


def test_preview_answers_the_new_score_to_htmx_and_saves_nothing(
    client, manager, dispute, default_version, evaluation
):
    tone = criterion(default_version, "Tone")
    client.force_login(manager)
    data = {
        "preview": "1",
        field(default_version, "Greeting"): "1",
        field(default_version, "Tone"): f"{tone.options.get(label='Excellent').pk}",
    }
    response = client.post(url(dispute), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the fragment only
    assert 'id="preview-score">' in html and "100.00%" in html
    assert Answer.objects.get(evaluation=evaluation, criterion__title="Greeting").value == 0
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.DISPUTED


def test_preview_writes_nothing_not_even_in_a_rolled_back_transaction(
    client, manager, dispute, default_version
):
    tone = criterion(default_version, "Tone")
    client.force_login(manager)
    data = {
        "preview": "1",
        field(default_version, "Greeting"): "1",
        field(default_version, "Tone"): f"{tone.options.get(label='Excellent').pk}",
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(dispute), data, HTTP_HX_REQUEST="true")
    assert "100.00%" in response.content.decode()
    statements = [query["sql"].lstrip().split(None, 1)[0].upper() for query in queries.captured_queries]
    assert statements and set(statements) <= {"SELECT"}, statements


def test_preview_of_an_invalid_answer_says_so(client, manager, dispute, default_version):
    client.force_login(manager)
    response = client.post(url(dispute), {"preview": "1", field(default_version, "Greeting"): "9"})
    assert 'id="preview-error"' in response.content.decode()


def test_upheld(
    client, manager, dispute, default_version, evaluation, django_capture_on_commit_callbacks, mailoutbox
):
    tone = criterion(default_version, "Tone")
    client.force_login(manager)
    data = {
        "decision": "upheld",
        "note": "The greeting came late.",
        field(default_version, "Greeting"): "0",
        field(default_version, "Tone"): f"{tone.options.get(label='Excellent').pk}",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(dispute), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:history", args=[evaluation.pk])
    dispute.refresh_from_db()
    evaluation.refresh_from_db()
    assert dispute.status == Dispute.Status.UPHELD and dispute.resolution_note == "The greeting came late."
    assert evaluation.status == Evaluation.Status.RESOLVED and evaluation.score == Decimal("86.66667")
    history = reverse("feedback:history", args=[evaluation.pk])
    assert (
        Notification.objects.filter(url=history, recipient__username__in=["agent", "reviewer"]).count() == 2
    )
    assert len(mailoutbox) == 2


def test_adjusted_changes_the_answer_and_the_history_shows_it(
    client, manager, dispute, default_version, evaluation
):
    tone = criterion(default_version, "Tone")
    client.force_login(manager)
    data = {
        "decision": "adjusted",
        "note": "The greeting is at 0:03.",
        field(default_version, "Greeting"): "1",
        field(default_version, "Tone"): f"{tone.options.get(label='Excellent').pk}",
    }
    response = client.post(url(dispute), data, follow=True)
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("100") and evaluation.status == Evaluation.Status.RESOLVED
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.ADJUSTED
    html = response.content.decode()
    assert "No (0 / 1 points)" in html and "Yes (1 / 1 points)" in html
    assert "86.67% · passed" in html and "100.00% · passed" in html
    # Only the changed answer is recorded (Tone stayed Excellent).
    assert list(
        EvaluationChange.objects.filter(evaluation=evaluation, action="answer_adjusted").values_list(
            "criterion__title", flat=True
        )
    ) == ["Greeting"]


@pytest.mark.parametrize(
    ("decision", "greeting", "message"),
    [
        ("adjusted", "0", "Change at least one answer"),
        ("upheld", "1", "keeps its answers"),
        ("", "0", "This field is required"),
        ("adjusted", "5", "Select a valid choice"),
    ],
)
def test_invalid_submissions_change_nothing(
    client, manager, dispute, default_version, evaluation, decision, greeting, message
):
    tone = criterion(default_version, "Tone")
    client.force_login(manager)
    data = {
        "decision": decision,
        "note": "Because.",
        field(default_version, "Greeting"): greeting,
        field(default_version, "Tone"): f"{tone.options.get(label='Excellent').pk}",
    }
    response = client.post(url(dispute), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.OPEN
    assert Evaluation.objects.get(pk=evaluation.pk).score == Decimal("86.66667")


def test_a_resolved_dispute_is_read_only(client, manager, dispute, default_version):
    disputes.resolve_dispute(dispute=dispute, by=manager, decision="upheld", note="Settled.")
    client.force_login(manager)
    html = client.get(url(dispute)).content.decode()
    assert 'id="resolution-note">Settled.' in html
    assert "answer-select" not in html
    response = client.post(
        url(dispute), {"decision": "adjusted", "note": "x", field(default_version, "Greeting"): "1"}
    )
    assert "already been resolved" in response.content.decode()
    assert Answer.objects.get(evaluation=dispute.evaluation, criterion__title="Greeting").value == 0


@pytest.mark.parametrize(
    "titles",
    [["Greeting"], ["Greeting", "Verified identity", "Diagnosed the issue", "Tone", "Offered a callback"]],
)
def test_query_count_does_not_grow_with_disputed_criteria(
    client, manager, agent, evaluation, default_version, titles, django_assert_num_queries
):
    dispute = disputes.open_dispute(
        evaluation=evaluation,
        by=agent,
        items=[(criterion(default_version, title), "Reason") for title in titles],
    )
    client.force_login(manager)
    # session, user, dispute, items, their options, answers, the reviewer's notes, unread notifications
    with django_assert_num_queries(8):
        response = client.get(url(dispute))
    assert len(response.context["rows"]) == len(titles)

"""The dispute lifecycle in scorecards/disputes.py: acknowledge, open within the window, resolve (upheld or
adjusted with the score recomputed), the history of every step, and who is notified."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from qa_center.people.models import Notification
from scorecards.disputes import services as disputes
from scorecards.models import Answer, Dispute, Evaluation, EvaluationChange
from tests.factories import (
    FULL_MARKS,
    UserFactory,
    calibrated,
    criterion,
    evaluation_of,
    make_published_version,
)

pytestmark = pytest.mark.django_db


def open_one(evaluation, agent, version, *, title="Greeting", reason="I greeted the customer at 0:03."):
    return disputes.open_dispute(evaluation=evaluation, by=agent, items=[(criterion(version, title), reason)])


def history(evaluation) -> list[tuple]:
    """What the dispute services wrote in the evaluation's history. The submission's own row (written by
    submit_evaluation, tested with the evaluation services) is left out."""
    return list(
        EvaluationChange.objects.filter(evaluation=evaluation)
        .exclude(action=EvaluationChange.Action.SUBMITTED)
        .order_by("changed_at", "id")
        .values_list("action", "criterion__title", "before", "after", "note", "changed_by__username")
    )


# --- Acknowledge -------------------------------------------------------------------------------------------


def test_acknowledge_sets_status_time_and_history(evaluation, agent):
    disputes.acknowledge(evaluation=evaluation, by=agent)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.ACKNOWLEDGED
    assert evaluation.acknowledged_at is not None
    assert history(evaluation) == [
        (
            EvaluationChange.Action.ACKNOWLEDGED,
            None,
            {"status": "submitted"},
            {"status": "acknowledged"},
            "",
            "agent",
        )
    ]


def test_acknowledge_twice_is_refused_and_writes_no_second_change(evaluation, agent):
    disputes.acknowledge(evaluation=evaluation, by=agent)
    with pytest.raises(ValidationError):
        disputes.acknowledge(evaluation=evaluation, by=agent)
    assert len(history(evaluation)) == 1


def test_a_stale_copy_cannot_acknowledge_a_disputed_evaluation(evaluation, agent, default_version):
    stale = Evaluation.objects.get(pk=evaluation.pk)
    open_one(evaluation, agent, default_version)
    with pytest.raises(ValidationError):
        disputes.acknowledge(evaluation=stale, by=agent)
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.DISPUTED


@pytest.mark.parametrize("who", ["lead", "reviewer", "manager", "other_agent"])
def test_only_the_evaluated_agent_acknowledges(request, evaluation, who):
    with pytest.raises(PermissionDenied):
        disputes.acknowledge(evaluation=evaluation, by=request.getfixturevalue(who))
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.SUBMITTED


# --- Opening a dispute -------------------------------------------------------------------------------------


def test_open_within_the_window_with_per_criterion_reasons(
    evaluation, agent, default_version, manager, django_capture_on_commit_callbacks, mailoutbox
):
    other_manager = UserFactory(username="manager2", is_qa_manager=True)
    UserFactory(username="retired-manager", is_qa_manager=True, is_active=False)
    greeting, tone = criterion(default_version, "Greeting"), criterion(default_version, "Tone")
    with django_capture_on_commit_callbacks(execute=True):
        dispute = disputes.open_dispute(
            evaluation=evaluation,
            by=agent,
            items=[(greeting, "  I greeted at 0:03.  "), (tone, "The customer thanked me twice.")],
        )

    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DISPUTED
    assert dispute.status == Dispute.Status.OPEN and dispute.opened_by == agent
    assert sorted(dispute.items.values_list("criterion__title", "reason")) == [
        ("Greeting", "I greeted at 0:03."),
        ("Tone", "The customer thanked me twice."),
    ]
    assert history(evaluation) == [
        (
            EvaluationChange.Action.DISPUTE_OPENED,
            None,
            {"status": "submitted"},
            {"status": "disputed"},
            "",
            "agent",
        ),
        (EvaluationChange.Action.CRITERION_DISPUTED, "Greeting", None, None, "I greeted at 0:03.", "agent"),
        (
            EvaluationChange.Action.CRITERION_DISPUTED,
            "Tone",
            None,
            None,
            "The customer thanked me twice.",
            "agent",
        ),
    ]
    # Every active QA manager, in the app and by email.
    url = reverse("feedback:resolve", args=[dispute.pk])
    notified = Notification.objects.filter(url=url).values_list("recipient__username", flat=True)
    assert sorted(notified) == ["manager", "manager2"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, other_manager.email])
    assert evaluation.call.external_id in mailoutbox[0].subject
    assert url in mailoutbox[0].body


def test_nothing_is_sent_when_the_transaction_rolls_back(
    evaluation, agent, default_version, manager, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        open_one(evaluation, agent, default_version)
        raise RuntimeError("rolled back")
    assert callbacks == [] and mailoutbox == []
    assert not Dispute.objects.exists()
    assert not Notification.objects.filter(recipient=manager).exists()
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.SUBMITTED


def test_refused_after_the_window_with_a_clear_message(agent, reviewer, default_version, settings):
    settings.QA_DISPUTE_WINDOW_DAYS = 7
    late = evaluation_of(agent, reviewer=reviewer, version=default_version, days_ago=7.01)
    with pytest.raises(ValidationError) as caught:
        open_one(late, agent, default_version)
    message = caught.value.messages[0]
    assert "within 7 days" in message and "ended on" in message
    late.refresh_from_db()
    assert late.status == Evaluation.Status.SUBMITTED
    assert not Dispute.objects.exists() and history(late) == []


def test_the_window_is_configurable(agent, reviewer, default_version, settings):
    settings.QA_DISPUTE_WINDOW_DAYS = 30
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version, days_ago=20)
    open_one(evaluation, agent, default_version)
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.DISPUTED


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Evaluation.Status.ACKNOWLEDGED, "acknowledged"),
        (Evaluation.Status.DISPUTED, "already has an open dispute"),
        (Evaluation.Status.RESOLVED, "already been resolved"),
        (Evaluation.Status.DRAFT, "Only a submitted evaluation"),
    ],
)
def test_only_a_submitted_evaluation_can_be_disputed(
    agent, reviewer, manager, default_version, status, words
):
    evaluation = evaluation_of(
        agent, reviewer=reviewer, version=default_version, status=status, manager=manager
    )
    disputes_before = Dispute.objects.count()  # disputed and resolved ones got there through a dispute
    with pytest.raises(ValidationError, match=words):
        open_one(evaluation, agent, default_version)
    assert Dispute.objects.count() == disputes_before


def test_calibration_evaluations_cannot_be_disputed(agent, reviewer, default_version, calibration_session):
    evaluation = calibrated(calibration_session, reviewer, FULL_MARKS)
    with pytest.raises(ValidationError, match="Calibration"):
        open_one(evaluation, agent, default_version)


def test_at_least_one_criterion_each_with_a_reason(evaluation, agent, default_version):
    with pytest.raises(ValidationError, match="at least one"):
        disputes.open_dispute(evaluation=evaluation, by=agent, items=[])
    with pytest.raises(ValidationError, match="reason"):
        open_one(evaluation, agent, default_version, reason="   ")
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.SUBMITTED


def test_a_criterion_of_another_scorecard_is_refused(evaluation, agent, default_version):
    other = make_published_version()  # another call type's scorecard
    with pytest.raises(ValidationError, match="criteria of this evaluation"):
        disputes.open_dispute(
            evaluation=evaluation, by=agent, items=[(criterion(other, "Greeting"), "Not mine")]
        )
    assert not Dispute.objects.exists()


@pytest.mark.parametrize("who", ["lead", "reviewer", "manager", "other_agent"])
def test_only_the_evaluated_agent_disputes(request, evaluation, default_version, who):
    with pytest.raises(PermissionDenied):
        open_one(evaluation, request.getfixturevalue(who), default_version)


def test_one_open_dispute_at_a_time(evaluation, agent, default_version):
    stale = Evaluation.objects.get(pk=evaluation.pk)
    open_one(evaluation, agent, default_version)
    with pytest.raises(ValidationError):
        open_one(stale, agent, default_version, title="Tone")  # a second tab still showing "submitted"
    assert Dispute.objects.count() == 1


# --- Resolving ---------------------------------------------------------------------------------------------


def test_upheld_keeps_the_score_and_writes_the_resolution(
    evaluation, agent, reviewer, default_version, manager, django_capture_on_commit_callbacks, mailoutbox
):
    dispute = open_one(evaluation, agent, default_version)
    EvaluationChange.objects.all().delete()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        disputes.resolve_dispute(
            dispute=dispute, by=manager, decision="upheld", note="The greeting came after the script's limit."
        )

    evaluation.refresh_from_db()
    dispute.refresh_from_db()
    assert evaluation.status == Evaluation.Status.RESOLVED
    assert evaluation.score == Decimal("86.66667") and evaluation.passed is True
    assert Answer.objects.get(evaluation=evaluation, criterion__title="Greeting").value == 0
    assert (dispute.status, dispute.resolved_by, dispute.resolution_note) == (
        Dispute.Status.UPHELD,
        manager,
        "The greeting came after the script's limit.",
    )
    assert dispute.resolved_at is not None
    assert history(evaluation) == [
        (
            EvaluationChange.Action.DISPUTE_RESOLVED,
            None,
            {"status": "disputed"},
            {"status": "resolved", "decision": "upheld"},
            "The greeting came after the script's limit.",
            "manager",
        )
    ]
    # The reviewer and the agent are told, in the app and by email.
    url = reverse("feedback:history", args=[evaluation.pk])
    assert sorted(Notification.objects.filter(url=url).values_list("recipient__username", flat=True)) == [
        "agent",
        "reviewer",
    ]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([agent.email, reviewer.email])
    assert "The greeting came after the script's limit." in mailoutbox[0].body


def test_adjusted_changes_the_answer_recomputes_the_score_and_shows_before_and_after(
    evaluation, agent, default_version, manager
):
    dispute = open_one(evaluation, agent, default_version)
    greeting = criterion(default_version, "Greeting")
    EvaluationChange.objects.all().delete()

    disputes.resolve_dispute(
        dispute=dispute,
        by=manager,
        decision="adjusted",
        note="The greeting is at 0:03.",
        adjustments={greeting.pk: {"value": 1}},
    )

    evaluation.refresh_from_db()
    answer = Answer.objects.get(evaluation=evaluation, criterion=greeting)
    assert (answer.value, answer.points, answer.max_points) == (1, Decimal("1"), Decimal("1"))
    assert evaluation.score == Decimal("100") and evaluation.passed is True
    assert evaluation.status == Evaluation.Status.RESOLVED
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.ADJUSTED

    rows = history(evaluation)
    assert [row[0] for row in rows] == [
        EvaluationChange.Action.ANSWER_ADJUSTED,
        EvaluationChange.Action.SCORE_CHANGED,
        EvaluationChange.Action.DISPUTE_RESOLVED,
    ]
    adjusted = rows[0]
    assert adjusted[1] == "Greeting"
    assert (adjusted[2]["value"], adjusted[2]["points"]) == (0, "0.00")
    assert (adjusted[3]["value"], adjusted[3]["points"], adjusted[3]["max_points"]) == (1, "1.00", "1.00")
    assert adjusted[4] == "The greeting is at 0:03."
    score_row = rows[1]
    assert score_row[2] == {
        "score": "86.66667",
        "score_before_autofail": None,
        "auto_failed": False,
        "passed": True,
    }
    assert score_row[3]["score"] == "100.00000" and score_row[3]["passed"] is True
    assert rows[2][3] == {"status": "resolved", "decision": "adjusted"}


def test_adjusting_a_critical_criterion_to_a_fail_auto_fails_the_evaluation(
    agent, reviewer, default_version, manager
):
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version)  # 100%
    dispute = open_one(evaluation, agent, default_version, title="Tone", reason="It was excellent.")
    disputes.resolve_dispute(
        dispute=dispute,
        by=manager,
        decision="adjusted",
        note="Tone was poor at the end.",
        adjustments={
            criterion(default_version, "Tone").pk: {
                "option": criterion(default_version, "Tone").options.get(label="Poor").pk
            }
        },
    )
    evaluation.refresh_from_db()
    # Resolution: (2×1 + 1×0 + 1×1) ÷ 4 = 0.75 → (40 × 1 + 60 × 0.75) ÷ 100 = 85%: still a pass at 85.
    assert evaluation.score == Decimal("85") and evaluation.passed is True
    tone_row = EvaluationChange.objects.get(
        evaluation=evaluation, action=EvaluationChange.Action.ANSWER_ADJUSTED
    )
    assert (tone_row.before["option_label"], tone_row.after["option_label"]) == ("Excellent", "Poor")
    assert tone_row.after["points"] == "0.00"


def test_na_adjustment_only_where_allowed(evaluation, agent, default_version, manager):
    dispute = disputes.open_dispute(
        evaluation=evaluation,
        by=agent,
        items=[
            (criterion(default_version, "Greeting"), "n/a"),
            (criterion(default_version, "Offered a callback"), "No need"),
        ],
    )
    with pytest.raises(ValidationError, match="N/A is not allowed"):
        disputes.resolve_dispute(
            dispute=dispute,
            by=manager,
            decision="adjusted",
            note="x",
            adjustments={criterion(default_version, "Greeting").pk: {"is_na": True}},
        )
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.DISPUTED
    disputes.resolve_dispute(
        dispute=Dispute.objects.get(pk=dispute.pk),
        by=manager,
        decision="adjusted",
        note="No callback was needed.",
        adjustments={criterion(default_version, "Offered a callback").pk: {"is_na": True}},
    )
    answer = Answer.objects.get(evaluation=evaluation, criterion__title="Offered a callback")
    assert answer.is_na and answer.points is None
    # Resolution without the callback: (2×1 + 1×1) ÷ 3 = 1; the score does not move from 86.667%.
    assert Evaluation.objects.get(pk=evaluation.pk).score == Decimal("86.66667")
    assert not EvaluationChange.objects.filter(
        evaluation=evaluation, action=EvaluationChange.Action.SCORE_CHANGED
    ).exists()


@pytest.mark.parametrize(
    ("decision", "adjustments", "words"),
    [
        ("adjusted", {}, "No answer was changed"),
        ("upheld", {"Greeting": {"value": 1}}, "keeps its answers"),
        ("maybe", {}, "upheld or adjusted"),
        ("adjusted", {"Greeting": {"value": 7}}, "from 0 to 1"),
        ("adjusted", {"Greeting": {"value": 0}}, "No answer was changed"),
        ("adjusted", {"Tone": {"value": 1}}, "Only the disputed criteria"),
        ("adjusted", {"Greeting": {"option": 1}}, "not a valid answer"),
        ("adjusted", {"Tone": {"option": 0}}, "Only the disputed criteria"),
    ],
)
def test_invalid_resolutions_change_nothing(
    evaluation, agent, default_version, manager, decision, adjustments, words
):
    dispute = open_one(evaluation, agent, default_version)
    before = history(evaluation)
    by_id = {criterion(default_version, title).pk: change for title, change in adjustments.items()}
    with pytest.raises(ValidationError, match=words):
        disputes.resolve_dispute(
            dispute=dispute, by=manager, decision=decision, note="Because.", adjustments=by_id
        )
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DISPUTED
    assert evaluation.score == Decimal("86.66667")
    assert Answer.objects.get(evaluation=evaluation, criterion__title="Greeting").value == 0
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.OPEN
    assert history(evaluation) == before


def test_a_note_is_required(evaluation, agent, default_version, manager):
    dispute = open_one(evaluation, agent, default_version)
    with pytest.raises(ValidationError, match="Explain"):
        disputes.resolve_dispute(dispute=dispute, by=manager, decision="upheld", note="  ")


@pytest.mark.parametrize("who", ["agent", "lead", "reviewer"])
def test_only_qa_managers_resolve(request, evaluation, agent, default_version, who):
    dispute = open_one(evaluation, agent, default_version)
    with pytest.raises(PermissionDenied):
        disputes.resolve_dispute(
            dispute=dispute, by=request.getfixturevalue(who), decision="upheld", note="Fine."
        )
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.OPEN


def test_a_dispute_is_resolved_once(evaluation, agent, default_version, manager):
    dispute = open_one(evaluation, agent, default_version)
    stale = Dispute.objects.get(pk=dispute.pk)
    disputes.resolve_dispute(dispute=dispute, by=manager, decision="upheld", note="Fine.")
    with pytest.raises(ValidationError, match="already been resolved"):
        disputes.resolve_dispute(dispute=stale, by=manager, decision="upheld", note="Again.")
    assert EvaluationChange.objects.filter(action=EvaluationChange.Action.DISPUTE_RESOLVED).count() == 1


def test_after_resolution_the_evaluation_cannot_be_disputed_again(
    evaluation, agent, default_version, manager
):
    dispute = open_one(evaluation, agent, default_version)
    disputes.resolve_dispute(dispute=dispute, by=manager, decision="upheld", note="Fine.")
    evaluation.refresh_from_db()
    with pytest.raises(ValidationError, match="already been resolved"):
        open_one(evaluation, agent, default_version)


def test_preview_computes_the_new_score_and_keeps_nothing(evaluation, agent, default_version, manager):
    dispute = open_one(evaluation, agent, default_version)
    greeting = criterion(default_version, "Greeting")
    preview = disputes.preview_resolution(dispute=dispute, adjustments={greeting.pk: {"value": 1}})
    assert preview.score == Decimal("100") and preview.passed is True
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("86.66667")
    assert Answer.objects.get(evaluation=evaluation, criterion=greeting).value == 0
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.DISPUTED


def test_dispute_refusal_reads_the_deadline(agent, reviewer, default_version, settings):
    settings.QA_DISPUTE_WINDOW_DAYS = 7
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version, days_ago=3)
    assert disputes.dispute_refusal(evaluation=evaluation) is None
    deadline = disputes.dispute_deadline(evaluation)
    assert deadline == evaluation.submitted_at + timedelta(days=7)
    assert disputes.dispute_refusal(evaluation=evaluation, now=deadline) is None
    assert "ended on" in disputes.dispute_refusal(evaluation=evaluation, now=deadline + timedelta(seconds=1))


def test_a_choice_takes_only_its_own_options(agent, reviewer, default_version, manager):
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version)
    tone = criterion(default_version, "Tone")
    dispute = open_one(evaluation, agent, default_version, title="Tone", reason="Friendly.")
    foreign = (
        make_published_version().sections.get(title="Resolution").criteria.get(title="Tone").options.first()
    )
    with pytest.raises(ValidationError, match="Choose one of the options"):
        disputes.resolve_dispute(
            dispute=dispute,
            by=manager,
            decision="adjusted",
            note="x",
            adjustments={tone.pk: {"option": foreign.pk}},
        )
    assert Answer.objects.get(evaluation=evaluation, criterion=tone).option.label == "Excellent"

"""The audit trail records every write path (qa_center.history): each service that writes an audited model
leaves a history row naming the person who acted, including the writes that send no signal (conditional
UPDATEs, bulk_create, bulk_update, the draft's answer upsert)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from coaching.sessions import services as coaching
from qa_center.history import acting_as
from scorecards.builder import services as builder
from scorecards.builder.services import OptionInput
from scorecards.disputes import services as disputes
from scorecards.evaluations.services import save_draft, submit_evaluation
from scorecards.models import (
    Answer,
    Criterion,
    CriterionOption,
    Dispute,
    DisputeItem,
    Evaluation,
    Scorecard,
    ScorecardVersion,
    Section,
)
from tests.factories import (
    FULL_MARKS,
    CallTypeFactory,
    answers_by_id,
    book,
    coaching_session,
    criterion,
    draft,
    evaluation_of,
    make_published_version,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def default_version(call_type):
    return make_published_version(call_type)


def last(model, **filters):
    return model.history.filter(**filters).order_by("-history_id").first()


# --- Scorecards --------------------------------------------------------------------------------------------


def test_creating_a_scorecard_records_it_and_its_draft(manager):
    scorecard = builder.create_scorecard(call_type=CallTypeFactory(), name="Sales", by=manager)
    assert last(Scorecard, id=scorecard.pk).history_user == manager
    assert last(ScorecardVersion, scorecard_id=scorecard.pk).history_user == manager


def test_a_new_draft_records_every_copied_section_criterion_and_option(call_type, manager):
    published = make_published_version(call_type)
    draft_version = builder.start_draft(scorecard=published.scorecard, by=manager)
    sections = Section.history.filter(version_id=draft_version.pk, history_type="+")
    criteria = Criterion.history.filter(section_id__in=draft_version.sections.values("pk"), history_type="+")
    options = CriterionOption.history.filter(
        criterion_id__in=Criterion.objects.filter(section__version=draft_version).values("pk"),
        history_type="+",
    )
    assert sections.count() == 2 and criteria.count() == 5 and options.count() == 3
    assert {row.history_user for row in [*sections, *criteria, *options]} == {manager}


def test_publishing_records_the_retired_version(call_type, manager):
    published = make_published_version(call_type)
    draft_version = builder.start_draft(scorecard=published.scorecard, by=manager)
    builder.publish(version=draft_version, by=manager)
    retired = last(ScorecardVersion, id=published.pk)
    assert (retired.status, retired.history_type, retired.history_user) == ("retired", "~", manager)
    assert last(ScorecardVersion, id=draft_version.pk).status == "published"


def test_options_set_in_bulk_are_recorded(call_type, manager):
    version = make_published_version(call_type, status="draft")
    tone = criterion(version, "Tone")
    kept = tone.options.order_by("position")[0]
    with acting_as(manager):
        builder.update_criterion(
            criterion=tone,
            title="Tone",
            kind="choice",
            weight=Decimal(1),
            options=[
                OptionInput(label="Awful", points=Decimal(0), id=kept.pk),
                OptionInput(label="Great", points=Decimal(5)),
            ],
        )
    changed = last(CriterionOption, id=kept.pk)
    assert (changed.label, changed.history_type, changed.history_user) == ("Awful", "~", manager)
    added = last(CriterionOption, criterion_id=tone.pk, label="Great")
    assert (added.history_type, added.history_user) == ("+", manager)
    deleted = CriterionOption.history.filter(criterion_id=tone.pk, history_type="-")
    assert deleted.count() == 2 and {row.history_user for row in deleted} == {manager}


def test_moving_a_section_on_the_page_records_the_signed_in_manager(client, call_type, manager):
    """No `by` here: the request's person, through simple-history's middleware."""
    version = make_published_version(call_type, status="draft")
    second = version.sections.order_by("position")[1]
    client.force_login(manager)
    response = client.post(reverse("scorecards:section_move", args=[second.pk]), {"direction": "up"})
    assert response.status_code == 302
    moved = last(Section, id=second.pk)
    assert (moved.position, moved.history_type, moved.history_user) == (0, "~", manager)


# --- Evaluations, answers, disputes ------------------------------------------------------------------------


def test_a_draft_records_new_and_changed_answers_only(call, reviewer, default_version):
    evaluation = draft(call, reviewer, {"Greeting": 1})
    greeting = criterion(default_version, "Greeting")
    assert last(Evaluation, id=evaluation.pk).history_user == reviewer  # start_evaluation
    first = last(Answer, evaluation_id=evaluation.pk, criterion_id=greeting.pk)
    assert (first.history_type, first.value, first.history_user) == ("+", 1, reviewer)

    def save(answers):
        save_draft(
            evaluation=evaluation,
            answers=answers_by_id(default_version, answers),
            comments={},
            strengths="Friendly tone.",
            improvements="",
            by=reviewer,
        )

    save({"Greeting": 1})  # unchanged: no new answer row
    assert Answer.history.filter(evaluation_id=evaluation.pk).count() == 1
    save({"Greeting": 0, "Tone": "Good"})
    changed = last(Answer, evaluation_id=evaluation.pk, criterion_id=greeting.pk)
    assert (changed.history_type, changed.value, changed.history_user) == ("~", 0, reviewer)
    assert Answer.history.filter(evaluation_id=evaluation.pk).count() == 3
    save({"Tone": "Good"})  # Greeting left out: deleted
    assert last(Answer, evaluation_id=evaluation.pk, criterion_id=greeting.pk).history_type == "-"


def test_submitting_records_the_evaluation_and_its_scored_answers(call, reviewer, default_version):
    evaluation = draft(call, reviewer, FULL_MARKS)
    submit_evaluation(evaluation=evaluation, by=reviewer)
    row = last(Evaluation, id=evaluation.pk)
    assert (row.status, row.history_user, row.score) == ("submitted", reviewer, Decimal("100.00000"))


def test_acknowledging_records_the_agent(agent, reviewer, default_version):
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version)
    disputes.acknowledge(evaluation=evaluation, by=agent)
    row = last(Evaluation, id=evaluation.pk)
    assert (row.status, row.history_type, row.history_user) == ("acknowledged", "~", agent)


def test_a_dispute_and_its_resolution_are_recorded(agent, reviewer, manager, default_version):
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version)
    greeting = criterion(default_version, "Greeting")
    dispute = disputes.open_dispute(evaluation=evaluation, by=agent, items=[(greeting, "I greeted.")])
    assert last(Evaluation, id=evaluation.pk).status == "disputed"
    assert last(Evaluation, id=evaluation.pk).history_user == agent
    assert last(Dispute, id=dispute.pk).history_user == agent
    item = last(DisputeItem, dispute_id=dispute.pk)
    assert (item.criterion_id, item.history_user) == (greeting.pk, agent)

    disputes.resolve_dispute(
        dispute=dispute,
        by=manager,
        decision="adjusted",
        note="The greeting was late.",
        adjustments={greeting.pk: {"value": 0}},
    )
    resolved = last(Dispute, id=dispute.pk)
    assert (resolved.status, resolved.resolved_by_id, resolved.history_user) == (
        "adjusted",
        manager.pk,
        manager,
    )
    answer = last(Answer, evaluation_id=evaluation.pk, criterion_id=greeting.pk)
    assert (answer.value, answer.history_user) == (0, manager)
    row = last(Evaluation, id=evaluation.pk)
    assert (row.status, row.history_user) == ("resolved", manager)
    assert row.score < Decimal(100)


# --- Coaching ----------------------------------------------------------------------------------------------


@pytest.fixture
def session(lead, agent):
    return book(lead, agent, timezone.now() + timedelta(days=1))


def test_booking_records_the_lead(session, lead):
    assert last(CoachingSession, id=session.pk).history_user == lead


def test_rescheduling_cancelling_and_notes_are_recorded(session, lead):
    later = timezone.now() + timedelta(days=2)
    coaching.reschedule_session(
        session=session,
        by=lead,
        when=coaching.SessionTime(starts_at=later, ends_at=later + timedelta(minutes=30)),
        place="Room 2",
    )
    row = last(CoachingSession, id=session.pk)
    assert (row.place, row.history_user) == ("Room 2", lead)
    with acting_as(lead):
        coaching.save_notes(session=session, notes="Talked about the greeting.")
    assert last(CoachingSession, id=session.pk).notes == "Talked about the greeting."
    coaching.cancel_session(session=session, by=lead, reason="Agent ill")
    row = last(CoachingSession, id=session.pk)
    assert (row.status, row.cancel_reason, row.history_user) == ("cancelled", "Agent ill", lead)


def test_completing_and_confirming_are_recorded(lead, agent):
    start = timezone.now() - timedelta(hours=1)
    session = coaching_session(lead, agent, start=start)  # a session in the past cannot be booked
    coaching.complete_session(session=session, by=lead, notes="Done.")
    row = last(CoachingSession, id=session.pk)
    assert (row.status, row.history_user) == ("completed", lead)
    coaching.confirm_participation(session=session, by=agent, comment="Useful.")
    row = last(CoachingSession, id=session.pk)
    assert (row.agent_comment, row.history_user) == ("Useful.", agent)


def test_action_items_are_recorded_when_added_and_ticked(session, lead, agent):
    with acting_as(lead):
        item = coaching.add_action_item(
            session=session, description="Greet first", owner="agent", due_on=timezone.localdate()
        )
    assert last(ActionItem, id=item.pk).history_user == lead
    assert coaching.set_action_item_done(item=item, by=agent, done=True)
    row = last(ActionItem, id=item.pk)
    assert (row.done_by_id, row.history_user) == (agent.pk, agent)
    assert coaching.set_action_item_done(item=item, by=agent, done=False)
    assert last(ActionItem, id=item.pk).done_at is None


# --- The admin's History: read-only ------------------------------------------------------------------------


@pytest.fixture
def root(db):
    from tests.factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_the_admin_shows_an_evaluations_history_and_never_reverts(
    client, root, agent, reviewer, default_version
):
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version)
    disputes.acknowledge(evaluation=evaluation, by=agent)
    client.force_login(root)
    response = client.get(reverse("admin:scorecards_evaluation_history", args=[evaluation.pk]))
    assert response.status_code == 200 and "agent" in response.content.decode()
    submitted = Evaluation.history.filter(id=evaluation.pk, status="submitted").first()
    url = reverse("admin:scorecards_evaluation_simple_history", args=[evaluation.pk, submitted.history_id])
    page = client.get(url)
    assert page.status_code == 200 and "Revert" not in page.content.decode()
    assert client.post(url, {}).status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.status == "acknowledged"  # not reverted to the submitted version

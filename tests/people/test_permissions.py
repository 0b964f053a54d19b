"""The object rules (django-rules, qa_center.people.permissions): one answer for the site, the admin and a check of one
object, whoever asks."""

import itertools

import pytest
import rules
from django.contrib.auth.models import Permission
from django.urls import reverse

from calls.models import Call
from coaching.models import ActionItem, CoachingSession, LibraryEntry
from scorecards.models import Answer, Evaluation
from tests.factories import CallFactory
from tests.factories.coaching import action_item, coaching_session
from tests.factories.evaluations import FULL_MARKS, calibrated, draft, evaluation_of, make_session
from tests.factories.people import AgentFactory, UserFactory
from tests.factories.scorecards import make_published_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(agent, other_agent, lead, other_lead, reviewer, manager):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    lead_and_agent = AgentFactory(username="leadagent", team=other_agent.team, is_team_lead=True)
    return [agent, other_agent, lead, other_lead, reviewer, manager, superuser, lead_and_agent]


@pytest.fixture
def default_version(call_type):
    return make_published_version(call_type)


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="reviewer2", is_reviewer=True)


@pytest.fixture
def evaluations(agent, other_agent, reviewer, manager, default_version, second_reviewer):
    """A submitted evaluation of each team, a draft, and both sides of an open and of a closed calibration."""
    mine = evaluation_of(agent, version=default_version, reviewer=reviewer)
    theirs = evaluation_of(other_agent, version=default_version, reviewer=second_reviewer)
    a_draft = draft(CallFactory(agent=agent, call_type=default_version.scorecard.call_type), second_reviewer)
    open_session = make_session(
        CallFactory(agent=agent, call_type=default_version.scorecard.call_type),
        manager,
        [reviewer, second_reviewer],
    )
    blind = calibrated(open_session, second_reviewer, FULL_MARKS)
    closed = make_session(
        CallFactory(agent=other_agent, call_type=default_version.scorecard.call_type),
        manager,
        [reviewer, second_reviewer],
    )
    closed_one = calibrated(closed, reviewer, FULL_MARKS)
    calibrated(closed, second_reviewer, FULL_MARKS)  # the last one closes it
    return [mine, theirs, a_draft, blind, closed_one]


def _agrees(permission, model, users, objects):
    for user, obj in itertools.product(users, objects):
        listed = model.objects.visible_to(user).filter(pk=obj.pk).exists()
        assert rules.has_perm(permission, user, obj) is listed, (permission, user.username, obj.pk)


def test_reading_a_call_is_the_call_lists_rule(people, agent, other_agent):
    calls = [CallFactory(agent=agent), CallFactory(agent=other_agent)]
    _agrees("calls.view_call", Call, people, calls)


def test_reading_an_evaluation_is_the_lists_rule_drafts_and_blind_calibration_included(people, evaluations):
    _agrees("scorecards.view_evaluation", Evaluation, people, evaluations)
    answers = list(Answer.objects.filter(evaluation__in=evaluations))
    for user, answer in itertools.product(people, answers):
        assert rules.has_perm("scorecards.view_answer", user, answer) is rules.has_perm(
            "scorecards.view_evaluation", user, answer.evaluation
        )


def test_a_superuser_is_a_qa_manager_not_someone_every_rule_says_yes_to(people, evaluations):
    superuser = people[6]
    blind = evaluations[3]  # another reviewer's, in a calibration still open
    assert superuser.has_perm(
        "scorecards.view_evaluation", blind
    )  # Django's User.has_perm: yes to everything
    assert not rules.has_perm("scorecards.view_evaluation", superuser, blind)
    assert rules.has_perm("scorecards.view_evaluation", superuser, evaluations[0])


def test_only_the_reviewer_of_a_draft_changes_it(people, evaluations, second_reviewer):
    a_draft, submitted_one = evaluations[2], evaluations[0]
    for user in [*people, second_reviewer]:
        assert rules.has_perm("scorecards.change_evaluation", user, a_draft) is (user == second_reviewer)
        assert not rules.has_perm("scorecards.change_evaluation", user, submitted_one)


def test_coaching_sessions_and_their_action_items(people, agent, other_agent, lead, other_lead):
    sessions = [coaching_session(lead, agent), coaching_session(other_lead, other_agent)]
    _agrees("coaching.view_coachingsession", CoachingSession, people, sessions)
    items = [action_item(sessions[0]), action_item(sessions[0], owner=ActionItem.Owner.LEAD)]
    for user, item in itertools.product(people, items):
        assert rules.has_perm("coaching.view_actionitem", user, item) is rules.has_perm(
            "coaching.view_coachingsession", user, item.session
        )
        ticks = user == lead or (user == agent and item.owner == ActionItem.Owner.AGENT)
        assert rules.has_perm("coaching.tick_actionitem", user, item) is ticks
    for user in people:
        assert rules.has_perm("coaching.change_coachingsession", user, sessions[0]) is (user == lead)


def test_library_entries(people, agent, reviewer, evaluations):
    approved = LibraryEntry.objects.create(
        call=evaluations[0].call,
        call_type=evaluations[0].call.call_type,
        agent=agent,
        nominated_by=reviewer,
        status=LibraryEntry.Status.APPROVED,
        title="Calm refund",
    )
    pending = LibraryEntry.objects.create(
        call=evaluations[1].call,
        call_type=evaluations[1].call.call_type,
        nominated_by=reviewer,
        title="Pending",
    )
    _agrees("coaching.view_libraryentry", LibraryEntry, [*people, reviewer], [approved, pending])


# --- The admin asks the same rules ---------------------------------------------------------------------------


def test_the_admin_lists_only_what_the_qa_manager_reads_on_the_site(client, evaluations, manager):
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["view_evaluation", "view_answer"]))
    client.force_login(manager)
    blind = evaluations[3]

    listing = client.get(reverse("admin:scorecards_evaluation_changelist"))
    shown = {evaluation.pk for evaluation in listing.context["cl"].result_list}
    assert shown == set(Evaluation.objects.visible_to(manager).values_list("pk", flat=True))
    assert blind.pk not in shown

    opened = client.get(reverse("admin:scorecards_evaluation_change", args=[blind.pk]))
    assert opened.status_code == 302  # the admin's "does not exist" (a redirect with a message), not the page
    answers = client.get(reverse("admin:scorecards_answer_changelist"))
    assert {answer.evaluation_id for answer in answers.context["cl"].result_list}.isdisjoint({blind.pk})


def test_a_staff_team_lead_sees_only_their_teams_calls_in_the_admin(client, lead, agent, other_agent):
    lead.is_staff = True
    lead.save(update_fields=["is_staff"])
    lead.user_permissions.add(Permission.objects.get(codename="view_call"))
    ours, theirs = CallFactory(agent=agent), CallFactory(agent=other_agent)
    client.force_login(lead)

    listing = client.get(reverse("admin:calls_call_changelist"))

    assert listing.status_code == 200
    assert [call.pk for call in listing.context["cl"].result_list] == [ours.pk]
    assert client.get(reverse("admin:calls_call_change", args=[theirs.pk])).status_code == 302
    # A set-up model no rule opens to a lead (imports, tokens): empty even with the model permission.
    lead.user_permissions.add(Permission.objects.get(codename="view_importjob"))
    assert list(client.get(reverse("admin:calls_importjob_changelist")).context["cl"].result_list) == []

"""The demo's coaching history (qa_center/demo/coaching.py): held sessions with notes, an agenda, action items
done and overdue and the agent's confirmation; follow-up evaluations asked of sampling; the demo agent's held
session with evaluations before and after it; sessions coming up in the next days; a second run adds nothing."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from coaching.models import ActionItem, AgendaItem, CoachingSession
from coaching.sessions import selectors
from qa_center.people.models import User
from tests.demo.helpers import QA_SMALL

pytestmark = pytest.mark.django_db

Status = CoachingSession.Status


def test_every_lead_has_a_history_and_sessions_coming_up(seeded):
    assert "coaching sessions" in seeded
    today = timezone.localdate()
    for lead in User.objects.filter(username__in=["lead", "lead2", "lead3"]):
        sessions = CoachingSession.objects.filter(lead=lead)
        statuses = set(sessions.values_list("status", flat=True))
        assert statuses == {Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED, Status.SCHEDULED}, lead
        upcoming = sessions.filter(status=Status.SCHEDULED, starts_at__gt=timezone.now())
        assert upcoming.count() == 2
        assert all(0 < (timezone.localtime(s.starts_at).date() - today).days <= 2 for s in upcoming)
        # One agenda ready, one still to prepare (the home page's "agendas to prepare").
        assert upcoming.filter(agenda_prepared_at__isnull=True).count() == 1
        assert not sessions.filter(agent__team__lead__isnull=True).exists()
        assert not sessions.exclude(agent__team__lead=lead).exists()


def test_held_sessions_are_complete_stories(seeded):
    held = CoachingSession.objects.filter(status=Status.COMPLETED)
    assert held.count() == 6
    for session in held:
        assert session.notes and session.agent_confirmed_at and session.agent_comment
        assert session.completed_at > session.ends_at
        assert AgendaItem.objects.filter(session=session).exists()
        items = session.action_items.all()
        assert items.filter(done_at__isnull=False).count() == 1
    overdue = ActionItem.objects.filter(done_at__isnull=True, due_on__lt=timezone.localdate())
    assert overdue.count() >= 3
    assert CoachingSession.objects.filter(status=Status.CANCELLED).exclude(cancel_reason="").count() == 3
    assert not CoachingSession.objects.filter(
        created_at__gt=F("starts_at"), starts_at__lt=timezone.now()
    ).exists()


def test_the_demo_agents_session_shows_its_effect(seeded):
    agent = User.objects.get(username="agent")
    session = CoachingSession.objects.get(agent=agent, status=Status.COMPLETED)
    effect = selectors.session_effect(session)
    assert effect.before.count > 0 and effect.after.count > 0
    assert session.follow_up_evaluations == 2 and session.follow_up_on <= timezone.localdate()
    assert session.follow_up_on >= timezone.localtime(session.starts_at).date()


def test_follow_up_evaluations_were_asked_of_sampling(seeded):
    asked = CoachingSession.objects.filter(follow_up_assignments__isnull=False).distinct()
    assert asked.exists()
    for session in asked:
        for assignment in session.follow_up_assignments.select_related("call"):
            assert assignment.call.agent_id == session.agent_id
            assert assignment.call.started_at >= session.ends_at - timedelta(days=1)
            assert assignment.reviewer_id != session.agent_id


def test_agendas_pick_library_calls_and_the_builder_suggests_them(seeded):
    on_agendas = AgendaItem.objects.filter(kind=AgendaItem.Kind.LIBRARY)
    assert on_agendas.exists()
    for item in on_agendas.select_related("entry"):
        assert item.entry.is_approved and item.entry.session_count >= 1
    # The role-play's agenda has an example of its scenario (an escalation over a late refund).
    role_play = CoachingSession.objects.filter(kind=CoachingSession.Kind.ROLE_PLAY).first()
    assert role_play is not None
    assert any(s.for_scenario and s.selected for s in selectors.agenda_suggestions(role_play).library)
    # A session still to prepare is offered library calls for the agent's weak criteria.
    to_prepare = CoachingSession.objects.filter(status=Status.SCHEDULED, agenda_prepared_at__isnull=True)
    assert any(selectors.agenda_suggestions(session).library for session in to_prepare)


def test_a_second_run_adds_no_session(seeded):
    before = (CoachingSession.objects.count(), ActionItem.objects.count(), AgendaItem.objects.count())
    call_command("seed_demo", *QA_SMALL, "--no-recordings", stdout=io.StringIO())
    assert (CoachingSession.objects.count(), ActionItem.objects.count(), AgendaItem.objects.count()) == before

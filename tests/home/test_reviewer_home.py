"""The reviewer's home: the queue in figures (to score, due soon, overdue), "Start next call", drafts to
finish. Only the reviewer's own queue and drafts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.models import Assignment, Evaluation
from tests.factories import FULL_MARKS, CallFactory, UserFactory, calibrated, draft, make_session
from tests.home.helpers import item_of

pytestmark = pytest.mark.django_db


def assign(reviewer, agent, call_type, *, due_in: timedelta | None, external_id: str):
    call = CallFactory(agent=agent, call_type=call_type, external_id=external_id)
    due_at = None if due_in is None else timezone.now() + due_in
    return Assignment.objects.create(call=call, reviewer=reviewer, due_at=due_at)


def test_the_queue_in_figures_and_the_next_call(
    home, reviewer, second_reviewer, agent, call_type, default_version
):
    overdue = assign(reviewer, agent, call_type, due_in=timedelta(hours=-3), external_id="OVERDUE")
    assign(reviewer, agent, call_type, due_in=timedelta(days=1), external_id="SOON")
    assign(reviewer, agent, call_type, due_in=timedelta(days=5), external_id="LATER")
    assign(reviewer, agent, call_type, due_in=None, external_id="UNDATED")
    # Not in the figures: another reviewer's call, a started one (a draft), a done and a cancelled one.
    assign(second_reviewer, agent, call_type, due_in=timedelta(hours=-1), external_id="THEIRS")
    started = assign(reviewer, agent, call_type, due_in=timedelta(hours=-1), external_id="STARTED")
    draft(started.call, reviewer, assignment=started)
    done = assign(reviewer, agent, call_type, due_in=timedelta(hours=-1), external_id="DONE")
    Assignment.objects.filter(pk=done.pk).update(status=Assignment.Status.DONE)
    cancelled = assign(reviewer, agent, call_type, due_in=timedelta(hours=-1), external_id="CANCELLED")
    Assignment.objects.filter(pk=cancelled.pk).update(status=Assignment.Status.CANCELLED)

    response = home(reviewer)
    item = item_of(response, "my-queue")
    figures = item.data["figures"]
    assert (figures.to_score, figures.due_soon, figures.overdue) == (4, 1, 1)
    assert item.data["next_assignment"] == overdue  # soonest due first, as the queue sorts
    html = response.content.decode()
    assert 'id="start-next-call"' in html
    assert f'action="{reverse("evaluations:start", args=[overdue.pk])}"' in html
    assert "Call OVERDUE" in html
    assert reverse("queue:mine") in html


def test_start_next_call_opens_the_scoring_form_of_the_first_call(
    client, reviewer, agent, call_type, default_version
):
    first = assign(reviewer, agent, call_type, due_in=timedelta(days=1), external_id="FIRST")
    assign(reviewer, agent, call_type, due_in=timedelta(days=3), external_id="SECOND")
    client.force_login(reviewer)
    response = client.post(reverse("evaluations:start", args=[first.pk]))
    evaluation = Evaluation.objects.get(assignment=first)
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:edit", args=[evaluation.pk])


def test_an_empty_queue_says_so_and_offers_no_button(home, reviewer, second_reviewer, agent, call_type):
    assign(second_reviewer, agent, call_type, due_in=timedelta(days=1), external_id="THEIRS")
    response = home(reviewer)
    figures = item_of(response, "my-queue").data["figures"]
    assert (figures.to_score, figures.due_soon, figures.overdue) == (0, 0, 0)
    html = response.content.decode()
    assert "Nothing to score: your queue is empty." in html
    assert 'id="start-next-call"' not in html


def test_drafts_to_finish_are_the_reviewers_own(
    home, reviewer, second_reviewer, agent, call_type, default_version
):
    mine = draft(CallFactory(agent=agent, call_type=call_type, external_id="MINE"), reviewer)
    draft(CallFactory(agent=agent, call_type=call_type, external_id="THEIRS"), second_reviewer)
    response = home(reviewer)
    item = item_of(response, "my-drafts")
    assert item.rows == [mine]
    html = response.content.decode()
    assert reverse("evaluations:edit", args=[mine.pk]) in html
    assert "THEIRS" not in html


def test_no_draft_says_so(home, reviewer):
    assert "No draft to finish." in home(reviewer).content.decode()


def test_calibration_sessions_waiting_for_the_reviewers_answers(
    home, manager, reviewer, second_reviewer, agent, call_type, default_version
):
    third = UserFactory(username="reviewer3", is_reviewer=True)

    def session(title, reviewers):
        return make_session(CallFactory(agent=agent, call_type=call_type), manager, reviewers, title=title)

    to_score = session("To score", [reviewer, second_reviewer])
    started = session("Started", [reviewer, second_reviewer])
    calibrated(started, reviewer, {"Greeting": 1}, submit=False)
    submitted = session("Submitted", [reviewer, second_reviewer])
    calibrated(submitted, reviewer, FULL_MARKS)
    not_mine = session("Not mine", [second_reviewer, third])

    response = home(reviewer)
    item = item_of(response, "calibration-to-score")
    assert {session.pk for session in item.rows} == {to_score.pk, started.pk}
    html = response.content.decode()
    assert f'action="{reverse("calibration:score", args=[to_score.pk])}"' in html
    assert "draft saved" in html
    for absent in (submitted, not_mine):
        assert reverse("calibration:detail", args=[absent.pk]) not in html


def test_no_calibration_to_score_says_so(home, reviewer):
    assert "No calibration session is waiting for your answers." in home(reviewer).content.decode()

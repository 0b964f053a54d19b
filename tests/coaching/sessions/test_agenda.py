"""The agenda builder: the agent's evaluations of the last 30 days with a failed criterion or one of their
weakest criteria short of full marks are preselected, the first strengths too; the lead's picks replace the
suggestions; other teams', older and calibration evaluations are never offered; the query count does not grow
with the number of evaluations."""

import pytest
from django.urls import reverse

from coaching.models import AgendaItem
from coaching.sessions import selectors
from tests.coaching.library.helpers import library_entry
from tests.factories import FULL_MARKS, GREETING_MISSED, CallFactory, coaching_session, evaluation_of

pytestmark = pytest.mark.django_db

TONE_GOOD = {**FULL_MARKS, "Tone": "Good"}


@pytest.fixture
def evaluations(agent, version, reviewer, other_team):
    """Tone earns full marks once in four: the agent's weakest criterion. Greeting fails once."""
    made = {
        "failed": evaluation_of(
            agent, version=version, reviewer=reviewer, answers={**GREETING_MISSED, "Tone": "Good"}
        ),
        "weak": evaluation_of(agent, version=version, reviewer=reviewer, answers=TONE_GOOD, days_ago=2),
        "weak2": evaluation_of(
            agent,
            version=version,
            reviewer=reviewer,
            answers={**TONE_GOOD, "Diagnosed the issue": 3},
            days_ago=3,
        ),
        "full": evaluation_of(agent, version=version, reviewer=reviewer, answers=FULL_MARKS, days_ago=4),
        # Never offered: older than the period, and a call taken for another team.
        "old": evaluation_of(agent, version=version, reviewer=reviewer, answers=GREETING_MISSED, days_ago=40),
        "other_team": evaluation_of(
            agent,
            version=version,
            reviewer=reviewer,
            answers=GREETING_MISSED,
            call=CallFactory(agent=agent, call_type=version.scorecard.call_type, team=other_team),
        ),
    }
    return made


@pytest.fixture
def session(lead, agent):
    return coaching_session(lead, agent)


def test_preselection(session, evaluations):
    suggestions = selectors.agenda_suggestions(session)
    offered = {s.evaluation.pk: s for s in suggestions.evaluations}
    assert set(offered) == {evaluations[name].pk for name in ("failed", "weak", "weak2", "full")}
    assert suggestions.weak_titles == ["Tone"]
    assert offered[evaluations["failed"].pk].preselected and offered[evaluations["failed"].pk].failed == 1
    assert offered[evaluations["failed"].pk].weakest_title == "Greeting"
    assert offered[evaluations["weak"].pk].preselected and offered[evaluations["weak"].pk].failed == 0
    assert offered[evaluations["weak"].pk].weakest_title == "Tone"
    assert offered[evaluations["weak2"].pk].weakest_title == "Tone"  # 2/3 is below Diagnosed's 3/4
    assert not offered[evaluations["full"].pk].preselected
    assert [s.selected for s in suggestions.evaluations] == [s.preselected for s in suggestions.evaluations]
    strengths = [(s.title, s.preselected) for s in suggestions.strengths]
    assert strengths == [
        ("Offered a callback", True),
        ("Verified identity", True),
        ("Diagnosed the issue", True),
        ("Greeting", False),
    ]


def test_the_builder_page_ticks_the_preselection(client, lead, session, evaluations):
    client.force_login(lead)
    html = client.get(reverse("coaching:agenda", args=[session.pk])).content.decode()
    assert f'value="{evaluations["failed"].pk}" id="evaluation-{evaluations["failed"].pk}" checked' in html
    assert f'value="{evaluations["full"].pk}" id="evaluation-{evaluations["full"].pk}">' in html
    assert 'id="weak-criteria"' in html


def test_the_leads_picks_replace_the_suggestions_and_free_points_stay(client, lead, session, evaluations):
    AgendaItem.objects.create(session=session, kind=AgendaItem.Kind.FREE, text="Holiday cover")
    client.force_login(lead)
    url = reverse("coaching:agenda", args=[session.pk])
    response = client.post(url, {"evaluations": [evaluations["full"].pk], "strengths": ["Greeting"]})
    assert response.status_code == 302
    items = [(i.kind, i.evaluation_id, i.criterion_title, i.text) for i in session.agenda_items.all()]
    assert items == [
        ("free", None, "", "Holiday cover"),
        ("evaluation", evaluations["full"].pk, "", ""),
        ("strength", None, "Greeting", ""),
    ]
    session.refresh_from_db()
    assert session.agenda_prepared_at is not None
    # Once saved, the builder shows exactly what was picked.
    suggestions = selectors.agenda_suggestions(session)
    assert [s.evaluation.pk for s in suggestions.evaluations if s.selected] == [evaluations["full"].pk]
    assert [s.title for s in suggestions.strengths if s.selected] == ["Greeting"]


def test_an_evaluation_that_was_not_offered_is_refused(client, lead, session, evaluations):
    client.force_login(lead)
    url = reverse("coaching:agenda", args=[session.pk])
    response = client.post(url, {"evaluations": [evaluations["other_team"].pk]})
    assert response.status_code == 400
    assert "evaluations" in response.context["form"].errors
    assert not session.agenda_items.exists()


def test_a_session_started_from_an_older_evaluation_keeps_it_on_the_agenda(session, evaluations):
    old = evaluations["old"]
    AgendaItem.objects.create(
        session=session, kind=AgendaItem.Kind.EVALUATION, evaluation=old, criterion_title="Greeting"
    )
    suggestions = selectors.agenda_suggestions(session)
    kept = [s for s in suggestions.evaluations if s.evaluation.pk == old.pk]
    assert len(kept) == 1 and kept[0].selected and kept[0].weakest_title == "Greeting"


def test_free_points_are_added_and_removed(client, lead, session):
    client.force_login(lead)
    add = reverse("coaching:agenda_add", args=[session.pk])
    assert client.post(add, {"text": ""}).status_code == 400
    response = client.post(add, {"text": "Holiday cover", "back": "agenda"})
    assert response["Location"] == reverse("coaching:agenda", args=[session.pk])
    item = session.agenda_items.get()
    client.post(reverse("coaching:agenda_remove", args=[session.pk, item.pk]))
    assert not session.agenda_items.exists()


@pytest.mark.parametrize("count", [3, 15])
def test_the_builder_query_count_does_not_grow(
    client, lead, agent, other_agent, version, reviewer, manager, count, django_assert_num_queries
):
    for n in range(count):
        answers = GREETING_MISSED if n % 2 else TONE_GOOD
        evaluation_of(agent, version=version, reviewer=reviewer, answers=answers, days_ago=1 + n % 20)
    entries = []
    for n in range(count):
        call = CallFactory(
            agent=other_agent, call_type=version.scorecard.call_type, recording_file=f"recordings/{n}.wav"
        )
        entries.append(
            library_entry(
                call, by=reviewer, manager=manager, title=f"Example {n}", criteria=["Tone", "Greeting"]
            )
        )
    session = coaching_session(lead, agent)
    AgendaItem.objects.create(session=session, kind=AgendaItem.Kind.FREE, text="Holiday cover")
    AgendaItem.objects.create(session=session, kind=AgendaItem.Kind.LIBRARY, entry=entries[0])
    client.force_login(lead)
    url = reverse("coaching:agenda", args=[session.pk])
    # session, user, the coaching session, feedback (summary, trend, criteria), agenda items and their entries'
    # criteria, suggestions, library entries (entries, criteria, clips), unread notifications
    with django_assert_num_queries(13):
        response = client.get(url)
    suggestions = response.context["suggestions"]
    assert len(suggestions.evaluations) == count
    assert len(suggestions.library) == min(count, selectors.SUGGESTED_LIBRARY_ENTRIES) + (count > 5)

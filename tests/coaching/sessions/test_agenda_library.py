"""The library's exemplary calls on the agenda: the builder suggests the approved entries tagged with the
criteria the agent struggles with (for a role-play also those whose tags occur in the scenario), the lead picks,
a pick counts as one use of the entry (once, not at every save), and the agent listens to it from the session
page under the library's rules (internal-only clips hidden)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from coaching.library import services as library
from coaching.models import AgendaItem, CoachingSession, LibraryEntry
from coaching.sessions import selectors, services
from tests.coaching.library.helpers import library_entry, recorded_call
from tests.factories import FULL_MARKS, CallFactory, coaching_session, evaluation_of

pytestmark = pytest.mark.django_db

TONE_GOOD = {**FULL_MARKS, "Tone": "Good"}


@pytest.fixture
def weak_on_tone(agent, version, reviewer):
    """Tone falls short in every evaluation: the agent's weakest criterion."""
    return [
        evaluation_of(agent, version=version, reviewer=reviewer, answers=TONE_GOOD, days_ago=days)
        for days in (1, 2, 3)
    ]


def _entry(call_type, *, by, manager, title, criteria, tags=(), agent=None):
    """An approved entry on a call with a recording file (its bytes are not needed here)."""
    call = CallFactory(agent=agent, call_type=call_type, recording_file="recordings/call.wav")
    return library_entry(call, by=by, manager=manager, title=title, criteria=criteria, tags=tags)


@pytest.fixture
def entries(other_agent, call_type, reviewer, manager):
    return {
        "tone": _entry(
            call_type, by=reviewer, manager=manager, title="Calm tone", criteria=["Tone"], agent=other_agent
        ),
        "greeting": _entry(
            call_type,
            by=reviewer,
            manager=manager,
            title="Warm welcome",
            criteria=["Greeting"],
            tags=["escalation"],
            agent=other_agent,
        ),
    }


@pytest.fixture
def session(lead, agent):
    return coaching_session(lead, agent)


def test_suggestions_are_the_entries_tagged_with_the_weak_criteria(session, weak_on_tone, entries, reviewer):
    pending = library.nominate(
        call=CallFactory(call_type=entries["tone"].call_type, recording_file="recordings/other.wav"),
        by=reviewer,
        title="Waiting",
        criteria=["Tone"],
    )
    suggestions = selectors.agenda_suggestions(session)
    assert suggestions.weak_titles == ["Tone"]
    assert [s.entry.pk for s in suggestions.library] == [entries["tone"].pk]  # not Greeting, not pending
    (suggestion,) = suggestions.library
    assert suggestion.weak == ["Tone"] and not suggestion.selected and not suggestion.for_scenario
    assert pending.pk not in [s.entry.pk for s in suggestions.library]


def test_a_role_play_adds_the_entries_whose_tags_are_in_its_scenario(lead, agent, weak_on_tone, entries):
    session = coaching_session(
        lead,
        agent,
        kind=CoachingSession.Kind.ROLE_PLAY,
        scenario="Escalation: the customer asks for a manager.",
    )
    library_suggestions = selectors.agenda_suggestions(session).library
    assert [(s.entry.pk, s.for_scenario) for s in library_suggestions] == [
        (entries["greeting"].pk, True),
        (entries["tone"].pk, False),
    ]
    # A feedback review with the same text does not look at it.
    session.kind = CoachingSession.Kind.FEEDBACK_REVIEW
    assert [s.entry.pk for s in selectors.agenda_suggestions(session).library] == [entries["tone"].pk]


def test_a_word_inside_another_is_not_a_tag_of_the_scenario(lead, agent, entries):
    session = coaching_session(
        lead, agent, kind=CoachingSession.Kind.ROLE_PLAY, scenario="De-escalations and more"
    )
    assert selectors.agenda_suggestions(session).library == []


def test_the_builder_lists_the_suggested_entries(client, lead, session, weak_on_tone, entries):
    client.force_login(lead)
    html = client.get(reverse("coaching:agenda", args=[session.pk])).content.decode()
    tone = entries["tone"]
    assert f'name="entries" value="{tone.pk}" id="entry-{tone.pk}">' in html  # offered, not ticked
    assert "Calm tone" in html and tone.get_absolute_url() in html
    assert "Warm welcome" not in html


def test_the_builder_says_when_the_library_has_nothing(client, lead, session, weak_on_tone):
    client.force_login(lead)
    html = client.get(reverse("coaching:agenda", args=[session.pk])).content.decode()
    assert "No library call is tagged with the criteria this agent struggles with yet." in html


def test_the_leads_pick_is_saved_and_counted_once(client, lead, session, weak_on_tone, entries):
    tone = entries["tone"]
    client.force_login(lead)
    url = reverse("coaching:agenda", args=[session.pk])
    assert client.post(url, {"entries": [tone.pk]}).status_code == 302
    item = session.agenda_items.get()
    assert (item.kind, item.entry_id) == (AgendaItem.Kind.LIBRARY, tone.pk)
    tone.refresh_from_db()
    assert tone.session_count == 1
    # Saved again with the entry still picked: not a new use.
    assert client.post(url, {"entries": [tone.pk], "evaluations": [weak_on_tone[0].pk]}).status_code == 302
    tone.refresh_from_db()
    assert tone.session_count == 1
    assert session.agenda_items.filter(kind=AgendaItem.Kind.LIBRARY).count() == 1
    assert [s.entry.pk for s in selectors.agenda_suggestions(session).library if s.selected] == [tone.pk]
    # Unpicked, then picked again: a new link into the session.
    client.post(url, {})
    assert not session.agenda_items.exists()
    client.post(url, {"entries": [tone.pk]})
    tone.refresh_from_db()
    assert tone.session_count == 2


def test_an_entry_that_was_not_suggested_is_refused(client, lead, session, weak_on_tone, entries):
    client.force_login(lead)
    url = reverse("coaching:agenda", args=[session.pk])
    response = client.post(url, {"entries": [entries["greeting"].pk]})
    assert response.status_code == 400
    assert "entries" in response.context["form"].errors
    assert not session.agenda_items.exists()
    entries["greeting"].refresh_from_db()
    assert entries["greeting"].session_count == 0


def test_an_entry_kept_on_the_agenda_stays_listed_when_no_longer_suggested(session, entries):
    AgendaItem.objects.create(session=session, kind=AgendaItem.Kind.LIBRARY, entry=entries["greeting"])
    (kept,) = selectors.agenda_suggestions(session).library  # no evaluations: no weak criteria
    assert kept.entry.pk == entries["greeting"].pk and kept.selected


def test_a_library_item_needs_its_entry(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(session=session, kind=AgendaItem.Kind.LIBRARY)


def test_the_same_entry_twice_on_an_agenda_is_refused(session, entries):
    AgendaItem.objects.create(session=session, kind=AgendaItem.Kind.LIBRARY, entry=entries["tone"])
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(session=session, kind=AgendaItem.Kind.LIBRARY, entry=entries["tone"])


@pytest.fixture
def listened(session, other_agent, call_type, reviewer, manager):
    """A recorded entry of another agent's call on the session's agenda, with a public and an internal clip."""
    entry = library_entry(
        recorded_call(other_agent, call_type),
        by=reviewer,
        manager=manager,
        title="Calm tone",
        criteria=["Tone"],
    )
    public = library.add_clip(entry=entry, start_seconds=0, end_seconds=4, note="The greeting", by=manager)
    internal = library.add_clip(
        entry=entry, start_seconds=4, end_seconds=8, note="Customer address", internal_only=True, by=manager
    )
    AgendaItem.objects.create(session=session, kind=AgendaItem.Kind.LIBRARY, entry=entry)
    return entry, public, internal


def test_the_agent_opens_the_linked_entry_and_hears_it(client, agent, session, listened):
    entry, public, internal = listened
    client.force_login(agent)
    html = client.get(session.get_absolute_url()).content.decode()
    assert f'href="{entry.get_absolute_url()}"' in html and "Calm tone" in html
    assert f'id="agenda-clip-{public.pk}"' in html and "The greeting" in html
    # Internal-only clips stay hidden from the agent, on the session page as in the library.
    assert f'id="agenda-clip-{internal.pk}"' not in html and "Customer address" not in html
    assert client.get(entry.get_absolute_url()).status_code == 200
    # Another agent's call, heard through the library only.
    recording = client.get(reverse("library:recording", args=[entry.pk]))
    assert recording.status_code == 200
    assert client.get(reverse("calls:detail", args=[entry.call_id])).status_code == 404


def test_the_lead_sees_the_internal_clip(client, lead, session, listened):
    _entry_, _public, internal = listened
    client.force_login(lead)
    html = client.get(session.get_absolute_url()).content.decode()
    assert f'id="agenda-clip-{internal.pk}"' in html


def test_save_agenda_refuses_an_entry_not_in_the_library(session, call_type, reviewer):
    pending = library.nominate(
        call=CallFactory(call_type=call_type, recording_file="recordings/p.wav"),
        by=reviewer,
        title="Waiting",
        criteria=["Tone"],
    )
    with pytest.raises(ValidationError):
        services.save_agenda(session=session, evaluations=[], strengths=[], entries=[pending])
    assert LibraryEntry.objects.get(pk=pending.pk).session_count == 0

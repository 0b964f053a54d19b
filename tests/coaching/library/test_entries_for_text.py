"""entries_for_text: the approved entries whose tags occur in a text as whole words (a role-play's scenario),
the most matching first, with only the clips the reader may hear."""

import pytest

from coaching.library.selectors import entries_for_text, text_phrases
from tests.coaching.library.helpers import library_entry, recorded_call

pytestmark = pytest.mark.django_db


def test_phrases_are_the_words_and_their_short_runs():
    assert text_phrases("Warm welcome!") == ["warm", "warm welcome", "welcome"]
    assert text_phrases("") == []


def test_a_multi_word_tag_in_the_text_matches(entry, agent):
    (found,) = entries_for_text(agent, "Practise a WARM WELCOME for an angry customer")
    assert found.pk == entry.pk


def test_only_whole_words_and_approved_entries(entry, agent, agents_other_call, reviewer):
    library_entry(agents_other_call, by=reviewer, title="Waiting", tags=("welcome",))  # not approved
    assert entries_for_text(agent, "A warm welcomes desk") == []
    assert entries_for_text(agent, "") == []


def test_most_matching_tags_first(entry, other_agent, call_type, reviewer, manager, agent):
    both = library_entry(
        recorded_call(other_agent, call_type), by=reviewer, manager=manager, tags=("warm welcome", "refund")
    )
    found = entries_for_text(agent, "A warm welcome, then the refund")
    assert [e.pk for e in found] == [both.pk, entry.pk]


def test_agents_get_no_internal_clips(entry, clips, agent, lead):
    public, internal = clips
    (for_agent,) = entries_for_text(agent, "warm welcome")
    (for_lead,) = entries_for_text(lead, "warm welcome")
    assert [c.pk for c in for_agent.visible_clips] == [public.pk]
    assert [c.pk for c in for_lead.visible_clips] == [public.pk, internal.pk]

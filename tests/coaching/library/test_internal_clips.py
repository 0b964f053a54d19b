"""A QA manager marks a clip "internal only": agents do not see it (its marks or its note), the other roles
do."""

import pytest
from django.urls import reverse

from coaching.library.selectors import entries_for_criteria

pytestmark = pytest.mark.django_db


def test_agents_do_not_see_internal_only_clips(client, entry, clips, other_agent, agent):
    public, internal = clips
    for person in (other_agent, agent):  # the credited agent neither
        client.force_login(person)
        page = client.get(entry.get_absolute_url()).content.decode()
        assert f'id="clip-{public.pk}"' in page and "The greeting" in page
        assert f'id="clip-{internal.pk}"' not in page and "Customer&#x27;s address" not in page
        listing = client.get(reverse("library:browse")).content.decode()
        assert "1 clip" in listing and "2 clips" not in listing


@pytest.mark.parametrize("who", ["lead", "other_lead", "reviewer", "manager"])
def test_leads_reviewers_and_managers_see_them(client, request, entry, clips, who):
    _public, internal = clips
    client.force_login(request.getfixturevalue(who))
    page = client.get(entry.get_absolute_url()).content.decode()
    assert f'id="clip-{internal.pk}"' in page
    assert "Internal only" in page
    assert "2 clips" in client.get(reverse("library:browse")).content.decode()


def test_an_agent_cannot_reach_an_internal_clip_by_its_id(client, entry, clips, agent):
    _public, internal = clips
    client.force_login(agent)
    assert client.post(reverse("library:clip_delete", args=[entry.pk, internal.pk])).status_code == 404


def test_internal_clips_are_left_out_of_the_agenda_selector(entry, clips, agent, lead):
    (for_agent,) = entries_for_criteria(agent, ["Greeting"], 5)
    (for_lead,) = entries_for_criteria(lead, ["Greeting"], 5)
    assert [clip.pk for clip in for_agent.visible_clips] == [clips[0].pk]
    assert [clip.pk for clip in for_lead.visible_clips] == [clips[0].pk, clips[1].pk]

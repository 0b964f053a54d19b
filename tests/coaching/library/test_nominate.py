"""Nominating: a reviewer or QA manager nominates a call from its evaluation, suggested when it scores at or
above the threshold (QA_LIBRARY_SUGGEST_SCORE, default 95) with no failed critical criterion; an agent
proposes one of their own calls. Team leads do not nominate."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coaching.library import selectors, services
from coaching.models import LibraryEntry
from scorecards.builder import services as builder
from tests.coaching.library.helpers import library_entry, recorded_call
from tests.factories import FULL_MARKS, GREETING_MISSED, CallFactory, evaluation_of

pytestmark = pytest.mark.django_db


def _nominate(client, call, **data):
    body = {
        "title": "Great close",
        "notes": "Clear next steps.",
        "criteria": ["Greeting"],
        "tags": "Close, calm",
    }
    return client.post(reverse("library:nominate", args=[call.pk]), body | data)


def test_a_reviewer_nominates_from_the_evaluation(client, great_evaluation, reviewer, agent):
    client.force_login(reviewer)
    assert client.get(reverse("library:nominate", args=[great_evaluation.call_id])).status_code == 200
    response = _nominate(client, great_evaluation.call)
    entry = LibraryEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert (entry.status, entry.agent, entry.evaluation, entry.nominated_by) == (
        LibraryEntry.Status.PENDING,
        agent,
        great_evaluation,
        reviewer,
    )
    assert entry.call_type == great_evaluation.call.call_type
    assert [c.title for c in entry.criteria.all()] == ["Greeting"]
    assert sorted(t.name for t in entry.tags.all()) == ["calm", "close"]


def test_an_agent_proposes_their_own_call_not_anothers(
    client, agent, other_agent, call_type, version, agents_other_call
):
    client.force_login(agent)
    assert _nominate(client, agents_other_call).status_code == 302
    assert LibraryEntry.objects.get().nominated_by == agent
    client.force_login(other_agent)
    assert _nominate(client, recorded_call(agent, call_type)).status_code == 404
    assert LibraryEntry.objects.count() == 1


def test_team_leads_do_not_nominate(client, lead, version, agents_other_call):
    client.force_login(lead)
    assert client.get(reverse("library:nominate", args=[agents_other_call.pk])).status_code == 403
    assert _nominate(client, agents_other_call).status_code == 403
    assert not LibraryEntry.objects.exists()


def test_a_call_without_a_recording_file_is_refused(client, reviewer, agent, call_type, version):
    client.force_login(reviewer)
    response = _nominate(client, CallFactory(agent=agent, call_type=call_type))
    assert response.status_code == 200
    assert "no recording file" in response.content.decode()
    assert not LibraryEntry.objects.exists()


def test_a_title_is_needed(client, reviewer, version, agents_other_call):
    client.force_login(reviewer)
    response = _nominate(client, agents_other_call, title="")
    assert response.context["form"].errors["title"]
    assert not LibraryEntry.objects.exists()


def test_a_call_is_in_the_library_once_but_may_be_nominated_again_after_a_decline(
    entry, reviewer, manager, agents_other_call
):
    with pytest.raises(ValidationError, match="already in the library"):
        library_entry(entry.call, by=reviewer)
    pending = library_entry(agents_other_call, by=reviewer)
    with pytest.raises(ValidationError, match="already in the library or waiting"):
        library_entry(agents_other_call, by=manager)
    services.decline(entry=pending, by=manager, reason="Noisy line.")
    assert library_entry(agents_other_call, by=manager).status == LibraryEntry.Status.PENDING


def test_the_criteria_offered_are_the_scorecards_across_its_published_versions(
    client, reviewer, manager, version, great_call
):
    """Version 2 (published) adds a criterion; a draft's criteria are not offered until published."""
    draft = builder.start_draft(scorecard=version.scorecard, by=manager)
    builder.add_criterion(section=draft.sections.first(), title="Closed warmly")
    builder.publish(version=draft, by=manager)
    builder.add_criterion(
        section=builder.start_draft(scorecard=version.scorecard, by=manager).sections.first(),
        title="Unpublished",
    )
    client.force_login(reviewer)
    response = client.get(reverse("library:nominate", args=[great_call.pk]))
    offered = [value for value, _label in response.context["form"].fields["criteria"].choices]
    expected = [
        "Closed warmly",
        "Diagnosed the issue",
        "Greeting",
        "Offered a callback",
        "Tone",
        "Verified identity",
    ]
    assert offered == expected


# --- Suggestions ------------------------------------------------------------------------------------------


def test_a_full_marks_evaluation_is_suggested(great_evaluation):
    assert great_evaluation.score == 100
    assert selectors.nomination_suggested(great_evaluation)


def test_below_the_threshold_it_is_not_suggested(agent, version, reviewer, call_type, settings):
    evaluation = evaluation_of(
        agent,
        version=version,
        reviewer=reviewer,
        call=recorded_call(agent, call_type),
        answers=GREETING_MISSED,
    )
    assert 85 < evaluation.score < 95
    assert not selectors.nomination_suggested(evaluation)
    settings.QA_LIBRARY_SUGGEST_SCORE = 85
    assert selectors.nomination_suggested(evaluation)


def test_a_failed_critical_criterion_is_never_suggested(agent, version, reviewer, call_type, settings):
    settings.QA_LIBRARY_SUGGEST_SCORE = 0
    failed = {**FULL_MARKS, "Verified identity": 0}  # critical for the whole evaluation
    evaluation = evaluation_of(
        agent, version=version, reviewer=reviewer, call=recorded_call(agent, call_type), answers=failed
    )
    assert evaluation.auto_failed
    assert not selectors.nomination_suggested(evaluation)


def test_a_call_without_recording_or_already_nominated_is_not_suggested(
    great_evaluation, agent, version, reviewer
):
    without = evaluation_of(agent, version=version, reviewer=reviewer)
    assert not selectors.nomination_suggested(without)
    library_entry(great_evaluation.call, by=reviewer)
    assert not selectors.nomination_suggested(great_evaluation)
    assert list(selectors.suggested_evaluations()) == []


def test_the_evaluation_page_loads_the_library_panel(client, great_evaluation, reviewer):
    client.force_login(reviewer)
    page = client.get(great_evaluation.get_absolute_url()).content.decode()
    assert reverse("library:evaluation_panel", args=[great_evaluation.pk]) in page


def test_the_panel_suggests_nominating_to_the_reviewer(client, great_evaluation, reviewer):
    client.force_login(reviewer)
    panel = client.get(reverse("library:evaluation_panel", args=[great_evaluation.pk])).content.decode()
    assert "Suggested for the library: 95% or more" in panel
    assert reverse("library:nominate", args=[great_evaluation.call_id]) in panel


def test_the_panel_offers_the_agent_a_proposal_and_the_lead_nothing(client, great_evaluation, agent, lead):
    client.force_login(agent)
    panel = client.get(reverse("library:evaluation_panel", args=[great_evaluation.pk])).content.decode()
    assert "Propose for the library" in panel
    client.force_login(lead)
    panel = client.get(reverse("library:evaluation_panel", args=[great_evaluation.pk])).content.decode()
    assert "library:nominate" not in panel and "Propose" not in panel and "Nominate" not in panel


def test_the_panel_links_the_entry_once_nominated(client, entry, reviewer, other_agent):
    client.force_login(reviewer)
    panel = client.get(reverse("library:evaluation_panel", args=[entry.evaluation_id])).content.decode()
    assert "in the exemplary-call library" in panel and entry.get_absolute_url() in panel
    client.force_login(other_agent)  # may not read the evaluation
    assert client.get(reverse("library:evaluation_panel", args=[entry.evaluation_id])).status_code == 404

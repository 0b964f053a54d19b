"""The draft editor: GET /scorecards/versions/<pk>/edit/ and each POST that changes part of a draft."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from scorecards.builder import services as builder
from scorecards.models import Criterion, CriterionOption, ScorecardVersion, Section
from tests.factories import CallTypeFactory, make_published_version, many_criteria

pytestmark = pytest.mark.django_db


SECTIONS = [
    ("Opening", 40, [("Greeting", "yes_no", 1, {}), ("Name", "yes_no", 2, {"guidance": "Twice"})]),
    ("Close", 20, [("Tone", "choice", 1, {"options": [("Cold", 0), ("Warm", 2)]})]),
]


@pytest.fixture
def published(call_type):
    return make_published_version(call_type, sections=SECTIONS)


@pytest.fixture
def draft(published, manager):
    return builder.start_draft(scorecard=published.scorecard, by=manager)


def edit_url(version) -> str:
    return reverse("scorecards:edit", args=[version.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def option_rows(rows, *, initial=0) -> dict:
    """The options formset's POST data: (label, points[, id[, order[, delete]]]) per row."""
    data = {"options-TOTAL_FORMS": str(len(rows)), "options-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        label, points, *more = row
        data[f"options-{index}-label"] = label
        data[f"options-{index}-points"] = points
        if len(more) > 0 and more[0] is not None:
            data[f"options-{index}-id"] = str(more[0])
        if len(more) > 1 and more[1] is not None:
            data[f"options-{index}-position"] = str(more[1])
        if len(more) > 2 and more[2]:
            data[f"options-{index}-DELETE"] = "on"
    return data


def parts(version):
    """The objects each POST endpoint acts on, by URL name."""
    section = version.sections.get(title="Opening")
    tone = Criterion.objects.get(section__version=version, title="Tone")
    greeting = section.criteria.get(title="Greeting")
    return {
        "version_settings": (
            version,
            {"settings-scoring_method": "total_points", "settings-pass_mark": "70"},
        ),
        "publish": (version, {"publish-notes": "x"}),
        "discard": (version, {}),
        "section_add": (version, {"new-section-title": "New", "new-section-weight": "5"}),
        "section_edit": (
            section,
            {f"section-{section.pk}-title": "Renamed", f"section-{section.pk}-weight": "3"},
        ),
        "section_delete": (section, {}),
        "section_move": (section, {"direction": "down"}),
        "criterion_add": (section, {"title": "New", "kind": "yes_no", "weight": "1", "critical_scope": ""}),
        "criterion_edit": (
            greeting,
            {"title": "Renamed", "kind": "yes_no", "weight": "4", "critical_scope": ""},
        ),
        "criterion_delete": (greeting, {}),
        "criterion_move": (greeting, {"direction": "down"}),
        "criterion_edit[options]": (
            tone,
            {
                "title": "Tone",
                "kind": "choice",
                "weight": "1",
                "critical_scope": "",
                **option_rows([("Icy", "1"), ("Hot", "3")]),
            },
        ),
    }


ACTIONS = [
    "version_settings",
    "publish",
    "discard",
    "section_add",
    "section_edit",
    "section_delete",
    "section_move",
    "criterion_add",
    "criterion_edit",
    "criterion_delete",
    "criterion_move",
    "criterion_edit[options]",
]
GET_ALLOWED = {"criterion_add", "criterion_edit", "criterion_edit[options]"}


def url_name(action: str) -> str:
    """ "name[variant]" posts other data to the URL "name"."""
    return action.split("[")[0]


def snapshot(version):
    """What any builder POST could change."""
    version.refresh_from_db()
    return (
        version.status,
        version.scoring_method,
        version.pass_mark,
        list(version.sections.values_list("title", "weight", "position")),
        list(Criterion.objects.filter(section__version=version).values_list("title", "weight", "position")),
        list(
            CriterionOption.objects.filter(criterion__section__version=version).values_list(
                "label", "points", "position"
            )
        ),
    )


# --- The edit page ----------------------------------------------------------------------------------------


def test_edit_anonymous_is_sent_to_login(client, draft):
    response = client.get(edit_url(draft))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["agent", "other_agent", "lead", "reviewer"])
def test_a_draft_is_404_to_non_managers(client, draft, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(edit_url(draft)).status_code == 404


@pytest.mark.parametrize("who", ["agent", "lead", "reviewer"])
def test_editing_a_published_version_is_403_to_non_managers(client, published, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(edit_url(published)).status_code == 403


def test_edit_wrong_method_is_405(client, manager, draft):
    client.force_login(manager)
    assert client.post(edit_url(draft)).status_code == 405


def test_a_published_version_sends_the_manager_to_its_page(client, manager, published):
    client.force_login(manager)
    response = client.get(edit_url(published))
    assert response.status_code == 302 and response.url == reverse("scorecards:version", args=[published.pk])


def test_manager_edits_the_draft_with_agents_comments_beside_criteria(
    client, manager, agent, published, draft
):
    builder.add_criterion_comment(
        criterion=Criterion.objects.get(section__version=published, title="Name"),
        author=agent,
        body="Twice is too much on short calls",
    )
    client.force_login(manager)
    response = client.get(edit_url(draft))
    assert response.status_code == 200
    sections = response.context["sections"]
    assert [s.title for s in sections] == ["Opening", "Close"]
    name = sections[0].criteria_list[1]
    assert name.title == "Name"
    assert [c.body for c in name.comments_list] == ["Twice is too much on short calls"]
    content = response.content.decode()
    assert "Twice is too much on short calls" in content and "on v1" in content
    assert response.context["problems"] == []
    assert "Ready to publish" in content
    assert "Warm (2)" in content


def test_the_edit_page_lists_what_blocks_publishing(client, manager, draft):
    Criterion.objects.filter(section__version=draft, title="Tone").delete()
    client.force_login(manager)
    response = client.get(edit_url(draft))
    assert response.context["problems"] == ["Section “Close” has no criterion."]
    assert 'id="publish-problems"' in response.content.decode()


@pytest.mark.parametrize("count", [3, 40])
def test_edit_page_query_count_does_not_grow(client, manager, django_assert_num_queries, count):
    call_type = CallTypeFactory()
    make_published_version(call_type, sections=many_criteria(count))
    draft = builder.start_draft(scorecard=call_type.scorecard, by=manager)
    client.force_login(manager)
    # session, user, unread notifications, version, sections, options, criteria, comments, publish checks (2)
    with django_assert_num_queries(10):
        response = client.get(edit_url(draft))
    assert sum(len(s.criteria_list) for s in response.context["sections"]) == count


# --- Access to every POST endpoint ------------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_post_anonymous_is_sent_to_login(client, draft, action):
    target, data = parts(draft)[action]
    response = client.post(reverse(f"scorecards:{url_name(action)}", args=[target.pk]), data)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("action", ACTIONS)
def test_post_on_a_draft_is_404_to_non_managers(client, agent, draft, action):
    target, data = parts(draft)[action]
    before = snapshot(draft)
    client.force_login(agent)
    assert client.post(reverse(f"scorecards:{url_name(action)}", args=[target.pk]), data).status_code == 404
    assert snapshot(draft) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_post_on_a_published_version_is_403_to_non_managers(client, reviewer, published, action):
    target, data = parts(published)[action]
    before = snapshot(published)
    client.force_login(reviewer)
    assert client.post(reverse(f"scorecards:{url_name(action)}", args=[target.pk]), data).status_code == 403
    assert snapshot(published) == before


@pytest.mark.parametrize("action", sorted(set(ACTIONS) - GET_ALLOWED))
def test_post_only_endpoints_refuse_get(client, manager, draft, action):
    target, _data = parts(draft)[action]
    client.force_login(manager)
    assert client.get(reverse(f"scorecards:{url_name(action)}", args=[target.pk])).status_code == 405


@pytest.mark.parametrize("action", ACTIONS)
def test_a_published_version_stays_frozen_for_managers_too(client, manager, published, action):
    target, data = parts(published)[action]
    before = snapshot(published)
    client.force_login(manager)
    response = client.post(reverse(f"scorecards:{url_name(action)}", args=[target.pk]), data)
    assert response.status_code == 302
    assert snapshot(published) == before
    if action not in GET_ALLOWED:  # the criterion pages send back to the (frozen) editor without trying
        assert any("cannot be changed" in m for m in messages_of(response))


# --- What each POST does ----------------------------------------------------------------------------------


def post(client, action, target, data):
    return client.post(reverse(f"scorecards:{url_name(action)}", args=[target.pk]), data)


def test_settings(client, manager, draft):
    client.force_login(manager)
    post(client, "version_settings", *parts(draft)["version_settings"])
    draft.refresh_from_db()
    assert (draft.scoring_method, draft.pass_mark) == ("total_points", Decimal(70))
    response = post(
        client, "version_settings", draft, {"settings-scoring_method": "x", "settings-pass_mark": "101"}
    )
    draft.refresh_from_db()
    assert draft.pass_mark == 70
    assert messages_of(response)[-2:] == [
        "Scoring method: Select a valid choice. x is not one of the available choices.",
        "Pass mark: Ensure this value is less than or equal to 100.",
    ]


def test_sections(client, manager, draft):
    client.force_login(manager)
    response = post(client, "section_add", *parts(draft)["section_add"])
    new = draft.sections.get(title="New")
    assert (new.weight, new.position) == (5, 2)
    assert response.url == edit_url(draft) + "#sections-end"

    post(client, "section_edit", *parts(draft)["section_edit"])
    post(client, "section_move", draft.sections.get(title="New"), {"direction": "up"})
    assert list(draft.sections.order_by("position").values_list("title", "weight")) == [
        ("Renamed", 3),
        ("New", 5),
        ("Close", 20),
    ]
    post(client, "section_delete", draft.sections.get(title="Renamed"), {})
    assert list(draft.sections.order_by("position").values_list("title", flat=True)) == ["New", "Close"]


def test_a_section_weight_must_be_positive(client, manager, draft):
    client.force_login(manager)
    response = post(client, "section_add", draft, {"new-section-title": "Zero", "new-section-weight": "0"})
    assert not draft.sections.filter(title="Zero").exists()
    assert messages_of(response)


def test_criteria(client, manager, draft):
    client.force_login(manager)
    opening = draft.sections.get(title="Opening")
    add_url = reverse("scorecards:criterion_add", args=[opening.pk])
    assert client.get(add_url).status_code == 200
    response = client.post(
        add_url,
        {"title": "Empathy", "kind": "scale", "scale_max": "4", "weight": "2", "allows_na": "on",
         "critical_scope": "section", "guidance": "Acknowledges the problem"},
    )  # fmt: skip
    empathy = opening.criteria.get(title="Empathy")
    assert response.url == edit_url(draft) + f"#criterion-{empathy.pk}"
    assert (empathy.kind, empathy.scale_max, empathy.weight, empathy.allows_na, empathy.critical_scope) == (
        "scale", 4, 2, True, "section",
    )  # fmt: skip
    assert empathy.position == 2

    edit = reverse("scorecards:criterion_edit", args=[empathy.pk])
    assert client.get(edit).status_code == 200
    client.post(
        edit, {"title": "Empathy", "kind": "yes_no", "scale_max": "4", "weight": "1", "critical_scope": ""}
    )
    empathy.refresh_from_db()
    assert (empathy.kind, empathy.scale_max, empathy.allows_na, empathy.critical_scope) == (
        "yes_no",
        None,
        False,
        "",
    )

    post(client, "criterion_move", empathy, {"direction": "up"})
    assert list(opening.criteria.order_by("position").values_list("title", flat=True)) == [
        "Greeting", "Empathy", "Name",
    ]  # fmt: skip
    post(client, "criterion_delete", empathy, {})
    assert not opening.criteria.filter(title="Empathy").exists()


def test_an_invalid_criterion_is_shown_again_with_errors(client, manager, draft):
    client.force_login(manager)
    opening = draft.sections.get(title="Opening")
    response = client.post(
        reverse("scorecards:criterion_add", args=[opening.pk]),
        {"title": "Scale without N", "kind": "scale", "weight": "1", "critical_scope": ""},
    )
    assert response.status_code == 200
    assert "scale_max" in response.context["form"].errors
    assert not opening.criteria.filter(title="Scale without N").exists()


def test_discard(client, manager, published, draft):
    client.force_login(manager)
    response = post(client, "discard", draft, {})
    assert response.url == reverse("scorecards:detail", args=[published.scorecard_id])
    assert not ScorecardVersion.objects.filter(pk=draft.pk).exists()
    assert not Section.objects.filter(version_id=draft.pk).exists()
    assert ScorecardVersion.objects.get(pk=published.pk).status == "published"

"""A choice criterion's options are part of its own form (criterion_add / criterion_edit): one POST saves the
criterion with its options, and every mistake is shown beside the row and field it is about."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scorecards.builder import services as builder
from scorecards.models import Criterion, CriterionOption
from tests.factories import CallTypeFactory, make_published_version
from tests.scorecards.builder.test_edit import SECTIONS, option_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(call_type, manager):
    published = make_published_version(call_type, sections=SECTIONS)
    return builder.start_draft(scorecard=published.scorecard, by=manager)


@pytest.fixture
def tone(draft):
    return Criterion.objects.get(section__version=draft, title="Tone")


def option(label, points, *, id=None):
    return builder.OptionInput(label=label, points=Decimal(points), id=id)


def choice_data(title="Offer", rows=(), *, initial=0, **more):
    data = {"title": title, "kind": "choice", "weight": "1", "critical_scope": ""}
    return {**data, **option_rows(list(rows), initial=initial), **more}


def options_of(criterion):
    return list(criterion.options.order_by("position").values_list("label", "points", "position"))


# --- The rule (services) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, rows, overall",
    [
        ([option("Warm", 2), option("warm ", 1)], {1: {"label"}}, []),
        ([option("Warm", 2), option("Cold", 101)], {1: {"points"}}, []),
        ([option("Warm", -1), option("Cold", 2)], {0: {"points"}}, []),
        ([option("Warm", 2)], {}, ["at least two options"]),
        ([], {}, ["at least two options"]),
        ([option("Warm", 0), option("Cold", 0)], {}, ["must earn points"]),
        ([option("Warm", 100), option("Cold", 0)], {}, []),
    ],
)
def test_option_problems(options, rows, overall):
    problems = builder.option_problems(options)
    assert {index: set(fields) for index, fields in problems.rows.items()} == rows
    assert len(problems.overall) == len(overall)
    for expected, message in zip(overall, problems.overall, strict=True):
        assert expected in message


def test_update_criterion_refuses_invalid_options_and_changes_nothing(tone):
    before = options_of(tone)
    with pytest.raises(ValidationError, match="already has this label"):
        builder.update_criterion(
            criterion=tone, title="Tone!", kind="choice", weight=Decimal(1),
            options=[option("Warm", 2), option("WARM", 0)],
        )  # fmt: skip
    tone.refresh_from_db()
    assert (tone.title, options_of(tone)) == ("Tone", before)


def test_an_option_of_another_criterion_cannot_be_taken_over(tone):
    other = make_published_version(CallTypeFactory(name="Sales", slug="sales"), sections=SECTIONS)
    foreign = CriterionOption.objects.filter(criterion__section__version=other).first()
    with pytest.raises(ValidationError, match="changed meanwhile"):
        builder.update_criterion(
            criterion=tone, title="Tone", kind="choice", weight=Decimal(1),
            options=[option("Mine now", 2, id=foreign.pk), option("Cold", 0)],
        )  # fmt: skip
    foreign.refresh_from_db()
    assert foreign.label != "Mine now" and foreign.criterion.section.version_id == other.pk


def test_options_are_updated_in_place_added_and_removed(tone):
    cold, warm = tone.options.order_by("position")
    builder.update_criterion(
        criterion=tone, title="Tone", kind="choice", weight=Decimal(1),
        options=[option("Warm and kind", 3, id=warm.pk), option("Neutral", 1)],
    )  # fmt: skip
    assert options_of(tone) == [("Warm and kind", 3, 0), ("Neutral", 1, 1)]
    assert tone.options.get(label="Warm and kind").pk == warm.pk  # kept: its id stays
    assert not CriterionOption.objects.filter(pk=cold.pk).exists()


# --- The form ---------------------------------------------------------------------------------------------


def test_a_new_choice_criterion_is_saved_with_its_options_in_one_post(client, manager, draft):
    client.force_login(manager)
    opening = draft.sections.get(title="Opening")
    rows = [("None", "0"), ("Upgrade", "5"), ("", "")]  # the blank row is ignored
    response = client.post(reverse("scorecards:criterion_add", args=[opening.pk]), choice_data(rows=rows))
    offer = opening.criteria.get(title="Offer")
    assert response.status_code == 302
    assert response.url == reverse("scorecards:edit", args=[draft.pk]) + f"#criterion-{offer.pk}"
    assert options_of(offer) == [("None", 0, 0), ("Upgrade", 5, 1)]


def test_the_add_page_offers_blank_option_rows(client, manager, draft):
    client.force_login(manager)
    opening = draft.sections.get(title="Opening")
    page = client.get(reverse("scorecards:criterion_add", args=[opening.pk]))
    html = page.content.decode()
    assert 'id="options"' in html and 'name="options-0-label"' in html and 'name="options-1-label"' in html
    assert 'id="option-empty-row"' in html  # what "Add another option" copies (JavaScript)
    assert "scorecards/builder/criterion_form.html" in [t.name for t in page.templates]


def test_duplicate_labels_are_shown_beside_the_second_row_and_nothing_is_saved(client, manager, draft):
    client.force_login(manager)
    opening = draft.sections.get(title="Opening")
    data = choice_data(rows=[("Upgrade", "5"), ("upgrade", "2")])
    response = client.post(reverse("scorecards:criterion_add", args=[opening.pk]), data)
    assert response.status_code == 200
    rows = response.context["options"].forms
    assert rows[0].errors == {}
    assert rows[1].errors["label"] == ["Another option already has this label."]
    html = response.content.decode()
    assert "Another option already has this label." in html
    assert 'name="options-1-label" value="upgrade"' in html  # what was typed stays in its row
    assert not opening.criteria.filter(title="Offer").exists()


def test_points_outside_the_range_are_shown_beside_the_points(client, manager, tone):
    client.force_login(manager)
    cold, warm = tone.options.order_by("position")
    data = choice_data("Tone", [("Cold", "0", cold.pk), ("Warm", "250", warm.pk)], initial=2)
    response = client.post(reverse("scorecards:criterion_edit", args=[tone.pk]), data)
    assert response.status_code == 200
    assert response.context["options"].forms[1].errors["points"] == ["Points must be between 0 and 100."]
    assert options_of(tone) == [("Cold", 0, 0), ("Warm", 2, 1)]


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("Only", "2")], "A choice needs at least two options"),
        ([("A", "0"), ("B", "0")], "At least one option must earn points"),
    ],
)
def test_too_few_options_or_no_points_is_said_above_the_rows(client, manager, draft, rows, message):
    client.force_login(manager)
    opening = draft.sections.get(title="Opening")
    response = client.post(reverse("scorecards:criterion_add", args=[opening.pk]), choice_data(rows=rows))
    assert response.status_code == 200
    assert any(message in error for error in response.context["options"].non_form_errors())
    assert 'id="options-errors"' in response.content.decode()
    assert not opening.criteria.filter(title="Offer").exists()


def test_a_choice_posted_without_option_rows_says_what_is_missing(client, manager, draft):
    client.force_login(manager)
    opening = draft.sections.get(title="Opening")
    data = {"title": "Offer", "kind": "choice", "weight": "1", "critical_scope": ""}
    response = client.post(reverse("scorecards:criterion_add", args=[opening.pk]), data)
    assert response.status_code == 200
    assert any("at least two options" in error for error in response.context["form"].non_field_errors())
    assert not opening.criteria.filter(title="Offer").exists()


def test_criterion_and_option_errors_are_shown_together(client, manager, draft):
    client.force_login(manager)
    opening = draft.sections.get(title="Opening")
    data = choice_data(title="", rows=[("Upgrade", "5"), ("Upgrade", "2")])
    response = client.post(reverse("scorecards:criterion_add", args=[opening.pk]), data)
    assert "title" in response.context["form"].errors
    assert "label" in response.context["options"].forms[1].errors


def test_editing_renames_reorders_removes_and_adds_in_one_post(client, manager, tone):
    client.force_login(manager)
    cold, warm = tone.options.order_by("position")
    rows = [
        ("Icy", "0", cold.pk, 2),
        ("Warm", "2", warm.pk, None, True),  # removed
        ("Hot", "3", None, 0),
        ("Mild", "1", None, 1),
    ]
    data = choice_data("Tone", rows, initial=2)
    response = client.post(reverse("scorecards:criterion_edit", args=[tone.pk]), data)
    assert response.status_code == 302
    assert options_of(tone) == [("Hot", 3, 0), ("Mild", 1, 1), ("Icy", 0, 2)]
    assert tone.options.get(label="Icy").pk == cold.pk


def test_the_edit_page_lists_the_options_in_order_with_blank_rows(client, manager, tone):
    client.force_login(manager)
    page = client.get(reverse("scorecards:criterion_edit", args=[tone.pk]))
    formset = page.context["options"]
    assert [form.initial.get("label") for form in formset.forms] == ["Cold", "Warm", None, None]
    assert formset.forms[0].initial["id"] == tone.options.get(label="Cold").pk


def test_save_and_add_more_comes_back_to_the_criterion(client, manager, tone):
    client.force_login(manager)
    cold, warm = tone.options.order_by("position")
    data = choice_data("Tone", [("Cold", "0", cold.pk), ("Warm", "2", warm.pk), ("Hot", "3")], initial=2)
    response = client.post(reverse("scorecards:criterion_edit", args=[tone.pk]), {**data, "continue": "1"})
    assert response.url == reverse("scorecards:criterion_edit", args=[tone.pk]) + "#options"
    page = client.get(response.url)
    assert len(page.context["options"].forms) == 5  # three options and two blank rows


def test_a_yes_no_criterion_ignores_the_option_rows(client, manager, draft):
    client.force_login(manager)
    opening = draft.sections.get(title="Opening")
    data = {**choice_data(title="Polite", rows=[("Upgrade", "5"), ("Upgrade", "500")]), "kind": "yes_no"}
    response = client.post(reverse("scorecards:criterion_add", args=[opening.pk]), data)
    assert response.status_code == 302
    polite = opening.criteria.get(title="Polite")
    assert (polite.kind, polite.options.count()) == ("yes_no", 0)


def test_a_tampered_option_id_is_refused_in_the_form(client, manager, tone):
    client.force_login(manager)
    other = make_published_version(CallTypeFactory(name="Sales", slug="sales"), sections=SECTIONS)
    foreign = CriterionOption.objects.filter(criterion__section__version=other).first()
    data = choice_data("Tone", [("Mine", "2", foreign.pk), ("Cold", "0")], initial=1)
    response = client.post(reverse("scorecards:criterion_edit", args=[tone.pk]), data)
    assert response.status_code == 200
    assert any("changed meanwhile" in error for error in response.context["form"].non_field_errors())
    foreign.refresh_from_db()
    assert foreign.label != "Mine"


@pytest.mark.parametrize("who", ["agent", "reviewer", "lead"])
def test_non_managers_cannot_post_options(client, request, tone, who):
    client.force_login(request.getfixturevalue(who))
    before = options_of(tone)
    response = client.post(
        reverse("scorecards:criterion_edit", args=[tone.pk]), choice_data("Tone", [("X", "1"), ("Y", "0")])
    )
    assert response.status_code == 404  # a draft's parts are not visible to them
    assert options_of(tone) == before


def test_options_of_a_published_version_are_frozen(client, manager, call_type):
    published = make_published_version(call_type, sections=SECTIONS)
    tone = Criterion.objects.get(section__version=published, title="Tone")
    client.force_login(manager)
    before = options_of(tone)
    response = client.post(
        reverse("scorecards:criterion_edit", args=[tone.pk]), choice_data("Tone", [("X", "1"), ("Y", "0")])
    )
    assert response.status_code == 302 and response.url == reverse("scorecards:edit", args=[published.pk])
    assert options_of(tone) == before

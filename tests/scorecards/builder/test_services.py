"""Builder services: create, draft (deep copy), edit drafts only, reorder, publish, build_spec, comments."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scorecards.builder import services as builder
from scorecards.models import (
    Criterion,
    CriterionComment,
    CriterionOption,
    Scorecard,
    ScorecardVersion,
    Section,
)
from scorecards.scoring import engine as scoring
from scorecards.scoring.spec import build_spec, criterion_max_points
from tests.factories import CallTypeFactory, make_published_version, many_criteria

pytestmark = pytest.mark.django_db

Status = ScorecardVersion.Status


def option(label: str, points, *, id: int | None = None) -> builder.OptionInput:
    return builder.OptionInput(label=label, points=Decimal(points), id=id)


def outline(version) -> list:
    """Everything a copy must keep, without ids."""
    return [
        (
            s.title,
            s.weight,
            s.position,
            [
                (
                    c.title,
                    c.kind,
                    c.weight,
                    c.scale_max,
                    c.allows_na,
                    c.critical_scope,
                    c.guidance,
                    c.position,
                    [(o.label, o.points, o.position) for o in c.options.order_by("position")],
                )
                for c in s.criteria.order_by("position")
            ],
        )
        for s in version.sections.order_by("position")
    ]


def titles(queryset) -> list[str]:
    return list(queryset.order_by("position", "id").values_list("title", flat=True))


@pytest.fixture
def published(call_type, manager):
    return make_published_version(
        call_type,
        sections=[
            (
                "Opening",
                40,
                [("Greeting", "yes_no", 1, {"guidance": "Say hello"}), ("Name", "yes_no", 2, {})],
            ),
            (
                "Resolution",
                60,
                [
                    ("Diagnosis", "scale", 3, {"scale_max": 4, "allows_na": True}),
                    ("Tone", "choice", 1, {"options": [("Poor", 0), ("Good", 2)], "critical": "section"}),
                ],
            ),
        ],
        method="total_points",
        pass_mark=80,
        published_by=manager,
    )


@pytest.fixture
def draft(published, manager):
    return builder.start_draft(scorecard=published.scorecard, by=manager)


# --- create_scorecard / start_draft ------------------------------------------------------------------------


def test_create_scorecard_starts_an_empty_draft(call_type, manager):
    scorecard = builder.create_scorecard(call_type=call_type, name="Support", description="", by=manager)
    assert (scorecard.call_type, scorecard.name, scorecard.created_by) == (call_type, "Support", manager)
    assert list(scorecard.versions.values_list("number", "status")) == [(1, Status.DRAFT)]
    assert not Section.objects.filter(version__scorecard=scorecard).exists()


def test_a_call_type_has_one_scorecard(call_type, manager):
    builder.create_scorecard(call_type=call_type, name="Support", by=manager)
    with pytest.raises(ValidationError):
        builder.create_scorecard(call_type=call_type, name="Again", by=manager)
    assert Scorecard.objects.filter(call_type=call_type).count() == 1


def test_start_draft_deep_copies_the_published_version(published, draft):
    assert (draft.number, draft.status) == (2, Status.DRAFT)
    assert (draft.scoring_method, draft.pass_mark) == ("total_points", Decimal("80"))
    assert outline(draft) == outline(published)
    # New rows, not shared ones: editing the draft cannot touch the published version.
    assert not set(Criterion.objects.filter(section__version=draft).values_list("pk", flat=True)) & set(
        Criterion.objects.filter(section__version=published).values_list("pk", flat=True)
    )
    assert CriterionOption.objects.filter(criterion__section__version=draft).count() == 2
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_start_draft_refuses_a_second_draft(draft, manager):
    with pytest.raises(builder.DraftExists) as raised:
        builder.start_draft(scorecard=draft.scorecard, by=manager)
    assert raised.value.draft == draft
    assert draft.scorecard.versions.count() == 2


def test_start_draft_without_a_published_version_is_empty(call_type, manager):
    scorecard = builder.create_scorecard(call_type=call_type, name="Support", by=manager)
    builder.discard_draft(version=scorecard.versions.get())
    draft = builder.start_draft(scorecard=scorecard, by=manager)
    assert (draft.number, draft.sections.count()) == (1, 0)


# --- Editing a draft ---------------------------------------------------------------------------------------


def test_edits_build_a_draft(draft):
    section = builder.add_section(version=draft, title="Close", weight=Decimal("20"))
    assert section.position == 2
    scale = builder.add_criterion(
        section=section, title="Summary", kind="scale", scale_max=3, weight=Decimal(2)
    )
    choice = builder.add_criterion(
        section=section,
        title="Offer",
        kind="choice",
        critical_scope="evaluation",
        options=[option("None", 0), option("Upgrade", 5)],
    )
    best = choice.options.get(label="Upgrade")
    builder.update_criterion(
        criterion=choice,
        title="Offer",
        kind="choice",
        weight=Decimal(1),
        critical_scope="evaluation",
        options=[
            option("None", 0, id=choice.options.get(label="None").pk),
            option("Upgrade offered", 4, id=best.pk),
        ],
    )
    builder.update_section(section=section, title="Closing", weight=Decimal(25))

    section.refresh_from_db()
    assert (section.title, section.weight) == ("Closing", 25)
    assert [(c.title, c.kind, c.scale_max, c.weight, c.position) for c in section.criteria.all()] == [
        ("Summary", "scale", 3, 2, 0),
        ("Offer", "choice", None, 1, 1),
    ]
    assert list(choice.options.values_list("label", "points", "position")) == [
        ("None", 0, 0),
        ("Upgrade offered", 4, 1),
    ]
    assert scale.scale_max == 3


def test_update_criterion_drops_options_when_no_longer_a_choice(draft):
    tone = Criterion.objects.get(section__version=draft, title="Tone")
    builder.update_criterion(criterion=tone, title="Tone ok", kind="yes_no", weight=Decimal(1), scale_max=7)
    tone.refresh_from_db()
    assert (tone.title, tone.kind, tone.scale_max, tone.options.count()) == ("Tone ok", "yes_no", None, 0)


def test_a_scale_needs_its_maximum(draft):
    section = draft.sections.first()
    with pytest.raises(ValidationError):
        builder.add_criterion(section=section, title="Empathy", kind="scale", scale_max=None)
    assert not section.criteria.filter(title="Empathy").exists()


def test_only_a_choice_keeps_options(draft):
    section = draft.sections.first()
    greeting = builder.add_criterion(
        section=section, title="Maybe", kind="yes_no", options=[option("Yes", 1), option("No", 0)]
    )
    assert not greeting.options.exists()


def test_delete_section_and_criterion(draft):
    tone = Criterion.objects.get(section__version=draft, title="Tone")
    builder.delete_criterion(criterion=tone)
    assert titles(Criterion.objects.filter(section__version=draft)) == ["Greeting", "Diagnosis", "Name"]
    builder.delete_section(section=draft.sections.get(title="Opening"))
    assert titles(draft.sections) == ["Resolution"]
    assert titles(Criterion.objects.filter(section__version=draft)) == ["Diagnosis"]


def test_moving_sections_and_criteria(draft):
    opening, resolution = draft.sections.order_by("position")
    assert builder.move_section(section=resolution, direction="up") is True
    assert titles(draft.sections) == ["Resolution", "Opening"]
    assert builder.move_section(section=resolution, direction="up") is False  # already first
    assert titles(draft.sections) == ["Resolution", "Opening"]

    name = opening.criteria.get(title="Name")
    assert builder.move_criterion(criterion=name, direction="up") is True
    assert titles(opening.criteria) == ["Name", "Greeting"]
    assert builder.move_criterion(criterion=name, direction="down") is True
    assert builder.move_criterion(criterion=name, direction="down") is False  # already last
    assert titles(opening.criteria) == ["Greeting", "Name"]


def test_moving_renumbers_positions_with_gaps_and_ties(draft):
    opening = draft.sections.get(title="Opening")
    builder.add_criterion(section=opening, title="Third")
    Criterion.objects.filter(section=opening).update(position=7)  # ties: ordered by id
    third = opening.criteria.get(title="Third")
    builder.move_criterion(criterion=third, direction="up")
    assert list(opening.criteria.order_by("position").values_list("title", "position")) == [
        ("Greeting", 0),
        ("Third", 1),
        ("Name", 2),
    ]


def _frozen_edits(version):
    section = version.sections.get(title="Opening")
    greeting = section.criteria.get(title="Greeting")
    tone = Criterion.objects.get(section__version=version, title="Tone")
    kept = tone.options.first()
    return [
        lambda: builder.add_section(version=version, title="New"),
        lambda: builder.update_section(section=section, title="Changed", weight=Decimal(1)),
        lambda: builder.delete_section(section=section),
        lambda: builder.move_section(section=section, direction="down"),
        lambda: builder.add_criterion(section=section, title="New"),
        lambda: builder.update_criterion(
            criterion=greeting, title="Changed", kind="yes_no", weight=Decimal(9)
        ),
        lambda: builder.delete_criterion(criterion=greeting),
        lambda: builder.move_criterion(criterion=greeting, direction="down"),
        lambda: builder.update_criterion(
            criterion=tone,
            title="Tone",
            kind="choice",
            weight=Decimal(1),
            options=[option("Changed", 9, id=kept.pk), option("New", 1)],
        ),
        lambda: builder.update_version_settings(
            version=version, scoring_method="weighted_sections", pass_mark=1
        ),
        lambda: builder.discard_draft(version=version),
    ]


@pytest.mark.parametrize("edit", range(11))
def test_a_published_version_is_frozen(published, edit):
    before = outline(published)
    with pytest.raises(builder.NotADraft) as raised:
        _frozen_edits(published)[edit]()
    assert "cannot be changed" in str(raised.value)
    published.refresh_from_db()
    assert outline(published) == before
    assert (published.status, published.pass_mark, published.scoring_method) == (
        "published",
        80,
        "total_points",
    )


def test_a_retired_version_is_frozen(published, draft, manager):
    builder.publish(version=draft, by=manager)
    with pytest.raises(builder.NotADraft):
        builder.add_section(version=published, title="Late")
    assert not published.sections.filter(title="Late").exists()


def test_update_version_settings(draft):
    builder.update_version_settings(
        version=draft, scoring_method="weighted_sections", pass_mark=Decimal("90.5")
    )
    draft.refresh_from_db()
    assert (draft.scoring_method, draft.pass_mark) == ("weighted_sections", Decimal("90.5"))
    with pytest.raises(ValidationError):
        builder.update_version_settings(
            version=draft, scoring_method="weighted_sections", pass_mark=Decimal(101)
        )


# --- Publishing --------------------------------------------------------------------------------------------


def test_publish_retires_the_version_in_force(published, draft, manager):
    builder.update_section(section=draft.sections.get(title="Opening"), title="Opening", weight=Decimal(50))
    builder.publish(version=draft, by=manager, notes="Opening weighs more")
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == Status.RETIRED
    assert (draft.status, draft.published_by, draft.notes) == (
        Status.PUBLISHED,
        manager,
        "Opening weighs more",
    )
    assert draft.published_at is not None
    assert list(ScorecardVersion.objects.published().filter(scorecard=draft.scorecard)) == [draft]
    # The retired version kept its content.
    assert published.sections.get(title="Opening").weight == 40


def test_publish_a_first_version(call_type, manager):
    scorecard = builder.create_scorecard(call_type=call_type, name="Support", by=manager)
    draft = scorecard.versions.get()
    section = builder.add_section(version=draft, title="All", weight=Decimal(1))
    builder.add_criterion(section=section, title="Greeting")
    builder.publish(version=draft, by=manager)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.notes == ""


def test_publishing_twice_is_refused(draft, manager):
    builder.publish(version=draft, by=manager)
    with pytest.raises(builder.NotADraft):
        builder.publish(version=draft, by=manager)


def _break(draft, problem):
    section = draft.sections.get(title="Opening")
    tone = Criterion.objects.get(section__version=draft, title="Tone")
    diagnosis = Criterion.objects.get(section__version=draft, title="Diagnosis")
    if problem == "no section":
        draft.sections.all().delete()
    elif problem == "empty section":
        section.criteria.all().delete()
    elif problem == "section weight":
        Section.objects.filter(pk=section.pk).update(weight=0)
    elif problem == "criterion weight":
        Criterion.objects.filter(pk=tone.pk).update(weight=0)
    elif problem == "scale max":
        Criterion.objects.filter(pk=diagnosis.pk).update(scale_max=0)
    elif problem == "one option":
        tone.options.filter(label="Poor").delete()
    elif problem == "no points":
        tone.options.update(points=0)
    elif problem == "pass mark":
        ScorecardVersion.objects.filter(pk=draft.pk).update(pass_mark=Decimal("100.5"))


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("no section", "at least one section"),
        ("empty section", "“Opening” has no criterion"),
        ("section weight", "Section “Opening”: the weight must be more than 0"),
        ("criterion weight", "Criterion “Tone”: the weight must be more than 0"),
        ("scale max", "Criterion “Diagnosis”: a scale needs a maximum"),
        ("one option", "Criterion “Tone”: a choice needs at least two options"),
        ("no points", "Criterion “Tone”: at least one option must earn points"),
        ("pass mark", "pass mark must be between 0 and 100"),
    ],
)
def test_publish_refuses_an_unpublishable_draft(published, draft, manager, problem, message):
    assert builder.publish_problems(draft) == []
    _break(draft, problem)
    with pytest.raises(ValidationError) as raised:
        builder.publish(version=draft, by=manager)
    assert any(message in text for text in raised.value.messages), raised.value.messages
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == (Status.DRAFT, Status.PUBLISHED)


# --- build_spec and criterion_max_points -------------------------------------------------------------------


def test_criterion_max_points_per_kind():
    options = [
        CriterionOption(label="a", points=Decimal("1.5")),
        CriterionOption(label="b", points=Decimal(4)),
    ]
    assert criterion_max_points(Criterion(kind="yes_no"), options) == 1
    assert criterion_max_points(Criterion(kind="scale", scale_max=7)) == 7
    assert criterion_max_points(Criterion(kind="choice"), options) == 4
    assert criterion_max_points(Criterion(kind="choice"), []) == 0


def test_build_spec_mirrors_the_version(published):
    spec = build_spec(published)
    ids = dict(Criterion.objects.filter(section__version=published).values_list("title", "pk"))
    sections = dict(published.sections.values_list("title", "pk"))
    assert spec == scoring.ScorecardSpec(
        sections=(
            scoring.SectionSpec(
                sections["Opening"],
                (scoring.CriterionSpec(ids["Greeting"], 1, 1), scoring.CriterionSpec(ids["Name"], 1, 2)),
                weight=40,
            ),
            scoring.SectionSpec(
                sections["Resolution"],
                (
                    scoring.CriterionSpec(ids["Diagnosis"], 4, 3, allows_na=True),
                    scoring.CriterionSpec(ids["Tone"], 2, 1, critical="section"),
                ),
                weight=60,
            ),
        ),
        method="total_points",
        pass_mark=80,
    )
    result = scoring.score(
        spec, {ids["Greeting"]: 1, ids["Name"]: 0, ids["Diagnosis"]: scoring.NA, ids["Tone"]: 2}
    )
    # Total points: (1×1×40 + 0 + 2×1×60) ÷ (1×1×40 + 1×2×40 + 2×1×60) = 160 ÷ 240.
    assert result.score * 3 == 200


def test_build_spec_follows_the_builder_order(draft):
    resolution = draft.sections.get(title="Resolution")
    builder.move_section(section=resolution, direction="up")
    builder.move_criterion(criterion=resolution.criteria.get(title="Tone"), direction="up")
    spec = build_spec(draft)
    names = dict(Criterion.objects.filter(section__version=draft).values_list("pk", "title"))
    assert [[names[c.id] for c in s.criteria] for s in spec.sections] == [
        ["Tone", "Diagnosis"],
        ["Greeting", "Name"],
    ]


@pytest.mark.parametrize("count", [3, 40])
def test_build_spec_costs_two_queries_whatever_the_size(django_assert_num_queries, count):
    version = make_published_version(CallTypeFactory(), sections=many_criteria(count))
    with django_assert_num_queries(2):
        spec = build_spec(version)
    assert sum(len(s.criteria) for s in spec.sections) == count


# --- Comments ----------------------------------------------------------------------------------------------


def test_comments_follow_a_criterion_by_title_across_versions(published, agent, other_agent, manager):
    greeting_v1 = Criterion.objects.get(section__version=published, title="Greeting")
    name_v1 = Criterion.objects.get(section__version=published, title="Name")
    first = builder.add_criterion_comment(
        criterion=greeting_v1, author=agent, body="  Too strict on scripts  "
    )
    builder.add_criterion_comment(criterion=name_v1, author=other_agent, body="Fine")
    assert first.body == "Too strict on scripts"

    draft = builder.start_draft(scorecard=published.scorecard, by=manager)
    builder.update_criterion(
        criterion=Criterion.objects.get(section__version=draft, title="Name"),
        title="Uses the customer's name",
        kind="yes_no",
        weight=Decimal(1),
    )
    comments = builder.comments_by_criterion_title(draft, viewer=manager)
    assert [c.body for c in comments["Greeting"]] == ["Too strict on scripts"]
    assert "Uses the customer's name" not in comments and "Name" not in comments  # reworded: a fresh thread
    assert CriterionComment.objects.count() == 2  # nothing copied


def test_comments_of_later_versions_do_not_show_on_earlier_ones(published, draft, agent, manager):
    builder.publish(version=draft, by=manager)
    builder.add_criterion_comment(
        criterion=Criterion.objects.get(section__version=draft, title="Greeting"), author=agent, body="On v2"
    )
    assert builder.comments_by_criterion_title(published, viewer=manager) == {}
    assert [c.body for c in builder.comments_by_criterion_title(draft, viewer=manager)["Greeting"]] == [
        "On v2"
    ]


def test_comments_are_taken_on_published_versions_only(published, draft, agent, manager):
    with pytest.raises(ValidationError):
        builder.add_criterion_comment(
            criterion=Criterion.objects.get(section__version=draft, title="Greeting"),
            author=manager,
            body="x",
        )
    with pytest.raises(ValidationError):
        builder.add_criterion_comment(
            criterion=published.sections.first().criteria.first(), author=agent, body=" "
        )
    assert not CriterionComment.objects.exists()

"""A new draft starts as a copy of the version in force or blank; a scorecard is duplicated for another call
type (scorecards.builder.services.start_draft / create_scorecard)."""

import pytest
from django.urls import reverse

from scorecards.models import Criterion, CriterionOption, Scorecard, ScorecardVersion, Section
from tests.factories import CallTypeFactory, make_published_version

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("scorecards:create")


def outline(version):
    return [
        (
            section.title,
            section.weight,
            [(c.title, c.kind, c.weight) for c in section.criteria.order_by("position")],
        )
        for section in version.sections.order_by("position")
    ]


@pytest.fixture
def published(call_type):
    return make_published_version(call_type, pass_mark=80)


def test_a_new_draft_copies_the_version_in_force_by_default(client, manager, published):
    client.force_login(manager)
    response = client.post(reverse("scorecards:new_draft", args=[published.scorecard.pk]), {"start": "copy"})
    draft = published.scorecard.versions.get(status=ScorecardVersion.Status.DRAFT)
    assert response.url == reverse("scorecards:edit", args=[draft.pk])
    assert outline(draft) == outline(published) != []


def test_a_blank_draft_has_no_content_but_keeps_the_method_and_pass_mark(client, manager, published):
    client.force_login(manager)
    client.post(reverse("scorecards:new_draft", args=[published.scorecard.pk]), {"start": "blank"})
    draft = published.scorecard.versions.get(status=ScorecardVersion.Status.DRAFT)
    assert (draft.number, draft.sections.count()) == (2, 0)
    assert (draft.scoring_method, draft.pass_mark) == (published.scoring_method, published.pass_mark)
    # The version in force is untouched and still scores calls.
    published.refresh_from_db()
    assert published.status == ScorecardVersion.Status.PUBLISHED and outline(published) != []


def test_the_detail_page_offers_both_starts_and_the_duplicate(client, manager, published):
    client.force_login(manager)
    html = client.get(reverse("scorecards:detail", args=[published.scorecard.pk])).content.decode()
    assert 'value="blank"' in html and 'value="copy"' in html
    assert f"{CREATE_URL}?copy_from={published.scorecard.pk}" in html


def test_agents_see_neither_start_nor_duplicate(client, agent, published):
    client.force_login(agent)
    html = client.get(reverse("scorecards:detail", args=[published.scorecard.pk])).content.decode()
    assert "new-draft-form" not in html and "duplicate-scorecard" not in html


def test_a_scorecard_is_duplicated_for_another_call_type(client, manager, published):
    billing = CallTypeFactory(name="Billing", slug="billing")
    client.force_login(manager)
    form = client.get(CREATE_URL, {"copy_from": published.scorecard.pk}).context["form"]
    assert form.initial["copy_from"] == str(published.scorecard.pk)
    options_before = CriterionOption.objects.count()
    response = client.post(
        CREATE_URL, {"call_type": billing.pk, "name": "Billing", "copy_from": published.scorecard.pk}
    )
    copy = Scorecard.objects.get(call_type=billing)
    draft = copy.versions.get()
    assert response.url == reverse("scorecards:edit", args=[draft.pk])
    assert (draft.number, draft.status, draft.pass_mark) == (1, ScorecardVersion.Status.DRAFT, 80)
    assert outline(draft) == outline(published)
    assert CriterionOption.objects.count() == 2 * options_before
    # Independent: changing the copy leaves the original as it was.
    Criterion.objects.filter(section__version=draft).update(title="Changed")
    assert "Changed" not in [c for _s, _w, cs in outline(published) for c, _k, _x in cs]


def test_only_a_scorecard_with_a_version_in_force_can_be_copied(client, manager, call_type):
    unpublished = Scorecard.objects.create(call_type=call_type, name="Unpublished")
    ScorecardVersion.objects.create(scorecard=unpublished, number=1)
    billing = CallTypeFactory(name="Billing", slug="billing")
    client.force_login(manager)
    response = client.post(CREATE_URL, {"call_type": billing.pk, "name": "B", "copy_from": unpublished.pk})
    assert response.status_code == 200 and "copy_from" in response.context["form"].errors
    assert not Scorecard.objects.filter(call_type=billing).exists()
    assert Section.objects.count() == 0


def test_a_blank_create_is_still_empty(client, manager, published):
    billing = CallTypeFactory(name="Billing", slug="billing")
    client.force_login(manager)
    client.post(CREATE_URL, {"call_type": billing.pk, "name": "Billing"})
    assert Scorecard.objects.get(call_type=billing).versions.get().sections.count() == 0

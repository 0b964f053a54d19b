"""In a real browser: a QA manager adds a choice criterion with its options in one form, the options appearing
only once "choice" is picked, a third row added with "Add another option", and a duplicate label refused
beside its row before it is corrected."""

import pytest
from django.urls import reverse

from scorecards.builder import services as builder
from scorecards.models import Criterion
from tests.factories import make_published_version

pytestmark = pytest.mark.browser


def test_manager_adds_a_choice_criterion_with_its_options(
    live_server, transactional_db, page, manager, call_type
):
    published = make_published_version(call_type)
    draft = builder.start_draft(scorecard=published.scorecard, by=manager)
    opening = draft.sections.get(title="Opening")
    add_url = live_server.url + reverse("scorecards:criterion_add", args=[opening.pk])

    page.goto(add_url)
    page.fill("#id_username", "manager")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(add_url)

    options = page.locator("#options")
    assert not options.is_visible()  # a yes/no criterion has no options
    page.fill("#id_title", "Offer")
    page.select_option("#id_kind", "choice")
    assert options.is_visible()
    assert page.locator("#option-rows .option-row").count() == 2
    page.fill("#id_options-0-label", "None")
    page.fill("#id_options-0-points", "0")
    page.fill("#id_options-1-label", "Upgrade")
    page.fill("#id_options-1-points", "3")
    page.get_by_role("button", name="Add another option").click()
    assert page.locator("#option-rows .option-row").count() == 3
    assert page.locator("#id_options-TOTAL_FORMS").input_value() == "3"
    page.fill("#id_options-2-label", "upgrade")  # the same label again
    page.fill("#id_options-2-points", "2")
    page.get_by_role("button", name="Add criterion").click()

    # Refused, with the reason beside the third row; what was typed is still there.
    page.wait_for_selector("#id_options-2-label.is-invalid")
    assert (
        "Another option already has this label."
        in page.locator("#option-rows .option-row").nth(2).inner_text()
    )
    assert page.locator("#id_options-1-label").input_value() == "Upgrade"
    assert not opening.criteria.filter(title="Offer").exists()

    page.fill("#id_options-2-label", "Partial upgrade")
    page.get_by_role("button", name="Add criterion").click()
    page.wait_for_url(f"{live_server.url}{reverse('scorecards:edit', args=[draft.pk])}**")
    offer = Criterion.objects.get(section=opening, title="Offer")
    assert list(offer.options.order_by("position").values_list("label", "points")) == [
        ("None", 0),
        ("Upgrade", 3),
        ("Partial upgrade", 2),
    ]

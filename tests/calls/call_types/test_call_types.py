"""Call types kept by the QA managers: create, rename, change the code while unused, deactivate."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calls.call_types import services
from calls.models import CallType
from scorecards.builder.forms import ScorecardCreateForm
from tests.factories import CallFactory, CallTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(username="types-manager", is_qa_manager=True)


def test_a_code_is_made_from_the_name():
    call_type = services.create_call_type(name="  Billing   questions ")
    assert (call_type.name, call_type.slug, call_type.is_active) == (
        "Billing questions",
        "billing-questions",
        True,
    )


@pytest.mark.parametrize(
    ("name", "slug", "field", "message"),
    [
        ("", "", "name", "Give the call type a name."),
        ("sales", "", "name", "A call type with this name exists already."),
        (
            "Upsell",
            "Up Sell!",
            "slug",
            "A code has only lower-case letters, digits and hyphens, e.g. “up-sell”.",
        ),
        ("Upsell", "sales", "slug", "Another call type has this code."),
    ],
)
def test_bad_values_are_refused_next_to_their_field(name, slug, field, message):
    CallTypeFactory(name="Sales", slug="sales")
    with pytest.raises(ValidationError) as error:
        services.create_call_type(name=name, slug=slug)
    assert error.value.message_dict[field] == [message]
    assert CallType.objects.count() == 1


def test_the_code_stays_once_calls_came_in_with_it():
    call_type = CallTypeFactory(name="Sales", slug="sales")
    services.update_call_type(call_type=call_type, name="Sales", slug="outbound-sales")  # no call yet: fine
    CallFactory(call_type=call_type)
    with pytest.raises(ValidationError) as error:
        services.update_call_type(call_type=call_type, name="Sales", slug="sales")
    assert "1 calls came in with the code “outbound-sales”" in error.value.message_dict["slug"][0]
    services.update_call_type(call_type=call_type, name="Outbound sales", slug="outbound-sales")
    call_type.refresh_from_db()
    assert (call_type.name, call_type.slug) == ("Outbound sales", "outbound-sales")


def test_a_deactivated_type_is_not_offered_for_a_new_scorecard():
    call_type = CallTypeFactory(name="Sales", slug="sales")
    assert call_type in ScorecardCreateForm().fields["call_type"].queryset
    assert services.set_call_type_active(call_type=call_type, active=False) is True
    assert (
        services.set_call_type_active(call_type=call_type, active=False) is False
    )  # a repeat changes nothing
    assert call_type not in ScorecardCreateForm().fields["call_type"].queryset


def test_a_manager_creates_one_from_the_page(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("call_types:create"), {"name": "Retention", "slug": "", "description": "Churn"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("call_types:list")
    assert CallType.objects.get(slug="retention").description == "Churn"
    html = client.get(reverse("call_types:list")).content.decode()
    assert "<code>retention</code>" in html


def test_a_refused_value_is_shown_next_to_its_field(client, manager):
    CallTypeFactory(name="Sales", slug="sales")
    client.force_login(manager)
    response = client.post(reverse("call_types:create"), {"name": "SALES"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["A call type with this name exists already."]
    assert CallType.objects.count() == 1


def test_deactivating_from_the_page(client, manager):
    call_type = CallTypeFactory(name="Sales", slug="sales")
    client.force_login(manager)
    client.post(reverse("call_types:active", args=[call_type.pk]), {"active": "0"})
    call_type.refresh_from_db()
    assert call_type.is_active is False
    client.post(reverse("call_types:active", args=[call_type.pk]), {"active": "1"})
    call_type.refresh_from_db()
    assert call_type.is_active is True


@pytest.mark.parametrize("size", [3, 40])
def test_the_list_costs_the_same_whatever_the_number_of_types(
    client, manager, size, django_assert_num_queries
):
    for n in range(size):
        CallFactory(call_type=CallTypeFactory(name=f"Type {n}", slug=f"type-{n}"))
    client.force_login(manager)
    client.get(reverse("call_types:list"))
    with django_assert_num_queries(
        4
    ):  # session, user, the types with their call counts, unread notifications
        response = client.get(reverse("call_types:list"))
    assert len(response.context["call_types"]) == size


def test_the_new_scorecard_page_leads_to_call_types_when_none_is_free(client, manager):
    client.force_login(manager)
    html = client.get(reverse("scorecards:create")).content.decode()
    assert 'id="no-call-type-free"' in html and reverse("call_types:create") in html

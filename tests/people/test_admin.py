"""Every model has an admin page, and each changelist and add form opens for a superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from simple_history.models import HistoricalChanges

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
OUR_APPS = ("people", "calls", "scorecards", "coaching")
# The audit trail's tables (django-simple-history) are read through their object's "History" in the admin.
MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in OUR_APPS and not issubclass(model, HistoricalChanges)
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_opens(client, model):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200


def test_non_staff_are_sent_to_the_admin_login(client, agent):
    client.force_login(agent)
    response = client.get(reverse("admin:scorecards_evaluation_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

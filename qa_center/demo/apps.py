from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo call center (`seed_demo`): no models, it seeds every other app through its services."""

    name = "qa_center.demo"
    label = "demo"
    verbose_name = _("Demo data")

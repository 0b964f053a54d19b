from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "qa_center.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        # Our deployment checks (they belong to no one app; this one is in every deployment).
        from qa_center import checks  # noqa: F401

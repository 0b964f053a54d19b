from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = _("Scorecards and evaluations")

    def ready(self):
        from scorecards import permissions  # noqa: F401 - registers the object rules (django-rules)

        # The notification events these features declare: a stored notification is written out in its
        # reader's language by its event, in every process that shows or mails one.
        from scorecards.disputes import notifications as dispute_events  # noqa: F401
        from scorecards.evaluations import notifications as evaluation_events  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = _("Scorecards and evaluations")

    def ready(self):
        # The evaluations keep their people's names for the list's sorts by a person: a rename refreshes them.
        from qa_center.people.names import register_name_copy
        from scorecards import permissions  # noqa: F401 - registers the object rules (django-rules)

        # The notification events these features declare: a stored notification is written out in its
        # reader's language by its event, in every process that shows or mails one.
        from scorecards.disputes import notifications as dispute_events  # noqa: F401
        from scorecards.evaluations import notifications as evaluation_events  # noqa: F401
        from scorecards.evaluations.services import refresh_name_sort_keys

        register_name_copy(refresh_name_sort_keys)

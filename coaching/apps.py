from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Coaching and exemplary calls")

    def ready(self):
        # Calls sit below coaching and cannot ask the library which recordings it needs: the library tells
        # calls' retention (calls.retention.services) instead.
        from calls.retention.services import register_hold
        from coaching import permissions  # noqa: F401 - registers the object rules (django-rules)
        from coaching.library.selectors import calls_in_library

        register_hold(calls_in_library)

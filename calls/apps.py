from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls")

    def ready(self):
        from calls import permissions  # noqa: F401 - registers the object rules (django-rules)

        # The import's messages are declared where they are said (calls.reasons); a page that shows stored
        # ones (a job's refused rows, in the admin too) needs them all declared, whatever it imported.
        from calls.imports import jobs  # noqa: F401 - imports every module that declares a reason

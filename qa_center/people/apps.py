from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "qa_center.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        # Our deployment checks (they belong to no one app; this one is in every deployment).
        from qa_center import checks  # noqa: F401
        from qa_center.security import log_login, log_login_failed, mark_session_renewed

        user_logged_in.connect(mark_session_renewed, dispatch_uid="qa_center.security.mark_session_renewed")
        user_logged_in.connect(log_login, dispatch_uid="qa_center.security.log_login")
        user_login_failed.connect(log_login_failed, dispatch_uid="qa_center.security.log_login_failed")

"""Deployment checks of our own (`manage.py check --deploy`): what Django's checklist cannot know about us.

Registered by qa_center.people's AppConfig, the app every deployment has.
"""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Error, Tags, register
from django.core.files.storage import storages

CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


@register(Tags.staticfiles, deploy=True)
def static_manifest_exists(app_configs, **kwargs):
    """With a manifest storage, every {% static %} raises until `collectstatic` wrote the manifest: each page 500s."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.manifest_storage.exists(storage.manifest_name):
        return []
    return [
        Error(
            f"The static files manifest ({storage.manifest_storage.path(storage.manifest_name)}) is missing: "
            "every page would answer 500.",
            hint="Run `manage.py collectstatic --noinput` as part of the deployment, before starting the web server.",
            id="qa_center.E001",
        )
    ]


@register(deploy=True)
def email_backend_sends_mail(app_configs, **kwargs):
    """The console backend only prints: reminders, notifications and password resets would never arrive."""
    if settings.EMAIL_BACKEND != CONSOLE_EMAIL_BACKEND:
        return []
    return [
        Error(
            "EMAIL_BACKEND is the console backend: no e-mail would reach anybody.",
            hint="Set DJANGO_EMAIL_BACKEND, e.g. to django.core.mail.backends.smtp.EmailBackend.",
            id="qa_center.E002",
        )
    ]

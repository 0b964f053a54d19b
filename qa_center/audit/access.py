"""Who reads the audit trail: the QA managers (and superusers); 403 for every other role."""

from django.core.exceptions import PermissionDenied

from qa_center.people import roles

__all__ = ["require_auditor"]


def require_auditor(user) -> None:
    if not roles.is_manager(user):
        raise PermissionDenied

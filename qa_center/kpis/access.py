"""Who may do what with the KPIs. Recomputing the snapshots is the QA managers' business: 403 for others."""

from django.core.exceptions import PermissionDenied

from qa_center.people import roles

__all__ = ["require_kpi_manager"]


def require_kpi_manager(user) -> None:
    if not roles.is_manager(user):
        raise PermissionDenied

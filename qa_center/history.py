"""The audit trail's plumbing (django-simple-history): who a change is recorded for, and the writes that send no
signal.

Every audited model declares `history = audited()` (or `audited(excluded_fields=[...])`). simple-history writes
a historical row on each save() and delete(); who made the change is

- the person a service says acts (`@changes_by()` reads its `by` argument): a Celery task, a management
  command or a test has no request, and a service always knows who asked;
- else the signed-in person of the request (simple-history's HistoryRequestMiddleware);
- else nobody (a system change, e.g. a seed).

`QuerySet.update()`, `bulk_create()` and `bulk_update()` send no signal: a service that uses them records the
rows with `record_created` / `record_updated` in the same transaction.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalRecords

__all__ = ["AuditedAdmin", "acting_as", "audited", "changes_by", "record_created", "record_updated"]

_acting = ContextVar("qa_center_history_acting_user", default=None)


@contextmanager
def acting_as(user):
    """Every history row written inside is `user`'s (None: the request's person, if any)."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def changes_by(argument: str = "by") -> Callable:
    """A service decorator: the history rows its writes make are the keyword argument `argument`'s."""

    def decorate(service):
        @wraps(service)
        def wrapper(*args, **kwargs):
            with acting_as(kwargs.get(argument)):
                return service(*args, **kwargs)

        return wrapper

    return decorate


def history_user(request=None, **kwargs):
    """simple-history's get_user: the acting person, else the request's signed-in person."""
    user = _acting.get()
    if user is not None:
        return user
    if request is not None and request.user.is_authenticated:
        return request.user
    return None


def audited(**options) -> HistoricalRecords:
    return HistoricalRecords(get_user=history_user, **options)


def record_created(objects: Iterable[Model], *, reason: str = "") -> None:
    """History for rows bulk_create() inserted (their primary keys set: PostgreSQL and SQLite return them)."""
    objects = list(objects)
    if objects:
        type(objects[0]).history.bulk_history_create(objects, default_change_reason=reason)


def record_updated(model: type[Model], pks: Iterable[int], *, reason: str = "") -> None:
    """History for rows a QuerySet.update() or bulk_update() changed, read back as they are now stored (one
    query, plus the insert)."""
    rows = list(model._default_manager.filter(pk__in=list(pks)).order_by("pk"))
    if rows:
        model.history.bulk_history_create(rows, update=True, default_change_reason=reason)


class AuditedAdmin(SimpleHistoryAdmin):
    """The admin's "History" of an audited model, read-only: a past version opens only for an object the person
    reads in the admin (the list's queryset: ObjectRulesAdmin), and is never saved back. simple-history's
    "revert" saves the old version with a POST and checks only view permissions, which would rewrite a score
    around the services (and their own history)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

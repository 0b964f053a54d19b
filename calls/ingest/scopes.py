"""Token scopes: which scope each request to the ingest API needs, the permission that checks it, and the
OpenAPI schema that says so.

One rule, by method: reading call data back (GET, HEAD) needs "read"; every write (POST, PUT, PATCH, DELETE)
needs "ingest". Two methods need no scope: one the view does not answer (so that it is a 405 for every token,
not a 403 for some), and OPTIONS, which describes the endpoint and holds no data. A token without the scope
gets 403 with {"detail": …, "missing_scope": …} before the view runs: nothing is read or written.
"""

from django.utils.translation import gettext
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions

from calls.models import IngestToken

READ_METHODS = frozenset({"GET", "HEAD"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def required_scope(view, method: str) -> IngestToken.Scope | None:
    """The scope `method` needs on `view`, or None when it needs none (OPTIONS, or a method the view does
    not answer: 405)."""
    method = method.upper()
    if not hasattr(view, method.lower()):
        return None
    if method in READ_METHODS:
        return IngestToken.Scope.READ
    if method in WRITE_METHODS:
        return IngestToken.Scope.INGEST
    return None


def missing_scope_message(scope: IngestToken.Scope) -> str:
    return gettext(
        "This token does not have the “%(scope)s” scope this request needs. A QA manager can issue a "
        "token with it on the API tokens page."
    ) % {"scope": scope.value}


class HasTokenScope(permissions.BasePermission):
    """The request's token holds the scope its method needs (checked after HasIngestToken)."""

    def has_permission(self, request, view):
        scope = required_scope(view, request.method)
        if scope is None or request.auth.has_scope(scope):
            return True
        # An instance per request (APIView.get_permissions): the message names this request's scope.
        self.message = {"detail": missing_scope_message(scope), "missing_scope": scope.value}
        return False


def _missing_scope_response() -> dict:
    return {
        "description": gettext("The token lacks the scope this endpoint needs: nothing is read or written."),
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "detail": {"type": "string"},
                        "missing_scope": {
                            "type": "string",
                            "enum": [scope.value for scope in IngestToken.Scope],
                        },
                    },
                    "required": ["detail", "missing_scope"],
                }
            }
        },
    }


class ScopedAutoSchema(AutoSchema):
    """Each operation says which token scope it needs: in its description, as `x-token-scope`, and with the
    403 a token without it gets. (OpenAPI 3.0 lists scopes in `security` only for OAuth2 schemes.)"""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        scope = required_scope(self.view, self.method)
        if operation is None or scope is None:
            return operation
        needs = gettext("Token scope: `%(scope)s`.") % {"scope": scope.value}
        description = operation.get("description", "")
        operation["description"] = f"{description}\n\n**{needs}**" if description else f"**{needs}**"
        operation["x-token-scope"] = scope.value
        operation["responses"].setdefault("403", _missing_scope_response())
        return operation

"""Security plumbing around every request: response headers, idle sessions, the client's address for throttling.

Settings (qa_center/settings.py) say what; this module only applies it.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

# Logins, failed logins and refused accesses (django-axes logs its lockouts under "axes"). Values a person typed
# (a user name, a path) are written with %r: a newline in them cannot forge a line of the log.
security_log = logging.getLogger("qa_center.security")

# Requests a page repeats by itself (htmx polling): they are no activity and do not keep a session alive.
IDLE_EXEMPT_URL_NAMES = frozenset({"kpi_today:figures"})


def _url_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
    return match.view_name


# When a signed-in session was last renewed (Unix seconds). Set at login (qa_center.people.apps connects it).
RENEWED_AT = "qa_renewed_at"
# A session is renewed at most this often: saving it on every request would cost every page a write (and its
# savepoints in the tests' pinned query counts); so it ends between 29 and 30 minutes after the last activity.
RENEW_EVERY_SECONDS = 60


def mark_session_renewed(sender, request, user, **kwargs):
    """user_logged_in receiver: a fresh session needs no renewal for a minute."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = int(time.time())


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, with an expiry that counts from the last activity, not from the login.

    SESSION_COOKIE_AGE is the idle time (QA_SESSION_IDLE_MINUTES); a signed-in request saves the session again
    (which pushes both the cookie's and the stored expiry ahead) once its last renewal is a minute old. A poll the
    page repeats by itself (the "today" figures) is no activity: it renews nothing, or a shared PC's screen would
    stay signed in forever."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(RENEWED_AT, 0) >= RENEW_EVERY_SECONDS and (
                _url_name(request) not in IDLE_EXEMPT_URL_NAMES
            ):
                session[RENEWED_AT] = now
        return super().process_response(request, response)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; `Cache-Control: no-store` on every page the views build.

    Every signed-in page shows people's names, calls, scores or coaching notes, and the PCs on the floor are
    shared: no page may stay in the browser's cache for the next person. A view that sets its own Cache-Control
    keeps it. Static files never get here (WhiteNoise answers them first) and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.QA_PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            patch_cache_control(response, no_store=True, no_cache=True, must_revalidate=True, private=True)
        return _login_redirect_for_htmx(request, response)


def _login_redirect_for_htmx(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An htmx request whose session ended is sent to the login page as a whole page, not swapped into a block.

    The browser follows a 302 inside the XMLHttpRequest, and htmx would put the login form where the figures
    were; HX-Redirect makes htmx load the login page instead."""
    if request.headers.get("HX-Request") != "true" or response.status_code != 302:
        return response
    location = response.headers.get("Location", "")
    if not location.startswith(resolve_url(settings.LOGIN_URL)):
        return response
    answer = HttpResponse(status=204)
    answer["HX-Redirect"] = location
    answer["Cache-Control"] = response.headers.get("Cache-Control", "no-store")
    answer.headers.setdefault("Permissions-Policy", settings.QA_PERMISSIONS_POLICY)
    return answer


def client_ip(request: HttpRequest) -> str | None:
    """The address django-axes counts failures for.

    Behind a TLS proxy (DJANGO_BEHIND_PROXY, the production default) REMOTE_ADDR is the proxy's address, the same
    for everybody: locking it would lock the whole floor out. The proxy appends the client's address to
    X-Forwarded-For, so the last entry is the one it saw (earlier entries are whatever the client sent)."""
    if settings.QA_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE): what happened and for how long."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


# --- The security log ---------------------------------------------------------------------------------------


def log_login(sender, request, user, **kwargs):
    """user_logged_in receiver."""
    security_log.info(
        "login succeeded: user=%r ip=%r", user.get_username(), client_ip(request) if request else None
    )


def log_login_failed(sender, credentials, request=None, **kwargs):
    """user_login_failed receiver: the user name tried (Django has already masked the password)."""
    security_log.warning(
        "login failed: username=%r ip=%r",
        credentials.get("username", ""),
        client_ip(request) if request is not None else None,
    )


class RefusedAccessLogMiddleware:
    """Logs every 403 and 404 that a view's access helper raises (PermissionDenied, Http404), with who asked
    and for what; Django still answers them as always. A 404 for a URL that matches no view is not an access
    to refuse and is not logged here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            status = 403
        elif isinstance(exception, Http404):
            status = 404
        else:
            return None
        user = getattr(request, "user", None)
        name = user.get_username() if user is not None and user.is_authenticated else None
        security_log.warning(
            "access refused (%s): user=%r method=%s path=%r ip=%r",
            status,
            name,
            request.method,
            request.path,
            client_ip(request),
        )
        return None

"""Security plumbing around every request: response headers, idle sessions, the client's address for throttling.

Settings (qa_center/settings.py) say what; this module only applies it.
"""

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

# Requests a page repeats by itself (htmx polling): they neither count as activity nor keep a session alive.
IDLE_EXEMPT_URL_NAMES = frozenset({"kpi_today:figures"})


def _url_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
    return match.view_name


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, except that a poll does not renew the session.

    With SESSION_SAVE_EVERY_REQUEST every request pushes the expiry QA_SESSION_IDLE_MINUTES ahead; the "today"
    page polls every minute and would keep a session open on a shared PC forever."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and not session.modified and _url_name(request) in IDLE_EXEMPT_URL_NAMES:
            return response
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

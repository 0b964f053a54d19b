"""Idle sessions, the Content-Security-Policy, Permissions-Policy and `no-store` on the pages with personal data."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from qa_center.security import RENEWED_AT

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PASSWORD = "demo-password"  # the factories' password


def _session(client):
    return Session.objects.get(session_key=client.session.session_key)


# --- Sessions ----------------------------------------------------------------------------------------------


def test_a_session_lasts_thirty_minutes_of_inactivity(client, agent):
    client.post(reverse("login"), {"username": "agent", "password": PASSWORD})

    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    left = _session(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)


def _idle(client, *, renewed_seconds_ago, expires_in):
    """The session as it is after some inactivity: last renewed a while ago, its stored expiry near."""
    session = client.session
    session[RENEWED_AT] = int(time.time()) - renewed_seconds_ago
    session.save()
    expiry = timezone.now() + expires_in
    Session.objects.filter(session_key=session.session_key).update(expire_date=expiry)
    return expiry


def test_a_page_renews_a_session_last_renewed_a_minute_ago(client, agent):
    client.force_login(agent)
    _idle(client, renewed_seconds_ago=61, expires_in=timedelta(minutes=1))

    response = client.get(reverse("home"))

    assert _session(client).expire_date - timezone.now() > timedelta(minutes=29)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_within_the_minute_a_page_does_not_write_the_session(client, agent):
    client.force_login(agent)
    expiry = _idle(client, renewed_seconds_ago=10, expires_in=timedelta(minutes=25))

    response = client.get(reverse("home"))

    assert _session(client).expire_date == expiry
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_today_polling_does_not_keep_a_session_alive(client, manager):
    client.force_login(manager)
    expiry = _idle(client, renewed_seconds_ago=600, expires_in=timedelta(minutes=1))

    response = client.get(reverse("kpi_today:figures"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert _session(client).expire_date == expiry
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_session_from_before_the_idle_timeout_is_renewed_too(client, agent):
    client.force_login(agent)
    session = client.session
    del session[RENEWED_AT]
    session.save()

    client.get(reverse("home"))

    assert RENEWED_AT in client.session


def test_an_expired_session_sends_you_to_the_login_page(client, agent):
    client.force_login(agent)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("calls:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_expired_htmx_poll_loads_the_login_page_instead_of_swapping_it_in(client, manager):
    client.force_login(manager)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("kpi_today:figures"), HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))


# --- Headers -----------------------------------------------------------------------------------------------


def _directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_the_policy_allows_our_own_scripts_and_the_pages_nonce_only(client, agent):
    client.force_login(agent)

    response = client.get(reverse("feedback:mine"))  # its trend chart has an inline script

    directives = _directives(response)
    nonce = re.search(r'<script nonce="([^"]+)">', response.content.decode()).group(1)
    assert directives["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["style-src-attr"] == ["'unsafe-inline'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["media-src"] == ["'self'", "blob:"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_each_answer_has_its_own_nonce(client, agent):
    client.force_login(agent)

    first, second = (_directives(client.get(reverse("feedback:mine")))["script-src"] for _ in range(2))

    assert first != second


def test_the_login_page_has_the_policy_and_the_permissions_policy(client):
    response = client.get(reverse("login"))

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_api_documentation_runs_under_the_policy(client):
    response = client.get(reverse("api-docs"))

    nonce = _directives(response)["script-src"][1].removeprefix("'nonce-").removesuffix("'")
    assert response.content.decode().count(f'nonce="{nonce}"') == 2  # its inline style and script


def test_no_template_has_an_inline_script_or_style_without_the_nonce_or_an_inline_event_handler():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag and "csp_nonce" not in tag:
                offenders.append(f"{template.name}: {tag}")
        offenders += [f"{template.name}: {handler}" for handler in re.findall(r"\son[a-z]+=", text)]
        offenders += [
            f"{template.name}: {tag}" for tag in re.findall(r"<style\b[^>]*>", text) if "csp_nonce" not in tag
        ]
    assert offenders == []


@pytest.mark.parametrize(
    ("url_name", "user"),
    [
        ("calls:list", "agent"),
        ("evaluations:list", "reviewer"),
        ("feedback:mine", "agent"),
        ("coaching:index", "agent"),
        ("kpi_today:today", "manager"),
        ("home", "agent"),
    ],
)
def test_pages_with_personal_data_are_never_stored(client, url_name, user, request):
    client.force_login(request.getfixturevalue(user))

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]

"""Login throttling (django-axes): an account and an address are each locked after too many failures in a row."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

from qa_center.security import client_ip
from tests.factories import AgentFactory

PASSWORD = "demo-password"  # the factories' password
HOME = "1.1.1.1"
ELSEWHERE = "2.2.2.2"


def _login(client, username, password, address=HOME):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def anna(db):
    return AgentFactory(username="anna")


@pytest.fixture
def ben(db):
    return AgentFactory(username="ben")


def test_the_default_limit_is_ten_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username"], ["ip_address"]]


def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client, anna):
    for _ in range(20):
        _login(client, "anna", "wrong")

    response = _login(client, "anna", PASSWORD)

    assert response.status_code == 429
    assert not _signed_in(client)
    assert b'id="locked-out"' in response.content
    assert "15 minutes" in response.content.decode()


def test_nine_failures_still_let_the_right_password_in(client, anna):
    for _ in range(9):
        _login(client, "anna", "wrong")

    response = _login(client, "anna", PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_a_success_starts_the_count_again(client, anna):
    for _ in range(9):
        _login(client, "anna", "wrong")
    _login(client, "anna", PASSWORD)
    client.logout()
    for _ in range(9):
        _login(client, "anna", "wrong")

    assert _login(client, "anna", PASSWORD).status_code == 302


def test_a_locked_account_is_locked_from_every_address(client, anna):
    for _ in range(10):
        _login(client, "anna", "wrong", address=HOME)

    assert _login(client, "anna", PASSWORD, address=ELSEWHERE).status_code == 429


def test_another_user_from_another_address_is_unaffected(client, anna, ben):
    for _ in range(20):
        _login(client, "anna", "wrong", address=HOME)

    response = _login(client, "ben", PASSWORD, address=ELSEWHERE)

    assert response.status_code == 302
    assert _signed_in(client)


def test_an_address_trying_many_accounts_is_locked(client, anna, ben):
    for number in range(10):
        _login(client, f"nobody{number}", "wrong", address=HOME)

    assert _login(client, "ben", PASSWORD, address=HOME).status_code == 429
    assert _login(client, "ben", PASSWORD, address=ELSEWHERE).status_code == 302


def test_the_lockout_lifts_after_the_cool_off(client, anna):
    for _ in range(10):
        _login(client, "anna", "wrong")
    assert _login(client, "anna", PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    assert _login(client, "anna", PASSWORD).status_code == 302
    assert _signed_in(client)


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=1))
def test_the_limits_are_settings(client, anna):
    for _ in range(3):
        _login(client, "anna", "wrong")

    response = _login(client, "anna", PASSWORD)

    assert response.status_code == 429
    assert "1 minute," in response.content.decode()


def test_the_lockout_is_logged(client, anna, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(10):
            _login(client, "anna", "wrong")

    assert any(
        "Locking out" in record.getMessage() and "anna" in record.getMessage() for record in caplog.records
    )


def test_the_login_page_itself_still_opens_while_locked(client, anna):
    for _ in range(10):
        _login(client, "anna", "wrong")

    assert client.get(reverse("login"), REMOTE_ADDR=HOME).status_code == 200


@override_settings(QA_BEHIND_PROXY=True)
def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 3.3.3.3")
    assert client_ip(request) == "3.3.3.3"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


@override_settings(QA_BEHIND_PROXY=False)
def test_without_a_proxy_a_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="3.3.3.3", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "3.3.3.3"

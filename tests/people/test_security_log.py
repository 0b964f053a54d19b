"""The security log (logger qa_center.security): logins, failed logins with the user name tried and the address,
and every 403 / 404 that an access helper raises, with who asked for what."""

import logging

import pytest
from django.urls import reverse

from tests.factories import AgentFactory, UserFactory

PASSWORD = "demo-password"  # the factories' password
LOGGER = "qa_center.security"

pytestmark = pytest.mark.django_db


def messages(caplog) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == LOGGER]


def test_a_login_is_logged_with_the_account_and_address(client, caplog):
    AgentFactory(username="anna")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        client.post(reverse("login"), {"username": "anna", "password": PASSWORD}, REMOTE_ADDR="1.1.1.1")
    assert messages(caplog) == [(logging.INFO, "login succeeded: user='anna' ip='1.1.1.1'")]


def test_a_failed_login_is_logged_with_the_name_tried_and_never_the_password(client, caplog):
    AgentFactory(username="anna")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        client.post(
            reverse("login"), {"username": "anna\nforged", "password": "s3cret"}, REMOTE_ADDR="2.2.2.2"
        )
    assert messages(caplog) == [(logging.WARNING, "login failed: username='anna\\nforged' ip='2.2.2.2'")]
    assert "s3cret" not in caplog.text


def test_a_403_from_an_access_helper_is_logged(client, caplog):
    agent = AgentFactory(username="anna")
    client.force_login(agent)
    caplog.clear()  # the login's own line
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert client.get(reverse("audit:changes"), REMOTE_ADDR="3.3.3.3").status_code == 403
    assert messages(caplog) == [
        (logging.WARNING, "access refused (403): user='anna' method=GET path='/audit/' ip='3.3.3.3'")
    ]


def test_a_404_from_an_access_helper_is_logged(client, caplog):
    reviewer = UserFactory(username="rita", is_reviewer=True)
    client.force_login(reviewer)
    caplog.clear()
    path = reverse("evaluations:detail", args=[999999])
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert client.get(path, REMOTE_ADDR="4.4.4.4").status_code == 404
    assert messages(caplog) == [
        (logging.WARNING, f"access refused (404): user='rita' method=GET path='{path}' ip='4.4.4.4'")
    ]


def test_a_page_that_lets_you_in_logs_nothing(client, caplog):
    client.force_login(UserFactory(username="mia", is_qa_manager=True))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert client.get(reverse("audit:changes")).status_code == 200
    assert messages(caplog) == []

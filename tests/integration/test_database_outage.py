"""PostgreSQL out of reach for a few seconds while people use the app: the pages answer our plain 500 page
(no traceback: DEBUG is off), and the app serves again with the first request after the database is back, with
no restart.

A real gunicorn process (DEBUG=0) reaches PostgreSQL through a TCP proxy the test starts and cuts: every open
connection drops and new ones are refused, as when the database's machine leaves the network. The app keeps a
connection open across requests (CONN_MAX_AGE, 60 s by default): CONN_HEALTH_CHECKS=True (qa_center.settings)
makes Django test it before reusing it, so a connection that died in the outage is replaced, not reused and
failed on.

SQLite is skipped: it is a file the app's own process opens, with no server or network to lose; a file that
cannot be opened or written is another fault, not this one.
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.factories import UserFactory
from tests.integration.conftest import ROOT, TcpProxy, _free_port, wait_for

pytestmark = [pytest.mark.integration]

OUR_500 = "Something went wrong on our side"  # templates/500.html


def _get(url: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (our own server)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def app_through_proxy(transactional_db, tmp_path):
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server to lose (see the module's docstring)")
    proxy = TcpProxy(db["HOST"], int(db["PORT"]))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the test's sessions are signed with it
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "qa_center.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proxy, f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        server.wait(timeout=15)
        proxy.cut()


def test_a_database_outage_shows_our_error_page_and_the_app_recovers(app_through_proxy):
    proxy, base, log = app_through_proxy
    client = Client()
    client.force_login(UserFactory(username="outage-manager", is_qa_manager=True))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    home = f"{base}/"

    def serving():
        try:
            return _get(home, cookie)[0] == 200
        except OSError:
            return False  # not listening yet

    wait_for(serving, what="gunicorn to serve", timeout=60, log=log, interval=0.2)
    # Twice: the second request reuses the open connection, which the outage will kill.
    assert _get(home, cookie)[0] == 200

    proxy.cut()
    started = time.monotonic()
    for _ in range(3):  # the open connection dies, then new ones are refused
        status, html = _get(home, cookie)
        assert status == 500, html[:500]
        assert OUR_500 in html
        assert "Traceback" not in html and "OperationalError" not in html and "psycopg" not in html
    assert time.monotonic() - started < 10  # answered promptly, not hung on the dead database

    proxy.restore()
    status, html = _get(home, cookie)  # the very first request after: served
    assert status == 200, html[:500]
    assert OUR_500 not in html
    assert "OperationalError" in Path(log).read_text()  # the error is logged for the administrators

    # An outage between two requests: the connection kept open from the last one died meanwhile, and no
    # request saw it fail. The health check finds it dead and opens another: the first request is served.
    assert _get(home, cookie)[0] == 200
    proxy.cut()
    proxy.restore()
    assert _get(home, cookie)[0] == 200

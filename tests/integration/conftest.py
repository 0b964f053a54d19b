"""Real servers for integration tests: a throwaway Redis and a real Celery worker process."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _missing(what: str):
    if os.environ.get("QA_REQUIRE_SERVERS"):
        pytest.fail(f"{what} is required (QA_REQUIRE_SERVERS is set) but missing")
    pytest.skip(f"{what} is not installed")


class RedisServer:
    """A redis-server process on a port of its own; `restart()` kills it (SIGKILL: no goodbye, no final
    fsync) and starts it again on the same port and folder, which is what a crash and a restart are."""

    def __init__(self, workdir: Path, *options: str):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            _missing("redis-server")
        self.port = _free_port()
        self.workdir = workdir
        self.options = options
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)]
            + list(self.options),
            stdout=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                # Loaded: a server replaying its append-only file answers LOADING until it is done.
                if client.info("persistence").get("loading") == 0:
                    break
            except (redis.ConnectionError, redis.BusyLoadingError):
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)

    def restart(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.start()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A throwaway Redis without persistence: for tests that never restart it."""
    server = RedisServer(tmp_path_factory.mktemp("redis"), "--save", "", "--appendonly", "no")
    yield server.url
    server.stop()


# What production needs (README, "Redis"): every write appended to a file, the file written on every event
# loop turn before the clients are answered and fsynced once a second. A killed redis-server loses nothing it
# acknowledged (the kernel holds the file's pages); a lost machine, at most the last second.
PERSISTENT_REDIS = ("--save", "", "--appendonly", "yes", "--appendfsync", "everysec")


@pytest.fixture
def persistent_redis(tmp_path):
    """A Redis of this test's own, persisted as production's must be, for tests that restart it."""
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = RedisServer(workdir, *PERSISTENT_REDIS)
    yield server
    server.stop()


def _database_url() -> str:
    """The test database as a URL, so the worker process writes where the test reads."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


WORKER_SECRET = "integration-test-secret-key-integration-test-secret-key"


class Workers:
    """Real `celery worker` processes on the test database; each writes its own log. Stopped at teardown."""

    def __init__(self, broker_url: str, folder: Path):
        self.broker_url = broker_url
        self.folder = folder
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def start(self, *, pool: str = "solo", env: dict[str, str] | None = None, wait: bool = True):
        number = len(self.started) + 1
        log = self.folder / f"worker-{number}.log"
        environment = {
            **os.environ,
            "CELERY_BROKER_URL": self.broker_url,
            "DATABASE_URL": _database_url(),
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DJANGO_SECRET_KEY": WORKER_SECRET,
            "DJANGO_DEBUG": "0",
            **(env or {}),
        }
        command = [sys.executable, "-m", "celery", "-A", "qa_center", "worker", f"--pool={pool}"]
        # No start-up chatter with other workers (mingle, gossip): they only slow the start.
        command += ["--concurrency=1", f"--hostname=worker{number}@%h", "--loglevel=INFO"]
        command += ["--without-mingle", "--without-gossip"]
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
            )
        self.started.append((process, log))
        if wait:
            self.wait_ready(log)
        return process, log

    @staticmethod
    def wait_ready(log: Path):
        wait_for(lambda: "ready." in log.read_text(), what=f"{log.stem} to start", log=log)

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()}" for _process, log in self.started)

    def stop_all(self):
        for process, _log in self.started:
            if process.poll() is None:
                process.terminate()
        for process, _log in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, *, what: str, timeout: float = 90, log: Path | None = None, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}" + (f"\n{log.read_text()}" if log else ""))
        time.sleep(interval)


@pytest.fixture
def workers(redis_url, transactional_db):
    """Start real workers on the session's Redis with `workers.start()`."""
    folder = Path(settings.MEDIA_ROOT).parent / "workers"
    folder.mkdir(parents=True, exist_ok=True)
    started = Workers(redis_url, folder)
    yield started
    started.stop_all()


@pytest.fixture
def celery_worker(workers):
    """One real `celery worker` process consuming from the real Redis broker, on the test database."""
    return workers.start(wait=False)


class TcpProxy:
    """A TCP forwarder on a port of its own to `target`: `cut()` drops every connection through it and
    refuses new ones (the database's machine gone from the network), `restore()` listens again."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = _free_port()
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener = None
        self.restore()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        # shutdown() first: close() alone does not wake the thread blocked in accept(), which would take
        # one more connection.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

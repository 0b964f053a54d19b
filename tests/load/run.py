"""Load benchmark: `make load` (a benchmark, not a CI gate), or by hand
`bash tests/servers/with_postgres.sh .venv/bin/python -m tests.load.run`.

Runs QA Center as production does on this machine and puts locust's simulated people on it:
- PostgreSQL: the throwaway server of tests/servers/with_postgres.sh (DATABASE_URL, required);
- Redis: a throwaway redis-server on a free port, no persistence, as the Celery broker;
- production settings (DEBUG off, the static manifest of `collectstatic`, WhiteNoise serving it) in a throwaway
  QA_CENTER_VAR_DIR, the demo data of `manage.py seed_demo`;
- gunicorn with LOAD_WORKERS sync workers (default 5: gunicorn's (2 x CPUs) + 1 for this machine's 2 CPUs; a
  sync worker waits on PostgreSQL, so a few more workers than CPUs keep both busy) and one Celery worker
  (concurrency 1: the notifications the submits queue are small, and the CPUs are the web's);
- locust, headless: LOAD_USERS simulated users (default 50) for LOAD_TIME (default 2m), each waiting LOAD_WAIT seconds
  ("min-max", default 5-15, a person's pace; 1-3 is a stress pace) between requests, tests/load/locustfile.py.

Prints requests/s, p50/p95/p99 and failures per request kind and writes them to var/bench/load.json. Every
process it starts is stopped on exit, on Ctrl+C and on SIGTERM; the server logs are copied to var/bench/load/ first.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = BASE_DIR / "var" / "bench"
OUTPUT = BENCH_DIR / "load.json"
LOG_DIR = BENCH_DIR / "load"
STATIC_CACHE = BENCH_DIR / "load-static"
BIN = Path(sys.executable).parent
TARGET_P95_MS = 300


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        sys.exit(f"{name} must be a whole number, not {value!r}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """The servers this run started, stopped in reverse order (SIGTERM, then SIGKILL after a grace period)."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], *, env: dict, log: Path) -> subprocess.Popen:
        with log.open("ab") as out:
            # Its own process group: Ctrl+C reaches only us, and we stop the servers in order.
            process = subprocess.Popen(
                args, env=env, cwd=BASE_DIR, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((name, process))
        return process

    def check_alive(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode}")

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _name, process in reversed(self.started):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.started.clear()


def wait_for_http(url: str, processes: Processes, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        processes.check_alive()
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own http://127.0.0.1)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.5)


def wait_for_port(port: int, processes: Processes, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        processes.check_alive()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s") from None
            time.sleep(0.2)


def manage(env: dict, *args: str) -> None:
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=BASE_DIR, check=True)
    print(f"  manage.py {args[0]}: {time.monotonic() - started:.0f} s", flush=True)


def static_files(var_dir: Path, env: dict) -> None:
    """The static files and manifest of `collectstatic` (production's storage: hashed names, gzip and Brotli),
    kept in var/bench/load-static/ between runs: collecting takes minutes on a busy 2-CPU machine (Django's
    manifest storage rewrites every CSS and JavaScript file's references, five passes). Collected again when the
    project's own static files or the npm lock changed since."""
    manifest = STATIC_CACHE / "staticfiles.json"
    sources = [BASE_DIR / "package-lock.json", *(BASE_DIR / "static").rglob("*")]
    newest = max(path.stat().st_mtime for path in sources if path.is_file())
    (var_dir / "staticfiles").symlink_to(STATIC_CACHE, target_is_directory=True)
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        print("  collectstatic: kept from the last run (var/bench/load-static/)", flush=True)
        return
    shutil.rmtree(STATIC_CACHE, ignore_errors=True)
    STATIC_CACHE.mkdir(parents=True)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def warm_up(host: str, workers: int) -> None:
    """A few rounds of concurrent requests, so that every gunicorn worker has loaded the URLs and the login page
    before locust's clock starts (a fresh worker's first request costs a second or more)."""

    def fetch(_):
        with urllib.request.urlopen(f"{host}/accounts/login/", timeout=60) as response:  # noqa: S310
            response.read()

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(fetch, range(workers * 6)))


def read_stats(path: Path, *, users: int, seconds: int, workers: int) -> dict:
    """The figures the locustfile wrote when locust quit, with what this run was."""
    figures = json.loads(path.read_text())
    try:
        load_average = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        load_average = None
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "users": users,
        "seconds": seconds,
        "gunicorn_workers": workers,
        "wait_s": os.environ.get("LOAD_WAIT", "5-15"),
        "cpus": os.cpu_count(),
        "load_average_after": load_average,
        "target_p95_ms": TARGET_P95_MS,
        **figures,
    }


def print_report(result: dict) -> None:
    width = max(len(name) for name in [*result["kinds"], "all"])
    print()
    print(
        f"{result['users']} users for {result['seconds']} s (waiting {result['wait_s']} s between requests), "
        f"{result['gunicorn_workers']} gunicorn workers, "
        f"{result['cpus']} CPUs, load average after the run {result['load_average_after']}"
    )
    print(
        f"{'request kind':<{width}}  {'reqs':>6} {'fails':>5} {'req/s':>7} {'p50':>5} {'p95':>5} {'p99':>5}  ms"
    )
    rows = [*sorted(result["kinds"].items()), ("all but the logins", result["total"])]
    for name, entry in rows:
        if not entry["requests"]:
            continue
        slow = " over target" if entry["p95_ms"] > TARGET_P95_MS else ""
        print(
            f"{name:<{width}}  {entry['requests']:>6} {entry['failures']:>5} {entry['requests_per_s']:>7.2f} "
            f"{entry['p50_ms']:>5} {entry['p95_ms']:>5} {entry['p99_ms']:>5}{slow}"
        )
    total = result["total"]
    print(
        f"Latencies over the last {total['steady_seconds']} s, once every user was logged in (the logins: the "
        f"whole run); failures over the whole run: {total['failures']}."
    )
    for failure in result["failures"]:
        print(f"FAILED {failure['occurrences']}x {failure['method']} {failure['name']}: {failure['error']}")
    print(f"Written to {OUTPUT.relative_to(BASE_DIR)}; server logs in {LOG_DIR.relative_to(BASE_DIR)}/")


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Run through tests/servers/with_postgres.sh (`make load`): the benchmark needs PostgreSQL.")
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is missing: `bash tests/servers/ensure_packages.sh` installs it.")
    users = env_int("LOAD_USERS", 50)
    run_time = os.environ.get("LOAD_TIME", "2m")
    workers = env_int("LOAD_WORKERS", 5)
    spawn_rate = env_int("LOAD_SPAWN_RATE", 1)  # people arrive: a login a second, 50 in 50 s
    seconds = parse_seconds(run_time)

    var_dir = Path(tempfile.mkdtemp(prefix="qa-center-load."))
    redis_port, web_port = free_port(), free_port()
    host = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qa_center.settings",
        # This checkout's code in gunicorn and Celery too, whatever checkout the venv's editable install names.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
        "QA_CENTER_VAR_DIR": str(var_dir),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        # Production settings, over plain HTTP on 127.0.0.1 with no proxy in front.
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",  # a Secure cookie is not sent back over http
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_BEHIND_PROXY": "0",
        # No SMTP server here: the worker's mails are built and kept in memory.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
        "QA_SITE_URL": host,
    }
    env.pop("QA_TESTING", None)
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)

    processes = Processes()

    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    logs = var_dir / "logs"
    logs.mkdir()
    try:
        processes.start(
            "redis-server",
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(var_dir),
            ],
            env=env,
            log=logs / "redis.log",
        )
        wait_for_port(redis_port, processes)
        print("Preparing the database: migrate, seed_demo, collectstatic ...", flush=True)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "seed_demo", "--allow-production")  # a throwaway database
        static_files(var_dir, env)
        processes.start(
            "celery worker",
            [
                str(BIN / "celery"),
                "-A",
                "qa_center",
                "worker",
                "--loglevel=WARNING",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            env=env,
            log=logs / "celery.log",
        )
        processes.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "qa_center.wsgi",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                str(workers),
                "--access-logfile",
                str(logs / "access.log"),
                # The request line, status and the time gunicorn measured (ms): the server side of each figure.
                "--access-logformat",
                '%(t)s "%(r)s" %(s)s %(b)s %(M)sms',
                "--error-logfile",
                str(logs / "gunicorn.log"),
            ],
            env=env,
            log=logs / "gunicorn.out",
        )
        wait_for_http(f"{host}/accounts/login/", processes)
        print(f"gunicorn ({workers} workers) on {host}; locust: {users} users for {run_time}", flush=True)
        warm_up(host, workers)
        stats_file = var_dir / "locust.json"
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(BASE_DIR / "tests" / "load" / "locustfile.py"),
                "--headless",
                "--host",
                host,
                "--users",
                str(users),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                run_time,
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env={**env, "LOAD_USERS": str(users), "LOAD_STATS_FILE": str(stats_file)},
            check=False,
        )
        processes.check_alive()
        result = read_stats(stats_file, users=users, seconds=seconds, workers=workers)
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(json.dumps(result, indent=2) + "\n")
        print_report(result)
        if locust.returncode not in (0, 1):  # 1: some requests failed, reported above
            print(f"locust exited with code {locust.returncode}", file=sys.stderr)
            return locust.returncode
        return 0
    except KeyboardInterrupt:
        print("\nInterrupted: stopping the servers.", file=sys.stderr)
        return 130
    finally:
        processes.stop_all()
        if logs.exists():
            shutil.rmtree(LOG_DIR, ignore_errors=True)
            shutil.copytree(logs, LOG_DIR)
        shutil.rmtree(var_dir, ignore_errors=True)


def parse_seconds(value: str) -> int:
    """locust's --run-time format (e.g. "2m", "20s", "1h30m") in seconds."""
    total, number = 0, ""
    for char in value.strip():
        if char.isdigit():
            number += char
        elif char in "hms" and number:
            total += int(number) * {"h": 3600, "m": 60, "s": 1}[char]
            number = ""
        else:
            sys.exit(f"LOAD_TIME must look like 2m, 20s or 1h30m, not {value!r}")
    return total + int(number or 0)


if __name__ == "__main__":
    sys.exit(main())

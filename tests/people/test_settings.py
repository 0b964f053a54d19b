"""Settings come from the environment; production settings pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    # QA_TESTING too: pytest-env sets it for this process, and these checks are of a deployment.
    prefixes = ("DJANGO_", "DATABASE_URL", "CELERY_", "QA_TESTING")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="qa.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_explicit_testing_flag_waives_the_secret_key():
    """Only the explicit flag waives it, whatever modules the process happens to have imported."""
    assert _manage("check", DJANGO_DEBUG="0", QA_TESTING="1").returncode == 0
    assert _manage("check", DJANGO_DEBUG="0", QA_TESTING="0").returncode != 0


def test_a_malformed_boolean_is_a_clear_error():
    result = _manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr

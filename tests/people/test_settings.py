"""Settings come from the environment; production settings pass Django's deployment checklist."""

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]


def _python(*args, **env):
    # QA_TESTING too: pytest-env sets it for this process, and these checks are of a deployment.
    prefixes = ("DJANGO_", "DATABASE_URL", "CELERY_", "QA_TESTING", "QA_CENTER_VAR_DIR")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def _manage(*args, **env):
    return _python("manage.py", *args, **env)


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


def test_importing_the_settings_creates_no_folder_but_manage_py_does(tmp_path):
    var = tmp_path / "var"
    env = {"DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "qa_center.settings", "QA_CENTER_VAR_DIR": str(var)}
    result = _python("-c", "import django; django.setup(); import qa_center.celery", **env)
    assert result.returncode == 0, result.stderr
    assert not var.exists()

    # Opening the database needs its folder; the default filesystem broker needs its own.
    result = _manage("check", "--database", "default", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert {p.relative_to(var).as_posix() for p in var.rglob("*") if p.is_dir()} >= {
        "celery",
        "celery/broker",
        "celery/control",
    }
    assert (var / "qa_center.sqlite3").exists()


def _fresh_settings(monkeypatch, **env):
    """The settings module executed anew with `env`, apart from the settings this test run uses."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", ROOT / "qa_center" / "settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("limit", "soft"),
    [("1800", 1740), ("300", 270), ("60", 54), ("10", 9), ("2", 1), ("1", 1)],
)
def test_the_soft_time_limit_stays_positive_and_within_the_hard_one(monkeypatch, limit, soft):
    fresh = _fresh_settings(monkeypatch, CELERY_TASK_TIME_LIMIT=limit)
    soft_limit = fresh.CELERY_TASK_SOFT_TIME_LIMIT
    assert soft_limit == soft
    assert 0 < soft_limit <= fresh.CELERY_TASK_TIME_LIMIT


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_a_time_limit_below_one_second_is_a_clear_error(monkeypatch, limit):
    with pytest.raises(ImproperlyConfigured, match="CELERY_TASK_TIME_LIMIT must be at least 1 second"):
        _fresh_settings(monkeypatch, CELERY_TASK_TIME_LIMIT=limit)

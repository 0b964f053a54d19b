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


def _check_deploy(var_dir, **env):
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "qa.example.com",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "QA_CENTER_VAR_DIR": str(var_dir),
    }
    return _manage("check", "--deploy", "--fail-level", "WARNING", **{**production, **env})


def _collected(var_dir):
    """A var folder as `collectstatic` leaves it (the manifest is all the check reads)."""
    (var_dir / "staticfiles").mkdir(parents=True)
    (var_dir / "staticfiles" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    return var_dir


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = _check_deploy(_collected(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_before_collectstatic(tmp_path):
    """Without the manifest every {% static %} raises: each page would answer 500."""
    result = _check_deploy(tmp_path)
    assert result.returncode != 0
    assert "qa_center.E001" in result.stderr
    assert "collectstatic" in result.stderr


def test_check_deploy_fails_with_the_console_email_backend(tmp_path):
    result = _check_deploy(
        _collected(tmp_path), DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
    )
    assert result.returncode != 0
    assert "qa_center.E002" in result.stderr
    assert "qa_center.E001" not in result.stderr


def test_production_cookies_are_secure_and_hsts_is_on(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    result = _manage(
        "shell",
        "-c",
        code,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        QA_CENTER_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True", "True", "True", "31536000"]


def test_the_idle_timeout_comes_from_the_environment(tmp_path):
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_AGE)"
    default = _manage("shell", "-c", code, DJANGO_DEBUG="1", QA_CENTER_VAR_DIR=str(tmp_path))
    custom = _manage(
        "shell", "-c", code, DJANGO_DEBUG="1", QA_SESSION_IDLE_MINUTES="5", QA_CENTER_VAR_DIR=str(tmp_path)
    )
    assert default.stdout.splitlines()[-1].split() == ["1800"], default.stderr
    assert custom.stdout.splitlines()[-1].split() == ["300"], custom.stderr


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


@pytest.mark.parametrize(
    "variable", ["QA_SESSION_IDLE_MINUTES", "QA_LOGIN_FAILURE_LIMIT", "QA_LOGIN_LOCKOUT_MINUTES"]
)
def test_the_access_limits_must_be_positive(variable):
    result = _manage("check", DJANGO_DEBUG="1", **{variable: "0"})
    assert result.returncode != 0
    assert f"{variable} must be 1 or more" in result.stderr

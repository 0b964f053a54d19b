"""`manage.py seed_demo` as a whole: never loaded by accident, sane sizes only, a summary and the logins."""

import io

import pytest
from django.core.management import CommandError, call_command

from calls.models import Call
from qa_center.people.models import User

pytestmark = pytest.mark.django_db


def test_refuses_when_debug_is_off_without_the_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", "--calls=10", stdout=io.StringIO())
    assert User.objects.count() == 0
    assert Call.objects.count() == 0


def test_runs_without_the_flag_in_debug_and_prints_summary_and_logins(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", "--calls=50", "--days=10", "--no-recordings", stdout=out)
    output = out.getvalue()
    assert Call.objects.count() == 50
    assert "50 calls (50 new)" in output
    assert "password: demo" in output
    for username in ("manager", "lead, lead2, lead3", "reviewer4", "agent21 … agent30"):
        assert username in output


def test_rejects_nonsense_sizes():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--calls=-1", "--allow-production", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("seed_demo", "--days=0", "--allow-production", stdout=io.StringIO())

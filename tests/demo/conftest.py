"""The seeded demo that the QA tests read (scorecards, activity, history).

Seeding takes seconds, so it happens once per test module, in a transaction rolled back after the module's last
test; each test runs in a savepoint inside it (pytest-django's usual per-test transaction), so none sees
another's changes. Module scope, not package: the rolled-back transaction must not outlive the module whose
tests read it, or the call-center tests that seed for themselves would see its data.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from qa_center.demo import recordings
from tests.demo.helpers import QA_SMALL


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    """Where the module's seeding writes the recordings (a test that reads them sets MEDIA_ROOT to it)."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, demo_media):
    """The demo at a small size, once; tones instead of espeak-ng voices (the same calls get a recording)."""
    fast = override_settings(
        MEDIA_ROOT=demo_media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), fast, pytest.MonkeyPatch.context() as patch:
        patch.setattr(recordings.shutil, "which", lambda name: None)
        with transaction.atomic():
            out = io.StringIO()
            call_command("seed_demo", *QA_SMALL, stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)

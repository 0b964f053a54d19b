"""Running `seed_demo` at the small sizes the demo tests use."""

import io

from django.core.management import call_command

#: The call center alone: small enough to seed in every test that needs it.
SMALL = ["--calls=600", "--days=30", "--allow-production"]
#: With the QA activity: enough calls for every demo login's story.
QA_SMALL = ["--calls=800", "--days=30", "--allow-production"]


def seed(*args: str) -> str:
    """Seed the small center; returns what the command printed."""
    out = io.StringIO()
    call_command("seed_demo", *SMALL, *args, stdout=out)
    return out.getvalue()

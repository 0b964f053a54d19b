"""Import jobs for the integration tests: generated CSV files of calls, ready for a worker to run."""

from datetime import datetime, timedelta

from django.core.files.base import ContentFile

from calls.models import CallType, ImportJob
from qa_center.people.models import Team, User

COLUMNS = {f: f for f in ("external_id", "started_at", "agent", "call_type", "talk_seconds", "answered")}
AGENTS = 20


def import_people() -> None:
    """The agents (A0000…A0019) and the call type ("billing") the generated files name."""
    team = Team.objects.create(name="Import team")
    User.objects.bulk_create(
        User(username=f"imp-agent{n}", agent_code=f"A{n:04d}", is_agent=True, team=team)
        for n in range(AGENTS)
    )
    CallType.objects.create(slug="billing", name="Billing")


def calls_csv(rows: int, *, prefix: str = "IMP", refused_every: int = 0) -> tuple[bytes, set[int]]:
    """`rows` calls (external ids prefix-0, prefix-1…); with `refused_every`, one row in that many has an
    unreadable date. Returns the file and the line numbers of those rows (the header is line 1)."""
    lines = [",".join(COLUMNS)]
    refused = set()
    start = datetime(2025, 1, 1, 8)
    for n in range(rows):
        started = (start + timedelta(seconds=n * 13)).strftime("%Y-%m-%d %H:%M:%S")
        if refused_every and n % refused_every == refused_every // 2:
            started = "not a date"
            refused.add(n + 2)
        lines.append(f"{prefix}-{n},{started},A{n % AGENTS:04d},billing,{60 + n % 900},Y")
    return ("\r\n".join(lines) + "\r\n").encode(), refused


def import_job(data: bytes, name: str = "calls.csv") -> ImportJob:
    """A configured job, pending: what the mapping page leaves for the task."""
    job = ImportJob(original_name=name, columns=COLUMNS)
    job.file.save(name, ContentFile(data), save=True)
    return job

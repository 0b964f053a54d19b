"""Read queries about import jobs for pages outside the import flow (the QA manager's home page)."""

from datetime import datetime, timedelta

from django.db.models import Case, Q, QuerySet, Value, When

from calls.models import ImportJob

__all__ = ["ATTENTION_DAYS", "STUCK_AFTER", "imports_needing_attention"]

#: A finished import that went wrong is worth a look for this long; older ones stay on the imports page.
ATTENTION_DAYS = 7
#: A queued job no worker has claimed, or a running one with no batch written, for this long: something is
#: wrong with the workers (the beat fails a running job after ten silent minutes, calls.imports.tasks).
STUCK_AFTER = timedelta(minutes=5)

FAILED = "failed"
REFUSED = "refused"
REFUSED_ROWS = "refused_rows"
AGENTS = "agents"
STUCK = "stuck"


def imports_needing_attention(*, now: datetime) -> QuerySet[ImportJob]:
    """Import jobs a QA manager should look at, newest first, each annotated with `attention` (why):
    failed or refused as a whole, done with refused rows (in the last ATTENTION_DAYS days), waiting for their
    agents to be set up, or stuck (queued and never claimed, or running with no sign of life, for STUCK_AFTER).
    A job waiting for its column mapping is the uploader's unfinished step, not listed. A queued job's age is
    counted from its upload (the job keeps no time of queueing): one mapped long after its upload may show as
    stuck for the moment it waits for a worker."""
    recent = Q(created_at__gte=now - timedelta(days=ATTENTION_DAYS))
    cutoff = now - STUCK_AFTER
    queued_unclaimed = Q(status=ImportJob.Status.PENDING, created_at__lt=cutoff) & ~Q(columns={})
    running_silent = Q(status=ImportJob.Status.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    stuck = queued_unclaimed | running_silent
    attention = Case(
        When(stuck, then=Value(STUCK)),
        When(status=ImportJob.Status.FAILED, then=Value(FAILED)),
        When(status=ImportJob.Status.REFUSED, then=Value(REFUSED)),
        When(status=ImportJob.Status.PARTIAL, then=Value(REFUSED_ROWS)),
        When(status=ImportJob.Status.NEEDS_AGENTS, then=Value(AGENTS)),
        default=Value(""),
    )
    went_wrong = Q(status__in=[ImportJob.Status.FAILED, ImportJob.Status.REFUSED, ImportJob.Status.PARTIAL])
    return (
        ImportJob.objects.filter(stuck | (recent & went_wrong) | Q(status=ImportJob.Status.NEEDS_AGENTS))
        .select_related("created_by")
        .defer("columns", "mapping_snapshot", "unknown_agents")
        .annotate(attention=attention)
        .order_by("-created_at", "-id")
    )

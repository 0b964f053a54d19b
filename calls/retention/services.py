"""Retention: recordings and transcripts of calls older than QA_RETENTION_DAYS are deleted, the calls kept.

The call itself, its scores, evaluations, survey answer and escalations stay: KPIs and trends still count them.
What goes is what holds the customer's voice and words: the recording (the stored file is deleted, an external
URL cleared) and the transcript. Each run is recorded (calls.models.RetentionRun) with one row per call it
cleared (RetentionDeletion), shown in the admin.

Holds. Some calls must keep their recording whatever their age: the exemplary-call library's (coaching, a layer
above calls, which calls may not import). An app above registers a hold at ready(): a function returning a
queryset of the call ids to keep (`values("call_id")`), used as a subquery, so a hold costs no query of its own
and follows the library's own rule (an entry removed from the library, i.e. declined or deleted, releases its
call for the next run). A registry rather than a flag on Call: the library decides what it holds in one
place, and nothing has to keep a copy of that decision in step.

Safe to run twice, or twice at once: a call is cleared in a transaction that locks it and re-checks that it is
still old, unheld and not yet cleared; a second run finds nothing left and records an empty run. Batched: a
keyset walk over (started_at, id) through the index of calls that still hold something (call_retained_data_idx),
so no run loads all calls. Files are deleted once their batch is committed: a rollback must not lose a recording
whose call still names it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from calls.models import Call, RetentionDeletion, RetentionRun

RETENTION_BATCH = 500

Hold = Callable[[], QuerySet]
_holds: list[Hold] = []


def register_hold(hold: Hold) -> None:
    """Keep the recordings and transcripts of the calls `hold()` names (a queryset of call ids) from retention."""
    if hold not in _holds:
        _holds.append(hold)


def registered_holds() -> tuple[Hold, ...]:
    return tuple(_holds)


HOLDS_SOMETHING = ~Q(recording_file="") | ~Q(recording_url="") | ~Q(transcript="")


def expired_calls(*, cutoff: datetime) -> QuerySet:
    """Calls started before `cutoff` that still hold a recording or a transcript, and that no hold keeps."""
    calls = Call.objects.filter(HOLDS_SOMETHING, started_at__lt=cutoff)
    for hold in _holds:
        calls = calls.exclude(pk__in=hold())
    return calls


def apply_retention(
    *, now: datetime | None = None, days: int | None = None, batch_size: int = RETENTION_BATCH
) -> RetentionRun | None:
    """Delete the recordings and transcripts of the calls started more than `days` (QA_RETENTION_DAYS) before
    `now`, except held ones; return the run's record (None when retention is off: 0 days keeps everything)."""
    days = settings.QA_RETENTION_DAYS if days is None else days
    if days <= 0:
        return None
    now = now or timezone.now()
    run = RetentionRun.objects.create(days=days, cutoff=now - timedelta(days=days))
    after: tuple[datetime, int] | None = None
    while True:
        batch = expired_calls(cutoff=run.cutoff)
        if after is not None:
            batch = batch.filter(Q(started_at__gt=after[0]) | Q(started_at=after[0], pk__gt=after[1]))
        keys = list(batch.order_by("started_at", "pk").values_list("started_at", "pk")[:batch_size])
        if not keys:
            break
        after = keys[-1]
        _clear(run, [pk for _started, pk in keys])
    RetentionRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    run.refresh_from_db()  # the counts were added batch by batch, in the database
    return run


@transaction.atomic
def _clear(run: RetentionRun, pks: list[int]) -> None:
    # Counted batch by batch in the database: a run that stops half-way still says what it deleted.
    # Locked and checked again: a concurrent run may have cleared some, the library may have taken some.
    rows = list(
        expired_calls(cutoff=run.cutoff)
        .select_for_update(of=("self",))
        .filter(pk__in=pks)
        .order_by("pk")
        .values_list("pk", "recording_file", "recording_url", Length("transcript"))
    )
    if not rows:
        return
    Call.objects.filter(pk__in=[row[0] for row in rows]).update(
        recording_file="", recording_url="", transcript=""
    )
    RetentionDeletion.objects.bulk_create(
        RetentionDeletion(
            run=run,
            call_id=pk,
            recording_file=file or "",
            recording_url=url or "",
            transcript_chars=chars or 0,
        )
        for pk, file, url, chars in rows
    )
    files = [file for _pk, file, _url, _chars in rows if file]
    RetentionRun.objects.filter(pk=run.pk).update(
        calls_count=F("calls_count") + len(rows),
        recordings_count=F("recordings_count") + len(files),
        recording_urls_count=F("recording_urls_count") + sum(1 for row in rows if row[2]),
        transcripts_count=F("transcripts_count") + sum(1 for row in rows if row[3]),
    )
    storage = Call._meta.get_field("recording_file").storage
    transaction.on_commit(lambda: _delete_files(storage, files))


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)

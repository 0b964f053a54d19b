"""Writing the exemplary-call library: nominations and proposals, the QA manager's decision, curating an
entry (criteria, tags, clips), anonymising the credited agent, and counting usage.

Every rule is here once; views, the demo and the coaching sessions call these functions.
"""

import wave
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Call, CallType
from coaching.library.notifications import notify_decision
from coaching.library.selectors import may_nominate
from coaching.models import LibraryClip, LibraryEntry, LibraryEntryCriterion, LibraryTag
from qa_center.people import roles
from scorecards.models import Evaluation

__all__ = [
    "add_clip",
    "approve",
    "decline",
    "delete_clip",
    "grant_anonymity",
    "nominate",
    "record_usage",
    "recording_seconds",
    "request_anonymity",
    "update_entry",
]

MAX_TAGS = 20
TAG_MAX_LENGTH = LibraryTag._meta.get_field("name").max_length


class DecisionTaken(Exception):
    """The nomination was approved or declined meanwhile (another manager, another tab)."""


# --- The recording's length ---------------------------------------------------------------------------------


def recording_seconds(call: Call) -> Decimal | None:
    """How long the call's recording lasts: measured from a WAV file's header; for other formats (or an
    unreadable file) the call's talk plus hold time, which the recording covers; None when neither is known."""
    name = call.recording_file.name
    if name and name.lower().endswith(".wav"):
        try:
            with call.recording_file.storage.open(name, "rb") as file, wave.open(file, "rb") as reader:
                if reader.getframerate():
                    seconds = Decimal(reader.getnframes()) / Decimal(reader.getframerate())
                    return seconds.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        except (OSError, EOFError, wave.Error):
            pass
    parts = [s for s in (call.talk_seconds, call.hold_seconds) if s is not None]
    return Decimal(sum(parts)) if parts else None


# --- Nominating ---------------------------------------------------------------------------------------------


def _clean_tags(tags) -> list[str]:
    names = list(dict.fromkeys(name.strip().lower() for name in tags if name and name.strip()))
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(count)s tags.") % {"count": MAX_TAGS}})
    if any(len(name) > TAG_MAX_LENGTH for name in names):
        raise ValidationError(
            {"tags": _("A tag has at most %(count)s characters.") % {"count": TAG_MAX_LENGTH}}
        )
    return names


def _clean_criteria(criteria) -> list[str]:
    return list(dict.fromkeys(title.strip() for title in criteria if title and title.strip()))


def _set_tags_and_criteria(entry: LibraryEntry, *, criteria: list[str], tags: list[str]) -> None:
    entry.criteria.exclude(title__in=criteria).delete()
    existing = set(entry.criteria.values_list("title", flat=True))
    LibraryEntryCriterion.objects.bulk_create(
        LibraryEntryCriterion(entry=entry, title=title) for title in criteria if title not in existing
    )
    for name in tags:
        LibraryTag.objects.get_or_create(name=name)
    entry.tags.set(LibraryTag.objects.filter(name__in=tags))
    _refresh_search_text(entry, criteria=criteria, tags=tags)


def _refresh_search_text(entry: LibraryEntry, *, criteria: list[str], tags: list[str]) -> None:
    entry.search_text = "\n".join([entry.title, entry.notes, *criteria, *tags]).lower()
    LibraryEntry.objects.filter(pk=entry.pk).update(search_text=entry.search_text)


def _regular_evaluation(call: Call) -> Evaluation | None:
    return Evaluation.objects.regular().submitted().filter(call=call).first()


def nominate(*, call: Call, by, title: str, notes: str = "", criteria=(), tags=()) -> LibraryEntry:
    """Put `call` forward for the library (a reviewer's or QA manager's nomination, or an agent's proposal of
    their own call): a pending entry crediting the call's agent, linked to the call's evaluation if it has one.

    Refused: a call `by` may not put forward, a call without a recording file (the library is listened to),
    and a call already in the library or waiting for a decision."""
    if not may_nominate(by, call):
        raise ValidationError(_("You can only propose your own calls."))
    if not call.recording_file:
        raise ValidationError(_("This call has no recording file: a library entry needs one to be heard."))
    if not title.strip():
        raise ValidationError({"title": _("Give the entry a title.")})
    criteria, tags = _clean_criteria(criteria), _clean_tags(tags)
    entry = LibraryEntry(
        call=call,
        evaluation=_regular_evaluation(call),
        agent=call.agent,
        call_type=call.call_type,
        title=title.strip(),
        notes=notes.strip(),
        nominated_by=by,
    )
    try:
        with transaction.atomic():
            entry.save()
            _set_tags_and_criteria(entry, criteria=criteria, tags=tags)
    except IntegrityError as exc:
        raise ValidationError(_("This call is already in the library or waiting for a decision.")) from exc
    return entry


# --- Deciding -----------------------------------------------------------------------------------------------


def _decide(entry: LibraryEntry, *, by, status: str, reason: str = "") -> None:
    """Move a pending entry to `status` once: a conditional UPDATE, so two managers cannot both decide."""
    if not roles.is_manager(by):
        raise ValidationError(_("Only QA managers approve or decline library nominations."))
    now = timezone.now()
    changed = LibraryEntry.objects.filter(pk=entry.pk, status=LibraryEntry.Status.PENDING).update(
        status=status, decided_by=by, decided_at=now, decline_reason=reason
    )
    if not changed:
        raise DecisionTaken
    entry.status, entry.decided_by, entry.decided_at, entry.decline_reason = status, by, now, reason
    notify_decision(entry=entry)


def approve(*, entry: LibraryEntry, by) -> LibraryEntry:
    _decide(entry, by=by, status=LibraryEntry.Status.APPROVED)
    return entry


def decline(*, entry: LibraryEntry, by, reason: str) -> LibraryEntry:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the nomination is declined: its author reads it.")})
    _decide(entry, by=by, status=LibraryEntry.Status.DECLINED, reason=reason.strip())
    return entry


# --- Curating -----------------------------------------------------------------------------------------------


def update_entry(
    *, entry: LibraryEntry, title: str, notes: str, call_type: CallType | None, criteria=(), tags=()
) -> LibraryEntry:
    if not title.strip():
        raise ValidationError({"title": _("Give the entry a title.")})
    criteria, tags = _clean_criteria(criteria), _clean_tags(tags)
    entry.title, entry.notes, entry.call_type = title.strip(), notes.strip(), call_type
    with transaction.atomic():
        entry.save(update_fields=["title", "notes", "call_type"])
        _set_tags_and_criteria(entry, criteria=criteria, tags=tags)
    return entry


def add_clip(
    *,
    entry: LibraryEntry,
    start_seconds: Decimal,
    end_seconds: Decimal,
    note: str = "",
    internal_only: bool = False,
    by,
) -> LibraryClip:
    """A clip of the entry's recording: its start before its end, both inside the recording."""
    if start_seconds < 0:
        raise ValidationError({"start_seconds": _("A clip cannot start before the recording does.")})
    if end_seconds <= start_seconds:
        raise ValidationError({"end_seconds": _("A clip ends after it starts.")})
    length = recording_seconds(entry.call)
    if length is None:
        raise ValidationError(_("The recording's length is not known, so no clip can be marked in it."))
    if end_seconds > length:
        raise ValidationError(
            {
                "end_seconds": _("The recording lasts %(length)s s: a clip must end by then.")
                % {"length": length}
            }
        )
    return LibraryClip.objects.create(
        entry=entry,
        start_seconds=start_seconds,
        end_seconds=end_seconds,
        note=note.strip(),
        internal_only=internal_only,
        created_by=by,
    )


def delete_clip(*, clip: LibraryClip) -> None:
    clip.delete()


# --- Anonymity ----------------------------------------------------------------------------------------------


def request_anonymity(*, entry: LibraryEntry, by) -> LibraryEntry:
    """The credited agent asks for their name to be hidden; a QA manager grants it (grant_anonymity)."""
    if entry.agent_id is None or entry.agent_id != by.pk:
        raise ValidationError(_("Only the agent of this call can ask for it to be anonymised."))
    if entry.anonymity_requested_at is None:
        entry.anonymity_requested_at = timezone.now()
        LibraryEntry.objects.filter(pk=entry.pk, anonymity_requested_at__isnull=True).update(
            anonymity_requested_at=entry.anonymity_requested_at
        )
    return entry


def grant_anonymity(*, entry: LibraryEntry, by) -> LibraryEntry:
    """Hide the credited agent's name from everyone but the QA managers (a manager may also do it unasked)."""
    if not roles.is_manager(by):
        raise ValidationError(_("Only QA managers anonymise library entries."))
    if entry.anonymised_at is None:
        entry.anonymised_at, entry.anonymised_by = timezone.now(), by
        LibraryEntry.objects.filter(pk=entry.pk, anonymised_at__isnull=True).update(
            anonymised_at=entry.anonymised_at, anonymised_by=by
        )
    return entry


# --- Usage --------------------------------------------------------------------------------------------------

_USAGE_COUNTERS = {LibraryEntry.Usage.PLAY: "play_count", LibraryEntry.Usage.SESSION: "session_count"}


def record_usage(entry: LibraryEntry, kind: str) -> None:
    """Count one use of `entry`: "play" (someone started its recording) or "session" (it was linked into a
    coaching session). One UPDATE adding 1 in the database, so concurrent uses all count."""
    try:
        counter = _USAGE_COUNTERS[LibraryEntry.Usage(kind)]
    except ValueError as exc:
        raise ValueError(f"unknown library usage {kind!r}") from exc
    LibraryEntry.objects.filter(pk=entry.pk).update(**{counter: F(counter) + 1})

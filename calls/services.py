"""Writing calls and what hangs off them: used by the ingest API, the admin and Celery tasks alike.

Callers pass values that are already parsed (users, teams and call types as objects, aware datetimes);
the rules that keep the data consistent live here.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from calls.fields import fields_written
from calls.models import Call, Escalation, IngestToken, SurveyResponse
from calls.surveys.services import SurveyAnswer, record_survey_answers

# The recordings we accept. The declared content type is whatever the client says (curl sends
# application/octet-stream), so a file's first bytes must also match its extension's container.
AUDIO_EXTENSIONS = ("wav", "mp3", "ogg", "opus", "m4a", "webm")
# Content types browsers and phone systems send for these containers besides audio/*.
TOLERATED_CONTENT_TYPES = frozenset({"application/octet-stream", "video/webm", "video/ogg", "video/mp4"})


def recording_max_bytes() -> int:
    return settings.QA_RECORDING_MAX_MB * 1024 * 1024


# --- Calls ----------------------------------------------------------------------------------------------


def _apply_call_data(call: Call, data: Mapping[str, Any]) -> list[str]:
    """Set the fields present in `data` on `call`; return the names of the fields whose value changed.

    Which fields an update writes, and those that follow from others, is calls.fields.fields_written.
    """
    written = fields_written(data)
    values = {name: data[name] for name in written if name in data}
    if "team" in written and "team" not in values:
        agent = values["agent"]
        values["team"] = agent.team if agent is not None else None
    if values.get("resolved_at") is not None:
        values["resolved"] = True
    elif "resolved_at" in written and values.get("resolved") is not True:
        values["resolved_at"] = None

    changed = []
    for name, value in values.items():
        field = Call._meta.get_field(name)
        current = getattr(call, field.attname)
        new = value.pk if field.is_relation and value is not None else value
        if current != new:
            setattr(call, name, value)
            changed.append(field.name)
    return changed


@transaction.atomic
def _upsert_call_once(data: Mapping[str, Any]) -> tuple[Call, bool]:
    # The relations come along so that whoever shows the call next needs no further query; `of` because
    # PostgreSQL cannot lock the nullable side of an outer join.
    call = (
        Call.objects.select_for_update(of=("self",))
        .select_related("agent", "team", "call_type")
        .filter(external_id=data["external_id"])
        .first()
    )
    if call is None:
        if data.get("started_at") is None:
            raise ValueError("a new call needs started_at")
        call = Call(external_id=data["external_id"])
        _apply_call_data(call, data)
        call.save(force_insert=True)
        return call, True
    changed = _apply_call_data(call, data)
    if changed:
        call.save(update_fields=[*changed, "updated_at"])
    return call, False


def upsert_call(*, data: Mapping[str, Any]) -> tuple[Call, bool]:
    """Create the call `data["external_id"]` names, or update it: the same data twice leaves one call.

    `data` holds call field values (agent, team and call type as objects). Returns (call, created).
    """
    if not data.get("external_id"):
        raise ValueError("a call needs an external_id")
    try:
        return _upsert_call_once(data)
    except IntegrityError:
        # A concurrent request inserted the same external id between our SELECT and INSERT: now it updates.
        return _upsert_call_once(data)


@transaction.atomic
def upsert_calls(*, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Call, bool]]:
    """Upsert many calls with a constant number of queries; returns (call, created) in the order of `rows`.

    External ids must be unique within `rows` (the caller decides what a duplicate means).
    """
    external_ids = [row["external_id"] for row in rows]
    if len(set(external_ids)) != len(external_ids):
        raise ValueError("external ids must be unique within one batch")
    existing = Call.objects.select_for_update().in_bulk(external_ids, field_name="external_id")

    results: list[tuple[Call, bool]] = []
    new_calls: list[Call] = []
    changed_calls: list[Call] = []
    changed_fields: set[str] = set()
    now = timezone.now()
    for row in rows:
        call = existing.get(row["external_id"])
        if call is None:
            call = Call(external_id=row["external_id"])
            _apply_call_data(call, row)
            new_calls.append(call)
            results.append((call, True))
            continue
        changed = _apply_call_data(call, row)
        if changed:
            call.updated_at = now  # bulk_update does not run auto_now
            changed_fields.update(changed)
            changed_calls.append(call)
        results.append((call, False))

    if new_calls:
        try:
            with transaction.atomic():
                Call.objects.bulk_create(new_calls, batch_size=500)
        except IntegrityError:
            # A concurrent writer created some of them meanwhile: fall back to one upsert per new row.
            by_id = {row["external_id"]: row for row in rows}
            replaced = {call.external_id: upsert_call(data=by_id[call.external_id]) for call in new_calls}
            results = [replaced.get(call.external_id, (call, created)) for call, created in results]
    if changed_calls:
        Call.objects.bulk_update(changed_calls, [*sorted(changed_fields), "updated_at"], batch_size=500)
    return results


# --- Recordings -----------------------------------------------------------------------------------------


def _looks_like(extension: str, head: bytes) -> bool:
    if extension == "wav":
        return head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    if extension == "mp3":
        # An ID3 tag, or straight into an MPEG audio frame (11 sync bits set).
        return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    if extension in {"ogg", "opus"}:
        return head[:4] == b"OggS"
    if extension == "m4a":
        return head[4:8] == b"ftyp"
    if extension == "webm":
        return head[:4] == b"\x1a\x45\xdf\xa3"
    return False


def validate_recording_file(file: File) -> None:
    """Refuse what is not an audio recording we can play: raises ValidationError."""
    if file.size is not None and file.size > recording_max_bytes():
        raise ValidationError(
            _("The recording is larger than %(limit)s MB.")
            % {"limit": recording_max_bytes() // (1024 * 1024)},
            code="too_large",
        )
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in AUDIO_EXTENSIONS:
        raise ValidationError(
            _("Only audio files are accepted (%(extensions)s).")
            % {"extensions": ", ".join(AUDIO_EXTENSIONS)},
            code="extension",
        )
    content_type = (getattr(file, "content_type", None) or "").split(";")[0].strip().lower()
    if content_type and not content_type.startswith("audio/") and content_type not in TOLERATED_CONTENT_TYPES:
        raise ValidationError(
            _("The content type %(type)s is not audio.") % {"type": content_type}, code="content_type"
        )
    file.seek(0)
    head = file.read(12)
    file.seek(0)
    if not _looks_like(extension, head):
        raise ValidationError(
            _("The file's content is not %(format)s audio.") % {"format": extension.upper()}, code="content"
        )


def attach_recording(*, call: Call, file: File | None = None, url: str | None = None) -> Call:
    """Give the call its recording, an uploaded file or an external URL, replacing any previous one."""
    if (file is None) == (not url):
        raise ValueError("give either a file or a url")
    old_name = call.recording_file.name
    storage = call.recording_file.storage
    if file is not None:
        validate_recording_file(file)
        extension = PurePath(file.name).suffix.lower()
        call.recording_file.save(get_valid_filename(f"{call.external_id}{extension}"), file, save=False)
        call.recording_url = ""
    else:
        call.recording_file = ""
        call.recording_url = url
    new_name = call.recording_file.name
    try:
        with transaction.atomic():
            call.save(update_fields=["recording_file", "recording_url", "updated_at"])
            if old_name and old_name != new_name:
                # Only once the new recording is committed: a rollback must not lose the old file.
                transaction.on_commit(lambda: storage.delete(old_name))
    except Exception:
        if new_name and new_name != old_name:
            storage.delete(new_name)
        raise
    return call


# --- Surveys, cases, escalations ------------------------------------------------------------------------


def add_survey_response(
    *,
    call: Call,
    nps: int | None,
    csat: int | None,
    comment: str = "",
    responded_at: datetime | None = None,
) -> tuple[SurveyResponse, bool]:
    """Record the customer's survey answer; a call has one, so a second answer replaces the first.

    `responded_at` None means the call's start for a new answer and keeps the recorded time of an existing
    one. The rules are calls.surveys.services'; this is its one-call form.
    """
    answer = SurveyAnswer(
        call_external_id=call.external_id, nps=nps, csat=csat, comment=comment, responded_at=responded_at
    )
    result = record_survey_answers(rows=[answer])
    if result.refused:
        raise ValidationError(result.refused[0].errors)
    return result.saved[0], result.statuses[0] == "created"


@dataclass(frozen=True)
class CaseResolution:
    case_id: str
    resolved_at: datetime
    calls: int  # calls of the case
    changed: int  # calls this resolution changed (0 when it repeats an earlier one)


@transaction.atomic
def resolve_case(*, case_id: str, resolved_at: datetime) -> CaseResolution:
    """Mark every call of the case resolved at `resolved_at`. Repeating it changes nothing."""
    calls = Call.objects.filter(case_id=case_id)
    total = calls.count()
    changed = 0
    if total:
        changed = calls.exclude(resolved=True, resolved_at=resolved_at).update(
            resolved=True, resolved_at=resolved_at, updated_at=timezone.now()
        )
    return CaseResolution(case_id=case_id, resolved_at=resolved_at, calls=total, changed=changed)


@transaction.atomic
def record_escalation(
    *,
    call: Call,
    type: str,
    reason: str,
    to_level: str,
    escalated_at: datetime,
    from_level: str = "",
    followup_due_at: datetime | None = None,
    followup_done_at: datetime | None = None,
    external_id: str = "",
) -> tuple[Escalation, bool]:
    """Record an escalation of the call. With an external id, recording it again updates it instead of
    adding a second one; without, every call adds one. Returns (escalation, created)."""
    if type not in Escalation.Type.values:
        raise ValidationError({"type": _("Unknown escalation type.")})
    values = {
        "type": type,
        "reason": reason,
        "from_level": from_level,
        "to_level": to_level,
        "escalated_at": escalated_at,
        "followup_due_at": followup_due_at,
        "followup_done_at": followup_done_at,
    }
    if not external_id:
        return Escalation.objects.create(call=call, **values), True
    escalation, created = Escalation.objects.select_for_update().get_or_create(
        external_id=external_id, defaults={"call": call, **values}
    )
    if created:
        return escalation, True
    if escalation.call_id != call.pk:
        raise ValidationError({"external_id": _("This escalation id is already recorded on another call.")})
    changed = [name for name, value in values.items() if getattr(escalation, name) != value]
    if changed:
        for name in changed:
            setattr(escalation, name, values[name])
        escalation.save(update_fields=changed)
    return escalation, False


# --- Ingest tokens --------------------------------------------------------------------------------------


def revoke_ingest_token(*, token: IngestToken) -> bool:
    """Revoke the token at once (its next request gets 401). False when it was already revoked."""
    now = timezone.now()
    revoked = IngestToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if revoked:
        token.revoked_at = now
    return bool(revoked)

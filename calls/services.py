"""Writing calls and what hangs off them: used by the ingest API, the admin and Celery tasks alike.

Callers pass values that are already parsed (users, teams and call types as objects, aware datetimes);
the rules that keep the data consistent live here.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.fields import SURVEY_FIELD_NAMES, fields_written
from calls.models import Call, Escalation, IngestToken, SurveyResponse
from calls.reasons import declare
from calls.redaction import redact_text
from calls.surveys.services import SurveyAnswer, follow_call_start, record_survey_answers

# The recordings we accept. The declared content type is whatever the client says (curl sends
# application/octet-stream), so a file's first bytes must also match its extension's container.
AUDIO_EXTENSIONS = ("wav", "mp3", "ogg", "opus", "m4a", "webm")
# Content types browsers and phone systems send for these containers besides audio/*.
TOLERATED_CONTENT_TYPES = frozenset({"application/octet-stream", "video/webm", "video/ogg", "video/mp4"})


def recording_max_bytes() -> int:
    return settings.QA_RECORDING_MAX_MB * 1024 * 1024


# --- What an evaluation freezes -------------------------------------------------------------------------

# Once a call has a counted evaluation, the evaluation is about this agent, at this time, saying this: a
# change of any of these would leave an evaluation (and the agent's right to dispute it) on a call that is
# no longer the one scored. Only a QA manager may still change them, in the admin, where it is recorded.
FROZEN_FIELDS = ("agent", "started_at", "transcript")
# scorecards.models.Evaluation.COUNTED_STATUSES, by value: calls sits below scorecards and may not import
# it (DESIGN.md, Architecture); tests/calls/ingest/test_api_evaluated_calls.py fails if the two ever
# differ. The evaluations are reached through their reverse relation from Call (related_name
# "evaluations"), by string lookups: no import.
COUNTED_EVALUATION_STATUSES = ("submitted", "acknowledged", "disputed", "resolved")
FROZEN_CHUNK = 5000  # external ids per query: under SQLite's limit of bound parameters


CALL_FROZEN = declare(
    "calls.frozen",
    gettext_lazy(
        "This call has a submitted evaluation: its agent, start time and transcript can no longer "
        "change here (a QA manager can correct them in the admin)."
    ),
)


class CallFrozen(Exception):
    """An update would change what a counted evaluation of the call is about."""

    def __init__(self, external_id: str, fields: Collection[str]):
        self.external_id = external_id
        self.fields = [name for name in FROZEN_FIELDS if name in fields]
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return CALL_FROZEN()


def frozen_calls(*, external_ids: Iterable[str]) -> set[str]:
    """The external ids among `external_ids` whose calls' agent, start and transcript (FROZEN_FIELDS) may
    no longer change: those with a counted evaluation. One query per FROZEN_CHUNK ids (one for a call, an
    API batch or an import batch).

    The one rule for the API (upsert_call, upsert_calls) and the file import (calls.imports.writer)."""
    wanted = list(dict.fromkeys(external_ids))
    found: set[str] = set()
    if not wanted:
        return found
    # Plain SQL: the ORM prepares every value of the IN list one by one (on an import batch it costs
    # thrice the query). The evaluations are reached through the relation, as the ORM would (calls do not
    # import scorecards).
    relation = Call._meta.get_field("evaluations")
    evaluation = relation.related_model._meta
    quote = connection.ops.quote_name
    calls, evaluations = quote(Call._meta.db_table), quote(evaluation.db_table)
    external_id = f"{calls}.{quote(Call._meta.get_field('external_id').column)}"
    joined = f"{evaluations}.{quote(relation.field.column)} = {calls}.{quote(Call._meta.pk.column)}"
    status = f"{evaluations}.{quote(evaluation.get_field('status').column)}"
    statuses = ", ".join(["%s"] * len(COUNTED_EVALUATION_STATUSES))
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), FROZEN_CHUNK):
            chunk = wanted[start : start + FROZEN_CHUNK]
            cursor.execute(
                f"SELECT DISTINCT {external_id} FROM {calls} INNER JOIN {evaluations} ON {joined} "  # noqa: S608 - identifiers from model metadata
                f"WHERE {status} IN ({statuses}) AND {external_id} IN ({', '.join(['%s'] * len(chunk))})",
                [*COUNTED_EVALUATION_STATUSES, *chunk],
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


def _split_survey(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The call fields of `data`, and its survey answer if it carries a score (None otherwise)."""
    call_data = {name: value for name, value in data.items() if name not in SURVEY_FIELD_NAMES}
    nps, csat = data.get("nps"), data.get("csat")
    if nps is None and csat is None:
        return call_data, None
    return call_data, {"nps": nps, "csat": csat, "comment": data.get("survey_comment") or ""}


def _record_call_survey(call: Call, survey: Mapping[str, Any] | None) -> None:
    # As the import does: the answer is dated by the call's start.
    if survey is not None:
        add_survey_response(call=call, responded_at=call.started_at, **survey)


# --- Calls ----------------------------------------------------------------------------------------------


def _apply_call_data(call: Call, data: Mapping[str, Any]) -> list[str]:
    """Set the fields present in `data` on `call`; return the names of the fields whose value changed.

    Which fields an update writes, and those that follow from others, is calls.fields.fields_written. A
    transcript is stored with its personal data masked (calls.redaction).
    """
    written = fields_written(data)
    values = {name: data[name] for name in written if name in data}
    if "team" in written and "team" not in values:
        agent = values["agent"]
        values["team"] = agent.team if agent is not None else None
    if values.get("transcript"):
        # Masked before it is compared or stored: the same transcript sent twice changes nothing.
        values["transcript"] = redact_text(values["transcript"])
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
def _upsert_call_once(data: Mapping[str, Any], survey: Mapping[str, Any] | None) -> tuple[Call, bool]:
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
        _record_call_survey(call, survey)
        return call, True
    changed = _apply_call_data(call, data)
    frozen = set(changed) & set(FROZEN_FIELDS)
    if frozen and frozen_calls(external_ids=[call.external_id]):
        raise CallFrozen(call.external_id, frozen)
    if changed:
        call.save(update_fields=[*changed, "updated_at"])
    if "started_at" in changed:
        follow_call_start(call_ids=[call.pk])  # its survey answer, when dated by the call, moves with it
    _record_call_survey(call, survey)
    return call, False


def upsert_call(*, data: Mapping[str, Any]) -> tuple[Call, bool]:
    """Create the call `data["external_id"]` names, or update it: the same data twice leaves one call.

    `data` holds call field values (agent, team and call type as objects), and may hold the survey fields
    (calls.fields.SURVEY_FIELD_NAMES): with a score, they are stored as the call's survey answer.
    Returns (call, created). Raises CallFrozen, changing nothing, when the update would change a frozen
    field of a call with a counted evaluation.
    """
    if not data.get("external_id"):
        raise ValueError("a call needs an external_id")
    data, survey = _split_survey(data)
    try:
        return _upsert_call_once(data, survey)
    except IntegrityError:
        # A concurrent request inserted the same external id between our SELECT and INSERT: now it updates.
        return _upsert_call_once(data, survey)


@transaction.atomic
def upsert_calls(*, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Call, bool] | CallFrozen]:
    """Upsert many calls with a constant number of queries (and one per survey answer); returns, in the
    order of `rows`, (call, created) for each saved row and a CallFrozen for each refused one (a row that
    would change a frozen field of an evaluated call: nothing of it is written).

    External ids must be unique within `rows` (the caller decides what a duplicate means).
    """
    external_ids = [row["external_id"] for row in rows]
    if len(set(external_ids)) != len(external_ids):
        raise ValueError("external ids must be unique within one batch")
    existing = Call.objects.select_for_update().in_bulk(external_ids, field_name="external_id")

    split = [_split_survey(row) for row in rows]
    changes: list[list[str] | None] = []  # None for a new call
    for data, _survey in split:
        call = existing.get(data["external_id"])
        changes.append(None if call is None else _apply_call_data(call, data))
    touching_frozen = [
        data["external_id"]
        for (data, _survey), changed in zip(split, changes, strict=True)
        if changed and set(changed) & set(FROZEN_FIELDS)
    ]
    frozen = frozen_calls(external_ids=touching_frozen)

    results: list[tuple[Call, bool] | CallFrozen] = []
    new_calls: list[Call] = []
    changed_calls: list[Call] = []
    changed_fields: set[str] = set()
    now = timezone.now()
    for (data, _survey), changed in zip(split, changes, strict=True):
        if changed is None:
            call = Call(external_id=data["external_id"])
            _apply_call_data(call, data)
            new_calls.append(call)
            results.append((call, True))
            continue
        if data["external_id"] in frozen:
            results.append(CallFrozen(data["external_id"], changed))
            continue
        call = existing[data["external_id"]]
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
            results = [
                result if isinstance(result, CallFrozen) else replaced.get(result[0].external_id, result)
                for result in results
            ]
    if changed_calls:
        Call.objects.bulk_update(changed_calls, [*sorted(changed_fields), "updated_at"], batch_size=500)
        if "started_at" in changed_fields:
            follow_call_start(call_ids=[call.pk for call in changed_calls])
    for result, (_data, survey) in zip(results, split, strict=True):
        if not isinstance(result, CallFrozen):
            _record_call_survey(result[0], survey)
    return results


def redact_stored_transcripts(*, batch_size: int = 1000) -> int:
    """Mask the personal data in the transcripts stored before redaction on ingest (calls.redaction); returns
    how many changed. Batched by primary key; a transcript already masked is left as it is, so it may be run
    again. Not a change of the call's data (its updated_at stays): the same text, masked as it would be today.
    """
    changed = 0
    last = 0
    while True:
        batch = list(
            Call.objects.filter(pk__gt=last)
            .exclude(transcript="")
            .order_by("pk")
            .only("pk", "transcript")[:batch_size]
        )
        if not batch:
            return changed
        last = batch[-1].pk
        masked = []
        for call in batch:
            text = redact_text(call.transcript)
            if text != call.transcript:
                call.transcript = text
                masked.append(call)
        if masked:
            Call.objects.bulk_update(masked, ["transcript"])
            changed += len(masked)


# --- The evaluation's result ------------------------------------------------------------------------------


def record_evaluation_result(
    *, call_id: int, evaluated_at: datetime | None, score: Decimal | None, passed: bool | None
) -> None:
    """Keep on the call the result of its submitted regular evaluation (evaluated_at None: it has none).

    Called by scorecards (which calls may not import) wherever that result is written: submitting, and a
    dispute's re-scoring. Not the call's own data: its updated_at stays as it is."""
    Call.objects.filter(pk=call_id).update(
        evaluated_at=evaluated_at, evaluation_score=score, evaluation_passed=passed
    )


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
    answered: int  # its answered contacts: the ones that carry the resolution
    changed: int  # calls this resolution changed (0 when it repeats an earlier one)


@transaction.atomic
def resolve_case(*, case_id: str, resolved_at: datetime) -> CaseResolution:
    """Mark the case resolved at `resolved_at`: its answered contacts carry the resolution.

    Resolution belongs to the case, and a case is resolved once however many contacts it had
    (calls.selectors.resolution_rate counts cases, not calls); an abandoned contact, or one whose outcome
    is unknown, resolved nothing and is left as it is. A case with no answered contact is marked on none
    (`answered` is 0: the caller says so). Repeating it changes nothing.
    """
    calls = Call.objects.filter(case_id=case_id)
    counts = calls.aggregate(calls=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    changed = 0
    if counts["answered"]:
        changed = (
            calls.filter(answered=True)
            .exclude(resolved=True, resolved_at=resolved_at)
            .update(resolved=True, resolved_at=resolved_at, updated_at=timezone.now())
        )
    return CaseResolution(case_id=case_id, resolved_at=resolved_at, changed=changed, **counts)


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

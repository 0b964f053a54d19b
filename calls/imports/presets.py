"""Column mappings for common phone-system exports, offered beside the saved ImportMapping rows.

A preset maps call fields to the column headers a system usually writes. Header matching is forgiving
(case and spacing do not matter), so a preset also fits small variations of the same export. A mapping is
chosen by reference ("preset:<key>" / "mapping:<pk>") in the form, or by name on the command line.

A preset claims only columns its export has. Where the column names come from:

- Amazon Connect: the contact record (formerly "contact trace record", CTR) data model, Amazon Connect
  Administrator Guide, https://docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html
  (ContactId, InitiationTimestamp; Agent: Username, AgentInteractionDuration, CustomerHoldDuration,
  AfterContactWorkDuration; Queue: Name, Duration; CustomerEndpoint: Address). Records are JSON; flattened
  to CSV (Athena, Glue, pandas.json_normalize) a nested field is "Agent.Username". Durations are whole
  seconds, timestamps ISO 8601 in UTC. Not mapped, because their values are not ours: InitiationMethod
  (TRANSFER, CALLBACK, API… besides INBOUND/OUTBOUND), Channel (TASK besides VOICE/CHAT) and
  Recording.Location (an S3 path, not an http(s) URL).
- Zendesk Talk: the Talk API's incremental calls export, https://developer.zendesk.com/api-reference/voice/
  talk-api/incremental_exports/ (id, created_at, agent_id, direction, ivr_time_spent, wait_time,
  talk_time, hold_time, wrap_up_time, ticket_id, customer_id). Durations are seconds, created_at is
  ISO 8601. agent_id is the Zendesk user id: give agents that id as their agent code. completion_status
  (completed, abandoned_in_queue, …) is not a yes/no value, so it is not mapped.
- Generic survey CSV (survey answers): the survey import's field names as headers.
- Genesys-style and Five9-style: older presets whose headers are not backed by a published schema (hence
  "-style"); a stock export may lack some of their columns (the Five9 survey and ticket columns are
  custom fields), which are then skipped and noted on the job.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from calls.imports.mapping import ABANDONED, IMPORT_FIELDS, START_TIME_OF_DAY
from calls.models import ImportKind, ImportMapping


@dataclass(frozen=True)
class ImportPreset:
    key: str
    name: str | Promise
    description: str | Promise
    columns: dict[str, str] = field(default_factory=dict)
    date_format: str = ""
    kind: str = ImportKind.CALLS


GENERIC = ImportPreset(
    key="generic",
    name=_("Generic CSV"),
    description=_("One column per call field, headed with the field's name (external_id, started_at, …)."),
    columns={f.name: f.name for f in IMPORT_FIELDS if f not in (ABANDONED, START_TIME_OF_DAY)},
)

# Genesys Cloud's interaction export: ISO 8601 timestamps in UTC, durations as H:MM:SS, YES/NO flags.
GENESYS = ImportPreset(
    key="genesys",
    name=_("Genesys-style export"),
    description=_("Interaction export: Conversation ID, Conversation Start, User, Queue, Total Talk, …"),
    columns={
        "external_id": "Conversation ID",
        "started_at": "Conversation Start",
        "agent": "User",
        "queue": "Queue",
        "direction": "Direction",
        "channel": "Media Type",
        "ivr_wait_seconds": "Total IVR",
        "queue_wait_seconds": "Total Queue",
        "talk_seconds": "Total Talk",
        "hold_seconds": "Total Hold",
        "wrap_up_seconds": "Total ACW",
        "abandoned": "Abandoned",
        "call_type": "Wrap-up Code",
        "customer_id": "ANI",
        "case_id": "External Tag",
    },
)

# Five9's call log report: US dates (MM/DD/YYYY), durations as H:MM:SS, 1/0 flags, agent by login.
FIVE9 = ImportPreset(
    key="five9",
    name=_("Five9-style export"),
    description=_("Call log report: CALL ID, TIMESTAMP (MM/DD/YYYY), AGENT, CAMPAIGN, SKILL, TALK TIME, …"),
    columns={
        "external_id": "CALL ID",
        "started_at": "TIMESTAMP",
        "agent": "AGENT",
        "call_type": "CAMPAIGN",
        "queue": "SKILL",
        "direction": "CALL TYPE",
        "ivr_wait_seconds": "IVR TIME",
        "queue_wait_seconds": "QUEUE WAIT TIME",
        "talk_seconds": "TALK TIME",
        "hold_seconds": "HOLD TIME",
        "wrap_up_seconds": "AFTER CALL WORK TIME",
        "abandoned": "ABANDONED",
        "customer_id": "ANI",
        "case_id": "TICKET ID",
        "nps": "NPS SCORE",
        "csat": "CSAT SCORE",
        "survey_comment": "SURVEY COMMENT",
    },
    date_format="%m/%d/%Y %H:%M:%S",
)

AMAZON_CONNECT = ImportPreset(
    key="amazon-connect",
    name=_("Amazon Connect contact records (CTR)"),
    description=_(
        "Contact records flattened to CSV: ContactId, InitiationTimestamp, Agent.Username, Queue.Name, "
        "Queue.Duration, Agent.AgentInteractionDuration, …"
    ),
    columns={
        "external_id": "ContactId",
        "started_at": "InitiationTimestamp",
        "agent": "Agent.Username",
        "queue": "Queue.Name",
        "queue_wait_seconds": "Queue.Duration",
        "talk_seconds": "Agent.AgentInteractionDuration",
        "hold_seconds": "Agent.CustomerHoldDuration",
        "wrap_up_seconds": "Agent.AfterContactWorkDuration",
        "customer_id": "CustomerEndpoint.Address",
    },
)

ZENDESK_TALK = ImportPreset(
    key="zendesk-talk",
    name=_("Zendesk Talk calls export"),
    description=_(
        "The Talk API's incremental calls export as CSV: id, created_at, agent_id, direction, wait_time, "
        "talk_time, hold_time, wrap_up_time, ticket_id, …"
    ),
    columns={
        "external_id": "id",
        "started_at": "created_at",
        "agent": "agent_id",
        "direction": "direction",
        "ivr_wait_seconds": "ivr_time_spent",
        "queue_wait_seconds": "wait_time",
        "talk_seconds": "talk_time",
        "hold_seconds": "hold_time",
        "wrap_up_seconds": "wrap_up_time",
        "case_id": "ticket_id",
        "customer_id": "customer_id",
    },
)

# A survey tool's export with one column per survey field, headed with the field's name.
GENERIC_SURVEYS = ImportPreset(
    key="generic-surveys",
    name=_("Generic survey CSV"),
    description=_(
        "One column per survey field, headed with the field's name (external_id, responded_at, nps, csat, "
        "comment, segment, call_external_id, case_id)."
    ),
    columns={
        name: name
        for name in (
            "external_id",
            "responded_at",
            "nps",
            "csat",
            "comment",
            "segment",
            "call_external_id",
            "case_id",
        )
    },
    kind=ImportKind.SURVEYS,
)

PRESETS: dict[str, ImportPreset] = {
    preset.key: preset for preset in (GENERIC, GENESYS, FIVE9, AMAZON_CONNECT, ZENDESK_TALK, GENERIC_SURVEYS)
}


def presets_of(kind: str) -> list[ImportPreset]:
    return [preset for preset in PRESETS.values() if preset.kind == kind]


def get_preset(key: str, kind: str = ImportKind.CALLS) -> ImportPreset | None:
    preset = PRESETS.get(key)
    return preset if preset is not None and preset.kind == kind else None


def find_preset(name: str, kind: str | None = ImportKind.CALLS) -> ImportPreset | None:
    """A preset of `kind` (None: any) by key ("five9") or by its English or translated name."""
    wanted = name.strip().casefold()
    for preset in PRESETS.values():
        if kind is not None and preset.kind != kind:
            continue
        if wanted in {preset.key, str(preset.name).casefold()}:
            return preset
    return None


def resolve_mapping_reference(
    reference: str, kind: str = ImportKind.CALLS
) -> tuple[dict[str, str], str, ImportMapping | None] | None:
    """(columns, date format, saved mapping or None) for a "preset:<key>" / "mapping:<pk>" reference to a
    mapping of `kind` (one of another kind is no reference)."""
    source, _sep, key = reference.partition(":")
    if source == "preset" and (preset := get_preset(key, kind)):
        return dict(preset.columns), preset.date_format, None
    if source == "mapping" and key.isdigit():
        mapping = ImportMapping.objects.filter(pk=int(key), kind=kind).first()
        if mapping:
            return dict(mapping.columns), mapping.date_format, mapping
    return None


def find_mapping(*, name: str) -> tuple[dict[str, str], str, ImportMapping | None] | None:
    """A saved call mapping by name (case-insensitive), else a call preset by key or name."""
    mapping = ImportMapping.objects.filter(name__iexact=name.strip(), kind=ImportKind.CALLS).first()
    if mapping:
        return dict(mapping.columns), mapping.date_format, mapping
    preset = find_preset(name)
    if preset:
        return dict(preset.columns), preset.date_format, None
    return None


def save_mapping(
    *, name: str, columns: dict[str, str], date_format: str, user, kind: str = ImportKind.CALLS
) -> ImportMapping:
    """Save (or overwrite, by name) a mapping for reuse; presets shipped as data, and mappings of the
    other kind (names are unique across kinds), are not overwritten."""
    mapping = ImportMapping.objects.filter(name__iexact=name).first()
    if mapping is None:
        return ImportMapping.objects.create(
            name=name, columns=columns, date_format=date_format, created_by=user, kind=kind
        )
    if mapping.is_preset:
        raise ValueError(gettext_now("“%s” is a preset and cannot be changed.") % mapping.name)
    if mapping.kind != kind:
        raise ValueError(
            gettext_now("“%s” is the name of a mapping of another kind of import.") % mapping.name
        )
    mapping.columns = columns
    mapping.date_format = date_format
    mapping.save(update_fields=["columns", "date_format"])
    return mapping

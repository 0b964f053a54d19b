"""Column mappings for common phone-system exports, offered beside the saved ImportMapping rows.

A preset maps call fields to the column headers a system usually writes. Header matching is forgiving
(case and spacing do not matter), so a preset also fits small variations of the same export. HEADER_ALIASES
pre-fills the mapping form when no preset or saved mapping is chosen.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ImportPreset:
    key: str
    name: str | Promise
    description: str | Promise
    columns: dict[str, str] = field(default_factory=dict)
    date_format: str = ""


GENERIC = ImportPreset(
    key="generic",
    name=_("Generic CSV"),
    description=_("One column per call field, headed with the field's name (external_id, started_at, …)."),
    columns={
        name: name
        for name in (
            "external_id",
            "started_at",
            "agent",
            "team",
            "call_type",
            "direction",
            "channel",
            "queue",
            "ivr_wait_seconds",
            "queue_wait_seconds",
            "talk_seconds",
            "hold_seconds",
            "wrap_up_seconds",
            "answered",
            "resolved",
            "resolved_at",
            "case_id",
            "customer_id",
            "recording_url",
            "transcript",
            "nps",
            "csat",
            "survey_comment",
        )
    },
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

PRESETS: dict[str, ImportPreset] = {preset.key: preset for preset in (GENERIC, GENESYS, FIVE9)}

# Other headers seen in exports, per call field: used to pre-fill the mapping form by header name.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ("call id", "callid", "id", "interaction id", "conversation id", "call reference", "uuid"),
    "started_at": (
        "start",
        "start time",
        "started",
        "date",
        "timestamp",
        "call start",
        "date time",
        "datetime",
    ),
    "agent": ("agent", "agent id", "agent code", "user", "username", "login", "extension", "agent login"),
    "team": ("team", "team name", "group"),
    "call_type": ("call type", "type", "campaign", "category", "wrap-up code"),
    "direction": ("direction", "call direction", "inbound/outbound"),
    "channel": ("channel", "media type", "media"),
    "queue": ("queue", "skill", "queue name", "acd queue"),
    "ivr_wait_seconds": ("ivr", "ivr time", "ivr wait", "total ivr", "ivr seconds"),
    "queue_wait_seconds": ("queue wait", "queue time", "wait", "wait time", "queue wait time", "total queue"),
    "talk_seconds": ("talk", "talk time", "total talk", "talk duration", "talk seconds"),
    "hold_seconds": ("hold", "hold time", "total hold", "hold seconds"),
    "wrap_up_seconds": (
        "wrap up",
        "wrap-up",
        "wrap up time",
        "acw",
        "after call work",
        "after call work time",
    ),
    "answered": ("answered", "is answered", "connected"),
    "abandoned": ("abandoned", "is abandoned"),
    "resolved": ("resolved", "is resolved", "fcr", "case resolved"),
    "resolved_at": ("resolved at", "resolution time", "resolved time", "closed at"),
    "case_id": ("case", "case id", "ticket", "ticket id", "case number", "ticket number"),
    "customer_id": ("customer", "customer id", "account", "account id", "ani", "caller id"),
    "recording_url": ("recording", "recording url", "recording link", "audio url"),
    "transcript": ("transcript", "transcription"),
    "nps": ("nps", "nps score", "recommend"),
    "csat": ("csat", "csat score", "satisfaction"),
    "survey_comment": ("comment", "survey comment", "verbatim", "feedback"),
}


def get_preset(key: str) -> ImportPreset | None:
    return PRESETS.get(key)


def find_preset(name: str) -> ImportPreset | None:
    """A preset by key ("five9") or by its English or translated name ("Five9-style export")."""
    wanted = name.strip().casefold()
    for preset in PRESETS.values():
        if wanted in {preset.key, str(preset.name).casefold()}:
            return preset
    return None

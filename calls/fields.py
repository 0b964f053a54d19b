"""The call fields that arrive from outside (the ingest API, file imports), written once, and the two rules
both paths share: how a call names its agent, and what an update of a call writes.

The API applies the rules one call at a time in Python (calls.services); the import compiles them into its
set-based SQL (calls.imports.writer). Both read them from here.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Field

from calls.models import Call

T = TypeVar("T")


@dataclass(frozen=True)
class CallField:
    name: str
    kind: str  # what its values are: text, external_id, datetime, agent, team, call_type, duration, bool…
    required: bool = False  # every payload and every file row carries it
    updatable: bool = True  # an update may change it (the external id is the key, so never)

    @property
    def model_field(self) -> Field:
        return Call._meta.get_field(self.name)

    @property
    def label(self):
        return self.model_field.verbose_name

    @property
    def column(self) -> str:
        return self.model_field.column

    @property
    def max_length(self) -> int | None:
        return self.model_field.max_length


# In the model's order, which is also the order the API reads calls back in.
CALL_FIELDS: tuple[CallField, ...] = (
    CallField("external_id", "external_id", required=True, updatable=False),
    CallField("agent", "agent"),
    CallField("team", "team"),
    CallField("call_type", "call_type"),
    CallField("direction", "direction"),
    CallField("queue", "text"),
    CallField("channel", "channel"),
    CallField("started_at", "datetime", required=True),
    CallField("ivr_wait_seconds", "duration"),
    CallField("queue_wait_seconds", "duration"),
    CallField("talk_seconds", "duration"),
    CallField("hold_seconds", "duration"),
    CallField("wrap_up_seconds", "duration"),
    CallField("answered", "bool"),
    CallField("resolved", "bool"),
    CallField("resolved_at", "datetime"),
    CallField("case_id", "text"),
    CallField("customer_id", "text"),
    CallField("recording_url", "url"),
    CallField("transcript", "text"),
)
CALL_FIELDS_BY_NAME = {f.name: f for f in CALL_FIELDS}
CALL_FIELD_NAMES = tuple(CALL_FIELDS_BY_NAME)
DURATION_FIELDS = tuple(f.name for f in CALL_FIELDS if f.kind == "duration")
# Text columns are NOT NULL: "none" is stored as "".
BLANK_TEXT_FIELDS = tuple(f.name for f in CALL_FIELDS if f.kind in {"text", "url"})


# --- How a call names its agent -------------------------------------------------------------------------

# Strongest first: a phone system's agent code wins over a username that happens to be the same string.
AGENT_KEYS = ("agent_code", "username")


def agents_by_key(rows: Iterable[tuple[Any, ...]], *, fold: bool = False) -> dict[str, T]:
    """{key a call may name its agent by → agent}, from rows of (*AGENT_KEYS values, agent).

    With `fold`, the keys are casefolded (for a case-insensitive second try). Among agents whose keys
    fold alike, the first row wins.
    """
    rows = list(rows)
    found: dict[str, T] = {}
    for position in reversed(range(len(AGENT_KEYS))):  # weakest first, so that a stronger key overrides
        level: dict[str, T] = {}
        for row in rows:
            if key := row[position]:
                level.setdefault(key.casefold() if fold else key, row[-1])
        found.update(level)
    return found


def agent_key(agent) -> str:
    """The key a call names `agent` by when read back: the strongest one the agent has."""
    return next(value for name in AGENT_KEYS if (value := getattr(agent, name)))


# --- What an update writes ------------------------------------------------------------------------------


def fields_written(sent: Collection[str]) -> list[str]:
    """The call fields an upsert writes when `sent` are the fields a payload or a file gives.

    Fields not sent keep their stored value (an integration sends what it knows when it knows it); the
    external id is the key and is never written on update. Three fields follow from others:
    - `team` when an agent comes without a team: the agent's team;
    - `resolved` when a resolution time comes without it: a resolution time means resolved;
    - `resolved_at` when `resolved` comes without it: a call that is no longer resolved has none.
    """
    unknown = set(sent) - set(CALL_FIELDS_BY_NAME)
    if unknown:
        raise ValueError(f"not call fields: {sorted(unknown)}")
    written = [f.name for f in CALL_FIELDS if f.name in sent and f.updatable]
    if "agent" in sent and "team" not in sent:
        written.append("team")
    if "resolved_at" in sent and "resolved" not in sent:
        written.append("resolved")
    if "resolved" in sent and "resolved_at" not in sent:
        written.append("resolved_at")
    return written

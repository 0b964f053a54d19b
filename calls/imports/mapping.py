"""Mapping a file's columns to call fields: the fields a column can feed, suggestions, and the rules a
mapping must follow (presets and saved mappings are in calls.imports.presets).

- external_id and started_at must be mapped (else the whole file is refused) and filled (else the row is
  refused). A mapped optional column that the file lacks is skipped and noted on the job.
- "abandoned" may be mapped instead of "answered" (it is stored as its opposite); mapping both is refused.
- Unmapped columns are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.fields import CALL_FIELDS, CallField
from calls.imports.reading import FileRefused


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str | Promise
    kind: str
    required: bool = False
    max_length: int | None = None
    help_text: str | Promise = ""
    call_field: str | None = None  # the Call field it writes; None for a survey field


_HELP_TEXTS = {
    "agent": gettext_lazy("Agent code or username."),
    "team": gettext_lazy("Empty: the agent's team."),
    "call_type": gettext_lazy("Code or name."),
}


def _from_call_field(call_field: CallField) -> ImportField:
    return ImportField(
        call_field.name,
        call_field.label,
        call_field.kind,
        required=call_field.required,
        max_length=call_field.max_length,
        help_text=_HELP_TEXTS.get(call_field.name, ""),
        call_field=call_field.name,
    )


ABANDONED = ImportField(
    "abandoned",
    gettext_lazy("abandoned"),
    "bool",
    help_text=gettext_lazy("Instead of “answered”: stored as its opposite."),
    call_field="answered",
)
SURVEY_IMPORT_FIELDS = (
    ImportField("nps", gettext_lazy("survey NPS (0–10)"), "score"),
    ImportField("csat", gettext_lazy("survey CSAT (1–5)"), "score"),
    ImportField("survey_comment", gettext_lazy("survey comment"), "text"),
)


def _import_fields() -> tuple[ImportField, ...]:
    # Required fields first (the form's order, and the first two values of a converted row), then the
    # call fields in their order, "abandoned" beside "answered", then the survey.
    fields: list[ImportField] = []
    for call_field in sorted(CALL_FIELDS, key=lambda f: not f.required):
        fields.append(_from_call_field(call_field))
        if call_field.name == "answered":
            fields.append(ABANDONED)
    return (*fields, *SURVEY_IMPORT_FIELDS)


IMPORT_FIELDS: tuple[ImportField, ...] = _import_fields()
FIELDS_BY_NAME = {f.name: f for f in IMPORT_FIELDS}
REQUIRED_FIELDS = tuple(f.name for f in IMPORT_FIELDS if f.required)
SURVEY_FIELDS = tuple(f.name for f in SURVEY_IMPORT_FIELDS)

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


def normalise_header(header: str) -> str:
    """Headers match whatever their case and spacing."""
    return " ".join(header.casefold().split())


def _squash(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def suggest_columns(*, headers: Iterable[str], columns: dict[str, str] | None = None) -> dict[str, str]:
    """A mapping {call field → header of this file}: from `columns` (a preset or saved mapping) where its
    headers exist in the file, else by matching header names with field names and known aliases."""
    headers = [h for h in headers if h]
    by_normal = {}
    for header in headers:
        by_normal.setdefault(normalise_header(header), header)
    if columns is not None:
        return {
            name: by_normal[normalise_header(header)]
            for name, header in columns.items()
            if name in FIELDS_BY_NAME and normalise_header(header) in by_normal
        }
    by_squashed = {}
    for header in headers:
        by_squashed.setdefault(_squash(header), header)
    suggested: dict[str, str] = {}
    taken: set[str] = set()
    # Exact field names first, so that a "Generic CSV" file maps completely.
    for import_field in IMPORT_FIELDS:
        header = by_squashed.get(_squash(import_field.name))
        if header and header not in taken:
            suggested[import_field.name] = header
            taken.add(header)
    for import_field in IMPORT_FIELDS:
        if import_field.name in suggested:
            continue
        names = (str(import_field.label), *HEADER_ALIASES.get(import_field.name, ()))
        for alias in names:
            header = by_squashed.get(_squash(alias))
            if header and header not in taken:
                suggested[import_field.name] = header
                taken.add(header)
                break
    if "answered" in suggested and "abandoned" in suggested:
        del suggested["abandoned"]
    return suggested


def validate_columns(*, columns: dict[str, str]) -> None:
    """Whole-mapping rules, checked before any file is read."""
    unknown = sorted(set(columns) - set(FIELDS_BY_NAME))
    if unknown:
        raise FileRefused(_("Unknown call fields in the mapping: %s.") % ", ".join(unknown))
    for name in REQUIRED_FIELDS:
        if not columns.get(name):
            raise FileRefused(
                _("No column is mapped to the required field “%s”.") % FIELDS_BY_NAME[name].label
            )
    if columns.get("answered") and columns.get("abandoned"):
        raise FileRefused(_("Map either “answered” or “abandoned”, not both."))

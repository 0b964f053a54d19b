"""The call fields that arrive from outside (the ingest API, file imports), written once, and the rules both
paths share: how a call names its agent (and who may be one), what an update of a call writes, and the sane
range of a date and of a number.

The API applies the rules one call at a time in Python (calls.services); the import compiles them into its
set-based SQL (calls.imports.writer). Both read them from here.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, TypeVar

from django.db.models import Field, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from calls.models import Call
from calls.reasons import declare
from qa_center.people.models import User

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
    CallField("topic", "text"),
    CallField("recording_url", "url"),
    CallField("transcript", "text"),
)
# A call row or payload may also carry the customer's survey answer: stored as the call's SurveyResponse
# (calls.services.add_survey_response), never dropped.
SURVEY_FIELD_NAMES = ("nps", "csat", "survey_comment")
CALL_FIELDS_BY_NAME = {f.name: f for f in CALL_FIELDS}
CALL_FIELD_NAMES = tuple(CALL_FIELDS_BY_NAME)
DURATION_FIELDS = tuple(f.name for f in CALL_FIELDS if f.kind == "duration")
# Text columns are NOT NULL: "none" is stored as "".
BLANK_TEXT_FIELDS = tuple(f.name for f in CALL_FIELDS if f.kind in {"text", "url"})


# --- How a call names its agent -------------------------------------------------------------------------

# Strongest first: a phone system's agent code wins over a username that happens to be the same string,
# and both over an alias a QA manager saved in an import's agent step (calls.models.AgentAlias). The alias
# is a reverse relation: `values_list(*AGENT_KEYS, …)` gives one row per alias of an agent (and one with
# None for an agent without any), which agents_by_key takes as they come.
OWN_AGENT_KEYS = ("agent_code", "username")
AGENT_KEYS = (*OWN_AGENT_KEYS, "agent_aliases__name")


def agent_candidates() -> QuerySet[User]:
    """The people a call may name as its agent: agents only (a QA manager or a reviewer answers no calls)."""
    return User.objects.filter(is_agent=True)


def agents_by_key(rows: Iterable[tuple[Any, ...]], *, fold: bool = False) -> dict[str, T]:
    """{key a call may name its agent by → agent}, from rows of (*AGENT_KEYS values, agent), strongest
    key first (rows of the first keys alone, such as (agent code, username, agent), are read alike).

    With `fold`, the keys are casefolded (for a case-insensitive second try). Among agents whose keys
    fold alike, the first row wins.
    """
    rows = list(rows)
    found: dict[str, T] = {}
    width = max((len(row) - 1 for row in rows), default=0)  # the keys before the agent
    for position in reversed(range(width)):  # weakest first, so that a stronger key overrides
        level: dict[str, T] = {}
        for row in rows:
            if key := row[position]:
                level.setdefault(key.casefold() if fold else key, row[-1])
        found.update(level)
    return found


def agent_key(agent) -> str:
    """The key a call names `agent` by when read back: the strongest one the agent has of its own."""
    return next(value for name in OWN_AGENT_KEYS if (value := getattr(agent, name)))


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


# --- Sane ranges ----------------------------------------------------------------------------------------

# A call, a survey answer or an escalation happened after this and at most a day ahead of now (clocks and
# time zones disagree by hours, never by days). Year 9999 or 0001 is a typo or a placeholder, and it breaks
# every page that shows the time in a zone east or west of UTC.
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
# What is planned (an escalation's follow-up due date) may lie ahead, but not beyond a year.
PLANNING_HORIZON = timedelta(days=366)
# The database's ceiling for the integer columns (PositiveIntegerField on PostgreSQL): a duration above
# this is refused per value, not left to fail the whole batch at INSERT.
INTEGER_MAX = 2_147_483_647


# Why a time is refused (calls.reasons: a code, shown in the reader's language where it is stored).
OUT_OF_RANGE = declare(
    "fields.out_of_range",
    gettext_lazy("%(value)s is out of range: the date must be from %(earliest)s to %(latest)s"),
)


@dataclass(frozen=True)
class TimeRange:
    """The times accepted for what happened: from EARLIEST_TIME to FUTURE_TOLERANCE ahead of now
    (TimeRange.now()); for what is planned, to PLANNING_HORIZON ahead (TimeRange.planned()).

    Built once per request or per file (TimeRange.now()); checking a value is two comparisons.
    """

    earliest: datetime
    latest: datetime

    @classmethod
    def now(cls) -> "TimeRange":
        return cls(earliest=EARLIEST_TIME, latest=timezone.now() + FUTURE_TOLERANCE)

    @classmethod
    def planned(cls) -> "TimeRange":
        return cls(earliest=EARLIEST_TIME, latest=timezone.now() + PLANNING_HORIZON)

    def refusal(self, value: datetime, zone: tzinfo | None = None) -> str | None:
        """Why `value` is refused, or None when it is in range. A naive `value` is read in `zone`
        (default: the current time zone)."""
        # Years first: an aware year-1 or year-9999 value can overflow when compared across zones.
        if self.earliest.year <= value.year <= self.latest.year:
            if value.tzinfo is None:
                value = value.replace(tzinfo=zone or timezone.get_current_timezone())
            if self.earliest <= value <= self.latest:
                return None
        return OUT_OF_RANGE(
            value=value.isoformat(sep=" ", timespec="minutes"),
            earliest=self.earliest.date().isoformat(),
            latest=self.latest.date().isoformat(),
        )


NEGATIVE = declare("fields.negative", gettext_lazy("%(value)s is negative"))
TOO_BIG = declare("fields.too_big", gettext_lazy("%(value)s is more than %(max)s, the most this field holds"))


def integer_refusal(value: int) -> str | None:
    """Why a whole number of seconds is refused (negative, or beyond what the database holds), or None."""
    if value < 0:
        return NEGATIVE(value=value)
    if value > INTEGER_MAX:
        return TOO_BIG(value=value, max=INTEGER_MAX)
    return None

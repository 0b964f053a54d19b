"""Ingest API payloads: parsing and validation only; what is written, and how, is in calls.services."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calls import services
from calls.fields import (
    AGENT_KEYS,
    BLANK_TEXT_FIELDS,
    CALL_FIELD_NAMES,
    INTEGER_MAX,
    TimeRange,
    agent_candidates,
    agent_key,
    agents_by_key,
    integer_refusal,
)
from calls.imports.converters import InvalidValue
from calls.imports.converters import _to_duration as parse_duration  # the import's parser: one rule
from calls.models import Call, CallType, Escalation, SurveyResponse, validate_external_id
from qa_center.people.models import Team, User

MAX_BATCH_SIZE = 1000


class References:
    """The agents, call types and teams a request names, fetched with one query per kind for the whole
    request (a batch of 1,000 calls costs the same three queries as one call)."""

    def __init__(self, items: Iterable[Any]):
        wanted: dict[str, set[str]] = {"agent": set(), "call_type": set(), "team": set()}
        for item in items:
            if not isinstance(item, dict):
                continue
            for name, values in wanted.items():
                value = item.get(name)
                if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                    values.add(str(value).strip())
        # The import's rule (calls.imports.converters): agents only, by agent code then username, exact
        # first, then casefolded. The keys of every agent are read (one narrow query, as the import does)
        # because a casefolded match cannot be asked of the database portably.
        self._agent_pks: dict[str, int] = {}
        self._agent_pks_folded: dict[str, int] = {}
        self._agents: dict[int, User] = {}
        self.not_agents: set[str] = set()  # keys of people who exist but are not agents
        if wanted["agent"]:
            keys = list(agent_candidates().values_list(*AGENT_KEYS, "pk"))
            self._agent_pks = agents_by_key(keys)
            self._agent_pks_folded = agents_by_key(keys, fold=True)
            found = {value: self._agent_pk(value) for value in wanted["agent"]}
            pks = {pk for pk in found.values() if pk is not None}
            if pks:
                self._agents = User.objects.select_related("team").in_bulk(pks)
            missing = [value for value, pk in found.items() if pk is None]
            if missing:
                named = Q()
                for key in AGENT_KEYS:
                    named |= Q(**{f"{key}__in": missing})
                others = User.objects.filter(named).exclude(pk__in=agent_candidates().values("pk"))
                self.not_agents = {key for row in others.values_list(*AGENT_KEYS) for key in row if key}
        self.call_types: dict[str, CallType] = {}
        if wanted["call_type"]:
            self.call_types = {ct.slug: ct for ct in CallType.objects.filter(slug__in=wanted["call_type"])}
        self.teams: dict[str, Team] = {}
        if wanted["team"]:
            self.teams = {team.name: team for team in Team.objects.filter(name__in=wanted["team"])}

    def _agent_pk(self, key: str) -> int | None:
        pk = self._agent_pks.get(key)
        return self._agent_pks_folded.get(key.casefold()) if pk is None else pk

    def agent(self, key: str) -> User | None:
        pk = self._agent_pk(key.strip())
        return None if pk is None else self._agents.get(pk)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0, "maximum": INTEGER_MAX},
            {"type": "string", "example": "1:02:03"},
        ]
    }
)
class DurationSecondsField(serializers.Field):
    """Seconds as a number, or text as the import reads it: `312`, `12.5`, `5:12`, `1:02:03`."""

    default_error_messages = {"invalid": _("Send seconds (a number), or text such as “5:12” or “1:02:03”.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        if isinstance(data, int):
            if (refused := integer_refusal(data)) is not None:
                raise serializers.ValidationError(refused)
            return data
        try:
            return parse_duration(str(data))
        except InvalidValue as exc:
            raise serializers.ValidationError(str(exc)) from exc
        except ValueError as exc:  # int() refuses a string of thousands of digits
            raise serializers.ValidationError(_("This number has too many digits for a duration.")) from exc

    def to_representation(self, value):
        return value


class EventTimeField(serializers.DateTimeField):
    """A date and time something happened: refused before 2000 or more than a day ahead (calls.fields)."""

    in_range = staticmethod(TimeRange.now)

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if (refused := self.in_range().refusal(result)) is not None:
            raise serializers.ValidationError(refused)
        return result


class PlannedTimeField(EventTimeField):
    """A date and time planned ahead: refused before 2000 or more than a year ahead (calls.fields)."""

    in_range = staticmethod(TimeRange.planned)


def _duration(**kwargs) -> DurationSecondsField:
    return DurationSecondsField(required=False, allow_null=True, **kwargs)


class CallIngestSerializer(serializers.Serializer):
    """One call as an integration sends it. Only `external_id` and `started_at` are required; on an
    update, fields left out keep their stored value and fields sent as null are cleared."""

    external_id = serializers.CharField(
        max_length=100,
        help_text=_("The call's id in the phone system (no “/”: it is part of the API's paths)."),
        validators=[validate_external_id],
    )
    agent = serializers.CharField(
        required=False, allow_null=True, help_text=_("The agent's agent code or username.")
    )
    team = serializers.CharField(
        required=False, allow_null=True, help_text=_("Team name; defaults to the agent's team.")
    )
    call_type = serializers.CharField(required=False, allow_null=True, help_text=_("Call type code (slug)."))
    direction = serializers.ChoiceField(choices=Call.Direction.choices, required=False)
    queue = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    channel = serializers.ChoiceField(choices=Call.Channel.choices, required=False)
    started_at = EventTimeField(
        help_text=_("ISO 8601, e.g. 2025-01-31T09:15:00Z; from 2000 to one day from now.")
    )
    ivr_wait_seconds = _duration()
    queue_wait_seconds = _duration()
    talk_seconds = _duration()
    hold_seconds = _duration()
    wrap_up_seconds = _duration(
        help_text=_(
            "Durations: seconds, or text as in the import (“5:12”, “1:02:03”); null means unknown, never 0."
        )
    )
    answered = serializers.BooleanField(
        required=False, allow_null=True, help_text=_("true answered, false abandoned, null unknown.")
    )
    resolved = serializers.BooleanField(required=False, allow_null=True)
    resolved_at = EventTimeField(
        required=False, allow_null=True, help_text=_("Setting it marks the call resolved.")
    )
    case_id = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    customer_id = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    topic = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("What the call was about, e.g. “billing dispute”."),
    )
    recording_url = serializers.URLField(max_length=500, required=False, allow_blank=True, allow_null=True)
    transcript = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )
    # The customer's survey answer, as in the import's survey columns: stored as the call's survey answer
    # (at the call's start time), replacing any earlier one.
    nps = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    csat = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    survey_comment = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    @property
    def references(self) -> References:
        if "references" not in self.context:
            self.context["references"] = References([self.initial_data])
        return self.context["references"]

    def validate_agent(self, value: str | None) -> User | None:
        if value is None:
            return None
        agent = self.references.agent(value)
        if agent is None:
            if value in self.references.not_agents:
                raise serializers.ValidationError(
                    _("“%(value)s” is not an agent: only agents can be a call's agent.") % {"value": value}
                )
            raise serializers.ValidationError(
                _("Unknown agent “%(value)s”: no agent has this agent code or username.") % {"value": value}
            )
        return agent

    def validate_call_type(self, value: str | None) -> CallType | None:
        if value is None:
            return None
        call_type = self.references.call_types.get(value)
        if call_type is None:
            raise serializers.ValidationError(_("Unknown call type “%(value)s”.") % {"value": value})
        return call_type

    def validate_team(self, value: str | None) -> Team | None:
        if value is None:
            return None
        team = self.references.teams.get(value)
        if team is None:
            raise serializers.ValidationError(_("Unknown team “%(value)s”.") % {"value": value})
        return team

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("resolved") is False and attrs.get("resolved_at") is not None:
            raise serializers.ValidationError(
                {"resolved_at": [_("An unresolved call cannot have a resolution time.")]}
            )
        if attrs.get("survey_comment") and attrs.get("nps") is None and attrs.get("csat") is None:
            raise serializers.ValidationError(
                {"survey_comment": [_("A survey comment needs an NPS or a CSAT score.")]}
            )
        # Text fields may be sent as null for "none".
        for name in (*BLANK_TEXT_FIELDS, "survey_comment"):
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        return attrs


class CallSerializer(serializers.ModelSerializer):
    """A call as the API reads it back."""

    agent = serializers.SerializerMethodField(help_text=_("The agent's agent code, or username without one."))
    team = serializers.SlugRelatedField(slug_field="name", read_only=True)
    call_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    has_recording_file = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            *CALL_FIELD_NAMES,
            "has_recording_file",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_agent(self, call: Call) -> str | None:
        return None if call.agent is None else agent_key(call.agent)

    def get_has_recording_file(self, call: Call) -> bool:
        return bool(call.recording_file)


class CallReceiptSerializer(serializers.ModelSerializer):
    """What a write answers a token without the "read" scope: that the call is stored, not what it holds (an
    ingest-only token must not read back a transcript by re-sending a call or attaching a recording)."""

    has_recording_file = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = ["external_id", "has_recording_file", "created_at", "updated_at"]
        read_only_fields = fields

    def get_has_recording_file(self, call: Call) -> bool:
        return bool(call.recording_file)


class SurveySerializer(serializers.Serializer):
    # A second answer replaces the first whole: a score left out is no score.
    nps = serializers.IntegerField(min_value=0, max_value=10, default=None, allow_null=True)
    csat = serializers.IntegerField(min_value=1, max_value=5, default=None, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    responded_at = EventTimeField(
        required=False,
        allow_null=True,
        help_text=_(
            "When the customer answered; from 2000 to one day from now. Left out: a first answer takes the "
            "call's start (and follows it when the call's start changes); a later answer keeps the time "
            "already recorded."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("nps") is None and attrs.get("csat") is None:
            raise serializers.ValidationError({"nps": [_("Send an NPS score, a CSAT score or both.")]})
        return attrs


class SurveyReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyResponse
        fields = ["nps", "csat", "comment", "responded_at"]
        read_only_fields = fields


class EscalationSerializer(serializers.ModelSerializer):
    external_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The escalation's id in the sending system: sending it again updates instead of adding."),
    )
    escalated_at = EventTimeField()
    followup_due_at = PlannedTimeField(required=False, allow_null=True)
    followup_done_at = EventTimeField(required=False, allow_null=True)

    class Meta:
        model = Escalation
        fields = [
            "external_id",
            "type",
            "reason",
            "from_level",
            "to_level",
            "escalated_at",
            "followup_due_at",
            "followup_done_at",
        ]
        # Uniqueness of the external id is the service's business: a repeat updates, it is not an error.
        validators: list = []


class CallDetailSerializer(CallSerializer):
    """The read-back of one call, with its survey answer and escalations."""

    survey = SurveyReadSerializer(read_only=True, allow_null=True)
    escalations = EscalationSerializer(many=True, read_only=True)

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "survey", "escalations"]
        read_only_fields = fields


class RecordingUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("An audio file: wav, mp3, ogg, opus, m4a or webm."),
        error_messages={
            "required": _("Send an audio file in the multipart field “file”, or JSON with a “url”.")
        },
    )

    def validate_file(self, file):
        try:
            services.validate_recording_file(file)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return file


class RecordingUrlSerializer(serializers.Serializer):
    url = serializers.URLField(
        max_length=500,
        help_text=_("Where the recording can be played from."),
        error_messages={
            "required": _("Send JSON with a “url”, or an audio file in the multipart field “file”.")
        },
    )


class CaseResolutionSerializer(serializers.Serializer):
    resolved_at = EventTimeField(help_text=_("When the helpdesk resolved the case (ISO 8601)."))


class CaseResolutionResultSerializer(serializers.Serializer):
    case_id = serializers.CharField()
    resolved_at = serializers.DateTimeField()
    calls = serializers.IntegerField(help_text=_("Calls of this case."))
    answered = serializers.IntegerField(
        help_text=_("Its answered calls: the ones that carry the resolution.")
    )
    changed = serializers.IntegerField(
        help_text=_("Calls this request changed (0 when it repeats an earlier one).")
    )


class BatchItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("Position of the call in the request, from 0."))
    external_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "updated", "invalid"])
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("For an invalid call: field → messages."),
    )


class BatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    invalid = serializers.IntegerField()
    results = BatchItemResultSerializer(many=True)

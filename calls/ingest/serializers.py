"""Ingest API payloads: parsing and validation only; what is written, and how, is in calls.services."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from calls import services
from calls.fields import AGENT_KEYS, BLANK_TEXT_FIELDS, CALL_FIELD_NAMES, agent_key, agents_by_key
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
        self.agents: dict[str, User] = {}
        if wanted["agent"]:
            named = Q()
            for key in AGENT_KEYS:
                named |= Q(**{f"{key}__in": wanted["agent"]})
            users = User.objects.filter(named).select_related("team")
            self.agents = agents_by_key((*(getattr(user, key) for key in AGENT_KEYS), user) for user in users)
        self.call_types: dict[str, CallType] = {}
        if wanted["call_type"]:
            self.call_types = {ct.slug: ct for ct in CallType.objects.filter(slug__in=wanted["call_type"])}
        self.teams: dict[str, Team] = {}
        if wanted["team"]:
            self.teams = {team.name: team for team in Team.objects.filter(name__in=wanted["team"])}

    def agent(self, key: str) -> User | None:
        return self.agents.get(key)


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
    started_at = serializers.DateTimeField(help_text=_("ISO 8601, e.g. 2025-01-31T09:15:00Z."))
    ivr_wait_seconds = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    queue_wait_seconds = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    talk_seconds = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    hold_seconds = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    wrap_up_seconds = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text=_("Durations: null means unknown, never 0.")
    )
    answered = serializers.BooleanField(
        required=False, allow_null=True, help_text=_("true answered, false abandoned, null unknown.")
    )
    resolved = serializers.BooleanField(required=False, allow_null=True)
    resolved_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("Setting it marks the call resolved.")
    )
    case_id = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    customer_id = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    recording_url = serializers.URLField(max_length=500, required=False, allow_blank=True, allow_null=True)
    transcript = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )

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
            raise serializers.ValidationError(
                _("Unknown agent “%(value)s”: no user has this agent code or username.") % {"value": value}
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
        # Text fields may be sent as null for "none".
        for name in BLANK_TEXT_FIELDS:
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


class SurveySerializer(serializers.Serializer):
    # A second answer replaces the first whole: a score left out is no score.
    nps = serializers.IntegerField(min_value=0, max_value=10, default=None, allow_null=True)
    csat = serializers.IntegerField(min_value=1, max_value=5, default=None, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    responded_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_(
            "When the customer answered; left out: now for a first answer, unchanged for a later one."
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
    escalated_at = serializers.DateTimeField()

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
    resolved_at = serializers.DateTimeField(help_text=_("When the helpdesk resolved the case (ISO 8601)."))


class CaseResolutionResultSerializer(serializers.Serializer):
    case_id = serializers.CharField()
    resolved_at = serializers.DateTimeField()
    calls = serializers.IntegerField(help_text=_("Calls of this case."))
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

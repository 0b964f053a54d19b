"""The ingest API's survey endpoints: survey answers with or without a call, one or up to 1,000 at a time.

Parsing and validation here; what is stored, and how answers link to calls, is calls.surveys.services.
Authentication, the partial accept and the error shapes are those of the call endpoints (calls.ingest.views).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from calls.ingest.serializers import MAX_BATCH_SIZE
from calls.ingest.views import ERRORS, UNAUTHORIZED, IngestAPIView
from calls.models import SurveyResponse, validate_external_id
from calls.surveys.services import SurveyAnswer, record_survey_answers

ANSWER_DESCRIPTION = _(
    "NPS 0–10 and/or CSAT 1–5, with an optional comment and segment (market, segment or queue). The link "
    "to a call is optional: `call_external_id` links to that call (unknown: refused), else `case_id` to the "
    "case's latest call started at or before the answer (no call of the case yet: stored unlinked, with its "
    "case id). Unlinked answers count at center level and in their segment, linked ones also for the call's "
    "agent and team. Without `responded_at` the answer takes its call's start (and follows it when the call "
    "moves); an answer with neither a time nor a call is refused. The scores and comment replace the stored "
    "ones; the link, case id and segment are kept when not sent. A call has one answer."
)


class SurveyAnswerSerializer(serializers.Serializer):
    """One survey answer as an integration sends it."""

    external_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_external_id],
        help_text=_(
            "The survey tool's response id: sending it again updates the answer. Optional for an answer "
            "linked to a call (a call has one answer)."
        ),
    )
    nps = serializers.IntegerField(min_value=0, max_value=10, default=None, allow_null=True)
    csat = serializers.IntegerField(min_value=1, max_value=5, default=None, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    responded_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "When the customer answered (ISO 8601), from 2000 to one day from now; left out: the call's start."
        ),
    )
    segment = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    call_external_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text=_("The call it is about.")
    )
    case_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text=_("The case it is about.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("nps") is None and attrs.get("csat") is None:
            raise serializers.ValidationError({"nps": [_("Send an NPS score, a CSAT score or both.")]})
        return attrs


class SurveyAnswerReadSerializer(serializers.ModelSerializer):
    call_external_id = serializers.SlugRelatedField(
        source="call", slug_field="external_id", read_only=True, allow_null=True
    )

    class Meta:
        model = SurveyResponse
        fields = [
            "external_id",
            "call_external_id",
            "case_id",
            "segment",
            "nps",
            "csat",
            "comment",
            "responded_at",
            "responded_at_source",
        ]
        read_only_fields = fields


class SurveyBatchItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("Position of the answer in the request, from 0."))
    external_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "updated", "unchanged", "invalid"])
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("For an invalid answer: field → messages."),
    )


class SurveyBatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    invalid = serializers.IntegerField()
    results = SurveyBatchItemResultSerializer(many=True)


EXAMPLE = {
    "external_id": "SRV-88121",
    "nps": 9,
    "csat": 5,
    "comment": "Quick and friendly",
    "responded_at": "2025-01-31T18:02:00Z",
    "segment": "Latvia",
    "case_id": "HD-4411",
}


class SurveyBatchView(IngestAPIView):
    @extend_schema(
        operation_id="record_surveys_batch",
        tags=["surveys"],
        summary=_("Record up to 1,000 survey answers"),
        description=_(
            "A JSON array of survey answers, at most 1,000 per request.\n\n"
            "**Partial accept:** every valid answer is saved, every invalid one is refused on its own. The "
            "answer is 200 with one result per item, in the order sent: `index`, `external_id`, `status` "
            "(`created`, `updated`, `unchanged` or `invalid`) and, for an invalid item, `errors` by field. "
            "Resending the valid ones does no harm. A response id (or a call) that appears twice in one "
            "request is refused the second time. A body that is not a list of 1 to 1,000 answers is refused "
            "whole (400).\n\n"
        )
        + ANSWER_DESCRIPTION,
        request=SurveyAnswerSerializer(many=True),
        responses={200: SurveyBatchResultSerializer, 400: ERRORS, 401: UNAUTHORIZED},
        examples=[OpenApiExample("One answer from a survey tool", request_only=True, value=[EXAMPLE])],
    )
    def post(self, request):
        items = request.data
        if not isinstance(items, list) or not items:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send a JSON array of survey answers.")]}
            )
        if len(items) > MAX_BATCH_SIZE:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _("At most %(max)d survey answers per request; this one has %(count)d.")
                        % {"max": MAX_BATCH_SIZE, "count": len(items)}
                    ]
                }
            )
        results: list[dict] = []
        valid: list[tuple[int, SurveyAnswer]] = []
        for index, item in enumerate(items):
            serializer = SurveyAnswerSerializer(data=item)
            external_id = item.get("external_id") if isinstance(item, dict) else None
            result = {"index": index, "external_id": external_id if isinstance(external_id, str) else None}
            results.append(result)
            if serializer.is_valid():
                valid.append((index, SurveyAnswer(**serializer.validated_data)))
            else:
                result.update(status="invalid", errors=serializer.errors)
        if valid:
            indexes = [index for index, _answer in valid]
            written = record_survey_answers(rows=[answer for _index, answer in valid], indexes=indexes)
            for position, written_status in enumerate(written.statuses):
                results[indexes[position]]["status"] = written_status
            for refused in written.refused:
                results[indexes[refused.index]].update(status="invalid", errors=refused.errors)
        summary = {
            name: sum(1 for r in results if r["status"] == name)
            for name in ("created", "updated", "unchanged", "invalid")
        }
        return Response({**summary, "results": results})


class SurveyDetailView(IngestAPIView):
    @extend_schema(
        operation_id="record_survey_answer",
        tags=["surveys"],
        summary=_("Create or update one survey answer by its response id"),
        description=_("201 when created, 200 when updated or unchanged.\n\n") + ANSWER_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "external_id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=_("The survey tool's response id."),
            )
        ],
        request=SurveyAnswerSerializer,
        responses={
            201: SurveyAnswerReadSerializer,
            200: SurveyAnswerReadSerializer,
            400: ERRORS,
            401: UNAUTHORIZED,
        },
    )
    def put(self, request, external_id):
        data = request.data if isinstance(request.data, dict) else {}
        serializer = SurveyAnswerSerializer(data={**data, "external_id": external_id})
        serializer.is_valid(raise_exception=True)
        written = record_survey_answers(rows=[SurveyAnswer(**serializer.validated_data)])
        if written.refused:
            raise serializers.ValidationError(written.refused[0].errors)
        survey = SurveyResponse.objects.select_related("call").get(pk=written.saved[0].pk)
        created = written.statuses[0] == "created"
        return Response(
            SurveyAnswerReadSerializer(survey).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

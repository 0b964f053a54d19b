"""The ingest API (v1): machines push calls, recordings, surveys, case resolutions and escalations.

Only ingest tokens may call it: a browser session is not a credential here (the API is for machines,
and accepting cookies would expose it to cross-site requests). Each request also needs its token's scope
(calls.ingest.scopes): "read" to read a call back, "ingest" for every write.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from calls import services
from calls.access import get_call_for_token
from calls.ingest.auth import IngestTokenAuthentication
from calls.ingest.parsers import IngestJSONParser, ingest_exception_handler
from calls.ingest.scopes import HasTokenScope, ScopedAutoSchema
from calls.ingest.serializers import (
    MAX_BATCH_SIZE,
    BatchResultSerializer,
    CallDetailSerializer,
    CallIngestSerializer,
    CallReceiptSerializer,
    CallSerializer,
    CaseResolutionResultSerializer,
    CaseResolutionSerializer,
    EscalationSerializer,
    RecordingUploadSerializer,
    RecordingUrlSerializer,
    References,
    SurveyReadSerializer,
    SurveySerializer,
)
from calls.models import IngestToken


class IngestTokenScheme(OpenApiAuthenticationExtension):
    target_class = "calls.ingest.auth.IngestTokenAuthentication"
    name = "IngestToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _(
                "An ingest token issued by a QA manager: `Authorization: Bearer qac_…`. Its scopes say what "
                "it may do: `ingest` for every write, `read` to read calls back. Each operation names the "
                "scope it needs (also as `x-token-scope`); a token without it gets 403 naming the "
                "`missing_scope`."
            ),
        }


class HasIngestToken(permissions.BasePermission):
    """Authenticated by an ingest token, whatever other authentication the settings may add later."""

    def has_permission(self, request, view):
        return isinstance(request.auth, IngestToken) and request.auth.is_active


class IngestAPIView(APIView):
    authentication_classes = [IngestTokenAuthentication]
    permission_classes = [HasIngestToken, HasTokenScope]
    parser_classes = [IngestJSONParser]
    schema = ScopedAutoSchema()

    def get_exception_handler(self):
        return ingest_exception_handler


ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description=_('Validation errors: {"field": ["message", …]}.'))
UNAUTHORIZED = OpenApiResponse(OpenApiTypes.OBJECT, description=_("No, an invalid or a revoked token."))
FROZEN = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "The call has a submitted evaluation and the update would change its agent, start time or "
        'transcript: nothing is changed. {"field": ["message"]} names the fields.'
    ),
)
NO_ANSWERED_CALL = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_("None of the case's calls was answered: nothing is changed.")
)
NO_CALL = OpenApiResponse(OpenApiTypes.OBJECT, description=_("No call has this external id."))
# A write answers with the call as stored when the token may read calls, else with a receipt only.
CALL_WRITTEN = PolymorphicProxySerializer(
    component_name="CallWritten",
    serializers=[CallSerializer, CallReceiptSerializer],
    resource_type_field_name=None,
)
CALL_WRITTEN_NOTE = _(
    "The answer is the call as stored for a token with the `read` scope, and only a receipt "
    "(`external_id`, `has_recording_file`, `created_at`, `updated_at`) for a token without it."
)


def call_written(token: IngestToken, call) -> dict:
    """The answer to a write of `call`: what it holds only for a token that may read calls."""
    if token.has_scope(IngestToken.Scope.READ):
        return CallSerializer(call).data
    return CallReceiptSerializer(call).data


EXTERNAL_ID = OpenApiParameter(
    "external_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The call's id in the phone system."),
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _frozen_errors(exc: services.CallFrozen) -> dict[str, list[str]]:
    return {name: [exc.message] for name in exc.fields}


def _as_api_error(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class CallUpsertView(IngestAPIView):
    @extend_schema(
        operation_id="upsert_call",
        tags=["calls"],
        summary=_("Create or update a call"),
        description=format_lazy(
            "{}\n\n{}",
            _(
                "Creates the call with this `external_id`, or updates it: sending the same call twice leaves one "
                "call. On an update, fields left out keep their stored value; fields sent as null are cleared. "
                "`agent` is an agent's agent code or username, as in the file import: an exact match first, "
                "then ignoring case and surrounding spaces; only agents can be a call's agent. `team` is a team "
                "name (default: the agent's team), `call_type` a call type code. Unknown ones are refused with "
                "a 400 naming the field. Durations are seconds or text as in the import (`5:12`, `1:02:03`). "
                "Dates must be from 2000-01-01 to one day from now. `nps`, `csat` and `survey_comment` are "
                "stored as the call's survey answer (dated by the call's start), replacing an earlier one.\n\n"
                "Once the call has a submitted evaluation, a change of its `agent`, `started_at` or "
                "`transcript` is refused with 409 and nothing is changed."
            ),
            CALL_WRITTEN_NOTE,
        ),
        request=CallIngestSerializer,
        responses={
            201: CALL_WRITTEN,
            200: CALL_WRITTEN,
            400: ERRORS,
            401: UNAUTHORIZED,
            409: FROZEN,
        },
        examples=[
            OpenApiExample(
                "Answered inbound call",
                request_only=True,
                value={
                    "external_id": "PBX-2025-000123",
                    "agent": "A0001",
                    "call_type": "inbound-support",
                    "direction": "inbound",
                    "started_at": "2025-01-31T09:15:00Z",
                    "queue_wait_seconds": 42,
                    "talk_seconds": 312,
                    "answered": True,
                    "case_id": "HD-4411",
                    "topic": "Router setup",
                },
            )
        ],
    )
    def post(self, request):
        serializer = CallIngestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            call, created = services.upsert_call(data=serializer.validated_data)
        except services.CallFrozen as exc:
            raise Conflict(_frozen_errors(exc)) from exc
        return Response(
            call_written(request.auth, call),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CallBatchView(IngestAPIView):
    @extend_schema(
        operation_id="upsert_calls_batch",
        tags=["calls"],
        summary=_("Create or update up to 1,000 calls"),
        description=_(
            "A JSON array of calls, each as for `POST /api/v1/calls/`, at most 1,000 per request.\n\n"
            "**Partial accept:** every valid call is saved, every invalid one is refused on its own. The "
            "answer is 200 with one result per call, in the order sent: `index`, `external_id`, `status` "
            "(`created`, `updated` or `invalid`) and, for an invalid call, `errors` by field. Check "
            "`invalid` in the answer and send the refused calls again once fixed (resending the valid ones "
            "does no harm: the upsert is idempotent). An external id that appears twice in one request is "
            "refused the second time. A call that would change the agent, start time or transcript of a call "
            "with a submitted evaluation is refused (`invalid`, the fields named in `errors`). A body that "
            "is not a list of 1 to 1,000 calls is refused whole (400)."
        ),
        request=CallIngestSerializer(many=True),
        responses={200: BatchResultSerializer, 400: ERRORS, 401: UNAUTHORIZED},
    )
    def post(self, request):
        items = request.data
        if not isinstance(items, list) or not items:
            raise serializers.ValidationError({"non_field_errors": [_("Send a JSON array of calls.")]})
        if len(items) > MAX_BATCH_SIZE:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _("At most %(max)d calls per request; this one has %(count)d.")
                        % {"max": MAX_BATCH_SIZE, "count": len(items)}
                    ]
                }
            )
        references = References(items)
        results: list[dict] = []
        valid: list[tuple[int, dict]] = []
        first_index: dict[str, int] = {}
        for index, item in enumerate(items):
            serializer = CallIngestSerializer(data=item, context={"references": references})
            external_id = item.get("external_id") if isinstance(item, dict) else None
            result = {"index": index, "external_id": external_id if isinstance(external_id, str) else None}
            results.append(result)
            if not serializer.is_valid():
                result.update(status="invalid", errors=serializer.errors)
                continue
            data = serializer.validated_data
            if data["external_id"] in first_index:
                message = _(
                    "This external id appears more than once in the request (first at index %(index)d)."
                )
                result.update(
                    status="invalid",
                    errors={"external_id": [message % {"index": first_index[data["external_id"]]}]},
                )
                continue
            first_index[data["external_id"]] = index
            valid.append((index, data))

        if valid:
            saved = services.upsert_calls(rows=[data for _index, data in valid])
            for (index, _data), outcome in zip(valid, saved, strict=True):
                if isinstance(outcome, services.CallFrozen):
                    results[index].update(status="invalid", errors=_frozen_errors(outcome))
                else:
                    results[index]["status"] = "created" if outcome[1] else "updated"
        summary = {
            "created": sum(1 for r in results if r["status"] == "created"),
            "updated": sum(1 for r in results if r["status"] == "updated"),
            "invalid": sum(1 for r in results if r["status"] == "invalid"),
            "results": results,
        }
        return Response(summary)


class CallDetailView(IngestAPIView):
    @extend_schema(
        operation_id="get_call",
        tags=["calls"],
        summary=_("Read a call back"),
        description=_(
            "The call as stored, with its survey answer and escalations, so an integration can verify."
        ),
        parameters=[EXTERNAL_ID],
        responses={200: CallDetailSerializer, 401: UNAUTHORIZED, 404: NO_CALL},
    )
    def get(self, request, external_id):
        return Response(
            CallDetailSerializer(get_call_for_token(request.auth, external_id, for_read_back=True)).data
        )


class CallRecordingView(IngestAPIView):
    parser_classes = [IngestJSONParser, MultiPartParser]

    @extend_schema(
        operation_id="attach_recording",
        tags=["calls"],
        summary=_("Attach the call's recording"),
        description=format_lazy(
            "{}\n\n{}",
            _(
                "Either a multipart upload of an audio file in the field `file` (wav, mp3, ogg, opus, m4a or "
                'webm; its content must match its extension; size limited) or JSON `{"url": …}` pointing at '
                "the recording. Replaces any previous recording of the call."
            ),
            CALL_WRITTEN_NOTE,
        ),
        parameters=[EXTERNAL_ID],
        request={
            "multipart/form-data": RecordingUploadSerializer,
            "application/json": RecordingUrlSerializer,
        },
        responses={200: CALL_WRITTEN, 400: ERRORS, 401: UNAUTHORIZED, 404: NO_CALL},
    )
    def post(self, request, external_id):
        call = get_call_for_token(request.auth, external_id)
        if request.FILES:
            serializer = RecordingUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.attach_recording(call=call, file=serializer.validated_data["file"])
        else:
            serializer = RecordingUrlSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.attach_recording(call=call, url=serializer.validated_data["url"])
        return Response(call_written(request.auth, call))


class CallSurveyView(IngestAPIView):
    @extend_schema(
        operation_id="record_survey",
        tags=["calls"],
        summary=_("Record the customer's survey answer"),
        description=_(
            "NPS 0–10 and/or CSAT 1–5, with an optional comment. A call has one survey answer: "
            "posting again replaces it (200 instead of 201). `responded_at` must be from 2000 to one day "
            "from now; without it, a first answer is dated by the call's start (and moves with it when the "
            "call's start changes), and a later answer keeps the time already recorded."
        ),
        parameters=[EXTERNAL_ID],
        request=SurveySerializer,
        responses={
            201: SurveyReadSerializer,
            200: SurveyReadSerializer,
            400: ERRORS,
            401: UNAUTHORIZED,
            404: NO_CALL,
        },
    )
    def post(self, request, external_id):
        call = get_call_for_token(request.auth, external_id)
        serializer = SurveySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            survey, created = services.add_survey_response(call=call, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(
            SurveyReadSerializer(survey).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CaseResolveView(IngestAPIView):
    @extend_schema(
        operation_id="resolve_case",
        tags=["cases"],
        summary=_("Mark a case resolved (helpdesk webhook)"),
        description=_(
            "Marks the case resolved at `resolved_at`. Resolution belongs to the case: its answered calls "
            "carry it, and a case counts once in the resolution rate however many calls it had; abandoned "
            "calls, and calls whose outcome is unknown, are left as they are. Sending it again changes "
            "nothing. 404 when no call carries this case id; 409, changing nothing, when none of its calls "
            "was answered (send it again once the answered call is in)."
        ),
        parameters=[
            OpenApiParameter(
                "case_id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=_("The helpdesk's case / ticket id."),
            )
        ],
        request=CaseResolutionSerializer,
        responses={
            200: CaseResolutionResultSerializer,
            400: ERRORS,
            401: UNAUTHORIZED,
            404: NO_CALL,
            409: NO_ANSWERED_CALL,
        },
    )
    def post(self, request, case_id):
        serializer = CaseResolutionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        resolution = services.resolve_case(case_id=case_id, **serializer.validated_data)
        if not resolution.calls:
            raise Http404
        if not resolution.answered:
            raise Conflict(
                {
                    "case_id": [
                        _(
                            "None of this case's %(calls)d calls was answered: nothing was marked resolved. "
                            "Send the resolution again once its answered call is in."
                        )
                        % {"calls": resolution.calls}
                    ]
                }
            )
        return Response(CaseResolutionResultSerializer(resolution).data)


class CallEscalationView(IngestAPIView):
    @extend_schema(
        operation_id="record_escalation",
        tags=["calls"],
        summary=_("Record an escalation of the call"),
        description=_(
            "Type hierarchical, functional, priority or automatic; reason; from level → to level or "
            "department; customer follow-up due / done. With an `external_id`, sending the escalation "
            "again updates it (200) instead of adding a second one (201); without one, every request adds "
            "an escalation."
        ),
        parameters=[EXTERNAL_ID],
        request=EscalationSerializer,
        responses={
            201: EscalationSerializer,
            200: EscalationSerializer,
            400: ERRORS,
            401: UNAUTHORIZED,
            404: NO_CALL,
        },
    )
    def post(self, request, external_id):
        call = get_call_for_token(request.auth, external_id)
        serializer = EscalationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            escalation, created = services.record_escalation(call=call, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(
            EscalationSerializer(escalation).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

"""Object-level access to calls: the one place that answers "may this user see this call?"."""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from calls.models import Call, CallType, ImportJob, ImportMapping, IngestToken
from qa_center.people.permissions import require


def get_call_for(user, pk, *, for_recording_upload: bool = False) -> Call:
    """The call if `user` may see it, else 404 (we do not reveal that it exists).

    for_recording_upload: the user is about to upload its recording, which is the QA managers' and the
    reviewers' work (they listen to and score calls); agents and team leads who see the call get 403."""
    queryset = Call.objects.visible_to(user).select_related("agent", "team", "call_type", "survey")
    call = get_object_or_404(queryset, pk=pk)
    if for_recording_upload:
        require("calls.upload_recording", user, call)
    return call


def may_upload_recordings(user) -> bool:
    """Who may upload a call's recording on the call page (the API's tokens push them too)."""
    return rules.has_perm("calls.upload_recording", user)


def get_call_for_token(token: IngestToken, external_id: str, *, for_read_back: bool = False) -> Call:
    """The call with this external id for an integration's active token, else 404. A token reaches every call:
    integrations are not people, and they own the data they push. A token that is not active is refused, and
    so is a read-back by a token without the "read" scope (the API's permission refuses it first)."""
    if not (isinstance(token, IngestToken) and token.is_active):
        raise PermissionDenied
    if for_read_back and not token.has_scope(IngestToken.Scope.READ):
        raise PermissionDenied
    calls = Call.objects.all()
    if for_read_back:
        calls = calls.select_related("agent", "team", "call_type", "survey").prefetch_related("escalations")
    return get_object_or_404(calls, external_id=external_id)


def require_qa_manager(user) -> None:
    """Managing imports, mappings and ingest tokens is the QA manager's job: others get 403."""
    require("calls.manage", user)


def get_token_for(user, pk) -> IngestToken:
    """Tokens are the QA managers' business: 403 for anyone else, 404 for a token that does not exist."""
    require_qa_manager(user)
    return get_object_or_404(IngestToken.objects.select_related("created_by"), pk=pk)


def get_import_job_for(user, pk) -> ImportJob:
    """Imports are shared by the QA managers: 403 for anyone else, 404 when it does not exist."""
    require_qa_manager(user)
    return get_object_or_404(ImportJob.objects.select_related("created_by", "mapping"), pk=pk)


def get_import_mapping_for(user, pk) -> ImportMapping:
    require_qa_manager(user)
    return get_object_or_404(ImportMapping, pk=pk)


def get_call_type_for(user, pk) -> CallType:
    """Call types are kept by the QA managers: 403 for anyone else, 404 when it does not exist."""
    require_qa_manager(user)
    return get_object_or_404(CallType, pk=pk)

"""Object-level access for coaching: one helper per model (the rule at the top of scorecards/access.py: a role
that may never reach this kind of object gets 403; an object the user may not see is 404; one they may see but
not change is 403). Views look every object up here.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from calls.access import require_qa_manager
from calls.models import Call
from coaching.library.selectors import may_nominate, sees_internal_clips
from coaching.models import LibraryClip, LibraryEntry
from qa_center.people import roles

__all__ = [
    "get_call_to_nominate_for",
    "get_library_clip_for",
    "get_library_entry_for",
    "get_library_entry_for_recording",
    "get_library_entry_for_anonymity_request",
    "require_library_curator",
]


def require_library_curator(user) -> None:
    """Curating the library (approving, editing, clips, anonymising) is the QA managers' job: 403 for others."""
    require_qa_manager(user)


def get_library_entry_for(user, pk, *, for_change: bool = False) -> LibraryEntry:
    """An entry `user` may read (LibraryEntry.objects.visible_to), else 404; with for_change, 403 for all but
    the QA managers."""
    queryset = LibraryEntry.objects.visible_to(user).select_related(
        "call", "call_type", "agent", "nominated_by", "decided_by", "evaluation"
    )
    entry = get_object_or_404(queryset, pk=pk)
    if for_change:
        require_library_curator(user)
    return entry


def get_library_entry_for_recording(user, pk) -> LibraryEntry:
    """The entry whose recording `user` is about to hear.

    The one exception to "agents only hear their own calls": every signed-in person hears the recording of an
    approved entry, and only that call's. A nomination that is not approved (yet) is heard only by those who
    may hear the call anyway (Call.objects.visible_to), so the library never opens another call."""
    entry = get_library_entry_for(user, pk)
    if not entry.is_approved and not Call.objects.visible_to(user).filter(pk=entry.call_id).exists():
        raise Http404
    return entry


def get_library_entry_for_anonymity_request(user, pk) -> LibraryEntry:
    """Only the agent credited by an entry asks for it to be anonymised: 403 for others who may read it."""
    entry = get_library_entry_for(user, pk)
    if entry.agent_id is None or entry.agent_id != user.pk:
        raise PermissionDenied
    return entry


def get_library_clip_for(user, pk, *, entry_pk, for_change: bool = False) -> LibraryClip:
    """A clip of entry `entry_pk`: 404 unless the user may read the entry and the clip is on it (an internal-only
    clip is 404 to those who may not see it); with for_change, 403 for all but the QA managers."""
    entry = get_library_entry_for(user, entry_pk)
    clips = LibraryClip.objects.filter(entry=entry)
    if not sees_internal_clips(user):
        clips = clips.filter(internal_only=False)
    clip = get_object_or_404(clips, pk=pk)
    if for_change:
        require_library_curator(user)
    clip.entry = entry
    return clip


def get_call_to_nominate_for(user, call_pk) -> Call:
    """A call `user` may put forward for the library: reviewers and QA managers any call, an agent their own.
    Anyone else (a team lead who is not also an agent) gets 403; a call the user may not put forward is 404."""
    if not (roles.works_center_wide(user) or roles.is_agent(user)):
        raise PermissionDenied
    call = get_object_or_404(Call.objects.select_related("agent", "call_type"), pk=call_pk)
    if not may_nominate(user, call):
        raise Http404
    return call

"""Reading the exemplary-call library: who sees what of an entry, browsing and search, suggestions.

Every page reads approved entries through library_search or entries_for_criteria; what a person sees of an
entry (its internal-only clips, the agent's name once anonymised) is decided by the predicates at the top.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from calls.models import Call, CallType
from coaching.models import LibraryClip, LibraryEntry, LibraryEntryCriterion, LibraryTag
from qa_center.paging import KeysetOrder
from qa_center.people import roles
from scorecards.models import Criterion, Evaluation

__all__ = [
    "BROWSE_ORDER",
    "LibraryFilters",
    "calls_in_library",
    "clips_for",
    "credit_for",
    "criterion_titles_for",
    "entries_for_criteria",
    "entries_for_text",
    "library_search",
    "may_nominate",
    "nomination_suggested",
    "search_words",
    "sees_internal_clips",
    "sees_usage",
    "suggested_evaluations",
    "suggestion_threshold",
    "visible_clips",
]

#: The library's order: the newest approvals first (the keyset of qa_center.paging; library_entry_browse_idx).
BROWSE_ORDER = KeysetOrder(fields=("decided_at", "id"), descending=True)
#: At most this many words of a text search count (each is one LIKE).
MAX_SEARCH_WORDS = 8


# --- Who sees what ------------------------------------------------------------------------------------------


def sees_internal_clips(user) -> bool:
    """Internal-only clips are hidden from agents: team leads, reviewers and QA managers hear them (a person
    who is also a lead or a reviewer counts as one)."""
    return roles.is_team_lead(user) or roles.works_center_wide(user)


def sees_usage(user) -> bool:
    """How often an entry is used is for the managers, who curate the library."""
    return roles.is_manager(user)


def may_nominate(user, call: Call) -> bool:
    """Reviewers and QA managers nominate any call; an agent proposes one of their own."""
    return roles.works_center_wide(user) or (roles.is_agent(user) and call.agent_id == user.pk)


def credit_for(entry: LibraryEntry, viewer) -> str:
    """The agent an entry credits, as `viewer` may see it: once anonymised, only QA managers read the name
    (and the agent, who is told it is theirs)."""
    if entry.agent_id is None:
        return _("Unknown agent")
    if not entry.is_anonymised or roles.is_manager(viewer):
        return str(entry.agent)
    if entry.agent_id == viewer.pk:
        return _("You (anonymised for everyone else)")
    return _("An agent (anonymised)")


def clips_for(entry: LibraryEntry, user) -> QuerySet[LibraryClip]:
    clips = entry.clips.all()
    return clips if sees_internal_clips(user) else clips.filter(internal_only=False)


def visible_clips(user) -> QuerySet[LibraryClip]:
    """The clips `user` may hear, in their order (to prefetch on entries shown elsewhere, e.g. an agenda)."""
    clips = LibraryClip.objects.order_by("start_seconds", "id")
    return clips if sees_internal_clips(user) else clips.filter(internal_only=False)


# --- Browse and search --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryFilters:
    text: str = ""
    call_type: CallType | None = None
    criterion: str = ""  # a criterion title
    tag: str = ""  # a tag name


def search_words(text: str) -> list[str]:
    """The words of a search, lowercased like LibraryEntry.search_text."""
    return text.lower().split()[:MAX_SEARCH_WORDS]


def library_search(*, user, filters: LibraryFilters) -> tuple[QuerySet, QuerySet]:
    """(rows, counted): the approved entries matching `filters` in BROWSE_ORDER, ready to display (call type,
    agent, criteria, tags and the number of clips the user may hear), and the bare filtered set to count."""
    entries = LibraryEntry.objects.approved()
    for word in search_words(filters.text):
        entries = entries.filter(search_text__contains=word)
    if filters.call_type is not None:
        entries = entries.filter(call_type=filters.call_type)
    if filters.criterion:
        tagged = LibraryEntryCriterion.objects.filter(entry=OuterRef("pk"), title=filters.criterion)
        entries = entries.filter(Exists(tagged))
    if filters.tag:
        through = LibraryEntry.tags.through
        tagged = through.objects.filter(libraryentry=OuterRef("pk"), librarytag__name=filters.tag.lower())
        entries = entries.filter(Exists(tagged))
    clip_count = (
        visible_clips(user)
        .filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        entries.select_related("call_type", "agent")
        .prefetch_related("criteria", "tags")
        .annotate(clip_count=Coalesce(Subquery(clip_count), 0))
        .order_by(*BROWSE_ORDER.order_by())
    )
    return rows, entries


def filter_choices() -> dict:
    """Suggestions for the search form: the published scorecards' criterion titles and the library's tags.
    Two queries on small tables (scanning the entries for the titles and tags they use costs more than the
    search itself at 10,000 entries)."""
    return {
        "criteria": criterion_titles_for(None),
        "tags": list(LibraryTag.objects.order_by("name").values_list("name", flat=True)),
    }


def _ranked_entries(user, matches: Subquery, limit: int) -> list[LibraryEntry]:
    """Approved entries with a positive `matches` count, most matches first, ready to display (three queries)."""
    entries = (
        LibraryEntry.objects.approved()
        .annotate(matched=matches)
        .filter(matched__gt=0)
        .select_related("call_type", "agent")
        .prefetch_related(
            "criteria", Prefetch("clips", queryset=visible_clips(user), to_attr="visible_clips")
        )
        .order_by("-matched", "-play_count", "-decided_at", "-id")
    )
    return list(entries[:limit])


def entries_for_criteria(user, criterion_keys, limit: int = 5) -> list[LibraryEntry]:
    """Approved entries tagged with any of the criteria `criterion_keys` (criterion titles, as My feedback and
    the evaluations name them), those matching the most first, with the clips `user` may hear prefetched.

    For the coaching agenda's "examples of it done well" and the "what great sounds like" links. Three
    queries whatever the number of entries."""
    keys = [key for key in dict.fromkeys(criterion_keys) if key]
    if not keys or limit <= 0:
        return []
    matches = (
        LibraryEntryCriterion.objects.filter(entry=OuterRef("pk"), title__in=keys)
        .order_by()
        .values("entry")
        .annotate(n=Count("id"))
        .values("n")
    )
    return _ranked_entries(user, Subquery(matches), limit)


#: A tag has at most this many words ("first-contact resolution", "bad news").
MAX_TAG_WORDS = 3
#: Only the first words of a long text count (each run is one value of an IN list).
MAX_TEXT_WORDS = 200
_WORD = re.compile(r"[\w'-]+")


def text_phrases(text: str) -> list[str]:
    """The words of `text` and its runs of up to MAX_TAG_WORDS words, lowercased like the tags."""
    words = [word.strip("'-") for word in _WORD.findall(text.lower())]
    words = [word for word in words if word][:MAX_TEXT_WORDS]
    phrases = {
        " ".join(words[start : start + size])
        for size in range(1, MAX_TAG_WORDS + 1)
        for start in range(len(words) - size + 1)
    }
    return sorted(phrases)


def entries_for_text(user, text: str, limit: int = 5) -> list[LibraryEntry]:
    """Approved entries whose tags occur in `text` as whole words (the tag "escalation" in a role-play's
    "Escalation: the customer asks for a manager"), those with the most such tags first, with the clips `user`
    may hear prefetched. A text search (library_search) would need every word of the text in one entry; a
    scenario is a sentence, its tags are what it is about. Three queries whatever the number of entries."""
    phrases = text_phrases(text)
    if not phrases or limit <= 0:
        return []
    through = LibraryEntry.tags.through
    matches = (
        through.objects.filter(libraryentry=OuterRef("pk"), librarytag__name__in=phrases)
        .order_by()
        .values("libraryentry")
        .annotate(n=Count("id"))
        .values("n")
    )
    return _ranked_entries(user, Subquery(matches), limit)


def criterion_titles_for(call_type: CallType | None) -> list[str]:
    """The criterion titles of the scorecard of `call_type` over its published and retired versions, the
    choices an entry is tagged with; every scorecard's when the call has no call type."""
    criteria = Criterion.objects.exclude(section__version__status="draft")
    if call_type is not None:
        criteria = criteria.filter(section__version__scorecard__call_type=call_type)
    return list(criteria.order_by("title").values_list("title", flat=True).distinct())


# --- Suggestions --------------------------------------------------------------------------------------------


def suggestion_threshold() -> Decimal:
    return Decimal(settings.QA_LIBRARY_SUGGEST_SCORE)


def _suggestable() -> Q:
    """A submitted regular evaluation at or above the threshold, no critical criterion failed (a failed critical
    criterion always sets auto_failed: scorecards.scoring.engine), on a call with a recording."""
    return Q(
        calibration_session__isnull=True,
        status__in=Evaluation.COUNTED_STATUSES,
        score__gte=suggestion_threshold(),
        auto_failed=False,
    ) & ~Q(call__recording_file="")


def _not_in_library() -> Q:
    live = LibraryEntry.objects.filter(call=OuterRef("call_id")).exclude(status=LibraryEntry.Status.DECLINED)
    return ~Q(Exists(live))


def nomination_suggested(evaluation: Evaluation) -> bool:
    """Whether to suggest nominating this evaluation's call (one query)."""
    return Evaluation.objects.filter(_suggestable() & _not_in_library(), pk=evaluation.pk).exists()


def suggested_evaluations() -> QuerySet[Evaluation]:
    """Evaluations whose calls are worth nominating and are not in the library (nor waiting), best first."""
    return (
        Evaluation.objects.filter(_suggestable() & _not_in_library())
        .select_related("call", "call__call_type", "agent", "reviewer")
        .order_by("-score", "-submitted_at", "-id")
    )


def calls_in_library() -> QuerySet:
    """The ids of the calls the library keeps the recordings and transcripts of, whatever their age: those with
    an entry that is approved or still waiting for a decision. Declining an entry, or deleting it, releases its
    call to retention (calls.retention.services.register_hold)."""
    return LibraryEntry.objects.exclude(status=LibraryEntry.Status.DECLINED).values("call_id")

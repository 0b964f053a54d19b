"""The demo's exemplary-call library: an approved entry with clips on each demo recording, and one nomination
still waiting for the QA manager, so the library, its clips and the review desk work on the first login.

Built through coaching.library.services (nominate, approve, add_clip, grant_anonymity), as people build it.
Idempotent: a recorded call that already has an entry is skipped. Clips are marked on the transcript's
timestamped lines, so they always fall inside the recording.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F

from calls.models import Call
from coaching.library import services
from coaching.library.selectors import criterion_titles_for
from coaching.models import LibraryEntry
from qa_center.demo.calls import CALL_PREFIX
from qa_center.demo.people import MANAGER, REVIEWERS, demo_people
from qa_center.demo.recordings import RECORDING_PREFIX
from qa_center.people.models import User
from qa_center.people.notifications import in_app_only

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

_LINE_TIME = re.compile(r"^\[(\d+):(\d{2})\]")


@dataclass(frozen=True)
class DemoClip:
    first_line: (
        int  # 0-based lines of the transcript: the clip runs from the first one to the end of the last
    )
    last_line: int
    note: str
    internal_only: bool = False


@dataclass(frozen=True)
class DemoEntry:
    title: str
    notes: str
    criteria: tuple[str, ...]  # words that pick criterion titles of the call type's scorecard
    tags: tuple[str, ...]
    clips: tuple[DemoClip, ...]
    plays: int = 0
    anonymised: bool = False
    pending: bool = False  # left waiting for the QA manager's decision


#: One per recording script, in the order of qa_center.demo.recordings.RECORDING_SCRIPTS.
DEMO_ENTRIES = [
    DemoEntry(
        "Line fault fixed on the first call",
        "Greets and gives her name, verifies the postcode before touching the account, runs the line test "
        "before anything else, and closes with a concrete promise: the ticket stays open two days.",
        ("greeting", "verified", "diagnos", "next steps"),
        ("troubleshooting", "first-contact resolution"),
        (
            DemoClip(0, 0, "A complete greeting in one breath: company, name, offer of help."),
            DemoClip(2, 3, "Identity check: the customer's postcode (internal: it is personal data).", True),
            DemoClip(6, 6, "The close: what happens next and when."),
        ),
        plays=23,
    ),
    DemoEntry(
        "Roaming charge corrected without a second call",
        "Thanks the customer, finds the wrong roaming charge, and says exactly what the next invoice will show.",
        ("greeting", "next steps", "empathy"),
        ("billing", "latvian"),
        (
            DemoClip(2, 2, "Owns the mistake and explains it in one sentence."),
            DemoClip(4, 4, "A precise credit."),
        ),
        plays=9,
    ),
    DemoEntry(
        "Router set up by guiding, not lecturing",
        "One instruction at a time, in plain words, and a check that the light changed before moving on.",
        ("jargon", "diagnos"),
        ("plain language", "latvian"),
        (DemoClip(2, 3, "One step, then a check that it worked."),),
        plays=5,
    ),
    DemoEntry(
        "Payment plan for a customer in hardship",
        "Acknowledges the customer's situation before offering anything, then offers the plan with no fee "
        "and reassures that the service stays on.",
        ("empathy", "tone", "next steps"),
        ("hardship", "empathy"),
        (DemoClip(2, 2, "Empathy first, solution second."), DemoClip(4, 4, "Reassurance and confirmation.")),
        plays=31,
        anonymised=True,
    ),
    DemoEntry(
        "Save with a counter-offer that fits",
        "Asks what the competitor charges before offering, then makes one clear offer with its duration.",
        ("question", "retention", "offer"),
        ("retention", "counter-offer"),
        (DemoClip(2, 2, "Asks before offering."), DemoClip(4, 5, "One offer, with its term, and the yes.")),
        plays=17,
    ),
    DemoEntry(
        "Proactive upgrade with no pressure",
        "Asks permission to talk, states the benefit for a loyal customer, answers the commitment question "
        "plainly and lets the customer decide by email.",
        ("permission", "offer", "benefit", "greeting"),
        ("upsell", "spanish"),
        (
            DemoClip(0, 0, "Asks for a minute before pitching."),
            DemoClip(4, 4, "No pressure: the offer by email."),
        ),
        plays=12,
    ),
    DemoEntry(
        "Calling back at a better time",
        "The customer is driving: the agent stops the pitch at once and books a callback time.",
        ("permission", "callback"),
        ("outbound", "respect"),
        (DemoClip(1, 4, "Hears 'I'm driving' and stops."),),
        plays=8,
    ),
    DemoEntry(
        "Duplicate charge refunded with a date",
        "Apologises, confirms the duplicate on screen and gives the refund's date in working days.",
        ("next steps", "empathy"),
        ("billing", "refund", "spanish"),
        (DemoClip(2, 2, "Apology, finding and a date in one sentence."),),
        plays=6,
    ),
    DemoEntry(
        "Owning an outage and earning another chance",
        "Agrees the service was not good enough, credits the month at once, and promises a call on a given day.",
        ("empathy", "next steps", "retention"),
        ("retention", "outage"),
        (DemoClip(2, 2, "Owns the failure without excuses."), DemoClip(4, 4, "A follow-up with a day.")),
        plays=19,
    ),
    DemoEntry(
        "Bad news delivered first, and well",
        "Tells the customer about the price rise before the invoice does, then offers the way to cancel it out.",
        ("empathy", "tone", "offer"),
        ("bad news", "retention"),
        (DemoClip(2, 2, "Bad news, straight and early."), DemoClip(4, 4, "Turns it into a choice.")),
        plays=14,
    ),
    DemoEntry(
        "Late fee removed after checking why",
        "Checks the payment date before answering, explains the bank holiday, removes the fee.",
        ("diagnos", "account", "next steps"),
        ("billing", "fees"),
        (DemoClip(2, 2, "Checks, explains, fixes."),),
        plays=4,
    ),
    DemoEntry(
        "A cancellation made easy",
        "When the customer has decided, the agent makes it effortless and says how the confirmation arrives.",
        ("next steps", "tone"),
        ("cancellation", "spanish"),
        (DemoClip(2, 3, "No friction, and the customer thanks her for it."),),
        plays=3,
    ),
    DemoEntry(
        "The customer asks for a manager",
        "A third call about the same fault: the agent acknowledges it, books an engineer and logs a complaint "
        "for the team lead with a callback time, without passing the customer around.",
        ("empathy", "next steps"),
        ("escalation", "complaint"),
        (),
        pending=True,
    ),
]


def _line_starts(transcript: str) -> list[Decimal]:
    starts = []
    for line in transcript.splitlines():
        match = _LINE_TIME.match(line.strip())
        if match:
            starts.append(Decimal(int(match.group(1)) * 60 + int(match.group(2))))
    return starts


def _clip_bounds(call: Call, clip: DemoClip) -> tuple[Decimal, Decimal] | None:
    starts = _line_starts(call.transcript)
    length = services.recording_seconds(call)
    if length is None or clip.last_line >= len(starts):
        return None
    start = starts[clip.first_line]
    end = starts[clip.last_line + 1] if clip.last_line + 1 < len(starts) else length
    end = min(end, length)
    return (start, end) if end > start else None


def _criteria(call: Call, words: tuple[str, ...]) -> list[str]:
    titles = criterion_titles_for(call.call_type)
    chosen = [title for title in titles if any(word in title.lower() for word in words)]
    return (chosen or titles)[:3]


def ensure_library() -> int:
    """An entry per recorded demo call that has none; returns how many were added."""
    users = {user.username: user for user in User.objects.filter(username__in=[MANAGER, *REVIEWERS])}
    manager, reviewer = users.get(MANAGER), users.get(REVIEWERS[0])
    if manager is None or reviewer is None:
        return 0
    agents = {person.username for person in demo_people() if person.is_agent}
    added = 0
    for number, demo in enumerate(DEMO_ENTRIES, start=1):
        marker = f"{RECORDING_PREFIX}{number:02d}-"
        call = (
            Call.objects.filter(external_id__startswith=CALL_PREFIX, recording_file__contains=marker)
            .select_related("agent", "call_type")
            .first()
        )
        if call is None or LibraryEntry.objects.filter(call=call).exists():
            continue
        # The pending one is the agent's own proposal; the others a reviewer's nominations.
        by = call.agent if demo.pending and call.agent and call.agent.username in agents else reviewer
        entry = services.nominate(
            call=call,
            by=by,
            title=demo.title,
            notes=demo.notes,
            criteria=_criteria(call, demo.criteria),
            tags=demo.tags,
        )
        added += 1
        if demo.pending:
            continue
        services.approve(entry=entry, by=manager)
        for clip in demo.clips:
            bounds = _clip_bounds(call, clip)
            if bounds is not None:
                services.add_clip(
                    entry=entry,
                    start_seconds=bounds[0],
                    end_seconds=bounds[1],
                    note=clip.note,
                    internal_only=clip.internal_only,
                    by=manager,
                )
        if demo.anonymised and entry.agent_id:
            services.request_anonymity(entry=entry, by=entry.agent)
            services.grant_anonymity(entry=entry, by=manager)
        # The demo's usage history: as many plays as listeners would have made.
        LibraryEntry.objects.filter(pk=entry.pk).update(play_count=F("play_count") + demo.plays)
    return added


def seed(request: "DemoRequest") -> Mapping[str, int]:
    with in_app_only():  # the demo's people have made-up addresses: no e-mail for what the demo decides
        return {"new_library_entries": ensure_library()}

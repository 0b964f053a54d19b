"""The demo's scorecards: what they say, and building them into the database with their history.

Four scorecards, one per demo call type, with what a QA team writes into them: guidance for reviewers, and for
each criterion how the demo answers it (how hard it is for everyone, how often it does not apply) and the
reviewer's words when it is met or missed. The manager builds and publishes them through the builder's
services, dated before the first demo call; two get a later version (one published, one left a draft). Then
the comments people wrote on criteria, and a weekly sampling rule per call type (inbound support has a second one:
a random 1% of its calls on top of the per-agent quota).

Idempotent: scorecards are keyed by call type, comments by author and text, sampling rules by call type and
method.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from calls.models import CallType
from qa_center.demo.calls import demo_call_types, first_call_at
from qa_center.demo.people import MANAGER, demo_users
from qa_center.people.models import User
from qa_center.people.notifications import in_app_only
from scorecards.builder import services as builder
from scorecards.models import Criterion, CriterionComment, SamplingRule, Scorecard, ScorecardVersion, Section

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

YES_NO, SCALE, CHOICE = Criterion.Kind.YES_NO, Criterion.Kind.SCALE, Criterion.Kind.CHOICE

# --- The scorecards -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionPlan:
    title: str
    guidance: str
    kind: str = YES_NO
    weight: int = 1
    scale_max: int | None = None
    options: tuple[tuple[str, int], ...] = ()
    allows_na: bool = False
    critical: str = ""
    # How the demo answers it: `ease` is added to every agent's skill (negative: hard for everyone, a process
    # problem rather than a person's), `na_rate` is how often it does not apply.
    ease: float = 0.0
    na_rate: float = 0.0
    praise: str = ""  # a strength, when fully earned
    advice: str = ""  # an improvement point, when not
    remarks: tuple[str, ...] = ()  # the reviewer's comment on a miss


@dataclass(frozen=True)
class SectionPlan:
    title: str
    weight: int
    criteria: tuple[CriterionPlan, ...]


@dataclass(frozen=True)
class RevisionPlan:
    """A later version: criteria changed in place (by their old title) and criteria added to sections."""

    notes: str
    changes: dict[str, CriterionPlan] = field(default_factory=dict)
    additions: dict[str, tuple[CriterionPlan, ...]] = field(default_factory=dict)
    publish: bool = True  # False: left as the manager's draft


@dataclass(frozen=True)
class ScorecardPlan:
    call_type: str
    name: str
    description: str
    sections: tuple[SectionPlan, ...]
    notes: str
    method: str = ScorecardVersion.Method.WEIGHTED_SECTIONS
    pass_mark: int = 85
    revision: RevisionPlan | None = None


GREETING = CriterionPlan(
    "Used the standard greeting and gave their name",
    "Full marks for the company greeting and the agent's first name within the first ten seconds. "
    "A greeting in the customer's language counts.",
    ease=0.12,
    praise="Warm, professional opening: you greeted the customer and gave your name straight away.",
    advice="Open with the standard greeting and your name, so the customer knows who they are talking to.",
    remarks=("Went straight to 'what is the problem?' without a greeting.", "Name not given at the start."),
)
IDENTITY = CriterionPlan(
    "Verified the customer's identity",
    "Two of: postcode, date of birth, amount of the last invoice, before discussing or changing anything on "
    "the account. Critical: a missed check fails the whole evaluation (data protection).",
    critical=Criterion.CriticalScope.EVALUATION,
    praise="Identity checked properly before any account detail was discussed.",
    advice="Always verify two identity details before discussing the account: a missed check is a "
    "data-protection breach and fails the whole evaluation.",
    remarks=("Discussed the invoice before asking for any identity detail.",),
)
DISCLOSURE = CriterionPlan(
    "Read the call-recording disclosure",
    "The agent tells the customer that the call is recorded for quality and training, before the customer "
    "gives any personal detail.",
    ease=-0.4,
    praise="Read the recording disclosure at the right moment.",
    advice="Read the call-recording disclosure before the customer gives personal details.",
    remarks=("Recording disclosure not read.", "Disclosure read only at the end of the call."),
)
EMPATHY = CriterionPlan(
    "Empathy and tone",
    "0 dismissive or irritated · 1 neutral, scripted · 2 polite · 3 acknowledges the customer's situation in "
    "their own words · 4 adapts tone and pace to the customer throughout the call.",
    kind=SCALE,
    scale_max=4,
    praise="Calm, friendly tone: you acknowledged how the customer felt before moving on to the fix.",
    advice="Acknowledge the customer's frustration in your own words before jumping to the solution.",
    remarks=("Sounded rushed while the customer described the problem.", "Talked over the customer twice."),
)
NEXT_STEPS = CriterionPlan(
    "Explained the next steps and when to expect them",
    "The customer ends the call knowing what happens next, who does it and by when (a date or a number of "
    "working days, not 'soon').",
    ease=-0.18,
    praise="Clear close: the customer knew exactly what happens next and when.",
    advice="Before closing, say what happens next and by when: 'soon' leads to repeat calls.",
    remarks=("Said the engineers would 'look into it' without a time frame.", "No next step given."),
)
OPEN_QUESTIONS = CriterionPlan(
    "Asked open questions to understand the problem",
    "0 no questions · 1 closed questions only · 2 some open questions · 3 open questions and a summary back "
    "· 4 found the real cause before proposing anything.",
    kind=SCALE,
    scale_max=4,
    praise="Good discovery: open questions and a short summary back before proposing a fix.",
    advice="Ask open questions ('what happens when…?') and summarise back before proposing a fix.",
    remarks=("Jumped to a router restart before understanding the problem.", "Only yes/no questions."),
)

SUPPORT = ScorecardPlan(
    call_type="inbound-support",
    name="Inbound support",
    description="Customers calling about a service problem: diagnose, fix or route it, confirm the fix.",
    notes="First version, agreed with the Riga Support team leads.",
    sections=(
        SectionPlan(
            "Greeting & identification",
            10,
            (
                GREETING,
                CriterionPlan(
                    "Used the customer's name during the call",
                    "At least once after the identity check; not in every sentence.",
                    ease=0.05,
                    praise="Used the customer's name naturally during the call.",
                    advice="Use the customer's name once or twice: it makes the call personal.",
                ),
            ),
        ),
        SectionPlan(
            "Discovery",
            25,
            (
                OPEN_QUESTIONS,
                CriterionPlan(
                    "Checked the account and ticket history",
                    "Looked at open tickets and recent contacts before troubleshooting, so the customer does "
                    "not repeat themselves. N/A for a new customer with no history.",
                    allows_na=True,
                    na_rate=0.15,
                    praise="You checked the ticket history first and did not make the customer repeat anything.",
                    advice="Check the account's recent tickets before troubleshooting.",
                    remarks=("The customer had called about this yesterday; the ticket was not read.",),
                ),
            ),
        ),
        SectionPlan(
            "Resolution",
            35,
            (
                CriterionPlan(
                    "Quality of the diagnosis",
                    "Wrong or no diagnosis: 0 points. Partly right: 1. Right but slow (long holds, several "
                    "attempts): 2. Right and efficient: 3.",
                    kind=CHOICE,
                    weight=2,
                    options=(
                        ("Wrong or no diagnosis", 0),
                        ("Partly right", 1),
                        ("Right but slow", 2),
                        ("Right and efficient", 3),
                    ),
                    praise="Quick, accurate diagnosis: you ran the line test and found the fault first time.",
                    advice="Follow the troubleshooting guide in order: it finds most faults in the first steps.",
                    remarks=("Two restarts before running the line test.", "Long hold while searching."),
                ),
                NEXT_STEPS,
            ),
        ),
        SectionPlan(
            "Communication",
            15,
            (
                CriterionPlan(
                    "Showed empathy",
                    "Acknowledged the customer's situation at least once.",
                    praise="You acknowledged the customer's situation.",
                    advice="Acknowledge how the customer feels before moving on to the fix.",
                ),
                CriterionPlan(
                    "Avoided jargon",
                    "Technical terms explained in plain words (no 'SNR', 'DSLAM', 'provisioning').",
                    praise="Explained the technical steps in plain words.",
                    advice="Explain technical terms in plain words: the customer does not know what a port reset is.",
                    remarks=("'Your SNR margin is low' — the customer did not understand.",),
                ),
            ),
        ),
        SectionPlan(
            "Compliance",
            15,
            (
                replace(IDENTITY, critical=Criterion.CriticalScope.SECTION),
                DISCLOSURE,
                CriterionPlan(
                    "Logged the ticket with an accurate summary",
                    "Symptom, what was tried, the outcome and the next step: someone else can pick it up.",
                    ease=0.05,
                    praise="Your ticket notes were complete: the next agent can pick it up without calling back.",
                    advice="Log what was tried and the next step in the ticket, not only the symptom.",
                    remarks=("Ticket says 'internet issue' and nothing else.",),
                ),
            ),
        ),
    ),
    revision=RevisionPlan(
        notes="'Verified the customer's identity' now fails the whole evaluation (it failed only its "
        "section). Empathy is scored on a 0–4 scale instead of yes/no. New criterion: 'Confirmed the fix "
        "worked before closing'.",
        changes={"Showed empathy": EMPATHY, IDENTITY.title: IDENTITY},
        additions={
            "Resolution": (
                CriterionPlan(
                    "Confirmed the fix worked before closing",
                    "The customer tried the service while still on the line (page loads, call goes through). "
                    "N/A when the fix needs a technician visit or a later check.",
                    allows_na=True,
                    na_rate=0.2,
                    ease=-0.05,
                    praise="You had the customer test the service before closing: no repeat call needed.",
                    advice="Ask the customer to test the service while still on the line.",
                    remarks=("Closed the call before the router had restarted.",),
                ),
            )
        },
    ),
)

OUTBOUND = ScorecardPlan(
    call_type="outbound-proactive",
    name="Outbound proactive",
    description="Calls we start: renewals, upgrades and offers to existing customers, without pressure.",
    notes="First version for the Madrid campaigns.",
    pass_mark=80,
    sections=(
        SectionPlan(
            "Opening",
            15,
            (
                CriterionPlan(
                    "Introduced themselves and the company",
                    "Name and company in the first sentence.",
                    ease=0.12,
                    praise="Clear introduction of yourself and the company.",
                    advice="Say your name and the company in the first sentence.",
                ),
                CriterionPlan(
                    "Asked whether it is a good time to talk",
                    "If not, agreed a time to call back and kept to it.",
                    praise="You checked it was a good moment and agreed a callback when it was not.",
                    advice="Ask whether it is a good time before starting the offer.",
                    remarks=("Went straight into the offer while the customer was driving.",),
                ),
            ),
        ),
        SectionPlan(
            "Needs discovery",
            30,
            (
                CriterionPlan(
                    "Asked about the customer's current usage and needs",
                    "0 none · 1 one question · 2 usage only · 3 usage and household · 4 usage, household and "
                    "what bothers them today · 5 all of that, summarised back to the customer.",
                    kind=SCALE,
                    scale_max=5,
                    praise="Excellent discovery: you asked about usage and the household before offering.",
                    advice="Ask how the customer uses the service today before presenting an offer.",
                    remarks=("Offer read out before asking a single question.",),
                ),
                CriterionPlan(
                    "Listened without interrupting",
                    "No interruption while the customer explains; silence is fine.",
                    praise="You let the customer finish and built on what they said.",
                    advice="Let the customer finish: interrupting makes the offer sound scripted.",
                    remarks=("Interrupted the customer three times.",),
                ),
            ),
        ),
        SectionPlan(
            "Offer",
            35,
            (
                CriterionPlan(
                    "Matched the offer to what the customer said",
                    "No offer made: 0. Generic pitch: 1. Partly matched: 2. Tailored to the needs the "
                    "customer described: 3.",
                    kind=CHOICE,
                    weight=2,
                    options=(
                        ("No offer made", 0),
                        ("Generic pitch", 1),
                        ("Partly matched", 2),
                        ("Tailored to the customer's needs", 3),
                    ),
                    praise="The offer fitted what the customer told you: that is why they accepted.",
                    advice="Connect the offer to something the customer said ('you mentioned the kids stream…').",
                    remarks=("Offered the TV bundle to a customer who said they never watch TV.",),
                ),
                CriterionPlan(
                    "Stated the price, contract length and fees clearly",
                    "Monthly price, minimum term and any one-off fee, before the customer agrees. Critical: a "
                    "sale with unclear terms fails the Offer section.",
                    critical=Criterion.CriticalScope.SECTION,
                    ease=0.1,
                    praise="Price, term and fees were stated clearly before the customer agreed.",
                    advice="State the monthly price, the minimum term and any fee before asking for a yes.",
                    remarks=("Minimum term not mentioned.",),
                ),
                CriterionPlan(
                    "Handled objections without pressure",
                    "0 argued or pushed · 2 answered with the script · 4 understood the objection and answered "
                    "it honestly. N/A when the customer raised no objection.",
                    kind=SCALE,
                    scale_max=4,
                    allows_na=True,
                    na_rate=0.3,
                    praise="You answered the objection honestly and without pushing.",
                    advice="When the customer hesitates, ask what worries them instead of repeating the offer.",
                    remarks=("Repeated the discount three times after the customer said no.",),
                ),
            ),
        ),
        SectionPlan(
            "Close & compliance",
            20,
            (
                CriterionPlan(
                    "Summarised what was agreed",
                    "What changes, from when, and what the customer receives in writing. N/A if the customer "
                    "declined the offer.",
                    allows_na=True,
                    na_rate=0.35,
                    praise="Good summary of what was agreed and what the customer will receive.",
                    advice="Summarise what was agreed and when it starts before ending the call.",
                ),
                CriterionPlan(
                    "Honoured opt-out requests",
                    "A customer who asks not to be called again is flagged in the CRM during the call. "
                    "Critical: ignoring the request fails the whole evaluation. N/A when nobody asked.",
                    allows_na=True,
                    na_rate=0.85,
                    critical=Criterion.CriticalScope.EVALUATION,
                    ease=0.3,
                    praise="You flagged the customer's opt-out right away.",
                    advice="Flag an opt-out request in the CRM during the call.",
                ),
                CriterionPlan(
                    "Recorded the outcome in the CRM",
                    "Outcome code and a one-line note.",
                    ease=0.05,
                    praise="Outcome recorded in the CRM with a useful note.",
                    advice="Record the outcome code and a one-line note after every call.",
                ),
            ),
        ),
    ),
    revision=RevisionPlan(
        notes="Proposed after the agents' comments: give the reason for the call before asking for time.",
        additions={
            "Opening": (
                CriterionPlan(
                    "Gave a one-sentence reason for the call before asking for time",
                    "'I'm calling because your contract ends next month' — then ask whether it is a good time.",
                ),
            )
        },
        publish=False,
    ),
)

RETENTION = ScorecardPlan(
    call_type="retention",
    name="Retention / bad news",
    description="Customers who want to cancel, and calls that deliver bad news (price rises, outages).",
    notes="First version, written with the Retention team.",
    pass_mark=80,
    sections=(
        SectionPlan(
            "Opening",
            10,
            (
                GREETING,
                CriterionPlan(
                    "Acknowledged the reason for the call",
                    "Repeated the customer's reason back in one sentence before anything else.",
                    ease=0.05,
                    praise="You named the customer's reason for calling right away.",
                    advice="Repeat the customer's reason back in one sentence: they feel heard.",
                ),
            ),
        ),
        SectionPlan(
            "Empathy",
            30,
            (
                EMPATHY,
                CriterionPlan(
                    "Delivered bad news plainly, without blaming others",
                    "The news in the first minute, in plain words, with the reason; no blaming 'the system' or "
                    "another department. N/A when the call brings no bad news.",
                    allows_na=True,
                    na_rate=0.5,
                    praise="You gave the bad news plainly and took ownership of it.",
                    advice="Give bad news early and plainly, with the reason; do not blame another department.",
                    remarks=("Blamed 'head office' for the price rise.",),
                ),
                CriterionPlan(
                    "Apologised where we were at fault",
                    "A sincere apology for our failure (outage, wrong bill), not for the customer's feelings. "
                    "N/A when we were not at fault.",
                    allows_na=True,
                    na_rate=0.4,
                    praise="A sincere apology for our mistake: it changed the tone of the call.",
                    advice="When we got it wrong, say so and apologise for it specifically.",
                ),
            ),
        ),
        SectionPlan(
            "Understanding & offer",
            35,
            (
                CriterionPlan(
                    "Understood why the customer wants to leave",
                    "0 did not ask · 1 asked once · 3 found the main reason · 5 found the main reason and what "
                    "would make the customer stay.",
                    kind=SCALE,
                    scale_max=5,
                    praise="You found out the real reason the customer wanted to leave.",
                    advice="Ask why the customer wants to leave, and what would change their mind, before offering.",
                    remarks=("Made an offer before asking why the customer was leaving.",),
                ),
                CriterionPlan(
                    "Made an offer that fits the reason for leaving",
                    "No offer made: 0. The standard discount from the script: 1. Partly fitted: 2. Fitted to "
                    "the reason the customer gave: 3.",
                    kind=CHOICE,
                    weight=2,
                    options=(
                        ("No offer made", 0),
                        ("Standard discount from the script", 1),
                        ("Partly fitted", 2),
                        ("Fitted to the customer's reason", 3),
                    ),
                    praise="Your offer answered the customer's actual reason for leaving.",
                    advice="Fit the offer to the reason for leaving: a discount does not fix an unreliable line.",
                    remarks=("Offered a discount to a customer leaving because of outages.",),
                ),
                CriterionPlan(
                    "Respected the customer's final decision",
                    "One offer, one follow-up question at most; then the customer's decision is processed. "
                    "Critical: pressing a customer who has decided fails this section.",
                    critical=Criterion.CriticalScope.SECTION,
                    ease=0.12,
                    praise="You respected the customer's decision and processed it without fuss.",
                    advice="After one offer and one follow-up question, process the customer's decision.",
                ),
            ),
        ),
        SectionPlan(
            "Close",
            25,
            (
                NEXT_STEPS,
                CriterionPlan(
                    "Booked the follow-up that was promised",
                    "A promised callback is booked in the calendar before the call ends. N/A when none was "
                    "promised.",
                    allows_na=True,
                    na_rate=0.5,
                    praise="You booked the promised follow-up while still on the call.",
                    advice="Book a promised callback before hanging up, or it will be forgotten.",
                    remarks=("Promised a call on Friday; nothing in the calendar.",),
                ),
            ),
        ),
    ),
)

BILLING = ScorecardPlan(
    call_type="billing",
    name="Billing",
    description="Questions about invoices, payments, refunds and payment plans.",
    notes="Scored on total points, like the tool the billing team used before, so the numbers stay comparable.",
    method=ScorecardVersion.Method.TOTAL_POINTS,
    sections=(
        SectionPlan("Greeting & identification", 1, (GREETING, replace(IDENTITY, weight=3))),
        SectionPlan(
            "Compliance",
            1,
            (
                DISCLOSURE,
                CriterionPlan(
                    "Never asked for full card or bank details",
                    "Only the last four digits are ever asked; payments go through the secure IVR.",
                    weight=2,
                    ease=0.2,
                    praise="Payment taken through the secure line, without asking for card details.",
                    advice="Never ask for a full card number: transfer the customer to the secure payment line.",
                ),
            ),
        ),
        SectionPlan(
            "Resolution",
            1,
            (
                CriterionPlan(
                    "Explained the charges on the invoice",
                    "0 not explained · 2 read the invoice lines out · 4 explained what each unexpected charge "
                    "is for and where it comes from.",
                    kind=SCALE,
                    scale_max=4,
                    weight=2,
                    praise="You explained each unexpected charge clearly.",
                    advice="Explain where each unexpected charge comes from, not only its amount.",
                    remarks=("Read the invoice lines without explaining the roaming charge.",),
                ),
                CriterionPlan(
                    "Outcome for the customer",
                    "Nothing done: 0 points. Passed to another team: 1. Correction or refund started: 3. "
                    "Resolved on the call and confirmed in writing: 4.",
                    kind=CHOICE,
                    weight=2,
                    options=(
                        ("Nothing done", 0),
                        ("Passed to another team", 1),
                        ("Correction or refund started", 3),
                        ("Resolved on the call and confirmed in writing", 4),
                    ),
                    praise="Resolved on the call and confirmed in writing.",
                    advice="Start the correction yourself where you can, instead of passing it on.",
                    remarks=("Passed to the billing back office although the agent could apply the credit.",),
                ),
                CriterionPlan(
                    "Offered a payment plan when the customer could not pay",
                    "N/A when the customer can pay.",
                    allows_na=True,
                    na_rate=0.75,
                    praise="You offered a payment plan without being asked.",
                    advice="When a customer cannot pay in full, offer the payment plan.",
                ),
            ),
        ),
        SectionPlan("Communication", 1, (EMPATHY, NEXT_STEPS)),
    ),
)

SCORECARDS = (SUPPORT, OUTBOUND, RETENTION, BILLING)


def _all_criteria(plan: ScorecardPlan) -> Iterable[CriterionPlan]:
    for section in plan.sections:
        yield from section.criteria
    if plan.revision:
        yield from plan.revision.changes.values()
        for added in plan.revision.additions.values():
            yield from added


#: The demo's way of answering each criterion, by title (a title names the same criterion on every scorecard).
CRITERIA_BY_TITLE = {criterion.title: criterion for plan in SCORECARDS for criterion in _all_criteria(plan)}
#: Criteria where an agent can be weak (critical ones are handled apart: a couple of auto-fails are chosen).
COACHABLE = tuple(
    sorted(
        title
        for title, criterion in CRITERIA_BY_TITLE.items()
        if not criterion.critical and criterion.ease >= -0.1 and title != GREETING.title
    )
)

#: Agents' (and others') comments on criteria: (author, call type, criterion title, text, days ago).
COMMENTS = [
    (
        "agent",
        "inbound-support",
        DISCLOSURE.title,
        "The IVR already tells customers the call is recorded. Reading it again sounds odd and customers ask "
        "why. Could the IVR message count?",
        18,
    ),
    (
        "manager",
        "inbound-support",
        DISCLOSURE.title,
        "Fair point. Legal is checking whether the IVR message is enough; until they answer, please keep "
        "reading it. I will update the scorecard when we know.",
        16,
    ),
    (
        "agent3",
        "inbound-support",
        EMPATHY.title,
        "Thanks for turning this into a scale: a yes/no never showed the difference between polite and "
        "really helpful.",
        12,
    ),
    (
        "agent14",
        "outbound-proactive",
        "Asked whether it is a good time to talk",
        "Many customers hang up as soon as we ask this, before they know why we call. Could we give the "
        "reason first, in one sentence?",
        10,
    ),
    (
        "lead2",
        "outbound-proactive",
        "Asked whether it is a good time to talk",
        "Same in the Madrid team: we tried the one-sentence reason on the fibre campaign and fewer customers "
        "hung up.",
        9,
    ),
    (
        "agent23",
        "retention",
        "Respected the customer's final decision",
        "Agree with this one. Could the guidance say how many offers are too many? Is a second offer after a "
        "'no' already pressing?",
        6,
    ),
    (
        "agent5",
        "billing",
        IDENTITY.title,
        "When a customer calls back on the same ticket within the hour, do we have to verify again? It "
        "annoys people.",
        4,
    ),
    (
        "reviewer",
        "billing",
        IDENTITY.title,
        "Yes, on every call: we cannot know it is the same person. Explaining why usually helps.",
        3,
    ),
]

#: Calls per agent per week, per call type: about four evaluations per agent and week in all.
SAMPLING_QUOTAS = {"inbound-support": 2, "outbound-proactive": 2, "retention": 1, "billing": 1}
#: Percent of the week's qualifying calls drawn at random on top of the per-agent quota.
SAMPLING_SHARES = {"inbound-support": Decimal(1)}
MIN_TALK_SECONDS = 60


# --- Scorecards, comments, sampling rules -------------------------------------------------------------------


def ensure_scorecards(
    *, manager: User, call_types: Mapping[str, CallType], first_call_at: datetime, now: datetime
) -> int:
    """Build and publish the scorecard of every demo call type that has none; returns how many were built.

    Version 1 was published three weeks before the first demo call; a revision, when planned, 40% of the way
    into the demo period (so the history shows evaluations on both versions)."""
    created = 0
    for plan in SCORECARDS:
        call_type = call_types.get(plan.call_type)
        if call_type is None or Scorecard.objects.filter(call_type=call_type).exists():
            continue
        first_published = first_call_at - timedelta(days=21)
        revised = first_call_at + (now - first_call_at) * 0.4
        _build_scorecard(
            plan, call_type=call_type, manager=manager, published=first_published, revised=revised
        )
        created += 1
    return created


def _build_scorecard(
    plan: ScorecardPlan, *, call_type: CallType, manager: User, published: datetime, revised: datetime
) -> None:
    scorecard = builder.create_scorecard(
        call_type=call_type, name=plan.name, description=plan.description, by=manager
    )
    version = scorecard.versions.get()
    builder.update_version_settings(
        version=version, scoring_method=plan.method, pass_mark=Decimal(plan.pass_mark)
    )
    for section_plan in plan.sections:
        section = builder.add_section(
            version=version, title=section_plan.title, weight=Decimal(section_plan.weight)
        )
        for criterion_plan in section_plan.criteria:
            _add_criterion(section, criterion_plan)
    builder.publish(version=version, by=manager, notes=plan.notes)
    Scorecard.objects.filter(pk=scorecard.pk).update(created_at=published - timedelta(days=4))
    ScorecardVersion.objects.filter(pk=version.pk).update(
        created_at=published - timedelta(days=4), published_at=published
    )
    if plan.revision is None:
        return
    draft = builder.start_draft(scorecard=scorecard, by=manager)
    _revise(draft, plan.revision)
    if plan.revision.publish:
        builder.publish(version=draft, by=manager, notes=plan.revision.notes)
        ScorecardVersion.objects.filter(pk=draft.pk).update(
            created_at=revised - timedelta(days=3), published_at=revised
        )
    else:
        draft.notes = plan.revision.notes
        draft.save(update_fields=["notes"])


def _add_criterion(section: Section, plan: CriterionPlan) -> Criterion:
    criterion = builder.add_criterion(
        section=section,
        title=plan.title,
        kind=plan.kind,
        weight=Decimal(plan.weight),
        scale_max=plan.scale_max,
        allows_na=plan.allows_na,
        critical_scope=plan.critical,
        guidance=plan.guidance,
        options=[builder.OptionInput(label=label, points=Decimal(points)) for label, points in plan.options],
    )
    return criterion


def _revise(draft: ScorecardVersion, revision: RevisionPlan) -> None:
    criteria = {
        c.title: c for c in Criterion.objects.filter(section__version=draft).select_related("section")
    }
    for old_title, plan in revision.changes.items():
        builder.update_criterion(
            criterion=criteria[old_title],
            title=plan.title,
            kind=plan.kind,
            weight=Decimal(plan.weight),
            scale_max=plan.scale_max,
            allows_na=plan.allows_na,
            critical_scope=plan.critical,
            guidance=plan.guidance,
        )
    sections = {section.title: section for section in draft.sections.all()}
    for section_title, plans in revision.additions.items():
        for plan in plans:
            _add_criterion(sections[section_title], plan)


def ensure_comments(*, people: Mapping[str, User], call_types: Mapping[str, CallType], now: datetime) -> int:
    """The comments on criteria of the published versions that are not there yet; returns how many were added."""
    added = 0
    for username, slug, title, body, days_ago in COMMENTS:
        author, call_type = people.get(username), call_types.get(slug)
        if author is None or call_type is None:
            continue
        criterion = (
            Criterion.objects.filter(
                section__version__scorecard__call_type=call_type,
                section__version__status=ScorecardVersion.Status.PUBLISHED,
                title=title,
            )
            .select_related("section__version")
            .first()
        )
        if criterion is None or CriterionComment.objects.filter(author=author, body=body).exists():
            continue
        comment = builder.add_criterion_comment(criterion=criterion, author=author, body=body)
        written = max(
            now - timedelta(days=days_ago), criterion.section.version.published_at + timedelta(hours=2)
        )
        CriterionComment.objects.filter(pk=comment.pk).update(created_at=min(written, now))
        added += 1
    return added


def ensure_sampling_rules(*, call_types: Mapping[str, CallType]) -> int:
    """A weekly per-agent rule per demo call type, and inbound support's random share beside it (a call type's
    rules add up: the sampling page explains the sum), unless the call type has that kind of rule already. Only
    about a dozen demo calls have a recording, so the rules take calls without one too (the queues would stay
    nearly empty otherwise)."""
    wanted = [
        (slug, SamplingRule.Method.PER_AGENT, {"calls_per_agent": quota})
        for slug, quota in SAMPLING_QUOTAS.items()
    ] + [
        (slug, SamplingRule.Method.PERCENTAGE, {"percentage": share, "calls_per_agent": None})
        for slug, share in SAMPLING_SHARES.items()
    ]
    added = 0
    for slug, method, amount in wanted:
        call_type = call_types.get(slug)
        if call_type is None or SamplingRule.objects.filter(call_type=call_type, method=method).exists():
            continue
        SamplingRule.objects.create(
            call_type=call_type,
            method=method,
            **amount,
            period=SamplingRule.Period.WEEK,
            require_answered=True,
            require_recording=False,
            min_talk_seconds=MIN_TALK_SECONDS,
        )
        added += 1
    return added


def seed(request: "DemoRequest") -> Mapping[str, int]:
    now = timezone.now()
    people = demo_users()
    if MANAGER not in people:
        raise ValueError("The demo people are missing: seed them first.")
    call_types = demo_call_types()
    # Nothing is mailed: what the services announce happened weeks ago.
    with in_app_only(), transaction.atomic():
        new_scorecards = ensure_scorecards(
            manager=people[MANAGER], call_types=call_types, first_call_at=first_call_at(now), now=now
        )
        ensure_comments(people=people, call_types=call_types, now=now)
        ensure_sampling_rules(call_types=call_types)
    return {"new_scorecards": new_scorecards}

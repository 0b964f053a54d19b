"""The demo's recordings: a dozen or so short dialogues, spoken by espeak-ng (or tones without it), on recent calls.

Each script also says what a reviewer hears on it (the answers to the criteria it shows, the notes a reviewer
pins to its lines, the comments on what it misses): the demo scores a recorded call by its script, so its
score, notes and transcript tell the same story.

Each recording is the whole conversation, so the call's talk time becomes the recording's length; its transcript
is timestamped per line. Idempotent: a call that already has its recording (the file still there) is skipped.
"""

import array
import io
import logging
import math
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from calls.models import Call
from qa_center.demo import scorecards as plans
from qa_center.demo.calls import CALL_PREFIX
from qa_center.demo.people import demo_people
from qa_center.people.models import User

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

logger = logging.getLogger(__name__)

RECORDING_PREFIX = "demo-rec-"
#: Recordings go to calls at least this old: the QA activity scores, disputes and calibrates calls of the last
#: day or two, and reviewers take a few hours to reach a call (the last hours' calls are nobody's yet).
RECORDING_MIN_AGE = timedelta(hours=8)
_SCRIPT_NUMBER = re.compile(rf"{RECORDING_PREFIX}(\d{{2}})-")
_LINE_TIME = re.compile(r"\[(\d+):(\d{2})\]")


# --- The dialogues ------------------------------------------------------------------------------------------


#: In RecordingScript.heard: the criterion does not apply to this call.
NOT_APPLICABLE = "n/a"

# The criteria several scripts are heard against, by their titles on the demo scorecards.
GREETING, IDENTITY, DISCLOSURE, EMPATHY, NEXT_STEPS = (
    plan.title for plan in (plans.GREETING, plans.IDENTITY, plans.DISCLOSURE, plans.EMPATHY, plans.NEXT_STEPS)
)
EMPATHY_V1 = "Showed empathy"  # inbound support's version 1 (yes/no); version 2 has EMPATHY (0..4)


@dataclass(frozen=True)
class RecordingScript:
    team: str
    call_type: str
    language: str  # espeak-ng voice
    # One line per turn: "A: …" the agent, "C: …" the customer; {agent} is the agent's first name.
    text: str
    agent: str | None = None  # username whose call gets this recording
    #: What a reviewer hears on the recording, criterion title → answer: True/False (yes/no), a number
    #: (scale), an option's label (choice) or NOT_APPLICABLE. Criteria not named cannot be heard (the ticket,
    #: the CRM) and are answered as the demo answers any call.
    heard: Mapping[str, bool | int | str] = field(default_factory=dict)
    #: The reviewer's notes on the recording: (index of the line they are about, the note).
    notes: tuple[tuple[int, str], ...] = ()
    #: The reviewer's comment on a criterion this call lost points on, by title.
    remarks: Mapping[str, str] = field(default_factory=dict)
    #: A call the library holds up as an example (qa_center/demo/library.py has an entry for each, in order);
    #: False for one that shows what to coach.
    exemplary: bool = True

    @property
    def lines(self) -> list[tuple[str, str]]:
        turns = [line.strip().split(": ", 1) for line in self.text.strip().splitlines()]
        return [(speaker, words) for speaker, words in turns]


RECORDING_SCRIPTS = [
    RecordingScript(
        "Riga Support",
        "inbound-support",
        "en",
        """
        A: Good morning, Riga Support, this is {agent}. How can I help you today?
        C: Hi. My internet has been dropping every few minutes since yesterday evening.
        A: I'm sorry about that. Let me run a line test. Could you confirm your postcode and date of birth, please?
        C: Sure, it's L V one zero one one, and the fourth of May.
        A: Thank you. I can see errors on the line, so I'm resetting your port. Please restart the router.
        C: Okay, the lights are green now, and the page loads.
        A: Great. I'll keep the ticket open for two days and call you if the errors come back.
        C: Perfect, thanks for your help.
        """,
        agent="agent",
        heard={
            GREETING: True,
            "Used the customer's name during the call": False,
            "Asked open questions to understand the problem": 1,
            "Quality of the diagnosis": "Right and efficient",
            NEXT_STEPS: True,
            "Confirmed the fix worked before closing": True,
            EMPATHY_V1: True,
            EMPATHY: 3,
            "Avoided jargon": True,
            IDENTITY: True,
            DISCLOSURE: False,
        },
        notes=(
            (0, "Company, name and an offer of help in the first seconds."),
            (
                2,
                "Identity checked with two details before the account is touched; the line test comes first.",
            ),
            (
                6,
                "A concrete close: the ticket stays open two days, and the agent calls back if the errors return.",
            ),
        ),
        remarks={
            "Asked open questions to understand the problem": "No question about when the drops happen: the "
            "line test found the fault anyway.",
            DISCLOSURE: "Recording disclosure not read.",
            "Used the customer's name during the call": "The customer's name was never used.",
        },
    ),
    RecordingScript(
        "Riga Support",
        "billing",
        "lv",
        """
        A: Labdien, klientu atbalsts, runā {agent}. Kā varu palīdzēt?
        C: Labdien. Šomēnes rēķins ir divreiz lielāks nekā parasti.
        A: Paldies, ka piezvanījāt un apstiprinājāt savus datus tālruņa izvēlnē. Es pārbaudīšu rēķinu. Viesabonēšanas maksa ir piemērota kļūdaini.
        C: Vai to var izlabot?
        A: Jā, es jau izveidoju korekciju. Nākamajā rēķinā būs atlaide divdesmit eiro apmērā.
        C: Lieliski, paldies!
        """,
        agent="agent",
        heard={
            GREETING: True,
            IDENTITY: True,
            DISCLOSURE: False,
            "Never asked for full card or bank details": True,
            "Explained the charges on the invoice": 3,
            "Outcome for the customer": "Correction or refund started",
            "Offered a payment plan when the customer could not pay": NOT_APPLICABLE,
            EMPATHY: 3,
            NEXT_STEPS: True,
        },
        notes=(
            (2, "Owns the mistake and explains it in one sentence (identity confirmed in the phone menu)."),
            (4, "A precise credit, and the customer knows where to see it: the next invoice."),
        ),
        remarks={
            DISCLOSURE: "Recording disclosure not read.",
            "Explained the charges on the invoice": "Said which charge was wrong, not what the rest of the "
            "bill is.",
        },
    ),
    RecordingScript(
        "Riga Support",
        "inbound-support",
        "lv",
        """
        A: Labdien, atbalsta dienests, runā {agent}.
        C: Labdien, nevaru pieslēgt jauno maršrutētāju.
        A: Sapratu, un paldies, ka apstiprinājāt savus datus tālruņa izvēlnē. Lūdzu, pārbaudiet, vai kabelis ir pievienots portam ar uzrakstu WAN.
        C: Jā, tagad deg zila gaismiņa.
        A: Ļoti labi, savienojums ir izveidots. Vai varu vēl ar kaut ko palīdzēt?
        C: Nē, paldies, viss kārtībā.
        """,
        heard={
            GREETING: True,
            "Used the customer's name during the call": False,
            "Asked open questions to understand the problem": 1,
            "Quality of the diagnosis": "Right and efficient",
            NEXT_STEPS: True,
            "Confirmed the fix worked before closing": True,
            EMPATHY_V1: True,
            EMPATHY: 2,
            "Avoided jargon": True,
            IDENTITY: True,
            DISCLOSURE: False,
        },
        notes=(
            (
                2,
                "One plain instruction, then a check that it worked; one open question first would have "
                "confirmed the cause.",
            ),
            (4, "Checked that the connection works before closing."),
        ),
        remarks={
            "Asked open questions to understand the problem": "No question before the fix: right this time.",
            DISCLOSURE: "Recording disclosure not read.",
            "Used the customer's name during the call": "The customer's name was never used.",
        },
    ),
    RecordingScript(
        "Riga Support",
        "billing",
        "en",
        """
        A: Riga Support, {agent} speaking. This call is recorded, and thanks for confirming your details in the phone menu. How can I help?
        C: I lost my job last month and I can't pay this invoice in full.
        A: I'm sorry to hear that. We can split it into three monthly payments, with no extra fee.
        C: That would really help.
        A: Done. You'll get the new schedule by email today, and your service stays on.
        """,
        heard={
            GREETING: True,
            IDENTITY: True,
            DISCLOSURE: True,
            "Never asked for full card or bank details": True,
            "Explained the charges on the invoice": 2,
            "Outcome for the customer": "Resolved on the call and confirmed in writing",
            "Offered a payment plan when the customer could not pay": True,
            EMPATHY: 4,
            NEXT_STEPS: True,
        },
        notes=(
            (2, "Empathy first, solution second: the payment plan comes with no fee."),
            (4, "Confirmed in writing today, and the service stays on: nothing left open."),
        ),
        remarks={
            "Explained the charges on the invoice": "The invoice itself was not gone through; the customer "
            "did not ask.",
        },
    ),
    RecordingScript(
        "Riga Support",
        "retention",
        "en",
        """
        A: Hello, this is {agent} from Riga Support.
        C: I want to cancel. Another provider is cheaper.
        A: I understand. May I ask what you pay there, so I can check what we can do?
        C: Fifteen euros a month for the same speed.
        A: I can offer sixteen euros with the TV package included, for twelve months. Would that work?
        C: Hmm. Yes, I'll stay then.
        """,
        heard={
            GREETING: True,
            "Acknowledged the reason for the call": True,
            EMPATHY: 2,
            "Delivered bad news plainly, without blaming others": NOT_APPLICABLE,
            "Apologised where we were at fault": NOT_APPLICABLE,
            "Understood why the customer wants to leave": 3,
            "Made an offer that fits the reason for leaving": "Fitted to the customer's reason",
            "Respected the customer's final decision": True,
            NEXT_STEPS: False,
            "Booked the follow-up that was promised": NOT_APPLICABLE,
        },
        notes=(
            (2, "Asks what the competitor charges before offering anything."),
            (
                4,
                "One offer, with its term, and the customer stays. Say when it starts and how it is "
                "confirmed.",
            ),
        ),
        remarks={
            NEXT_STEPS: "No word on when the new plan starts or how it is confirmed.",
            "Understood why the customer wants to leave": "Asked the price, not whether anything else "
            "matters to the customer.",
            EMPATHY: "Polite and to the point; the customer's frustration is not acknowledged.",
        },
    ),
    RecordingScript(
        "Madrid Sales",
        "outbound-proactive",
        "es",
        """
        A: Buenos días, le llamo de Madrid Ventas, soy {agent}. ¿Tiene un minuto?
        C: Sí, dígame.
        A: Como cliente desde hace cinco años, puede pasar a fibra de seiscientos megas al mismo precio.
        C: ¿Y hay permanencia?
        A: No, ninguna. Si le parece bien, le envío la oferta por correo y usted decide con calma.
        C: Perfecto, envíemela, gracias.
        """,
        heard={
            "Introduced themselves and the company": True,
            "Asked whether it is a good time to talk": True,
            "Asked about the customer's current usage and needs": 1,
            "Listened without interrupting": True,
            "Matched the offer to what the customer said": "Partly matched",
            "Stated the price, contract length and fees clearly": True,
            "Handled objections without pressure": 4,
            "Summarised what was agreed": True,
            "Honoured opt-out requests": NOT_APPLICABLE,
        },
        notes=(
            (0, "Asks for a minute before pitching."),
            (2, "The benefit for a loyal customer, but no question about how the line is used today."),
            (4, "No pressure: the offer goes by email and the customer decides."),
        ),
        remarks={
            "Asked about the customer's current usage and needs": "Not one question about how the line is "
            "used today.",
            "Matched the offer to what the customer said": "Offered for loyalty, not for what the customer "
            "needs.",
        },
    ),
    RecordingScript(
        "Madrid Sales",
        "outbound-proactive",
        "en",
        """
        A: Hello, this is {agent} from Madrid Sales. Is this a good moment?
        C: I'm driving, actually.
        A: Of course. When may I call you back?
        C: Tomorrow after five.
        A: Noted, tomorrow after five. Have a safe drive.
        """,
        heard={
            "Introduced themselves and the company": True,
            "Asked whether it is a good time to talk": True,
            "Asked about the customer's current usage and needs": 0,
            "Listened without interrupting": True,
            "Matched the offer to what the customer said": "No offer made",
            "Handled objections without pressure": NOT_APPLICABLE,
            "Summarised what was agreed": True,
            "Honoured opt-out requests": NOT_APPLICABLE,
        },
        notes=(
            (
                1,
                "Hears 'I'm driving' and stops: a call back offered at once and its time confirmed. The right "
                "call; the scorecard does not fit a call that ends here.",
            ),
        ),
        remarks={
            "Asked about the customer's current usage and needs": "The call ended before any discovery "
            "(the customer was driving).",
            "Matched the offer to what the customer said": "No offer: the call back is booked instead.",
        },
    ),
    RecordingScript(
        "Madrid Sales",
        "billing",
        "es",
        """
        A: Facturación, le atiende {agent}. Gracias por confirmar sus datos en el menú telefónico. ¿En qué puedo ayudarle?
        C: Me han cobrado dos veces la misma factura.
        A: Lo siento mucho. Veo el cargo duplicado; le devolvemos el importe en tres días hábiles.
        C: Vale, muchas gracias.
        """,
        heard={
            GREETING: True,
            IDENTITY: True,
            DISCLOSURE: False,
            "Never asked for full card or bank details": True,
            "Explained the charges on the invoice": 3,
            "Outcome for the customer": "Correction or refund started",
            "Offered a payment plan when the customer could not pay": NOT_APPLICABLE,
            EMPATHY: 3,
            NEXT_STEPS: True,
        },
        notes=((2, "Apology, finding and a date in one sentence: the refund in three working days."),),
        remarks={
            DISCLOSURE: "Recording disclosure not read.",
            "Explained the charges on the invoice": "Confirmed the duplicate; the rest of the invoice was "
            "not gone through.",
        },
    ),
    RecordingScript(
        "Retention",
        "retention",
        "en",
        """
        A: Thank you for calling, this is {agent}. I understand you'd like to cancel?
        C: Yes. The service has been down three times this month.
        A: That's not good enough, and I'm sorry. I've credited this month in full.
        C: Okay, that's fair.
        A: I've asked our engineers to check your area, and I'll call you on Friday with the result.
        C: Alright, let's see how it goes.
        """,
        heard={
            GREETING: True,
            "Acknowledged the reason for the call": True,
            EMPATHY: 4,
            "Delivered bad news plainly, without blaming others": NOT_APPLICABLE,
            "Apologised where we were at fault": True,
            "Understood why the customer wants to leave": 4,
            "Made an offer that fits the reason for leaving": "Fitted to the customer's reason",
            "Respected the customer's final decision": True,
            NEXT_STEPS: True,
        },
        notes=(
            (2, "Owns the failure without excuses, and credits the month at once."),
            (4, "A follow-up with a day: Friday. Make sure it is booked."),
        ),
        remarks={
            "Understood why the customer wants to leave": "Did not ask whether the outages were at a "
            "particular time of day.",
        },
    ),
    RecordingScript(
        "Retention",
        "retention",
        "en",
        """
        A: Hello, this is {agent}. I'm calling about a change to your price plan.
        C: Is it going up again?
        A: I'm afraid so: from next month it rises by two euros. I wanted you to hear it from us first.
        C: That's disappointing.
        A: I understand. If you switch to yearly billing, the increase is cancelled out. Shall I explain?
        C: Yes, please.
        """,
        heard={
            GREETING: False,
            "Acknowledged the reason for the call": True,
            EMPATHY: 3,
            "Delivered bad news plainly, without blaming others": True,
            "Apologised where we were at fault": NOT_APPLICABLE,
            "Understood why the customer wants to leave": 2,
            "Made an offer that fits the reason for leaving": "Fitted to the customer's reason",
            "Respected the customer's final decision": True,
            NEXT_STEPS: False,
            "Booked the follow-up that was promised": NOT_APPLICABLE,
        },
        notes=(
            (0, "Greeting without the company's name."),
            (2, "Bad news, straight and early."),
            (
                4,
                "Turns it into a choice: yearly billing cancels the rise out. The change and its date are "
                "not confirmed yet.",
            ),
        ),
        remarks={
            GREETING: "Gave the first name but not the company.",
            NEXT_STEPS: "Ended on 'shall I explain?': the change and its date were not confirmed.",
            "Understood why the customer wants to leave": "No question about what matters to the customer.",
        },
    ),
    RecordingScript(
        "Retention",
        "billing",
        "en",
        """
        A: Billing, {agent} speaking. Thanks for confirming your details in the phone menu.
        C: Why is there a late fee on my bill? I paid on time.
        A: Let me check. Your payment arrived a day late because of the bank holiday. I'll remove the fee.
        C: Thank you.
        """,
        agent="reviewer4",
        heard={
            GREETING: False,
            IDENTITY: True,
            DISCLOSURE: False,
            "Never asked for full card or bank details": True,
            "Explained the charges on the invoice": 3,
            "Outcome for the customer": "Correction or refund started",
            "Offered a payment plan when the customer could not pay": NOT_APPLICABLE,
            EMPATHY: 2,
            NEXT_STEPS: True,
        },
        notes=(
            (0, "'Billing, speaking': no company greeting."),
            (2, "Checks the payment date, explains the bank holiday, removes the fee."),
        ),
        remarks={
            GREETING: "'Billing, speaking': no company greeting.",
            DISCLOSURE: "Recording disclosure not read.",
            EMPATHY: "Correct and quick; no word for a customer sure they had paid on time.",
        },
    ),
    RecordingScript(
        "Retention",
        "retention",
        "es",
        """
        A: Hola, soy {agent}, del departamento de bajas.
        C: Quiero dar de baja la línea de mi madre, ya no la usa.
        A: Entendido. Lo tramito ahora mismo; recibirá la confirmación por correo.
        C: Gracias por hacerlo tan fácil.
        """,
        heard={
            GREETING: True,
            "Acknowledged the reason for the call": True,
            EMPATHY: 3,
            "Delivered bad news plainly, without blaming others": NOT_APPLICABLE,
            "Apologised where we were at fault": NOT_APPLICABLE,
            "Understood why the customer wants to leave": 2,
            "Made an offer that fits the reason for leaving": "No offer made",
            "Respected the customer's final decision": True,
            NEXT_STEPS: True,
            "Booked the follow-up that was promised": NOT_APPLICABLE,
        },
        notes=(
            (
                2,
                "No friction: done now, and the confirmation comes by email. No retention offer, rightly for a "
                "line nobody uses; the scorecard still costs points here (raised for its next version).",
            ),
        ),
        remarks={
            "Made an offer that fits the reason for leaving": "No offer: right for a line nobody uses, but "
            "the scorecard asks for one.",
            "Understood why the customer wants to leave": "The customer said why; no question asked.",
        },
    ),
    # The escalation a role-play practises: the customer asks for a manager (a library nomination in the demo).
    RecordingScript(
        "Riga Support",
        "inbound-support",
        "en",
        """
        A: Riga Support, this is {agent}. How can I help?
        C: This is my third call about the same fault. I want to speak to a manager.
        A: I understand, and you shouldn't have to call three times. I can book a senior engineer for tomorrow morning.
        C: Fine, but I still want a manager to know about this.
        A: Of course. I've added a complaint for my team lead, who will call you back today before six.
        C: Thank you. That's all I wanted.
        """,
        heard={
            GREETING: True,
            "Used the customer's name during the call": False,
            NEXT_STEPS: True,
            EMPATHY_V1: True,
            EMPATHY: 4,
            "Avoided jargon": True,
            DISCLOSURE: False,
        },
        notes=(
            (2, "Owns the repeat calls before offering anything: the customer calms down from here."),
            (
                4,
                "The engineer tomorrow morning and the team lead's call today before six: the customer knows "
                "what happens and when.",
            ),
        ),
        remarks={
            DISCLOSURE: "Recording disclosure not read.",
            "Used the customer's name during the call": "The customer's name was never used.",
        },
    ),
    # Not a library call: the demo agent on a bad day, where their two coaching points (empathy, next steps)
    # can be heard. The demo scores it with notes for the agent's feedback page.
    RecordingScript(
        "Riga Support",
        "inbound-support",
        "en",
        """
        A: Riga Support, {agent}.
        C: Hi. My internet keeps dropping since yesterday evening. I work from home, it's a nightmare.
        A: Okay. Postcode and date of birth?
        C: L V one zero one one, fourth of May.
        A: Right. I'm resetting your port. Restart the router.
        C: Okay, it seems to work now.
        A: Good. If it happens again, we'll look into it.
        C: Alright. Thanks, I suppose.
        """,
        agent="agent",
        exemplary=False,
        heard={
            GREETING: True,
            "Used the customer's name during the call": False,
            "Asked open questions to understand the problem": 0,
            "Quality of the diagnosis": "Partly right",
            NEXT_STEPS: False,
            "Confirmed the fix worked before closing": False,
            EMPATHY_V1: False,
            EMPATHY: 1,
            "Avoided jargon": True,
            IDENTITY: True,
            DISCLOSURE: False,
        },
        notes=(
            (
                2,
                "The customer says working from home has become a nightmare; 'Okay' and straight to the "
                "identity check. Acknowledge how they feel first.",
            ),
            (4, "A port reset without a line test, and 'it seems to work' is not checked: it may come back."),
            (
                6,
                "'If it happens again, we'll look into it': no next step and no time frame. Say what happens "
                "next and by when.",
            ),
        ),
        remarks={
            EMPATHY: "Answered 'Okay' when the customer said working from home had become a nightmare.",
            EMPATHY_V1: "Answered 'Okay' when the customer said working from home had become a nightmare.",
            NEXT_STEPS: "Closed with 'we'll look into it' and no time frame.",
            "Asked open questions to understand the problem": "No question at all about the drops.",
            "Quality of the diagnosis": "Reset the port without running the line test first.",
            "Confirmed the fix worked before closing": "'It seems to work now' was not checked.",
            DISCLOSURE: "Recording disclosure not read.",
            "Used the customer's name during the call": "The customer's name was never used.",
        },
    ),
]


def script_of(call: Call) -> RecordingScript | None:
    """The script a demo call's recording was spoken from (its file name carries the script's number)."""
    match = _SCRIPT_NUMBER.search(call.recording_file.name or "")
    if match is None or not 1 <= int(match[1]) <= len(RECORDING_SCRIPTS):
        return None
    return RECORDING_SCRIPTS[int(match[1]) - 1]


def line_start(transcript: str, index: int) -> Decimal | None:
    """When line `index` of a demo transcript starts, in seconds ("[m:ss] Speaker: …")."""
    lines = transcript.splitlines()
    match = _LINE_TIME.match(lines[index]) if 0 <= index < len(lines) else None
    return None if match is None else Decimal(int(match[1]) * 60 + int(match[2]))


_CUSTOMER_VOICES = ["f2", "m2", "f4", "m4"]


# --- Speech synthesis, or tones ------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialogue:
    wav: bytes
    transcript: str
    seconds: float


def synthesize_dialogue(
    *, lines: Sequence[tuple[str, str]], language: str, agent_voice: str, customer_voice: str
) -> Dialogue:
    """A WAV of the dialogue: speech from espeak-ng when installed, else tones, so there is always audio."""
    espeak = shutil.which("espeak-ng")
    if espeak:
        try:
            return _speak(
                espeak, lines=lines, language=language, voices={"A": agent_voice, "C": customer_voice}
            )
        except (OSError, subprocess.SubprocessError, wave.Error, EOFError, ValueError) as exc:
            logger.warning("espeak-ng failed (%s); writing tones instead", exc)
    return _tones(lines)


def _speak(
    espeak: str, *, lines: Sequence[tuple[str, str]], language: str, voices: dict[str, str]
) -> Dialogue:
    pieces = []
    with tempfile.TemporaryDirectory() as folder:
        for index, (speaker, text) in enumerate(lines):
            path = Path(folder) / f"{index}.wav"
            command = [espeak, "-v", f"{language}+{voices[speaker]}", "-s", "160", "-w", str(path), text]
            # A Debian without the voice variants still has the plain language voice.
            if _run_espeak(command) and _run_espeak([*command[:2], language, *command[3:]]):
                raise subprocess.SubprocessError(f"espeak-ng could not speak {language!r}")
            with wave.open(str(path), "rb") as reader:
                pieces.append((reader.getparams(), reader.readframes(reader.getnframes())))
    params = pieces[0][0]
    if any(p[:3] != params[:3] for p, _frames in pieces):
        raise ValueError("espeak-ng wrote lines in different formats")
    return _join(
        lines, [frames for _params, frames in pieces], params.nchannels, params.sampwidth, params.framerate
    )


def _run_espeak(command: list[str]) -> int:
    # The arguments are a list (no shell) and the texts are our own.
    return subprocess.run(command, capture_output=True, timeout=30, check=False).returncode  # noqa: S603


def _tones(lines: Sequence[tuple[str, str]]) -> Dialogue:
    """One soft tone per line (agent higher, customer lower), as long as the line would take to say."""
    rate, fade = 8000, 400
    chunks = []
    for speaker, text in lines:
        # 400 Hz for the agent, 320 Hz for the customer: a whole number of samples per cycle, so one
        # cycle repeated is the whole tone.
        period = 20 if speaker == "A" else 25
        cycle = array.array("h", (round(9000 * math.sin(2 * math.pi * i / period)) for i in range(period)))
        samples = cycle * int(min(4.0, 0.6 + 0.045 * len(text)) * rate / period)
        for i in range(fade):  # fade in and out so the lines do not click
            samples[i] = samples[i] * i // fade
            samples[-1 - i] = samples[-1 - i] * i // fade
        if sys.byteorder == "big":
            samples.byteswap()  # WAV samples are little-endian
        chunks.append(samples.tobytes())
    return _join(lines, chunks, 1, 2, rate)


def _join(
    lines: Sequence[tuple[str, str]], chunks: list[bytes], channels: int, width: int, rate: int
) -> Dialogue:
    gap = b"\x00" * (int(rate * 0.4) * channels * width)
    frame_bytes = channels * width
    buffer = io.BytesIO()
    transcript = []
    position = 0
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        for (speaker, text), chunk in zip(lines, chunks, strict=True):
            second = position / rate
            transcript.append(
                f"[{int(second // 60)}:{int(second % 60):02d}] {_speaker_label(speaker)}: {text}"
            )
            writer.writeframes(chunk + gap)
            position += (len(chunk) + len(gap)) // frame_bytes
    return Dialogue(buffer.getvalue(), "\n".join(transcript), position / rate)


def _speaker_label(speaker: str) -> str:
    return "Agent" if speaker == "A" else "Customer"


# --- Recordings on the demo calls ----------------------------------------------------------------------


def _recording_call(script: RecordingScript, *, taken: set[int]) -> Call | None:
    """The most recent answered voice call that fits the script and ended some hours ago (RECORDING_MIN_AGE),
    relaxing the fit for tiny demos."""
    demo_calls = Call.objects.filter(
        external_id__startswith=CALL_PREFIX, answered=True, channel=Call.Channel.VOICE, recording_file=""
    ).exclude(pk__in=taken)
    fits = [
        {"team__name": script.team, "call_type__slug": script.call_type},
        {"team__name": script.team},
        {},
    ]
    if script.agent:
        fits = [{**a, "agent__username": script.agent} for a in fits[:2]] + fits
    old_enough = {"started_at__lte": timezone.now() - RECORDING_MIN_AGE}
    attempts = [{**fit, **old_enough} for fit in fits] + fits
    for filters in attempts:
        call = demo_calls.filter(**filters).select_related("agent").order_by("-started_at", "-id").first()
        if call:
            return call
    return None


def ensure_recordings() -> int:
    """Give a dozen recent demo calls a short playable recording and its transcript; returns how many new."""
    taken: set[int] = set()
    created = 0
    genders = {person.username: person.gender for person in demo_people()}
    for number, script in enumerate(RECORDING_SCRIPTS, start=1):
        marker = f"{RECORDING_PREFIX}{number:02d}-"
        call = (
            Call.objects.filter(external_id__startswith=CALL_PREFIX, recording_file__contains=marker)
            .select_related("agent")
            .first()
        )
        if call and call.recording_file.storage.exists(call.recording_file.name):
            taken.add(call.pk)
            continue
        call = call or _recording_call(script, taken=taken)
        if call is None:
            continue
        agent = call.agent or User(first_name="Alex")  # an admin may have cleared the agent since
        lines = [(speaker, text.format(agent=agent.first_name)) for speaker, text in script.lines]
        dialogue = synthesize_dialogue(
            lines=lines,
            language=script.language,
            agent_voice="f3" if genders.get(agent.username) == "f" else "m3",
            customer_voice=_CUSTOMER_VOICES[number % len(_CUSTOMER_VOICES)],
        )
        call.recording_file.save(
            f"{marker}{script.call_type}-{script.language}.wav", ContentFile(dialogue.wav), save=False
        )
        call.transcript = dialogue.transcript
        # The recording is the whole conversation, so the talk time matches what the player shows.
        call.talk_seconds = max(1, round(dialogue.seconds))
        call.save(update_fields=["recording_file", "transcript", "talk_seconds", "updated_at"])
        taken.add(call.pk)
        created += 1
    return created


def seed(request: "DemoRequest") -> Mapping[str, int]:
    # Outside a transaction: files are written, and the synthesis is slow.
    return {"new_recordings": ensure_recordings() if request.recordings else 0}

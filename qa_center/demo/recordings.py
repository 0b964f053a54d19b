"""The demo's recordings: a dozen or so short dialogues, spoken by espeak-ng (or tones without it), on recent calls.

Each recording is the whole conversation, so the call's talk time becomes the recording's length; its transcript
is timestamped per line. Idempotent: a call that already has its recording (the file still there) is skipped.
"""

import array
import io
import logging
import math
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile

from calls.models import Call
from qa_center.demo.calls import CALL_PREFIX
from qa_center.demo.people import demo_people
from qa_center.people.models import User

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

logger = logging.getLogger(__name__)

RECORDING_PREFIX = "demo-rec-"


# --- The dialogues ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordingScript:
    team: str
    call_type: str
    language: str  # espeak-ng voice
    # One line per turn: "A: …" the agent, "C: …" the customer; {agent} is the agent's first name.
    text: str
    agent: str | None = None  # username whose call gets this recording

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
        A: I'm sorry about that. Let me run a line test. Could you confirm your postcode, please?
        C: Sure, it's L V one zero one one.
        A: Thank you. I can see errors on the line, so I'm resetting your port. Please restart the router.
        C: Okay, the lights are green now, and the page loads.
        A: Great. I'll keep the ticket open for two days and call you if the errors come back.
        C: Perfect, thanks for your help.
        """,
        agent="agent",
    ),
    RecordingScript(
        "Riga Support",
        "billing",
        "lv",
        """
        A: Labdien, klientu atbalsts, runā {agent}. Kā varu palīdzēt?
        C: Labdien. Šomēnes rēķins ir divreiz lielāks nekā parasti.
        A: Paldies, ka piezvanījāt. Es pārbaudīšu rēķinu. Viesabonēšanas maksa ir piemērota kļūdaini.
        C: Vai to var izlabot?
        A: Jā, es jau izveidoju korekciju. Nākamajā rēķinā būs atlaide divdesmit eiro apmērā.
        C: Lieliski, paldies!
        """,
        agent="agent",
    ),
    RecordingScript(
        "Riga Support",
        "inbound-support",
        "lv",
        """
        A: Labdien, atbalsta dienests, runā {agent}.
        C: Labdien, nevaru pieslēgt jauno maršrutētāju.
        A: Sapratu. Lūdzu, pārbaudiet, vai kabelis ir pievienots portam ar uzrakstu WAN.
        C: Jā, tagad deg zila gaismiņa.
        A: Ļoti labi, savienojums ir izveidots. Vai varu vēl ar kaut ko palīdzēt?
        C: Nē, paldies, viss kārtībā.
        """,
    ),
    RecordingScript(
        "Riga Support",
        "billing",
        "en",
        """
        A: Riga Support, {agent} speaking. How can I help?
        C: I lost my job last month and I can't pay this invoice in full.
        A: I'm sorry to hear that. We can split it into three monthly payments, with no extra fee.
        C: That would really help.
        A: Done. You'll get the new schedule by email today, and your service stays on.
        """,
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
    ),
    RecordingScript(
        "Madrid Sales",
        "billing",
        "es",
        """
        A: Facturación, le atiende {agent}. ¿En qué puedo ayudarle?
        C: Me han cobrado dos veces la misma factura.
        A: Lo siento mucho. Veo el cargo duplicado; le devolvemos el importe en tres días hábiles.
        C: Vale, muchas gracias.
        """,
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
    ),
    RecordingScript(
        "Retention",
        "billing",
        "en",
        """
        A: Billing, {agent} speaking.
        C: Why is there a late fee on my bill? I paid on time.
        A: Let me check. Your payment arrived a day late because of the bank holiday. I'll remove the fee.
        C: Thank you.
        """,
        agent="reviewer4",
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
    ),
]

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
    """The most recent answered voice call that fits the script, relaxing the fit for tiny demos."""
    demo_calls = Call.objects.filter(
        external_id__startswith=CALL_PREFIX, answered=True, channel=Call.Channel.VOICE, recording_file=""
    ).exclude(pk__in=taken)
    attempts = [
        {"team__name": script.team, "call_type__slug": script.call_type},
        {"team__name": script.team},
        {},
    ]
    if script.agent:
        attempts = [{**a, "agent__username": script.agent} for a in attempts[:2]] + attempts
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

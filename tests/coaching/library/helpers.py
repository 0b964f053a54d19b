"""Building library entries for the tests: recorded calls and entries made through the services."""

from django.core.files.base import ContentFile

from coaching.library import services
from tests.calls.ingest.helpers import wav_bytes
from tests.factories import CallFactory

RECORDING_SECONDS = 12
TRANSCRIPT = "[0:00] Agent: Good morning, this is Anna.\n[0:04] Customer: Hi, my line is down."


def recorded_call(agent, call_type, *, seconds: float = RECORDING_SECONDS, **values):
    call = CallFactory(agent=agent, call_type=call_type, transcript=TRANSCRIPT, **values)
    call.recording_file.save("call.wav", ContentFile(wav_bytes(seconds)), save=True)
    return call


def library_entry(
    call, *, by, manager=None, title="A warm welcome", criteria=("Greeting",), tags=("warm welcome",)
):
    """`call` nominated by `by` and, given a `manager`, approved by them."""
    entry = services.nominate(
        call=call, by=by, title=title, notes="Greets by name.", criteria=criteria, tags=tags
    )
    if manager is not None:
        services.approve(entry=entry, by=manager)
    return entry

"""GET/HEAD /calls/<pk>/recording/: access through get_call_for, HTTP Range requests and safe headers."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from calls.pages.recordings import RangeNotSatisfiable, parse_byte_range, recording_content_type
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

AUDIO = bytes(range(256)) * 4  # 1024 bytes, every position distinguishable modulo 256
SIZE = len(AUDIO)


@pytest.fixture
def recorded_call(call):
    call.recording_file.save("greeting.wav", ContentFile(AUDIO))
    return call


def url(call) -> str:
    return reverse("calls:recording", args=[call.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Access ----------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, recorded_call):
    response = client.get(url(recorded_call))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [
        ("agent", 200),
        ("lead", 200),
        ("reviewer", 200),
        ("manager", 200),
        ("other_agent", 404),
        ("other_lead", 404),
    ],
)
def test_access_matrix(request, client, recorded_call, user_fixture, status):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(url(recorded_call))
    assert response.status_code == status
    if status == 200:
        assert body(response) == AUDIO


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head(client, agent, recorded_call, method):
    client.force_login(agent)
    assert getattr(client, method)(url(recorded_call)).status_code == 405


def test_no_recording_is_404(client, agent, call):
    client.force_login(agent)
    assert client.get(url(call)).status_code == 404


def test_external_recording_url_is_not_proxied(client, agent):
    call = CallFactory(agent=agent, recording_url="https://pbx.example.com/rec/1.wav")
    client.force_login(agent)
    assert client.get(url(call)).status_code == 404


def test_file_missing_from_storage_is_404(client, agent, call):
    call.recording_file.name = "recordings/2024/01/gone.wav"
    call.save(update_fields=["recording_file"])
    client.force_login(agent)
    assert client.get(url(call)).status_code == 404


# --- Full file and headers -------------------------------------------------------------------------------


def test_full_file_is_streamed_with_safe_headers(client, agent, recorded_call):
    client.force_login(agent)
    response = client.get(url(recorded_call))
    assert response.status_code == 200
    assert response.streaming  # never read whole into memory
    assert body(response) == AUDIO
    assert response["Content-Type"] == "audio/wav"
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Disposition"] == 'inline; filename="greeting.wav"'
    assert not response.has_header("Content-Range")


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.mp3", "audio/mpeg"),
        ("a.OGG", "audio/ogg"),
        ("a.opus", "audio/ogg"),
        ("a.m4a", "audio/mp4"),
        ("a.flac", "audio/flac"),
        ("a.webm", "audio/webm"),
        ("a.html", "application/octet-stream"),  # never rendered as a page from our origin
        ("a.svg", "application/octet-stream"),
        ("noextension", "application/octet-stream"),
    ],
)
def test_content_type_from_the_extension(client, agent, call, name, content_type):
    call.recording_file.save(name, ContentFile(b"0123456789"))
    client.force_login(agent)
    response = client.get(url(call))
    assert response["Content-Type"] == content_type
    assert recording_content_type(name) == content_type


# --- Ranges ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-199", 100, 199),
        ("bytes=1000-5000", 1000, SIZE - 1),  # the end is clipped to the file
        ("bytes=512-", 512, SIZE - 1),
        ("bytes=0-", 0, SIZE - 1),  # what browsers send first
        ("bytes=-100", SIZE - 100, SIZE - 1),
        ("bytes=-5000", 0, SIZE - 1),  # a suffix longer than the file is the whole file
        ("BYTES=10-10", 10, 10),
    ],
)
def test_single_range_is_206(client, agent, recorded_call, header, start, end):
    client.force_login(agent)
    response = client.get(url(recorded_call), headers={"Range": header})
    assert response.status_code == 206
    assert body(response) == AUDIO[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "audio/wav"
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
def test_unsatisfiable_range_is_416(client, agent, recorded_call, header):
    client.force_login(agent)
    response = client.get(url(recorded_call), headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response.content == b""


HUGE = "9" * 5000  # int() refuses strings of more than 4,300 digits


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-1,5-6",
        "bytes=abc",
        "items=0-10",
        "bytes=50-10",
        "bytes=-",
        "",
        f"bytes={HUGE}-",
        f"bytes=0-{HUGE}",
        f"bytes=-{HUGE}",
        f"bytes={'1' * 19}-",
    ],
)
def test_range_we_do_not_serve_sends_the_whole_file(client, agent, recorded_call, header):
    client.force_login(agent)
    response = client.get(url(recorded_call), headers={"Range": header})
    assert response.status_code == 200
    assert body(response) == AUDIO
    assert not response.has_header("Content-Range")


def test_head_gives_the_headers_without_a_body(client, agent, recorded_call):
    client.force_login(agent)
    response = client.head(url(recorded_call))
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(SIZE)
    assert response["Content-Type"] == "audio/wav"
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_head_with_a_range(client, agent, recorded_call):
    client.force_login(agent)
    response = client.head(url(recorded_call), headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.content == b""
    assert response["Content-Range"] == f"bytes 10-19/{SIZE}"
    assert response["Content-Length"] == "10"


def test_head_for_another_teams_call_is_404(client, other_agent, recorded_call):
    client.force_login(other_agent)
    assert client.head(url(recorded_call)).status_code == 404


def test_large_file_is_streamed_in_chunks(client, agent, call):
    data = bytes(range(256)) * 1024  # 256 KiB: several chunks
    call.recording_file.save("long.mp3", ContentFile(data))
    client.force_login(agent)
    response = client.get(url(call), headers={"Range": "bytes=1000-200000"})
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    assert b"".join(chunks) == data[1000:200001]


def test_empty_file(client, agent, call):
    call.recording_file.save("empty.wav", ContentFile(b""))
    client.force_login(agent)
    assert body(client.get(url(call))) == b""
    assert client.get(url(call), headers={"Range": "bytes=0-"}).status_code == 416


# --- The range parser on its own -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-0", (0, 0)),
        (" bytes=5-9 ", (5, 9)),
        ("bytes=5-", (5, 9)),
        ("bytes=-3", (7, 9)),
        ("bytes=9-100", (9, 9)),
        ("bytes=5-4", None),
        ("bytes=1-2, 4-5", None),
        # a position of more than 18 digits is malformed, and ignored like any other malformed header
        (f"bytes={HUGE}-", None),
        (f"bytes=0-{HUGE}", None),
        ("bytes=0-999999999999999999", (0, 9)),
    ],
)
def test_parse_byte_range(header, expected):
    assert parse_byte_range(header, 10) == expected


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=10-12", "bytes=-0"])
def test_parse_byte_range_unsatisfiable(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_byte_range(header, 10)


# --- Served only here ------------------------------------------------------------------------------------


def test_no_template_or_code_links_a_recording_by_its_file_url():
    """Recordings are heard through calls:recording (or library:recording, which streams through the same
    code after its own check): never by the file's URL or MEDIA_URL, which nothing serves. The call page,
    the evaluation page, library clips and coaching agenda links all use those views."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    sources = [
        *root.glob("templates/**/*.html"),
        *(
            path
            for app in ("calls", "coaching", "scorecards", "qa_center")
            for path in root.glob(f"{app}/**/*.py")
        ),
        *root.glob("static/js/**/*.js"),
    ]
    assert len(sources) > 100
    offending = [
        str(path.relative_to(root))
        for path in sources
        if path.name != "settings.py"
        and any(marker in path.read_text() for marker in ("recording_file.url", "MEDIA_URL", "/media/"))
    ]
    assert offending == []

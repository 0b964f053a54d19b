"""POST /api/v1/calls/{external_id}/recording/: an audio file or a URL, replacing the previous one."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from calls.models import Call
from tests.calls.ingest.helpers import token_client, wav_bytes
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):
    client, _token, _secret = token_client()
    return client


@pytest.fixture
def pbx_call(call):
    call.external_id = "PBX-1"
    call.recording_url = "https://pbx.example.com/old.wav"
    call.save(update_fields=["external_id", "recording_url"])
    return call


URL = "/api/v1/calls/PBX-1/recording/"


def upload(name="call.wav", content=None, content_type="audio/wav"):
    return SimpleUploadedFile(name, wav_bytes() if content is None else content, content_type=content_type)


def test_upload_lands_in_storage_and_replaces_the_url(api, pbx_call):
    data = wav_bytes()
    response = api.post(URL, {"file": upload(content=data)}, format="multipart")
    assert response.status_code == 200, response.json()
    pbx_call.refresh_from_db()
    assert pbx_call.recording_url == ""
    assert pbx_call.recording_file.name.startswith("recordings/")
    assert pbx_call.recording_file.name.endswith(".wav")
    assert default_storage.exists(pbx_call.recording_file.name)
    with default_storage.open(pbx_call.recording_file.name) as stored:
        assert stored.read() == data
    assert response.json()["has_recording_file"] is True
    assert response.json()["recording_url"] == ""


def test_new_upload_deletes_the_old_file_after_commit(api, pbx_call, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL, {"file": upload()}, format="multipart")
    pbx_call.refresh_from_db()
    first = pbx_call.recording_file.name
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL, {"file": upload(name="again.wav")}, format="multipart")
    pbx_call.refresh_from_db()
    assert pbx_call.recording_file.name != first
    assert default_storage.exists(pbx_call.recording_file.name)
    assert not default_storage.exists(first)


def test_url_replaces_the_file(api, pbx_call, django_capture_on_commit_callbacks):
    api.post(URL, {"file": upload()}, format="multipart")
    pbx_call.refresh_from_db()
    old_file = pbx_call.recording_file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, {"url": "https://pbx.example.com/rec/1.mp3"}, format="json")
    assert response.status_code == 200
    pbx_call.refresh_from_db()
    assert pbx_call.recording_url == "https://pbx.example.com/rec/1.mp3"
    assert not pbx_call.recording_file
    assert not default_storage.exists(old_file)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("notes.txt", b"hello", "text/plain"),  # not an audio extension
        ("page.html", b"<html></html>", "text/html"),
        ("call.wav", b"<html>not audio</html>", "audio/wav"),  # audio name, other content
        ("call.mp3", b"just some text", "application/octet-stream"),
        ("call.wav", None, "text/html"),  # audio content declared as a page
    ],
)
def test_wrong_type_is_refused(api, pbx_call, name, content, content_type):
    response = api.post(URL, {"file": upload(name, content, content_type)}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    pbx_call.refresh_from_db()
    assert not pbx_call.recording_file
    assert pbx_call.recording_url == "https://pbx.example.com/old.wav"
    assert not default_storage.exists("recordings")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.mp3", b"ID3\x04\x00" + b"\x00" * 20),
        ("a.mp3", b"\xff\xfb\x90\x00" + b"\x00" * 20),
        ("a.ogg", b"OggS" + b"\x00" * 20),
        ("a.opus", b"OggS" + b"\x00" * 20),
        ("a.m4a", b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 20),
        ("a.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 20),
    ],
)
def test_each_audio_format_is_accepted(api, pbx_call, name, content):
    # curl sends application/octet-stream for these: the content is what is checked
    response = api.post(URL, {"file": upload(name, content, "application/octet-stream")}, format="multipart")
    assert response.status_code == 200, response.json()


def test_size_limit(api, pbx_call, settings):
    settings.QA_RECORDING_MAX_MB = 1
    big = wav_bytes(seconds=70)  # 8 kHz × 2 bytes × 70 s ≈ 1.1 MB
    response = api.post(URL, {"file": upload(content=big)}, format="multipart")
    assert response.status_code == 400
    assert "1 MB" in response.json()["file"][0]


def test_neither_file_nor_url(api, pbx_call):
    response = api.post(URL, {}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["url"]


def test_bad_url(api, pbx_call):
    response = api.post(URL, {"url": "javascript:alert(1)"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["url"]


def test_unknown_call_is_404(api, db):
    response = api.post(
        "/api/v1/calls/NOPE/recording/", {"url": "https://x.example.com/a.wav"}, format="json"
    )
    assert response.status_code == 404


def test_only_the_named_call_changes(api, pbx_call):
    other = CallFactory(recording_url="https://pbx.example.com/other.wav")
    api.post(URL, {"url": "https://pbx.example.com/new.wav"}, format="json")
    assert Call.objects.get(pk=other.pk).recording_url == "https://pbx.example.com/other.wav"

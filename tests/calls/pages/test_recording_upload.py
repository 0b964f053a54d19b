"""POST /calls/<pk>/recording/upload/: QA managers and reviewers upload a call's recording on its page.

The file goes through the API's check (calls.services.validate_recording_file: the type from the content, the
size limit), is stored where the API stores it, and is served only by the permission-checked recording view.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calls import services
from tests.calls.ingest.helpers import token_client, wav_bytes

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload_url(call) -> str:
    return reverse("calls:recording_upload", args=[call.pk])


def audio(name="call.wav", content=None, content_type="audio/wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, wav_bytes() if content is None else content, content_type=content_type)


def stored_files() -> list[str]:
    """Every file under the recordings folder of the test's storage."""
    found, folders = [], ["recordings"]
    while folders:
        folder = folders.pop()
        if not default_storage.exists(folder):
            continue
        subfolders, files = default_storage.listdir(folder)
        found += [f"{folder}/{name}" for name in files]
        folders += [f"{folder}/{name}" for name in subfolders]
    return sorted(found)


@pytest.fixture
def recorded_call(call):
    call.recording_file.save("old.wav", ContentFile(wav_bytes(0.2)))
    return call


def field_errors(response) -> list[str]:
    return response.context["upload_form"].errors.get("file", [])


# --- Access ----------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, call):
    response = client.post(upload_url(call), {"file": audio()})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert stored_files() == []


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [("agent", 403), ("lead", 403), ("other_agent", 404), ("other_lead", 404)],
)
def test_agents_and_team_leads_may_not_upload(request, client, recorded_call, user_fixture, status):
    """The agent and lead who see the call: 403; those who may not see it: 404. Nothing changes."""
    before = recorded_call.recording_file.name
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(upload_url(recorded_call), {"file": audio()})
    assert response.status_code == status
    recorded_call.refresh_from_db()
    assert recorded_call.recording_file.name == before
    assert stored_files() == [before]


@pytest.mark.parametrize("user_fixture", ["reviewer", "manager"])
def test_reviewers_and_managers_upload(request, client, call, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(upload_url(call), {"file": audio()})
    assert response.status_code == 302
    assert response["Location"] == call.get_absolute_url()
    call.refresh_from_db()
    assert call.recording_file
    assert "The recording was uploaded." in client.get(response["Location"]).content.decode()


def test_an_unknown_call_is_404(client, manager):
    client.force_login(manager)
    assert (
        client.post(reverse("calls:recording_upload", args=[999_999]), {"file": audio()}).status_code == 404
    )
    assert stored_files() == []


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_only_post(client, manager, call, method):
    client.force_login(manager)
    assert getattr(client, method)(upload_url(call)).status_code == 405


@pytest.mark.parametrize(
    ("user_fixture", "shown"), [("reviewer", True), ("manager", True), ("agent", False), ("lead", False)]
)
def test_the_form_is_on_the_call_page_for_those_who_may_upload(request, client, call, user_fixture, shown):
    client.force_login(request.getfixturevalue(user_fixture))
    html = client.get(call.get_absolute_url()).content.decode()
    assert (upload_url(call) in html) is shown
    assert ('enctype="multipart/form-data"' in html) is shown


# --- The API's check ------------------------------------------------------------------------------------


def test_an_upload_that_claims_mp3_but_is_html_is_refused(client, manager, recorded_call):
    """The required test: a file named .mp3 (and sent as audio/mpeg) whose content is an HTML page."""
    before = recorded_call.recording_file.name
    client.force_login(manager)
    response = client.post(upload_url(recorded_call), {"file": audio("song.mp3", HTML, "audio/mpeg")})
    assert response.status_code == 400
    assert field_errors(response) == ["The file's content is not MP3 audio."]
    html = response.content.decode()
    # Next to the field, on the call page itself.
    form = html[html.index('id="recording-upload"') :]
    assert "The file&#x27;s content is not MP3 audio." in form[: form.index("</form>")]
    assert 'id="recording-player"' in html  # the current recording is still there to play
    recorded_call.refresh_from_db()
    assert recorded_call.recording_file.name == before
    assert stored_files() == [before]


def test_html_sent_as_html_is_refused_by_its_content_type(client, manager, call):
    client.force_login(manager)
    response = client.post(upload_url(call), {"file": audio("song.mp3", HTML, "text/html")})
    assert response.status_code == 400
    assert field_errors(response) == ["The content type text/html is not audio."]
    call.refresh_from_db()
    assert not call.recording_file
    assert stored_files() == []


@pytest.mark.parametrize("name", ["notes.txt", "page.html", "recording"])
def test_other_extensions_are_refused(client, manager, call, name):
    client.force_login(manager)
    response = client.post(upload_url(call), {"file": audio(name, wav_bytes(), "audio/wav")})
    assert response.status_code == 400
    assert field_errors(response) == ["Only audio files are accepted (wav, mp3, ogg, opus, m4a, webm)."]
    assert stored_files() == []


def test_no_file_is_refused_next_to_the_field(client, manager, call):
    client.force_login(manager)
    response = client.post(upload_url(call), {})
    assert response.status_code == 400
    assert field_errors(response) == ["Choose the audio file to upload."]


def test_the_size_limit_is_the_apis(client, manager, call, settings):
    settings.QA_RECORDING_MAX_MB = 1
    limit = 1024 * 1024
    header = wav_bytes()
    too_big = header + b"\x00" * (limit + 1 - len(header))
    client.force_login(manager)
    response = client.post(upload_url(call), {"file": audio(content=too_big)})
    assert response.status_code == 400
    assert field_errors(response) == ["The recording is larger than 1 MB."]
    assert "up to 1 MB" in response.content.decode()  # the help text says the limit before anyone tries
    assert stored_files() == []

    at_the_limit = header + b"\x00" * (limit - len(header))
    assert client.post(upload_url(call), {"file": audio(content=at_the_limit)}).status_code == 302


def test_the_page_and_the_api_use_one_check(client, manager, call, monkeypatch):
    """Not a copy: the page refuses whatever calls.services.validate_recording_file refuses, as the API does."""

    def refuse(file):
        raise ValidationError("Refused by the one check.")

    monkeypatch.setattr(services, "validate_recording_file", refuse)
    client.force_login(manager)
    response = client.post(upload_url(call), {"file": audio()})
    assert field_errors(response) == ["Refused by the one check."]
    api, _token, _secret = token_client()
    refused = api.post(f"/api/v1/calls/{call.external_id}/recording/", {"file": audio()}, format="multipart")
    assert refused.json() == {"file": ["Refused by the one check."]}
    assert stored_files() == []


# --- Stored where the API stores it, served by the permission-checked view -------------------------------


def test_a_real_wav_is_stored_as_the_api_stores_it_and_plays(client, manager, agent, call):
    call.recording_url = "https://pbx.example.com/old.wav"
    call.save(update_fields=["recording_url"])
    data = wav_bytes(0.5)
    client.force_login(manager)
    assert client.post(upload_url(call), {"file": audio("from-the-desk.wav", data)}).status_code == 302
    call.refresh_from_db()
    assert call.recording_url == ""  # the file replaces the external link, as the API's upload does
    assert call.recording_file.name.startswith("recordings/")
    assert call.recording_file.name.endswith(f"/{call.external_id}.wav")
    with default_storage.open(call.recording_file.name) as stored:
        assert stored.read() == data

    # Heard through the permission-checked view only: the agent hears their call, the page links no file URL.
    client.force_login(agent)
    page = client.get(call.get_absolute_url()).content.decode()
    assert reverse("calls:recording", args=[call.pk]) in page
    assert call.recording_file.name not in page
    response = client.get(reverse("calls:recording", args=[call.pk]))
    assert b"".join(response.streaming_content) == data


def test_replacing_a_recording_deletes_the_old_file(
    client, reviewer, recorded_call, django_capture_on_commit_callbacks
):
    old = recorded_call.recording_file.name
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url(recorded_call), {"file": audio("new.wav")})
    assert response.status_code == 302
    recorded_call.refresh_from_db()
    assert recorded_call.recording_file.name != old
    assert stored_files() == [recorded_call.recording_file.name]  # the old one is gone from storage


def test_the_button_says_replace_when_there_is_a_recording(client, manager, recorded_call, call_type, agent):
    from tests.factories import CallFactory

    client.force_login(manager)
    assert "Replace the recording" in client.get(recorded_call.get_absolute_url()).content.decode()
    bare = CallFactory(agent=agent, call_type=call_type)
    assert "Upload a recording" in client.get(bare.get_absolute_url()).content.decode()

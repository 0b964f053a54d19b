"""Streaming a call's recording file with HTTP Range support, so that the browser's player can seek.

The file is read chunk by chunk from storage, never whole into memory. Recordings are private: they are only
ever served through this code, after the caller has checked that the user may see the call.
"""

import re
from pathlib import PurePosixPath

from django.core.files.storage import Storage
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from calls.models import Call

CHUNK_SIZE = 64 * 1024

# Only audio types: a file named *.html must never be served as a page from our origin.
AUDIO_CONTENT_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".flac": "audio/flac",
    ".webm": "audio/webm",
    ".weba": "audio/webm",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"

# One range only; a request for several ranges is answered with the whole file, as RFC 9110 allows.
# At most 18 digits a position (a file of up to an exabyte): a longer one is malformed and ignored like
# any header we do not understand (RFC 9110 §14.2: a server may ignore Range), rather than handed to int(),
# which refuses strings of thousands of digits.
_BYTE_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$", re.IGNORECASE)


class RangeNotSatisfiable(Exception):
    pass


def recording_content_type(name: str) -> str:
    return AUDIO_CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), FALLBACK_CONTENT_TYPE)


def parse_byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte positions asked for, or None to send the whole file.

    Raises RangeNotSatisfiable when the range is well-formed but lies outside the file.
    """
    if not header:
        return None
    match = _BYTE_RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None  # malformed: a server ignores a Range header it does not understand
    first, last = match.groups()
    if not first:
        suffix_length = int(last)
        if suffix_length == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - suffix_length), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # invalid, so ignored like a malformed header
    if start >= size:
        raise RangeNotSatisfiable
    end = min(int(last), size - 1) if last else size - 1
    return start, end


class _FileRange:
    """`length` bytes of an open file from `start`, in chunks. Django calls close() when the response ends."""

    def __init__(self, file, start: int, length: int):
        self.file = file
        self.start = start
        self.length = length

    def __iter__(self):
        self.file.seek(self.start)
        remaining = self.length
        while remaining > 0:
            chunk = self.file.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk

    def close(self):
        self.file.close()


def _set_common_headers(response: HttpResponseBase, name: str) -> None:
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    # Not kept in the browser's cache: agents share PCs on the floor (the range requests of the player still work).
    response["Cache-Control"] = "no-store, private"
    response["Content-Disposition"] = content_disposition_header(False, PurePosixPath(name).name)


def recording_response(request: HttpRequest, call: Call) -> HttpResponseBase:
    """The recording of `call` (whose access the caller has checked): 200, 206 for a range, 416 outside it."""
    name = call.recording_file.name
    if not name:
        raise Http404
    storage: Storage = call.recording_file.storage
    try:
        size = storage.size(name)
    except OSError as exc:
        raise Http404 from exc

    try:
        byte_range = parse_byte_range(request.headers.get("Range"), size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        _set_common_headers(response, name)
        return response

    start, end = byte_range if byte_range is not None else (0, size - 1)
    length = end - start + 1
    if request.method == "HEAD":
        response = HttpResponse(status=206 if byte_range else 200)
    else:
        try:
            file = storage.open(name, "rb")
        except OSError as exc:
            raise Http404 from exc
        response = StreamingHttpResponse(_FileRange(file, start, length), status=206 if byte_range else 200)
    response["Content-Type"] = recording_content_type(name)
    response["Content-Length"] = str(length)
    if byte_range is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    _set_common_headers(response, name)
    return response

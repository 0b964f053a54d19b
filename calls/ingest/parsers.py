"""Reading the ingest API's request bodies so that bad input is a JSON 400, never a 500 or an HTML page.

- A JSON body larger than settings.DATA_UPLOAD_MAX_MEMORY_SIZE is refused after reading at most one byte
  more than the limit (DRF's own parser reads the whole stream, whatever its size).
- A body nested deeper than MAX_JSON_DEPTH is refused: no call payload is deeper than a batch (a list of
  objects), and Python's parser raises RecursionError, not ValueError, on a few thousand brackets.
- What Django refuses while reading a request (SuspiciousOperation: too big, too many fields) is answered
  as a JSON 400 by `ingest_exception_handler`.
"""

import codecs

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.utils import json
from rest_framework.views import exception_handler

# A batch is a list of objects whose values are scalars: depth 2. Room to spare, far from RecursionError.
MAX_JSON_DEPTH = 32


def json_depth_exceeds(data, limit: int) -> bool:
    """Is `data` (parsed JSON) nested deeper than `limit`? Iterative, so that no depth can overflow it."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _too_big() -> exceptions.ParseError:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return exceptions.ParseError(
        _("The request body is larger than %(limit)s bytes.") % {"limit": f"{limit:,}"}
    )


class IngestJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise _too_big()
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = codecs.decode(body, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            data = None
            too_deep = True
        except ValueError as exc:  # includes UnicodeDecodeError and JSONDecodeError
            raise exceptions.ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        else:
            too_deep = json_depth_exceeds(data, MAX_JSON_DEPTH)
        if too_deep:
            raise exceptions.ParseError(
                _("The JSON is nested more than %(depth)s levels deep.") % {"depth": MAX_JSON_DEPTH}
            )
        return data


def ingest_exception_handler(exc, context):
    """DRF's handler, with what Django refuses while reading the request answered as a JSON 400 too."""
    if isinstance(exc, RequestDataTooBig):
        exc = _too_big()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(str(exc) or _("The request could not be read."))
    return exception_handler(exc, context)

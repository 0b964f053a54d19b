"""Reasons told to a user, stored as a code and its parameters and written in the reader's language when read.

The pattern of notifications (qa_center.people.notifications: an event code and its parameters, its words
written each time it is read). What the import stores for later readers, a refused row's reason and a job's
message, is read by QA managers in their own language, not the uploader's: so it is stored as a code with
its parameters, and rendered when the page (or the CSV of refused rows) is read, in the reader's language.

- A message is declared once, by the feature that says it, with `declare(code, template)`: the template is
  the translatable text (gettext_lazy, `%s` or `%(name)s` placeholders) or a function of the parameters.
  Calling what `declare` returns with the parameters gives a `Reason`.
- A `Reason` is a str: its text in the language active when it was made, so it goes wherever a message
  went before (an API error, a ValidationError, a test comparing text). It also carries its code, its
  parameters and the file's column it is about ("NPS: …"), which `as_json` stores and `render` reads back.
- Parameters are the file's own values, numbers and codes, never words in a language. A word that needs
  translating is a Reason itself (a field's label, "direction"): parameters may nest reasons.
- A text that has no code (an exception's own message) becomes a Reason with `plain`: shown as written.
- `render` of a stored reason whose code is no longer declared, or whose parameters do not fit its
  template, gives the text stored beside it when it was written (old rows keep showing their text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.functional import Promise

Template = Promise | str | Callable[[Any], str]

_TEMPLATES: dict[str, Template] = {}
_PLAIN = ""  # the code of a text as written
_JOINED = "@joined"  # the code of several reasons shown together


class Reason(str):
    """A message: its text (in the language active when made), code, parameters and column."""

    code: str
    params: Any
    column: str

    def __new__(cls, code: str, params: Any = None, column: str = ""):
        reason = super().__new__(cls, _text(code, params, column))
        reason.code, reason.params, reason.column = code, params, column
        return reason

    def about(self, column: str) -> Reason:
        """The same reason, about the file's column `column` (shown "column: reason")."""
        return Reason(self.code, self.params, column)

    def as_json(self) -> dict:
        data: dict[str, Any] = {"code": self.code, "params": _params_json(self.params)}
        if self.column:
            data["column"] = self.column
        return data

    @classmethod
    def from_json(cls, data: dict) -> Reason:
        return cls(data["code"], _params_from_json(data.get("params")), data.get("column", ""))

    def __reduce__(self):  # pickled (Celery, caches) as its code and parameters
        return (Reason, (self.code, self.params, self.column))


def declare(code: str, template: Template) -> Callable[..., Reason]:
    """Declare a message (once, where its feature says it); returns its maker: `maker(*values)` for a
    template with `%s`, `maker(name=value, …)` for one with `%(name)s`, `maker()` for none."""
    _TEMPLATES[code] = template

    def make(*args: Any, **kwargs: Any) -> Reason:
        return Reason(code, list(args) if args else (kwargs or None))

    return make


def plain(text: str) -> Reason:
    """A text without a code, shown as written."""
    return text if isinstance(text, Reason) else Reason(_PLAIN, [str(text)])


def as_reason(message: Any) -> Reason:
    return message if isinstance(message, Reason) else plain(str(message))


def joined(reasons: Iterable[Any], separator: str = "; ") -> Reason:
    """Several reasons shown together (a row refused for two columns): one reason, one stored value."""
    parts = [as_reason(reason) for reason in reasons]
    if len(parts) == 1:
        return parts[0]
    return Reason(_JOINED, {"separator": separator, "parts": parts})


def render(data: dict | None, fallback: str = "") -> str:
    """A stored reason (`Reason.as_json`) in the active language; `fallback` (the text written when it was
    stored) when there is none, its code is unknown, or its parameters do not fit."""
    if not data:
        return fallback
    try:
        return str(Reason.from_json(data))
    except (KeyError, TypeError, ValueError):
        return fallback


def _text(code: str, params: Any, column: str) -> str:
    if code == _PLAIN:
        text = str(params[0])
    elif code == _JOINED:
        text = params["separator"].join(str(part) for part in params["parts"])
    else:
        template = _TEMPLATES[code]  # KeyError: a code no longer declared (`render` falls back)
        if callable(template) and not isinstance(template, Promise):
            text = template(params)
        elif params is None:
            text = str(template)
        else:
            text = str(template) % (tuple(params) if isinstance(params, list) else params)
    return f"{column}: {text}" if column else text


def _params_json(params: Any) -> Any:
    if isinstance(params, Reason):
        return {"@reason": params.as_json()}
    if isinstance(params, dict):
        return {key: _params_json(value) for key, value in params.items()}
    if isinstance(params, list | tuple):
        return [_params_json(value) for value in params]
    return params


def _params_from_json(params: Any) -> Any:
    if isinstance(params, dict):
        if set(params) == {"@reason"}:
            return Reason.from_json(params["@reason"])
        return {key: _params_from_json(value) for key, value in params.items()}
    if isinstance(params, list):
        return [_params_from_json(value) for value in params]
    return params

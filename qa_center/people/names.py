"""A person's name as one sortable value, and the tables that keep a copy of it.

A list of a million evaluations sorted by the agent's or the reviewer's name cannot be served by an index on
another table: the database sorts every matching row (0.3-1 s at a million calls). The evaluations keep their
people's names as one column each (the key below), indexed with the list's tie-break, so that sort goes by keyset
like the date and the score. Names change rarely (in the admin); when they do, every table registered here
refreshes its copies (people sit below the apps that copy them, hence the registry).
"""

from collections.abc import Callable, Collection

from django.db.models import CharField, F, Value
from django.db.models.functions import Concat

# Below every printable character: "Ann" + "Lee" sorts before "Anna" + "Bell", as the three columns would.
SEPARATOR = "\x1f"
# first_name, last_name and username (150 each) and two separators.
MAX_LENGTH = 452

__all__ = ["MAX_LENGTH", "names_changed", "register_name_copy", "sort_key", "sort_key_expression"]

_copies: list[Callable[[Collection[int]], None]] = []


def sort_key(first_name: str, last_name: str, username: str) -> str:
    return SEPARATOR.join((first_name, last_name, username))


def sort_key_expression(prefix: str = "") -> Concat:
    """sort_key in SQL, of the person at `prefix` ("" for the user table itself)."""
    return Concat(
        F(f"{prefix}first_name"),
        Value(SEPARATOR),
        F(f"{prefix}last_name"),
        Value(SEPARATOR),
        F(f"{prefix}username"),
        output_field=CharField(),
    )


def register_name_copy(refresh: Callable[[Collection[int]], None]) -> None:
    """`refresh(user_ids)` rewrites the copies of those people's names (called after a rename)."""
    if refresh not in _copies:
        _copies.append(refresh)


def names_changed(user_ids: Collection[int]) -> None:
    for refresh in _copies:
        refresh(user_ids)

"""Pagination and counting for every list page that may grow to millions of rows.

- Counts stop being exact past a cap: "10,000+" costs a bounded index scan, an exact count of a million rows
  does not. Count the list's *filtered* queryset, never the one annotated for display: an annotation's join
  (a survey, an escalation) is work the count does not need.
- Keyset ("seek") pagination: the next page is the rows after the last one shown, in the list's order, found
  through the index that serves that order; page 2,000 costs what page 2 costs. The order must be total (its
  last field unique, e.g. the id) and go one way, so that the index (scanned forward or backward) serves both
  "after" and "before". Links carry the boundary row's key (`after=` / `before=`) and the page number (shown
  only). A plain `?page=N` still works, by OFFSET: what a bookmark or a typed number asks for.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext

COUNT_CAP = 10_000
# A page number past this is not a page anyone reads: it is refused back to the first page.
MAX_PAGE_NUMBER = 1_000_000
CURSOR_SEPARATOR = "~"


@dataclass(frozen=True)
class CappedCount:
    """How many rows match, exactly up to the cap; past it, the cap and `capped`."""

    value: int
    capped: bool

    def __str__(self) -> str:
        shown = number_format(self.value, force_grouping=True)
        return gettext("%(count)s+") % {"count": shown} if self.capped else shown


def capped_count(queryset: QuerySet, *, cap: int = COUNT_CAP) -> CappedCount:
    """COUNT over at most cap + 1 rows: `SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1)`."""
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return CappedCount(value=min(counted, cap), capped=counted > cap)


@dataclass(frozen=True)
class KeysetOrder:
    """A total order that goes one way: `fields` are model attributes, the last one unique (the tie-break)."""

    fields: tuple[str, ...]
    descending: bool

    def order_by(self, *, reverse: bool = False) -> list[str]:
        descending = self.descending != reverse
        return [f"-{name}" if descending else name for name in self.fields]

    def key_of(self, row) -> str:
        return CURSOR_SEPARATOR.join(_to_text(getattr(row, name)) for name in self.fields)

    def parse(self, model, cursor: str) -> tuple | None:
        """The key values of a cursor, or None when it is not one of ours (a tampered or stale link)."""
        parts = cursor.split(CURSOR_SEPARATOR)
        if len(parts) != len(self.fields):
            return None
        try:
            values = tuple(
                model._meta.get_field(name).to_python(part)
                for name, part in zip(self.fields, parts, strict=True)
            )
        except (ValidationError, ValueError, TypeError, OverflowError):
            return None
        return None if any(value is None for value in values) else values

    def beyond(self, values: tuple, *, reverse: bool = False) -> Q:
        """Rows after `values` in this order (before them with `reverse`).

        Written as `first <= v AND (first < v OR (first = v AND ...))`: the leading range is one an index on
        the order's fields serves; the rest only sorts out the ties at the boundary."""
        going_down = self.descending != reverse
        strict, loose = ("lt", "lte") if going_down else ("gt", "gte")

        def strictly(names, vals) -> Q:
            name, value = names[0], vals[0]
            condition = Q(**{f"{name}__{strict}": value})
            if len(names) > 1:
                condition |= Q(**{name: value}) & strictly(names[1:], vals[1:])
            return condition

        return Q(**{f"{self.fields[0]}__{loose}": values[0]}) & strictly(self.fields, values)


def _to_text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _query_string(params, changes: dict[str, Any]) -> str:
    """`params` (the request's QueryDict) with `changes` applied (None removes a key), as "?a=1&b=2"."""
    query = params.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return f"?{query.urlencode()}"


@dataclass
class ListPage:
    """One page of a list, with the query-string changes its links need (they keep every other parameter)."""

    rows: list
    number: int
    count: CappedCount
    per_page: int
    has_previous: bool
    has_next: bool
    params: Any = None  # the request's QueryDict
    previous_params: dict[str, Any] = field(default_factory=dict)
    next_params: dict[str, Any] = field(default_factory=dict)
    # _pagination.html tells these pages from Django's Page by this flag.
    links_by_query = True

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def object_list(self) -> list:
        return self.rows

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def num_pages(self) -> int:
        """Pages that the count covers (a lower bound when the count is capped)."""
        return max(1, math.ceil(self.count.value / self.per_page))

    @property
    def first_params(self) -> dict[str, Any]:
        return {"page": None, "after": None, "before": None}

    @property
    def first_query(self) -> str:
        return _query_string(self.params, self.first_params)

    @property
    def previous_query(self) -> str:
        return _query_string(self.params, self.previous_params)

    @property
    def next_query(self) -> str:
        return _query_string(self.params, self.next_params)


def _page_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_PAGE_NUMBER else 1


# From this OFFSET on, a page chosen by its number finds its rows' ids first (a narrow scan of the order's
# index, joined to nothing the order does not need), then reads those rows: PostgreSQL's OFFSET would otherwise
# build, and throw away, every skipped row with its joins (552 ms of SQL for page 2,000 of a million calls).
DEFERRED_FROM = 1_000


def _window(rows: QuerySet, offset: int, size: int) -> list:
    """rows[offset : offset + size], as a list."""
    if offset < DEFERRED_FROM:
        return list(rows[offset : offset + size])
    ids = list(rows.values_list("pk", flat=True)[offset : offset + size])
    found = {row.pk: row for row in rows.order_by().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]  # a row deleted in between is left out


def paginate(
    rows: QuerySet | Callable[[CappedCount], QuerySet],
    *,
    counted: QuerySet,
    params,
    per_page: int,
    order: KeysetOrder | None = None,
    cap: int = COUNT_CAP,
) -> ListPage:
    """The page of `rows` that the query string `params` asks for, with the capped count of `counted`.

    With an `order`, links go by keyset (`after=` / `before=`); without one (a sort no index serves both ways),
    by OFFSET. `rows` must already be ordered by `order.order_by()` when one is given; it may be a function
    of the count, for lists that find a few rows and many rows in different ways."""
    count = capped_count(counted, cap=cap)
    if callable(rows):
        rows = rows(count)
    number = _page_number(params.get("page"))
    after = order.parse(rows.model, params["after"]) if order and params.get("after") else None
    before = order.parse(rows.model, params["before"]) if order and params.get("before") else None

    if after is not None:
        fetched = list(rows.filter(order.beyond(after))[: per_page + 1])
        page_rows, has_next, has_previous = fetched[:per_page], len(fetched) > per_page, True
    elif before is not None:
        reverse = rows.filter(order.beyond(before, reverse=True)).order_by(*order.order_by(reverse=True))
        fetched = list(reverse[: per_page + 1])
        page_rows, has_previous, has_next = fetched[:per_page][::-1], len(fetched) > per_page, True
        if not has_previous:
            number = 1  # rows were added or removed since the link was made: this is the first page now
    else:
        if not count.capped:
            number = min(number, max(1, math.ceil(count.value / per_page)))
        offset = (number - 1) * per_page
        fetched = _window(rows, offset, per_page + 1)
        page_rows, has_next, has_previous = fetched[:per_page], len(fetched) > per_page, number > 1

    page = ListPage(
        rows=page_rows,
        number=number,
        count=count,
        per_page=per_page,
        has_previous=has_previous,
        has_next=has_next,
        params=params,
    )
    if order is not None and page_rows:
        page.next_params = {"after": order.key_of(page_rows[-1]), "before": None, "page": number + 1}
        page.previous_params = (
            page.first_params
            if number <= 2
            else {"before": order.key_of(page_rows[0]), "after": None, "page": number - 1}
        )
    else:
        page.next_params = {"page": number + 1, "after": None, "before": None}
        page.previous_params = (
            page.first_params if number <= 2 else {"page": number - 1, "after": None, "before": None}
        )
    return page

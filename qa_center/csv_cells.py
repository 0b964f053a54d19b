"""CSV files the app writes are safe to open in a spreadsheet (issue 7, part 11): the one way to write one.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and some also after a leading
tab or carriage return), so a call's transcript or a refused row saying `=HYPERLINK("http://…")` would run on
the QA manager's machine. As OWASP recommends ("CSV Injection"), such a text cell is written with a single
quote in front: the spreadsheet shows the text as it was, and the quote tells a reader it was added.

Decisions:
- Every text cell that starts with one of these characters is prefixed, also one that reads as a negative
  number such as "-5": telling a harmless "-5" from "-5+cmd|…" takes a formula parser, and a refused row's
  cell is the user's own text, which they get back visibly unchanged but for the quote.
- Numbers the app itself writes (int, float, Decimal: counts, scores, KPI values) are not text and are
  written as they are: a spreadsheet reads "-5" from a number as the number −5, which runs nothing.
- Use `writer()` (or `safe_cell()` for a single value) wherever a CSV is written for download; csv.writer is
  used directly only where the text is not an export (calls.imports.reading rebuilding a file's own row for
  the report, whose download then passes it through here as one cell). tests/test_csv_cells.py checks that.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet may open it: a text starting like a formula gets a leading single quote."""
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


class SafeWriter:
    """csv.writer's interface (writerow, writerows), with every cell passed through safe_cell."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs) -> SafeWriter:
    """Like csv.writer(file, **kwargs), for a CSV a user will download and may open in a spreadsheet."""
    return SafeWriter(file, **kwargs)

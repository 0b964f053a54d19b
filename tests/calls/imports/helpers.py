"""Helpers for the import tests: build messy files and run the import on them."""

import io
from datetime import datetime

from calls.imports.jobs import ImportResult, import_calls_from_file
from calls.models import Call

# The columns most tests map: our own field names as headers (the "Generic CSV" preset's convention).
BASIC_COLUMNS = {
    "external_id": "external_id",
    "started_at": "started_at",
    "agent": "agent",
    "call_type": "call_type",
    "talk_seconds": "talk_seconds",
    "answered": "answered",
}
BASIC_HEADER = list(BASIC_COLUMNS.values())


def make_csv(
    header: list[str],
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    newline: str = "\n",
) -> bytes:
    """A CSV file as exports write it; cells are written as given (quote them yourself when needed)."""
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    text = newline.join(lines) + newline
    return (("\ufeff" if bom else "") + text).encode()


def run_import(data: bytes, columns: dict[str, str] | None = None, **kwargs) -> ImportResult:
    kwargs.setdefault("file_name", "calls.csv")
    return import_calls_from_file(data=data, columns=columns or BASIC_COLUMNS, **kwargs)


def basic_row(
    external_id="C1",
    started_at="2024-03-05 14:30:00",
    agent="A100",
    call_type="inbound-support",
    talk="300",
    answered="Y",
) -> list[str]:
    return [external_id, started_at, agent, call_type, talk, answered]


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Calls"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def call(external_id: str) -> Call:
    return Call.objects.select_related("agent", "team", "call_type").get(external_id=external_id)


def utc(*args) -> datetime:
    from datetime import UTC

    return datetime(*args, tzinfo=UTC)

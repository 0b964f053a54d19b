"""qa_center.csv_cells: CSV cells that a spreadsheet would run as formulas are neutralised, through one helper."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from qa_center import csv_cells
from qa_center.csv_cells import safe_cell

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGES = ("qa_center", "calls", "scorecards", "coaching")
# Where csv.writer may be used directly, and why (see the helper's docstring).
DIRECT_WRITERS = {
    "qa_center/csv_cells.py": "the helper itself",
    "calls/imports/reading.py": "rebuilds a file's own row as text for the report, not an export",
}


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example","x")',
        "+41 22 555",
        "-5",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_text_cell_starting_like_a_formula_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "C1", "a=b", "5-3", " =1", "'already quoted", "Ünïcode — ok"])
def test_other_text_is_written_as_it_is(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize("value", [-5, 3, -2.5, Decimal("-12.50"), None, True])
def test_numbers_the_app_writes_stay_numbers(value):
    assert safe_cell(value) is value


def test_the_writer_neutralises_every_cell_of_every_row():
    out = io.StringIO()
    writer = csv_cells.writer(out, lineterminator="\n")
    writer.writerow(["=1+1", 4, "ok"])
    writer.writerows([["@x", "-5"], ["+1", -5]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1+1", "4", "ok"],
        ["'@x", "'-5"],
        ["'+1", "-5"],
    ]


def test_every_csv_the_app_writes_goes_through_the_helper():
    """A new export writing with csv.writer directly fails here: use qa_center.csv_cells.writer."""
    direct = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    found = {
        str(path.relative_to(ROOT))
        for package in APP_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if direct.search(path.read_text(encoding="utf-8"))
    }
    assert found <= set(DIRECT_WRITERS), (
        f"write CSV through qa_center.csv_cells: {found - set(DIRECT_WRITERS)}"
    )

"""`manage.py import_calls FILE --mapping NAME`."""

import pytest
from django.core.management import CommandError, call_command

from calls.models import Call, ImportMapping
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, call, make_csv, utc

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_calls", *args, stdout=out)
    return out.getvalue()


def test_import_with_a_saved_mapping_prints_counts_and_refused_rows(jdoe, tmp_path):
    ImportMapping.objects.create(name="Our PBX", columns=BASIC_COLUMNS)
    path = tmp_path / "calls.csv"
    path.write_bytes(
        make_csv(BASIC_HEADER, [basic_row("C1"), basic_row("C2", agent="ghost"), basic_row("C3")])
    )
    output = run(str(path), "--mapping", "our pbx")
    assert "calls.csv: 3 rows, 2 created, 0 updated, 0 unchanged, 1 refused." in output
    assert "line 3: agent: unknown agent “ghost”" in output
    assert Call.objects.count() == 2

    output = run(str(path), "--mapping", "Our PBX")
    assert "2 created" not in output and "0 created, 0 updated, 2 unchanged, 1 refused" in output
    assert Call.objects.count() == 2


def test_import_with_a_preset_and_its_date_format(jdoe, call_type, tmp_path):
    header = ["CALL ID", "TIMESTAMP", "AGENT", "CAMPAIGN", "TALK TIME", "ABANDONED", "SERVICE LEVEL"]
    rows = [["300001", "03/25/2024 14:30:00", "jdoe", "Inbound support", "0:04:10", "0", "93.5%"]]
    path = tmp_path / "five9.csv"
    path.write_bytes(make_csv(header, rows))
    output = run(str(path), "--mapping", "five9")
    assert "1 created" in output
    assert "Columns of the mapping not found in the file" in output  # e.g. SKILL, HOLD TIME
    imported = call("300001")
    assert imported.started_at == utc(2024, 3, 25, 14, 30)
    assert (imported.talk_seconds, imported.answered, imported.agent) == (250, True, jdoe)


def test_date_format_option_overrides_the_mapping(jdoe, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(make_csv(BASIC_HEADER, [basic_row(started_at="03/05/2024 10:00")]))
    run(str(path), "--mapping", "generic", "--date-format", "%m/%d/%Y %H:%M")
    assert call("C1").started_at == utc(2024, 3, 5, 10)


def test_refused_file_is_a_command_error_and_writes_nothing(jdoe, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4 not a table")
    with pytest.raises(CommandError, match="report.pdf was refused, nothing was imported: This is a PDF"):
        run(str(path), "--mapping", "generic")
    assert not Call.objects.exists()


def test_unknown_mapping_and_missing_file(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(CommandError, match="No saved mapping or preset is named “nope”"):
        run(str(path), "--mapping", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"), "--mapping", "generic")

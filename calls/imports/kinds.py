"""The kinds of import (ImportJob.kind): calls, and survey answers from a survey tool's export.

Both go through the same pages and the same job (upload → map → progress, refused rows with their line):
what differs is the fields a column can feed and their synonyms (a FieldSet, read by the one
`mapping.suggest_columns`), the whole-mapping rules, the sentence for a file that is not of the kind,
and the writer (calls.imports.writer for calls, calls.surveys.importing for survey answers; the job's
runner, calls.imports.jobs, picks it by kind).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from calls.imports.mapping import CALL_FIELD_SET, FieldSet, call_list_problem, validate_columns
from calls.models import ImportKind
from calls.surveys.importing import SURVEY_FIELD_SET, survey_file_problem, validate_survey_columns


@dataclass(frozen=True)
class Kind:
    key: str  # an ImportKind value
    field_set: FieldSet
    validate: Callable[..., None]  # validate(columns=…): FileRefused with the reason
    file_problem: Callable[..., str]  # file_problem(suggested=…): "" when the file looks of this kind


KINDS: dict[str, Kind] = {
    ImportKind.CALLS: Kind(ImportKind.CALLS, CALL_FIELD_SET, validate_columns, call_list_problem),
    ImportKind.SURVEYS: Kind(
        ImportKind.SURVEYS, SURVEY_FIELD_SET, validate_survey_columns, survey_file_problem
    ),
}


def kind_of(key: str) -> Kind:
    return KINDS.get(key) or KINDS[ImportKind.CALLS]


def labelled(columns: dict[str, str], kind: str) -> list[tuple[str, str]]:
    """(field label, column header) pairs in the order of the kind's fields, for display."""
    return [(f.label, columns[f.name]) for f in kind_of(kind).field_set.fields if columns.get(f.name)]

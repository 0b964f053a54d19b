"""Forms of the import pages: the upload, and the column mapping built from the file's own headers."""

import re
from datetime import datetime

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from calls.imports.agents import CREATE, LEAVE, MAP, TEAM_NAME_MAX, USERNAME_MAX, AgentChoice, TeamChoice
from calls.imports.kinds import kind_of
from calls.imports.mapping import START_TIME_OF_DAY, start_without_time_of_day
from calls.imports.presets import find_preset, presets_of
from calls.imports.reading import FileRefused, LimitExceeded, check_upload
from calls.models import ImportKind, ImportMapping

_TIME_DIRECTIVE = re.compile(r"%[HIMSpf]")


def max_upload_bytes() -> int:
    return int(settings.QA_IMPORT_MAX_UPLOAD_MB * 1024 * 1024)


def mapping_reference_choices(kind: str = ImportKind.CALLS) -> list:
    """Presets and saved mappings of `kind` as grouped choices: "preset:<key>" or "mapping:<pk>"."""
    presets = [(f"preset:{preset.key}", preset.name) for preset in presets_of(kind)]
    saved = [
        (f"mapping:{pk}", name)
        for pk, name in ImportMapping.objects.filter(kind=kind).values_list("pk", "name")
    ]
    choices: list = [("", _("Match columns by their header names"))]
    choices.append((_("Presets"), presets))
    if saved:
        choices.append((_("Saved mappings"), saved))
    return choices


class UploadForm(forms.Form):
    # Empty files are accepted here so that they are refused like every other unusable file, on the job page.
    file = forms.FileField(
        label=_("Export file"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,text/csv"}),
        help_text=_(
            "CSV (comma or semicolon separated, UTF-8) or Excel (.xlsx) export of your phone system."
        ),
    )
    using = forms.ChoiceField(
        label=_("Column mapping"),
        required=False,
        help_text=_("Pre-fills the next step, where you can check and change every column."),
    )

    def __init__(self, *args, kind: str = ImportKind.CALLS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["using"].choices = mapping_reference_choices(kind)
        if kind == ImportKind.SURVEYS:
            self.fields["file"].help_text = _(
                "CSV (comma or semicolon separated, UTF-8) or Excel (.xlsx) export of your survey tool: one "
                "row per answer."
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _(
                    "This file is %(size)s; files up to %(limit)s can be imported. "
                    "Split the export by period."
                ),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_upload_bytes())},
            )
        # Files beyond what can be read safely (an .xlsx zip bomb, thousands of columns) are refused here,
        # before a job is created; other unusable files are refused on the job page.
        data = upload.read()
        upload.seek(0)
        try:
            check_upload(data=data, file_name=upload.name)
        except LimitExceeded as exc:
            raise forms.ValidationError(str(exc), code="beyond_limits") from exc
        return upload


class ColumnMappingForm(forms.Form):
    """One choice per field of the import's kind (calls.imports.kinds: call fields, or survey answer fields)
    among the file's headers, plus the date format and an optional name. A survey mapping is checked by
    the survey import's own rules (calls.surveys.importing.validate_survey_columns).

    Required fields are checked here, not by the browser, so that a file that is not a call list gets a
    sentence saying so rather than a "please select an item" bubble."""

    use_required_attribute = False

    date_format = forms.CharField(
        label=_("Date format"),
        required=False,
        max_length=ImportMapping._meta.get_field("date_format").max_length,
        help_text=_(
            "Leave empty for ISO 8601 and day-first dates (05/03/2024 14:30). "
            "For US dates enter %m/%d/%Y %H:%M:%S."
        ),
    )
    start_without_time = forms.BooleanField(
        label=_("Import anyway: every call starts at midnight of its date"),
        required=False,
    )
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=ImportMapping._meta.get_field("name").max_length,
        help_text=_(
            "Optional: a name to reuse it for the next export (an existing mapping of that name is updated)."
        ),
    )
    using = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args, headers: list[str], rows: list[list[str]] = (), kind: str = ImportKind.CALLS, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.headers, self.rows = headers, list(rows)
        self.kind = kind_of(kind)
        self.is_calls = self.kind.key == ImportKind.CALLS
        self.import_fields = self.kind.field_set.fields
        if not self.is_calls:
            del self.fields["start_without_time"]
        options = [("", _("— not imported —"))]
        seen = set()
        for header in headers:
            if header and header not in seen:
                options.append((header, header))
                seen.add(header)
        field_choices = {}
        for import_field in self.import_fields:
            field_choices[import_field.name] = forms.ChoiceField(
                label=capfirst(import_field.label),
                required=import_field.required,
                choices=options,
                help_text=import_field.help_text,
                error_messages={
                    "required": _("Choose the column that holds each call's %(field)s.")
                    % {"field": import_field.label}
                },
            )
        # The kind's fields first, in their order; then the format, the name and the reference.
        self.fields = {**field_choices, **self.fields}
        # Shown before the import runs, from the pre-filled mapping; the submitted one is checked in clean.
        known = self.kind.field_set.by_name
        initial_columns = {name: value for name, value in self.initial.items() if name in known and value}
        self.start_warning = "" if self.is_bound else self._start_warning(initial_columns)

    def column_fields(self):
        return [self[import_field.name] for import_field in self.import_fields]

    def clean_date_format(self):
        date_format = self.cleaned_data["date_format"].strip()
        if not date_format:
            return ""
        sample = datetime(2024, 3, 25, 14, 30, 15)  # only checks that the format round-trips
        try:
            datetime.strptime(sample.strftime(date_format), date_format)
        except ValueError as exc:
            raise forms.ValidationError(_("This is not a date format (e.g. %d/%m/%Y %H:%M).")) from exc
        if "%" not in date_format:
            raise forms.ValidationError(_("This is not a date format (e.g. %d/%m/%Y %H:%M)."))
        return date_format

    def clean_save_as(self):
        name = self.cleaned_data["save_as"].strip()
        if name and (
            find_preset(name, kind=None)
            or ImportMapping.objects.filter(name__iexact=name, is_preset=True).exists()
        ):
            raise forms.ValidationError(_("This is the name of a preset; choose another name."))
        if name and ImportMapping.objects.filter(name__iexact=name).exclude(kind=self.kind.key).exists():
            raise forms.ValidationError(
                _("A mapping of the other kind of import has this name; choose another name.")
            )
        return name

    def clean(self):
        cleaned = super().clean()
        if not self.is_calls:
            if not self.errors:
                try:
                    self.kind.validate(columns=self.columns())
                except FileRefused as exc:
                    self.add_error(None, str(exc))
            return cleaned
        missing = [
            f
            for f in self.import_fields
            if f.required and f.name in self.errors and not self.data.get(f.name)
        ]
        if missing:
            self.add_error(
                None,
                _(
                    "This import takes one row per call, and needs the column of each call's external id "
                    "and start time. Not mapped yet: %(fields)s."
                )
                % {"fields": ", ".join(str(f.label) for f in missing)},
            )
        if cleaned.get("answered") and cleaned.get("abandoned"):
            self.add_error("abandoned", _("Map either “answered” or “abandoned”, not both."))
        time_of_day = cleaned.get(START_TIME_OF_DAY.name)
        if time_of_day and time_of_day == cleaned.get("started_at"):
            self.add_error(
                START_TIME_OF_DAY.name,
                _("The date and the time of day must be two different columns."),
            )
        if time_of_day and cleaned.get("date_format"):
            # The format reads the date column; the joined start gets its time of day on a 24-hour clock
            # (converters.join_date_and_time), whatever the format said of the time.
            date_part = _TIME_DIRECTIVE.split(cleaned["date_format"], maxsplit=1)[0].strip()
            cleaned["date_format"] = f"{date_part} %H:%M:%S" if date_part else ""
        if not self.errors:
            self.start_warning = self._start_warning(self.columns())
            if self.start_warning and not cleaned.get("start_without_time"):
                self.add_error("start_without_time", self.start_warning)
        return cleaned

    def _start_warning(self, columns: dict[str, str]) -> str:
        if not self.is_calls:
            return ""  # an answer dated by its day alone is at midnight, and says nothing per hour
        if not start_without_time_of_day(headers=self.headers, rows=self.rows, columns=columns):
            return ""
        if columns.get(START_TIME_OF_DAY.name):
            return _(
                "The start of these calls has no time of day (“%(column)s” is empty in the first rows): "
                "every call would start at midnight. Check the column mapped to “%(time)s”, or tick the "
                "box to import anyway."
            ) % {"column": columns[START_TIME_OF_DAY.name], "time": capfirst(START_TIME_OF_DAY.label)}
        return _(
            "The start of these calls has no time of day (“%(column)s” holds dates only): every call "
            "would start at midnight, and waits by hour, service level by hour and each call's day seen "
            "from another time zone would be wrong. Map the column with the time of day to “%(time)s”, "
            "or tick the box to import anyway."
        ) % {"column": columns["started_at"], "time": capfirst(START_TIME_OF_DAY.label)}

    def columns(self) -> dict[str, str]:
        return {
            import_field.name: self.cleaned_data[import_field.name]
            for import_field in self.import_fields
            if self.cleaned_data.get(import_field.name)
        }


class AgentStepForm(forms.Form):
    """The import's agent step (calls.imports.agents): per unknown agent value of the file, what to do with
    its rows. Four fields per value, numbered by its place in the list: the choice, the existing agent (an
    agent code or username, picked from a list or typed), and the new agent's username and team. Then one
    choice per unknown team name of the file: create the team, or leave its rows refused."""

    use_required_attribute = False

    def __init__(
        self,
        *args,
        entries: list[dict],
        suggested_usernames: dict[str, str],
        team_entries: list[dict] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.entries, self.team_entries = entries, list(team_entries)
        for position, entry in enumerate(self.team_entries):
            self.fields[f"teamaction-{position}"] = forms.ChoiceField(
                label=_("What to do with the team “%s”") % entry["value"],
                choices=[(CREATE, _("Create this team")), (LEAVE, _("Leave: refuse these rows"))],
                required=False,
                widget=forms.RadioSelect,
            )
        actions = [
            (MAP, _("Map to an existing agent")),
            (CREATE, _("Create a new agent")),
            (LEAVE, _("Leave: refuse these rows")),
        ]
        for position, entry in enumerate(entries):
            self.fields[f"action-{position}"] = forms.ChoiceField(
                label=_("What to do with the rows of “%s”") % entry["value"],
                choices=actions,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"agent-{position}"] = forms.CharField(
                label=_("Agent"), required=False, max_length=USERNAME_MAX
            )
            self.fields[f"username-{position}"] = forms.CharField(
                label=_("Username"),
                required=False,
                max_length=USERNAME_MAX,
                initial=suggested_usernames.get(entry["value"], ""),
            )
            self.fields[f"team-{position}"] = forms.CharField(
                label=_("Team"), required=False, max_length=TEAM_NAME_MAX, initial=entry.get("team", "")
            )

    def rows(self):
        """(entry, choice field, agent field, username field, team field, error) per unknown value."""
        for position, entry in enumerate(self.entries):
            yield {
                "entry": entry,
                "action": self[f"action-{position}"],
                "agent": self[f"agent-{position}"],
                "username": self[f"username-{position}"],
                "team": self[f"team-{position}"],
                "errors": [
                    error
                    for name in ("action", "agent", "username", "team")
                    for error in self.errors.get(f"{name}-{position}", [])
                ],
            }

    def team_rows(self):
        for position, entry in enumerate(self.team_entries):
            name = f"teamaction-{position}"
            yield {"entry": entry, "action": self[name], "errors": self.errors.get(name, [])}

    def team_choices(self) -> list[TeamChoice]:
        return [
            TeamChoice(value=entry["value"], action=self.cleaned_data.get(f"teamaction-{position}") or "")
            for position, entry in enumerate(self.team_entries)
        ]

    def choices(self) -> list[AgentChoice]:
        data = self.cleaned_data
        return [
            AgentChoice(
                value=entry["value"],
                action=data.get(f"action-{position}") or "",
                agent=data.get(f"agent-{position}", "").strip(),
                username=data.get(f"username-{position}", "").strip(),
                team=" ".join(data.get(f"team-{position}", "").split()),
            )
            for position, entry in enumerate(self.entries)
        ]

    def add_row_errors(self, errors: dict[int, str], team_errors: dict[int, str]) -> None:
        for position, message in errors.items():
            self.add_error(f"action-{position}", message)
        for position, message in team_errors.items():
            self.add_error(f"teamaction-{position}", message)

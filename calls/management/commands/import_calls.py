"""`manage.py import_calls FILE --mapping NAME`: import a phone-system export from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from calls.imports.jobs import import_calls_from_file
from calls.imports.presets import find_mapping
from calls.imports.reading import FileRefused


class Command(BaseCommand):
    help = "Import calls from a CSV or .xlsx export, with a saved column mapping or a preset."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or .xlsx file to import.")
        parser.add_argument(
            "--mapping",
            required=True,
            help="Name of a saved import mapping, or of a preset (generic, genesys, five9).",
        )
        parser.add_argument(
            "--date-format", help="strftime format overriding the mapping's, e.g. %%m/%%d/%%Y."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}) from exc
        found = find_mapping(name=options["mapping"])
        if found is None:
            raise CommandError(_("No saved mapping or preset is named “%s”.") % options["mapping"])
        columns, date_format, _mapping = found
        if options["date_format"] is not None:
            date_format = options["date_format"]
        try:
            result = import_calls_from_file(
                data=data, file_name=path.name, columns=columns, date_format=date_format
            )
        except FileRefused as exc:
            raise CommandError(
                _("%(file)s was refused, nothing was imported: %(reason)s")
                % {
                    "file": path.name,
                    "reason": exc,
                }
            ) from exc
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        for error in result.errors:
            self.stdout.write(
                _("line %(line)s: %(reason)s") % {"line": error.line_number, "reason": error.message}
            )
        summary = _(
            "%(file)s: %(rows)s rows, %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(refused)s refused."
        ) % {
            "file": path.name,
            "rows": result.total_rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "refused": result.refused,
        }
        self.stdout.write(self.style.WARNING(summary) if result.refused else self.style.SUCCESS(summary))

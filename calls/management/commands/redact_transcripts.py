"""`manage.py redact_transcripts`: mask the personal data in transcripts stored before redaction on ingest."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from calls.services import redact_stored_transcripts


class Command(BaseCommand):
    help = "Mask card numbers, IBANs, e-mail addresses and phone numbers in the stored transcripts (once)."

    def handle(self, *args, **options):
        changed = redact_stored_transcripts()
        self.stdout.write(
            ngettext("%(count)s transcript masked.", "%(count)s transcripts masked.", changed)
            % {"count": changed}
        )

"""`manage.py compute_kpis --from DATE --to DATE`: recompute the KPI snapshots of those days (and of the
weeks, months and years holding them), with a progress bar."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from qa_center.kpis import computing
from qa_center.kpis.models import KpiComputation

BAR_WIDTH = 30


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("%(value)r is not a date (YYYY-MM-DD).") % {"value": value}) from exc


class Command(BaseCommand):
    help = "Recompute the KPI snapshots of the days from --from to --to (default: today), in the database."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first_day", required=True, help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="last_day", help="Last day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--trigger", default=KpiComputation.Trigger.COMMAND, choices=KpiComputation.Trigger.values
        )

    def handle(self, *args, **options):
        first_day = _day(options["first_day"])
        last_day = _day(options["last_day"]) if options["last_day"] else timezone.localdate()
        if last_day < first_day:
            raise CommandError(_("--to is before --from."))
        computation = computing.record_computation(
            first_day=first_day, last_day=last_day, trigger=options["trigger"]
        )
        computing.run_computation(computation, progress=self._progress)
        computation.refresh_from_db()
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                _("%(snapshots)d snapshots of %(first)s – %(last)s computed in %(seconds).1f s.")
                % {
                    "snapshots": computation.snapshots,
                    "first": first_day,
                    "last": last_day,
                    "seconds": computation.duration.total_seconds(),
                }
            )
        )

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total
        self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
        self.stdout.flush()

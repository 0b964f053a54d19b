"""`manage.py seed_demo`: load the demo call center and its QA activity (idempotent; refuses on production
settings). The steps are qa_center/demo/seed.py's STEPS; this command reads the options and prints the summary."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qa_center.demo.people import DEMO_LOGINS, DEMO_PASSWORD
from qa_center.demo.seed import (
    DEFAULT_CALLS,
    DEFAULT_DAYS,
    DEFAULT_SEED,
    DemoDataRefused,
    DemoRequest,
    seed_demo,
)


class Command(BaseCommand):
    help = (
        "Load a realistic demo call center: teams, people (password 'demo'), call types, calls with surveys, "
        "escalations and a few playable recordings; then its scorecards, reviewers' queues, evaluations, "
        "disputes and calibration sessions. Running it again adds nothing already there. "
        "Refuses when DEBUG is off unless --allow-production is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--calls", type=int, default=DEFAULT_CALLS, help="How many calls (default %(default)s)."
        )
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="Over how many days up to now.")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same data)."
        )
        parser.add_argument("--no-recordings", action="store_true", help="Skip the synthesized recordings.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo data even though DEBUG is off (never on a real production database).",
        )

    def handle(self, *args, **options):
        if options["calls"] < 0 or options["days"] < 1:
            raise CommandError(_("--calls must be 0 or more and --days 1 or more."))
        try:
            summary = seed_demo(
                DemoRequest(
                    calls=options["calls"],
                    days=options["days"],
                    seed=options["seed"],
                    recordings=not options["no_recordings"],
                ),
                allow_production=options["allow_production"],
            )
        except DemoDataRefused as exc:
            raise CommandError(str(exc)) from exc

        answer_rate = "–" if summary.answer_rate is None else f"{summary.answer_rate:.1f}%"
        self.stdout.write(
            self.style.SUCCESS(_("Demo data ready in %(seconds).1f s.") % {"seconds": summary.seconds})
        )
        self.stdout.write(
            _(
                "  %(teams)d teams, %(agents)d agents, %(reviewers)d reviewers, %(leads)d team leads, "
                "%(managers)d QA manager(s), %(types)d call types"
            )
            % {
                "teams": summary.teams,
                "agents": summary.agents,
                "reviewers": summary.reviewers,
                "leads": summary.team_leads,
                "managers": summary.qa_managers,
                "types": summary.call_types,
            }
        )
        self.stdout.write(
            _("  %(calls)d calls (%(new)d new), inbound answer rate %(answer_rate)s, %(resolved)d resolved")
            % {
                "calls": summary.calls,
                "new": summary.new_calls,
                "answer_rate": answer_rate,
                "resolved": summary.resolved,
            }
        )
        self.stdout.write(
            _(
                "  %(surveys)d surveys, %(escalations)d escalations, "
                "%(recordings)d recordings (%(new_recordings)d new)"
            )
            % {
                "surveys": summary.surveys,
                "escalations": summary.escalations,
                "recordings": summary.recordings,
                "new_recordings": summary.new_recordings,
            }
        )
        self.write_qa_summary(summary)
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD})
        for usernames, role in DEMO_LOGINS:
            self.stdout.write(f"  {usernames:<32} {role}")

    def write_qa_summary(self, qa):
        self.stdout.write(
            _(
                "  %(scorecards)d scorecards (%(new)d new, %(versions)d versions), %(comments)d comments on "
                "criteria, %(rules)d sampling rules"
            )
            % {
                "scorecards": qa.scorecards,
                "new": qa.new_scorecards,
                "versions": qa.versions,
                "comments": qa.comments,
                "rules": qa.sampling_rules,
            }
        )
        self.stdout.write(
            _(
                "  %(evaluations)d evaluations submitted (%(acknowledged)d acknowledged), %(drafts)d drafts, "
                "%(open)d open and %(resolved)d resolved disputes"
            )
            % {
                "evaluations": qa.evaluations,
                "acknowledged": qa.acknowledged,
                "drafts": qa.drafts,
                "open": qa.open_disputes,
                "resolved": qa.resolved_disputes,
            }
        )
        self.stdout.write(
            _(
                "  %(assignments)d calls in the reviewers' queues, %(sessions)d calibration sessions "
                "(%(closed)d closed), %(unread)d unread notifications"
            )
            % {
                "assignments": qa.open_assignments,
                "sessions": qa.calibration_sessions,
                "closed": qa.closed_calibration_sessions,
                "unread": qa.unread_notifications,
            }
        )
        self.stdout.write(
            _("  %(sessions)d coaching sessions (%(held)d held), %(actions)d open action items")
            % {
                "sessions": qa.coaching_sessions,
                "held": qa.held_coaching_sessions,
                "actions": qa.open_action_items,
            }
        )
        self.stdout.write(
            _(
                "  %(entries)d exemplary calls in the library; nominations waiting: %(pending)d; entries added by this run: %(new)d"
            )
            % {
                "entries": qa.library_entries,
                "new": qa.new_library_entries,
                "pending": qa.pending_nominations,
            }
        )
        if not qa.activity_added:
            self.stdout.write(_("  (the QA activity was already there: none added)"))

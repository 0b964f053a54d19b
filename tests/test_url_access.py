"""The URL access matrix: for every URL pattern the resolver knows, who gets which status for GET and POST.

One rule everywhere (STYLE.md, healthchecks): anonymous people are sent to the login page (the token API answers
401); an object the user may not see is 404, even when their role would be refused too; an object they may see
but not change is 403, and so is a feature their role may never use (whatever the pk: that reveals nothing);
a wrong method is 405. A refused POST writes nothing.

A URL pattern missing from TABLE fails the test, and so does an entry naming a URL that no longer exists: a new
view cannot be forgotten. Entries are keyed by URL name; "name[variant]" checks the same URL on another object.
The objects are built once per module and worker, inside a transaction that each test's own transaction nests
in (a savepoint, rolled back after the test), so the ~1,700 checks cost a request each, not a database each.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cached_property

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from calls.models import ImportJob, ImportMapping, IngestToken, SurveyResponse
from coaching.library import services as library
from coaching.models import ActionItem, AgendaItem, CalendarFeed, CoachingSession, hash_feed_token
from qa_center.kpis.models import EscalationLevel, EscalationRule, SurveyFollowUp
from qa_center.people.models import Notification
from scorecards.disputes import services as disputes
from scorecards.evaluations.services import start_evaluation
from scorecards.models import Assignment, RecordingNote, ScorecardVersion
from scorecards.sampling.services import WEEK, period_containing, run_sampling
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, make_csv
from tests.calls.ingest.helpers import wav_bytes
from tests.factories import (
    AgentFactory,
    CallFactory,
    CallTypeFactory,
    SamplingRuleFactory,
    TeamFactory,
    UserFactory,
    criterion,
    evaluation_of,
    make_published_version,
    make_session,
)
from tests.scorecards.sampling.sampled_week import WEEK_DAY

PEOPLE = ("anonymous", "agent", "other_agent", "reviewer", "lead", "other_lead", "manager", "superuser")
TOKEN = "token"  # an integration with an active ingest token (only for the /api/ URLs)
METHODS = ("GET", "POST")
LOGIN = "login"  # the expected answer "302 to settings.LOGIN_URL"
REFUSED = {401, 403, 404, 405}
# Bookkeeping a request may write without changing anything: its session, a token's "last used" time.
BOOKKEEPING_TABLES = ('"django_session"', '"calls_ingesttoken"')


# --- The objects -------------------------------------------------------------------------------------------


class World:
    """A small call center: two teams with a lead and an agent each, a reviewer, a QA manager, a superuser.

    `agent` (team Blue, led by `lead`) owns every call, evaluation and dispute below; `other_agent` and
    `other_lead` are team Green. Everything else is built on first use."""

    def __init__(self):
        blue, green = TeamFactory(name="Blue"), TeamFactory(name="Green")
        self.users = {
            "agent": AgentFactory(username="agent", team=blue),
            "other_agent": AgentFactory(username="agent2", team=green),
            "reviewer": UserFactory(username="reviewer", is_reviewer=True),
            "lead": UserFactory(username="lead", is_team_lead=True),
            "other_lead": UserFactory(username="otherlead", is_team_lead=True),
            "manager": UserFactory(username="manager", is_qa_manager=True),
            "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
        }
        blue.lead, green.lead = self.users["lead"], self.users["other_lead"]
        blue.save(update_fields=["lead"])
        green.save(update_fields=["lead"])

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def build_all(self) -> "World":
        """Build every object now (the module-wide world must not be built inside a test's savepoint)."""
        for name, value in vars(type(self)).items():
            if isinstance(value, cached_property):
                getattr(self, name)
        return self

    def new_reviewer(self, username):
        return UserFactory(username=username, is_reviewer=True)

    def agents_call(self, **values):
        return CallFactory(agent=self.agent, call_type=self.version.scorecard.call_type, **values)

    # Scorecards: a published version 1 and a draft version 2 of the same scorecard.
    @cached_property
    def version(self) -> ScorecardVersion:
        return make_published_version(CallTypeFactory(name="Inbound support", slug="inbound-support"))

    @cached_property
    def scorecard(self):
        return self.version.scorecard

    @cached_property
    def unpublished_scorecard(self):
        """A scorecard with nothing published yet: the managers' work in progress."""
        call_type = CallTypeFactory(name="Retention", slug="retention")
        return make_published_version(call_type, status=ScorecardVersion.Status.DRAFT).scorecard

    @cached_property
    def draft(self) -> ScorecardVersion:
        return make_published_version(self.version.scorecard.call_type, status=ScorecardVersion.Status.DRAFT)

    def _tone(self, version):
        return criterion(version, "Tone")  # the choice criterion: it has options

    @cached_property
    def criterion(self):
        return self._tone(self.version)

    @cached_property
    def draft_criterion(self):
        return self._tone(self.draft)

    # Calls and evaluations.
    @cached_property
    def call(self):
        call = self.agents_call()
        call.recording_file.save("call.wav", ContentFile(wav_bytes()), save=True)
        return call

    @cached_property
    def evaluation(self):
        """Submitted by `reviewer` on a call of `agent`: the agent may acknowledge or dispute it."""
        return evaluation_of(self.agent, version=self.version, reviewer=self.reviewer)

    @cached_property
    def draft_evaluation(self):
        """`reviewer`'s draft: nobody but its reviewer (and the QA managers, to read) sees it."""
        return start_evaluation(call=self.agents_call(), reviewer=self.reviewer)

    @cached_property
    def note(self):
        return RecordingNote.objects.create(
            evaluation=self.draft_evaluation, at_seconds=Decimal(5), body="Greeting", author=self.reviewer
        )

    @cached_property
    def dispute(self):
        evaluation = evaluation_of(self.agent, version=self.version, reviewer=self.reviewer)
        greeting = criterion(self.version, "Greeting")
        return disputes.open_dispute(evaluation=evaluation, by=self.agent, items=[(greeting, "I greeted.")])

    @cached_property
    def session(self):
        """An open calibration session: `manager` is the reference, `reviewer` takes part."""
        call = self.agents_call()
        return make_session(call, self.manager, [self.reviewer, self.new_reviewer("reviewer2")])

    @cached_property
    def session_without_reviewer(self):
        call = self.agents_call()
        return make_session(
            call, self.manager, [self.new_reviewer("reviewer3"), self.new_reviewer("reviewer4")]
        )

    # The exemplary-call library: `call` approved into it, another recorded call of `agent` nominated by the
    # reviewer and waiting, and a third one to nominate.
    def _recorded_call(self):
        call = self.agents_call()
        call.recording_file.save("call.wav", ContentFile(wav_bytes()), save=True)
        return call

    @cached_property
    def library_entry(self):
        entry = library.nominate(call=self.call, by=self.reviewer, title="A warm welcome")
        return library.approve(entry=entry, by=self.manager)

    @cached_property
    def pending_entry(self):
        return library.nominate(call=self._recorded_call(), by=self.reviewer, title="Waiting")

    @cached_property
    def nominable_call(self):
        return self._recorded_call()

    @cached_property
    def library_clip(self):
        return library.add_clip(
            entry=self.library_entry, start_seconds=Decimal(0), end_seconds=Decimal("0.05"), by=self.manager
        )

    @cached_property
    def internal_clip(self):
        return library.add_clip(
            entry=self.library_entry,
            start_seconds=Decimal(0),
            end_seconds=Decimal("0.05"),
            internal_only=True,
            by=self.manager,
        )

    # Sampling.
    @cached_property
    def assignment(self):
        return Assignment.objects.create(call=self.agents_call(), reviewer=self.reviewer)

    @cached_property
    def others_assignment(self):
        return Assignment.objects.create(call=self.agents_call(), reviewer=self.new_reviewer("reviewer5"))

    @cached_property
    def rule(self):
        return SamplingRuleFactory(call_type=self.version.scorecard.call_type)

    @cached_property
    def run(self):
        return run_sampling(period=period_containing(kind=WEEK, day=WEEK_DAY))

    # Imports and tokens.
    @cached_property
    def import_job(self):
        data = make_csv(BASIC_HEADER, [basic_row("C1")])
        return ImportJob.objects.create(
            file=ContentFile(data, name="calls.csv"), original_name="calls.csv", created_by=self.manager
        )

    @cached_property
    def agents_job(self):
        """An import mapped, waiting for its agent step: the file names an agent nobody is."""
        data = make_csv(BASIC_HEADER, [basic_row("C1", agent="Anna")])
        unknown = {"values": [{"value": "Anna", "rows": 1, "team": ""}], "more_values": 0, "more_rows": 0}
        return ImportJob.objects.create(
            file=ContentFile(data, name="calls.csv"),
            original_name="calls.csv",
            created_by=self.manager,
            columns=BASIC_COLUMNS,
            status=ImportJob.Status.NEEDS_AGENTS,
            unknown_agents=unknown,
        )

    @cached_property
    def call_type(self):
        return CallTypeFactory(name="Complaints", slug="complaints")

    @cached_property
    def mapping(self):
        return ImportMapping.objects.create(name="Our PBX", columns=BASIC_COLUMNS, created_by=self.manager)

    @cached_property
    def token_and_secret(self) -> tuple[IngestToken, str]:
        return IngestToken.issue(name="PBX", scopes=["ingest", "read"], created_by=self.manager)

    @cached_property
    def notification(self):
        return Notification.objects.create(recipient=self.agent, message="Evaluated", url="/feedback/")

    # Coaching: `lead` coaches `agent`; the session started an hour ago, so it can be recorded as held.
    @cached_property
    def coaching_session(self):
        start = timezone.now() - timedelta(hours=1)
        return CoachingSession.objects.create(
            lead=self.lead,
            agent=self.agent,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            place="Room 1",
        )

    @cached_property
    def held_session(self):
        start = timezone.now() - timedelta(days=2)
        return CoachingSession.objects.create(
            lead=self.lead,
            agent=self.agent,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            place="Room 2",
            status=CoachingSession.Status.COMPLETED,
            completed_at=start + timedelta(minutes=30),
        )

    @cached_property
    def agents_action_item(self):
        return ActionItem.objects.create(
            session=self.coaching_session, description="Greet by name", due_on=timezone.localdate()
        )

    @cached_property
    def leads_action_item(self):
        return ActionItem.objects.create(
            session=self.coaching_session,
            description="Book a role-play",
            owner=ActionItem.Owner.LEAD,
            due_on=timezone.localdate(),
        )

    # The escalation matrix: a level of the chain and a rule sending hierarchical escalations to it.
    @cached_property
    def escalation_level(self):
        return EscalationLevel.objects.create(name="Team lead", order=3)

    @cached_property
    def escalation_rule(self):
        return EscalationRule.objects.create(
            type="hierarchical", handler=self.escalation_level, followup_hours=24
        )

    @cached_property
    def agenda_item(self):
        return AgendaItem.objects.create(
            session=self.coaching_session, kind=AgendaItem.Kind.FREE, text="Holds"
        )

    # Improvement actions: one on team Blue (`lead`'s) owned by `manager`, one owned by `lead`.
    def _improvement(self, owner):
        from qa_center.kpis.models import ImprovementAction

        today = timezone.localdate()
        return ImprovementAction.objects.create(
            title="Shorter holds",
            change="A new hold script",
            owner=owner,
            due_on=today,
            kpi="aht",
            scope_kind="team",
            scope_id=self.agent.team_id,
            direction="lower",
            starts_on=today,
            created_by=self.manager,
        )

    @cached_property
    def improvement_action(self):
        return self._improvement(self.manager)

    @cached_property
    def leads_improvement_action(self):
        return self._improvement(self.lead)

    @cached_property
    def survey_answer(self):
        """A detractor's answer on `agent`'s call (team Blue): awaiting a call-back."""
        return SurveyResponse.objects.create(call=self.agents_call(), nps=3, responded_at=timezone.now())

    @cached_property
    def followed_up_answer(self):
        answer = SurveyResponse.objects.create(call=self.agents_call(), nps=2, responded_at=timezone.now())
        SurveyFollowUp.objects.create(
            response=answer, kind="callback", done_by=self.lead, done_at=timezone.now()
        )
        return answer

    @cached_property
    def unlinked_answer(self):
        """An answer with no call: no team, the QA managers' only."""
        return SurveyResponse.objects.create(nps=5, responded_at=timezone.now())

    @cached_property
    def feed_token(self) -> str:
        CalendarFeed.objects.create(user=self.agent, token_hash=hash_feed_token("agents-feed-token"))
        return "agents-feed-token"


# --- The table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One URL: how to build its kwargs (and POST body) from the world, and per method who gets what."""

    kwargs: Callable[[World], dict]
    GET: dict[str, int | str]
    POST: dict[str, int | str]
    data: Callable[[World], dict] = field(default=lambda world: {})
    api: bool = False
    # GET parameters (a page that reads one, e.g. a team).
    query: Callable[[World], dict] = field(default=lambda world: {})

    def __post_init__(self):
        roles = (*PEOPLE, TOKEN) if self.api else PEOPLE
        for method in METHODS:
            expected = getattr(self, method)
            assert set(expected) == set(roles), f"{method}: give a status for each of {roles}"


def none(world):
    return {}


def page(**people) -> dict:
    """A signed-in page: anonymous people go to the login page; every other role's status is given."""
    return {"anonymous": LOGIN, **people}


def managers_only(allowed) -> dict:
    """A QA managers' page: 403 for the other roles whatever the pk, `allowed` for managers and superusers."""
    return page(
        agent=403,
        other_agent=403,
        reviewer=403,
        lead=403,
        other_lead=403,
        manager=allowed,
        superuser=allowed,
    )


def everyone(status, *, anonymous=LOGIN) -> dict:
    return dict.fromkeys(PEOPLE, status) | {"anonymous": anonymous}


def drafts(allowed) -> dict:
    """A part of a draft scorecard version: the managers' work in progress, 404 to everyone else."""
    return page(
        agent=404,
        other_agent=404,
        reviewer=404,
        lead=404,
        other_lead=404,
        manager=allowed,
        superuser=allowed,
    )


WRONG_METHOD = dict.fromkeys(PEOPLE, 405)
API_WRONG_METHOD = dict.fromkeys(PEOPLE, 401) | {TOKEN: 405}


def api(token) -> dict:
    """The ingest API: only a token is a credential (a browser session is not): 401 for everyone else."""
    return dict.fromkeys(PEOPLE, 401) | {TOKEN: token}


def pk_of(attribute: str):
    return lambda world: {"pk": getattr(world, attribute).pk}


def external_id(world):
    return {"external_id": world.call.external_id}


# The insight pages: QA managers and team leads (each their own teams), 403 for the other roles.
INSIGHT_READ = page(
    agent=403, other_agent=403, reviewer=403, lead=200, other_lead=200, manager=200, superuser=200
)

# The agent's call or submitted evaluation: the agent and their lead read it, reviewers and managers read all.
AGENT_AND_TEAM_READ = page(
    agent=200, other_agent=404, reviewer=200, lead=200, other_lead=404, manager=200, superuser=200
)
# The evaluations list and its export: QA managers, team leads and reviewers, each their scope.
EVALUATION_FINDERS = page(
    agent=403, other_agent=403, reviewer=200, lead=200, other_lead=200, manager=200, superuser=200
)
# The reviewer's draft: only they change it; QA managers may read it (403 to change); 404 for everyone else.
DRAFT_EVALUATION_CHANGE = {
    "anonymous": LOGIN,
    "agent": 404,
    "other_agent": 404,
    "reviewer": None,  # filled per URL
    "lead": 404,
    "other_lead": 404,
    "manager": 403,
    "superuser": 403,
}


def draft_change(reviewer_status) -> dict:
    return DRAFT_EVALUATION_CHANGE | {"reviewer": reviewer_status}


# A coaching session of `lead` with `agent`: the agent and their lead read it, QA managers read all; only the
# session's lead changes it (others who read it: 403); reviewers have no coaching (403).
COACHING_READ = page(
    agent=200, other_agent=404, reviewer=403, lead=200, other_lead=404, manager=200, superuser=200
)


def coaching_change(lead_status) -> dict:
    return page(
        agent=403, other_agent=404, reviewer=403, lead=lead_status, other_lead=404, manager=403, superuser=403
    )


def coaching_leads(status) -> dict:
    return page(
        agent=403, other_agent=403, reviewer=403, lead=status, other_lead=status, manager=403, superuser=403
    )


def library_pending(allowed) -> dict:
    """A library nomination waiting for a decision: the QA managers and the reviewer who nominated it read it
    (and hear its call, which they may hear anyway); for everyone else it does not exist."""
    return page(
        agent=404,
        other_agent=404,
        reviewer=allowed,
        lead=404,
        other_lead=404,
        manager=allowed,
        superuser=allowed,
    )


# QA reports (scorecards.access.get_report_scope_for): QA managers and team leads (their teams); the reviewers'
# table is the managers'.
QA_REPORT_READERS = page(
    agent=403, other_agent=403, reviewer=403, lead=200, other_lead=200, manager=200, superuser=200
)

# KPI dashboards: the center's (and the call types'), a team's (Blue: `lead`'s), an agent's (`agent`, team Blue).
CENTER_DASHBOARD = page(
    agent=403, other_agent=403, reviewer=200, lead=200, other_lead=200, manager=200, superuser=200
)
TEAM_DASHBOARD = page(
    agent=403, other_agent=403, reviewer=403, lead=200, other_lead=404, manager=200, superuser=200
)


def with_table(kwargs):
    """A dashboard's CSV export: the dashboard's kwargs and the table."""
    return lambda world: kwargs(world) | {"table": "tiles"}


AGENT_DASHBOARD = page(
    agent=200, other_agent=404, reviewer=403, lead=200, other_lead=404, manager=200, superuser=200
)


# The scorecard builder refuses non-managers changes to a published version they can read: 403.
PUBLISHED_CHANGE = managers_only


IMPROVEMENT_READERS = page(
    agent=403, other_agent=403, reviewer=403, lead=200, other_lead=200, manager=200, superuser=200
)
# An action on team Blue: `lead` sees it, `other_lead` (Green) does not.
IMPROVEMENT_ACTION = page(
    agent=403, other_agent=403, reviewer=403, lead=200, other_lead=404, manager=200, superuser=200
)


def improvement_form(world) -> dict:
    today = timezone.localdate().isoformat()
    return {
        "title": "Fewer transfers",
        "change": "A routing change",
        "owner": world.manager.pk,
        "due_on": today,
        "kpi": "escalation_rate",
        "scope_kind": "center",
        "starts_on": today,
        "window_days": 28,
    }


TABLE: dict[str, Case] = {
    # --- People and accounts
    "home": Case(none, GET=everyone(200), POST=WRONG_METHOD),
    "login": Case(none, GET=everyone(200, anonymous=200), POST=everyone(200, anonymous=200)),
    "logout": Case(none, GET=WRONG_METHOD, POST=everyone(302, anonymous=302)),
    "password_change": Case(none, GET=everyone(200), POST=everyone(200)),
    "password_change_done": Case(none, GET=everyone(200), POST=everyone(405)),
    "password_reset": Case(none, GET=everyone(200, anonymous=200), POST=everyone(200, anonymous=200)),
    "password_reset_done": Case(none, GET=everyone(200, anonymous=200), POST=WRONG_METHOD),
    "password_reset_confirm": Case(
        lambda world: {"uidb64": "MQ", "token": "not-a-token"},
        GET=everyone(200, anonymous=200),
        POST=everyone(200, anonymous=200),
    ),
    "password_reset_complete": Case(none, GET=everyone(200, anonymous=200), POST=WRONG_METHOD),
    "set_language": Case(none, GET=everyone(302, anonymous=302), POST=everyone(302, anonymous=302)),
    # --- Calls: agents see their own, leads their team's, reviewers and managers all
    "calls:list": Case(none, GET=everyone(200), POST=WRONG_METHOD),
    "calls:detail": Case(pk_of("call"), GET=AGENT_AND_TEAM_READ, POST=WRONG_METHOD),
    "calls:recording": Case(pk_of("call"), GET=AGENT_AND_TEAM_READ, POST=WRONG_METHOD),
    # Uploading a recording on the call page: QA managers and reviewers (no file sent: 400 next to the field);
    # the agent and lead who see the call: 403.
    "calls:recording_upload": Case(
        pk_of("call"),
        GET=WRONG_METHOD,
        POST=page(
            agent=403, other_agent=404, reviewer=400, lead=403, other_lead=404, manager=400, superuser=400
        ),
    ),
    # --- Imports and API tokens: the QA managers' business
    # --- Call types: kept by the QA managers
    "call_types:list": Case(none, GET=managers_only(200), POST=WRONG_METHOD),
    "call_types:create": Case(
        none, GET=managers_only(200), POST=managers_only(302), data=lambda world: {"name": "Billing"}
    ),
    "call_types:edit": Case(
        pk_of("call_type"),
        GET=managers_only(200),
        POST=managers_only(302),
        data=lambda world: {"name": "Complaints", "slug": "complaints"},
    ),
    "call_types:active": Case(pk_of("call_type"), GET=WRONG_METHOD, POST=managers_only(302)),
    "imports:list": Case(none, GET=managers_only(200), POST=WRONG_METHOD),
    # --- The audit trail (qa_center.audit): the QA managers'
    "audit:changes": Case(none, GET=managers_only(200), POST=WRONG_METHOD),
    "imports:new": Case(none, GET=managers_only(200), POST=managers_only(200)),
    "imports:new_surveys": Case(none, GET=managers_only(200), POST=managers_only(200)),
    "imports:detail": Case(pk_of("import_job"), GET=managers_only(200), POST=WRONG_METHOD),
    "imports:mapping": Case(pk_of("import_job"), GET=managers_only(200), POST=managers_only(200)),
    "imports:agents": Case(
        pk_of("agents_job"),
        GET=managers_only(200),
        POST=managers_only(302),
        data=lambda world: {"action-0": "leave"},
    ),
    "imports:progress": Case(pk_of("import_job"), GET=managers_only(200), POST=WRONG_METHOD),
    "imports:cancel": Case(pk_of("import_job"), GET=WRONG_METHOD, POST=managers_only(302)),
    "imports:delete": Case(pk_of("import_job"), GET=WRONG_METHOD, POST=managers_only(302)),
    "imports:errors_csv": Case(pk_of("import_job"), GET=managers_only(200), POST=WRONG_METHOD),
    "imports:mappings": Case(none, GET=managers_only(200), POST=WRONG_METHOD),
    "imports:mapping_delete": Case(pk_of("mapping"), GET=WRONG_METHOD, POST=managers_only(302)),
    "tokens:list": Case(none, GET=managers_only(200), POST=WRONG_METHOD),
    "tokens:issue": Case(none, GET=managers_only(200), POST=managers_only(200)),
    "tokens:revoke": Case(
        lambda world: {"pk": world.token_and_secret[0].pk}, GET=managers_only(200), POST=managers_only(302)
    ),
    # --- The ingest API (empty JSON bodies: 400 once the token and the call are accepted)
    "api-schema": Case(
        none,
        GET=dict.fromkeys((*PEOPLE, TOKEN), 200),
        POST=dict.fromkeys((*PEOPLE, TOKEN), 405),
        api=True,
    ),
    # The readable documentation of the same schema: public like the schema, it shows no data.
    "api-docs": Case(
        none,
        GET=dict.fromkeys((*PEOPLE, TOKEN), 200),
        POST=dict.fromkeys((*PEOPLE, TOKEN), 405),
        api=True,
    ),
    "api:call-upsert": Case(none, GET=API_WRONG_METHOD, POST=api(400), api=True),
    "api:call-batch": Case(none, GET=API_WRONG_METHOD, POST=api(400), api=True),
    "api:call-detail": Case(external_id, GET=api(200), POST=API_WRONG_METHOD, api=True),
    "api:call-detail[unknown call]": Case(
        lambda world: {"external_id": "NO-SUCH-CALL"}, GET=api(404), POST=API_WRONG_METHOD, api=True
    ),
    "api:call-recording": Case(external_id, GET=API_WRONG_METHOD, POST=api(400), api=True),
    "api:call-recording[unknown call]": Case(
        lambda world: {"external_id": "NO-SUCH-CALL"}, GET=API_WRONG_METHOD, POST=api(404), api=True
    ),
    "api:call-survey": Case(external_id, GET=API_WRONG_METHOD, POST=api(400), api=True),
    "api:call-escalations": Case(external_id, GET=API_WRONG_METHOD, POST=api(400), api=True),
    "api:survey-batch": Case(none, GET=API_WRONG_METHOD, POST=api(400), api=True),
    # PUT only: the matrix's GET and POST are the wrong methods.
    "api:survey-detail": Case(
        lambda world: {"external_id": "SRV-1"}, GET=API_WRONG_METHOD, POST=API_WRONG_METHOD, api=True
    ),
    "api:case-resolve": Case(
        lambda world: {"case_id": world.call.case_id}, GET=API_WRONG_METHOD, POST=api(400), api=True
    ),
    # --- Scorecards: everyone reads the published ones; the builder is the QA managers'
    "scorecards:list": Case(none, GET=everyone(200), POST=WRONG_METHOD),
    "scorecards:create": Case(none, GET=managers_only(200), POST=managers_only(200)),
    "scorecards:detail": Case(pk_of("scorecard"), GET=everyone(200), POST=WRONG_METHOD),
    "scorecards:new_draft": Case(pk_of("scorecard"), GET=WRONG_METHOD, POST=PUBLISHED_CHANGE(302)),
    "scorecards:new_draft[nothing published]": Case(
        pk_of("unpublished_scorecard"), GET=WRONG_METHOD, POST=drafts(302)
    ),
    "scorecards:version": Case(pk_of("version"), GET=everyone(200), POST=WRONG_METHOD),
    "scorecards:version[draft]": Case(pk_of("draft"), GET=drafts(200), POST=WRONG_METHOD),
    # "Try it": whoever reads a version may try its scoring; nothing is saved.
    "scorecards:try": Case(pk_of("version"), GET=WRONG_METHOD, POST=everyone(200)),
    "scorecards:try[draft]": Case(pk_of("draft"), GET=WRONG_METHOD, POST=drafts(200)),
    "scorecards:edit": Case(pk_of("draft"), GET=drafts(200), POST=WRONG_METHOD),
    "scorecards:edit[published]": Case(pk_of("version"), GET=PUBLISHED_CHANGE(302), POST=WRONG_METHOD),
    "scorecards:version_settings": Case(pk_of("draft"), GET=WRONG_METHOD, POST=drafts(302)),
    "scorecards:publish": Case(pk_of("draft"), GET=WRONG_METHOD, POST=drafts(302)),
    "scorecards:discard": Case(pk_of("draft"), GET=WRONG_METHOD, POST=drafts(302)),
    "scorecards:section_add": Case(pk_of("draft"), GET=WRONG_METHOD, POST=drafts(302)),
    "scorecards:section_add[published]": Case(pk_of("version"), GET=WRONG_METHOD, POST=PUBLISHED_CHANGE(302)),
    "scorecards:section_edit": Case(
        lambda world: {"pk": world.draft_criterion.section_id}, GET=WRONG_METHOD, POST=drafts(302)
    ),
    "scorecards:section_edit[published]": Case(
        lambda world: {"pk": world.criterion.section_id}, GET=WRONG_METHOD, POST=PUBLISHED_CHANGE(302)
    ),
    "scorecards:section_delete": Case(
        lambda world: {"pk": world.draft_criterion.section_id}, GET=WRONG_METHOD, POST=drafts(302)
    ),
    "scorecards:section_move": Case(
        lambda world: {"pk": world.draft_criterion.section_id}, GET=WRONG_METHOD, POST=drafts(302)
    ),
    "scorecards:criterion_add": Case(
        lambda world: {"pk": world.draft_criterion.section_id}, GET=drafts(200), POST=drafts(200)
    ),
    "scorecards:criterion_add[published]": Case(
        lambda world: {"pk": world.criterion.section_id},
        GET=PUBLISHED_CHANGE(302),
        POST=PUBLISHED_CHANGE(302),
    ),
    "scorecards:criterion_edit": Case(pk_of("draft_criterion"), GET=drafts(200), POST=drafts(200)),
    "scorecards:criterion_edit[published]": Case(
        pk_of("criterion"), GET=PUBLISHED_CHANGE(302), POST=PUBLISHED_CHANGE(302)
    ),
    "scorecards:criterion_delete": Case(pk_of("draft_criterion"), GET=WRONG_METHOD, POST=drafts(302)),
    "scorecards:criterion_move": Case(pk_of("draft_criterion"), GET=WRONG_METHOD, POST=drafts(302)),
    "scorecards:criterion_comments": Case(pk_of("criterion"), GET=everyone(200), POST=everyone(200)),
    "scorecards:criterion_comments[draft]": Case(pk_of("draft_criterion"), GET=drafts(200), POST=drafts(200)),
    # --- The reviewer's queue and the sampling page
    "queue:mine": Case(
        none,
        GET=page(
            agent=403, other_agent=403, reviewer=200, lead=403, other_lead=403, manager=200, superuser=200
        ),
        POST=WRONG_METHOD,
    ),
    "queue:manage": Case(none, GET=managers_only(200), POST=WRONG_METHOD),
    "queue:run": Case(none, GET=managers_only(302), POST=managers_only(400)),
    "queue:run-detail": Case(pk_of("run"), GET=managers_only(200), POST=WRONG_METHOD),
    "queue:assign": Case(none, GET=managers_only(302), POST=managers_only(400)),
    "queue:rule-create": Case(none, GET=managers_only(200), POST=managers_only(200)),
    "queue:rule-edit": Case(pk_of("rule"), GET=managers_only(200), POST=managers_only(200)),
    "queue:rule-deactivate": Case(pk_of("rule"), GET=WRONG_METHOD, POST=managers_only(302)),
    # Assignments are reviewers' and managers' business; a reviewer sees (not moves) only their own.
    "queue:reassign": Case(pk_of("assignment"), GET=managers_only(200), POST=managers_only(200)),
    "queue:reassign[another reviewer's]": Case(
        pk_of("others_assignment"),
        GET=managers_only(200) | {"reviewer": 404},
        POST=managers_only(200) | {"reviewer": 404},
    ),
    "queue:cancel": Case(pk_of("assignment"), GET=managers_only(200), POST=managers_only(302)),
    "queue:cancel[another reviewer's]": Case(
        pk_of("others_assignment"),
        GET=managers_only(200) | {"reviewer": 404},
        POST=managers_only(302) | {"reviewer": 404},
    ),
    # --- Evaluations
    # --- The evaluations list: QA managers, team leads and reviewers; an agent has "My feedback" (403)
    "evaluations:list": Case(none, GET=EVALUATION_FINDERS, POST=WRONG_METHOD),
    "evaluations:export": Case(none, GET=EVALUATION_FINDERS, POST=WRONG_METHOD),
    "evaluations:start": Case(
        pk_of("assignment"),
        GET=WRONG_METHOD,
        # Only the reviewer whose assignment it is starts it: the managers see it (and may move it).
        POST=page(
            agent=403, other_agent=403, reviewer=302, lead=403, other_lead=403, manager=403, superuser=403
        ),
    ),
    "evaluations:start[another reviewer's]": Case(
        pk_of("others_assignment"),
        GET=WRONG_METHOD,
        POST=page(
            agent=403, other_agent=403, reviewer=404, lead=403, other_lead=403, manager=403, superuser=403
        ),
    ),
    "evaluations:start_call": Case(
        pk_of("call"),
        GET=WRONG_METHOD,
        POST=page(
            agent=403, other_agent=404, reviewer=302, lead=403, other_lead=404, manager=302, superuser=302
        ),
    ),
    "evaluations:detail": Case(pk_of("evaluation"), GET=AGENT_AND_TEAM_READ, POST=WRONG_METHOD),
    "evaluations:detail[draft]": Case(
        pk_of("draft_evaluation"),
        GET=draft_change(200) | {"manager": 200, "superuser": 200},
        POST=WRONG_METHOD,
    ),
    "evaluations:edit": Case(pk_of("draft_evaluation"), GET=draft_change(200), POST=draft_change(302)),
    "evaluations:edit[submitted]": Case(
        pk_of("evaluation"),
        GET=page(
            agent=403, other_agent=404, reviewer=403, lead=403, other_lead=404, manager=403, superuser=403
        ),
        POST=page(
            agent=403, other_agent=404, reviewer=403, lead=403, other_lead=404, manager=403, superuser=403
        ),
    ),
    "evaluations:preview": Case(pk_of("draft_evaluation"), GET=WRONG_METHOD, POST=draft_change(200)),
    # On the published version already: the reviewer is told so (302 back to the draft), nothing moves.
    "evaluations:move_to_published": Case(
        pk_of("draft_evaluation"), GET=WRONG_METHOD, POST=draft_change(302)
    ),
    "evaluations:notes": Case(pk_of("draft_evaluation"), GET=WRONG_METHOD, POST=draft_change(302)),
    "evaluations:note_delete": Case(
        lambda world: {"pk": world.note.evaluation_id, "note_pk": world.note.pk},
        GET=WRONG_METHOD,
        POST=draft_change(302),
    ),
    "evaluations:note_delete[another evaluation's note]": Case(
        # The reviewer's other draft, with the note of the first one: not found there, even by a manager.
        lambda world: {
            "pk": start_evaluation(call=world.agents_call(), reviewer=world.reviewer).pk,
            "note_pk": world.note.pk,
        },
        GET=WRONG_METHOD,
        POST=draft_change(404) | {"manager": 404, "superuser": 404},
    ),
    # --- Feedback: agents, their team leads, and the QA managers' disputes
    "feedback:mine": Case(
        none,
        GET=page(
            agent=200, other_agent=200, reviewer=403, lead=403, other_lead=403, manager=403, superuser=403
        ),
        POST=WRONG_METHOD,
    ),
    "feedback:team": Case(
        none,
        GET=page(
            agent=403, other_agent=403, reviewer=403, lead=200, other_lead=200, manager=403, superuser=403
        ),
        POST=WRONG_METHOD,
    ),
    "feedback:team_agent": Case(
        lambda world: {"agent_pk": world.agent.pk},
        GET=page(
            agent=403, other_agent=403, reviewer=403, lead=200, other_lead=404, manager=403, superuser=403
        ),
        POST=WRONG_METHOD,
    ),
    "feedback:acknowledge": Case(
        pk_of("evaluation"),
        GET=WRONG_METHOD,
        POST=page(
            agent=302, other_agent=404, reviewer=403, lead=403, other_lead=404, manager=403, superuser=403
        ),
    ),
    "feedback:dispute": Case(
        pk_of("evaluation"),
        GET=page(
            agent=200, other_agent=404, reviewer=403, lead=403, other_lead=404, manager=403, superuser=403
        ),
        POST=page(
            agent=200, other_agent=404, reviewer=403, lead=403, other_lead=404, manager=403, superuser=403
        ),
    ),
    "feedback:history": Case(pk_of("evaluation"), GET=AGENT_AND_TEAM_READ, POST=WRONG_METHOD),
    "feedback:disputes": Case(none, GET=managers_only(200), POST=WRONG_METHOD),
    "feedback:resolve": Case(pk_of("dispute"), GET=managers_only(200), POST=managers_only(200)),
    "feedback:notifications": Case(
        none,
        GET=everyone(200),
        # Marking the agent's notification read: nobody else's to mark.
        POST=page(
            agent=302, other_agent=404, reviewer=404, lead=404, other_lead=404, manager=404, superuser=404
        ),
        data=lambda world: {"notification": world.notification.pk},
    ),
    # --- QA reports: managers and team leads; the reviewers' table (and its export) is the managers'
    "qa_reports:report": Case(none, GET=QA_REPORT_READERS, POST=WRONG_METHOD),
    "qa_reports:export": Case(lambda world: {"table": "teams"}, GET=QA_REPORT_READERS, POST=WRONG_METHOD),
    "qa_reports:export[agents]": Case(
        lambda world: {"table": "agents"}, GET=QA_REPORT_READERS, POST=WRONG_METHOD
    ),
    "qa_reports:export[scorecards]": Case(
        lambda world: {"table": "scorecards"}, GET=QA_REPORT_READERS, POST=WRONG_METHOD
    ),
    "qa_reports:export[reviewers]": Case(
        lambda world: {"table": "reviewers"}, GET=managers_only(200), POST=WRONG_METHOD
    ),
    # An unknown table: 404 to those who read reports, 403 to the others.
    "qa_reports:export[unknown table]": Case(
        lambda world: {"table": "calls"},
        GET=page(
            agent=403, other_agent=403, reviewer=403, lead=404, other_lead=404, manager=404, superuser=404
        ),
        POST=WRONG_METHOD,
    ),
    # --- KPIs: the QA managers recompute the snapshots (the task is queued on commit: a refused POST queues none)
    "kpis:computations": Case(none, GET=managers_only(200), POST=WRONG_METHOD),
    "kpis:recompute": Case(
        none,
        GET=WRONG_METHOD,
        POST=managers_only(302),
        data=lambda world: {"first_day": "2026-01-01", "last_day": "2026-01-02"},
    ),
    # --- KPI dashboards (qa_center.kpis.access): managers all; leads the center, the call types, their teams
    # and their agents; reviewers the center and the call types; an agent only their own dashboard
    **{
        name: Case(with_table(kwargs) if suffix else kwargs, GET=status, POST=WRONG_METHOD)
        for suffix in ("", "_export")
        for name, kwargs, status in (
            (f"dashboards:center{suffix}", none, CENTER_DASHBOARD),
            (f"dashboards:call_type{suffix}", lambda world: {"pk": world.call_type.pk}, CENTER_DASHBOARD),
            (f"dashboards:team{suffix}", lambda world: {"pk": world.agent.team_id}, TEAM_DASHBOARD),
            (f"dashboards:agent{suffix}", pk_of("agent"), AGENT_DASHBOARD),
        )
    },
    "dashboards:mine": Case(
        none,
        GET=page(
            agent=200, other_agent=200, reviewer=403, lead=403, other_lead=403, manager=403, superuser=403
        ),
        POST=WRONG_METHOD,
    ),
    # --- KPI targets: the QA managers set them (a refused POST writes none); an unknown team or call type: 404
    "kpi_targets:targets": Case(
        none, GET=managers_only(200), POST=managers_only(302), data=lambda world: {"target_aht": "300"}
    ),
    "kpi_targets:team": Case(
        lambda world: {"pk": world.agent.team_id},
        GET=managers_only(200),
        POST=managers_only(302),
        data=lambda world: {"target_aht": "280"},
    ),
    "kpi_targets:team[unknown]": Case(
        lambda world: {"pk": 999999}, GET=managers_only(404), POST=managers_only(404)
    ),
    "kpi_targets:call_type": Case(
        lambda world: {"pk": world.call.call_type_id},
        GET=managers_only(200),
        POST=managers_only(302),
        data=lambda world: {"target_aht": "420"},
    ),
    # --- Today: QA managers (the center and every team) and team leads (their teams); 403 for other roles
    "kpi_today:today": Case(
        none,
        GET=page(
            agent=403, other_agent=403, reviewer=403, lead=200, other_lead=200, manager=200, superuser=200
        ),
        POST=WRONG_METHOD,
    ),
    "kpi_today:figures": Case(
        none,
        GET=page(
            agent=403, other_agent=403, reviewer=403, lead=200, other_lead=200, manager=200, superuser=200
        ),
        POST=WRONG_METHOD,
    ),
    # --- Insight pages: QA managers (the center, every team) and team leads (their teams); 403 for the others
    **{
        name: Case(none, GET=INSIGHT_READ, POST=WRONG_METHOD)
        for name in (
            "kpi_insight:index",
            "kpi_insight:nps",
            "kpi_insight:nps_export",
            "kpi_insight:criteria",
            "kpi_insight:criteria_export",
            "kpi_insight:aht",
            "kpi_insight:aht_export",
            "kpi_insight:qa_outcomes",
            "kpi_insight:qa_outcomes_export",
        )
    },
    # Another team asked for: 404 for a team lead who does not lead it.
    "kpi_insight:criteria[team]": Case(
        none,
        GET=page(
            agent=403, other_agent=403, reviewer=403, lead=200, other_lead=404, manager=200, superuser=200
        ),
        POST=WRONG_METHOD,
        query=lambda world: {"team": world.agent.team_id},
    ),
    # Marking an NPS answer followed up: its team's lead and the QA managers; the answer of no team: managers.
    "kpi_insight:nps_done": Case(
        pk_of("survey_answer"),
        GET=WRONG_METHOD,
        POST=page(
            agent=403, other_agent=403, reviewer=403, lead=302, other_lead=404, manager=302, superuser=302
        ),
        data=lambda world: {"note": "Called back"},
    ),
    "kpi_insight:nps_done[unlinked]": Case(
        pk_of("unlinked_answer"),
        GET=WRONG_METHOD,
        POST=page(
            agent=403, other_agent=403, reviewer=403, lead=404, other_lead=404, manager=302, superuser=302
        ),
    ),
    "kpi_insight:nps_undo": Case(
        pk_of("followed_up_answer"),
        GET=WRONG_METHOD,
        POST=page(
            agent=403, other_agent=403, reviewer=403, lead=302, other_lead=404, manager=302, superuser=302
        ),
    ),
    # --- Improvement actions: managers all; leads their teams' and their own (another's is 404); others 403
    "improvements:index": Case(none, GET=IMPROVEMENT_READERS, POST=WRONG_METHOD),
    "improvements:export": Case(none, GET=IMPROVEMENT_READERS, POST=WRONG_METHOD),
    "improvements:new": Case(
        none, GET=managers_only(200), POST=managers_only(302), data=lambda world: improvement_form(world)
    ),
    "improvements:detail": Case(pk_of("improvement_action"), GET=IMPROVEMENT_ACTION, POST=WRONG_METHOD),
    "improvements:edit": Case(
        pk_of("improvement_action"),
        GET=IMPROVEMENT_ACTION | {"lead": 403},
        POST=IMPROVEMENT_ACTION | {"lead": 403, "manager": 302, "superuser": 302},
        data=lambda world: improvement_form(world),
    ),
    "improvements:done": Case(
        pk_of("improvement_action"),
        GET=WRONG_METHOD,
        POST=IMPROVEMENT_ACTION | {"lead": 403, "manager": 302, "superuser": 302},
    ),
    "improvements:done[owner]": Case(
        pk_of("leads_improvement_action"),
        GET=WRONG_METHOD,
        POST=IMPROVEMENT_ACTION | {"lead": 302, "manager": 302, "superuser": 302},
    ),
    "improvements:cancel": Case(
        pk_of("improvement_action"),
        GET=WRONG_METHOD,
        POST=IMPROVEMENT_ACTION | {"lead": 403, "manager": 302, "superuser": 302},
    ),
    "improvements:cancel[owner]": Case(
        pk_of("leads_improvement_action"),
        GET=WRONG_METHOD,
        POST=IMPROVEMENT_ACTION | {"lead": 302, "manager": 302, "superuser": 302},
    ),
    # --- Calibration: reviewers and managers; a reviewer sees the sessions they take part in
    "calibration:list": Case(
        none,
        GET=page(
            agent=403, other_agent=403, reviewer=200, lead=403, other_lead=403, manager=200, superuser=200
        ),
        POST=WRONG_METHOD,
    ),
    "calibration:create": Case(none, GET=managers_only(200), POST=managers_only(400)),
    "calibration:detail": Case(
        pk_of("session"),
        GET=page(
            agent=403, other_agent=403, reviewer=200, lead=403, other_lead=403, manager=200, superuser=200
        ),
        POST=WRONG_METHOD,
    ),
    "calibration:detail[without the reviewer]": Case(
        pk_of("session_without_reviewer"),
        GET=page(
            agent=403, other_agent=403, reviewer=404, lead=403, other_lead=403, manager=200, superuser=200
        ),
        POST=WRONG_METHOD,
    ),
    "calibration:score": Case(
        pk_of("session"),
        GET=WRONG_METHOD,
        # The superuser sees the session but takes no part in it.
        POST=page(
            agent=403, other_agent=403, reviewer=302, lead=403, other_lead=403, manager=302, superuser=403
        ),
    ),
    "calibration:close": Case(
        pk_of("session"),
        GET=WRONG_METHOD,
        POST=page(
            agent=403, other_agent=403, reviewer=403, lead=403, other_lead=403, manager=302, superuser=302
        ),
    ),
    "calibration:close[without the reviewer]": Case(
        pk_of("session_without_reviewer"),
        GET=WRONG_METHOD,
        POST=page(
            agent=403, other_agent=403, reviewer=404, lead=403, other_lead=403, manager=302, superuser=302
        ),
    ),
    # Blind until everyone has submitted or the session closes: 403 to those who may see the session.
    "calibration:results": Case(
        pk_of("session"),
        GET=page(
            agent=403, other_agent=403, reviewer=403, lead=403, other_lead=403, manager=403, superuser=403
        ),
        POST=WRONG_METHOD,
    ),
    # --- Coaching sessions
    "coaching:index": Case(
        none,
        GET=page(
            agent=200, other_agent=200, reviewer=403, lead=200, other_lead=200, manager=200, superuser=200
        ),
        POST=WRONG_METHOD,
    ),
    "coaching:week": Case(none, GET=coaching_leads(200), POST=WRONG_METHOD),
    # An empty booking is refused next to its fields.
    "coaching:schedule": Case(none, GET=coaching_leads(200), POST=coaching_leads(400)),
    "coaching:detail": Case(pk_of("coaching_session"), GET=COACHING_READ, POST=WRONG_METHOD),
    "coaching:agenda": Case(pk_of("coaching_session"), GET=coaching_change(200), POST=coaching_change(302)),
    "coaching:agenda_add": Case(pk_of("coaching_session"), GET=WRONG_METHOD, POST=coaching_change(400)),
    "coaching:agenda_remove": Case(
        lambda world: {"pk": world.coaching_session.pk, "item_pk": world.agenda_item.pk},
        GET=WRONG_METHOD,
        POST=coaching_change(302),
    ),
    "coaching:agenda_remove[another session's item]": Case(
        lambda world: {"pk": world.held_session.pk, "item_pk": world.agenda_item.pk},
        GET=WRONG_METHOD,
        POST=page(
            agent=404, other_agent=404, reviewer=403, lead=404, other_lead=404, manager=404, superuser=404
        ),
    ),
    "coaching:notes": Case(pk_of("coaching_session"), GET=WRONG_METHOD, POST=coaching_change(302)),
    "coaching:action_add": Case(pk_of("coaching_session"), GET=WRONG_METHOD, POST=coaching_change(400)),
    # The agent ticks the items they own; the lead any item of their session.
    "coaching:action_done": Case(
        lambda world: {"item_pk": world.agents_action_item.pk},
        GET=WRONG_METHOD,
        POST=coaching_change(302) | {"agent": 302},
    ),
    "coaching:action_done[the lead's item]": Case(
        lambda world: {"item_pk": world.leads_action_item.pk}, GET=WRONG_METHOD, POST=coaching_change(302)
    ),
    "coaching:reschedule": Case(
        pk_of("coaching_session"), GET=coaching_change(200), POST=coaching_change(400)
    ),
    "coaching:cancel": Case(pk_of("coaching_session"), GET=coaching_change(200), POST=coaching_change(400)),
    "coaching:complete": Case(pk_of("coaching_session"), GET=coaching_change(200), POST=coaching_change(400)),
    "coaching:no_show": Case(pk_of("coaching_session"), GET=WRONG_METHOD, POST=coaching_change(302)),
    # After the session, the agent confirms: only the agent (the lead and the managers who read it: 403).
    "coaching:confirm": Case(
        pk_of("held_session"),
        GET=WRONG_METHOD,
        POST=page(
            agent=302, other_agent=404, reviewer=403, lead=403, other_lead=404, manager=403, superuser=403
        ),
    ),
    "coaching:ics": Case(pk_of("coaching_session"), GET=COACHING_READ, POST=WRONG_METHOD),
    # Each person's own feed; a POST without an action is a bad request.
    "coaching:calendar_feed": Case(
        none,
        GET=page(
            agent=200, other_agent=200, reviewer=403, lead=200, other_lead=200, manager=200, superuser=200
        ),
        POST=page(
            agent=400, other_agent=400, reviewer=403, lead=400, other_lead=400, manager=400, superuser=400
        ),
    ),
    # The feed's token is its credential: whoever holds it reads the feed, signed in or not.
    "coaching:feed": Case(
        lambda world: {"token": world.feed_token}, GET=everyone(200, anonymous=200), POST=WRONG_METHOD
    ),
    "coaching:feed[unknown token]": Case(
        lambda world: {"token": "not-a-feed"}, GET=everyone(404, anonymous=404), POST=WRONG_METHOD
    ),
    # --- The exemplary-call library: every role reads and hears approved entries; QA managers curate them
    "library:browse": Case(none, GET=everyone(200), POST=WRONG_METHOD),
    "library:review": Case(none, GET=managers_only(200), POST=WRONG_METHOD),
    # Reviewers and managers nominate any call, an agent proposes their own; team leads do not nominate.
    "library:nominate": Case(
        lambda world: {"call_pk": world.nominable_call.pk},
        GET=page(
            agent=200, other_agent=404, reviewer=200, lead=403, other_lead=403, manager=200, superuser=200
        ),
        POST=page(
            agent=302, other_agent=404, reviewer=302, lead=403, other_lead=403, manager=302, superuser=302
        ),
        data=lambda world: {"title": "Great close"},
    ),
    "library:evaluation_panel": Case(pk_of("evaluation"), GET=AGENT_AND_TEAM_READ, POST=WRONG_METHOD),
    "library:detail": Case(pk_of("library_entry"), GET=everyone(200), POST=WRONG_METHOD),
    "library:detail[pending]": Case(pk_of("pending_entry"), GET=library_pending(200), POST=WRONG_METHOD),
    # The one exception to "agents hear only their own calls": an approved entry's recording, for everyone.
    "library:recording": Case(pk_of("library_entry"), GET=everyone(200), POST=WRONG_METHOD),
    "library:recording[pending]": Case(pk_of("pending_entry"), GET=library_pending(200), POST=WRONG_METHOD),
    "library:played": Case(pk_of("library_entry"), GET=WRONG_METHOD, POST=everyone(204)),
    "library:played[pending]": Case(pk_of("pending_entry"), GET=WRONG_METHOD, POST=library_pending(204)),
    "library:decide": Case(
        pk_of("pending_entry"),
        GET=WRONG_METHOD,
        POST=library_pending(302) | {"reviewer": 403},  # the nominating reviewer reads it, does not decide
        data=lambda world: {"decision": "approve"},
    ),
    "library:decide[approved]": Case(
        pk_of("library_entry"),
        GET=WRONG_METHOD,
        POST=managers_only(302),  # decided already: the manager is told so
        data=lambda world: {"decision": "decline", "reason": "No"},
    ),
    "library:edit": Case(
        pk_of("library_entry"),
        GET=managers_only(200),
        POST=managers_only(302),
        data=lambda world: {"title": "A warm welcome", "notes": "", "tags": ""},
    ),
    "library:clip_add": Case(
        pk_of("library_entry"),
        GET=WRONG_METHOD,
        POST=managers_only(302),
        data=lambda world: {"start_seconds": "0", "end_seconds": "0.05", "note": "Greeting"},
    ),
    "library:clip_delete": Case(
        lambda world: {"pk": world.library_clip.entry_id, "clip_pk": world.library_clip.pk},
        GET=WRONG_METHOD,
        POST=managers_only(302),
    ),
    # Internal-only clips are hidden from agents: 404 to them, 403 to the other roles that see them.
    "library:clip_delete[internal only]": Case(
        lambda world: {"pk": world.internal_clip.entry_id, "clip_pk": world.internal_clip.pk},
        GET=WRONG_METHOD,
        POST=managers_only(302) | {"agent": 404, "other_agent": 404},
    ),
    "library:request_anonymity": Case(
        pk_of("library_entry"),
        GET=WRONG_METHOD,
        POST=page(
            agent=302, other_agent=403, reviewer=403, lead=403, other_lead=403, manager=403, superuser=403
        ),
    ),
    "library:grant_anonymity": Case(pk_of("library_entry"), GET=WRONG_METHOD, POST=managers_only(302)),
    # --- The escalation matrix: everyone signed in reads it, QA managers change it (qa_center.kpis.access)
    "escalations:matrix": Case(none, GET=everyone(200), POST=WRONG_METHOD),
    "escalations:matrix_export": Case(none, GET=everyone(200), POST=WRONG_METHOD),
    "escalations:level_create": Case(
        none,
        GET=managers_only(200),
        POST=managers_only(302),
        data=lambda world: {"name": "Billing", "kind": "department", "order": "1"},
    ),
    "escalations:level_edit": Case(
        pk_of("escalation_level"),
        GET=managers_only(200),
        POST=managers_only(302),
        data=lambda world: {"name": "Team leader", "kind": "level", "order": "3"},
    ),
    "escalations:level_edit[unknown]": Case(
        lambda world: {"pk": 999999}, GET=managers_only(404), POST=managers_only(404)
    ),
    "escalations:level_delete": Case(pk_of("escalation_level"), GET=WRONG_METHOD, POST=managers_only(302)),
    "escalations:rule_create": Case(
        none,
        GET=managers_only(200),
        POST=managers_only(302),
        data=lambda world: {
            "type": "priority",
            "reason": "",
            "handler": str(world.escalation_level.pk),
            "followup_hours": "4",
        },
    ),
    "escalations:rule_edit": Case(
        pk_of("escalation_rule"),
        GET=managers_only(200),
        POST=managers_only(302),
        data=lambda world: {
            "type": "hierarchical",
            "reason": "",
            "handler": str(world.escalation_level.pk),
            "followup_hours": "12",
        },
    ),
    "escalations:rule_delete": Case(pk_of("escalation_rule"), GET=WRONG_METHOD, POST=managers_only(302)),
    # --- Escalation insight and overdue follow-ups: QA managers the center, team leads their teams
    "escalations:insight": Case(none, GET=QA_REPORT_READERS, POST=WRONG_METHOD),
    "escalations:insight_export": Case(
        lambda world: {"table": "type"}, GET=QA_REPORT_READERS, POST=WRONG_METHOD
    ),
    "escalations:insight_export[unknown table]": Case(
        lambda world: {"table": "calls"},
        GET=page(
            agent=403, other_agent=403, reviewer=403, lead=404, other_lead=404, manager=404, superuser=404
        ),
        POST=WRONG_METHOD,
    ),
    # The escalations behind a figure: of the scope, or of one row (team Blue's: `lead`'s, not `other_lead`'s).
    "escalations:list": Case(
        none,
        GET=QA_REPORT_READERS,
        POST=WRONG_METHOD,
        query=lambda world: {"first": "2026-03-01", "last": "2026-03-31", "figure": "late"},
    ),
    "escalations:list[team]": Case(
        none,
        GET=TEAM_DASHBOARD,
        POST=WRONG_METHOD,
        query=lambda world: {
            "first": "2026-03-01",
            "last": "2026-03-31",
            "figure": "overdue",
            "table": "team",
            "key": world.agent.team_id,
        },
    ),
    "escalations:list_export": Case(
        none,
        GET=TEAM_DASHBOARD,
        POST=WRONG_METHOD,
        query=lambda world: {
            "first": "2026-03-01",
            "last": "2026-03-31",
            "figure": "repeats",
            "table": "team",
            "key": world.agent.team_id,
        },
    ),
    "escalations:overdue": Case(none, GET=QA_REPORT_READERS, POST=WRONG_METHOD),
    "escalations:overdue_export": Case(none, GET=QA_REPORT_READERS, POST=WRONG_METHOD),
}


# --- The resolver ------------------------------------------------------------------------------------------


def _walk(resolver: URLResolver, namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or str(pattern.pattern)
            yield f"{namespace}:{name}" if namespace else name


def resolver_url_names() -> set[str]:
    """Every URL name in the project, namespaces composed; the admin and static/media are not ours."""
    names = set(_walk(get_resolver()))
    return {
        name for name in names if not name.startswith("admin:") and not name.startswith(("static", "media"))
    }


def url_name(key: str) -> str:
    return key.split("[", 1)[0]


def test_every_url_pattern_is_in_the_table():
    names = resolver_url_names()
    listed = {url_name(key) for key in TABLE}
    missing = sorted(names - listed)
    stale = sorted(listed - names)
    assert not missing, f"URL patterns missing from the access matrix (add them to TABLE): {missing}"
    assert not stale, f"TABLE names URLs that no longer exist: {stale}"


# --- The matrix --------------------------------------------------------------------------------------------


def _cases():
    for key, case in TABLE.items():
        roles = (*PEOPLE, TOKEN) if case.api else PEOPLE
        for method in METHODS:
            for role in roles:
                yield pytest.param(key, method, role, id=f"{key}-{method}-{role}")


def _writes(queries) -> list[str]:
    """The statements that changed data, less bookkeeping: a refused POST must have none."""
    writes = []
    for query in queries:
        sql = query["sql"].lstrip()
        if not sql.upper().startswith(("INSERT", "UPDATE", "DELETE")):
            continue
        if any(table in sql for table in BOOKKEEPING_TABLES):
            continue
        writes.append(sql)
    return writes


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_root(settings, media_root):
    """The module's recordings and import files stay where the module-wide world saved them."""
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    """The world, built once and rolled back at the end of the module; each test runs in a savepoint of it."""
    fast_hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast_hasher, MEDIA_ROOT=media_root),
        transaction.atomic(),
    ):
        built = World().build_all()
        built.sessions = {}
        for role, user in built.users.items():
            signed_in = Client()
            signed_in.force_login(user)
            built.sessions[role] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "method", "role"), list(_cases()))
def test_access(client, world, key, method, role):
    case = TABLE[key]
    url = reverse(url_name(key), kwargs=case.kwargs(world))
    data = case.data(world) if method == "POST" else case.query(world)
    headers = {}
    if role == TOKEN:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.token_and_secret[1]}"
    elif role != "anonymous":
        # Signed in once for the module (force_login per test would cost more than the request).
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    expected = getattr(case, method)[role]

    with CaptureQueriesContext(connection) as queries:
        if case.api and method == "POST":
            response = client.post(url, data, content_type="application/json", **headers)
        else:
            response = getattr(client, method.lower())(url, data, **headers)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, so the test client closes the file

    if expected == LOGIN:
        assert response.status_code == 302, f"{role} {method} {url}: {response.status_code}, not 302"
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    else:
        assert response.status_code == expected, f"{role} {method} {url}: {response.status_code}"
    if method == "POST" and expected in REFUSED:
        assert not _writes(queries.captured_queries), f"refused, yet {method} {url} wrote to the database"


def test_the_write_check_sees_a_write(db):
    """The "nothing written" check notices a write (so its silence means something), not bookkeeping."""
    world = World()
    notification = world.notification
    with CaptureQueriesContext(connection) as queries:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now() - timedelta(days=1))
        IngestToken.objects.filter(pk=world.token_and_secret[0].pk).update(last_used_at=timezone.now())
    assert len(_writes(queries.captured_queries)) == 1

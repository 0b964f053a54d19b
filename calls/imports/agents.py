"""The import's agent step (issue 7, part 3): a file naming agents the center has not set up yet.

Exports often name agents otherwise than the center does (first names, a login of the phone system), and
every row naming such an agent would be refused. So, when a job whose mapping names an agent or a team column runs, before it writes anything:

- `scan_unknown_agents` reads the file once (the reader streams it) and collects the values of its agent
  column that the agent rule (calls.fields.AGENT_KEYS, the import's converter itself) does not match:
  distinct values, grouped as the rule reads them (stripped, case-insensitive), each with its number of rows
  and the file's most frequent team for those rows when the team column is mapped. Most rows first;
  MAX_LISTED values are listed and the rest counted ("N more values on M rows"): their rows are refused.
  With a team column, its names that no team has (the import would refuse their rows too) are listed
  alike. The scan runs in the worker (calls.imports.jobs), not in the request that saves the mapping: an
  .xlsx sheet reads at a few thousand rows a second, which no request should wait for. A CSV file's scan
  costs about a tenth of its import; an .xlsx file is read twice (the scan, then the import).
- None unknown: the job imports at once, as before. Some: the job gives its claim back and waits as
  "Agents to set up" (ImportJob.Status.NEEDS_AGENTS, started_at cleared), holding the list
  (ImportJob.unknown_agents); no worker claims it, and it can be cancelled or deleted like any job that has
  not run. Its page (polling) reloads into the step's button.
- The step lists each value with its rows and one choice each: map it to an existing agent (by the agent
  rule: agent code or username), create a new agent (username derived from the value, editable; agent
  code = the value; team: an existing team's name, a new team's name, or none; the file's team for those
  rows when it has one), or leave it (its rows are refused with their lines, as before); and each unknown
  team: create it, or leave its rows refused. No choice is assumed: an empty one is an error on its row.
- `apply_agent_choices` checks every choice first (an unknown agent, an empty or invalid username, one
  taken or given twice, an agent code taken): any error → nothing created, each error on its row. Then, in
  one transaction: the new teams (once per name, whatever its case; an existing team by its name), the new
  agents (people records with an unusable password: they sign in after a password reset; their first name
  is the value unless it holds a digit, as a code does), an AgentAlias for each value mapped to an
  existing agent (saved for good: the next file from the same system matches, in the import and in the
  API alike; one mapped by mistake is corrected in the admin), and the job is queued, by a conditional
  UPDATE from "Agents to set up" (a job cancelled meanwhile is not queued, and nothing is created). The
  job keeps its list, which tells its second run that the step is done: it is not scanned again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from calls.fields import AGENT_KEYS, agent_candidates, agents_by_key
from calls.imports.converters import InvalidValue, References, converter_for, datetime_adapter
from calls.imports.mapping import FIELDS_BY_NAME, normalise_header
from calls.imports.reading import FileRefused, FileUnreadable, read_table
from calls.models import AgentAlias, ImportJob
from qa_center.people.models import Team, User

MAX_LISTED = 500  # distinct unknown values listed in the step; the rest are counted
SCAN_TICK = 50_000  # rows between two heartbeats of the job while its file is scanned
MAP, CREATE, LEAVE = "map", "create", "leave"
USERNAME_MAX = User._meta.get_field("username").max_length
AGENT_CODE_MAX = User._meta.get_field("agent_code").max_length
TEAM_NAME_MAX = Team._meta.get_field("name").max_length


@dataclass
class UnknownAgents:
    values: list[dict[str, Any]] = field(default_factory=list)  # {"value", "rows", "team"}, most rows first
    more_values: int = 0
    more_rows: int = 0
    teams: list[dict[str, Any]] = field(default_factory=list)  # {"value", "rows"}: team names no team has
    more_teams: int = 0
    more_team_rows: int = 0

    def as_json(self) -> dict:
        if not self.values and not self.teams:
            return {}
        return {
            "values": self.values,
            "more_values": self.more_values,
            "more_rows": self.more_rows,
            "teams": self.teams,
            "more_teams": self.more_teams,
            "more_team_rows": self.more_team_rows,
        }


class _Tally:
    """Rows per value that a lookup converter refuses, grouped as the rule reads them (stripped, folded)."""

    def __init__(self, convert):
        self.convert = convert
        self.rows: Counter[str] = Counter()  # folded value → rows
        self.spelling: dict[str, str] = {}  # folded value → its first spelling in the file

    def add(self, raw: str) -> str | None:
        """The folded value when `raw` is unknown (counted), else None."""
        key = raw.strip().casefold()
        if key not in self.rows:
            try:
                self.convert(raw)
                return None
            except InvalidValue:
                self.spelling[key] = raw.strip()
        self.rows[key] += 1
        return key

    def ranked(self) -> tuple[list[tuple[str, int]], int, int]:
        """(listed (folded value, rows), most rows first; values not listed; their rows)."""
        ranked = sorted(self.rows.items(), key=lambda item: (-item[1], item[0]))
        rest = ranked[MAX_LISTED:]
        return ranked[:MAX_LISTED], len(rest), sum(count for _key, count in rest)


def needs_scan(columns: dict[str, str]) -> bool:
    return bool(columns.get("agent") or columns.get("team"))


def scan_unknown_agents(
    *, data: bytes, file_name: str, columns: dict[str, str], alive: Callable[[], None] | None = None
) -> UnknownAgents:
    """The agent values (and team names) of the file that no agent (team) matches (see the module's
    docstring); none when those columns are not mapped or not in the file (the import notes that), or the
    file cannot be read (the job refuses it when it runs). `alive` is called every SCAN_TICK rows (the
    job's heartbeat)."""
    found = UnknownAgents()
    if not needs_scan(columns):
        return found
    try:
        table = read_table(data=data, file_name=file_name)
    except FileRefused:  # the job, when it runs, refuses the file with its reason
        return found
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        positions.setdefault(normalise_header(header), index)
    agent_at = positions.get(normalise_header(columns.get("agent") or ""))
    team_at = positions.get(normalise_header(columns.get("team") or ""))
    if agent_at is None and team_at is None:
        return found
    refs = References.load(["agent", "team"])
    adapt = datetime_adapter()
    unknown_agents = _Tally(converter_for(FIELDS_BY_NAME["agent"], refs, "", adapt))
    unknown_teams = _Tally(converter_for(FIELDS_BY_NAME["team"], refs, "", adapt))
    teams_of: dict[str, Counter[str]] = {}  # an unknown agent's folded value → the file's teams of its rows
    try:
        for number, (_line, cells) in enumerate(table.records, start=1):
            if alive is not None and not number % SCAN_TICK:
                alive()
            team = cells[team_at].strip() if team_at is not None and team_at < len(cells) else ""
            if team_at is not None:
                unknown_teams.add(team)
            if agent_at is None:
                continue
            key = unknown_agents.add(cells[agent_at] if agent_at < len(cells) else "")
            if key is not None and team:
                teams_of.setdefault(key, Counter())[team] += 1
    except FileUnreadable:
        pass  # the import stops at the same line, and says so
    listed, found.more_values, found.more_rows = unknown_agents.ranked()
    for key, count in listed:
        team = teams_of[key].most_common(1)[0][0] if key in teams_of else ""
        found.values.append({"value": unknown_agents.spelling[key], "rows": count, "team": team})
    listed, found.more_teams, found.more_team_rows = unknown_teams.ranked()
    found.teams = [{"value": unknown_teams.spelling[key], "rows": count} for key, count in listed]
    return found


# --- The step ---------------------------------------------------------------------------------------------

_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]+")


def derived_username(value: str) -> str:
    """A username for a new agent named `value` in a file: "Anna Maria" → "anna.maria"."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    text = _NOT_IN_USERNAME.sub(".", (ascii_text or value).casefold()).strip(".")
    return text[:USERNAME_MAX] or "agent"


def suggested_usernames(values: list[str]) -> dict[str, str]:
    """{value → a derived username that is free}: one query for the usernames taken among the candidates."""
    derived = {value: derived_username(value) for value in values}
    stems = set(derived.values())
    taken = (
        {
            name.casefold()
            for name in User.objects.filter(username__iregex=_prefix_regex(stems)).values_list(
                "username", flat=True
            )
        }
        if stems
        else set()
    )
    given: dict[str, str] = {}
    for value, stem in derived.items():
        candidate, number = stem, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{stem[: USERNAME_MAX - len(str(number))]}{number}"
        taken.add(candidate.casefold())
        given[value] = candidate
    return given


def _prefix_regex(stems: set[str]) -> str:
    return "^(" + "|".join(re.escape(stem) for stem in sorted(stems)) + r")[0-9]*$"


@dataclass
class AgentChoice:
    value: str
    action: str  # MAP, CREATE, LEAVE or "" (none chosen)
    agent: str = ""  # MAP: the agent code or username of an existing agent
    username: str = ""  # CREATE
    team: str = ""  # CREATE: an existing team's name, a new team's name, or empty


@dataclass
class TeamChoice:
    value: str  # a team name of the file's team column that no team has
    action: str  # CREATE, LEAVE or "" (none chosen)


class ChoicesRefused(Exception):
    def __init__(self, errors: dict[int, str], team_errors: dict[int, str] | None = None):
        super().__init__("; ".join([*errors.values(), *(team_errors or {}).values()]))
        self.errors = errors  # position of the agent choice → the reason, shown on its row
        self.team_errors = team_errors or {}  # position of the team choice → the reason


@dataclass
class Applied:
    created_agents: int = 0
    created_teams: int = 0
    aliases: int = 0
    left: int = 0


def apply_agent_choices(
    *, job: ImportJob, choices: list[AgentChoice], user, team_choices: list[TeamChoice] = ()
) -> Applied | None:
    """Carry out the manager's choices and queue the job, all or nothing (see the module's docstring).

    ChoicesRefused with the reasons per row when a choice cannot be carried out (nothing is written);
    None when the job is no longer waiting for its agents (cancelled, or the step submitted twice)."""
    from calls.imports import tasks  # the task runs the jobs service, which calls this module's scan

    plan = _checked(choices, list(team_choices))
    applied = Applied(left=sum(1 for choice in choices if choice.action == LEAVE))
    with transaction.atomic():
        queued = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.NEEDS_AGENTS).update(
            status=ImportJob.Status.PENDING
        )
        if not queued:
            return None
        teams = {key: team for key, team in plan.teams.items() if team is not None}
        new_teams = [Team(name=plan.new_team_names[key]) for key, team in plan.teams.items() if team is None]
        for team in Team.objects.bulk_create(new_teams):
            teams[team.name.casefold()] = team
        applied.created_teams = len(new_teams)
        unusable = make_password(None)
        agents = [
            User(
                username=choice.username,
                agent_code=choice.value,
                first_name=choice.value if not any(c.isdigit() for c in choice.value) else "",
                is_agent=True,
                team=teams.get(choice.team.casefold()) if choice.team else None,
                password=unusable,
            )
            for choice in plan.creates
        ]
        User.objects.bulk_create(agents)
        applied.created_agents = len(agents)
        # A name saved earlier for someone who is no longer an agent gives way to the manager's choice.
        names = [choice.value.lower() for choice, _pk in plan.maps]
        AgentAlias.objects.annotate(folded=Lower("name")).filter(folded__in=names).delete()
        AgentAlias.objects.bulk_create(
            [
                AgentAlias(name=choice.value, agent_id=agent_pk, job=job, created_by=user)
                for choice, agent_pk in plan.maps
            ]
        )
        applied.aliases = len(plan.maps)
        job.status = ImportJob.Status.PENDING
        tasks.import_calls.delay_on_commit(job.pk)
    return applied


@dataclass
class _Plan:
    creates: list[AgentChoice] = field(default_factory=list)
    maps: list[tuple[AgentChoice, int]] = field(default_factory=list)
    teams: dict[str, Team | None] = field(default_factory=dict)  # folded name → team, or None: create
    new_team_names: dict[str, str] = field(default_factory=dict)  # folded name → the name as first given


def _checked(choices: list[AgentChoice], team_choices: list[TeamChoice]) -> _Plan:
    """What the choices will write, or ChoicesRefused: three queries (agents, teams, usernames and codes)."""
    errors: dict[int, str] = {}
    team_errors: dict[int, str] = {}
    plan = _Plan()
    existing_teams: dict[str, Team] = {}
    if team_choices or any(choice.action == CREATE for choice in choices):
        existing_teams = {team.name.casefold(): team for team in Team.objects.all()}
    for position, team_choice in enumerate(team_choices):
        if team_choice.action == CREATE:
            key = team_choice.value.casefold()
            plan.teams.setdefault(key, existing_teams.get(key))
            plan.new_team_names.setdefault(key, team_choice.value)
        elif team_choice.action != LEAVE:
            team_errors[position] = _("Choose whether to create this team.")
    keys = list(agent_candidates().values_list(*AGENT_KEYS, "pk"))
    exact, folded = agents_by_key(keys), agents_by_key(keys, fold=True)
    creating = [(i, c) for i, c in enumerate(choices) if c.action == CREATE]
    usernames = {c.username.lower() for _i, c in creating if c.username}
    codes = {c.value.lower() for _i, c in creating}
    taken_usernames: set[str] = set()
    taken_codes: set[str] = set()
    if creating:
        same = User.objects.annotate(folded_username=Lower("username"), folded_code=Lower("agent_code"))
        for username, code in same.filter(
            Q(folded_username__in=usernames) | Q(folded_code__in=codes)
        ).values_list("username", "agent_code"):
            taken_usernames.add(username.casefold())
            taken_codes.add(code.casefold())
    seen_usernames: dict[str, int] = {}
    validate_username = UnicodeUsernameValidator()
    for position, choice in enumerate(choices):
        if choice.action == LEAVE:
            continue
        if choice.action == MAP:
            wanted = choice.agent.strip()
            if not wanted:
                errors[position] = _("Choose the agent these rows belong to.")
                continue
            pk = exact.get(wanted) or folded.get(wanted.casefold())
            if pk is None:
                errors[position] = _("No agent has the agent code or username “%s”.") % wanted
                continue
            if len(choice.value) > AgentAlias._meta.get_field("name").max_length:
                errors[position] = _("This value is too long to be saved as an agent's other name.")
                continue
            plan.maps.append((choice, pk))
        elif choice.action == CREATE:
            error = _username_error(choice.username, validate_username)
            folded_name = choice.username.casefold()
            if error is None and folded_name in taken_usernames:
                error = _("The username “%s” is taken; choose another.") % choice.username
            if error is None and folded_name in seen_usernames:
                error = _("The username “%(name)s” is also given on the row of “%(other)s”.") % {
                    "name": choice.username,
                    "other": choices[seen_usernames[folded_name]].value,
                }
            if error is None and len(choice.value) > AGENT_CODE_MAX:
                error = _("This value is longer than an agent code (%(max)s characters): map it instead.") % {
                    "max": AGENT_CODE_MAX
                }
            if error is None and choice.value.casefold() in taken_codes:
                error = _("Another person already has the agent code “%s”.") % choice.value
            if error is None and len(choice.team) > TEAM_NAME_MAX:
                error = _("A team name has at most %(max)s characters.") % {"max": TEAM_NAME_MAX}
            if error is not None:
                errors[position] = error
                continue
            seen_usernames.setdefault(folded_name, position)
            if choice.team:
                # An existing team by its name, whatever the case; else a new one (once per name).
                plan.teams.setdefault(choice.team.casefold(), existing_teams.get(choice.team.casefold()))
                plan.new_team_names.setdefault(choice.team.casefold(), choice.team)
            plan.creates.append(choice)
        else:
            errors[position] = _("Choose what to do with these rows.")
    if errors or team_errors:
        raise ChoicesRefused(errors, team_errors)
    return plan


def _username_error(username: str, validate) -> str | None:
    if not username:
        return _("Give the new agent a username.")
    if len(username) > USERNAME_MAX:
        return _("A username has at most %(max)s characters.") % {"max": USERNAME_MAX}
    try:
        validate(username)
    except ValidationError:
        return _("A username may hold letters, digits and @ . + - _ only.")
    return None

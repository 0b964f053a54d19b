"""The import's agent step (issue 7, part 3): a file naming agents the center does not know lists them, with
their rows, and the manager maps each to an agent, creates it (and its team), or leaves its rows refused;
mapped names are kept as agent aliases, which the import and the API both match afterwards."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from calls.imports import agents, jobs
from calls.imports.agents import AgentChoice, ChoicesRefused, apply_agent_choices, scan_unknown_agents
from calls.models import AgentAlias, Call, ImportJob
from qa_center.people.models import Team, User
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, call, make_csv
from tests.calls.ingest.helpers import call_payload, token_client
from tests.factories import AgentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

TEAM_COLUMNS = {**BASIC_COLUMNS, "team": "team"}
TEAM_HEADER = [*BASIC_HEADER, "team"]


def rows_naming(*agents_and_teams) -> list[list[str]]:
    """One call per (agent, team) given, ids C1, C2…"""
    return [
        [*basic_row(f"C{number}", agent=agent), team]
        for number, (agent, team) in enumerate(agents_and_teams, start=1)
    ]


SAMPLE = rows_naming(
    ("Anna", "Sales"),
    ("A100", "Blue"),  # jdoe, by agent code
    ("bruno", "Sales"),
    ("anna ", "Sales"),  # Anna again: the rule strips and ignores case
    ("Bruno", "Sales"),
    ("ANNA", "Sales"),
    ("JDOE", "Blue"),  # jdoe, by username, whatever the case
    ("", ""),  # no agent: not an unknown one
)


def make_job(rows=SAMPLE, *, user=None, columns=TEAM_COLUMNS, header=TEAM_HEADER) -> ImportJob:
    """A job mapped and run by a worker, which stops it at the agent step when the file names unknown ones."""
    data = make_csv(header, rows)
    job = ImportJob.objects.create(
        file=ContentFile(data, name="calls.csv"), original_name="calls.csv", created_by=user
    )
    assert jobs.configure_import_job(job=job, columns=columns, date_format="", mapping=None)
    assert jobs.run_import_job(job_id=job.pk) is not None
    job.refresh_from_db()
    return job


# --- The scan ---------------------------------------------------------------------------------------------


def test_the_scan_lists_unknown_agent_values_with_their_rows_and_team_most_rows_first(jdoe):
    data = make_csv(TEAM_HEADER, SAMPLE)
    found = scan_unknown_agents(data=data, file_name="calls.csv", columns=TEAM_COLUMNS)
    assert found.values == [
        {"value": "Anna", "rows": 3, "team": "Sales"},
        {"value": "bruno", "rows": 2, "team": "Sales"},
    ]
    assert (found.more_values, found.more_rows) == (0, 0)


def test_the_scan_lists_team_names_no_team_has(jdoe):
    rows = rows_naming(("A100", "Sales"), ("A100", "blue"), ("A100", "sales"), ("A100", ""))
    found = scan_unknown_agents(data=make_csv(TEAM_HEADER, rows), file_name="c.csv", columns=TEAM_COLUMNS)
    assert (found.values, found.teams) == ([], [{"value": "Sales", "rows": 2}])
    assert found.as_json()["teams"] == [{"value": "Sales", "rows": 2}]


def test_unknown_teams_created_or_left(jdoe, manager, django_capture_on_commit_callbacks):
    job = make_job(rows_naming(("A100", "Sales"), ("A100", "Night"), ("A100", "Sales")))
    assert [t["value"] for t in job.unknown_agents["teams"]] == ["Sales", "Night"]
    team_choices = [agents.TeamChoice("Sales", agents.CREATE), agents.TeamChoice("Night", agents.LEAVE)]
    with django_capture_on_commit_callbacks(execute=True):
        applied = apply_agent_choices(job=job, choices=[], team_choices=team_choices, user=manager)
    assert applied.created_teams == 1
    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_count) == (ImportJob.Status.PARTIAL, 2, 1)
    assert call("C1").team.name == "Sales" and call("C3").team.name == "Sales"
    assert job.row_errors.get().line_number == 3


def test_a_team_without_a_choice_is_refused_on_its_row(jdoe, manager):
    job = make_job(rows_naming(("Anna", "Sales")))
    with pytest.raises(ChoicesRefused) as refused:
        apply_agent_choices(
            job=job,
            choices=[AgentChoice("Anna", agents.LEAVE)],
            team_choices=[agents.TeamChoice("Sales", "")],
            user=manager,
        )
    assert (refused.value.errors, refused.value.team_errors) == (
        {},
        {0: "Choose whether to create this team."},
    )
    assert not Team.objects.filter(name="Sales").exists()


def test_the_scan_without_a_team_column_or_an_agent_column(jdoe):
    data = make_csv(BASIC_HEADER, [basic_row("C1", agent="Anna")])
    found = scan_unknown_agents(data=data, file_name="calls.csv", columns=BASIC_COLUMNS)
    assert found.values == [{"value": "Anna", "rows": 1, "team": ""}]
    no_agent = {name: header for name, header in BASIC_COLUMNS.items() if name != "agent"}
    assert scan_unknown_agents(data=data, file_name="calls.csv", columns=no_agent).as_json() == {}


def test_the_scan_lists_at_most_max_listed_values_and_counts_the_rest(jdoe, monkeypatch):
    monkeypatch.setattr(agents, "MAX_LISTED", 2)
    rows = rows_naming(*[(name, "") for name in ["Ann", "Ann", "Ann", "Bo", "Bo", "Cy", "Di", "Di"]])
    found = scan_unknown_agents(data=make_csv(TEAM_HEADER, rows), file_name="c.csv", columns=TEAM_COLUMNS)
    assert [v["value"] for v in found.values] == ["Ann", "Bo"]
    assert (found.more_values, found.more_rows) == (2, 3)  # Di (2 rows) and Cy (1 row)


def test_a_file_whose_agents_and_teams_are_all_known_imports_at_once(jdoe):
    job = make_job(rows_naming(("A100", "Blue"), ("jdoe", "")))
    assert (job.status, job.unknown_agents, job.created_count) == (ImportJob.Status.DONE, {}, 2)


def test_a_job_waiting_for_its_agents_is_not_run_by_a_worker(jdoe):
    job = make_job()
    assert job.status == ImportJob.Status.NEEDS_AGENTS
    assert (job.started_at, job.processed_rows) == (None, 0)  # the claim is given back, nothing written
    assert [v["value"] for v in job.unknown_agents["values"]] == ["Anna", "bruno"]
    assert jobs.run_import_job(job_id=job.pk) is None
    assert not Call.objects.exists()


def test_the_scan_keeps_the_jobs_heartbeat(jdoe, monkeypatch):
    monkeypatch.setattr(agents, "SCAN_TICK", 2)
    beats = []
    data = make_csv(TEAM_HEADER, SAMPLE)
    scan_unknown_agents(data=data, file_name="c.csv", columns=TEAM_COLUMNS, alive=lambda: beats.append(1))
    assert len(beats) == 4  # 8 rows


# --- Applying the choices ---------------------------------------------------------------------------------


def test_map_create_and_leave_then_the_import_runs_with_the_right_agents(
    jdoe, manager, django_capture_on_commit_callbacks
):
    job = make_job(
        rows_naming(("Anna", "Sales"), ("Bruno", "Sales"), ("ghost", ""), ("A100", ""), ("anna", ""))
    )
    choices = [
        AgentChoice("Anna", agents.MAP, agent="JDoe"),  # by username, whatever the case
        AgentChoice("Bruno", agents.CREATE, username="bruno", team="Sales"),
        AgentChoice("ghost", agents.LEAVE),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        applied = apply_agent_choices(job=job, choices=choices, user=manager)
    assert (applied.created_agents, applied.created_teams, applied.aliases, applied.left) == (1, 1, 1, 1)

    bruno = User.objects.get(username="bruno")
    assert (bruno.is_agent, bruno.agent_code, bruno.team.name, bruno.first_name) == (
        True,
        "Bruno",
        "Sales",
        "Bruno",
    )
    assert not bruno.has_usable_password()
    assert not (bruno.is_qa_manager or bruno.is_reviewer or bruno.is_team_lead or bruno.is_staff)
    alias = AgentAlias.objects.get()
    assert (alias.name, alias.agent, alias.job, alias.created_by) == ("Anna", jdoe, job, manager)

    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_count) == (ImportJob.Status.PARTIAL, 4, 1)
    assert call("C1").agent == jdoe and call("C5").agent == jdoe
    assert (call("C2").agent, call("C2").team.name) == (bruno, "Sales")
    assert [(e.line_number, e.message) for e in job.row_errors.all()] == [
        (4, "agent: unknown agent “ghost”: no user has this agent code or username")
    ]


def test_an_existing_team_is_chosen_by_its_name_whatever_the_case(jdoe, manager, team):
    job = make_job(rows_naming(("Bruno", "")))
    apply_agent_choices(
        job=job, choices=[AgentChoice("Bruno", agents.CREATE, username="bruno", team="BLUE")], user=manager
    )
    assert User.objects.get(username="bruno").team == team
    assert Team.objects.count() == 1


def test_two_new_agents_of_one_new_team_create_it_once(jdoe, manager):
    job = make_job(rows_naming(("Anna", ""), ("Bruno", "")))
    choices = [
        AgentChoice("Anna", agents.CREATE, username="anna", team="Night shift"),
        AgentChoice("Bruno", agents.CREATE, username="bruno", team="night shift"),
    ]
    applied = apply_agent_choices(job=job, choices=choices, user=manager)
    assert applied.created_teams == 1
    assert set(
        User.objects.filter(is_agent=True, team__name="Night shift").values_list("username", flat=True)
    ) == {
        "anna",
        "bruno",
    }


def test_a_saved_alias_matches_the_next_file_and_the_api(jdoe, manager, call_type):
    job = make_job(rows_naming(("Anna", "")))
    apply_agent_choices(job=job, choices=[AgentChoice("Anna", agents.MAP, agent="A100")], user=manager)

    # The next export of the same system: no step, and its calls are jdoe's.
    data = make_csv(TEAM_HEADER, rows_naming(("ANNA", "")))
    assert scan_unknown_agents(data=data, file_name="calls.csv", columns=TEAM_COLUMNS).as_json() == {}
    result = jobs.import_calls_from_file(data=data, file_name="calls.csv", columns=TEAM_COLUMNS)
    assert (result.created, result.refused) == (1, 0)
    assert call("C1").agent == jdoe

    # The API matches the same name by the same rule.
    api, _token, _secret = token_client()
    response = api.post("/api/v1/calls/", call_payload(external_id="API-1", agent=" anna "), format="json")
    assert response.status_code in (200, 201), response.json()
    assert Call.objects.get(external_id="API-1").agent == jdoe


def test_an_agent_code_or_username_wins_over_an_alias(jdoe, manager):
    """An alias is the weakest key: an agent whose own code is that name keeps the calls naming it."""
    AgentAlias.objects.create(name="Anna", agent=jdoe)
    anna = AgentFactory(username="anna.k", agent_code="Anna")
    result = jobs.import_calls_from_file(
        data=make_csv(BASIC_HEADER, [basic_row("C1", agent="Anna")]), file_name="c.csv", columns=BASIC_COLUMNS
    )
    assert result.created == 1 and call("C1").agent == anna


def test_an_alias_of_someone_no_longer_an_agent_matches_nobody(jdoe, manager):
    AgentAlias.objects.create(name="Anna", agent=jdoe)
    User.objects.filter(pk=jdoe.pk).update(is_agent=False)
    data = make_csv(BASIC_HEADER, [basic_row("C1", agent="Anna")])
    found = scan_unknown_agents(data=data, file_name="c.csv", columns=BASIC_COLUMNS)
    assert found.values == [{"value": "Anna", "rows": 1, "team": ""}]


@pytest.mark.parametrize(
    ("choices", "errors"),
    [
        pytest.param(
            [AgentChoice("Anna", ""), AgentChoice("bruno", agents.LEAVE)],
            {0: "Choose what to do with these rows."},
            id="no choice",
        ),
        pytest.param(
            [AgentChoice("Anna", agents.MAP), AgentChoice("bruno", agents.MAP, agent="nobody")],
            {
                0: "Choose the agent these rows belong to.",
                1: "No agent has the agent code or username “nobody”.",
            },
            id="no agent, unknown agent",
        ),
        pytest.param(
            [AgentChoice("Anna", agents.MAP, agent="manager"), AgentChoice("bruno", agents.LEAVE)],
            {0: "No agent has the agent code or username “manager”."},
            id="a QA manager is no agent",
        ),
        pytest.param(
            [
                AgentChoice("Anna", agents.CREATE, username="sam"),
                AgentChoice("bruno", agents.CREATE, username="SAM"),
            ],
            {1: "The username “SAM” is also given on the row of “Anna”."},
            id="duplicate usernames",
        ),
        pytest.param(
            [
                AgentChoice("Anna", agents.CREATE, username="Manager"),
                AgentChoice("bruno", agents.CREATE, username=""),
            ],
            {0: "The username “Manager” is taken; choose another.", 1: "Give the new agent a username."},
            id="taken or empty username",
        ),
        pytest.param(
            [
                AgentChoice("Anna", agents.CREATE, username="anna k"),
                AgentChoice("bruno", agents.LEAVE),
            ],
            {0: "A username may hold letters, digits and @ . + - _ only."},
            id="invalid username",
        ),
    ],
)
def test_bad_choices_are_refused_on_their_rows_and_nothing_is_created(jdoe, manager, choices, errors):
    job = make_job()
    before = (User.objects.count(), Team.objects.count(), AgentAlias.objects.count())
    with pytest.raises(ChoicesRefused) as refused:
        apply_agent_choices(job=job, choices=choices, user=manager)
    assert refused.value.errors == errors
    assert (User.objects.count(), Team.objects.count(), AgentAlias.objects.count()) == before
    job.refresh_from_db()
    assert job.status == ImportJob.Status.NEEDS_AGENTS


def test_an_agent_code_held_by_someone_else_is_refused(jdoe, manager):
    UserFactory(username="old", agent_code="anna")  # a former agent, no longer one
    job = make_job(rows_naming(("Anna", "")))
    with pytest.raises(ChoicesRefused) as refused:
        apply_agent_choices(
            job=job, choices=[AgentChoice("Anna", agents.CREATE, username="anna")], user=manager
        )
    assert refused.value.errors == {0: "Another person already has the agent code “Anna”."}


# --- Cancel, delete, and the race with the step -----------------------------------------------------------


def test_a_job_waiting_for_its_agents_can_be_cancelled_and_then_the_step_creates_nothing(jdoe, manager):
    job = make_job()
    assert job.can_cancel and job.can_delete
    assert jobs.cancel_import_job(job=job)
    assert job.status == ImportJob.Status.CANCELLED
    choices = [AgentChoice("Anna", agents.CREATE, username="anna"), AgentChoice("bruno", agents.LEAVE)]
    assert apply_agent_choices(job=job, choices=choices, user=manager) is None
    assert not User.objects.filter(username="anna").exists()
    assert jobs.run_import_job(job_id=job.pk) is None


def test_the_step_page_offers_cancel_and_the_cancel_view_cancels(client, manager, jdoe):
    job = make_job()
    client.force_login(manager)
    html = client.get(step_url(job)).content.decode()
    assert (
        reverse("imports:cancel", args=[job.pk]) in html and reverse("imports:delete", args=[job.pk]) in html
    )
    response = client.post(reverse("imports:cancel", args=[job.pk]))
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ImportJob.Status.CANCELLED, "")
    # The step is over: its address sends back to the job page, and a late submit creates nothing.
    late = {"action-0": "create", "username-0": "anna", "action-1": "leave", "teamaction-0": "create"}
    assert client.post(step_url(job), late)["Location"] == reverse("imports:detail", args=[job.pk])
    assert (
        not User.objects.filter(username="anna").exists() and not Team.objects.filter(name="Sales").exists()
    )


def test_a_job_waiting_for_its_agents_can_be_deleted(jdoe):
    job = make_job()
    assert jobs.delete_import_job(job=job)
    assert not ImportJob.objects.filter(pk=job.pk).exists()


def test_the_step_applies_once(jdoe, manager):
    job = make_job(rows_naming(("Anna", "")))
    assert apply_agent_choices(job=job, choices=[AgentChoice("Anna", agents.LEAVE)], user=manager)
    again = [AgentChoice("Anna", agents.CREATE, username="anna")]
    assert apply_agent_choices(job=job, choices=again, user=manager) is None
    assert not User.objects.filter(username="anna").exists()


# --- The page ---------------------------------------------------------------------------------------------


def step_url(job) -> str:
    return reverse("imports:agents", args=[job.pk])


def test_the_job_page_leads_to_the_step_when_the_file_names_unknown_agents(
    client, manager, jdoe, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    data = make_csv(TEAM_HEADER, SAMPLE)
    job = ImportJob.objects.create(file=ContentFile(data, name="calls.csv"), original_name="calls.csv")
    post = {**TEAM_COLUMNS, "date_format": "", "save_as": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:mapping", args=[job.pk]), post)
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.NEEDS_AGENTS and not Call.objects.exists()
    detail = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert step_url(job) in detail and 'hx-trigger="every 1s"' not in detail
    # The page that polled while the worker scanned reloads once into the step's button.
    progress = client.get(reverse("imports:progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert progress["HX-Refresh"] == "true"


def test_the_step_page_lists_each_value_with_its_rows_a_free_username_and_the_files_team(
    client, manager, jdoe
):
    UserFactory(username="anna")  # taken: the new agent is offered "anna2"
    job = make_job()
    client.force_login(manager)
    response = client.get(step_url(job))
    assert response.status_code == 200
    form = response.context["form"]
    rows = list(form.rows())
    assert [(r["entry"]["value"], r["entry"]["rows"]) for r in rows] == [("Anna", 3), ("bruno", 2)]
    assert [r["username"].value() for r in rows] == ["anna2", "bruno"]
    assert [r["team"].value() for r in rows] == ["Sales", "Sales"]
    html = response.content.decode()
    assert '<datalist id="known-agents">' in html and 'value="A100"' in html
    assert 'value="manager"' not in html  # only agents are offered


def test_the_step_page_says_how_many_values_are_not_listed(client, manager, jdoe, monkeypatch):
    monkeypatch.setattr(agents, "MAX_LISTED", 1)
    job = make_job()
    client.force_login(manager)
    html = client.get(step_url(job)).content.decode()
    assert "1 more unknown value, on 2 rows, is not listed" in html


def test_a_refused_submit_shows_each_error_on_its_row_and_keeps_what_was_typed(client, manager, jdoe):
    job = make_job()
    client.force_login(manager)
    post = {"action-0": "create", "username-0": "jdoe", "team-0": "Sales", "action-1": ""}
    response = client.post(step_url(job), post)
    assert response.status_code == 200
    rows = list(response.context["form"].rows())
    assert rows[0]["errors"] == ["The username “jdoe” is taken; choose another."]
    assert rows[1]["errors"] == ["Choose what to do with these rows."]
    teams = list(response.context["form"].team_rows())
    assert [(t["entry"]["value"], t["errors"]) for t in teams] == [
        ("Sales", ["Choose whether to create this team."])
    ]
    assert rows[0]["team"].value() == "Sales"
    assert "Nothing was created" in response.content.decode()
    assert not Team.objects.filter(name="Sales").exists()


def test_the_step_submitted_runs_the_import(client, manager, jdoe, django_capture_on_commit_callbacks):
    job = make_job()
    client.force_login(manager)
    post = {
        "action-0": "map",
        "agent-0": "A100",
        "action-1": "create",
        "username-1": "bruno",
        "team-1": "Sales",
        "teamaction-0": "create",  # the file's "Sales" (Bruno's new team): created once
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(job), post)
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.DONE, 8)
    assert set(Call.objects.filter(agent__username="bruno").values_list("external_id", flat=True)) == {
        "C3",
        "C5",
    }
    # Done: the step sends back to the job page.
    assert client.get(step_url(job))["Location"] == reverse("imports:detail", args=[job.pk])


def test_another_managers_job_is_shared_and_other_roles_are_refused(
    client, manager, jdoe, agent, reviewer, lead
):
    job = make_job(user=UserFactory(username="manager2", is_qa_manager=True))
    client.force_login(manager)
    assert client.get(step_url(job)).status_code == 200
    for person in (agent, reviewer, lead):
        client.force_login(person)
        assert client.get(step_url(job)).status_code == 403
        response = client.post(step_url(job), {"action-0": "create", "username-0": "x", "action-1": "leave"})
        assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.NEEDS_AGENTS


def test_an_unknown_job_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("imports:agents", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", [5, 100])
def test_the_step_page_costs_the_same_queries_for_5_and_100_values(
    client, manager, jdoe, size, django_assert_num_queries
):
    TeamFactory(name="Green")
    AgentFactory(username="sam")
    job = make_job(rows_naming(*[(f"Agent {number}", "Sales") for number in range(size)]))
    assert len(job.unknown_agents["values"]) == size
    client.force_login(manager)
    # Session, user, unread notifications (the menu), job, the usernames taken among the suggestions, the
    # agents and the teams offered.
    with django_assert_num_queries(7):
        response = client.get(step_url(job))
    assert response.status_code == 200

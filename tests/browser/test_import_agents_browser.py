"""In a real browser: a QA manager imports a file naming two agents the center does not know ("Anna", "Bruno")
and one it does; the import stops at the agent step, where Anna is mapped to an existing agent and Bruno is
created in a new team; the import then runs and every call has the right agent (issue 7, part 3)."""

import pytest
from django.urls import reverse

from calls.models import AgentAlias, Call, ImportJob
from qa_center.people.models import User
from tests.calls.imports.helpers import BASIC_HEADER, basic_row, make_csv
from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_manager_maps_one_unknown_agent_and_creates_the_other(
    live_server, transactional_db, page, call_type
):
    UserFactory(username="manager", is_qa_manager=True)
    known = AgentFactory(username="jdoe", agent_code="A100")
    anna = AgentFactory(username="anna.k", agent_code="AK7", first_name="Anna", last_name="Kalniņa")
    data = make_csv(
        BASIC_HEADER,
        [
            basic_row("C1", agent="Anna"),
            basic_row("C2", agent="Bruno"),
            basic_row("C3", agent="A100"),
            basic_row("C4", agent="anna"),
        ],
    )

    page.goto(live_server.url + reverse("imports:new"))
    page.fill("#id_username", "manager")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('imports:new')}")

    # Upload; the columns are our own field names, so the mapping is pre-filled: import.
    page.set_input_files("#id_file", files=[{"name": "calls.csv", "mimeType": "text/csv", "buffer": data}])
    page.click("form[action='/imports/new/'] button[type=submit]")
    page.wait_for_url("**/imports/*/mapping/")
    page.click("#mapping-form button[type=submit]")

    # The worker (eager in tests) stops the job before writing anything: the job page leads to the step,
    # which lists the two unknown values with their rows.
    job = ImportJob.objects.get()
    page.wait_for_url(f"**{reverse('imports:detail', args=[job.pk])}")
    page.click("#set-up-agents")
    page.wait_for_url("**/imports/*/agents/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.NEEDS_AGENTS and not Call.objects.exists()
    rows = page.locator("#unknown-agents tbody tr")
    assert rows.evaluate_all("rows => rows.map(row => row.dataset.value)") == ["Anna", "Bruno"]
    anna_row = page.locator("#unknown-agents tr[data-value='Anna']")
    bruno_row = page.locator("#unknown-agents tr[data-value='Bruno']")
    assert anna_row.locator("td").nth(1).inner_text() == "2"

    # Anna → the existing agent, picked from the list by her agent code; Bruno → a new agent, new team.
    anna_row.locator("input[type=radio][value=map]").check()
    anna_row.locator("input[list=known-agents]").fill("AK7")
    bruno_row.locator("input[type=radio][value=create]").check()
    username = bruno_row.locator("input[name^='username-']")
    assert username.input_value() == "bruno"  # derived from the value, editable
    username.fill("bruno.b")
    bruno_row.locator("input[list=known-teams]").fill("Night shift")
    page.click("#apply-agents")

    # Back on the job page: the import ran (Celery is eager in tests) and is done.
    page.wait_for_url(f"**{reverse('imports:detail', args=[job.pk])}")
    page.wait_for_selector("#import-progress [data-status='done']")
    assert page.locator("#created-count").inner_text() == "4"

    bruno = User.objects.get(username="bruno.b")
    assert (bruno.is_agent, bruno.agent_code, bruno.team.name) == (True, "Bruno", "Night shift")
    assert not bruno.has_usable_password()
    agents = dict(Call.objects.values_list("external_id", "agent__username"))
    assert agents == {"C1": anna.username, "C2": "bruno.b", "C3": known.username, "C4": anna.username}
    assert AgentAlias.objects.get().agent == anna

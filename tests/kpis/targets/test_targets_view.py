"""The targets page: QA managers set center targets and benchmarks, and overrides per team or call type; each
value within its KPI's bounds (the error next to its field); a cleared field removes the value."""

import pytest
from django.urls import reverse

from qa_center.kpis.definitions import KPIS
from qa_center.kpis.models import CENTER_ID, KpiBenchmark, KpiTarget, ScopeKind
from qa_center.kpis.targets.selectors import targets_for
from qa_center.kpis.targets.services import set_benchmark, set_target
from tests.factories import AgentFactory, CallTypeFactory, TeamFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("kpi_targets:targets")


def center_data(**values) -> dict:
    """The center form as the page would post it: every field, blank unless given."""
    data = {}
    for kpi in KPIS:
        for prefix in ("target", "benchmark", "source"):
            data[f"{prefix}_{kpi.key}"] = ""
    data.update({name: str(value) for name, value in values.items()})
    return data


def override_data(**values) -> dict:
    data = {f"target_{kpi.key}": "" for kpi in KPIS}
    data.update({name: str(value) for name, value in values.items()})
    return data


@pytest.mark.parametrize("role", ["agent", "reviewer", "lead"])
def test_other_roles_are_refused_and_nothing_changes(client, request, role, team, call_type):
    set_target(kpi="aht", value=300, by=None)
    client.force_login(request.getfixturevalue(role))
    for url in (
        PAGE,
        reverse("kpi_targets:team", args=[team.pk]),
        reverse("kpi_targets:call_type", args=[call_type.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, center_data(target_aht=100)).status_code == 403
    assert list(KpiTarget.objects.values_list("kpi", "value")) == [("aht", 300)]


def test_an_unknown_team_or_call_type_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("kpi_targets:team", args=[999])).status_code == 404
    assert (
        client.post(reverse("kpi_targets:call_type", args=[999]), override_data(target_aht=1)).status_code
        == 404
    )
    assert not KpiTarget.objects.exists()


def test_the_manager_sets_targets_and_benchmarks_with_who_set_them(client, manager):
    client.force_login(manager)
    response = client.post(
        PAGE,
        center_data(
            target_service_level=80,
            target_abandon_rate=5,
            target_nps=30,
            target_csat_mean=4.2,
            benchmark_service_level=80,
            source_service_level="Typical industry figure: 80 % in 20 s",
        ),
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    assert targets_for() == {"service_level": 80, "abandon_rate": 5, "nps": 30, "csat_mean": 4.2}
    assert set(KpiTarget.objects.values_list("updated_by", flat=True)) == {manager.pk}
    benchmark = KpiBenchmark.objects.get()
    assert (benchmark.kpi, benchmark.value, benchmark.source, benchmark.updated_by) == (
        "service_level",
        80,
        "Typical industry figure: 80 % in 20 s",
        manager,
    )
    response = client.get(PAGE)
    assert response.context["form"]["target_service_level"].value() == 80
    page = response.content.decode()
    assert 'name="target_service_level" id="id_target_service_level"' in page and 'value="80"' in page
    assert "Typical industry figure: 80 % in 20 s" in page


def test_only_changed_values_are_written(client, manager, lead):
    set_target(kpi="aht", value=300, by=lead)
    client.force_login(manager)
    client.post(PAGE, center_data(target_aht=300, target_fcr_rate=70))
    assert KpiTarget.objects.get(kpi="aht").updated_by == lead  # unchanged: still the lead's
    assert KpiTarget.objects.get(kpi="fcr_rate").updated_by == manager


def test_clearing_a_field_removes_the_target_and_the_benchmark(client, manager):
    set_target(kpi="aht", value=300, by=manager)
    set_target(kpi="nps", value=30, by=manager)
    set_benchmark(kpi="nps", value=30, source="Typical figure", by=manager)
    client.force_login(manager)
    client.post(PAGE, center_data(target_nps=30))
    assert targets_for() == {"nps": 30}
    assert not KpiBenchmark.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target_answer_rate", 101, "from 0 to 100"),
        ("target_abandon_rate", -1, "from 0 to 100"),
        ("target_nps", -101, "from -100 to 100"),
        ("benchmark_nps", 100.5, "from -100 to 100"),
        ("target_average_wait", -5, "0 or more"),
        ("target_csat_mean", 0.5, "from 1 to 5"),
        ("target_csat_mean", 5.5, "from 1 to 5"),
        ("target_qa_score", 100.1, "from 0 to 100"),
        ("target_aht", "fast", "Enter a number"),
    ],
)
def test_a_value_out_of_its_kpis_bounds_is_refused_next_to_its_field(client, manager, field, value, message):
    client.force_login(manager)
    response = client.post(PAGE, center_data(**{field: value}, target_fcr_rate=70))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0].replace("−", "-")
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and "is-invalid" in html
    assert not KpiTarget.objects.exists()  # nothing is saved, not even the valid FCR target


def test_values_at_the_bounds_are_accepted(client, manager):
    client.force_login(manager)
    response = client.post(
        PAGE, center_data(target_answer_rate=100, target_nps=-100, target_csat_mean=1, target_average_wait=0)
    )
    assert response.status_code == 302
    assert targets_for() == {"answer_rate": 100, "nps": -100, "csat_mean": 1, "average_wait": 0}


def test_a_benchmark_source_needs_its_value(client, manager):
    client.force_login(manager)
    response = client.post(PAGE, center_data(source_fcr_rate="Typical industry figure"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["benchmark_fcr_rate"]
    assert not KpiBenchmark.objects.exists()


def test_the_page_says_which_kpis_are_lower_is_better(client, manager):
    client.force_login(manager)
    rows = {row["kpi"].key: row for row in client.get(PAGE).context["rows"]}
    assert rows["abandon_rate"]["at_most"] and rows["average_wait"]["at_most"] and rows["aht"]["at_most"]
    assert not rows["service_level"]["at_most"] and not rows["nps"]["at_most"]
    html = client.get(PAGE).content.decode()
    assert html.count("at most") == sum(not kpi.higher_is_better for kpi in KPIS)


def test_a_team_override_applies_to_the_team_and_its_agents_only(client, manager, team, other_team):
    agent = AgentFactory(team=team)
    client.force_login(manager)
    client.post(PAGE, center_data(target_service_level=80, target_aht=300))
    url = reverse("kpi_targets:team", args=[team.pk])
    response = client.post(url, override_data(target_service_level=75))
    assert response.status_code == 302 and response["Location"] == url

    assert targets_for(ScopeKind.TEAM, team.pk) == {"service_level": 75, "aht": 300}
    assert targets_for(ScopeKind.AGENT, agent.pk)["service_level"] == 75
    assert targets_for(ScopeKind.TEAM, other_team.pk)["service_level"] == 80
    assert targets_for()["service_level"] == 80
    override = KpiTarget.objects.get(scope_kind=ScopeKind.TEAM)
    assert (override.scope_id, override.value, override.updated_by) == (team.pk, 75, manager)

    rows = {row["kpi"].key: row for row in client.get(url).context["rows"]}
    assert rows["service_level"]["differs"] and rows["service_level"]["center"] == 80
    assert not rows["aht"]["differs"] and rows["aht"]["center"] == 300
    overview = client.get(PAGE).context["overrides"]
    assert [(row["scope"], row["override"].kpi, row["differs"]) for row in overview] == [
        (team, "service_level", True)
    ]


def test_an_override_equal_to_the_center_target_is_shown_as_the_same(client, manager, call_type):
    set_target(kpi="aht", value=300, by=manager)
    client.force_login(manager)
    url = reverse("kpi_targets:call_type", args=[call_type.pk])
    client.post(url, override_data(target_aht=300, target_fcr_rate=60))
    assert targets_for(ScopeKind.CALL_TYPE, call_type.pk) == {"aht": 300, "fcr_rate": 60}
    overview = {row["override"].kpi: row for row in client.get(PAGE).context["overrides"]}
    assert not overview["aht"]["differs"]
    assert overview["fcr_rate"]["differs"] and overview["fcr_rate"]["center"] is None
    assert "same as center" in client.get(PAGE).content.decode()


def test_clearing_an_override_falls_back_to_the_center_target(client, manager, team):
    set_target(kpi="aht", value=300, by=manager)
    set_target(kpi="aht", value=420, by=manager, scope_kind=ScopeKind.TEAM, scope_id=team.pk)
    client.force_login(manager)
    client.post(reverse("kpi_targets:team", args=[team.pk]), override_data())
    assert targets_for(ScopeKind.TEAM, team.pk) == {"aht": 300}
    assert KpiTarget.objects.get().scope_id == CENTER_ID


def test_a_bad_override_is_refused_next_to_its_field(client, manager, team):
    client.force_login(manager)
    response = client.post(reverse("kpi_targets:team", args=[team.pk]), override_data(target_pass_rate=120))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["target_pass_rate"]
    assert not KpiTarget.objects.exists()


@pytest.mark.parametrize("size", [2, 30])
def test_the_page_costs_the_same_queries_however_many_overrides(
    client, manager, django_assert_num_queries, size
):
    for number in range(size):
        team, call_type = TeamFactory(), CallTypeFactory()
        set_target(kpi="aht", value=300 + number, by=manager, scope_kind=ScopeKind.TEAM, scope_id=team.pk)
        set_target(kpi="nps", value=number, by=manager, scope_kind=ScopeKind.CALL_TYPE, scope_id=call_type.pk)
        set_benchmark(kpi=KPIS[number % len(KPIS)].key, value=1, source="x", by=manager)
    client.force_login(manager)
    # session, user, the bell, center targets, benchmarks, overrides, teams, call types
    with django_assert_num_queries(8):
        response = client.get(PAGE)
    assert len(response.context["overrides"]) == 2 * size

"""The evaluations list's sorts by a person's name: each evaluation keeps its agent's and reviewer's names as one
sortable value (qa_center.people.names), so every sort the list offers goes through an index, by keyset."""

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import RequestFactory

from qa_center.people.admin import UserAdmin
from qa_center.people.models import User
from qa_center.people.names import sort_key
from scorecards.evaluations.selectors import SORTS, EvaluationFilters, evaluation_listing
from scorecards.models import Evaluation
from tests.factories import CallFactory, evaluation_of
from tests.factories.evaluations import draft

pytestmark = pytest.mark.django_db


def _key(person: User) -> str:
    return sort_key(person.first_name, person.last_name, person.username)


def test_a_new_evaluation_keeps_its_peoples_names(agent, reviewer, default_version):
    agent.first_name, agent.last_name = "Zoe", "Ng"
    agent.save(update_fields=["first_name", "last_name"])
    started = draft(CallFactory(agent=agent, call_type=default_version.scorecard.call_type), reviewer)

    stored = Evaluation.objects.values("agent_sort", "reviewer_sort").get(pk=started.pk)

    assert stored == {"agent_sort": "Zoe\x1fNg\x1fagent", "reviewer_sort": _key(reviewer)}


def test_a_call_without_an_agent_sorts_with_an_empty_name(reviewer, default_version):
    started = draft(CallFactory(agent=None, call_type=default_version.scorecard.call_type), reviewer)
    assert Evaluation.objects.values_list("agent_sort", flat=True).get(pk=started.pk) == ""


class _ChangedForm:
    def __init__(self, *changed):
        self.changed_data = list(changed)


def test_a_rename_in_the_admin_rewrites_the_copies(agent, reviewer, manager, default_version):
    mine = evaluation_of(agent, version=default_version, reviewer=reviewer)
    admin = UserAdmin(User, site)
    request = RequestFactory().post("/")
    request.user = manager

    agent.last_name = "Okafor"
    admin.save_model(request, agent, _ChangedForm("last_name"), change=True)
    reviewer.first_name = "Aaron"
    admin.save_model(request, reviewer, _ChangedForm("first_name"), change=True)

    mine.refresh_from_db()
    assert (mine.agent_sort, mine.reviewer_sort) == (_key(agent), _key(reviewer))


def test_other_changes_leave_the_copies_alone(
    agent, reviewer, manager, default_version, django_assert_num_queries
):
    evaluation_of(agent, version=default_version, reviewer=reviewer)
    request = RequestFactory().post("/")
    request.user = manager
    with django_assert_num_queries(1):  # the user's own UPDATE, nothing on the evaluations
        UserAdmin(User, site).save_model(request, agent, _ChangedForm("email"), change=True)


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        # A tiny table is cheapest to sort: forbid sorts and scans, so that a Sort left in the plan means that
        # no index gives this order.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("sort", [*SORTS, *(f"-{sort}" for sort in SORTS)])
def test_every_sort_the_list_offers_uses_an_index(
    manager, agent, other_agent, reviewer, default_version, sort
):
    for person in (agent, other_agent, agent):
        evaluation_of(person, version=default_version, reviewer=reviewer)
    listing = evaluation_listing(user=manager, filters=EvaluationFilters(), sort=sort)

    plan = _plan(listing.rows[:51])

    if connection.vendor == "sqlite":
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        assert "Sort" not in plan.replace("Sort Key", ""), plan

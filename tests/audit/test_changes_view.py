"""The QA managers' audit page (qa_center.audit): every audited change, newest first, filtered, in keyset
pages; and the history of a disputed evaluation as the evaluation page and the audit page show it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem
from qa_center.audit import selectors
from qa_center.history import acting_as
from scorecards.disputes import services as disputes
from scorecards.models import Evaluation
from tests.factories import (
    GREETING_MISSED,
    CallTypeFactory,
    book,
    criterion,
    evaluation_of,
    make_published_version,
)

pytestmark = pytest.mark.django_db

URL = reverse("audit:changes")


@pytest.fixture
def version(call_type):
    return make_published_version(call_type)


def rows(response) -> list:
    return response.context["page"].changes


def fields_of(change) -> dict:
    return {field.label: (field.before, field.after) for field in change.fields}


# --- Who may read it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["agent", "reviewer", "lead"])
def test_other_roles_are_refused(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_post_is_not_allowed(client, manager):
    client.force_login(manager)
    assert client.post(URL).status_code == 405


# --- The disputed evaluation, step by step ------------------------------------------------------------------


def test_the_audit_history_of_a_disputed_evaluation(client, agent, reviewer, manager, version):
    """Submitted by the reviewer (Greeting missed, 86.67%), disputed by the agent, adjusted by a QA manager
    (Greeting given, 100%): each step shows who, when and before → after, on the evaluation page (which the
    agent reads) and on the audit page (the QA manager's)."""
    evaluation = evaluation_of(agent, reviewer=reviewer, version=version, answers=GREETING_MISSED, days_ago=0)
    greeting = criterion(version, "Greeting")
    dispute = disputes.open_dispute(evaluation=evaluation, by=agent, items=[(greeting, "I greeted at 0:02.")])
    evaluation.refresh_from_db()
    disputes.resolve_dispute(
        dispute=dispute,
        by=manager,
        decision="adjusted",
        note="The greeting is on the recording.",
        adjustments={greeting.pk: {"value": 1}},
    )

    client.force_login(agent)
    response = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    assert response.status_code == 200
    changes = response.context["changes"]
    steps = [(c.kind, c.action, c.object_label, c.who) for c in changes]
    # Newest first: the resolution (the evaluation resolved, rescored; the answer; the dispute), then the dispute
    # opened (the disputed criterion, the dispute, the evaluation's status), then the submission.
    assert steps[0] == ("evaluation", "Changed", "", manager)
    assert fields_of(changes[0]) == {"status": ("Disputed", "Dispute resolved")}
    rescored = next(c for c in changes if c.who == manager and "score" in fields_of(c))
    assert fields_of(rescored)["score"] == ("86.67", "100")
    answer = next(c for c in changes if c.kind == "answer" and c.who == manager)
    assert (answer.object_label, fields_of(answer)["value"]) == ("Greeting", ("0", "1"))
    resolved = next(c for c in changes if c.kind == "dispute" and c.who == manager)
    assert fields_of(resolved)["status"] == ("Open", "Adjusted")
    assert fields_of(resolved)["resolution"] == ("—", "The greeting is on the recording.")
    opened = [c for c in changes if c.who == agent]
    assert {(c.kind, c.action) for c in opened} == {
        ("evaluation", "Changed"),
        ("dispute", "Created"),
        ("disputed criterion", "Created"),
    }
    assert fields_of(next(c for c in opened if c.kind == "evaluation"))["status"] == ("Submitted", "Disputed")
    assert fields_of(next(c for c in opened if c.kind == "disputed criterion"))["reason"] == (
        "—",
        "I greeted at 0:02.",
    )
    submitted = next(
        c for c in changes if c.kind == "evaluation" and fields_of(c).get("status") == ("Draft", "Submitted")
    )
    assert submitted.who == reviewer
    times = [c.when for c in changes]
    assert times == sorted(times, reverse=True)
    html = response.content.decode()
    assert 'id="evaluation-changes-table"' in html and "The greeting is on the recording." in html

    client.force_login(manager)
    response = client.get(URL, {"kind": "answer"})
    answer_rows = [c for c in rows(response) if c.record.evaluation_id == evaluation.pk and c.who == manager]
    assert len(answer_rows) == 1
    assert answer_rows[0].object_label == f"Greeting (evaluation #{evaluation.pk})"
    assert answer_rows[0].url == reverse("evaluations:detail", args=[evaluation.pk])
    assert fields_of(answer_rows[0])["value"] == ("0", "1")
    everything = rows(client.get(URL))
    mine = [c for c in everything if c.url == reverse("evaluations:detail", args=[evaluation.pk])]
    assert mine[0].who == manager  # the resolution, newest
    assert {c.who for c in mine} == {reviewer, agent, manager}
    html = client.get(URL).content.decode()
    assert (
        "Dispute resolved" in html and f'href="{reverse("evaluations:detail", args=[evaluation.pk])}"' in html
    )


# --- Filters and pages --------------------------------------------------------------------------------------


def _items(session, count, by):
    with acting_as(by):
        for n in range(count):
            ActionItem.objects.create(session=session, description=f"Item {n}", due_on=timezone.localdate())


def test_filters_by_kind_person_and_date(client, manager, lead, agent):
    session = book(lead, agent, timezone.now() + timedelta(days=1))
    _items(session, 2, lead)
    _items(session, 1, manager)
    client.force_login(manager)
    assert {c.kind for c in rows(client.get(URL, {"kind": "actionitem"}))} == {"action item"}
    by_lead = rows(client.get(URL, {"who": "lead"}))
    assert {c.who for c in by_lead} == {lead} and len(by_lead) == 3  # the session and two items
    today = timezone.localdate()
    assert len(rows(client.get(URL, {"since": today, "until": today, "kind": "actionitem"}))) == 3
    assert rows(client.get(URL, {"until": today - timedelta(days=1)})) == []


def test_bad_filters_are_shown_beside_their_fields(client, manager):
    client.force_login(manager)
    response = client.get(URL, {"who": "nobody", "since": "2026-02-02", "until": "2026-02-01"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "who": ["Nobody has this user name."],
        "until": ["The end date is before the start date."],
    }
    assert response.context["page"] is None


def test_keyset_pages_show_every_change_once(client, manager, lead, agent, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 4)
    session = book(lead, agent, timezone.now() + timedelta(days=1))
    _items(session, 9, lead)
    client.force_login(manager)
    seen, query = [], {}
    for _page in range(10):
        response = client.get(URL, query)
        seen.extend((c.model_name, c.record.history_id) for c in rows(response))
        if not response.context["next_query"]:
            break
        query = {"after": response.context["page"].next_cursor}
    assert len(seen) == len(set(seen)) == 10  # the session and nine items
    assert client.get(URL, {"after": "not-a-cursor"}).status_code == 200  # a broken cursor: the first page


@pytest.mark.parametrize("count", [3, 60])
def test_queries_do_not_grow_with_the_changes(client, manager, lead, agent, count, django_assert_num_queries):
    session = book(lead, agent, timezone.now() + timedelta(days=1))
    _items(session, count, lead)
    # Newer than the items: the first page holds every kind of change at both sizes.
    version = make_published_version(CallTypeFactory())
    evaluation_of(agent, version=version, status=Evaluation.Status.DISPUTED)
    client.force_login(manager)
    client.get(URL)  # the session's first read
    # session, user; the rows of each of the 11 history tables; the previous rows of the evaluation's; the
    # criteria answers are about; the people, options, calls, teams, versions, sections, scorecards and call
    # types the changes name; the bell's unread count
    with django_assert_num_queries(24):
        response = client.get(URL)
    assert (
        len(rows(response)) == selectors.PAGE_SIZE
        if count == 60
        else len(rows(response)) < selectors.PAGE_SIZE
    )
    assert bool(response.context["next_query"]) == (count == 60)

"""Nominations wait for a QA manager, who approves or declines them (with a reason); only approved entries
are in the library. Deciding is the managers' job: 403 for those who may read the nomination, 404 for the
rest; a refused POST changes nothing."""

import pytest
from django.urls import reverse

from coaching.library import services
from coaching.models import LibraryEntry
from qa_center.people.models import Notification
from tests.coaching.library.helpers import library_entry, recorded_call
from tests.factories import evaluation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(great_evaluation, reviewer):
    return library_entry(great_evaluation.call, by=reviewer)


def _decide(client, entry, **data):
    return client.post(reverse("library:decide", args=[entry.pk]), data)


def test_the_manager_approves_and_the_entry_joins_the_library(client, pending, manager, other_agent):
    client.force_login(manager)
    assert _decide(client, pending, decision="approve").status_code == 302
    pending.refresh_from_db()
    assert pending.status == LibraryEntry.Status.APPROVED
    assert (pending.decided_by, pending.decided_at is not None) == (manager, True)
    client.force_login(other_agent)
    assert pending.title in client.get(reverse("library:browse")).content.decode()


def test_declining_needs_a_reason_which_the_nominator_reads(client, pending, manager, reviewer):
    client.force_login(manager)
    refused = _decide(client, pending, decision="decline", reason="  ")
    assert refused.status_code == 400
    assert "Say why the nomination is declined" in refused.content.decode()
    pending.refresh_from_db()
    assert pending.status == LibraryEntry.Status.PENDING

    assert _decide(client, pending, decision="decline", reason="Too much hold time.").status_code == 302
    client.force_login(reviewer)
    page = client.get(pending.get_absolute_url()).content.decode()
    assert "Too much hold time." in page
    assert (
        pending.title
        not in client.get(reverse("library:browse") + "?q=warm")
        .content.decode()
        .split('id="my-nominations"')[0]
    )


@pytest.mark.parametrize(
    ("who", "status"), [("reviewer", 403), ("agent", 404), ("lead", 404), ("other_agent", 404)]
)
def test_only_managers_decide(client, request, pending, who, status):
    """The nominating reviewer reads their nomination (403); the others do not see it at all (404)."""
    client.force_login(request.getfixturevalue(who))
    assert _decide(client, pending, decision="approve").status_code == status
    pending.refresh_from_db()
    assert pending.status == LibraryEntry.Status.PENDING


def test_a_decision_is_taken_once(pending, manager):
    services.approve(entry=pending, by=manager)
    stale = LibraryEntry.objects.get(pk=pending.pk)
    stale.status = LibraryEntry.Status.PENDING  # a second tab that still shows it pending
    with pytest.raises(services.DecisionTaken):
        services.decline(entry=stale, by=manager, reason="No")
    pending.refresh_from_db()
    assert pending.status == LibraryEntry.Status.APPROVED


def test_the_review_desk_lists_what_waits_and_what_is_suggested(
    client, pending, manager, agent, version, reviewer, call_type
):
    suggested = evaluation_of(agent, version=version, reviewer=reviewer, call=recorded_call(agent, call_type))
    client.force_login(manager)
    page = client.get(reverse("library:review")).content.decode()
    assert pending.title in page
    assert suggested.call.external_id in page
    assert reverse("library:nominate", args=[suggested.call_id]) in page
    # The pending nomination's call is not suggested again.
    assert reverse("library:nominate", args=[pending.call_id]) not in page


@pytest.mark.parametrize("who", ["agent", "reviewer", "lead"])
def test_the_review_desk_is_the_managers(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("library:review")).status_code == 403


def test_the_nominator_and_the_credited_agent_are_told(pending, manager, reviewer, agent):
    services.approve(entry=pending, by=manager)
    told = {n.recipient: n for n in Notification.objects.filter(event__startswith="library_")}
    assert set(told) == {reviewer, agent}
    assert "is now in the exemplary-call library" in told[reviewer].message
    assert pending.call.external_id in told[agent].message
    assert told[agent].url == pending.get_absolute_url()


def test_a_decline_tells_the_nominator_why(agents_other_call, agent, manager):
    proposal = library_entry(agents_other_call, by=agent)
    services.decline(entry=proposal, by=manager, reason="The hold music drowns the agent.")
    (notification,) = Notification.objects.all()
    assert notification.recipient == agent
    assert "The hold music drowns the agent." in notification.message

"""/feedback/notifications/: a user's own notifications, marking them read, and the unread badge in the
navigation (one query, counted once per request)."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from qa_center.people.context_processors import navigation
from qa_center.people.models import Notification

pytestmark = pytest.mark.django_db

URL = reverse("feedback:notifications")


def notify(user, message="Something happened", url="/feedback/", read=False) -> Notification:
    return Notification.objects.create(
        recipient=user, message=message, url=url, read_at=timezone.now() if read else None
    )


def test_anonymous_is_sent_to_login(client):
    for response in (client.get(URL), client.post(URL)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_wrong_method(client, agent):
    client.force_login(agent)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_lists_only_the_users_own_notifications_newest_first(client, agent, other_agent):
    first = notify(agent, "First")
    second = notify(agent, "Second", read=True)
    notify(other_agent, "Not yours")
    client.force_login(agent)
    response = client.get(URL)
    assert response.status_code == 200
    assert list(response.context["page"]) == [second, first]
    html = response.content.decode()
    assert "Not yours" not in html
    assert 'id="mark-all-read"' in html


def test_post_marks_all_read(client, agent, other_agent):
    notify(agent)
    notify(agent)
    theirs = notify(other_agent)
    client.force_login(agent)
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"] == URL
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_post_one_and_open_it(client, agent):
    one = notify(agent, url="/feedback/evaluations/1/history/")
    other = notify(agent)
    client.force_login(agent)
    response = client.post(URL, {"notification": one.pk, "open": "1"})
    assert response.status_code == 302 and response["Location"] == "/feedback/evaluations/1/history/"
    one.refresh_from_db()
    other.refresh_from_db()
    assert one.read_at is not None and other.read_at is None


def test_an_offsite_link_is_not_followed(client, agent):
    one = notify(agent, url="https://evil.example.com/")
    client.force_login(agent)
    response = client.post(URL, {"notification": one.pk, "open": "1"})
    assert response["Location"] == URL


def test_someone_elses_notification_is_404(client, agent, other_agent):
    theirs = notify(other_agent)
    client.force_login(agent)
    assert client.post(URL, {"notification": theirs.pk}).status_code == 404
    assert client.post(URL, {"notification": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bell_shows_the_unread_count(client, agent, other_agent):
    notify(agent)
    notify(agent)
    notify(agent, read=True)
    notify(other_agent)
    client.force_login(agent)
    html = client.get(reverse("home")).content.decode()
    assert 'id="notification-bell"' in html
    assert 'id="unread-count">2<' in html
    client.post(URL)
    assert 'id="unread-count"' not in client.get(reverse("home")).content.decode()


def test_unread_count_is_one_query_per_request_and_none_when_unused(agent, django_assert_num_queries):
    notify(agent)
    request = RequestFactory().get("/")
    request.user = agent
    with django_assert_num_queries(0):
        context = navigation(request)  # lazy: a fragment that does not show the bell pays nothing
    template = engines["django"].from_string(
        "{{ unread_notifications }}/{% if unread_notifications %}y{% endif %}"
    )
    with django_assert_num_queries(1):
        assert template.render({"unread_notifications": context["unread_notifications"]}) == "1/y"
        assert navigation(request)["unread_notifications"] == 1  # a second render of the same request

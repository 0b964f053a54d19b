"""API token pages: QA managers list, issue (secret shown once) and revoke ingest tokens."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from calls.models import IngestToken, hash_token
from tests.factories import AgentFactory, CallTypeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("tokens:list")
ISSUE = reverse("tokens:issue")


@pytest.fixture
def token(manager):
    token, _secret = IngestToken.issue(name="Helpdesk webhook", scopes=["ingest"], created_by=manager)
    return token


def revoke_url(token):
    return reverse("tokens:revoke", args=[token.pk])


def secret_in(html: str) -> str:
    match = re.search(r'id="token-secret" value="(qac_[^"]+)"', html)
    assert match, "the issued page shows the secret"
    return match.group(1)


# --- access matrix ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["list", "issue", "revoke"])
def test_anonymous_goes_to_login(client, token, url_name):
    url = revoke_url(token) if url_name == "revoke" else reverse(f"tokens:{url_name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["agent", "lead", "reviewer", "other_agent"])
@pytest.mark.parametrize("url_name", ["list", "issue", "revoke"])
def test_other_roles_get_403(client, token, request, role, url_name):
    client.force_login(request.getfixturevalue(role))
    url = revoke_url(token) if url_name == "revoke" else reverse(f"tokens:{url_name}")
    assert client.get(url).status_code == 403
    if url_name != "list":  # the list answers POST with 405
        assert client.post(url, {"name": "Sneaky"}).status_code == 403
    assert IngestToken.objects.count() == 1
    token.refresh_from_db()
    assert token.is_active


def test_superuser_may_manage_tokens(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    assert client.get(LIST).status_code == 200


@pytest.mark.parametrize(
    ("url_name", "methods"),
    [("list", ["post", "put", "delete"]), ("issue", ["put", "delete"]), ("revoke", ["put", "delete"])],
)
def test_wrong_method_is_405(client, manager, token, url_name, methods):
    client.force_login(manager)
    url = revoke_url(token) if url_name == "revoke" else reverse(f"tokens:{url_name}")
    for method in methods:
        assert getattr(client, method)(url).status_code == 405


def test_revoking_a_missing_token_is_404(client, manager):
    client.force_login(manager)
    assert client.post(reverse("tokens:revoke", args=[999])).status_code == 404


# --- list -----------------------------------------------------------------------------------------------


def test_list_shows_tokens_and_how_to_call_the_api(client, manager, token):
    revoked, _ = IngestToken.issue(name="Old PBX", scopes=["ingest", "read"])
    revoked.revoked_at = revoked.created_at
    revoked.save(update_fields=["revoked_at"])
    CallTypeFactory(name="Billing", slug="billing")
    client.force_login(manager)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Helpdesk webhook") < html.index("Old PBX")  # active tokens first
    assert f"qac_{token.prefix}…" in html
    assert str(manager) in html
    assert '<td class="token-last-used">never</td>' in html  # not used yet
    assert "Revoked" in html
    assert reverse("tokens:revoke", args=[token.pk]) in html
    assert reverse("tokens:revoke", args=[revoked.pk]) not in html  # nothing left to revoke
    assert "Authorization: Bearer qac_…" in html
    assert "http://testserver/api/v1/calls/" in html
    assert '"call_type": "billing"' in html.replace("&quot;", '"')
    assert "/api/schema/" in html and 'id="api-docs-link"' in html and "/api/docs/" in html


def test_the_example_names_an_agent_that_exists(client, manager):
    AgentFactory(username="real-agent", agent_code="EXT-204")
    client.force_login(manager)
    html = client.get(LIST).content.decode().replace("&quot;", '"')
    assert '"agent": "EXT-204"' in html


def test_list_query_count_does_not_grow(client, manager, django_assert_num_queries):
    client.force_login(manager)
    for index in range(2):
        IngestToken.issue(name=f"T{index}", scopes=["ingest"], created_by=manager)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    # the tokens with their creators in one query (the rest is the layout's: session, user, navigation)
    assert sum('FROM "calls_ingesttoken"' in query["sql"] for query in few.captured_queries) == 1
    for index in range(10):
        IngestToken.issue(name=f"More{index}", scopes=["read"], created_by=manager)
    with django_assert_num_queries(len(few)):
        client.get(LIST)


# --- issue ----------------------------------------------------------------------------------------------


def test_issue_form(client, manager):
    client.force_login(manager)
    response = client.get(ISSUE)
    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()


def test_issue_shows_the_secret_once(client, manager):
    client.force_login(manager)
    response = client.post(ISSUE, {"name": "PBX export", "scopes": ["ingest"]})
    assert response.status_code == 200
    html = response.content.decode()
    secret = secret_in(html)
    assert "will not be shown again" in html
    assert "no-store" in response["Cache-Control"]

    token = IngestToken.objects.get()
    assert token.name == "PBX export"
    assert token.created_by == manager
    assert token.key_hash == hash_token(secret)
    assert secret not in {token.name, token.prefix, token.key_hash}

    # never again: not on the list, not on the form, not on the revoke page
    for url in (LIST, ISSUE, revoke_url(token)):
        assert secret not in client.get(url).content.decode()


def test_issued_secret_works_and_last_used_shows_on_the_list(client, manager, call):
    client.force_login(manager)
    secret = secret_in(client.post(ISSUE, {"name": "PBX", "scopes": ["ingest", "read"]}).content.decode())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(f"/api/v1/calls/{call.external_id}/").status_code == 200
    token = IngestToken.objects.get()
    assert token.last_used_at is not None
    assert '<td class="token-last-used">never</td>' not in client.get(LIST).content.decode()


def test_the_form_offers_both_scopes_with_ingest_alone_ticked(client, manager):
    client.force_login(manager)
    form = client.get(ISSUE).context["form"]
    assert [value for value, _label in form.fields["scopes"].choices] == ["ingest", "read"]
    html = client.get(ISSUE).content.decode()
    ticked = re.findall(r'<input type="checkbox"[^>]*name="scopes" value="(\w+)"[^>]*\bchecked\b', html)
    assert ticked == ["ingest"]


@pytest.mark.parametrize(
    ("scopes", "can_ingest", "can_read"),
    [(["ingest"], True, False), (["read"], False, True), (["ingest", "read"], True, True)],
)
def test_the_token_gets_the_scopes_chosen(client, manager, scopes, can_ingest, can_read):
    client.force_login(manager)
    response = client.post(ISSUE, {"name": "PBX", "scopes": scopes})
    token = IngestToken.objects.get()
    assert (token.can_ingest, token.can_read) == (can_ingest, can_read)
    shown = re.findall(r'<li data-scope="(\w+)">', response.content.decode())
    assert shown == scopes


@pytest.mark.parametrize("scopes", [[], ["write"], ["ingest", "admin"]])
def test_issue_refuses_no_scope_or_an_unknown_one(client, manager, scopes):
    client.force_login(manager)
    response = client.post(ISSUE, {"name": "PBX", "scopes": scopes})
    assert response.status_code == 200
    assert "qac_" not in response.content.decode()
    assert response.context["form"].errors["scopes"]
    if not scopes:
        assert "Choose at least one scope." in response.content.decode()
    assert not IngestToken.objects.exists()


def test_the_list_shows_each_tokens_scopes(client, manager):
    pusher, _ = IngestToken.issue(name="Pusher", scopes=["ingest"], created_by=manager)
    reader, _ = IngestToken.issue(name="Reader", scopes=["read"], created_by=manager)
    both, _ = IngestToken.issue(name="Both", scopes=["ingest", "read"], created_by=manager)
    client.force_login(manager)
    html = client.get(LIST).content.decode()
    rows = {
        name: re.findall(r'data-scope="(\w+)"', row)
        for name, row in re.findall(r"<tr>\s*<td>(\w+)</td>(.*?)</tr>", html, flags=re.S)
    }
    assert rows == {"Pusher": ["ingest"], "Reader": ["read"], "Both": ["ingest", "read"]}


def test_issue_requires_a_name(client, manager):
    client.force_login(manager)
    response = client.post(ISSUE, {"name": ""})
    assert response.status_code == 200
    assert "qac_" not in response.content.decode()
    assert response.context["form"].errors["name"]
    assert not IngestToken.objects.exists()


# --- revoke ---------------------------------------------------------------------------------------------


def test_revoke_asks_for_confirmation_first(client, manager, token):
    client.force_login(manager)
    response = client.get(revoke_url(token))
    assert response.status_code == 200
    assert "Helpdesk webhook" in response.content.decode()
    token.refresh_from_db()
    assert token.is_active


def test_revoke(client, manager):
    client.force_login(manager)
    secret = secret_in(client.post(ISSUE, {"name": "PBX", "scopes": ["read"]}).content.decode())
    token = IngestToken.objects.get()
    response = client.post(revoke_url(token))
    assert response.status_code == 302
    assert response["Location"] == LIST
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/calls/ANY/").status_code == 401


def test_revoking_twice_keeps_the_first_time(client, manager, token):
    client.force_login(manager)
    client.post(revoke_url(token))
    token.refresh_from_db()
    first = token.revoked_at
    response = client.post(revoke_url(token), follow=True)
    assert "already revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at == first

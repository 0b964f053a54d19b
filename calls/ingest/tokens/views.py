"""API token pages (QA managers): list, issue (the secret is shown once, in the POST's answer), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from calls import services
from calls.access import get_token_for, require_qa_manager
from calls.fields import agent_candidates, agent_key
from calls.ingest.tokens.forms import IssueTokenForm
from calls.models import CallType, IngestToken


@require_GET
@login_required
def token_list(request):
    require_qa_manager(request.user)
    # Active tokens first, on every database (PostgreSQL sorts NULLs last by default, SQLite first).
    tokens = IngestToken.objects.select_related("created_by").order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )
    example_call_type = (
        CallType.objects.filter(is_active=True).values_list("slug", flat=True).first() or "inbound-support"
    )
    # An agent the example may name: one that exists, by the key calls name agents by.
    example_agent = next((agent_key(agent) for agent in agent_candidates().order_by("pk")[:1]), "A0001")
    context = {
        "tokens": tokens,
        "example_agent": example_agent,
        "docs_url": request.build_absolute_uri(reverse("api-docs")),
        "api_url": request.build_absolute_uri(reverse("api:call-upsert")),
        "schema_url": request.build_absolute_uri(reverse("api-schema")),
        "example_call_type": example_call_type,
    }
    return render(request, "calls/ingest/tokens/list.html", context)


@never_cache  # the answer to the POST carries the secret: no cache may keep it
@require_http_methods(["GET", "POST"])
@login_required
def token_issue(request):
    require_qa_manager(request.user)
    form = IssueTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = IngestToken.issue(
            name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], created_by=request.user
        )
        # Rendered, not redirected: the secret exists only in this response and is never stored.
        return render(request, "calls/ingest/tokens/issued.html", {"token": token, "secret": secret})
    return render(request, "calls/ingest/tokens/issue.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def token_revoke(request, pk):
    token = get_token_for(request.user, pk)
    if request.method == "POST":
        if services.revoke_ingest_token(token=token):
            messages.success(
                request,
                _("Token “%(name)s” revoked: requests using it are now refused.") % {"name": token.name},
            )
        else:
            messages.info(request, _("Token “%(name)s” was already revoked.") % {"name": token.name})
        return redirect("tokens:list")
    return render(request, "calls/ingest/tokens/revoke.html", {"token": token})

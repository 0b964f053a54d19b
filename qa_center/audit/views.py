"""The QA managers' audit page: every recorded change to scorecards, evaluations, disputes and coaching."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from qa_center.audit.access import require_auditor
from qa_center.audit.forms import AuditFilterForm
from qa_center.audit.selectors import audit_page


@require_safe
@login_required
def changes(request):
    require_auditor(request.user)
    form = AuditFilterForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():  # invalid filters: the errors beside their fields, no rows
        filters = form.cleaned_data if form.is_bound else {}
        page = audit_page(
            kind=filters.get("kind") or None,
            who=filters.get("who"),
            since=filters.get("since"),
            until=filters.get("until"),
            cursor=request.GET.get("after"),
        )
    next_query = None
    if page is not None and page.next_cursor:
        query = request.GET.copy()
        query["after"] = page.next_cursor
        next_query = query.urlencode()
    return render(request, "audit/changes.html", {"form": form, "page": page, "next_query": next_query})

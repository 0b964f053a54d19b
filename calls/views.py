from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import get_call_for
from .models import Call


@require_GET
@login_required
def call_list(request):
    calls = Call.objects.visible_to(request.user).select_related("agent", "team", "call_type")
    page = Paginator(calls, 50).get_page(request.GET.get("page"))
    return render(request, "calls/call_list.html", {"page": page})


@require_GET
@login_required
def call_detail(request, pk):
    call = get_call_for(request.user, pk)
    return render(request, "calls/call_detail.html", {"call": call})

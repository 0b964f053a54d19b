"""The home page (/): what each of the person's roles has to do next (sections.py composes it)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from qa_center.home.sections import sections_for


@require_safe
@login_required
def home(request):
    context = {"sections": sections_for(request.user, now=timezone.now())}
    return render(request, "home/home.html", context)

"""Call types, kept by the QA managers (the rules are in services.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from calls.access import get_call_type_for, require_qa_manager
from calls.call_types import services
from calls.call_types.forms import CallTypeForm


@require_safe
@login_required
def call_type_list(request):
    require_qa_manager(request.user)
    return render(request, "calls/call_types/list.html", {"call_types": services.call_types_overview()})


def _save(request, form: CallTypeForm, save) -> bool:
    if not form.is_valid():
        return False
    try:
        save(**{name: form.cleaned_data[name] for name in ("name", "slug", "description")})
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return False
    return True


@require_http_methods(["GET", "POST"])
@login_required
def call_type_create(request):
    require_qa_manager(request.user)
    form = CallTypeForm(request.POST or None)
    if request.method == "POST" and _save(request, form, services.create_call_type):
        messages.success(request, _("Call type “%(name)s” created.") % {"name": form.cleaned_data["name"]})
        return redirect("call_types:list")
    return render(request, "calls/call_types/form.html", {"form": form, "call_type": None})


@require_http_methods(["GET", "POST"])
@login_required
def call_type_edit(request, pk):
    call_type = get_call_type_for(request.user, pk)
    if request.method == "POST":
        form = CallTypeForm(request.POST)
        if _save(request, form, lambda **values: services.update_call_type(call_type=call_type, **values)):
            messages.success(request, _("Call type “%(name)s” saved.") % {"name": call_type.name})
            return redirect("call_types:list")
    else:
        form = CallTypeForm(instance=call_type)
    return render(request, "calls/call_types/form.html", {"form": form, "call_type": call_type})


@require_POST
@login_required
def call_type_active(request, pk):
    """POST `active` = "1" to activate, anything else to deactivate."""
    call_type = get_call_type_for(request.user, pk)
    active = request.POST.get("active") == "1"
    services.set_call_type_active(call_type=call_type, active=active)
    message = _("“%(name)s” is active again.") if active else _("“%(name)s” is deactivated: its calls stay.")
    messages.success(request, message % {"name": call_type.name})
    return redirect("call_types:list")

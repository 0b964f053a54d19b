from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import IngestToken


class IssueTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=IngestToken._meta.get_field("name").max_length,
        help_text=_("Which system will use it, e.g. “Helpdesk webhook” or “PBX export”."),
    )

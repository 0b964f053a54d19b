from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import IngestToken


class IssueTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=IngestToken._meta.get_field("name").max_length,
        help_text=_("Which system will use it, e.g. “Helpdesk webhook” or “PBX export”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=IngestToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        # The least privilege by default: most integrations only push.
        initial=[IngestToken.Scope.INGEST.value],
        help_text=_(
            "Give the integration only what it needs: a phone system or a survey tool that only pushes data "
            "needs “ingest” alone, and then cannot read transcripts."
        ),
        error_messages={"required": _("Choose at least one scope.")},
    )

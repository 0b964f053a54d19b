from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import CallType


class CallTypeForm(forms.ModelForm):
    # A plain field: the code's shape and uniqueness are the service's rules (calls.call_types.services).
    slug = forms.CharField(
        label=_("code"),
        max_length=CallType._meta.get_field("slug").max_length,
        required=False,
        help_text=_(
            "The code exports and integrations send for this type, e.g. “inbound-support”. Left empty, it is "
            "made from the name. It cannot change once calls have come in with it."
        ),
    )

    class Meta:
        model = CallType
        fields = ["name", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):
        """Left to the service, which says it next to the field in the users' words."""

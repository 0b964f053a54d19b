from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from qa_center.audit.selectors import KINDS


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Everything"))])
    who = forms.CharField(label=_("Changed by (user name)"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", _("Everything")),
            *((code, kind.label) for code, kind in KINDS.items()),
        ]

    def clean_who(self):
        username = self.cleaned_data["who"].strip()
        if not username:
            return None
        person = get_user_model().objects.filter(username=username).first()
        if person is None:
            raise forms.ValidationError(_("Nobody has this user name."))
        return person

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned

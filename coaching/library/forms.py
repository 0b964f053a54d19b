"""The library's forms: search (GET), nominating, curating an entry, the manager's decision, a clip."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import CallType
from coaching.library.selectors import LibraryFilters
from coaching.models import LibraryEntry


def _tag_list(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Text"), required=False, max_length=200)
    call_type = forms.ModelChoiceField(
        label=_("Call type"),
        queryset=CallType.objects.order_by("name"),
        required=False,
        empty_label=_("Any"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    criterion = forms.CharField(label=_("Criterion"), required=False, max_length=300)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)

    def filters(self) -> LibraryFilters:
        """The filters asked for; a query string that does not validate filters nothing (a stale link)."""
        if not self.is_valid():
            return LibraryFilters()
        data = self.cleaned_data
        return LibraryFilters(
            text=data["q"].strip(),
            call_type=data["call_type"],
            criterion=data["criterion"].strip(),
            tag=data["tag"].strip(),
        )


class _EntryFields(forms.Form):
    """Title, notes, criteria (titles of the call type's scorecard) and free tags."""

    title = forms.CharField(label=_("Title"), max_length=200)
    notes = forms.CharField(
        label=_("What the agent did well"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The specific choices the agent made, and why they worked."),
    )
    criteria = forms.MultipleChoiceField(
        label=_("Criteria it shows"), required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas, e.g. escalation, upsell."),
    )

    def __init__(self, *args, criterion_titles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [(title, title) for title in criterion_titles]

    def clean_tags(self) -> list[str]:
        return _tag_list(self.cleaned_data["tags"])


class NominationForm(_EntryFields):
    pass


class EntryForm(_EntryFields):
    call_type = forms.ModelChoiceField(
        label=_("Call type"), queryset=CallType.objects.order_by("name"), required=False
    )
    field_order = ["title", "call_type", "notes", "criteria", "tags"]

    @classmethod
    def initial_from(cls, entry: LibraryEntry) -> dict:
        return {
            "title": entry.title,
            "call_type": entry.call_type_id,
            "notes": entry.notes,
            "criteria": [criterion.title for criterion in entry.criteria.all()],
            "tags": ", ".join(tag.name for tag in entry.tags.all()),
        }


class DecisionForm(forms.Form):
    APPROVE, DECLINE = "approve", "decline"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (when declining)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClipForm(forms.Form):
    start_seconds = forms.DecimalField(
        label=_("Start (seconds)"),
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    end_seconds = forms.DecimalField(
        label=_("End (seconds)"),
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    internal_only = forms.BooleanField(
        label=_("Internal only"),
        required=False,
        help_text=_("Not shown to agents (e.g. the customer's details)."),
    )

    def add_service_errors(self, error) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)

"""The evaluations list's filter form (GET): it validates the query string, each error beside its field, and
offers only the teams, agents and reviewers of the evaluations the user finds."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from calls.pages.forms import EARLIEST_DATE, LATEST_DATE, YES_NO_ANY, ManyOptionsSelect
from qa_center.people import roles
from scorecards.evaluations.selectors import (
    CRITERION_ANSWERED,
    CRITERION_FAILED,
    EvaluationFilters,
    people_for_filter,
    teams_for_filter,
)
from scorecards.models import Criterion, Scorecard, Section

RESULT_CHOICES = [("", _("Any")), ("pass", _("Pass")), ("fail", _("Fail"))]
CRITERION_RESULT_CHOICES = [
    ("", _("Any")),
    (CRITERION_ANSWERED, _("Answered (not N/A)")),
    (CRITERION_FAILED, _("Below full marks")),
]


def _yes_no(value: str) -> bool:
    return value in ("yes", "pass")


def _tri_state(label, choices=YES_NO_ANY) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=_yes_no, empty_value=None, required=False
    )


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
    )


def _score(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )


def _people(label) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label, queryset=None, required=False, empty_label=_("Any"), widget=ManyOptionsSelect
    )


class EvaluationFilterForm(forms.Form):
    date_from = _date(_("Submitted from"))
    date_to = _date(_("Submitted to"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("Any"))
    agent = _people(_("Agent"))
    reviewer = _people(_("Reviewer"))
    scorecard = forms.ModelChoiceField(
        label=_("Scorecard"),
        queryset=Scorecard.objects.order_by("name"),
        required=False,
        empty_label=_("Any"),
    )
    score_min = _score(_("Score from"))
    score_max = _score(_("Score to"))
    passed = _tri_state(_("Result"), RESULT_CHOICES)
    auto_failed = _tri_state(_("Auto-fail"))
    disputed = _tri_state(_("Disputed"))
    acknowledged = _tri_state(_("Acknowledged"))
    # The QA reports' drill-down (issue 10): hidden, set by a report's link, shown above the list as a note.
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.select_related("version__scorecard"),
        required=False,
        widget=forms.HiddenInput,
    )
    criterion = forms.ModelChoiceField(
        label=_("Criterion"),
        queryset=Criterion.objects.select_related("section__version__scorecard"),
        required=False,
        widget=forms.HiddenInput,
    )
    criterion_result = forms.ChoiceField(
        label=_("Criterion result"),
        choices=CRITERION_RESULT_CHOICES,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, team_ids: tuple[int, ...] | None = None, **kwargs):
        """`team_ids`: the teams `user` leads, when the caller has them already (User.led_team_ids)."""
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_for_filter(user=user, team_ids=team_ids)
        # Only what an option's label needs (str(user): the full name, else the username).
        only = ("pk", "first_name", "last_name", "username")
        agents = people_for_filter(user=user, role="agent", team_ids=team_ids)
        self.fields["agent"].queryset = agents.only(*only)
        if roles.is_manager(user) or roles.is_team_lead(user):
            reviewers = people_for_filter(user=user, role="reviewer", team_ids=team_ids)
            self.fields["reviewer"].queryset = reviewers.only(*only)
        else:
            del self.fields["reviewer"]  # a reviewer finds only their own evaluations

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        score_min, score_max = cleaned.get("score_min"), cleaned.get("score_max")
        if score_min is not None and score_max is not None and score_min > score_max:
            self.add_error("score_max", _("The upper score is below the lower one."))
        return cleaned

    def filters(self) -> EvaluationFilters | None:
        """The valid filters, or None when some are not valid (the list then shows nothing)."""
        if not self.is_valid():
            return None
        values = {name: self.cleaned_data.get(name) for name in self.fields}
        values["criterion_result"] = values["criterion_result"] or None
        return EvaluationFilters(**values)

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(value not in (None, "") for value in self.cleaned_data.values())

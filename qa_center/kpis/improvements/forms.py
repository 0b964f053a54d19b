"""The improvement action form (QA managers) and the list's filters. The scope is asked as a kind and one of a
team, an agent or a call type; a criterion arrives from the QA reports (a hidden field, shown as text)."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models import CallType
from qa_center.kpis import definitions
from qa_center.kpis.improvements import selectors
from qa_center.kpis.models import CENTER_ID, ImprovementAction, ScopeKind
from qa_center.people.models import Team, User
from scorecards.models import Criterion

MAX_WINDOW_DAYS = 366

_SCOPE_FIELDS = {ScopeKind.TEAM: "team", ScopeKind.AGENT: "agent", ScopeKind.CALL_TYPE: "call_type"}


def owners() -> "forms.QuerySet[User]":
    """Who may own an action: the QA managers and team leads (superusers count as managers)."""
    return User.objects.filter(
        Q(is_qa_manager=True) | Q(is_team_lead=True) | Q(is_superuser=True), is_active=True
    ).order_by("first_name", "last_name", "username")


class ImprovementActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    change = forms.CharField(
        label=_("What will change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The process, script, tool or training that changes: what someone will do differently."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    kpi = forms.ChoiceField(label=_("KPI it should move"), choices=())
    scope_kind = forms.ChoiceField(label=_("Scope"), choices=ScopeKind.choices, initial=ScopeKind.CENTER)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.none(), required=False)
    call_type = forms.ModelChoiceField(label=_("Call type"), queryset=CallType.objects.none(), required=False)
    criterion = forms.ModelChoiceField(
        queryset=Criterion.objects.all(), required=False, widget=forms.HiddenInput
    )
    target = forms.FloatField(
        label=_("Target"),
        required=False,
        help_text=_("What the figure should reach after the change (a criterion: its failed share, in %)."),
    )
    direction = forms.ChoiceField(
        label=_("Better is"),
        required=False,
        choices=[("", _("As the KPI says"))] + ImprovementAction.Direction.choices,
    )
    starts_on = forms.DateField(
        label=_("The change starts on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The figure is compared before this day and from it on."),
    )
    window_days = forms.IntegerField(
        label=_("Days compared"),
        initial=28,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WINDOW_DAYS)],
        help_text=_("As many days before the change as after it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()
        self.fields["kpi"].choices = [(kpi.key, kpi.label) for kpi in definitions.KPIS]
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["agent"].queryset = User.objects.filter(is_agent=True).order_by(
            "first_name", "last_name", "username"
        )
        self.fields["call_type"].queryset = CallType.objects.order_by("name")
        self.fields["criterion"].queryset = Criterion.objects.select_related("section")
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["due_on"].initial = today

    @classmethod
    def initial_from(cls, params) -> dict:
        """The initial values a link gives (?kpi=&scope_kind=&scope_id=&criterion=&title=): unknown values are
        dropped, not refused (the form then asks)."""
        initial = {}
        if params.get("kpi") in {kpi.key for kpi in definitions.KPIS}:
            initial["kpi"] = params["kpi"]
        kind = params.get("scope_kind")
        if kind in ScopeKind.values:
            initial["scope_kind"] = kind
            if kind in _SCOPE_FIELDS and str(params.get("scope_id", "")).isdigit():
                initial[_SCOPE_FIELDS[kind]] = int(params["scope_id"])
        if str(params.get("criterion", "")).isdigit():
            initial["criterion"] = int(params["criterion"])
        if params.get("title"):  # e.g. the escalation reason the action is about
            initial["title"] = str(params["title"])[:200]
        return initial

    @classmethod
    def initial_of(cls, action: ImprovementAction) -> dict:
        initial = {
            name: getattr(action, name)
            for name in (
                "title",
                "change",
                "due_on",
                "kpi",
                "scope_kind",
                "target",
                "starts_on",
                "window_days",
            )
        }
        initial |= {"owner": action.owner_id, "criterion": action.criterion_id, "direction": action.direction}
        if action.scope_kind in _SCOPE_FIELDS:
            initial[_SCOPE_FIELDS[action.scope_kind]] = action.scope_id
        return initial

    def clean(self):
        data = super().clean()
        kind = data.get("scope_kind")
        if kind in _SCOPE_FIELDS:
            name = _SCOPE_FIELDS[kind]
            if data.get(name) is None and name not in self.errors:
                self.add_error(
                    name,
                    _("Choose the %(scope)s the action is about.") % {"scope": ScopeKind(kind).label.lower()},
                )
        target, kpi_key = data.get("target"), data.get("kpi")
        if target is not None and kpi_key:
            lowest, highest = (0.0, 100.0) if data.get("criterion") else definitions.by_key(kpi_key).bounds
            if (lowest is not None and target < lowest) or (highest is not None and target > highest):
                self.add_error("target", _("The target is out of this figure's range."))
        return data

    def values(self) -> dict:
        """The services' keyword arguments."""
        data = self.cleaned_data
        kind = data["scope_kind"]
        scope = data.get(_SCOPE_FIELDS[kind]) if kind in _SCOPE_FIELDS else None
        return {
            "title": data["title"],
            "change": data["change"],
            "owner": data["owner"],
            "due_on": data["due_on"],
            "kpi": data["kpi"],
            "scope_kind": kind,
            "scope_id": scope.pk if scope is not None else CENTER_ID,
            "criterion": data.get("criterion"),
            "target": data.get("target"),
            "direction": data.get("direction") or "",
            "starts_on": data["starts_on"],
            "window_days": data["window_days"],
        }

    @property
    def criterion_shown(self):
        """The criterion the action is about, if any (bound or initial)."""
        field = self["criterion"]
        value = field.value()
        if not value:
            return None
        return self.fields["criterion"].queryset.filter(pk=value).first() if str(value).isdigit() else None


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (selectors.OPEN, _("Open")),
            (ImprovementAction.Status.DONE, _("Done")),
            (ImprovementAction.Status.CANCELLED, _("Cancelled")),
            (selectors.ALL, _("All")),
        ],
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()

    def filters(self) -> selectors.ListFilters:
        if not self.is_valid():
            return selectors.ListFilters()
        return selectors.ListFilters(
            status=self.cleaned_data["status"] or selectors.OPEN, owner=self.cleaned_data["owner"]
        )

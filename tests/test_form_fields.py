"""qa_center.form_fields writes a field in one pass: the same markup as crispy-forms' `as_crispy_field` (Bootstrap
5), compared field by field on every form whose template uses it (bound, unbound, with errors) and on a form with
every widget and option it writes, plus the widgets it leaves to crispy-forms."""

from datetime import date

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.utils import translation

from calls.imports.forms import ColumnMappingForm
from calls.pages.forms import CallFilterForm
from qa_center.audit.forms import AuditFilterForm
from qa_center.form_fields import one_pass_field, render_widget, writes_in_one_pass
from qa_center.people.models import Team
from scorecards.evaluations.filters import EvaluationFilterForm
from scorecards.reporting.forms import ReportFilterForm
from tests.calls.pages.test_call_rows import normalised
from tests.factories import AgentFactory, CallFactory, TeamFactory

pytestmark = pytest.mark.django_db


class EveryWidget(forms.Form):
    text = forms.CharField(label="Text <b>", help_text="Help <em>as given</em>", max_length=10)
    search = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": 'a "q"'})
    )
    number = forms.IntegerField(required=False, min_value=0, max_value=9)
    decimal = forms.DecimalField(required=False, localize=True)
    email = forms.EmailField(required=False, disabled=True, initial="a@b.example")
    url = forms.URLField(required=False, assume_scheme="https")
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date", "class": "extra"}))
    choice = forms.ChoiceField(choices=[("", "Any"), ("a", "A & B"), ("b", "<B>")], required=False)
    grouped = forms.ChoiceField(
        choices=[
            ("", "—"),
            ("Fruit", [("apple", "Apple"), ("pear", "Pear")]),
            ("Veg <1>", [("leek", "Leek")]),
        ],
        required=False,
    )
    several = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")], required=False)
    typed = forms.TypedChoiceField(choices=[(1, "One"), (2, "Two")], coerce=int, required=False)
    duplicated = forms.ChoiceField(choices=[("x", "First x"), ("x", "Second x")], required=False)
    unlabelled = forms.CharField(label="", required=False)
    # Left to crispy-forms:
    flag = forms.BooleanField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea)
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, required=False)
    upload = forms.FileField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)


def every_field_matches(make_form) -> int:
    """Each field of a fresh form (crispy-forms adds its classes to the widgets it renders) in both ways."""
    compared = 0
    for name in make_form().fields:
        crispy = as_crispy_field(make_form()[name])
        written = one_pass_field(make_form()[name])
        assert normalised(written) == normalised(crispy), name
        compared += 1
    return compared


EVERY_WIDGET_DATA = [
    None,
    {},
    {
        "text": '<script>"',
        "search": "x&y",
        "number": "12",
        "decimal": "1,5",
        "url": "not a url",
        "day": "2024-13-01",
        "choice": "b",
        "grouped": "pear",
        "several": ["1", "3"],
        "typed": "2",
        "duplicated": "x",
    },
    {"text": "ok", "number": "3", "day": "2024-02-29", "choice": "zz", "several": ["9"], "typed": "7"},
]


@pytest.mark.parametrize("language", ["en", "lv"])
@pytest.mark.parametrize("data", EVERY_WIDGET_DATA, ids=["unbound", "empty", "errors", "some-valid"])
def test_every_widget_as_crispy_forms_writes_it(data, language):
    with translation.override(language):
        querydict = None
        if data is not None:
            querydict = QueryDict(mutable=True)
            for key, value in data.items():
                querydict.setlist(key, value if isinstance(value, list) else [value])
        assert every_field_matches(lambda: EveryWidget(querydict)) == len(EveryWidget.base_fields)


@pytest.fixture
def people(lead, agent, other_agent, manager):
    odd = AgentFactory(first_name="<b>Zoë", last_name='"&"', team=TeamFactory(name="Team <i>"))
    for person in (agent, other_agent, odd):
        CallFactory(agent=person)
    return {"lead": lead, "agent": agent, "manager": manager, "odd": odd}


QUERIES = [
    "",
    "q=CASE&answered=yes&date_from=2024-01-01&nps=promoter&csat_min=2",
    "date_from=2099-99-99&wait_min=-5&csat_min=9&answered=maybe&agent=999999&team=abc&date_to=2024-01-01",
]


@pytest.mark.parametrize("who", ["manager", "lead", "agent"])
@pytest.mark.parametrize("query", QUERIES, ids=["none", "valid", "invalid"])
def test_the_call_filters(people, who, query):
    user = people[who]
    data = QueryDict(
        query + (f"&agent={people['odd'].pk}" if query == QUERIES[1] and who == "manager" else "")
    )
    assert every_field_matches(lambda: CallFilterForm(data=data, user=user)) >= 15


@pytest.mark.parametrize("who", ["manager", "lead"])
@pytest.mark.parametrize(
    "query", ["", "passed=fail&score_min=80&date_from=2024-01-01", "score_min=abc&date_to=1&disputed=x"]
)
def test_the_evaluation_filters(people, who, query):
    user = people[who]
    assert every_field_matches(lambda: EvaluationFilterForm(QueryDict(query), user=user)) >= 10


@pytest.mark.parametrize(
    "query", ["", "kind=evaluation&since=2024-01-01", "who=nobody&since=x&until=2020-01-01"]
)
def test_the_audit_filters(people, query):
    assert every_field_matches(lambda: AuditFilterForm(QueryDict(query))) == 4


@pytest.mark.parametrize("query", ["", f"date_from={date(2024, 1, 1)}", "date_from=x&team=999"])
def test_the_report_filters(people, query):
    teams = Team.objects.order_by("name")
    assert every_field_matches(lambda: ReportFilterForm(QueryDict(query), teams=teams)) == 4


@pytest.mark.parametrize("data", [None, {"external_id": "Call ID", "started_at": ""}])
def test_the_import_mapping(data):
    headers = ["Call ID", "Agent <x>", "Start", "Wait (s)"]
    rows = [["1", "ann", "2024-01-01 10:00", "5"]]
    assert every_field_matches(lambda: ColumnMappingForm(data, headers=headers, rows=rows)) >= 10


def test_the_widgets_left_to_crispy_forms_are_its_own():
    form = EveryWidget()
    for name in ("flag", "notes", "radio", "upload", "hidden"):
        assert not writes_in_one_pass(form.fields[name].widget), name
    for name in ("text", "number", "day", "choice", "several"):
        assert writes_in_one_pass(form.fields[name].widget), name


def test_a_widget_alone_is_what_its_template_writes():
    for widget, value in [
        (forms.Select(choices=[("1", "One"), ("2", "Two & <b>")]), "2"),
        (forms.SelectMultiple(choices=[("1", "One"), ("2", "Two")]), ["1", "2"]),
        (forms.TextInput(attrs={"placeholder": 'say "hi"'}), "<x>"),
        (forms.NumberInput(), 5),
        (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), date(2024, 2, 29)),
    ]:
        assert normalised(render_widget(widget, "name", value, {"id": "id_name"})) == normalised(
            widget.render("name", value, attrs={"id": "id_name"})
        )


def test_the_library_is_there_for_templates(people):
    form = CallFilterForm(data=QueryDict("q=x"), user=people["manager"])
    html = Template("{% load form_fields %}{{ form.q|one_pass_field }}").render(Context({"form": form}))
    assert 'id="div_id_q"' in html and 'value="x"' in html

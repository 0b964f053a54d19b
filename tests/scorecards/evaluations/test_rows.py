"""scorecards.evaluations.rows writes the evaluations list's rows in Python: the same markup as the row template it
replaced (kept below as the reference), for every case a cell has, in each language and in another time zone."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from scorecards.evaluations.rows import evaluation_rows
from scorecards.models import Evaluation
from tests.calls.pages.test_call_rows import normalised
from tests.factories import AgentFactory, evaluation_of

pytestmark = pytest.mark.django_db

# templates/scorecards/evaluations/list.html's row loop as it was before the rows were written in Python.
TEMPLATE_ROWS = """{% load i18n %}{% for evaluation in page %}
    <tr data-evaluation="{{ evaluation.pk }}">
      <td class="text-nowrap"><a href="{{ evaluation.get_absolute_url }}"><time datetime="{{ evaluation.submitted_at|date:'c' }}">{{ evaluation.submitted_at|date:"SHORT_DATETIME_FORMAT" }}</time></a></td>
      <td><a href="{{ evaluation.call.get_absolute_url }}">{{ evaluation.call.external_id }}</a></td>
      <td>{{ evaluation.agent|default:"—" }}</td>
      <td>{{ evaluation.team|default:"—" }}</td>
      <td>{{ evaluation.reviewer }}</td>
      <td>{{ evaluation.version.scorecard.name }} <span class="text-muted small">{% blocktranslate with number=evaluation.version.number %}v{{ number }}{% endblocktranslate %}</span></td>
      <td class="text-end" data-column="score">{% if evaluation.score is None %}<span class="text-muted">{% translate "no score" %}</span>{% else %}{{ evaluation.score|floatformat:1 }}%{% endif %}</td>
      <td>
        {% if evaluation.passed is True %}<span class="badge text-bg-success">{% translate "Pass" %}</span>
        {% elif evaluation.passed is False %}<span class="badge text-bg-danger">{% translate "Fail" %}</span>{% endif %}
        {% if evaluation.auto_failed %}<span class="badge text-bg-warning">{% translate "Auto-fail" %}</span>{% endif %}
      </td>
      <td data-column="status">{{ evaluation.get_status_display }}</td>
    </tr>{% endfor %}"""


@pytest.fixture
def every_kind_of_row(agent, reviewer, default_version):
    """An evaluation for each case of each cell (stored results set directly: the rows only read them)."""
    default_version.scorecard.name = 'Sales <b>"&'
    default_version.scorecard.save(update_fields=["name"])
    odd = AgentFactory(first_name="<i>Zoë", last_name="O'Neil</i>")
    evaluations = [
        evaluation_of(agent, version=default_version, reviewer=reviewer, days_ago=n) for n in range(1, 5)
    ]
    evaluations.append(evaluation_of(odd, version=default_version, reviewer=reviewer, days_ago=5))
    results = [
        {"score": 92.345, "passed": True, "auto_failed": False},
        {"score": 61.5, "passed": False, "auto_failed": False},
        {"score": 0, "passed": False, "auto_failed": True, "status": Evaluation.Status.DISPUTED},
        {"score": None, "passed": None, "auto_failed": False, "status": Evaluation.Status.ACKNOWLEDGED},
        {"score": 100, "passed": None, "auto_failed": True},
    ]
    for evaluation, result in zip(evaluations, results, strict=True):
        Evaluation.objects.filter(pk=evaluation.pk).update(**result)
    Evaluation.objects.filter(pk=evaluations[1].pk).update(team=None)
    return evaluations


@pytest.mark.parametrize("language", ["en", "es", "lv"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Riga"])
def test_the_rows_are_the_templates_markup(client, manager, every_kind_of_row, language, zone):
    client.force_login(manager)
    with translation.override(language), timezone.override(zone):
        response = client.get(reverse("evaluations:list"), headers={"accept-language": language})
        page = response.context["page"]
        written = evaluation_rows(page)
        reference = Template(TEMPLATE_ROWS).render(Context({"page": page}))
    assert len(list(page)) == len(every_kind_of_row)
    assert normalised(written) == normalised(reference)


def test_the_page_escapes_what_it_is_given(client, manager, every_kind_of_row):
    client.force_login(manager)
    html = client.get(reverse("evaluations:list")).content.decode()
    assert html.count("<tr data-evaluation=") == len(every_kind_of_row)
    assert "Sales &lt;b&gt;&quot;&amp;" in html and "&lt;i&gt;Zoë O&#x27;Neil&lt;/i&gt;" in html
    assert "<i>Zoë" not in html

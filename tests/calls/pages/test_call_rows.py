"""calls.pages.rows writes the call list's rows in Python: the same markup as the row template it replaced (kept
below as the reference), cell by cell, for every case a cell has, in each language and in another time zone."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from calls.pages.rows import call_rows
from tests.factories import AgentFactory, CallFactory, EscalationFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db

# templates/calls/pages/call_list.html's row loop as it was before the rows were written in Python.
TEMPLATE_ROWS = """{% load i18n %}{% for call in page %}
    <tr data-external-id="{{ call.external_id }}">
      <td><time datetime="{{ call.started_at|date:'c' }}">{{ call.started_at|date:"SHORT_DATETIME_FORMAT" }}</time></td>
      <td><a href="{{ call.get_absolute_url }}">{{ call.external_id }}</a></td>
      <td>{{ call.agent|default:"—" }}</td>
      <td>{{ call.team|default:"—" }}</td>
      <td>{{ call.call_type|default:"—" }}</td>
      <td>{{ call.get_direction_display }}</td>
      <td class="text-end">{{ call.wait_time_seconds|default_if_none:"—" }}</td>
      <td class="text-end">{{ call.handle_time_seconds|default_if_none:"—" }}</td>
      <td>
        {% if call.answered is True %}<span class="badge text-bg-success">{% translate "Answered" %}</span>
        {% elif call.answered is False %}<span class="badge text-bg-danger">{% translate "Abandoned" %}</span>
        {% else %}<span class="text-muted">—</span>{% endif %}
      </td>
      <td>
        {% if call.resolved is True %}<i class="bi bi-check-circle-fill text-success" title="{% translate 'Resolved' %}"></i><span class="visually-hidden">{% translate "Resolved" %}</span>
        {% elif call.resolved is False %}<i class="bi bi-x-circle text-danger" title="{% translate 'Not resolved' %}"></i><span class="visually-hidden">{% translate "Not resolved" %}</span>
        {% else %}<span class="text-muted">—</span>{% endif %}
      </td>
      <td>{% if call.has_escalation %}<i class="bi bi-arrow-up-right-circle-fill text-warning" title="{% translate 'Escalated' %}"></i><span class="visually-hidden">{% translate "Escalated" %}</span>{% endif %}</td>
      <td>
        {% if call.survey_nps is not None %}<span class="badge text-bg-light">{% translate "NPS" %} {{ call.survey_nps }}</span>{% endif %}
        {% if call.survey_csat is not None %}<span class="badge text-bg-light">{% translate "CSAT" %} {{ call.survey_csat }}</span>{% endif %}
      </td>
      <td>{% if call.has_recording %}<a href="{{ call.get_absolute_url }}" title="{% translate 'Has a recording' %}"><i class="bi bi-soundwave"></i><span class="visually-hidden">{% translate "Has a recording" %}</span></a>{% endif %}</td>
      <td class="text-nowrap" data-column="evaluation">
        {% if call.evaluated_at %}
          {% if call.evaluation_score is None %}<span class="text-muted">{% translate "no score" %}</span>
          {% else %}{{ call.evaluation_score|floatformat:1 }}%{% endif %}
          {% if call.evaluation_passed is True %}<span class="badge text-bg-success">{% translate "Pass" %}</span>
          {% elif call.evaluation_passed is False %}<span class="badge text-bg-danger">{% translate "Fail" %}</span>{% endif %}
        {% endif %}
      </td>
    </tr>{% endfor %}"""


def normalised(html: str) -> str:
    """Whitespace between tags and runs of it inside text do not show in a browser."""
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", str(html)))).strip()


@pytest.fixture
def every_kind_of_row(manager):
    """A call for each case of each cell: outcome, resolution, escalation, survey, recording, evaluation, and
    values that need escaping."""
    evaluated = datetime(2024, 5, 2, 9, tzinfo=UTC)
    started = datetime(2024, 5, 1, 22, 30, tzinfo=UTC)  # another day in Riga
    odd_agent = AgentFactory(first_name='<b>Ann "&', last_name="O'Neil</b>")
    calls = [
        CallFactory(external_id='<script>"x"&', agent=odd_agent, started_at=started, queue_wait_seconds=1234),
        CallFactory(
            answered=False, resolved=None, talk_seconds=None, hold_seconds=None, wrap_up_seconds=None
        ),
        CallFactory(answered=None, resolved=False, queue_wait_seconds=None, ivr_wait_seconds=None),
        CallFactory(
            agent=None, team=None, call_type=None, direction="outbound", recording_url="https://pbx/1.mp3"
        ),
        CallFactory(evaluated_at=evaluated, evaluation_score=Decimal("87.25"), evaluation_passed=True),
        CallFactory(evaluated_at=evaluated, evaluation_score=Decimal("40.5"), evaluation_passed=False),
        CallFactory(evaluated_at=evaluated, evaluation_score=None, evaluation_passed=None),
        CallFactory(evaluated_at=evaluated, evaluation_score=Decimal("100"), evaluation_passed=None),
    ]
    EscalationFactory(call=calls[1])
    SurveyResponseFactory(call=calls[0], nps=9, csat=None)
    SurveyResponseFactory(call=calls[2], nps=None, csat=4)
    SurveyResponseFactory(call=calls[4], nps=0, csat=1)
    return calls


@pytest.mark.parametrize("language", ["en", "es", "lv"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Riga"])
def test_the_rows_are_the_templates_markup(client, manager, every_kind_of_row, language, zone):
    client.force_login(manager)
    with translation.override(language), timezone.override(zone):
        response = client.get(reverse("calls:list"), headers={"accept-language": language})
        page = response.context["page"]
        written = call_rows(page)
        reference = Template(TEMPLATE_ROWS).render(Context({"page": page}))
    assert len(page.object_list) == len(every_kind_of_row)
    assert normalised(written) == normalised(reference)


def test_the_page_shows_the_rows_and_escapes_what_it_is_given(client, manager, every_kind_of_row):
    client.force_login(manager)
    html = client.get(reverse("calls:list")).content.decode()
    assert html.count("<tr data-external-id=") == len(every_kind_of_row)
    assert "&lt;script&gt;&quot;x&quot;&amp;" in html and '<script>"x"' not in html
    assert "&lt;b&gt;Ann &quot;&amp; O&#x27;Neil&lt;/b&gt;" in html
    assert '<td class="text-end">1249</td>' in html  # the wait (15 s in the IVR, 1,234 queued), not "1,249"


def test_an_empty_page_says_so(client, manager):
    client.force_login(manager)
    html = client.get(reverse("calls:list")).content.decode()
    assert 'id="no-calls"' in html and "<tr data-external-id=" not in html

"""How KPI figures read: units, durations by their size, signed changes, no data."""

from django.utils import translation

from qa_center.kpis.definitions import by_key
from qa_center.kpis.templatetags.kpis import count_link, duration, kpi_change, kpi_value, share_of


def test_durations_read_by_their_size():
    assert duration(28.44) == "28.4 s"
    assert duration(446.8) == "7 min 27 s"
    assert duration(7495.4) == "2 h 04 min"
    assert duration(86400) == "24 h 00 min"
    assert duration(-21367.3) == "−5 h 56 min"


def test_values_by_unit_and_no_data():
    assert kpi_value(72.94, by_key("answer_rate")) == "72.9 %"
    assert kpi_value(446.8, by_key("aht")) == "7 min 27 s"
    assert kpi_value(17.5, by_key("nps")) == "17.5"
    assert "No data" in kpi_value(None, by_key("csat"))


def test_changes_are_signed():
    assert kpi_change(1.25, by_key("answer_rate")) == "+1.3 pp"
    assert kpi_change(-3.0, by_key("qa_score")) == "-3.0"
    assert kpi_change(185, by_key("aht")) == "+3 min 05 s"
    assert kpi_change(-0.7, by_key("average_wait")) == "−0.7 s"


def test_in_spanish_the_decimal_comma():
    with translation.override("es"):
        assert kpi_value(72.94, by_key("answer_rate")).startswith("72,9")


def test_a_share_reads_with_its_n_and_no_data_is_not_0():
    assert share_of(66.666, 3) == '66.7 % <span class="text-muted small">of 3</span>'
    assert share_of(None, 0).startswith('<span class="text-muted" title="No data">–</span>')
    with translation.override("lv"):
        assert share_of(12.34, 8).startswith("12,3 %")


def test_a_count_links_only_when_there_is_a_list():
    assert count_link(4, "/kpis/escalations/list/?a=1&b=2") == (
        '<a href="/kpis/escalations/list/?a=1&amp;b=2" class="drill-down">4</a>'
    )
    assert str(count_link(0, "")) == "0"

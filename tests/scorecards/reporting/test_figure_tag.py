"""{% qa_figure %} (the QA report's cells, a tag for speed) writes what scorecards/reporting/_figure.html writes."""

import pytest
from django.template import engines
from django.utils import translation

CASES = [
    {"value": 72.94, "whole": 48, "part_url": "/evaluations/?a=1&b=2", "whole_url": "/evaluations/?a=1", "percent": True},
    {"value": 71.5, "whole": 1234, "part_url": "/evaluations/?s=0", "whole_url": "/evaluations/?s=0", "percent": False},
    {"value": None, "whole": 0, "part_url": "/evaluations/", "whole_url": "/evaluations/", "percent": True},
    {"value": 5.0, "whole": 3, "part_url": "", "whole_url": "", "percent": True},
    {"value": 0.0, "whole": 7, "part_url": "", "whole_url": "/x/?a=<b>", "percent": False},
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "lv", "es"])
@pytest.mark.parametrize("case", CASES)
def test_the_tag_writes_the_include_s_html(case, language):
    engine = engines["django"]
    include = engine.from_string(
        '{% include "scorecards/reporting/_figure.html" with value=value whole=whole part_url=part_url '
        "whole_url=whole_url percent=percent %}"
    )
    tag = engine.from_string("{% load qa_reports %}{% qa_figure value whole part_url whole_url percent %}")
    with translation.override(language):
        assert tag.render(case) == include.render(case)

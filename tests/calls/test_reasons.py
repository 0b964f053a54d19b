"""calls.reasons: messages stored as a code and parameters, written in the active language when read."""

import pickle

from django.utils import translation
from django.utils.translation import gettext_lazy

from calls.reasons import Reason, declare, joined, plain, render

# Messages with Spanish and Latvian translations in the catalogue (declared here under test codes).
EMPTY = declare("test.empty", gettext_lazy("The file is empty."))
LINE = declare("test.line", gettext_lazy("line %(line)d"))
SAME = declare("test.same", gettext_lazy("Same response id as %(other)s."))
DURATION = declare("test.duration", gettext_lazy("“%s” is not a duration (seconds, M:SS or H:MM:SS)"))
COUNTED = declare("test.counted", lambda params: f"{params['n']} × {translation.gettext('line %(line)d')}")


def test_a_reason_is_its_text_in_the_language_active_when_made():
    with translation.override("es"):
        reason = EMPTY()
    assert isinstance(reason, str)
    assert reason == "El archivo está vacío."
    assert (reason.code, reason.params) == ("test.empty", None)


def test_stored_it_reads_in_the_readers_language_nested_reasons_too():
    with translation.override("en"):
        reason = SAME(other=LINE(line=7)).about("Response ID")
    assert reason == "Response ID: Same response id as line 7."
    stored = reason.as_json()
    assert stored["params"]["other"]["@reason"]["code"] == "test.line"
    with translation.override("es"):
        assert render(stored) == "Response ID: Mismo id. de respuesta que la línea 7."
    with translation.override("lv"):
        assert render(stored) == "Response ID: Tāds pats atbildes ID kā atbildei (7. rinda)."


def test_positional_parameters_joined_reasons_and_plain_texts():
    with translation.override("en"):
        both = joined([DURATION("abc").about("Talk"), plain("as the system said")])
    assert both == "Talk: “abc” is not a duration (seconds, M:SS or H:MM:SS); as the system said"
    with translation.override("lv"):
        assert (
            render(both.as_json())
            == "Talk: “abc” nav ilgums (sekundes, M:SS vai H:MM:SS); as the system said"
        )
    assert joined([EMPTY()]).code == "test.empty"  # one reason stays itself


def test_a_template_may_be_a_function_of_the_parameters():
    with translation.override("lv"):
        assert render(COUNTED(n=2).as_json()).startswith("2 × ")


def test_an_unknown_code_or_parameters_that_do_not_fit_read_as_the_stored_text():
    assert render({"code": "test.gone", "params": None}, "as written then") == "as written then"
    assert render({"code": "test.line", "params": {"wrong": 1}}, "as written then") == "as written then"
    assert render(None, "an older row") == "an older row"


def test_a_reason_survives_pickling_with_its_code():
    reason = LINE(line=3).about("Date")
    copy = pickle.loads(pickle.dumps(reason))  # noqa: S301 - our own bytes
    assert isinstance(copy, Reason)
    assert (copy, copy.code, copy.params, copy.column) == (reason, "test.line", {"line": 3}, "Date")

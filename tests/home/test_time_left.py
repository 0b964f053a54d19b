from datetime import timedelta

from django.utils import translation

from qa_center.home.sections import time_left


def test_days_and_hours_with_plural_forms():
    assert time_left(timedelta(days=5, hours=20, minutes=3)) == "5 days, 20 hours"
    assert time_left(timedelta(days=1, hours=1)) == "1 day, 1 hour"
    assert time_left(timedelta(hours=3)) == "3 hours"
    assert time_left(timedelta(minutes=40)) == "less than an hour"


def test_latvian_uses_its_own_plural_forms():
    # Django's own lv catalogue gives "5 diena" (the form for 2–9 is its singular); ours: 1 diena, 5 dienas.
    with translation.override("lv"):
        assert time_left(timedelta(days=5, hours=1)) == "5 dienas, 1 stunda"
        assert time_left(timedelta(days=21, hours=2)) == "21 diena, 2 stundas"

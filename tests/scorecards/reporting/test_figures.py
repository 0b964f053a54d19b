"""The report's figures on the hand-computed `world` (conftest): by team, agent, criterion, reviewer."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    COMPLETE_ANSWERS,
    GREETING_MISSED,
    CallFactory,
    UserFactory,
    calibrated,
    make_session,
)
from tests.scorecards.reporting.helpers import by_label, report_of

pytestmark = pytest.mark.django_db

approx = lambda value: pytest.approx(value, abs=1e-3)  # noqa: E731


def test_by_team(client, manager, world):
    report = report_of(client, manager)
    teams = by_label(report.teams)
    assert list(teams) == ["Blue", "Green"]
    blue, green = teams["Blue"], teams["Green"]
    # Blue: e1 100, e2 86.667 (disputed), e3 0 (auto-fail); the draft, the old one and calibration excluded.
    assert blue.evaluations == 3 and blue.scored_evaluations == 3
    assert blue.mean_score == approx((100 + 86.66667 + 0) / 3)
    assert (blue.passed_evaluations, blue.judged_evaluations, blue.pass_rate) == (2, 3, approx(200 / 3))
    assert (blue.auto_failed_evaluations, blue.auto_fail_rate) == (1, approx(100 / 3))
    assert (blue.disputed_evaluations, blue.dispute_rate) == (1, approx(100 / 3))
    # Green: e4 83.333 and e5 with no score (in no mean, no pass rate).
    assert green.evaluations == 2 and green.scored_evaluations == 1
    assert green.mean_score == approx(83.33333)
    assert (green.passed_evaluations, green.judged_evaluations, green.pass_rate) == (0, 1, 0)
    assert green.auto_fail_rate == 0 and green.dispute_rate == 0


def test_total(client, manager, world):
    total = report_of(client, manager).total
    assert total.evaluations == 5 and total.scored_evaluations == 4
    assert total.mean_score == approx(67.5)  # (100 + 86.66667 + 0 + 83.33333) ÷ 4
    assert total.pass_rate == approx(50)
    assert total.auto_fail_rate == approx(20)
    assert total.dispute_rate == approx(20)


def test_by_agent(client, manager, agent, other_agent, world):
    agents = by_label(report_of(client, manager).agents)
    assert {label: (row.team, row.evaluations) for label, row in agents.items()} == {
        str(agent): ("Blue", 3),
        str(other_agent): ("Green", 2),
    }
    assert agents[str(agent)].mean_score == approx(62.22222)
    assert agents[str(other_agent)].pass_rate == 0


def test_by_criterion(client, manager, default_version, na_version, world):
    blocks = {block.pk: block for block in report_of(client, manager).scorecards}
    default = blocks[default_version.pk]
    opening, resolution = default.sections
    assert (opening.title, opening.evaluations) == ("Opening", 4)
    # Σ(weight × share) ÷ Σ weight: Greeting 1 × 3/4 answers, Verified identity 2 × 3/4 → 9 ÷ 12.
    assert opening.mean_share == approx(75)
    # Diagnosed 2 × 3.75, Tone 1 × (3 + 2/3), Callback 1 × 3 over weights 8 + 4 + 3.
    assert resolution.mean_share == approx((7.5 + 3 + 2 / 3 + 3) * 100 / 15)
    criteria = {c.title: c for c in opening.criteria + resolution.criteria}
    assert [c.title for c in resolution.criteria] == ["Diagnosed the issue", "Tone", "Offered a callback"]
    greeting = criteria["Greeting"]
    assert (greeting.answered, greeting.failed, greeting.failed_share, greeting.mean_share) == (4, 1, 25, 75)
    assert criteria["Diagnosed the issue"].mean_share == approx(93.75)
    assert criteria["Tone"].mean_share == approx((3 + 2 / 3) * 25)
    callback = criteria["Offered a callback"]
    assert (callback.answered, callback.not_applicable, callback.failed_share, callback.mean_share) == (
        3,
        1,
        0,
        100,
    )
    # The all-N/A evaluation: an answer that never applied, no data rather than 0.
    (only,) = blocks[na_version.pk].sections
    assert only.evaluations == 0 and only.mean_share is None
    (offer,) = only.criteria
    assert (offer.answered, offer.not_applicable, offer.failed_share, offer.mean_share) == (0, 1, None, None)


def test_reviewers_and_drift(client, manager, reviewer, second_reviewer, world):
    reviewers = by_label(report_of(client, manager).reviewers)
    # The reference of the calibration sessions has no regular evaluation and no drift: no row.
    assert set(reviewers) == {str(reviewer), str(second_reviewer)}
    mine, theirs = reviewers[str(reviewer)], reviewers[str(second_reviewer)]
    assert (mine.evaluations, mine.scored_evaluations) == (3, 2)  # e1, e2, e5 (no score)
    assert mine.mean_score == approx(93.33333) and mine.pass_rate == 100
    assert theirs.evaluations == 2 and theirs.mean_score == approx(41.66667) and theirs.pass_rate == 0
    # Lenient: above the reference in both closed sessions; the open session's answers do not count.
    assert (mine.drift, mine.drift_sessions, mine.drift_flagged) == (approx(15), 2, True)
    # Harsh: below it.
    assert (theirs.drift, theirs.drift_sessions, theirs.drift_flagged) == (approx(-8.33333), 2, True)
    # Against every reviewer's mean on the same scorecard (DEFAULT_SECTIONS: 67.5; e5's has no score).
    assert mine.peer_gap == approx(((100 - 67.5) + (86.66667 - 67.5)) / 2)
    assert theirs.peer_gap == approx(((0 - 67.5) + (83.33333 - 67.5)) / 2)


def test_drift_under_the_flag(client, manager, reviewer, default_version, agent):
    other = UserFactory(username="third", is_reviewer=True)
    session = make_session(
        CallFactory(agent=agent, call_type=default_version.scorecard.call_type), manager, [reviewer, other]
    )
    calibrated(session, reviewer, COMPLETE_ANSWERS)  # 83.333 against 86.667: −3.333
    calibrated(session, other, GREETING_MISSED)
    calibrated(session, manager, GREETING_MISSED)
    row = by_label(report_of(client, manager).reviewers)[str(reviewer)]
    # Only calibration in the period: "no data".
    assert row.evaluations == 0 and row.mean_score is None and row.peer_gap is None
    assert row.drift == approx(-3.33333) and not row.drift_flagged


def test_empty_period_is_no_data(client, manager, world):
    report = report_of(client, manager, date_from="2020-01-01", date_to="2020-01-31")
    assert report.teams == [] and report.agents == [] and report.scorecards == [] and report.reviewers == []
    total = report.total
    assert total.evaluations == 0
    assert (total.mean_score, total.pass_rate, total.auto_fail_rate, total.dispute_rate) == (None,) * 4


def test_empty_period_page_says_no_data(client, manager, world):
    client.force_login(manager)
    response = client.get("/reports/", {"date_from": "2020-01-01", "date_to": "2020-01-31"})
    assert "no data" in response.content.decode()


def test_team_and_scorecard_filters(client, manager, team, na_version, world):
    report = report_of(client, manager, team=team.pk)
    assert [row.label for row in report.teams] == ["Blue"]
    assert report.total.evaluations == 3
    report = report_of(client, manager, scorecard=na_version.scorecard.pk)
    assert report.total.evaluations == 1 and report.total.mean_score is None
    # The drift follows the filters: both sessions were on the default scorecard.
    assert all(row.drift is None for row in report.reviewers)


def test_page_shows_figures_with_their_n(client, manager, world):
    client.force_login(manager)
    content = client.get("/reports/").content.decode()
    assert "66.7</a>%" not in content  # the % is inside the link
    assert "66.7%</a>" in content and "of 3" in content


def test_default_period_is_the_last_30_days(client, manager):
    client.force_login(manager)
    form = client.get("/reports/").context["form"]
    today = timezone.localdate()
    assert form.cleaned_data["date_from"] == today - timedelta(days=29)
    assert form.cleaned_data["date_to"] == today
    assert f'value="{today.isoformat()}"' in form.as_p()


def test_one_end_given_alone(client, manager):
    client.force_login(manager)
    form = client.get("/reports/", {"date_to": "2026-01-31"}).context["form"]
    assert (form.cleaned_data["date_from"], form.cleaned_data["date_to"]) == (
        date(2026, 1, 2),
        date(2026, 1, 31),
    )
    form = client.get("/reports/", {"date_from": "2026-01-01"}).context["form"]
    assert (form.cleaned_data["date_from"], form.cleaned_data["date_to"]) == (
        date(2026, 1, 1),
        timezone.localdate(),
    )


def test_errors_beside_their_fields(client, manager):
    client.force_login(manager)
    response = client.get("/reports/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 200 and response.context["report"] is None
    assert response.context["form"].errors == {"date_to": ["The end date is before the start date."]}
    assert 'id="filter-errors"' in response.content.decode()
    response = client.get("/reports/", {"date_from": "not a date", "date_to": "2026-01-01", "team": "x"})
    assert set(response.context["form"].errors) == {"date_from", "team"}


def test_page_flags_a_lenient_and_a_harsh_reviewer(client, manager, world):
    client.force_login(manager)
    content = client.get("/reports/").content.decode()
    assert content.count("data-flagged") == 2
    assert "+15.0" in content and "lenient" in content
    assert "-8.3" in content and "harsh" in content

"""GET /calibration/<pk>/results/ and calibration.calibration_results on the known data set
(known_answers.py): the reference and three reviewers on a 4-criterion scorecard; numbers done by hand."""

import re
from decimal import Decimal
from math import sqrt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from scorecards.calibration import services as calibration
from scorecards.evaluations.services import submit_evaluation
from scorecards.models import Evaluation
from tests.factories import CallFactory, UserFactory, calibrated, make_reviewers, make_session
from tests.scorecards.calibration.known_answers import KNOWN_ANSWERS

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("calibration:results", args=[session.pk])


def fill_known(session, manager, reviewers):
    calibrated(session, manager, KNOWN_ANSWERS["reference"])
    for name, reviewer in zip(["r1", "r2", "r3"], reviewers, strict=True):
        calibrated(session, reviewer, KNOWN_ANSWERS[name])


@pytest.fixture
def known(session, manager, reviewers):
    """The known data set, complete: the session has closed by itself."""
    fill_known(session, manager, reviewers)
    assert calibration.close_if_complete(session=session)
    return session


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# --- The numbers -------------------------------------------------------------------------------------------


def test_columns_reference_first_then_reviewers(known, manager, reviewers):
    results = calibration.calibration_results(session=known)
    assert [rater.reviewer for rater in results.raters] == [manager, *reviewers]
    assert [rater.is_reference for rater in results.raters] == [True, False, False, False]
    assert results.reference.reviewer == manager
    assert results.left_out == ()


def test_answers_side_by_side_with_na(known):
    results = calibration.calibration_results(session=known)
    rows = {row.criterion.title: row for row in results.criteria}
    assert [c.label for c in rows["Greeting"].cells] == ["Yes", "Yes", "No", "Yes"]
    assert [c.label for c in rows["Diagnosis"].cells] == ["4 / 4", "3 / 4", "4 / 4", "2 / 4"]
    assert [c.label for c in rows["Tone"].cells] == [
        "Excellent (3 pts)",
        "Good (2 pts)",
        "Excellent (3 pts)",
        "Good (2 pts)",
    ]
    callback = rows["Callback"].cells
    assert [c.label for c in callback] == ["Yes", "Yes", "N/A", "No"]
    assert [c.is_na for c in callback] == [False, False, True, False]
    assert [c.percent for c in callback] == [100, 100, None, 0]
    assert [round(c.percent, 2) for c in rows["Tone"].cells] == [100, 66.67, 100, 66.67]


def test_pairwise_percent_agreement_per_criterion(known):
    results = calibration.calibration_results(session=known)
    agreement = {row.criterion.title: row.percent_agreement for row in results.criteria}
    # 4 raters → 6 pairs. Greeting yes,yes,no,yes: 3 agree. Diagnosis 4,3,4,2: 1. Tone E,G,E,G: 2.
    # Callback yes,yes,N/A,no: 1 (N/A is an answer).
    assert agreement == pytest.approx(
        {"Greeting": 50, "Diagnosis": 100 / 6, "Tone": 100 / 3, "Callback": 100 / 6}
    )
    assert results.mean_percent_agreement == pytest.approx((50 + 100 / 6 + 100 / 3 + 100 / 6) / 4)


def test_krippendorffs_alpha_against_a_hand_computation(known):
    results = calibration.calibration_results(session=known)
    # Interval, units = criteria, values = fractions: Greeting 1,1,0,1; Diagnosis 1,.75,1,.5; Tone 1,⅔,1,⅔;
    # Callback 1,1,0 (N/A: no value). n = 15.
    # D_o = (1/n) Σ_u Σ_{i≠j} δ²/(m_u − 1) = (6/3 + 1.375/3 + (8/9)/3 + 4/2) / 15 = 1027/216 / 15 = 1027/3240
    # D_e = Σ_{i≠j over all 15} δ² / (n(n − 1)) = 2 × (nΣv² − (Σv)²) / 210 = 2 × (3794/144) / 210 = 7588/30240
    # α = 1 − D_o/D_e = 1 − 28756/22764 = −0.263223
    assert results.alpha_interval == pytest.approx(1 - (1027 / 3240) / (7588 / 30240))
    assert results.alpha_interval == pytest.approx(-0.263223, abs=1e-6)
    # Nominal on the answers: 16 values (N/A a category). D_o = (6/3 + 10/3 + 8/3 + 10/3) / 16 = 17/24;
    # categories yes×5, no×2, 4×2, 3, 2, Excellent×2, Good×2, N/A: 14 of the 120 pairs agree → D_e = 212/240.
    assert results.alpha_nominal == pytest.approx(1 - (17 / 24) / (212 / 240))
    assert results.alpha_nominal == pytest.approx(21 / 106)


def test_spread_of_total_scores(known):
    spread = calibration.calibration_results(session=known).spread
    # Scores 100, 85.41667 (3.41667/4), 66.66667 (2/3: Callback N/A), 54.16667 (2.16667/4).
    assert spread.count == 4
    assert spread.minimum == pytest.approx(54.16667, abs=1e-4)
    assert spread.maximum == pytest.approx(100)
    assert spread.range == pytest.approx(45.83333, abs=1e-4)
    assert spread.mean == pytest.approx(76.5625, abs=1e-4)
    # Population standard deviation: variance = 235625/768.
    assert spread.standard_deviation == pytest.approx(sqrt(235625 / 768), abs=1e-4)


def test_deviations_from_the_reference(known):
    results = calibration.calibration_results(session=known)
    rows = {row.criterion.title: row for row in results.criteria}
    differs = {title: [cell.differs for cell in row.cells] for title, row in rows.items()}
    assert differs == {
        "Greeting": [None, False, True, False],
        "Diagnosis": [None, True, False, True],
        "Tone": [None, True, False, True],
        "Callback": [None, False, True, True],
    }
    assert [row.differing_count for row in results.criteria] == [1, 2, 2, 2]
    reviewers_only = results.raters[1:]
    assert [r.criteria_differing for r in reviewers_only] == [2, 2, 3]
    assert [round(r.score_difference, 4) for r in reviewers_only] == [
        Decimal("-14.5833"),
        Decimal("-33.3333"),
        Decimal("-45.8333"),
    ]
    assert (results.raters[0].score_difference, results.raters[0].criteria_differing) == (None, None)


def test_drafts_at_close_and_late_submissions_are_left_out(session, manager, reviewers):
    calibrated(session, manager, KNOWN_ANSWERS["reference"])
    calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    late = calibrated(session, reviewers[1], KNOWN_ANSWERS["r2"], submit=False)
    calibration.close_session(session=session, by=manager)
    # A draft cannot be submitted once the session is closed (the others' answers are visible by then).
    with pytest.raises(ValidationError, match="session is closed"):
        submit_evaluation(evaluation=late, by=reviewers[1])
    # And should one slip through (a submit racing the close), the results still leave it out.
    Evaluation.objects.filter(pk=late.pk).update(
        status=Evaluation.Status.SUBMITTED, submitted_at=timezone.now()
    )
    results = calibration.calibration_results(session=session)
    assert [rater.reviewer for rater in results.raters] == [manager, reviewers[0]]
    assert set(results.left_out) == {reviewers[1], reviewers[2]}
    assert results.spread.count == 2


def test_without_the_reference_there_are_no_deviations(session, manager, reviewers):
    calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    calibrated(session, reviewers[1], KNOWN_ANSWERS["r2"])
    calibration.close_session(session=session, by=manager)
    results = calibration.calibration_results(session=session)
    assert results.reference is None
    assert {cell.differs for row in results.criteria for cell in row.cells} == {None}
    assert [rater.score_difference for rater in results.raters] == [None, None]
    assert results.alpha_interval is not None


def test_no_variation_when_everyone_gives_full_marks(session, manager, reviewers, client):
    for person in (manager, *reviewers):
        calibrated(session, person, KNOWN_ANSWERS["reference"])
    calibration.close_if_complete(session=session)
    results = calibration.calibration_results(session=session)
    assert results.alpha_interval is None  # every fraction is 1: no variation, α undefined
    assert results.alpha_nominal == 1.0  # the answers differ across criteria, never within one
    assert results.spread.standard_deviation == 0
    client.force_login(reviewers[0])
    html = client.get(url(session)).content.decode()
    assert text_of(html, "alpha-interval") == "no variation"
    assert text_of(html, "alpha-nominal") == "1.000"


def test_alpha_per_criterion_across_the_closed_sessions_of_the_version(
    known, manager, reviewers, agent, call_type, client
):
    assert calibration.calibration_results(session=known).sessions_compared == 0  # one session: not yet
    second = make_session(CallFactory(agent=agent, call_type=call_type), manager, reviewers)
    perfect_but_greeting = {**KNOWN_ANSWERS["reference"], "Greeting": 0}
    for person in (manager, *reviewers):
        calibrated(second, person, perfect_but_greeting)
    # The second session is complete but nobody has read it yet: the results page closes it, and counts it.
    client.force_login(manager)
    assert "α over 2 sessions" in client.get(url(known)).content.decode()
    results = calibration.calibration_results(session=known)
    assert results.sessions_compared == 2
    alphas = {row.criterion.title: row.sessions_alpha for row in results.criteria}
    # Greeting, units = sessions: [1, 1, 0, 1] and [0, 0, 0, 0]. n = 8; D_o = (6/3 + 0) / 8 = 1/4;
    # D_e = 2 × (3 × 5) / (8 × 7) = 30/56; α = 1 − (1/4)/(30/56) = 1 − 7/15 = 8/15.
    assert alphas["Greeting"] == pytest.approx(8 / 15)
    # Callback: [1, 1, 0] (N/A dropped) and [1, 1, 1, 1]: n = 7; D_o = (4/2) / 7; D_e = 2 × 6 / 42.
    assert alphas["Callback"] == pytest.approx(1 - (2 / 7) / (12 / 42))


def test_an_open_session_of_the_version_is_not_compared(known, manager, reviewers, agent, call_type):
    second = make_session(CallFactory(agent=agent, call_type=call_type), manager, reviewers)
    for person in (manager, *reviewers[:2]):
        calibrated(second, person, KNOWN_ANSWERS["reference"])
    assert calibration.results_ready(session=known)
    assert calibration.calibration_results(session=known).sessions_compared == 0


# --- The page ----------------------------------------------------------------------------------------------


def test_the_page_shows_the_numbers(client, known, reviewers):
    client.force_login(reviewers[2])
    response = client.get(url(known))
    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(html, "alpha-interval") == "-0.263"
    assert text_of(html, "alpha-nominal") == "0.198"
    assert text_of(html, "mean-agreement") == "29.2%"
    assert (text_of(html, "spread-min"), text_of(html, "spread-max")) == ("54.2", "100.0")
    assert (text_of(html, "spread-range"), text_of(html, "spread-sd")) == ("45.8", "17.5")
    assert re.findall(r'class="text-end score-difference">([^<]*)<', html) == ["-14.6", "-33.3", "-45.8"]
    assert re.findall(r'class="text-end percent-agreement">([^<]*)<', html) == ["50%", "17%", "33%", "17%"]
    assert (
        len(re.findall(r"badge text-bg-\w+ deviation", html)) == 12
    )  # same/differs: per reviewer, criterion
    assert 'class="text-center reference"' in html  # the reference column is highlighted
    assert "N/A" in html


def results_queries(client, django_assert_num_queries, manager, call_type, agent, count: int) -> int:
    session = make_session(
        CallFactory(agent=agent, call_type=call_type), manager, make_reviewers(count, prefix=f"q{count}-")
    )
    for person in session.participants.all():
        calibrated(session, person, KNOWN_ANSWERS["r1"])
    calibration.close_if_complete(session=session)
    client.force_login(manager)
    with django_assert_num_queries(12) as captured:
        assert client.get(url(session)).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_reviewers(
    client, django_assert_num_queries, manager, four_criteria_version, call_type, agent
):
    # Login session + user, the calibration session, closing the version's complete sessions (UPDATE), its
    # evaluations, their answers, the outline (3), the answers of the version's closed sessions, who was left
    # out, the spread, the navigation's unread count.
    three = results_queries(client, django_assert_num_queries, manager, call_type, agent, 3)
    six = results_queries(client, django_assert_num_queries, manager, call_type, agent, 6)
    assert three == six == 12


# --- Access ------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, known):
    response = client.get(url(known))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead"])
def test_agents_and_leads_are_forbidden(client, request, role, known):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(known)).status_code == 403


def test_a_reviewer_outside_the_session_gets_404(client, known):
    client.force_login(UserFactory(username="outsider", is_reviewer=True))
    assert client.get(url(known)).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method(client, manager, known, method):
    client.force_login(manager)
    assert getattr(client, method)(url(known)).status_code == 405


def test_before_the_close_even_the_manager_waits(client, session, manager, reviewers):
    calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    client.force_login(manager)
    assert client.get(url(session)).status_code == 403

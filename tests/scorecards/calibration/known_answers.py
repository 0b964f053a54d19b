"""The calibration tests' known data set: the reference (the QA manager) and three reviewers scoring one call on
FOUR_CRITERIA (tests.factories.scorecards), answers by criterion title; the results' numbers are worked out by
hand from it.

                  Greeting  Diagnosis   Tone          Callback   fractions               score
    reference     yes       4/4         Excellent 3   yes        1, 1, 1, 1              100
    r1            yes       3/4         Good 2        yes        1, .75, 2/3, 1          85.41667
    r2            no        4/4         Excellent 3   N/A        0, 1, 1, —              66.66667
    r3            yes       2/4         Good 2        no         1, .5, 2/3, 0           54.16667
"""

from tests.factories import NA

KNOWN_ANSWERS = {
    "reference": {"Greeting": 1, "Diagnosis": 4, "Tone": "Excellent", "Callback": 1},
    "r1": {"Greeting": 1, "Diagnosis": 3, "Tone": "Good", "Callback": 1},
    "r2": {"Greeting": 0, "Diagnosis": 4, "Tone": "Excellent", "Callback": NA},
    "r3": {"Greeting": 1, "Diagnosis": 2, "Tone": "Good", "Callback": 0},
}

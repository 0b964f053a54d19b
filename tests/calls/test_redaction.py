"""Transcripts are stored with card numbers, IBANs, e-mail addresses and phone numbers masked (calls.redaction),
whichever way they arrive: the API, the file import, the admin."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from calls.models import Call
from calls.redaction import Counts, iban_valid, luhn_valid, redact, redact_text
from calls.services import redact_stored_transcripts, upsert_call, upsert_calls
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, make_csv, run_import
from tests.calls.ingest.helpers import call_payload
from tests.factories import AgentFactory, CallFactory, UserFactory

# --- Each kind, in the forms en, es and lv speakers write it ----------------------------------------------

CARDS = [
    "4111 1111 1111 1111",  # Visa, in fours
    "4111-1111-1111-1111",
    "5500005555555559",  # Mastercard, unspaced
    "3782 822463 10005",  # Amex, 4-6-5
    "4000 0000 0000 0002",
]
IBANS = [
    "LV80 BANK 0000 4351 9500 1",
    "LV80BANK0000435195001",
    "ES91 2100 0418 4502 0005 1332",
    "ES9121000418450200051332",
    "GB29 NWBK 6016 1331 9268 19",
]
EMAILS = ["john.smith+qa@mail.co.uk", "maria_garcia@correo.es", "jānis.bērziņš@example.lv", "a.b@x.io"]
PHONES = [
    # Latvian: mobile 2x, fixed 6x; with and without the country code.
    "+371 2612 3456",
    "+371 26123456",
    "00371 26123456",
    "2612 3456",
    "26123456",
    "26 123 456",
    "67 123 456",
    # Spanish: mobile 6/7, fixed 8/9.
    "+34 612 345 678",
    "612 345 678",
    "612 34 56 78",
    "91 123 45 67",
    "712345678",
    # UK and US.
    "+44 20 7946 0958",
    "07700 900123",
    "(020) 7946 0958",
    "+1 (212) 555-0147",
    "(212) 555-0147",
    "212-555-0147",
]


@pytest.mark.parametrize("card", CARDS)
def test_a_card_number_is_masked(card):
    assert redact(f"My card is {card}, thanks") == ("My card is [card], thanks", Counts(cards=1))


@pytest.mark.parametrize("iban", IBANS)
def test_an_iban_is_masked(iban):
    assert redact(f"Mans konts ir {iban} un viss") == ("Mans konts ir [iban] un viss", Counts(ibans=1))


@pytest.mark.parametrize("email", EMAILS)
def test_an_email_address_is_masked(email):
    assert redact(f"Mi correo es {email}.") == ("Mi correo es [email].", Counts(emails=1))


@pytest.mark.parametrize("phone", PHONES)
def test_a_phone_number_is_masked(phone):
    assert redact(f"Call me on {phone} tomorrow") == ("Call me on [phone] tomorrow", Counts(phones=1))


def test_a_transcript_with_every_kind_in_three_languages():
    transcript = (
        "[0:02] Agent: Good morning, how can I help?\n"
        "[0:09] Customer: My card 4111 1111 1111 1111 was charged twice, call me on +44 7700 900123.\n"
        "[0:31] Cliente: Mi IBAN es ES91 2100 0418 4502 0005 1332 y mi correo maria@correo.es, móvil 612 345 678.\n"
        "[0:58] Klients: Konts LV80 BANK 0000 4351 9500 1, e-pasts janis@inbox.lv, tālrunis 2612 3456.\n"
    )
    masked, counts = redact(transcript)
    assert counts == Counts(cards=1, ibans=2, emails=2, phones=3)
    assert masked == (
        "[0:02] Agent: Good morning, how can I help?\n"
        "[0:09] Customer: My card [card] was charged twice, call me on [phone].\n"
        "[0:31] Cliente: Mi IBAN es [iban] y mi correo [email], móvil [phone].\n"
        "[0:58] Klients: Konts [iban], e-pasts [email], tālrunis [phone].\n"
    )


# --- What is not personal data stays ------------------------------------------------------------------------

NOT_PII = [
    "[0:05] Agent: Hello",
    "at 14:30 or 9:05",
    "on 2026-12-03, 03.12.2026, 12/03/2026 or 3-12-2026",
    "2026-12-03 14:30",
    "case CASE-12345, ticket HD-26123456, order #4521",
    "total 26 000 000 EUR",
    "€ 612 345 678",
    "1 250,00 eur",
    "£1,234.56 and $2612.34",
    "amount 2612.34",
    "3 items, 45 minutes, in 1999",
    "order 2125550147",  # a bare 10-digit number: more often an order number than a US phone
    "ref 1234567890123",  # 13 digits, Luhn fails
    "order 4111 1111 1111 1112",  # a card's shape, Luhn fails
    "ES91 2100 0418 4502 0005 1333",  # an IBAN's shape, mod-97 fails
    "LV80 BANK 0000 4351 9500",  # too short for a Latvian IBAN
    "no at sign here: user at example dot com",
    "1234567",  # short
    "",
]


@pytest.mark.parametrize("text", NOT_PII)
def test_what_is_not_personal_data_stays(text):
    assert redact(text) == (text, Counts())


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("card 4111 1111 1111 1111 12/27 cvv 123", "card [card] 12/27 cvv 123"),  # the expiry date stays
        ("(jdoe@x.lv)", "([email])"),
        ("tel. 26123456.", "tel. [phone]."),
        ("Tālr.: +371 67 123 456; e-pasts: info@banka.lv", "Tālr.: [phone]; e-pasts: [email]"),
        ("+44 (0)20 7946 0958", "[phone]"),
        ("4111111111111111\n26123456", "[card]\n[phone]"),
        (
            "nr.26123456, id_26123456, CASE-4111111111111111",
            "nr.26123456, id_26123456, CASE-4111111111111111",
        ),
        ("total 26.000.000", "total 26.000.000"),
    ],
)
def test_what_surrounds_a_number_decides(text, masked):
    assert redact_text(text) == masked


def test_a_luhn_invalid_number_stays_and_a_valid_one_beside_it_goes():
    assert (
        redact_text("order 4111111111111112, card 4111111111111111") == "order 4111111111111112, card [card]"
    )


def test_the_checksums():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert iban_valid("LV80BANK0000435195001") and not iban_valid("LV80BANK0000435195002")
    assert not iban_valid("ES9121000418450200051332" + "0")  # Spain's length is 24


def _luhn_complete(body: str) -> str:
    """`body` with the check digit that makes it Luhn-valid."""
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError


@given(
    prefix=st.sampled_from(["4", "51", "55", "2221", "34", "37", "6011", "35", "62"]),
    rest=st.text(alphabet="0123456789", min_size=18, max_size=18),
    length=st.integers(min_value=13, max_value=19),
    separator=st.sampled_from(["", " ", "-"]),
    words=st.sampled_from([("card", "ok"), ("tarjeta", "gracias"), ("karte", "paldies")]),
)
def test_a_luhn_valid_card_is_always_masked(prefix, rest, length, separator, words):
    digits = _luhn_complete((prefix + rest)[: length - 1])
    written = separator.join(digits[i : i + 4] for i in range(0, length, 4))
    before, after = words
    assert redact(f"{before} {written} {after}") == (f"{before} [card] {after}", Counts(cards=1))


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",), blacklist_characters="@"), max_size=200))
def test_text_without_digits_or_at_signs_is_left_as_it_is(text):
    assert redact(text) == (text, Counts())


@given(st.text(max_size=300))
def test_redacting_twice_changes_nothing_more(text):
    once = redact_text(text)
    assert redact_text(once) == once


# --- Every way in masks -----------------------------------------------------------------------------------

PII = "Card 4111 1111 1111 1111, mail jdoe@example.com, phone +371 2612 3456, IBAN LV80BANK0000435195001."
MASKED = "Card [card], mail [email], phone [phone], IBAN [iban]."


@pytest.mark.django_db
def test_the_api_stores_the_transcript_masked(agent, call_type):
    from tests.calls.ingest.helpers import token_client

    agent.agent_code = "A9001"
    agent.save(update_fields=["agent_code"])
    client, _token, _secret = token_client()
    response = client.post("/api/v1/calls/", call_payload(transcript=PII), format="json")
    assert response.status_code in (200, 201), response.content
    assert Call.objects.get(external_id="PBX-1").transcript == MASKED
    # The same transcript again is no change.
    again = client.post("/api/v1/calls/", call_payload(transcript=PII), format="json")
    assert again.status_code == 200


@pytest.mark.django_db
def test_the_services_mask_one_call_and_a_batch(agent):
    call, _created = upsert_call(
        data={"external_id": "X1", "started_at": CallFactory.build().started_at, "transcript": PII}
    )
    assert Call.objects.get(pk=call.pk).transcript == MASKED
    started = CallFactory.build().started_at
    upsert_calls(
        rows=[
            {"external_id": "X1", "transcript": PII + " again"},
            {"external_id": "X2", "started_at": started, "transcript": PII},
        ]
    )
    assert dict(Call.objects.values_list("external_id", "transcript")) == {
        "X1": MASKED + " again",
        "X2": MASKED,
    }


@pytest.fixture
def jdoe(team, call_type):
    return AgentFactory(username="jdoe", agent_code="A100", team=team)


@pytest.mark.django_db
def test_the_import_stores_the_transcript_masked(jdoe):
    header = [*BASIC_HEADER, "transcript"]
    columns = {**BASIC_COLUMNS, "transcript": "transcript"}
    rows = [[*basic_row("C1"), f'"{PII}"'], [*basic_row("C2"), "no personal data"]]
    result = run_import(make_csv(header, rows), columns=columns)
    assert result.created == 2
    assert dict(Call.objects.values_list("external_id", "transcript")) == {
        "C1": MASKED,
        "C2": "no personal data",
    }
    again = run_import(make_csv(header, rows), columns=columns)
    assert (again.updated, again.unchanged) == (0, 2)


@pytest.mark.django_db
def test_the_admin_stores_the_transcript_masked(client, agent, call_type):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    root.user_permissions.add(*Permission.objects.filter(codename__in=["change_call"]))
    client.force_login(root)
    call = CallFactory(agent=agent, call_type=call_type, transcript="Hello")
    data = {
        "external_id": call.external_id,
        "agent": call.agent_id,
        "team": call.team_id or "",
        "call_type": call.call_type_id,
        "direction": call.direction,
        "queue": call.queue,
        "channel": call.channel,
        "started_at_0": call.started_at.strftime("%Y-%m-%d"),
        "started_at_1": call.started_at.strftime("%H:%M:%S"),
        "answered": "unknown",
        "resolved": "unknown",
        "case_id": call.case_id,
        "customer_id": call.customer_id,
        "transcript": PII,
        "survey-TOTAL_FORMS": "0",
        "survey-INITIAL_FORMS": "0",
        "escalations-TOTAL_FORMS": "0",
        "escalations-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:calls_call_change", args=[call.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    call.refresh_from_db()
    assert call.transcript == MASKED


@pytest.mark.django_db
def test_transcripts_stored_before_are_masked_once(agent, call_type):
    stored = [CallFactory(agent=agent, call_type=call_type) for _n in range(3)]
    # Written as they were before redaction on ingest (update() bypasses every writer).
    Call.objects.filter(pk=stored[0].pk).update(transcript=PII)
    Call.objects.filter(pk=stored[1].pk).update(transcript="Nothing personal")
    out = io.StringIO()
    call_command("redact_transcripts", stdout=out)
    assert out.getvalue().strip() == "1 transcript masked."
    assert Call.objects.get(pk=stored[0].pk).transcript == MASKED
    assert Call.objects.get(pk=stored[1].pk).transcript == "Nothing personal"
    assert redact_stored_transcripts(batch_size=1) == 0  # again: nothing left to mask

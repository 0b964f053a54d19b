"""Masking personal data in transcripts before they are stored: card numbers, IBANs, e-mail addresses and
phone numbers, in the forms English, Spanish and Latvian speakers (and speech-to-text engines) write them.

Plain functions, no models: the one write path for calls (calls.services), the import's writer and the admin
call `redact_text` on every transcript they store.

Regular expressions plus checksums, not a library:
- Card numbers are 13–19 digits, grouped by spaces or dashes, starting with a payment-card major industry
  identifier (2–6: Visa, Mastercard, Amex, Diners, Discover, JCB, UnionPay, Maestro, Mir), and masked only when the
  Luhn check passes: an order number that fails it stays.
- IBANs are a country code, two check digits and the account (spaced in groups of four or not), masked only
  when the ISO 13616 mod-97 check passes and, for the countries we serve (LV, ES, GB and their neighbours), the
  length is the country's.
- Phone numbers: any number written with "+" (or "00" and one of our countries' codes: 371, 34, 44, 1) and 8–15
  digits (E.164); national forms by their numbering plans: Latvian 8 digits starting 2 (mobile) or 6 (fixed),
  Spanish 9 digits starting 6, 7, 8 or 9, UK 11 digits starting 0, US/Canada 10 digits in a written form
  ("(212) 555-0147", "212-555-0147"; a bare 10-digit number is more often an order number). Dates, times,
  amounts (a currency next to them, decimals), short numbers and ids glued to letters ("CASE-12345") stay.
- The `phonenumbers` package (Google's libphonenumber metadata) is not in the registry mirror we build from, and
  its PhoneNumberMatcher costs far more per row than a regular expression: an import writes 20,000+ rows a second
  (calls.imports.writer), so redaction must cost nothing for a transcript without a digit or an "@", and little
  otherwise. The numbering plans above are the few rules we need from it.

The masks are fixed ASCII tokens ("[card]", "[iban]", "[email]", "[phone]"), not translated: they are stored
text, read by whoever opens the transcript in any language, and searched for by exports and tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CARD_MASK = "[card]"
IBAN_MASK = "[iban]"
EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"


@dataclass(frozen=True)
class Counts:
    """How many of each kind `redact` masked."""

    cards: int = 0
    ibans: int = 0
    emails: int = 0
    phones: int = 0

    @property
    def total(self) -> int:
        return self.cards + self.ibans + self.emails + self.phones


# --- Checksums -------------------------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# IBAN lengths (ISO 13616 registry) of the countries we serve and their neighbours; others: 15–34.
IBAN_LENGTHS = {
    "LV": 21,
    "LT": 20,
    "EE": 20,
    "ES": 24,
    "PT": 25,
    "FR": 27,
    "GB": 22,
    "IE": 22,
    "DE": 22,
    "NL": 18,
    "BE": 16,
    "IT": 27,
    "PL": 28,
    "SE": 24,
    "FI": 18,
    "DK": 18,
    "NO": 15,
}


def iban_valid(iban: str) -> bool:
    """The mod-97 check of a compact, upper-case IBAN (and its country's length when we know it)."""
    if not 15 <= len(iban) <= 34 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


# --- Patterns ----------------------------------------------------------------------------------------------

EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# A country code, check digits, then 11–30 letters or digits, optionally spaced (or dashed) in groups.
IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}")
# 13–19 digits with single spaces or dashes between them.
CARD = re.compile(r"(?<![\w.,])[2-6]\d(?:[ -]?\d){11,17}(?![\w]|[.,]\d)")
# A run of digits with the separators phone numbers are written with; classified by `_phone_kind`.
PHONE = re.compile(r"(?<![\w+@/.,:])(?<!\w-)(?P<plus>\+|00)?\(?\d[\d ().\-]{5,20}\d(?![\w]|[.,:/]\d|-\d)")
DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
CURRENCY = re.compile(
    r"\s?(?:€|\$|£|eur\b|euro|eiro|usd\b|gbp\b|dollar|pound|sterlin|peso|lat)", re.IGNORECASE
)
CURRENCY_BEFORE = re.compile(r"(?:€|\$|£|eur|usd|gbp)\s?$", re.IGNORECASE)
INTERNATIONAL_00 = ("371", "34", "44", "1")
SEPARATORS = frozenset(" ().-")
_DIGIT = re.compile(r"\d")


def _phone_kind(candidate: str, plus: str | None) -> bool:
    """Whether a candidate run of digits is a phone number (see the module's docstring for the rules)."""
    digits = "".join(char for char in candidate if char.isdigit())
    if plus == "+":
        return 8 <= len(digits) <= 15
    if plus == "00":
        return digits.startswith(INTERNATIONAL_00) and 8 <= len(digits) <= 15
    if DATE.fullmatch(candidate):
        return False
    written = any(char in SEPARATORS for char in candidate)
    if len(digits) == 8:
        return digits[0] in "26"
    if len(digits) == 9:
        return digits[0] in "6789"
    if len(digits) == 11:
        return digits[0] == "0" and digits[1] in "123789"
    if len(digits) == 10:
        return written and digits[0] in "23456789" and digits[3] in "23456789"
    return False


# --- Masking -----------------------------------------------------------------------------------------------


def _mask_ibans(text: str) -> tuple[str, int]:
    found = 0
    parts: list[str] = []
    position = 0
    for match in IBAN.finditer(text):
        if match.start() < position:
            continue
        span = match.group()
        # The pattern is greedy (it may run into the next word): the longest prefix that checks is the IBAN.
        chars = [(index, char) for index, char in enumerate(span) if char.isalnum()]
        for length in range(len(chars), 14, -1):
            end = chars[length - 1][0] + 1
            if end < len(span) and span[end].isalnum():
                continue  # an IBAN ends at a group's end, not inside a word
            if iban_valid("".join(char for _index, char in chars[:length]).upper()):
                parts.append(text[position : match.start()])
                parts.append(IBAN_MASK)
                position = match.start() + end
                found += 1
                break
    if not found:
        return text, 0
    parts.append(text[position:])
    return "".join(parts), found


def _mask_card(match: re.Match) -> str:
    span = match.group()
    digits = "".join(char for char in span if char.isdigit())
    return CARD_MASK if luhn_valid(digits) else span


def _mask_phone(match: re.Match) -> str:
    span = match.group()
    candidate = span[len(match.group("plus") or "") :]
    if not _phone_kind(candidate, match.group("plus")):
        return span
    text = match.string
    if CURRENCY.match(text, match.end()) or CURRENCY_BEFORE.search(text, 0, match.start()):
        return span  # an amount: "26 000 000 EUR", "€ 612 345 678"
    return PHONE_MASK


def redact(text: str) -> tuple[str, Counts]:
    """`text` with its card numbers, IBANs, e-mail addresses and phone numbers masked, and how many of each."""
    if not text:
        return text, Counts()
    has_at = "@" in text
    has_digit = _DIGIT.search(text) is not None
    if not has_at and not has_digit:
        return text, Counts()
    emails = ibans = cards = phones = 0
    if has_at:
        text, emails = EMAIL.subn(EMAIL_MASK, text)
    if has_digit:
        text, ibans = _mask_ibans(text)
        before = text.count(CARD_MASK)
        text = CARD.sub(_mask_card, text)
        cards = text.count(CARD_MASK) - before
        before = text.count(PHONE_MASK)
        text = PHONE.sub(_mask_phone, text)
        phones = text.count(PHONE_MASK) - before
    return text, Counts(cards=cards, ibans=ibans, emails=emails, phones=phones)


def redact_text(text: str) -> str:
    """`redact` without the counts: what the writers store."""
    return redact(text)[0]

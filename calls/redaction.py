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
  (calls.imports.writer), so redaction must cost next to nothing for a transcript without a digit or an "@"
  (about 20 µs for 1.5 KB on the 2-core machine), little for one with only short numbers such as its
  timestamps (about 30 µs: runs of fewer than 8 digits are skipped before any pattern runs) and about 0.3 ms
  for 1.8 KB dense with personal data. Digit runs are read once (possessive quantifiers) and classified in
  Python; the numbering plans above are the few rules we need from libphonenumber.
- Known limits: two numbers written with only a space between them ("26123456 612345678") read as one run and
  stay; a national-looking number that is not a phone (an 8-digit order number starting with 2) is masked.

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
# Lookbehinds come after the first character so that the regex engine can skip ahead to a possible start.

# The part after "@"; the local part before it is found backwards from each "@" (LOCAL_PART).
EMAIL_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
LOCAL_PART = re.compile(r"[\w.%+-]{1,64}$")
# A country code, check digits, then 11–30 letters or digits, optionally spaced (or dashed) in groups.
IBAN = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]\d{2}(?:[ -]?[A-Za-z0-9]){11,30}")
# A run of digits with what phone and card numbers are written with between them (at most two characters:
# "(020) 7946", "555-0147"); possessive, so a run is read once. Classified by `_mask_number`.
DIGIT_RUN = re.compile(r"\d(?:[ ().\-]{0,2}+\d)*+")
GROUP_END = re.compile(r"\d(?=[ ().\-])")
DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
CURRENCY_AFTER = re.compile(
    r"\s?(?:€|\$|£|eur\b|euro|eiro|usd\b|gbp\b|dollar|pound|sterlin|peso)", re.IGNORECASE
)
CURRENCY_BEFORE = re.compile(r"(?:€|\$|£|eur|usd|gbp)\s?$", re.IGNORECASE)
CARD_SHAPE = re.compile(r"[2-6]\d(?:[ -]?\d){11,17}")
INTERNATIONAL_00 = ("371", "34", "44", "1")
MIN_DIGITS = 8  # the shortest number masked: a Latvian phone number
_DIGIT = re.compile(r"\d")
_NON_DIGIT = re.compile(r"\D")


def _is_phone(candidate: str, digits: str, plus: str) -> bool:
    """Whether a run of digits is a phone number (the module's docstring has the rules)."""
    if plus == "+":
        return 8 <= len(digits) <= 15
    if plus == "00":
        return digits.startswith(INTERNATIONAL_00) and 8 <= len(digits) <= 15
    if DATE.fullmatch(candidate):
        return False
    dotted = "." in candidate  # "26.000.000", "1.234.567": amounts, except in the US form
    if len(digits) == 10:
        written = candidate != digits
        return written and digits[0] in "23456789" and digits[3] in "23456789"
    if dotted:
        return False
    if len(digits) == 8:
        return digits[0] in "26"
    if len(digits) == 9:
        return digits[0] in "6789"
    if len(digits) == 11:
        return digits[0] == "0" and digits[1] in "123789"
    return False


def _left_ok(text: str, start: int) -> bool:
    """Nothing glued before a number: not part of a word, an id ("CASE-12345"), an amount or a time."""
    if start == 0:
        return True
    before = text[start - 1]
    if before.isalnum() or before == "_" or before in "@/.,:+":
        return False
    return not (before == "-" and start > 1 and (text[start - 2].isalnum() or text[start - 2] == "_"))


def _right_ok(text: str, end: int) -> bool:
    if end == len(text):
        return True
    after = text[end]
    if after.isalnum() or after == "_":
        return False
    return not (after in ".,:/-" and end + 1 < len(text) and text[end + 1].isdigit())


def _classify(text: str, start: int, end: int) -> str | None:
    """CARD_MASK or PHONE_MASK for text[start:end] (a run of digits and separators), or None."""
    candidate = text[start:end]
    digits = _NON_DIGIT.sub("", candidate)
    if len(digits) < MIN_DIGITS:
        return None
    if CARD_SHAPE.fullmatch(candidate) and luhn_valid(digits):
        return CARD_MASK
    plus = ""
    if start and text[start - 1] == "+":
        plus = "+"
    elif candidate.startswith("00"):
        plus, digits = "00", digits[2:]
        candidate = candidate[2:].lstrip(" ")
    if plus != "+" and (
        CURRENCY_AFTER.match(text, end) or CURRENCY_BEFORE.search(text, max(0, start - 5), start)
    ):
        return None  # an amount: "26 000 000 EUR", "€ 612 345 678"
    return PHONE_MASK if _is_phone(candidate.lstrip("("), digits, plus) else None


# --- Masking -----------------------------------------------------------------------------------------------


def _mask_emails(text: str) -> tuple[str, int]:
    parts: list[str] = []
    position = found = 0
    for match in EMAIL_DOMAIN.finditer(text):
        local = LOCAL_PART.search(text, max(position, match.start() - 64), match.start())
        if local is None:
            continue
        start = local.start()
        while start < match.start() and not text[start].isalnum():
            start += 1  # "(jdoe@x.lv", "...jdoe@x.lv": punctuation before the address is not part of it
        if start == match.start():
            continue
        parts += [text[position:start], EMAIL_MASK]
        position = match.end()
        found += 1
    if not found:
        return text, 0
    parts.append(text[position:])
    return "".join(parts), found


def _mask_ibans(text: str) -> tuple[str, int]:
    parts: list[str] = []
    position = found = 0
    for match in IBAN.finditer(text):
        span = match.group()
        # The pattern is greedy (it may run into the next word): the longest prefix that checks is the IBAN.
        chars = [(index, char) for index, char in enumerate(span) if char.isalnum()]
        for length in range(len(chars), 14, -1):
            end = chars[length - 1][0] + 1
            if end < len(span) and span[end].isalnum():
                continue  # an IBAN ends at a group's end, not inside a word
            if iban_valid("".join(char for _index, char in chars[:length]).upper()):
                parts += [text[position : match.start()], IBAN_MASK]
                position = match.start() + end
                found += 1
                break
    if not found:
        return text, 0
    parts.append(text[position:])
    return "".join(parts), found


def _mask_numbers(text: str, runs: list[re.Match]) -> tuple[str, int, int]:
    parts: list[str] = []
    position = cards = phones = 0
    for run in runs:
        start = run.start()
        if start and text[start - 1] == "(":
            start -= 1
        left = start - 1 if start and text[start - 1] == "+" else start
        if not _left_ok(text, left):
            continue
        # The run may go on into what follows it ("… 1111 12/27"): its longest part ending at a group's end
        # that ends cleanly is the number.
        ends = [run.end()] + [
            m.end() for m in reversed(list(GROUP_END.finditer(text, run.start(), run.end())))
        ]
        for end in ends:
            if end - start < MIN_DIGITS:
                break
            if not _right_ok(text, end):
                continue
            mask = _classify(text, start, end)
            if mask is not None:
                parts += [text[position:left], mask]
                position = end
                cards += mask == CARD_MASK
                phones += mask == PHONE_MASK
            break
    if position == 0 and not (cards or phones):
        return text, 0, 0
    parts.append(text[position:])
    return "".join(parts), cards, phones


def redact(text: str) -> tuple[str, Counts]:
    """`text` with its card numbers, IBANs, e-mail addresses and phone numbers masked, and how many of each."""
    if not text:
        return text, Counts()
    emails = ibans = cards = phones = 0
    if "@" in text:
        text, emails = _mask_emails(text)
    if _DIGIT.search(text) is not None:
        runs = [run for run in DIGIT_RUN.finditer(text) if run.end() - run.start() >= MIN_DIGITS]
        if runs:
            text, ibans = _mask_ibans(text)
            if ibans:
                runs = [run for run in DIGIT_RUN.finditer(text) if run.end() - run.start() >= MIN_DIGITS]
            text, cards, phones = _mask_numbers(text, runs)
    return text, Counts(cards=cards, ibans=ibans, emails=emails, phones=phones)


def redact_text(text: str) -> str:
    """`redact` without the counts: what the writers store."""
    return redact(text)[0]

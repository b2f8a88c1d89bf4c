"""Find and mask personal contact data (e-mail addresses, phone numbers) in untrusted text.

The site never publishes how to reach a reader. Contribution metadata
(author, source, reason, addresses) that holds an e-mail address or a phone
number fails the build (store.py); in bodies they are masked (sanitize.py).

What counts as an e-mail address: ``local@domain.tld`` with a quoted local
part (``"anne secret"@example.fr``) or an address literal
(``anne@[192.0.2.1]``, ``anne@[IPv6:2001:db8::1]``), in any width (NFKC
turns a fullwidth ``＠`` into ``@``), and the usual disguises (``anne [at]
example [dot] fr``, ``anne(at)example.fr``). Phone numbers are found by
libphonenumber's matcher (French numbers without a country code, any
number with one), after a cheap check for eight digits or more.
"""

from __future__ import annotations

import functools
import re
import unicodedata

EMAIL_MASK = "[adresse e-mail masquée]"
PHONE_MASK = "[numéro de téléphone masqué]"
DEFAULT_REGION = "FR"

_AT = r"(?:@|\s*[\[({]\s*(?:at|arobase)\s*[\])}]\s*)"
_DOT = r"(?:\.|\s*[\[({]\s*(?:dot|point)\s*[\])}]\s*)"
_LOCAL = r"(?:\"[^\"\n]{1,64}\"|[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*)"
_DOMAIN = rf"(?:\[(?:IPv6:)?[0-9A-Fa-f:.]+\]|[\w-]+(?:{_DOT}[\w-]+)+)"
EMAIL = re.compile(rf"{_LOCAL}{_AT}{_DOMAIN}", re.IGNORECASE)
_DIGITS = re.compile(r"(?:\d\D{0,3}){8,}")


def _normal(text: str) -> str:
    # Fullwidth and other compatibility forms read as their plain letters (＠ → @).
    return unicodedata.normalize("NFKC", text or "")


@functools.lru_cache(maxsize=1)
def _phonenumbers():
    import phonenumbers  # libphonenumber's port: see pyproject.toml

    return phonenumbers


def _phone_spans(text: str) -> list[tuple[int, int]]:
    if not _DIGITS.search(text):
        return []
    phonenumbers = _phonenumbers()
    matcher = phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=phonenumbers.Leniency.VALID)
    return [(match.start, match.end) for match in matcher]


_MAYBE_EMAIL = re.compile(r"[@＠﹫]|\b(?:at|arobase)\b", re.IGNORECASE)


def find(text: str) -> list[str]:
    """What personal contact data a text holds: e.g. ["e-mail address"], [] when none."""
    if not text or (not _MAYBE_EMAIL.search(text) and not _DIGITS.search(text)):
        return []  # the usual case, decided without normalising
    normal = _normal(text)
    found = []
    if EMAIL.search(normal):
        found.append("e-mail address")
    if _phone_spans(normal):
        found.append("phone number")
    return found


def find_in_url(url: str) -> list[str]:
    """Like find, for a web address: credentials before the host ("user:pass@host") are not an
    e-mail address (and such a link is never published: sanitize.clean_url refuses it)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url or "")
    except ValueError:
        return find(url)
    host = parts.netloc.rpartition("@")[2]
    return find(f"{parts.scheme}://{host}{parts.path}?{parts.query}#{parts.fragment}")


def mask(text: str) -> str:
    """The text with every e-mail address and phone number replaced by a mask."""
    if not text:
        return text
    normal = _normal(text)
    if normal != text and not find(text):
        return text  # compatibility forms elsewhere in the text are kept as written
    text = EMAIL.sub(EMAIL_MASK, normal) if EMAIL.search(normal) else text
    spans = _phone_spans(text)
    for start, end in reversed(spans):
        text = text[:start] + PHONE_MASK + text[end:]
    return text

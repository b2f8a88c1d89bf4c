"""Web addresses read the way a browser reads them (the WHATWG URL Standard), once, by one parser.

Addresses from readers, from other servers (webmentions, redirects) and from
contribution files are untrusted. Python's ``urllib.parse`` is not a
browser's parser: it raises on ``http://[zz]/``, accepts a port of 99999,
leaves ``HTTP://Exemple.FR`` as written and resolves ``https://a\\@b/``
differently. ada-url (the WHATWG parser used by Node.js) reads them as
Chromium, Firefox and Safari do; this module adds what a browser leaves to
the network but what can never succeed or be honest:

- no white space, control or format character anywhere, and no backslash
  (a browser silently drops some of them, so the text written is not the
  address visited);
- ``http`` or ``https`` with a host; no ``user:password@`` (a phishing trick);
- a host name DNS can hold: no empty label (``a..b``), no label over 63
  characters, 253 at most in all (its ASCII form);
- at most :data:`MAX_LENGTH` characters.

API: :func:`web_address` (an :class:`Address`, or :class:`AddressError` with
a ``reason`` code and an English message), :func:`problem` (the message or
None, for the build's rules), :func:`join` (a link resolved against its
page), :func:`host_of` (the host, or None: for block lists).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ada_url import HostType, join_url, parse_url  # ada-url: see pyproject.toml

MAX_LENGTH = 2000  # characters; no real page needs more, and browsers' own limits start above it
SCHEMES = ("http", "https")
_ATTRIBUTES = ("href", "protocol", "username", "password", "hostname", "port", "pathname", "search", "hash",
               "host_type")
# Why an address is refused (AddressError.reason), with the English message the build shows.
REASONS = {
    "empty": "the address is empty",
    "long": f"the address is longer than {MAX_LENGTH} characters",
    "space": "the address holds a space, a control or an invisible character, or a backslash",
    "invalid": "not a web address a browser can read",
    "scheme": "not an http:// or https:// address",
    "credentials": "the address holds a user name or password before its host",
    "host": "the host name cannot exist (an empty part, a part over 63 characters, or over 253 in all)",
}


class AddressError(ValueError):
    """An address refused; ``reason`` is a key of REASONS (callers translate it), the message is English."""

    def __init__(self, reason: str, value: str):
        super().__init__(REASONS[reason])
        self.reason = reason
        self.value = value


@dataclass(frozen=True)
class Address:
    """An http(s) address as a browser serialises it."""

    href: str  # the whole address, normalised (lower-case scheme and host, punycode, percent-encoding)
    scheme: str  # "http" or "https"
    host: str  # ASCII; an IPv6 address without its brackets
    host_kind: str  # "domain", "ipv4" or "ipv6"
    port: int  # the explicit port, or the scheme's default
    target: str  # path and query: what an HTTP request line carries
    fragment: str  # without "#"

    @property
    def without_fragment(self) -> str:
        """The address without its fragment: what two addresses of one page share."""
        return self.href.split("#", 1)[0]


def _hidden(text: str) -> bool:
    return any(ch.isspace() or ch == "\\" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def _dns_possible(host: str) -> bool:
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    return len(host.rstrip(".")) <= 253 and all(0 < len(label) <= 63 for label in labels)


def web_address(text: str, base: str | None = None) -> Address:
    """Parse an absolute http(s) address (or one relative to `base`); AddressError says why it is refused."""
    if text is None or not text.strip():
        raise AddressError("empty", text or "")
    if len(text) > MAX_LENGTH:
        raise AddressError("long", text)
    if _hidden(text):
        raise AddressError("space", text)
    try:
        parts = parse_url(join_url(base, text) if base else text, attributes=_ATTRIBUTES)
    except ValueError:
        raise AddressError("invalid", text) from None
    scheme = parts["protocol"].rstrip(":")
    if scheme not in SCHEMES or not parts["hostname"]:
        raise AddressError("scheme", text)
    if parts["username"] or parts["password"]:
        raise AddressError("credentials", text)
    kind = {HostType.IPV4: "ipv4", HostType.IPV6: "ipv6"}.get(parts["host_type"], "domain")
    host = parts["hostname"].strip("[]")
    if kind == "domain" and not _dns_possible(host):
        raise AddressError("host", text)
    if len(parts["href"]) > MAX_LENGTH:  # percent-encoding made it longer
        raise AddressError("long", text)
    return Address(href=parts["href"], scheme=scheme, host=host, host_kind=kind,
                   port=int(parts["port"]) if parts["port"] else (443 if scheme == "https" else 80),
                   target=(parts["pathname"] or "/") + parts["search"], fragment=parts["hash"][1:])


def problem(text: str) -> str | None:
    """Why an absolute http(s) address is refused (English), or None when a browser would visit it."""
    try:
        web_address(text)
    except AddressError as exc:
        return str(exc)
    return None


def join(base: str, reference: str) -> str | None:
    """A reference (a link, a Location header) resolved against its page as a browser does; None when refused."""
    try:
        return web_address(reference.strip(), base).href
    except AddressError:
        return None


def host_of(text: str) -> str | None:
    """The host of an address (ASCII, lower-case), or None when it is not one."""
    try:
        return web_address(text).host
    except AddressError:
        return None

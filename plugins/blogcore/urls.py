"""Web addresses read the way a browser reads them (the WHATWG URL Standard, through ada), by one module.

Python's ``urllib.parse`` is not a browser's parser: it raises on
``http://[zz]/``, accepts a port of 99999, leaves ``HTTP://Exemple.FR`` as
written, reads ``https://a\\@b/`` differently, and knows nothing of the
tabs, fullwidth letters, ``%2E`` or trailing dots a browser folds away.
ada-url binds ada, a C++ implementation of the standard that passes the Web
Platform Tests (the parser Node.js uses). Every question "which address, or
which host, is this?" asks this module. Two families of questions:

**Untrusted addresses to keep or visit** (from readers, other servers,
contribution files): :func:`web_address` gives an :class:`Address` or raises
:class:`AddressError` (a ``reason`` code and an English message), refusing
what a browser would silently change or what can never succeed or be honest:

- white space, a control or format character anywhere, or a backslash (a
  browser drops or rewrites some of them, so the text is not the address);
- a scheme other than ``http``/``https``, or no host; ``user:password@``;
- a host name DNS cannot hold (an empty label ``a..b``, a label over 63
  characters, over 253 in all, in its ASCII form); over :data:`MAX_LENGTH`.

:func:`problem` (the message or None, for the build's rules) and
:func:`join` (a reference resolved against its page) are built on it.

**Links as found on a page** (to decide paid links and loads from other
hosts): :func:`host_of` is the host a reader's browser would contact, ASCII
lower case without a trailing dot, or None when the link names none
(``mailto:``, a relative path, an invalid URL); :func:`scheme_of`,
:func:`on_domain` (a domain or one of its sub-domains), :func:`domain_of` (a
domain as settings write it) and :func:`first_domain`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ada_url import URL, HostType, join_url, parse_url  # ada-url: see pyproject.toml

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

# Stands for "a page of this site whose address is not known" (the local preview has no SITEURL):
# both schemes, because "https:host/x" is a path on an https page but another host on an http one.
_UNKNOWN_PAGES = ("https://own-page.invalid/a/", "http://own-page.invalid/a/")
_UNKNOWN_HOST = "own-page.invalid"


def _parse(url: str, base: str | None) -> URL | None:
    try:
        return URL(url, base=base) if base else URL(url)
    except (ValueError, TypeError):
        return None


def host_of(url: str, base: str | None = None) -> str | None:
    """The host a browser would contact for `url` (found on the page at `base`), or None when it names none.

    Without `base`, the URL is taken as found on some page of this site:
    relative addresses have no host of their own (None), ``//host/…`` and
    ``http:host`` are the other host they name.
    """
    if not isinstance(url, str):
        return None
    if base is not None:
        parsed = _parse(url, base)
        return _host(parsed) if parsed is not None else None
    for page in _UNKNOWN_PAGES:
        parsed = _parse(url, page)
        host = _host(parsed) if parsed is not None else None
        if host and host != _UNKNOWN_HOST:
            return host
    return None


def _host(parsed: URL) -> str | None:
    if parsed.protocol not in ("http:", "https:", "ws:", "wss:", "ftp:"):
        return None  # mailto:, javascript:, data:, file:... open no connection to a host of the web
    host = parsed.hostname.rstrip(".")
    return host or None


def scheme_of(url: str) -> str:
    """The scheme a browser would use for `url`, lower case without ':' ("" for a relative or invalid URL)."""
    parsed = _parse(url, _UNKNOWN_PAGES[0]) if isinstance(url, str) else None
    if parsed is None:
        return ""
    relative = parsed.hostname == _UNKNOWN_HOST and parsed.protocol == "https:"
    return "" if relative else parsed.protocol.rstrip(":")


def domain_of(text: str) -> str | None:
    """A domain name written in a setting ("Amzn.to", "bücher.example", "www.shop.example."), normalised; or None."""
    if not isinstance(text, str) or not text.strip() or any(c in text for c in "/:@?#\\ \t\n"):
        return None
    host = host_of(f"https://{text.strip()}/")
    return host if host and "." in host and not host.startswith("[") else None


def on_domain(host: str | None, domain: str | None) -> bool:
    """True when `host` is `domain` or one of its sub-domains (both as host_of/domain_of give them)."""
    if not host or not domain:
        return False
    return host == domain or host.endswith("." + domain)


def first_domain(host: str | None, domains) -> str:
    """The first of `domains` that `host` is on ("" when none)."""
    return next((domain for domain in domains if on_domain(host, domain)), "")

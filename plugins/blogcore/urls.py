"""The host of a link as a browser sees it (the WHATWG URL Standard, through ada).

A link is judged by the host a reader's browser would contact, never by the
text as written: browsers drop tabs and newlines anywhere in a URL and
spaces around it, read ``\\`` as ``/`` in http(s) URLs, resolve ``//host``
against the page, decode ``%2E`` in a host, map fullwidth letters and other
compatibility forms (IDNA/UTS 46: ``ａｍｚｎ.to`` is ``amzn.to``, ``。`` is
a dot), ignore ``user@`` and the case, and reach the same DNS name with or
without a trailing dot. Python's urllib does none of this, so every check
of "which host is this?" asks this module (ada: a C++ implementation of the
standard that passes the Web Platform Tests, bound by the ``ada-url``
package).

- ``host_of(url, base=None)``: the host, ASCII lower case (``xn--`` for
  international names), without a trailing dot; None when the URL names
  none (``mailto:``, ``javascript:``, a relative path, an invalid URL).
- ``scheme_of(url)``: the scheme a browser would use (``"javascript"``...).
- ``on_domain(host, domain)``: the host is the domain or one of its
  sub-domains (``fr.amzn.to`` is on ``amzn.to``; ``amzn.to.evil.example``
  and ``notamzn.to`` are not).
- ``domain_of(text)``: a domain name as settings write it, normalised the
  same way (None when it is not one).
"""

from __future__ import annotations

from ada_url import URL

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

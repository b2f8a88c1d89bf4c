"""Paid and affiliate links in an article's text: marked, and never undeclared.

Google asks for ``rel="sponsored"`` on links that are paid for, affiliate
links included; the ARPP asks for an affiliate disclosure near the link.
Every link of an article's own text to its partner's domain (``Sponsor_url:``)
or to an affiliate domain (``TRANSPARENCY["affiliate_domains"]``) gets
``rel="sponsored"`` (added to what ``rel`` held); an affiliate link is also
followed by a visible « lien affilié » note. A link to an affiliate domain
in an article without ``Partnership:`` is a problem: an undeclared paid link.

This runs on the HTML Markdown wrote for the article, before quoted
contributions are put in (their links keep ``rel="ugc nofollow noopener"``).
The HTML is our own Markdown's output, so a small pattern over its ``<a>``
tags is enough, and it costs nothing for the many articles without links out.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from .fields import Disclosure

AFFILIATE_NOTE = '<span class="affiliate-note"> (lien affilié)</span>'
# An <a> start tag with an absolute http(s) href, and what follows up to its </a>.
_LINK = re.compile(r"<a\b(?P<attrs>[^>]*?\shref=\"(?P<href>https?://[^\"]+)\"[^>]*)>(?P<text>.*?)</a>", re.S | re.I)
_REL = re.compile(r"\srel=\"(?P<rel>[^\"]*)\"", re.I)


def host(url: str) -> str:
    """The lower-case host of an address ("" when it has none)."""
    try:
        return (urlsplit(html.unescape(url)).hostname or "").lower()
    except ValueError:
        return ""


def matches(host: str, domains: tuple[str, ...]) -> str:
    """The domain of `domains` that `host` is, or is a sub-domain of ("" when none)."""
    for domain in domains:
        if domain and (host == domain or host.endswith("." + domain)):
            return domain
    return ""


def mark_links(fragment: str, disclosure: Disclosure | None,
               affiliate_domains: tuple[str, ...]) -> tuple[str, list[str]]:
    """The fragment with paid links marked, and the affiliate links found without a declared partnership."""
    if not fragment or "<a" not in fragment:
        return fragment, []
    partner = (disclosure.domain,) if disclosure is not None and disclosure.domain else ()
    undeclared: list[str] = []

    def replace(match: re.Match) -> str:
        where = host(match.group("href"))
        affiliate = matches(where, affiliate_domains)
        if not (affiliate or matches(where, partner)):
            return match.group(0)
        if affiliate and disclosure is None:
            undeclared.append(html.unescape(match.group("href")))
        attrs = match.group("attrs")
        rel = _REL.search(attrs)
        if rel is None:
            attrs += ' rel="sponsored"'
        elif "sponsored" not in rel.group("rel").split():
            values = " ".join(["sponsored", *rel.group("rel").split()])
            attrs = attrs[:rel.start()] + f' rel="{values}"' + attrs[rel.end():]
        note = AFFILIATE_NOTE if affiliate else ""
        return f"<a{attrs}>{match.group('text')}</a>{note}"

    return _LINK.sub(replace, fragment), undeclared

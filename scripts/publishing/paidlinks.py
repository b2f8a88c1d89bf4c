"""Part of gate "links": every link of the build to an affiliate domain is marked as readers must see it.

The transparency plugin marks paid links where it writes them (article and
page bodies, Source_url:, contributions, profiles: plugins/transparency/
disclosure.py). This reads the result, every HTML page and every feed
entry, as a browser reads it (Lexbor; hosts by the WHATWG URL Standard), so
that a place the plugin does not know (a new template, a version page, a
feed) cannot publish an affiliate link without ``rel="sponsored"`` and the
« (lien affilié) » note right after it.
"""

from __future__ import annotations

from blogcore import urls
from blogcore.errors import Problem
from selectolax.lexbor import LexborHTMLParser

NOTE_CLASS = "affiliate-note"
FIX = ("mark it where it is written: plugins/transparency/disclosure.py (mark_links, kind_of) gives rel=\"sponsored\" "
       "and the « (lien affilié) » note; a template writes them with the macros paid_rel and affiliate_note of "
       "theme/templates/_macros.html")


def check(where: str, field: str, html: str, domains: tuple[str, ...], base: str) -> list[Problem]:
    """Affiliate links in one page or fragment that lack rel="sponsored" or the note right after them."""
    if not domains or not html or "<" not in html:
        return []
    problems = []
    tree = LexborHTMLParser(html, scripting=True)
    roots = [tree, *tree.template_fragments()]
    for root in roots:
        for node in root.css("a[href], area[href]"):
            href = node.attributes.get("href") or ""
            domain = urls.first_domain(urls.host_of(href, base), domains)
            if not domain:
                continue
            rel = (node.attributes.get("rel") or "").lower().split()
            after = node.next
            noted = after is not None and after.tag == "span" and NOTE_CLASS in (after.attributes.get("class") or "")
            missing = [what for what, ok in (('rel="sponsored"', "sponsored" in rel),
                                             ("the « (lien affilié) » note", noted or node.tag == "area")) if not ok]
            if missing:
                problems.append(Problem(where, field, href, f"links to the affiliate domain {domain} without "
                                        f"{' and '.join(missing)}", FIX))
    return problems

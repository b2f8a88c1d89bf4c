"""Paid and affiliate links, wherever the site publishes them: marked, and never undeclared.

Google asks for ``rel="sponsored"`` on links that are paid for, affiliate
links included; the ARPP asks for an affiliate disclosure near the link.

- A link to an affiliate domain (``TRANSPARENCY["affiliate_domains"]``, or
  a sub-domain) gets ``rel="sponsored"`` (added to what ``rel`` held) and is
  followed by a visible « (lien affilié) » note, whoever wrote it.
- In the brand's own texts (an article, an official reply), a link to the
  partner's domain (``Sponsor_url:``) gets ``rel="sponsored"`` too. A
  reader's link to the partner stays the reader's (``rel="ugc"``).
- An affiliate link in a brand text without ``Partnership:`` is a problem:
  an undeclared paid link (pages and author profiles cannot declare one).
  So is an affiliate address that cannot carry the note where readers see
  it: an image-map ``<area>``, a link inside SVG, a form's action.

A link's host is the one a browser would contact (blogcore/urls.py: the
WHATWG URL Standard, so ``https://ａｍｚｎ.to./``, ``//amzn%2Eto/`` and
``https:\\\\amzn.to`` are amzn.to), and links are found in HTML as a browser
finds them (Lexbor through selectolax: single quotes, no quotes, entities,
template content). A fragment is only written back when a link changed; it
then comes out of Lexbor's serialiser, with no-break spaces kept as
characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from blogcore import urls
from selectolax.lexbor import LexborHTMLParser

from .fields import Disclosure

NOTE_TEXT = " (lien affilié)"
AFFILIATE_NOTE = f'<span class="affiliate-note">{NOTE_TEXT}</span>'
AFFILIATE = "affiliate"
PARTNER = "partner"


@dataclass(frozen=True)
class PaidLink:
    """An affiliate address found where it may not be: the address as written, its domain, and why."""

    url: str
    domain: str
    where: str  # "link", "area", "svg link", "form"

    @property
    def undeclared(self) -> bool:
        """A plain link in a text that declares no partnership (a declaration would fix it)."""
        return self.where == "link"


def kind_of(url: str, affiliate_domains: tuple[str, ...], partner: str = "") -> str:
    """"affiliate", "partner" (the partner's domain, `partner`) or "" for an address as a browser reads it."""
    host = urls.host_of(url or "")
    if urls.first_domain(host, affiliate_domains):
        return AFFILIATE
    return PARTNER if partner and urls.on_domain(host, partner) else ""


def affiliate_domain(url: str, affiliate_domains: tuple[str, ...]) -> str:
    """The affiliate domain an address reaches ("" when none)."""
    return urls.first_domain(urls.host_of(url or ""), affiliate_domains)


def mark_links(fragment: str, disclosure: Disclosure | None, affiliate_domains: tuple[str, ...], *,
               reader: bool = False) -> tuple[str, list[PaidLink]]:
    """The fragment with paid links marked, and the affiliate addresses that break the rule.

    `reader`: a reader's contribution (its affiliate links are marked, its partner links are not, and
    nothing in it is the brand's undeclared partnership).
    """
    if not fragment or not (affiliate_domains or (disclosure is not None and disclosure.domain)):
        return fragment, []
    partner = "" if reader or disclosure is None else disclosure.domain
    tree = LexborHTMLParser(fragment, is_fragment=True, scripting=True)
    found: list[PaidLink] = []
    changed = False
    for root in _roots(tree):
        for node in root.css("a, area, form, button, input"):
            changed |= _mark(node, partner, affiliate_domains, found)
    if not reader and disclosure is not None:
        found = [paid for paid in found if not paid.undeclared]
    elif reader:
        found = []
    if not changed:
        return fragment, found
    return tree.html.replace("&nbsp;", "\u00a0"), found


def _roots(tree):
    yield tree
    pending = list(tree.template_fragments())
    while pending:  # a declarative shadow root's links are live links
        content = pending.pop(0)
        yield content
        pending += list(content.template_fragments())


def _mark(node, partner: str, affiliate_domains: tuple[str, ...], found: list[PaidLink]) -> bool:
    tag = node.tag.lower()
    attrs = {name.lower(): value or "" for name, value in node.attributes.items()}
    if tag in ("form", "button", "input"):
        target = attrs.get("action" if tag == "form" else "formaction", "")
        domain = affiliate_domain(target, affiliate_domains) if target else ""
        if domain:
            found.append(PaidLink(target, domain, "form"))
        return False
    href = attrs.get("href") or attrs.get("xlink:href") or ""
    kind = kind_of(href, affiliate_domains, partner) if href else ""
    if not kind:
        return False
    domain = affiliate_domain(href, affiliate_domains)
    in_svg = _inside(node, "svg")
    if kind == AFFILIATE:
        found.append(PaidLink(href, domain, "area" if tag == "area" else "svg link" if in_svg else "link"))
    rel_name = next((name for name in node.attributes if name.lower() == "rel"), "rel")
    rel = (node.attributes.get(rel_name) or "").split()
    changed = False
    if "sponsored" not in [value.lower() for value in rel]:
        node.attrs[rel_name] = " ".join(["sponsored", *rel])
        changed = True
    if kind == AFFILIATE and tag == "a" and not in_svg and not _noted(node):
        node.insert_after(LexborHTMLParser(AFFILIATE_NOTE, is_fragment=True).css_first("span"))
        changed = True
    return changed


def _inside(node, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if (parent.tag or "").lower() == tag:
            return True
        parent = parent.parent
    return False


def _noted(node) -> bool:
    after = node.next
    return after is not None and after.tag == "span" and "affiliate-note" in (after.attributes.get("class") or "")

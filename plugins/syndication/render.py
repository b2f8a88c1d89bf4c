"""Write one feed as Atom, RSS 2.0 (feedgen) or JSON Feed 1.1 (json.dumps).

Output is byte-reproducible: the generator element names no version, the
feed's ``updated``/``lastBuildDate`` is its newest entry's date (never the
build time), entries keep the order they are given, JSON keys keep theirs.
"""

from __future__ import annotations

import json

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from .model import FORMATS, GENRE_SCHEME, Document

GENERATOR = "Pelican + feedgen (plugin syndication de Marques & communautés)"
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


class _HubExtension(BaseExtension):
    """Adds <atom:link rel="hub"> to an RSS channel (feedgen writes only rel="self")."""

    def __init__(self):
        self.hub = None

    def extend_ns(self):

        """Namespaces this extension adds to RSS."""
        return {"atom": ATOM_NS}

    def extend_rss(self, rss_feed):

        """Add the hub link to the RSS channel."""
        if self.hub:
            channel = rss_feed.find("channel")
            etree.SubElement(channel, f"{{{ATOM_NS}}}link", href=self.hub, rel="hub")
        return rss_feed


class _NoEntryExtension(BaseEntryExtension):
    """The hub extension has nothing to add to items."""


class _AtomLinkExtension(BaseExtension):
    """Nothing at feed level (entries carry the fix)."""


class _AtomEntryLinkExtension(BaseEntryExtension):
    """feedgen 1.0 drops rel and type from entry links; write them back.

    (An Atom link without rel means "alternate", RFC 4287 §4.2.7.2, but
    saying it is clearer to readers and validators.)
    """

    def __init__(self):
        self.enclosure = None  # (url, length, type) of the entry's cover image

    def extend_atom(self, entry):

        """Put rel back on entry links (feedgen 1.0 drops it): "enclosure" for the cover image, else "alternate"."""
        for link in entry.findall("link"):
            if "rel" not in link.attrib:
                if self.enclosure and link.get("href") == self.enclosure[0]:
                    link.attrib.update({"rel": "enclosure", "length": self.enclosure[1], "type": self.enclosure[2]})
                    continue
                link.attrib["rel"] = "alternate"
                link.attrib["type"] = "text/html"
        return entry


def _feedgen(doc: Document, with_rss: bool) -> FeedGenerator:
    """A FeedGenerator holding the feed's metadata and entries (links set per format)."""
    fg = FeedGenerator()
    fg.register_extension("atomlinks", _AtomLinkExtension, _AtomEntryLinkExtension, atom=True, rss=False)
    if with_rss:
        fg.load_extension("dc", atom=False, rss=True)  # dc:creator: RSS <author> must be an e-mail
        fg.register_extension("websub", _HubExtension, _NoEntryExtension, atom=False, rss=True)
    fg.id(doc.feed_id)
    fg.title(doc.title)
    fg.subtitle(doc.description)
    fg.description(doc.description)
    fg.author({"name": doc.publisher})
    fg.language(doc.language)
    fg.generator(GENERATOR)
    fg.updated(doc.updated)
    for item in doc.entries:
        entry = fg.add_entry(order="append")
        entry.id(item.id)
        entry.guid(item.id, permalink=False)
        entry.title(item.title)
        entry.updated(item.updated)
        entry.published(item.published)
        entry.link(href=item.url, rel="alternate", type="text/html")
        for person in item.authors:
            entry.author({"name": person.name, **({"uri": person.url} if person.url else {})})
            if with_rss:
                entry.dc.dc_creator(person.name)
        entry.content(item.content_html, type="html")
        entry.summary(item.summary_html, type="html")
        for term in item.categories:
            entry.category(term=term)
        if item.work_type:
            entry.category(term=item.work_type, scheme=GENRE_SCHEME, label=item.work_type)
        if item.image:  # the cover image: feed readers show an enclosure as the entry's picture
            entry.enclosure(item.image.url, str(item.image.length), item.image.type)
            entry.atomlinks.enclosure = (item.image.url, str(item.image.length), item.image.type)
    return fg


def _links(fg: FeedGenerator, doc: Document, fmt: str) -> None:
    """Self (and hub) first; the alternate link last, as feedgen takes the last one as RSS <link>."""
    fg.link(href=doc.urls[fmt], rel="self", type=FORMATS[fmt][1], replace=True)
    if doc.hub and fmt == "atom":
        fg.link(href=doc.hub, rel="hub")
    fg.link(href=doc.home_url, rel="alternate", type="text/html")


def xml_feeds(doc: Document, formats=("atom", "rss")) -> dict[str, bytes]:
    """The feed as Atom and/or RSS bytes, built from one FeedGenerator."""
    with_rss = "rss" in formats
    fg = _feedgen(doc, with_rss)
    out = {}
    if "atom" in formats:
        _links(fg, doc, "atom")
        out["atom"] = fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    if with_rss:
        _links(fg, doc, "rss")
        fg.websub.hub = doc.hub
        out["rss"] = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return out


def json_feed(doc: Document) -> bytes:
    """The feed as JSON Feed 1.1, serialised by json.dumps (never a template)."""
    data = {
        "version": JSON_FEED_VERSION,
        "title": doc.title,
        "home_page_url": doc.home_url,
        "feed_url": doc.urls["json"],
        "description": doc.description,
        "language": doc.language,
        "authors": [{"name": doc.publisher}],
    }
    if doc.hub:
        data["hubs"] = [{"type": "WebSub", "url": doc.hub}]
    items = []
    for item in doc.entries:
        entry = {
            "id": item.id,
            "url": item.url,
            "title": item.title,
            "content_html": item.content_html,
            "summary": item.summary_text,
            "date_published": item.published.isoformat(),
            "date_modified": item.updated.isoformat(),
            "authors": [{"name": p.name, **({"url": p.url} if p.url else {})} for p in item.authors],
            "language": doc.language,
        }
        if item.tags:
            entry["tags"] = list(item.tags)
        if item.image:
            entry["image"] = item.image.url
        items.append(entry)
    data["items"] = items
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(doc: Document, formats) -> dict[str, bytes]:
    """Every requested format of one feed: {"atom": b"...", "rss": b"...", "json": b"..."}."""
    out = xml_feeds(doc, tuple(f for f in formats if f in ("atom", "rss")))
    if "json" in formats:
        out["json"] = json_feed(doc)
    return out

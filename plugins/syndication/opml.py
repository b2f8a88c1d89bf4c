"""The OPML 2.0 subscription list: every feed of the site, one import.

One ``<outline type="rss">`` per feed (its Atom format: every reader reads
Atom), grouped in outlines named like the sections of the "Suivre" page.
No date in the head, so that the file changes only when the feeds do.
"""

from __future__ import annotations

from lxml import etree

OPML_DOCS = "http://opml.org/spec2.opml"


def opml_bytes(catalogue, fmt: str = "atom") -> bytes:
    """The OPML document listing every feed of the catalogue."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = f"{catalogue.sitename} — tous les flux"
    publisher = str(catalogue.settings.get("PUBLISHER") or catalogue.sitename)
    etree.SubElement(head, "ownerName").text = publisher
    etree.SubElement(head, "docs").text = OPML_DOCS
    body = etree.SubElement(root, "body")
    for group in catalogue.groups():
        folder = etree.SubElement(body, "outline", text=group.heading, title=group.heading)
        for feed in group.feeds:
            chosen = fmt if fmt in feed.formats else feed.formats[0]
            etree.SubElement(
                folder, "outline", type="rss", text=feed.title, title=feed.title,
                xmlUrl=catalogue.url(feed, chosen), htmlUrl=feed.home_url(catalogue.base),
                description=feed.description, language=catalogue.language,
            )
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")

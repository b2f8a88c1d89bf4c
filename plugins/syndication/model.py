"""The plugin's data: what a feed is, what an entry is, how a feed is linked.

These objects are plain data, independent of Pelican and of feedgen, so that
the rendering (render.py) and the templates can be tested on their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# format key -> (file extension, media type, name shown to readers)
# The scheme of the category that gives an entry's type of work (the page's JSON-LD "genre").
GENRE_SCHEME = "https://schema.org/genre"
FORMATS = {
    "atom": ("atom.xml", "application/atom+xml", "Atom"),
    "rss": ("rss.xml", "application/rss+xml", "RSS"),
    "json": ("json", "application/feed+json", "JSON Feed"),
}
# Scopes written as <feeds_dir>/<scope>.<ext>; the others as <feeds_dir>/<scope>/<slug>.<ext>.
SITE_SCOPES = ("site", "communaute", "corrections")
SCOPES = ("site", "communaute", "corrections", "categorie", "etiquette", "auteur", "contributions")


@dataclass(frozen=True)
class Image:
    """An entry's cover image (plugins/reading): an RSS enclosure, an Atom rel="enclosure" link, JSON's image."""

    url: str  # absolute
    type: str
    length: int
    description: str
    width: int
    height: int


@dataclass(frozen=True)
class Person:
    """An author as feeds show it: a name, and a page when there is one."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Entry:
    """One feed entry (an article or a contribution), every URL absolute."""

    id: str
    url: str
    title: str
    published: dt.datetime
    updated: dt.datetime
    summary_html: str
    summary_text: str
    content_html: str
    authors: tuple[Person, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    key: str = ""  # the article's slug or the contribution's id (tests, logs)
    work_type: str = ""  # an article's type of work, as its page shows it (« Republication »)
    image: Image | None = None  # the article's cover image


@dataclass(frozen=True)
class Link:
    """A <link rel="alternate"> of a page's head: path is relative to the site root."""

    title: str
    type: str
    path: str


@dataclass
class Feed:
    """One feed of the site, in one or more formats."""

    scope: str
    slug: str
    name: str  # the category, tag or author name, or the article title
    title: str  # the feed's own title (shown by readers)
    label: str  # short French label for links: "Catégorie Stratégie"
    description: str  # what it contains, in plain French
    home_path: str  # site-relative path of the matching HTML page ("" = home page)
    formats: tuple[str, ...]
    feeds_dir: str
    sources: list = field(default_factory=list, repr=False)  # articles or contributions, newest first

    def path(self, fmt: str) -> str:
        """Where the feed is written, relative to the output folder."""
        ext = FORMATS[fmt][0]
        if self.scope in SITE_SCOPES:
            return f"{self.feeds_dir}/{self.scope}.{ext}"
        return f"{self.feeds_dir}/{self.scope}/{self.slug}.{ext}"

    def url(self, fmt: str, base: str) -> str:
        """The absolute address of the feed under `base` (no trailing slash)."""
        return f"{base}/{self.path(fmt)}"

    def home_url(self, base: str) -> str:
        """The absolute address of the matching HTML page."""
        return f"{base}/{self.home_path}"

    def format_name(self, fmt: str) -> str:
        """"Atom", "RSS" or "JSON Feed"."""
        return FORMATS[fmt][2]

    def media_type(self, fmt: str) -> str:
        """The media type of one format (for type= attributes)."""
        return FORMATS[fmt][1]

    def link_title(self, fmt: str) -> str:
        """« Catégorie Stratégie (RSS) »."""
        return f"{self.label} ({FORMATS[fmt][2]})"

    def links(self) -> list[Link]:
        """The head links of this feed, one per format."""
        return [Link(self.link_title(fmt), FORMATS[fmt][1], self.path(fmt)) for fmt in self.formats]


@dataclass(frozen=True)
class Document:
    """Everything a renderer needs to write one feed in one format."""

    feed_id: str
    title: str
    description: str
    home_url: str
    urls: dict  # format -> absolute address where that format is served (rel="self", feed_url)
    language: str
    publisher: str
    updated: dt.datetime
    entries: tuple[Entry, ...]
    hub: str | None = None

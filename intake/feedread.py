"""Read the site as readers get it: its published feeds and feed list, over HTTP, never from the repository.

What the intake mails to followers is what the published Atom feeds carry, so
that nothing reaches an inbox before it is on the site, and nothing that is
not public ever does (the feeds only hold what ``blogcore.public`` lets out).
Feeds are parsed with defusedxml, DTDs, entities and external references
refused (our feeds never have one; an entity bomb is refused before it
expands), with a size limit and a timeout. Only addresses under
INTAKE_SITE_URL are read.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from .config import IntakeConfig

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedError(Exception):
    """A feed (or the feed list) could not be read or is refused; the message says why."""


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a published Atom feed."""

    id: str
    url: str
    title: str
    updated: str  # as written (RFC 3339): a later value means a correction (syndication/entries.py)
    html: str  # the full content (disclosure and type of work included, as the feed has them)


@dataclass(frozen=True)
class Feed:
    """A published feed: its title and entries (None when unchanged since the last read: HTTP 304)."""

    title: str
    entries: tuple[FeedEntry, ...]
    etag: str = ""
    modified: str = ""


def site_address(cfg: IntakeConfig, path: str) -> str:
    """The absolute address of a path on the published site."""
    return f"{cfg.site_url}/{path.lstrip('/')}"


def on_site(cfg: IntakeConfig, url: str) -> bool:
    """Whether an address is on the published site (the only one the intake reads for followers)."""
    return url.startswith(cfg.site_url + "/")


def fetch(cfg: IntakeConfig, url: str, etag: str = "", modified: str = "") -> tuple[int, bytes, dict]:
    """GET an address of the site: (status, body, headers); 304 when unchanged. FeedError otherwise."""
    if not on_site(cfg, url):
        raise FeedError(f"{url} is not on the site ({cfg.site_url})")
    headers = {"User-Agent": "intake-follow (the site's own e-mail service)", "Accept-Encoding": "identity"}
    # Only the ETag makes the GET conditional. Last-Modified has one-second resolution: a feed published in
    # the second it was last read would answer 304 to If-Modified-Since until it changed again, and its new
    # entries would wait that long (a test caught it). `modified` is kept for callers; never sent.
    if etag:
        headers["If-None-Match"] = etag
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener().open(request, timeout=cfg.feed_timeout) as answer:
            body = answer.read(cfg.feed_max_bytes + 1)
            if len(body) > cfg.feed_max_bytes:
                raise FeedError(f"{url} is larger than INTAKE_FEED_MAX_BYTES ({cfg.feed_max_bytes})")
            return answer.status, body, dict(answer.headers)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, b"", dict(exc.headers or {})
        raise FeedError(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise FeedError(f"{url}: {getattr(exc, 'reason', exc)}") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The site's feeds and pages answer at their own address: a redirect (elsewhere, perhaps) is refused."""

    def redirect_request(self, *args, **kwargs):  # noqa: D401 - urllib's hook
        return None


def _opener():
    return urllib.request.build_opener(_NoRedirect())


def _parse(data: bytes, url: str):
    try:
        return safe_et.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(f"{url}: refused, it declares a DTD or entities ({exc.__class__.__name__}); "
                        "the site's feeds never do") from None
    except ParseError as exc:
        raise FeedError(f"{url}: malformed XML ({exc})") from None


def read_feed(cfg: IntakeConfig, url: str, etag: str = "", modified: str = "") -> Feed | None:
    """The entries of one published Atom feed (None when the server says it did not change)."""
    status, body, headers = fetch(cfg, url, etag, modified)
    if status == 304:
        return None
    root = _parse(body, url)
    if root.tag != ATOM + "feed":
        raise FeedError(f"{url}: not an Atom feed")
    entries = []
    for item in root.findall(ATOM + "entry"):
        link = ""
        for candidate in item.findall(ATOM + "link"):
            if candidate.get("rel", "alternate") == "alternate":
                link = candidate.get("href", "")
                break
        content = item.find(ATOM + "content")
        if content is None:
            content = item.find(ATOM + "summary")
        entries.append(FeedEntry(id=_text(item, "id"), url=link, title=" ".join(_text(item, "title").split()),
                                 updated=_text(item, "updated"), html="".join(content.itertext()) if content is not None else ""))
    return Feed(" ".join(_text(root, "title").split()), tuple(e for e in entries if e.id),
                headers.get("ETag", "") or headers.get("Etag", ""), headers.get("Last-Modified", ""))


def read_catalogue(cfg: IntakeConfig) -> dict[str, str]:
    """The published list of feeds (OPML): site-relative Atom path → its title (what readers may follow)."""
    url = site_address(cfg, cfg.follow_catalogue)
    _status, body, _headers = fetch(cfg, url)
    root = _parse(body, url)
    found = {}
    for outline in root.iter("outline"):
        address = outline.get("xmlUrl") or ""
        if on_site(cfg, address):
            found[address[len(cfg.site_url) + 1:]] = " ".join((outline.get("title") or outline.get("text") or "").split())
    return found


def is_live(cfg: IntakeConfig, url: str) -> bool:
    """Whether an entry's page answers on the site (a message never links to a page not yet online)."""
    try:
        status, _body, _headers = fetch(cfg, url)
    except FeedError:
        return False
    return status == 200


def _text(element, name: str) -> str:
    child = element.find(ATOM + name)
    return "".join(child.itertext()).strip() if child is not None else ""

"""Find the article of this site that a source thread belongs to.

A thread (a WordPress post, a Disqus thread, a CSV ``thread`` value) matches
an article, in this order:

1. a ``--map`` entry: a CSV file with the header ``source,article``, where
   ``source`` is an old slug or an old address (absolute URL or path) and
   ``article`` the slug of an article of this site. The map wins over the
   automatic rules, so a wrong automatic match can always be corrected;
2. its slug (WordPress ``wp:post_name``, Disqus thread ``<id>``) is the
   article's slug;
3. the last non-empty segment of its address is the article's slug (an old
   ``.html``/``.htm``/``.php``/``.asp(x)`` extension is ignored:
   ``/2009/02/mon-article.html`` matches ``mon-article``);
4. the path of its address is the article's path on this site.

Addresses compare without their scheme, with the host in lower case, without
a trailing slash and without the #fragment; the query string counts
(``/?p=12`` is not ``/?p=13``). Slugs compare case-insensitively and
percent-decoded (WordPress stores non-Latin slugs percent-encoded).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from blogcore.errors import SiteError

from ..store import display
from .csvfile import read_rows
from .records import SourceThread

OLD_EXTENSIONS = (".html", ".htm", ".shtml", ".php", ".aspx", ".asp")
MAP_HEADER = ("source", "article")


def address_key(value: str) -> tuple[str, str] | None:
    """(host in lower case, path without trailing slash [+ ?query]) of a URL or a path; None otherwise."""
    value = (value or "").strip()
    if value.startswith("//"):
        value = "http:" + value
    if "://" in value:
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        host = parts.hostname.lower()
    elif value.startswith("/"):
        parts = urlsplit(value)
        host = ""
    else:
        return None
    path = unquote(parts.path).rstrip("/")
    return host, path + (f"?{parts.query}" if parts.query else "")


def slug_key(value: str) -> str:
    """A slug as compared: percent-decoded, case-folded, trimmed."""
    return unquote((value or "").strip()).strip("/").casefold()


def last_segments(path: str) -> list[str]:
    """Slug candidates from a path: its last non-empty segment, with and without an old extension."""
    bare = path.split("?", 1)[0]
    segments = [s for s in bare.split("/") if s]
    if not segments:
        return []
    last = slug_key(segments[-1])
    candidates = [last]
    for extension in OLD_EXTENSIONS:
        if last.endswith(extension) and len(last) > len(extension):
            candidates.append(last[: -len(extension)])
    return candidates


@dataclass
class ThreadMap:
    """The entries of a --map file, indexed for lookup."""

    path: str = ""
    addresses: dict[tuple[str, str], str] = field(default_factory=dict)  # (host, path) → article
    paths: dict[str, str] = field(default_factory=dict)                  # path-only sources
    slugs: dict[str, str] = field(default_factory=dict)                  # slug_key → article


def load_map(path: Path, articles: dict[str, str]) -> ThreadMap:
    """Read a --map CSV file (source,article); any bad row raises a SiteError naming it."""
    shown = display(path)
    header, rows = read_rows(Path(path))
    names = tuple(name.strip().lower() for name in header)
    if names != MAP_HEADER:
        raise SiteError(shown, "row 1 (header)", ",".join(header),
                        "a map file has exactly two columns, 'source' and 'article'",
                        "write the first line as: source,article")
    mapping = ThreadMap(path=shown)
    for row in rows:
        values = [value.strip() for value in row.values]
        if not any(values):
            continue
        if len(values) != 2:
            raise SiteError(shown, row.where(), ",".join(row.values),
                            f"{len(values)} values instead of 2 (source, article)",
                            "write one old slug or address, a comma, then the slug of an article; "
                            "quote a value that contains a comma")
        source, article = values
        if not source:
            raise SiteError(shown, row.where("source"), source, "the old slug or address is missing",
                            "write the old slug (e.g. mon-ancien-article) or address (https://...)")
        if article not in articles:
            close = difflib.get_close_matches(article, list(articles), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise SiteError(shown, row.where("article"), article, "no article of this site has this slug",
                            f"{hint}write the slug of an existing article (the Slug: line of the article, "
                            "or the last part of its address)")
        key = address_key(source)
        if key is None and ("/" in source or " " in source):
            raise SiteError(shown, row.where("source"), source, "neither a slug nor a web address",
                            "write an old slug (letters, digits, hyphens) or a full address starting with "
                            "https:// or http:// (or a path starting with /)")
        if key is None:
            table, index = mapping.slugs, slug_key(source)
        elif key[0]:
            table, index = mapping.addresses, key
        else:
            table, index = mapping.paths, key[1]
        if table.get(index, article) != article:
            raise SiteError(shown, row.where("source"), source,
                            f"the same source is already mapped to '{table[index]}'",
                            "keep one row per old slug or address")
        table[index] = article
    return mapping


class ArticleMatcher:
    """Match source threads to this site's articles (map first, then the automatic rules)."""

    def __init__(self, articles: dict[str, str], thread_map: ThreadMap | None = None):
        self._map = thread_map or ThreadMap()
        self._slugs = {slug_key(slug): slug for slug in articles}
        self._paths: dict[str, str] = {}
        for slug, url in articles.items():
            key = address_key(url or "")
            if key is not None and key[1]:  # never let the home page catch every old root URL
                self._paths.setdefault(key[1], slug)

    def match(self, thread: SourceThread) -> str | None:
        """The slug of the article a thread belongs to, or None."""
        keys = [key for key in (address_key(url) for url in thread.urls) if key is not None]
        slugs = [slug_key(slug) for slug in thread.slugs if slug_key(slug)]
        segments = [seg for _, path in keys for seg in last_segments(path)]
        # 1. The map, most specific source first: full address, path, slug.
        for host, path in keys:
            if (host, path) in self._map.addresses:
                return self._map.addresses[(host, path)]
        for _, path in keys:
            if path in self._map.paths:
                return self._map.paths[path]
        for slug in slugs + segments:
            if slug in self._map.slugs:
                return self._map.slugs[slug]
        # 2-4. Automatic rules.
        for slug in slugs + segments:
            if slug in self._slugs:
                return self._slugs[slug]
        for _, path in keys:
            if path and path in self._paths:
                return self._paths[path]
        return None

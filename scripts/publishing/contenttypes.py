"""The Content-Type each file of the site is served with.

Text types carry `charset=utf-8` (Pelican and the feed plugin write UTF-8),
so that no browser or feed reader has to guess. Feeds get their own types:
application/atom+xml, application/rss+xml and application/feed+json, as
the `<link rel="alternate">` of every page announces them. The search
index's files (pagefind/: WebAssembly and index chunks, gzip-compressed by
Pagefind, which its script fetches and decompresses itself) are binary.
"""

from __future__ import annotations

import mimetypes

UTF8 = "; charset=utf-8"

# Longest suffix first: ".atom.xml" before ".xml".
BY_SUFFIX = [
    (".atom.xml", "application/atom+xml" + UTF8),
    (".rss.xml", "application/rss+xml" + UTF8),
    (".html", "text/html" + UTF8),
    (".htm", "text/html" + UTF8),
    (".css", "text/css" + UTF8),
    (".js", "text/javascript" + UTF8),
    (".mjs", "text/javascript" + UTF8),
    (".xml", "application/xml" + UTF8),
    (".xsl", "application/xslt+xml" + UTF8),
    (".opml", "text/x-opml" + UTF8),
    (".txt", "text/plain" + UTF8),
    (".md", "text/markdown" + UTF8),
    (".csv", "text/csv" + UTF8),
    (".webmanifest", "application/manifest+json" + UTF8),
    (".json", "application/json" + UTF8),
    (".svg", "image/svg+xml" + UTF8),
    (".ico", "image/vnd.microsoft.icon"),
    (".png", "image/png"),
    (".jpg", "image/jpeg"),
    (".jpeg", "image/jpeg"),
    (".gif", "image/gif"),
    (".webp", "image/webp"),
    (".avif", "image/avif"),
    (".woff2", "font/woff2"),
    (".woff", "font/woff"),
    (".pdf", "application/pdf"),
    (".wasm", "application/wasm"),
    # Pagefind's search index (plugins/search/): wasm.<lang>.pagefind, *.pf_meta, index/*.pf_index,
    # filter/*.pf_filter and fragment/*.pf_fragment, fetched by pagefind.js as bytes.
    (".pagefind", "application/octet-stream"),
    (".pf_meta", "application/octet-stream"),
    (".pf_index", "application/octet-stream"),
    (".pf_filter", "application/octet-stream"),
    (".pf_fragment", "application/octet-stream"),
]
JSON_FEED = "application/feed+json" + UTF8


def content_type(relative: str, feeds_dir: str = "flux") -> str:
    """The Content-Type of a site file, from its path relative to the site's root."""
    name = relative.lower()
    if name.endswith(".json") and (name.startswith(feeds_dir.strip("/").lower() + "/")):
        return JSON_FEED
    for suffix, value in BY_SUFFIX:
        if name.endswith(suffix):
            return value
    guessed, _ = mimetypes.guess_type(name)
    if not guessed:
        return "application/octet-stream"
    if guessed.startswith("text/") or guessed.endswith(("+xml", "+json")):
        return guessed + UTF8
    return guessed

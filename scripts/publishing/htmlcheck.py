"""Helpers to read built pages as a reader's browser would."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from bs4 import BeautifulSoup

# Attributes through which a page makes the browser fetch something by itself.
LOADING = {
    "script": ["src"], "img": ["src", "srcset"], "iframe": ["src"], "embed": ["src"],
    "object": ["data"], "audio": ["src"], "video": ["src", "poster"], "source": ["src", "srcset"],
    "track": ["src"], "input": ["src"], "frame": ["src"],
}
LOADING_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch",
                     "modulepreload", "manifest", "apple-touch-icon"}


def soup(path: Path) -> BeautifulSoup:
    """Parse one HTML file."""
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def text_of(page: BeautifulSoup, selector: str = "main") -> str:
    """The visible text of a part of the page, with whitespace collapsed."""
    node = page.select_one(selector)
    # Only ASCII whitespace collapses: no-break spaces are part of the text.
    return re.sub(r"[ \t\n\r\f\v]+", " ", node.get_text(" ")).strip() if node else ""


def loaded_urls(page: BeautifulSoup) -> list[str]:
    """Every URL the page makes the browser load without a click."""
    urls = []
    for tag, attrs in LOADING.items():
        for node in page.find_all(tag):
            for attr in attrs:
                value = node.get(attr)
                if value:
                    urls += [part.strip().split(" ")[0] for part in value.split(",")] if "srcset" in attr else [value]
    for node in page.find_all("link"):
        rels = set(node.get("rel") or [])
        if rels & LOADING_LINK_RELS and node.get("href"):
            urls.append(node["href"])
    for node in page.find_all(style=True):
        if "url(" in node["style"]:
            urls.append(node["style"])
    return urls


def third_party(urls: list[str], own_hosts: set[str]) -> list[str]:
    """The URLs that point to a host other than the site's own."""
    bad = []
    for url in urls:
        host = urlparse(url).netloc
        if url.startswith("//") or (host and host not in own_hosts):
            bad.append(url)
    return bad

"""Helpers to read built pages as a reader's browser would."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from bs4 import BeautifulSoup

# Attributes through which a page makes the browser fetch something by itself
# (html.parser gives tag and attribute names in lower case: feImage is "feimage").
LOADING = {
    "script": ["src", "href", "xlink:href"], "img": ["src", "srcset"], "iframe": ["src"], "embed": ["src"],
    "object": ["data"], "audio": ["src"], "video": ["src", "poster"], "source": ["src", "srcset"],
    "track": ["src"], "input": ["src"], "frame": ["src"], "applet": ["code", "archive"], "portal": ["src"],
    # SVG, inline or in .svg files: images, references to other documents, filter images.
    "image": ["href", "xlink:href", "src"], "use": ["href", "xlink:href"], "feimage": ["href", "xlink:href"],
}
# Attributes that make any element load something: old background images, click beacons.
LOADING_ANYWHERE = ("background", "ping")
LOADING_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch",
                     "modulepreload", "manifest", "apple-touch-icon", "apple-touch-icon-precomposed",
                     "mask-icon", "prerender", "shortcut"}
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"""(?:https?:)?//[^\s'"`)<>]+""", re.IGNORECASE)


def soup(path: Path) -> BeautifulSoup:
    """Parse one HTML file."""
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def text_of(page: BeautifulSoup, selector: str = "main") -> str:
    """The visible text of a part of the page, with whitespace collapsed."""
    node = page.select_one(selector)
    # Only ASCII whitespace collapses: no-break spaces are part of the text.
    return re.sub(r"[ \t\n\r\f\v]+", " ", node.get_text(" ")).strip() if node else ""


def loaded_urls(page: BeautifulSoup) -> list[str]:
    """Every URL the page makes the browser load without a click (and the addresses its inline scripts name)."""
    urls = []
    for tag, attrs in LOADING.items():
        for node in page.find_all(tag):
            for attr in attrs:
                value = node.get(attr)
                if value:
                    urls += [part.strip().split(" ")[0] for part in value.split(",")] if "srcset" in attr else [value]
    for attr in LOADING_ANYWHERE:
        for node in page.find_all(attrs={attr: True}):
            urls += node[attr].split() if attr == "ping" else [node[attr]]
    for node in page.find_all("link"):
        rels = {rel.lower() for rel in node.get("rel") or []}
        if rels & LOADING_LINK_RELS and node.get("href"):
            urls.append(node["href"])
    for node in page.find_all("meta"):
        if (node.get("http-equiv") or "").lower() == "refresh":  # the page leaves by itself
            found = _REFRESH_URL.search(node.get("content") or "")
            if found:
                urls.append(found.group(1).strip())
    for node in page.find_all("base"):  # every relative address would resolve there
        if node.get("href"):
            urls.append(node["href"])
    for node in page.find_all("script"):
        # An inline program may fetch any address it names; JSON-LD is data, never run.
        if not node.get("src") and (node.get("type") or "").lower() != "application/ld+json":
            urls += _SCRIPT_URL.findall(node.string or "")
    for node in page.find_all("iframe"):
        if node.get("srcdoc"):  # a document inside the page: what it loads, the page loads
            urls += loaded_urls(BeautifulSoup(node["srcdoc"], "html.parser"))
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

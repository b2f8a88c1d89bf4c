"""Helpers to read built pages as a reader's browser would."""

from __future__ import annotations

import re
from pathlib import Path

from blogcore import markup, urls
from bs4 import BeautifulSoup


def soup(path: Path) -> BeautifulSoup:
    """Parse one HTML file."""
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def text_of(page: BeautifulSoup, selector: str = "main") -> str:
    """The visible text of a part of the page, with whitespace collapsed."""
    node = page.select_one(selector)
    # Only ASCII whitespace collapses: no-break spaces are part of the text.
    return re.sub(r"[ \t\n\r\f\v]+", " ", node.get_text(" ")).strip() if node else ""


def loaded_urls(page: BeautifulSoup | str) -> list[str]:
    """Every URL the page makes the browser load without a click (and the addresses its scripts name).

    Read as a browser reads it (blogcore/markup.py: Lexbor for HTML, tinycss2 for CSS); a parsed page
    is read from its text, so pass the file's text where a page may hide markup from html.parser.
    """
    text = page if isinstance(page, str) else str(page)
    return [load.url for load in markup.loads(text)]


def third_party(urls_found: list[str], own_hosts: set[str]) -> list[str]:
    """The URLs that point to a host other than the site's own (hosts as a browser reads them)."""
    return [url for url in urls_found if (urls.host_of(url) or "") not in {*own_hosts, ""}]

"""Gate "links": every internal link and #anchor of the build resolves.

Internal means relative, or absolute on the site's own host (SITEURL's).
Each internal URL must name a file of the build (a folder URL, ending with
"/", names its index.html; a folder without the "/" is reported: GitHub
Pages redirects it, an S3 website does not), inside the site's path, and its
#fragment must be the id of an element of that page. Checked:

- every HTML page: a/area/link href, img/source src and srcset, script,
  iframe, embed, audio, video, track, input src, object data, form action,
  button formaction, blockquote/q/ins/del cite, og:url/og:image metas, and the
  url/@id/image of the JSON-LD blocks;
- sitemap.xml: every <loc> is on the site and resolves;
- every feed: its links (Atom link href, RSS link, JSON url/home_page_url/
  feed_url) and the links inside its entries' HTML;
- the OPML list: every xmlUrl and htmlUrl;
- paid links (paidlinks.py): every link of a page or a feed entry to an
  affiliate domain (TRANSPARENCY["affiliate_domains"]), however its address
  is spelt, carries rel="sponsored" and the « (lien affilié) » note.

External links are not fetched (no network at build time, and another site's
availability must not block a publish).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from blogcore.errors import Problem
from bs4 import BeautifulSoup
from lxml import etree

from . import paidlinks
from .site import Site

URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "script": ("src",), "iframe": ("src",), "embed": ("src",), "object": ("data",), "audio": ("src",),
    "video": ("src", "poster"), "track": ("src",), "input": ("src",), "form": ("action",),
    "button": ("formaction",), "blockquote": ("cite",), "q": ("cite",), "ins": ("cite",), "del": ("cite",),
}
URL_METAS = {"og:url", "og:image", "og:image:url", "twitter:image"}
JSONLD_KEYS = {"url", "@id", "image", "contentUrl", "thumbnailUrl", "mainEntityOfPage",
               # The Trust Project's policies of the site's Organization (plugins/transparency).
               "publishingPrinciples", "correctionsPolicy", "ethicsPolicy", "ownershipFundingInfo",
               "actionableFeedbackPolicy", "masthead", "verificationFactCheckingPolicy", "diversityPolicy",
               "unnamedSourcesPolicy"}
# Schemes that name no file of the site.
OTHER_SCHEMES = ("mailto:", "tel:", "sms:", "javascript:", "data:", "about:", "blob:", "geo:", "urn:", "tag:")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"

FIX_FILE = ("link with {filename}other-article.md (or {static}/images/file.jpg) in Markdown so that the build "
            "checks the target; in a template, build the URL from SITEURL and the object's url")
FIX_ANCHOR = ("use an id that exists in the target page (a heading's id is its slug, written by the Markdown toc "
              "extension; a contribution's is contribution-<id>), or remove the #fragment")
FIX_OUTSIDE = "link inside the site: start the URL with SITEURL (or make it relative to the page)"
FIX_FOLDER = "end the URL with '/' so that it names the folder's index.html on every host"
FIX_SITEMAP = "fix theme/templates/sitemap.html so that each <loc> is SITEURL/ followed by an object's url"


class _Checker:
    def __init__(self, site: Site):
        self.site = site
        self.ids: dict[str, set[str] | None] = {}
        self.problems: list[Problem] = []
        self.checked = 0

    def ids_of(self, target: Path) -> set[str]:
        relative = self.site.relative(target)
        if relative not in self.ids:
            soup = BeautifulSoup(target.read_text(encoding="utf-8", errors="replace"), "html.parser")
            self.ids[relative] = _ids(soup)
        return self.ids[relative] or set()

    def check(self, where: str, field: str, raw: str, base: str, *, anchors: bool = True,
              fix_file: str = FIX_FILE) -> None:
        """Check one URL found in `where` (a build file), resolved against `base`."""
        value = (raw or "").strip()
        if value.lower().startswith(OTHER_SCHEMES):
            return
        absolute = urljoin(base, value)
        if not self.site.is_internal(absolute):
            return
        self.checked += 1
        url, fragment = urldefrag(absolute)
        relative = self.site.path_of(url)
        if relative is None:
            self.problems.append(Problem(where, field, raw, f"points to {url}, on the site's host but outside "
                                         f"the site ({self.site.siteurl}/)", FIX_OUTSIDE))
            return
        target = self.site.file_for(relative)
        if target is None:
            folder = self.site.root / relative
            if relative and folder.is_dir() and (folder / "index.html").is_file():
                self.problems.append(Problem(where, field, raw, f"names the folder {relative}/ without its "
                                             "trailing slash", FIX_FOLDER))
            else:
                shown = relative + ("index.html" if not relative or relative.endswith("/") else "")
                self.problems.append(Problem(where, field, raw, f"{shown} is not in the build", fix_file))
            return
        fragment = unquote(fragment)
        if anchors and fragment and fragment != "top" and target.suffix in (".html", ".htm"):
            if fragment not in self.ids_of(target):
                self.problems.append(Problem(where, field, raw, f"{self.site.relative(target)} has no element "
                                             f"with id=\"{fragment}\"", FIX_ANCHOR))


def _ids(soup: BeautifulSoup) -> set[str]:
    ids = {node["id"] for node in soup.find_all(id=True) if isinstance(node.get("id"), str)}
    ids |= {node["name"] for node in soup.find_all("a", attrs={"name": True}) if isinstance(node.get("name"), str)}
    return ids


def _srcset_urls(value: str) -> list[str]:
    return [candidate.strip().split()[0] for candidate in value.split(",") if candidate.strip()]


def _html_references(soup: BeautifulSoup):
    """(field, raw URL) for every URL of an HTML document or fragment."""
    for tag, attributes in URL_ATTRIBUTES.items():
        for node in soup.find_all(tag):
            for attribute in attributes:
                value = node.get(attribute)
                if not isinstance(value, str):
                    continue
                line = f" (line {node.sourceline})" if getattr(node, "sourceline", None) else ""
                field = f"<{tag} {attribute}>{line}"
                for url in (_srcset_urls(value) if attribute == "srcset" else [value]):
                    yield field, url
    for node in soup.find_all("meta"):
        if node.get("property") in URL_METAS or node.get("name") in URL_METAS:
            yield f"<meta {node.get('property') or node.get('name')}>", node.get("content", "")
    for node in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(node.string or "")
        except json.JSONDecodeError:
            yield "<script type=application/ld+json>", "(not JSON)"
            continue
        for key, url in _jsonld_urls(data):
            yield f"JSON-LD {key}", url


def _jsonld_urls(data, depth: int = 0):
    if depth > 20:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if key in JSONLD_KEYS and isinstance(value, str):
                yield key, value
            else:
                yield from _jsonld_urls(value, depth + 1)
    elif isinstance(data, list):
        for value in data:
            yield from _jsonld_urls(value, depth + 1)


def _base_of(soup: BeautifulSoup, page_url: str) -> str:
    base = soup.find("base", href=True)
    return urljoin(page_url, base["href"]) if base else page_url


def check_pages(checker: _Checker, pages: list[Path]) -> None:
    site = checker.site
    parsed = {}
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        soup = BeautifulSoup(text, "html.parser")
        relative = site.relative(page)
        checker.problems += paidlinks.check(relative, "affiliate link", text, site.affiliate_domains,
                                            site.url_of(relative))
        checker.ids[relative] = _ids(soup)
        parsed[relative] = soup
    for relative, soup in parsed.items():
        base = _base_of(soup, site.url_of(relative))
        for field, url in _html_references(soup):
            checker.check(relative, field, url, base)


def check_sitemap(checker: _Checker) -> None:
    site = checker.site
    path = site.root / "sitemap.xml"
    if not path.is_file():
        return
    try:
        root = etree.parse(str(path)).getroot()
    except etree.XMLSyntaxError as exc:
        checker.problems.append(Problem("sitemap.xml", "XML", None, f"not well-formed: {exc}", FIX_SITEMAP))
        return
    for index, loc in enumerate(root.iter(SITEMAP_NS + "loc"), start=1):
        url = (loc.text or "").strip()
        field = f"<loc> {index}"
        if not site.is_internal(url) or urlsplit(url).scheme not in ("http", "https"):
            checker.problems.append(Problem("sitemap.xml", field, url, "a sitemap lists absolute URLs of this "
                                            f"site only ({site.siteurl}/...)", FIX_SITEMAP))
            continue
        checker.check("sitemap.xml", field, url, site.siteurl + "/", fix_file=FIX_SITEMAP)


def _check_fragment_html(checker: _Checker, where: str, field: str, html: str | None, base: str) -> None:
    if not html or "<" not in html:
        return
    checker.problems += paidlinks.check(where, f"{field} affiliate link", html, checker.site.affiliate_domains, base)
    soup = BeautifulSoup(html, "html.parser")
    for inner, url in _html_references(soup):
        checker.check(where, f"{field} {inner.split(' (line')[0]}", url, base)


def check_feeds(checker: _Checker) -> None:
    site = checker.site
    folder = site.root / site.feeds_dir
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        where = site.relative(path)
        own_url = site.url_of(where)
        try:
            if path.name.endswith(".json"):
                _check_json_feed(checker, where, json.loads(path.read_text(encoding="utf-8")), own_url)
            elif path.suffix in (".xml", ".opml"):
                _check_xml_feed(checker, where, etree.parse(str(path)).getroot(), own_url)
        except (ValueError, etree.XMLSyntaxError) as exc:
            checker.problems.append(Problem(where, "syntax", None, f"cannot be read: {exc}",
                                            "see the feeds gate's message for this file"))


def _check_json_feed(checker: _Checker, where: str, data: dict, own_url: str) -> None:
    for key in ("home_page_url", "feed_url"):
        if isinstance(data.get(key), str):
            checker.check(where, key, data[key], own_url)
    for index, item in enumerate(data.get("items") or [], start=1):
        if not isinstance(item, dict):
            continue
        base = item.get("url") if isinstance(item.get("url"), str) else own_url
        if isinstance(item.get("url"), str):
            checker.check(where, f"item {index} url", item["url"], own_url)
        _check_fragment_html(checker, where, f"item {index} content_html", item.get("content_html"), base)


def _check_xml_feed(checker: _Checker, where: str, root, own_url: str) -> None:
    if root.tag == "opml":
        for index, outline in enumerate(root.iter("outline"), start=1):
            for attribute in ("xmlUrl", "htmlUrl"):
                if outline.get(attribute):
                    checker.check(where, f"outline {index} {attribute}", outline.get(attribute), own_url)
        return
    if root.tag == ATOM_NS + "feed":
        for link in root.findall(ATOM_NS + "link"):
            checker.check(where, f"feed <link rel={link.get('rel', 'alternate')}>", link.get("href", ""), own_url)
        for index, entry in enumerate(root.findall(ATOM_NS + "entry"), start=1):
            base = own_url
            for link in entry.findall(ATOM_NS + "link"):
                checker.check(where, f"entry {index} <link rel={link.get('rel', 'alternate')}>",
                              link.get("href", ""), own_url)
                if link.get("rel", "alternate") == "alternate":
                    base = urljoin(own_url, link.get("href", ""))
            for name in ("content", "summary"):
                node = entry.find(ATOM_NS + name)
                if node is not None and node.get("type") in ("html", "xhtml"):
                    _check_fragment_html(checker, where, f"entry {index} <{name}>", node.text, base)
        return
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            return
        if channel.findtext("link"):
            checker.check(where, "channel <link>", channel.findtext("link"), own_url)
        for link in channel.findall(ATOM_NS + "link"):
            checker.check(where, f"channel <atom:link rel={link.get('rel')}>", link.get("href", ""), own_url)
        for index, item in enumerate(channel.findall("item"), start=1):
            base = urljoin(own_url, item.findtext("link") or "")
            if item.findtext("link"):
                checker.check(where, f"item {index} <link>", item.findtext("link"), own_url)
            guid = item.find("guid")
            if guid is not None and guid.get("isPermaLink", "true") == "true" and guid.text:
                checker.check(where, f"item {index} <guid>", guid.text, own_url)
            _check_fragment_html(checker, where, f"item {index} <description>", item.findtext("description"), base)
            _check_fragment_html(checker, where, f"item {index} <content:encoded>",
                                 item.findtext(CONTENT_NS + "encoded"), base)


def run(site: Site) -> tuple[list[Problem], str]:
    """The problems of the gate, and a one-line summary of what was checked."""
    checker = _Checker(site)
    pages = [p for p in site.files() if p.suffix in (".html", ".htm")]
    check_pages(checker, pages)
    check_sitemap(checker)
    check_feeds(checker)
    return _dedupe(checker.problems), f"{checker.checked} internal links in {len(pages)} pages, the sitemap and the feeds"


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """The same broken link repeated on one page is reported once per element line."""
    seen = set()
    unique = []
    for problem in problems:
        key = (problem.file, problem.field, problem.value, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


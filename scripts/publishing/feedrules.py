"""Offline checks of the rules the W3C Feed Validation Service applies.

Used by the "feeds" gate of the publish pipeline (scripts/publishing/feeds.py)
and by the feed tests (tests/fixtures/feeds/feedcheck.py re-exports it).

The service (https://validator.w3.org/feed/, source: github.com/w3c/feedvalidator)
cannot be reached from CI; these functions apply, to our own trusted output,
the rules it reports as errors or warnings that concern what we write:

Atom (RFC 4287)   feed id/title/updated present once; feed author or an author
                  in every entry; link rel="self" present (MissingSelf) and
                  matching where the feed is served (SelfDoesntMatchLocation);
                  no duplicate link rel/type; entry id/title/updated present
                  once, ids unique (DuplicateEntries) and valid URIs (InvalidTAG
                  uses the validator's own tag: pattern); content or an
                  alternate link (MissingContentOrAlternate); RFC 3339 dates
                  (InvalidRFC3339Date); no HTML in titles (ContainsHTML); no two
                  entries with the same updated value (DuplicateUpdated: the
                  validator's warning, kept as a rule because readers order
                  entries by it; the fix is the entries' real dates).
RSS 2.0           channel title/link/description; item title or description;
                  guid isPermaLink="false" unless it is the item's URL
                  (InvalidHttpGUID); RFC 822 dates (the validator's regex, plus
                  English names, 4-digit year, numeric offset); valid language
                  (InvalidLanguage); atom:link rel="self" (MissingAtomSelfLink)
                  matching the location; <author> only as an e-mail (InvalidContact).
Both              absolute URLs everywhere, in links and in every href/src of
                  HTML content and summaries (ContainsRelRef); no script, no
                  on* attribute, no meta/embed/object (ContainsScript...).
JSON Feed 1.1     version, title, items; feed_url matches; RFC 3339 dates; ids
                  unique strings; content_html or content_text.

Each function returns a list of problems (empty: valid).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PARIS = ZoneInfo("Europe/Paris")

# From the feedvalidator's validators.py.
TAG_RE = re.compile(r"^tag:([a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(-\d{2}(-\d{2})?)?:[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$")
RFC822_RE = re.compile(
    r"(((Mon)|(Tue)|(Wed)|(Thu)|(Fri)|(Sat)|(Sun)), *)?\d\d? +((Jan)|(Feb)|(Mar)|(Apr)|(May)|(Jun)|(Jul)|(Aug)|"
    r"(Sep)|(Oct)|(Nov)|(Dec)) +\d\d(\d\d)? +\d\d:\d\d(:\d\d)? +(([+-]?\d\d\d\d)|(UT)|(GMT)|(EST)|(EDT)|(CST)|"
    r"(CDT)|(MST)|(MDT)|(PST)|(PDT)|\w)$")
# Stricter, as readers need it: English day and month, 4-digit year, numeric offset.
RFC822_STRICT = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                           r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
HTML_END_TAG = re.compile(r"</\w+>")
URL_ATTRS = ("href", "src", "poster", "cite", "data", "action", "formaction", "background", "longdesc")
EVIL_ATTRS = ("onabort", "onblur", "onchange", "onclick", "ondblclick", "onerror", "onfocus", "onkeydown",
              "onkeypress", "onkeyup", "onload", "onmousedown", "onmouseout", "onmouseover", "onmouseup",
              "onreset", "onresize", "onsubmit", "onunload")
EMAIL_RE = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+( \(.*\))?$")


def is_absolute(url: str) -> bool:
    """An absolute http(s) URL, or a mailto:/tel: link."""
    parsed = urlparse(url)
    if parsed.scheme in ("mailto", "tel"):
        return True
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def valid_id(value: str) -> bool:
    """An entry id the validator accepts (we only mint tag: URIs)."""
    return bool(TAG_RE.match(value)) or is_absolute(value) or value.startswith("urn:uuid:")


def rfc3339(value: str) -> dt.datetime | None:
    """The datetime of an RFC 3339 string, None when it is not one."""
    if not RFC3339_RE.match(value or ""):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def rfc822(value: str) -> dt.datetime | None:
    """The datetime of a strict RFC 822 string, None when it is not one."""
    if not (RFC822_RE.match(value or "") and RFC822_STRICT.match(value)):
        return None
    try:
        return dt.datetime.strptime(value, "%a, %d %b %Y %H:%M:%S %z")
    except ValueError:
        return None


def real_paris_offset(when: dt.datetime) -> bool:
    """True when the datetime carries Europe/Paris' own offset for that instant."""
    return when.utcoffset() == when.astimezone(PARIS).utcoffset()


def html_problems(fragment: str, where: str) -> list[str]:
    """Relative URLs and unsafe markup inside an HTML fragment."""
    problems = []
    soup = BeautifulSoup(fragment or "", "html.parser")
    for node in soup.find_all(True):
        for attr in URL_ATTRS:
            value = node.get(attr)
            if isinstance(value, str) and not is_absolute(value):
                problems.append(f"{where}: relative URL {attr}={value!r} (ContainsRelRef)")
        srcset = node.get("srcset")
        if isinstance(srcset, str):
            for candidate in srcset.split(","):
                url = candidate.strip().split(" ")[0]
                if url and not is_absolute(url):
                    problems.append(f"{where}: relative URL in srcset {url!r} (ContainsRelRef)")
        if node.name in ("script", "meta", "embed", "object"):
            problems.append(f"{where}: <{node.name}> in content (Contains{node.name.capitalize()})")
        for attr in node.attrs:
            if attr.lower() in EVIL_ATTRS:
                problems.append(f"{where}: {attr} attribute (ContainsScript)")
    return problems


def _date_problems(value: str | None, parse, where: str) -> list[str]:
    when = parse(value or "")
    if when is None:
        return [f"{where}: {value!r} is not a valid date for this format"]
    if not real_paris_offset(when):
        return [f"{where}: {value!r} does not carry Europe/Paris' offset"]
    return []


def check_atom(path: Path, self_url: str, language: str = "fr") -> list[str]:
    """Problems of one Atom feed (see the module's docstring)."""
    root = etree.parse(str(path)).getroot()
    a = f"{{{ATOM}}}"
    problems = []
    if root.tag != a + "feed":
        return [f"{path}: root is {root.tag}, not atom:feed"]
    if root.get(XML_LANG) != language:
        problems.append(f"{path}: xml:lang is {root.get(XML_LANG)!r}")
    for name in ("id", "title", "updated"):
        found = root.findall(a + name)
        if len(found) != 1 or not (found[0].text or "").strip():
            problems.append(f"{path}: feed needs exactly one non-empty <{name}> (MissingElement/DuplicateElement)")
    if root.find(a + "id") is not None and not valid_id(root.findtext(a + "id")):
        problems.append(f"{path}: feed id {root.findtext(a + 'id')!r} is not a valid URI")
    problems += _date_problems(root.findtext(a + "updated"), rfc3339, f"{path}: feed updated")
    links = root.findall(a + "link")
    rels = [(ln.get("rel", "alternate"), ln.get("type"), ln.get("hreflang")) for ln in links]
    if len(rels) != len(set(rels)):
        problems.append(f"{path}: duplicate link rel/type (DuplicateAtomLink)")
    selfs = [ln.get("href") for ln in links if ln.get("rel") == "self"]
    if selfs != [self_url]:
        problems.append(f"{path}: rel=self is {selfs}, expected [{self_url!r}] (MissingSelf/SelfDoesntMatchLocation)")
    for ln in links:
        if not is_absolute(ln.get("href", "")):
            problems.append(f"{path}: relative feed link {ln.get('href')!r}")
    feed_author = root.find(a + "author") is not None
    entries = root.findall(a + "entry")
    seen = set()
    updated_by: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = f"{path}: entry {index + 1}"
        updated = (entry.findtext(a + "updated") or "").strip()
        if updated and updated in updated_by:
            problems.append(f"{where}: updated {updated!r} is also entry {updated_by[updated]}'s (DuplicateUpdated): "
                            "give each text its real date and time")
        updated_by.setdefault(updated, index + 1)
        for name in ("id", "title", "updated"):
            found = entry.findall(a + name)
            if len(found) != 1 or not (found[0].text or "").strip():
                problems.append(f"{where}: needs exactly one non-empty <{name}>")
        ident = entry.findtext(a + "id") or ""
        if not valid_id(ident):
            problems.append(f"{where}: id {ident!r} is not a valid URI (InvalidTAG/InvalidFullLink)")
        if ident in seen:
            problems.append(f"{where}: duplicate id {ident!r} (DuplicateEntries)")
        seen.add(ident)
        if HTML_END_TAG.search(entry.findtext(a + "title") or ""):
            problems.append(f"{where}: HTML in title (ContainsHTML)")
        problems += _date_problems(entry.findtext(a + "updated"), rfc3339, f"{where} updated")
        if entry.find(a + "published") is not None:
            problems += _date_problems(entry.findtext(a + "published"), rfc3339, f"{where} published")
        if not feed_author and entry.find(a + "author") is None:
            problems.append(f"{where}: no author in the entry nor in the feed (MissingElement author)")
        alternates = [ln for ln in entry.findall(a + "link") if ln.get("rel", "alternate") == "alternate"]
        if not alternates:
            problems.append(f"{where}: no rel=alternate link (MissingContentOrAlternate)")
        for ln in entry.findall(a + "link"):
            if not is_absolute(ln.get("href", "")):
                problems.append(f"{where}: relative link {ln.get('href')!r}")
        for name in ("content", "summary"):
            node = entry.find(a + name)
            if node is None or not (node.text or "").strip():
                problems.append(f"{where}: no <{name}> (full content and summary are both required here)")
                continue
            if node.get("type") == "html":
                problems += html_problems(node.text, f"{where} {name}")
    return problems


def check_rss(path: Path, self_url: str, language: str = "fr") -> list[str]:
    """Problems of one RSS 2.0 feed (see the module's docstring)."""
    root = etree.parse(str(path)).getroot()
    problems = []
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f"{path}: not an RSS 2.0 document"]
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"{path}: channel needs <{name}> (MissingElement)")
    if not is_absolute(channel.findtext("link") or ""):
        problems.append(f"{path}: channel link is not absolute")
    if channel.findtext("language") != language:
        problems.append(f"{path}: language is {channel.findtext('language')!r} (InvalidLanguage)")
    selfs = [ln.get("href") for ln in channel.findall(f"{{{ATOM}}}link") if ln.get("rel") == "self"]
    if selfs != [self_url]:
        problems.append(f"{path}: atom:link rel=self is {selfs}, expected [{self_url!r}] (MissingAtomSelfLink)")
    for name in ("lastBuildDate", "pubDate"):
        if channel.find(name) is not None:
            problems += _date_problems(channel.findtext(name), rfc822, f"{path}: channel {name}")
    for name in ("managingEditor", "webMaster"):
        if channel.find(name) is not None and not EMAIL_RE.match(channel.findtext(name)):
            problems.append(f"{path}: {name} is not an e-mail address (InvalidContact)")
    guids = set()
    for index, item in enumerate(channel.findall("item")):
        where = f"{path}: item {index + 1}"
        if not ((item.findtext("title") or "").strip() or (item.findtext("description") or "").strip()):
            problems.append(f"{where}: needs a title or a description (ItemMustContainTitleOrDescription)")
        if HTML_END_TAG.search(item.findtext("title") or ""):
            problems.append(f"{where}: HTML in title (ContainsHTML)")
        guid = item.find("guid")
        if guid is None or not (guid.text or "").strip():
            problems.append(f"{where}: no guid")
        else:
            if guid.get("isPermaLink") != "false" and not is_absolute(guid.text):
                problems.append(f"{where}: guid {guid.text!r} would be read as a URL (InvalidHttpGUID)")
            if guid.get("isPermaLink") != "false" and guid.text != item.findtext("link"):
                problems.append(f"{where}: guid is not the item's URL but lacks isPermaLink=\"false\"")
            if guid.text in guids:
                problems.append(f"{where}: duplicate guid")
            guids.add(guid.text)
        if not is_absolute(item.findtext("link") or ""):
            problems.append(f"{where}: link is not absolute")
        problems += _date_problems(item.findtext("pubDate"), rfc822, f"{where} pubDate")
        if item.find("author") is not None and not EMAIL_RE.match(item.findtext("author")):
            problems.append(f"{where}: <author> must be an e-mail address (InvalidContact)")
        description = item.findtext("description")
        encoded = item.findtext(f"{{{CONTENT}}}encoded")
        if not (description or "").strip() or not (encoded or "").strip():
            problems.append(f"{where}: needs both a description (summary) and content:encoded (full text)")
        problems += html_problems(description or "", f"{where} description")
        problems += html_problems(encoded or "", f"{where} content:encoded")
    return problems


def check_json(path: Path, self_url: str, language: str = "fr") -> list[str]:
    """Problems of one JSON Feed 1.1 document."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    problems = []
    if data.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"{path}: version is {data.get('version')!r}")
    if not isinstance(data.get("title"), str) or not data["title"]:
        problems.append(f"{path}: no title")
    if data.get("feed_url") != self_url:
        problems.append(f"{path}: feed_url is {data.get('feed_url')!r}, expected {self_url!r}")
    if not is_absolute(data.get("home_page_url", "")):
        problems.append(f"{path}: home_page_url is not absolute")
    if data.get("language") != language:
        problems.append(f"{path}: language is {data.get('language')!r}")
    for hub in data.get("hubs", []):
        if not (isinstance(hub, dict) and hub.get("type") and is_absolute(hub.get("url", ""))):
            problems.append(f"{path}: bad hub {hub!r}")
    if not isinstance(data.get("items"), list):
        return problems + [f"{path}: items is not a list"]
    seen = set()
    for index, item in enumerate(data["items"]):
        where = f"{path}: item {index + 1}"
        ident = item.get("id")
        if not isinstance(ident, str) or not ident or ident in seen:
            problems.append(f"{where}: id must be a unique, non-empty string")
        seen.add(ident)
        if not is_absolute(item.get("url", "")):
            problems.append(f"{where}: url is not absolute")
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"{where}: needs content_html or content_text")
        if not isinstance(item.get("summary"), str) or not item["summary"] or "<" in item["summary"]:
            problems.append(f"{where}: summary must be plain text")
        for key in ("date_published", "date_modified"):
            problems += _date_problems(item.get(key), rfc3339, f"{where} {key}")
        for author in item.get("authors", []):
            if not isinstance(author, dict) or not author.get("name"):
                problems.append(f"{where}: author without a name")
        if not all(isinstance(t, str) for t in item.get("tags", [])):
            problems.append(f"{where}: tags must be strings")
        problems += html_problems(item.get("content_html", ""), f"{where} content_html")
    return problems


FEED_SUFFIXES = (".atom.xml", ".rss.xml", ".json")


def check_feed(path: Path, output: Path, site_url: str, language: str = "fr") -> list[str]:
    """Check one feed file of a build served at `site_url`."""
    relative = Path(path).relative_to(output).as_posix()
    url = f"{site_url.rstrip('/')}/{relative}"
    if relative.endswith(".atom.xml"):
        return check_atom(path, url, language)
    if relative.endswith(".rss.xml"):
        return check_rss(path, url, language)
    if relative.endswith(".json"):
        return check_json(path, url, language)
    raise ValueError(f"not a feed: {path}")


def feed_files(output: Path, feeds_dir: str = "flux") -> list[Path]:
    """Every feed file of a build (Atom, RSS, JSON Feed under `feeds_dir`)."""
    return sorted(p for p in (Path(output) / feeds_dir).rglob("*")
                  if p.is_file() and p.name.endswith(FEED_SUFFIXES))

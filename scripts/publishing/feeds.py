"""Gate "feeds": every feed reads as readers read it and follows the W3C validator's rules.

For each Atom, RSS and JSON feed under the feeds folder (flux/):

- feedparser, the parser many readers use, reads it without complaint
  (`bozo` false: well-formed XML, a known format); feedparser 6 does not
  read JSON Feed, so a JSON feed must parse as JSON instead;
- the offline rules of the W3C Feed Validation Service (feedrules.py:
  required elements, unique valid ids, RFC 3339/822 dates with the Paris
  offset, absolute URLs, no script in content, French language...);
- its rel="self" (Atom link, RSS atom:link, JSON feed_url) is the exact
  address the file is published at, SITEURL + its path.

The OPML list must be well-formed XML with at least one feed; its links are
checked by the links gate. A build without any feed fails: the site
promises feeds on every page.
"""

from __future__ import annotations

import json

from blogcore.errors import Problem
from lxml import etree

from . import feedrules
from .site import Site

SETUP_FIX = "run scripts/setup --test (it installs feedparser)"
FIX = ("the feeds are written by plugins/syndication (render.py, entries.py): fix the plugin, or the article "
       "header the entry comes from (Feed_id:, Date:, Correction:, Summary:)")


def _problem_from_rule(text: str, site: Site) -> Problem:
    """feedrules returns '<path>: <what>' strings; make them problems naming the build-relative file."""
    head, _, rest = text.partition(": ")
    try:
        where = site.relative(head)
    except ValueError:
        where, rest = "(feed)", text
    field, separator, message = rest.partition(": ")
    if not (separator and field.startswith(("entry ", "item ", "feed ", "channel "))):
        field, message = "feed rules", rest
    return Problem(where, field, None, message, FIX)


def run(site: Site) -> tuple[list[Problem], str]:
    """The problems of the gate, and a one-line summary of what was checked."""
    try:
        import feedparser
    except ImportError:
        return [Problem("(the machine)", "tool", "feedparser", "the feeds gate cannot run", SETUP_FIX)], ""
    feeds = feedrules.feed_files(site.root, site.feeds_dir) if (site.root / site.feeds_dir).is_dir() else []
    problems: list[Problem] = []
    if not feeds:
        problems.append(Problem(f"{site.feeds_dir}/", "feeds", None, "the build has no feed",
                                "check that the syndication plugin is in PLUGINS (pelicanconf.py)"))
    for path in feeds:
        relative = site.relative(path)
        if path.name.endswith(".json"):
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                problems.append(Problem(relative, "JSON", None, f"readers cannot parse it: {exc}", FIX))
                continue
            problems.extend(_problem_from_rule(text, site)
                            for text in feedrules.check_feed(path, site.root, site.siteurl, site.language))
            continue
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            problems.append(Problem(relative, "feedparser", None,
                                    f"readers cannot parse it: {parsed.get('bozo_exception')}", FIX))
            continue
        if not parsed.version:
            problems.append(Problem(relative, "feedparser", None, "not recognised as a feed", FIX))
        try:
            found = feedrules.check_feed(path, site.root, site.siteurl, site.language)
        except (etree.XMLSyntaxError, ValueError) as exc:
            found = [f"{path}: cannot be read: {exc}"]
        problems.extend(_problem_from_rule(text, site) for text in found)
    for opml in sorted((site.root / site.feeds_dir).glob("*.opml")) if feeds else []:
        relative = site.relative(opml)
        try:
            outlines = etree.parse(str(opml)).getroot().findall(".//outline[@xmlUrl]")
        except etree.XMLSyntaxError as exc:
            problems.append(Problem(relative, "XML", None, f"not well-formed: {exc}", FIX))
            continue
        if not outlines:
            problems.append(Problem(relative, "outline", None, "lists no feed", FIX))
    return problems, f"{len(feeds)} feeds"

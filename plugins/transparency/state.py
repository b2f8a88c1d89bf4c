"""What readers saw of one state of a text: its view, rendered as the site renders it.

A *state* is a text's file at one commit. Its :class:`View` holds only what
the article or page showed readers at the time: the commercial mention
(``Partnership:``/``Sponsor:``), the title, the byline (author, date), the
corrections, the source and method boxes, and the text rendered by the site's
own Markdown (its extensions and French typography included), never the
Markdown source. Nothing else of the header is part of it (``Feed_id``,
``Slug``, ``Status``, tags, the ``Note-de-modification`` itself…), and what
Markdown renders to nothing (a comment ``[//]: # (…)``) stays nothing, as
does an HTML comment ``<!-- … -->``. Two
states with equal views are one version (versions.py).

Links inside the text (``{filename}``, ``{static}``, ``{attach}``) are
written relative to the file *as it was*: :meth:`Renderer.view` rewrites each
to the file that path became (renames followed through the history, so that
a link written before a rename and the same link after it are equal), as a
content-root path; :meth:`Renderer.html` then turns it into the address of
that file today, or, when the file is gone or no longer public, keeps the
link's words without the link (an image: its description), so that an old
link never breaks the build nor leads nowhere.

A marker the build replaces at publication (``[[contribution:…]]``, the
Transparence figures) is shown as a short note: what it showed then is not
kept, and a contribution withdrawn since must not come back through an old
version.
"""

from __future__ import annotations

import copy
import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import markdown
from bs4 import BeautifulSoup, Comment, NavigableString
from markupsafe import Markup

from blogcore import public
from blogcore.frdates import fr_date
from blogcore.headers import Header, parse_header
from blogcore.isodate import parse_iso
from blogcore.typography import fix_text

from . import disclosure as disclosure_module
from . import fields

# The attributes whose {filename}-style values Pelican replaces (pelican/contents.py), and its markers.
LINK_ATTRIBUTES = ("href", "src", "poster", "data", "cite", "formaction", "action", "content")
_INTRASITE = re.compile(r"^[{|](?P<what>\w+)[|}](?P<value>.*)$", re.S)
_HAS_INTRASITE = re.compile(r"=\s*[\"'][{|]\w+[|}]")
_MARKER = re.compile(r"<p>\s*\[\[(?P<name>[\w-]+)(?::[^\]]*)?\]\]\s*</p>")
MARKER_NOTES = {
    "contribution": "[Ici, le texte citait une contribution d’un lecteur\u00a0; les contributions publiées "
                    "se lisent sous le texte d’aujourd’hui.]",
}
MARKER_NOTE = "[Ici, la page montrait des chiffres recalculés à chaque publication du site\u00a0; ceux " \
              "d’aujourd’hui sont sur la page elle-même.]"
MISSING_IMAGE = "[image\u00a0: {alt}]"
# Elements that start a line of their own in the plain text the word-level diff compares.
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "table", "tr", "dt", "dd",
           "figure", "figcaption", "div", "ul", "ol", "dl", "section", "aside", "details", "summary"}
_SPACES = re.compile(r"[ \t\r\n]+")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Facts:
    """What the build decides with, read from a state's header (never shown as such)."""

    status: str  # as written (blogcore.public.state_visible reads it)
    date: dt.datetime | None  # its Date:, None when it has none
    date_ok: bool  # False when the build would have refused its Date: (the state was never built)
    feed_id: str
    slug: str
    note: str  # its Note-de-modification:, "" when none


@dataclass(frozen=True)
class View:
    """What readers saw of one state of a text."""

    title: str
    disclosure: fields.Disclosure | None
    byline: tuple[tuple[str, str], ...]  # (label, value): the author(s), the publication date
    corrections: tuple[fields.Correction, ...]  # oldest first
    boxes: tuple[tuple[str, str], ...]  # (label, value): the source and method boxes
    body: str  # the rendered text, its internal links as content-root paths (see Renderer.html)

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """Every header value readers saw, labelled in French, in the order the page shows them."""
        found = []
        if self.disclosure is not None:
            found.append(("Mention", self.disclosure.mention))
        found.append(("Titre", self.title))
        found += self.byline
        found += [(f"{c.label} du {fr_date(c.date)}", c.text) for c in self.corrections]
        found += self.boxes
        return tuple(found)


def read_facts(header: Header, tz: ZoneInfo) -> Facts:
    """The status, date, identity fields and note of a state."""
    date, date_ok = None, True
    if header.get("date"):
        try:
            date = parse_iso(header.get("date"), tz)
        except ValueError:
            date_ok = False
    return Facts(status=header.get("status") or "published", date=date, date_ok=date_ok,
                 feed_id=header.get("feed_id") or "", slug=header.get("slug") or "",
                 note=" ".join((header.get(fields.NOTE) or "").split()))


def plain_text(html: str) -> str:
    """The words of rendered HTML, one block (paragraph, heading, list item…) per paragraph of text."""
    soup = BeautifulSoup(html, "html.parser")
    blocks: list[list[str]] = [[]]

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                blocks[-1].append(str(child))
            elif child.name in _BLOCKS:
                blocks.append([])
                walk(child)
                blocks.append([])
            elif child.name == "br":
                blocks.append([])
            elif child.name == "img":
                blocks[-1].append(child.get("alt") or "")
            else:
                walk(child)

    walk(soup)
    lines = (_SPACES.sub(" ", "".join(parts)).strip() for parts in blocks)
    return "\n\n".join(line for line in lines if line)


class Renderer:
    """Renders states of texts as the site does, for one build (it holds a Markdown instance)."""

    def __init__(self, settings: dict, tz: ZoneInfo, locate, content_prefix: str):
        """`locate(path, commit)`: the repository path that a path at a commit became ("" when gone)."""
        config = copy.deepcopy(settings.get("MARKDOWN") or {})
        # As Pelican's MarkdownReader: every configured extension, and the header read by "meta".
        config.setdefault("extension_configs", {})
        config.setdefault("extensions", [])
        for name in config["extension_configs"]:
            if name not in config["extensions"]:
                config["extensions"].append(name)
        if "markdown.extensions.meta" not in config["extensions"]:
            config["extensions"].append("markdown.extensions.meta")
        self._md = markdown.Markdown(**config)
        self.tz = tz
        self.locate = locate
        self.prefix = content_prefix  # the content folder, relative to the repository ("" when it is the root)
        self._rendered: dict[str, str] = {}

    # ------------------------------------------------------------------ view
    def view(self, text: str, header: Header, path: str, commit: str, kind: str) -> View:
        """What readers saw of the state `text` (the file at repository path `path`, at `commit`)."""
        body = self._rendered.get(header.body)
        if body is None:
            self._md.reset()
            body = self._md.convert(text.lstrip("\ufeff"))
            if "<!--" in body:  # a writer's note in raw HTML: as a Markdown comment, never shown
                body = _HTML_COMMENT.sub("", body)
            self._rendered[header.body] = body
        return View(
            title=fix_text(header.get("title") or ""),
            disclosure=_disclosure(header) if kind == "article" else None,
            byline=self._byline(header) if kind == "article" else (),
            corrections=self._corrections(header),
            boxes=self._boxes(header),
            body=self._links(_MARKER.sub(_marker_note, body), path, commit),
        )

    def _byline(self, header: Header) -> tuple[tuple[str, str], ...]:
        found = []
        authors = header.get("authors") or header.get("author")
        if authors:
            found.append(("Auteurs" if header.get("authors") and "," in authors else "Auteur", fix_text(authors)))
        if header.get("date"):
            try:
                date = parse_iso(header.get("date"), self.tz)
            except ValueError:
                date = None
            if date is not None:
                label = "Mis en ligne le" if header.get("date_origin") == "editorial" else "Publié le"
                found.append((label, fr_date(date.astimezone(self.tz))))
        return tuple(found)

    def _corrections(self, header: Header) -> tuple[fields.Correction, ...]:
        found = []
        for value in header.all("correction"):
            try:
                c = fields.parse_correction(value, self.tz)
            except ValueError:
                continue  # a correction the build refused was never shown
            found.append(fields.Correction(c.date.astimezone(self.tz), c.kind, fix_text(c.text)))
        return tuple(sorted(found, key=lambda c: c.date))

    def _boxes(self, header: Header) -> tuple[tuple[str, str], ...]:
        found = [(label, fix_text(header.get(key))) for key, label in (
            ("source", "Source"), ("source_url", "Adresse de la source"), ("source_note", "Note sur la source"))
            if header.get(key)]
        if header.get("methode"):
            try:
                found += [(fields.METHOD_PARTS[key], fix_text(text))
                          for key, text in fields.parse_method(header.get("methode"))]
            except ValueError:
                pass  # a method the build refused was never shown
        return tuple(found)

    # ----------------------------------------------------------------- links
    def _links(self, html: str, path: str, commit: str) -> str:
        """Every {filename}-style link as ``{what}/<content path today>`` (or its path then, when gone)."""
        if not _HAS_INTRASITE.search(html):
            return html
        soup = BeautifulSoup(html, "html.parser")
        folder = posixpath.dirname(path)
        for tag in soup.find_all(True):
            for attribute in LINK_ATTRIBUTES:
                value = tag.get(attribute)
                match = _INTRASITE.match(value) if isinstance(value, str) else None
                if match is None:
                    continue
                parts = urlsplit(match.group("value"))
                target = unquote(parts.path)
                if target.startswith("/"):
                    repo_path = posixpath.normpath(posixpath.join(self.prefix, target.lstrip("/")))
                else:
                    repo_path = posixpath.normpath(posixpath.join(folder, target))
                repo_path = self.locate(repo_path, commit) or repo_path
                content_path = posixpath.relpath(repo_path, self.prefix) if self.prefix else repo_path
                tag[attribute] = "{%s}/%s" % (match.group("what"), urlunsplit(("", "", content_path, parts.query,
                                                                                parts.fragment)))
        return str(soup)

    def html(self, view: View, context: dict, siteurl: str, affiliate_domains: tuple[str, ...]) -> Markup:
        """The view's text as a version page shows it: links to today's addresses, paid links marked."""
        body = view.body
        if _HAS_INTRASITE.search(body):
            soup = BeautifulSoup(body, "html.parser")
            for tag in soup.find_all(True):
                for attribute in LINK_ATTRIBUTES:
                    value = tag.get(attribute)
                    match = _INTRASITE.match(value) if isinstance(value, str) else None
                    if match is None or tag.parent is None:
                        continue
                    address = _address(match.group("what"), match.group("value"), context)
                    if address is not None:
                        tag[attribute] = f"{siteurl}/{address}"
                    elif tag.name == "a" and attribute == "href":
                        tag.unwrap()  # the words stay; the link to a text that is gone does not
                    elif tag.name == "img":
                        tag.replace_with(MISSING_IMAGE.format(alt=tag.get("alt") or "non conservée"))
                    else:
                        del tag[attribute]
            body = str(soup)
        if view.disclosure is not None or affiliate_domains:
            body, _ = disclosure_module.mark_links(body, view.disclosure, affiliate_domains)
        return Markup(body)


def _address(what: str, value: str, context: dict) -> str | None:
    """The site-relative address today of a ``{what}/path`` link, None when nothing public is there."""
    parts = urlsplit(value)
    path = unquote(parts.path).lstrip("/")
    found = None
    if what == "filename":
        found = (context.get("generated_content") or {}).get(path)
        if found is not None and not public.visible(found):
            found = None
        if found is None:
            found = (context.get("static_content") or {}).get(path)
    elif what in ("static", "attach"):
        found = (context.get("static_content") or {}).get(path)
    if found is None:
        return None
    return urlunsplit(("", "", found.url, parts.query, parts.fragment))


def _marker_note(match: re.Match) -> str:
    note = MARKER_NOTES.get(match.group("name"), MARKER_NOTE)
    return f'<p class="version__marker">{note}</p>'


def _disclosure(header: Header) -> fields.Disclosure | None:
    values = {key: header.get(key) or "" for key in ("partnership", "sponsor", "sponsor_url")}
    if values["partnership"] not in fields.MENTIONS or not values["sponsor"]:
        return None  # no mention, or one the build refused (the state was never built)
    return fields.disclosure_of(values)


def header_of(text: str) -> Header:
    """A state's header and body."""
    return parse_header(text.lstrip("\ufeff"))

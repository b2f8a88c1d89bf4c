"""Check every article and page before Pelican reads them.

Pelican logs a broken header and skips the file, so an article can silently
disappear from the site. This module reads the headers itself and turns each
problem into a :class:`~blogcore.errors.Problem` naming the file, the field,
the value and the fix; the plugin then fails the build with all of them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from blogcore.errors import Problem, display_path
from blogcore.headers import Header, parse_header
from blogcore.isodate import DateError, parse_iso

from reading import cover
from transparency import fields as transparency_fields

from .config import EditorialConfig
from .inventory import is_editor_file

log = logging.getLogger(__name__)

MARKDOWN_EXTENSIONS = {".md", ".markdown", ".mkd", ".mdown"}
# Files a writer may keep beside an article and link with {attach} or {static}.
STATIC_EXTENSIONS = {
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".pdf",
    ".mp3", ".mp4", ".webm", ".ogg", ".csv", ".txt",
}
STATUSES = ("published", "draft", "hidden")
ORIGINS = {
    "title_origin": ("source", "editorial"),
    "date_origin": ("source", "editorial"),
    "author_origin": ("source", "unknown"),
}
KNOWN_FIELDS = {
    "title", "slug", "date", "author", "authors", "category",
    "tags", "keywords", "summary", "lang", "status", "template", "save_as",
    "url", "translation", "source", "source_url", "source_note", "feed_id", *ORIGINS,
    *transparency_fields.FIELDS,  # Partnership, Sponsor, Correction... (plugins/transparency/fields.py)
    *cover.FIELDS,  # Image, Image-description (plugins/reading/cover.py)
}
MODIFIED_FIX = ("for a correction, write 'Correction: <date> | <rectificatif|precision|mise-a-jour> | <sentence>' "
                "(it moves the date feeds and the sitemap show); for another change worth telling readers, write "
                "'Note-de-modification: <sentence>' in the header (it moves \"Mis à jour le\")")
REQUIRED = {"article": ("title", "date", "author"), "page": ("title",)}
DATE_FIX = "write an ISO 8601 date such as 2009-02-25 10:00:00+01:00 (or 2009-02-25)"
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# The messages of the fields a writer fills in, in French: the build prints them and the desk
# (plugins/desk) shows the same ones in its form.
MESSAGES = {
    "required": ("l'en-tête n'a pas de ligne {field}", {
        "title": "ajoutez en haut du fichier une ligne « Title: Le titre »",
        "date": "ajoutez à l'en-tête une ligne « Date: 2026-11-22 10:00:00+01:00 »",
        "author": "ajoutez « Author: Prénom Nom » (ou « Author: Auteur inconnu » avec « Author_origin: unknown »)",
    }),
    "status": ("statut inconnu", "utilisez l'un de : " + ", ".join(STATUSES)),
    "origin": ("valeur inconnue", "utilisez l'un de : {allowed}"),
    "source_url": ("pas une adresse web absolue", "écrivez l'adresse complète, commençant par https:// ou http://"),
    "lang": ("ce site ne publie qu'en « {lang} » ; Pelican traiterait le fichier comme une traduction cachée",
             "écrivez « Lang: {lang} »"),
    "title_slug": ("le titre n'a ni lettre ni chiffre pour faire l'adresse de la page",
                   "ajoutez sous le titre une ligne « Slug: mon-article » (a-z, 0-9 et tirets simples)"),
    "slug": ("une adresse (slug) s'écrit en minuscules", "n'utilisez que a-z, 0-9 et des tirets simples, "
             "par exemple « mon-article »"),
}
# {filename}path, {static}path, {attach}path and the older |filename|path form.
_INTERNAL_LINK = re.compile(r"(?:\{|\|)(filename|static|attach)(?:\}|\|)([^\s\"'()<>#?]+)")
# A Markdown link straight to a source file, which Pelican would leave broken.
_RAW_MD_LINK = re.compile(r"\]\(\s*<?(?!https?:|mailto:|\{|\|)([^)\s>]+\.md)(?:#[^)\s]*)?>?\s*\)")


@dataclass
class Entry:
    """One content file with what validation learnt about it."""

    path: Path
    display: str
    kind: str
    header: Header
    slug: str | None = None
    status: str = "published"
    date: dt.datetime | None = None

    @property
    def embargoed(self) -> bool:
        """True for drafts and future-dated articles (never published)."""
        return self.status == "draft"


def parse_date(value: str, tz: ZoneInfo) -> dt.datetime:
    """Parse an ISO 8601 date; a date without offset is in the site's time zone."""
    return parse_iso(value, tz)


def _content_files(root: Path, subpaths: list[str], excludes: list[str]) -> list[Path]:
    found = []
    for sub in subpaths:
        base = root / sub
        if base.is_file():
            found.append(base)
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            rel_dir = Path(dirpath).relative_to(root)
            dirnames[:] = sorted(
                d for d in dirnames
                if not d.startswith(".") and str(rel_dir / d) not in excludes and d not in excludes
            )
            found += [Path(dirpath) / f for f in sorted(filenames) if not f.startswith(".") and not is_editor_file(f)]
    return found


def _reserved_segments(settings: dict) -> set[str]:
    """First URL segments that the site's own pages use: no slug may take them."""
    reserved = {settings.get("THEME_STATIC_DIR", "theme")}
    reserved |= {p.strip("/").split("/")[0] for p in settings.get("STATIC_PATHS", [])}
    for key, value in settings.items():
        if key.endswith("_SAVE_AS") and isinstance(value, str) and value:
            first = value.split("/")[0]
            if "{" not in first and "/" in value:
                reserved.add(first)
    return reserved


class Validator:
    """Collects problems in the content folder; one instance per build."""

    def __init__(self, settings: dict, config: EditorialConfig, now: dt.datetime | None = None):
        self.settings = settings
        self.config = config
        self.root = Path(settings["PATH"])
        self.tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        self.now = now or dt.datetime.now(self.tz)
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.entries: list[Entry] = []

    # -- helpers ------------------------------------------------------------
    def problem(self, entry_or_file, field: str, value, message: str, fix: str) -> None:
        """Record one problem."""
        file = entry_or_file.display if isinstance(entry_or_file, Entry) else entry_or_file
        self.problems.append(Problem(file, field, value, message, fix))

    def warn(self, entry: Entry, message: str) -> None:
        """Record a warning (fatal in `invoke check`)."""
        self.warnings.append(f"{entry.display}: {message}")

    # -- passes -------------------------------------------------------------
    def run(self) -> list[Problem]:
        """Validate every article and page; return the problems found."""
        kinds = (
            ("article", self.settings.get("ARTICLE_PATHS", []), self.settings.get("ARTICLE_EXCLUDES", [])),
            ("page", self.settings.get("PAGE_PATHS", []), self.settings.get("PAGE_EXCLUDES", [])),
        )
        for kind, paths, excludes in kinds:
            for path in _content_files(self.root, paths, excludes):
                self._check_file(kind, path)
        self._check_slugs()
        self._by_path = {os.path.normpath(os.path.abspath(e.path)): e for e in self.entries}
        for entry in self.entries:
            self._check_links(entry)
        return self.problems

    def check_one(self, kind: str, path: Path) -> list[Problem]:
        """The problems of one article or page file alone (the live preview's quick path)."""
        self._check_file(kind, Path(path))
        self._by_path = {os.path.normpath(os.path.abspath(e.path)): e for e in self.entries}
        for entry in self.entries:
            self._check_links(entry)
        return self.problems

    def _check_file(self, kind: str, path: Path) -> None:
        display = display_path(path)
        suffix = path.suffix.lower()
        if suffix not in MARKDOWN_EXTENSIONS:
            if suffix not in STATIC_EXTENSIONS:
                self.problem(display, "file name", path.name,
                             "is neither a Markdown article nor a known static file, so Pelican would ignore it",
                             "rename it to .md (articles are Markdown) or move it to content/images/")
            return
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problem(display, "encoding", f"byte {exc.start}", "the file is not UTF-8",
                         "save the file as UTF-8")
            return
        entry = Entry(path, display, kind, parse_header(text))
        self.entries.append(entry)
        self._check_header(entry)

    def _check_header(self, entry: Entry) -> None:
        header = entry.header
        fields = header.fields
        for key in header.duplicates:
            if key not in transparency_fields.REPEATABLE:
                self.problem(entry, key.capitalize() + ":", fields[key], "the field is written twice",
                             "keep a single line for it")
        for key in REQUIRED[entry.kind]:
            if not header.get(key):
                message, hints = MESSAGES["required"]
                self.problem(entry, key.capitalize() + ":", None, message.format(field=key.capitalize() + ":"),
                             hints[key])
        status = (header.get("status") or "published").lower()
        if status not in STATUSES:
            self.problem(entry, "Status:", header.get("status"), *MESSAGES["status"])
        entry.status = status
        if header.get("date"):
            try:
                entry.date = parse_date(header.get("date"), self.tz)
            except DateError as exc:
                self.problem(entry, "Date:", header.get("date"), str(exc), exc.fix)
            except ValueError:
                self.problem(entry, "Date:", header.get("date"), "not a valid date", DATE_FIX)
        if "modified" in fields:
            self.problem(entry, "Modified:", header.get("modified"),
                         "a date of change no longer moves by hand: corrections and notes of change move it",
                         MODIFIED_FIX)
        for found in transparency_fields.check(fields, header.all("correction"), entry.kind, entry.date, self.tz):
            self.problem(entry, found.field, found.value, found.message, found.fix)
        found_cover = cover.check(fields, entry.path, self.root, self.settings.get("STATIC_PATHS", []))
        for found in found_cover:
            self.problem(entry, found.field, found.value, found.message, found.fix)
        heavy = "" if found_cover else cover.heaviness(fields, entry.path, self.root)
        if heavy:
            self.warn(entry, heavy)
        if entry.kind == "article" and entry.date and entry.date > self.now and status == "published":
            if not self.settings.get("WITH_FUTURE_DATES", True):
                entry.status = "draft"  # Pelican holds it back until its day
        lang = header.get("lang")
        default_lang = self.settings.get("DEFAULT_LANG", "fr")
        if lang and lang != default_lang:
            message, fix = MESSAGES["lang"]
            self.problem(entry, "Lang:", lang, message.format(lang=default_lang), fix.format(lang=default_lang))
        for key, allowed in ORIGINS.items():
            if header.get(key) and header.get(key) not in allowed:
                message, fix = MESSAGES["origin"]
                self.problem(entry, key.capitalize() + ":", header.get(key), message,
                             fix.format(allowed=", ".join(allowed)))
        source_url = header.get("source_url")
        if source_url and not transparency_fields.is_http_url(source_url):  # as a browser reads it
            self.problem(entry, "Source_url:", source_url, *MESSAGES["source_url"])
        if entry.kind == "article" and not header.get("summary"):
            self.warn(entry, "no Summary: line; lists will show the first words of the text instead")
        known = KNOWN_FIELDS | set(self.config.extra_fields)
        for key in fields:
            if key not in known:
                self.warn(entry, f"unknown header field '{key}' (known fields: {', '.join(sorted(known))})")
        title = header.get("title")
        slug = header.get("slug")
        if not slug and title:
            slug = slugify(
                title,
                regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]),
                preserve_case=self.settings.get("SLUGIFY_PRESERVE_CASE", False),
                use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False),
            )
            if not slug:
                self.problem(entry, "Title:", title, *MESSAGES["title_slug"])
        elif slug and not re.fullmatch(SLUG_PATTERN, slug):
            self.problem(entry, "Slug:", slug, *MESSAGES["slug"])
        entry.slug = slug

    def _check_slugs(self) -> None:
        reserved = _reserved_segments(self.settings)
        seen: dict[str, Entry] = {}
        for entry in self.entries:
            if not entry.slug:
                continue
            if entry.slug in reserved:
                self.problem(entry, "Slug:", entry.slug, "this address is used by the site itself",
                             "choose another slug (add a 'Slug:' line)")
            other = seen.get(entry.slug)
            if other:
                self.problem(entry, "Slug:", entry.slug,
                             f"the same slug as {other.display}: both would be written to the same page",
                             "give one of them another title or an explicit, different 'Slug:' line")
            else:
                seen[entry.slug] = entry

    def _check_links(self, entry: Entry) -> None:
        body = entry.header.body
        for match in _INTERNAL_LINK.finditer(body):
            kind, raw = match.groups()
            line = entry.header.body_line + body.count("\n", 0, match.start())
            target_name = urllib.parse.unquote(raw)
            base = str(self.root) if target_name.startswith("/") else os.path.dirname(entry.path)
            # normpath, not resolve(): links are checked apart (inventory.py); a build checks thousands.
            target = os.path.normpath(os.path.join(os.path.abspath(base), target_name.lstrip("/")))
            field = f"link (line {line})"
            if not os.path.isfile(target):
                self.problem(entry, field, match.group(0), "points to a file that does not exist",
                             "correct the path (relative to this file, or starting with / for content/) or remove the link")
                continue
            linked = self._by_path.get(target)
            if (self.config.production and linked and linked.embargoed
                    and not entry.embargoed and entry.status != "draft"):
                self.problem(entry, field, match.group(0),
                             f"points to {linked.display}, a draft or future-dated article that is not published",
                             "publish the linked article first, or remove the link")
        for match in _RAW_MD_LINK.finditer(body):
            line = entry.header.body_line + body.count("\n", 0, match.start())
            self.problem(entry, f"link (line {line})", match.group(1),
                         "a link to a source file stays broken on the site",
                         f"write {{filename}}{match.group(1)} so that Pelican turns it into the page's address")

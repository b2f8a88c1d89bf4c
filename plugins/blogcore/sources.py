"""One reading of the site's content, the way Pelican reads it (without rendering).

Everything outside a build that needs to know the site's articles and pages
(the editorial checks, the intake's snapshot, moderation, ``invoke new``) asks
this module, so that all of them see what Pelican will publish:

- the settings, read by Pelican's own ``read_settings`` (:func:`read_settings`);
- the files, found by Pelican's own ``Generator.get_files`` under
  ``ARTICLE_PATHS`` / ``PAGE_PATHS`` minus their ``*_EXCLUDES`` and
  ``IGNORE_FILES``; the Markdown ones (Pelican's ``MarkdownReader`` extensions)
  are read;
- the header, by :mod:`blogcore.headers` (Python-Markdown's meta syntax);
- the status as Pelican sets it (``Status:``, a future-dated article is a
  draft unless ``WITH_FUTURE_DATES``), the date in the site's ``TIMEZONE``
  (strict ISO 8601, :mod:`blogcore.isodate`), the slug as Pelican makes it
  (``Slug:``, else ``SLUGIFY_SOURCE`` through Pelican's ``slugify`` and the
  ``SLUG_*`` settings), the address and the output file from the
  ``ARTICLE_URL`` / ``DRAFT_URL`` / ``PAGE_URL`` / ``DRAFT_PAGE_URL`` settings
  (and their ``*_SAVE_AS``), or the file's own ``URL:`` / ``Save_as:``.

A :class:`Site` is made for one use (one build, one task) and reads each file
once; it holds nothing between builds.
"""

from __future__ import annotations

import datetime as dt
import locale
import sys
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from .errors import display_path
from .headers import Header, parse_header
from .isodate import parse_iso

KINDS = ("article", "page")
STATUSES = ("published", "draft", "hidden")
_PATHS = {"article": ("ARTICLE_PATHS", "ARTICLE_EXCLUDES"), "page": ("PAGE_PATHS", "PAGE_EXCLUDES")}


def read_settings(settings_file: str | Path, override: dict | None = None) -> dict:
    """Pelican's settings of a settings file, leaving this process's locale and sys.path as they were."""
    from pelican.settings import read_settings as pelican_settings

    saved_path = list(sys.path)
    # Pelican sets the process locale from LOCALE; a long-lived process (the intake) keeps its own.
    saved_locale = locale.setlocale(locale.LC_ALL)
    try:
        return pelican_settings(str(settings_file), override=override)
    finally:
        sys.path[:] = saved_path
        locale.setlocale(locale.LC_ALL, saved_locale)


def markdown_extensions() -> tuple[str, ...]:
    """The file extensions Pelican reads as Markdown (without the dot)."""
    from pelican.readers import MarkdownReader

    return tuple(MarkdownReader.file_extensions)


class _Finder:
    """Just what Pelican's Generator.get_files needs: the content folder and the settings."""

    def __init__(self, settings: dict):
        from pelican.generators import Generator

        self.path = settings["PATH"]
        self.settings = {"IGNORE_FILES": settings.get("IGNORE_FILES", [".*"])}
        self._get_files = Generator.get_files.__get__(self)
        self._include_path = Generator._include_path.__get__(self)

    def files(self, paths: list[str], excludes: list[str]) -> set[str]:
        return self._get_files(paths, exclude=list(excludes), extensions=False)


@dataclass(frozen=True)
class Source:
    """One article or page file, read as Pelican will read it."""

    path: Path
    display: str  # the file as messages name it
    kind: str  # "article" or "page"
    header: Header
    declared_status: str  # Status: as written, lower-case; "published" when absent
    status: str  # what Pelican makes of it: a future-dated article is a "draft"
    date: dt.datetime | None  # None when absent or unreadable (date_error says why)
    date_error: ValueError | None
    slug: str | None
    url: str  # relative to SITEURL
    save_as: str

    @property
    def embargoed(self) -> bool:
        """True for drafts and future-dated articles (never published)."""
        return self.status == "draft"

    @property
    def title(self) -> str:
        """The Title: line ("" when absent)."""
        return self.header.get("title") or ""


class Site:
    """The content of one site as its settings describe it; made for one use."""

    def __init__(self, settings: dict, now: dt.datetime | None = None):
        self.settings = settings
        self.root = Path(settings["PATH"])
        self.tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        self.now = now or dt.datetime.now(self.tz)
        self.lang = (settings.get("DEFAULT_LANG") or "en").lower()
        self._finder = _Finder(settings)
        self._read: dict[tuple[str, Path], Source] = {}  # each file is read once by this Site (one build)
        self._slugs: dict[str, str] = {}  # text → slug: a thousand articles share a few categories and authors
        self._folders: dict[Path, str] = {}  # folder → how messages name it

    @classmethod
    def from_file(cls, settings_file: str | Path, override: dict | None = None) -> "Site":
        """The site of a settings file (pelicanconf.py, publishconf.py)."""
        return cls(read_settings(settings_file, override))

    # -- files ------------------------------------------------------------------
    def files(self, kind: str) -> list[Path]:
        """Every file Pelican looks at for articles or pages (any extension), sorted."""
        paths_key, excludes_key = _PATHS[kind]
        found = self._finder.files(self.settings.get(paths_key) or [], self.settings.get(excludes_key) or [])
        return sorted(self.root / name for name in found)

    def folder(self, kind: str) -> Path:
        """Where a new article or page goes: the first of ARTICLE_PATHS / PAGE_PATHS."""
        paths = self.settings.get(_PATHS[kind][0]) or [""]
        return self.root / paths[0]

    @staticmethod
    def is_markdown(path: Path) -> bool:
        """Whether Pelican reads this file as Markdown."""
        return Path(path).suffix.lower().lstrip(".") in markdown_extensions()

    # -- reading ----------------------------------------------------------------
    def read(self, kind: str, path: Path, text: str | None = None) -> Source:
        """One Markdown file (UnicodeDecodeError when it is not UTF-8)."""
        path = Path(path)
        if text is None and (kind, path) in self._read:
            return self._read[(kind, path)]
        key = (kind, path) if text is None else None
        if text is None:
            text = path.read_text(encoding="utf-8-sig")
        header = parse_header(text.lstrip("\ufeff"))
        declared = (header.get("status") or "published").lower()
        date, error = None, None
        if header.get("date"):
            try:
                date = self.parse_date(header.get("date"))
            except ValueError as exc:
                error = exc
        status = declared
        if (kind == "article" and date is not None and date > self.now
                and not self.settings.get("WITH_FUTURE_DATES", True)):
            status = "draft"  # as Pelican's Article does: held back until its day
        slug = header.get("slug") or self.slug_of(header, path)
        url, save_as = self.address(kind, status, slug, header, date)
        source = Source(path, self.display(path), kind, header, declared, status, date, error, slug, url, save_as)
        if key is not None:
            self._read[key] = source
        return source

    def sources(self, kind: str | None = None) -> list[Source]:
        """Every readable Markdown article and/or page (the checks name the others)."""
        found = []
        for each in (kind,) if kind else KINDS:
            for path in self.files(each):
                if not self.is_markdown(path):
                    continue
                try:
                    found.append(self.read(each, path))
                except UnicodeDecodeError:
                    continue
        return found

    def articles(self) -> dict[str, Source]:
        """Every article with a slug, by slug (drafts and hidden ones too)."""
        return {s.slug: s for s in self.sources("article") if s.slug}

    def page(self, slug: str) -> Source | None:
        """The page with this slug, or None."""
        return next((s for s in self.sources("page") if s.slug == slug), None)

    def display(self, path: Path) -> str:
        """The file as messages name it (blogcore.errors.display_path), resolving each folder once."""
        if path.is_symlink():
            return display_path(path)
        folder = self._folders.get(path.parent)
        if folder is None:
            folder = self._folders[path.parent] = display_path(path.parent)
        return path.name if folder == "." else f"{folder.rstrip('/')}/{path.name}"

    # -- what Pelican derives ---------------------------------------------------
    def parse_date(self, value: str) -> dt.datetime:
        """A header date: strict ISO 8601, in the site's time zone when written without offset."""
        return parse_iso(value, self.tz)

    def slugify(self, text: str) -> str:
        """A slug made from text with Pelican's slugify and the site's SLUG_* settings."""
        found = self._slugs.get(text)
        if found is None:
            from pelican.settings import DEFAULT_CONFIG
            from pelican.utils import slugify

            found = self._slugs[text] = slugify(
                text, regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]),
                preserve_case=self.settings.get("SLUGIFY_PRESERVE_CASE", False),
                use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False))
        return found

    def slug_of(self, header: Header, path: Path) -> str | None:
        """The slug Pelican makes when the file has no Slug: line (SLUGIFY_SOURCE)."""
        source = self.settings.get("SLUGIFY_SOURCE", "title")
        value = header.get("title") if source == "title" else Path(path).stem if source == "basename" else None
        return (self.slugify(value) or None) if value else None

    def address(self, kind: str, status: str, slug: str | None, header: Header | None = None,
                date: dt.datetime | None = None) -> tuple[str, str]:
        """The URL and output file of an article or page, from the settings Pelican uses."""
        header = header or Header()
        prefix = {"article": "DRAFT" if status == "draft" else "ARTICLE",
                  "page": "DRAFT_PAGE" if status == "draft" else "PAGE"}[kind]
        lang = (header.get("lang") or self.lang).lower()
        suffix = "" if lang == self.lang else "LANG_"
        values = {**header.fields, "slug": slug or "", "lang": lang, "date": date or self.now,
                  "category": self.slugify(header.get("category") or self.settings.get("DEFAULT_CATEGORY") or ""),
                  "author": self.slugify(header.get("author") or "")}
        result = []
        for key in ("url", "save_as"):
            own = header.get(key)
            if own:
                result.append(own)
                continue
            pattern = self.settings.get(f"{prefix}_{suffix}{key}".upper()) or ""
            try:
                result.append(pattern.format(**values))
            except (KeyError, IndexError, ValueError):
                result.append("")  # a pattern naming a field this file lacks: the build says so
        return result[0], result[1]


"""The search plugin's settings, read once per build into a typed config.

Settings (``SEARCH`` dict in pelicanconf.py / publishconf.py; every key optional):

``enabled`` (bool, default ``True``)
    The switch. ``False``: no index, no search page, no "Rechercher" link in
    the header; nothing of the plugin is left in the output. The project's
    pelicanconf.py turns it off for the local preview (rebuilds stay instant)
    and publishconf.py turns it on for the production build.
``page_url`` (str, default ``"recherche/"``)
    Address of the search page, relative and ending with ``/``; saved as
    ``<page_url>index.html``.
``bundle_dir`` (str, default ``"pagefind"``)
    Folder of the output that receives the index and Pagefind's search
    script (``pagefind.js``, its worker, its WebAssembly and the index's
    chunks and fragments).
``language`` (str, default: ``DEFAULT_LANG``, else ``"fr"``)
    Language of every record: Pagefind stems words with it (``fr``:
    "marques" finds "marque") and the search page's ``lang`` must match it.
``contributions`` (bool, default ``True``)
    Index every approved contribution as its own record, which links to its
    anchor on its article's page (``<article>/#contribution-<id>``).

Unknown keys are rejected, so that a typo is not silently ignored; the
user's settings dict is never modified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from blogcore.errors import SiteError

SETTING = "SEARCH"
_FOLDER = re.compile(r"[a-z0-9][a-z0-9\-_]*(?:/[a-z0-9][a-z0-9\-_]*)*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")


@dataclass(frozen=True)
class SearchConfig:
    """Validated search settings."""

    enabled: bool = True
    page_url: str = "recherche/"
    bundle_dir: str = "pagefind"
    language: str = "fr"
    contributions: bool = True

    @property
    def page_save_as(self) -> str:
        """Where the search page is written, relative to the output folder."""
        return self.page_url + "index.html"


def from_settings(settings: dict, origin: str = "pelicanconf.py") -> SearchConfig:
    """Build the config from Pelican settings, rejecting unknown or bad keys."""
    raw = settings.get(SETTING) or {}
    if not isinstance(raw, dict):
        raise SiteError(origin, SETTING, raw, "must be a dict", 'write SEARCH = {"enabled": True}')
    known = {f.name for f in fields(SearchConfig)}
    values = {"language": (settings.get("DEFAULT_LANG") or SearchConfig.language).lower()}
    for key, value in raw.items():
        name = f"{SETTING}[{key!r}]"
        if key not in known:
            raise SiteError(origin, name, value, "unknown setting", f"use one of {sorted(known)}")
        if key in ("enabled", "contributions"):
            if not isinstance(value, bool):
                raise SiteError(origin, name, value, "must be True or False", "write True or False")
        elif key == "page_url":
            if not isinstance(value, str) or not value.endswith("/") or not _FOLDER.fullmatch(value[:-1]):
                raise SiteError(origin, name, value, "an address here is relative, in lower case, and ends with '/'",
                                "write e.g. 'recherche/'")
        elif key == "bundle_dir":
            if not isinstance(value, str) or not _FOLDER.fullmatch(value):
                raise SiteError(origin, name, value, "not a folder name of the output",
                                "write a relative folder in lower case, e.g. 'pagefind'")
        elif key == "language":
            if not isinstance(value, str) or not _LANGUAGE.fullmatch(value.lower()):
                raise SiteError(origin, name, value, "not a language code (ISO 639-1)", "write e.g. 'fr'")
            value = value.lower()
        values[key] = value
    return SearchConfig(**values)

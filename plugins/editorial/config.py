"""The editorial plugin's settings, read once per build into a typed config.

Settings (``EDITORIAL`` dict in pelicanconf.py; every key optional):

``authors_path`` (str, default ``"authors"``)
    Folder, relative to the content folder, holding one Markdown profile per
    author (``Name:``, ``Role:``, ``Organisation:``, ``Website:``,
    ``Source_note:`` and a bio as body).
``production`` (bool, default ``False``)
    True in publishconf.py: links from published content to drafts or
    future-dated articles become errors, and static files used only by
    drafts are not copied to the output.
``extra_fields`` (list of str, default ``[]``)
    Header fields that other tools add to articles, accepted in addition to
    the fields this plugin knows.
``ignored_files`` (list of str, default ``[]``)
    Files of the content folder that stay unpublished on purpose, as
    patterns relative to it (``"notes/*"``, ``"articles/TODO.md"``). Any other
    file where the build does not look, or hidden, fails the build (see
    inventory.py); editor backups (``*~``, ``.*.swp``, ``#*#``) are always
    skipped.
``categories`` (list of str, default ``[]``)
    The site's categories, declared once: an article whose ``Category:`` (or,
    without one, ``DEFAULT_CATEGORY``) is not in the list fails the build with
    the closest declared one (« vouliez-vous dire … ? »), so that a typo never
    creates a new category. The desk's category menu is this list. Empty: any
    category is accepted.
``allow_scripts`` (bool, default ``False``)
    Let articles and pages carry active HTML: ``<script>``, ``<iframe>``,
    ``<object>``, ``<embed>``, ``<base>``, ``<meta>``, event handlers
    (``onclick=``...) and ``javascript:`` addresses. Off, such markup in the
    Markdown fails the build: a script could load anything from anywhere,
    which no gate can see.

Unknown keys are rejected, so that a typo in a setting is not silently
ignored. The user's settings dict is never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from blogcore.errors import SiteError

SETTING = "EDITORIAL"


@dataclass(frozen=True)
class EditorialConfig:
    """Validated editorial settings."""

    authors_path: str = "authors"
    production: bool = False
    extra_fields: tuple[str, ...] = ()
    ignored_files: tuple[str, ...] = ()
    allow_scripts: bool = False
    categories: tuple[str, ...] = ()


def from_settings(settings: dict, origin: str = "pelicanconf.py") -> EditorialConfig:
    """Build the config from Pelican settings, rejecting unknown or bad keys."""
    raw = settings.get(SETTING) or {}
    if not isinstance(raw, dict):
        raise SiteError(origin, SETTING, raw, "must be a dict", "write EDITORIAL = {...}")
    known = {f.name: f for f in fields(EditorialConfig)}
    for key in raw:
        if key not in known:
            raise SiteError(
                origin, f"{SETTING}[{key!r}]", raw[key], "unknown setting",
                f"use one of {sorted(known)}",
            )
    values = dict(raw)
    if "authors_path" in values and not isinstance(values["authors_path"], str):
        raise SiteError(origin, f"{SETTING}['authors_path']", values["authors_path"],
                        "must be a folder name", 'write "authors"')
    for key in ("production", "allow_scripts"):
        if key in values and not isinstance(values[key], bool):
            raise SiteError(origin, f"{SETTING}[{key!r}]", values[key], "must be True or False",
                            "write True or False")
    if "ignored_files" in values:
        ignored = values["ignored_files"]
        if isinstance(ignored, str) or not all(isinstance(x, str) and x.strip() for x in ignored):
            raise SiteError(origin, f"{SETTING}['ignored_files']", ignored, "must be a list of file patterns",
                            'write ["notes/*", "articles/TODO.md"] (relative to the content folder)')
        values["ignored_files"] = tuple(x.strip().lstrip("/") for x in ignored)
    if "extra_fields" in values:
        extra = values["extra_fields"]
        if isinstance(extra, str) or not all(isinstance(x, str) for x in extra):
            raise SiteError(origin, f"{SETTING}['extra_fields']", extra,
                            "must be a list of field names", 'write ["field_a", "field_b"]')
        values["extra_fields"] = tuple(x.lower() for x in extra)
    if "categories" in values:
        declared = values["categories"]
        if isinstance(declared, str) or not all(isinstance(x, str) and x.strip() for x in declared):
            raise SiteError(origin, f"{SETTING}['categories']", declared, "must be a list of category names",
                            'write ["Essais", "Stratégie"]')
        values["categories"] = tuple(x.strip() for x in declared)
    return EditorialConfig(**values)

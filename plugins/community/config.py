"""The community plugin's settings, read once per build into a typed config.

Settings (``COMMUNITY`` dict in pelicanconf.py; every key optional):

``path`` (str, default ``"contributions"``)
    Folder, relative to the content folder, holding one sub-folder per
    article slug with one Markdown file per contribution.
``brand_names`` (list of str, default ``[SITENAME, PUBLISHER]``)
    Names under which the brand speaks. A contribution signed with one of
    them must be marked ``Official: yes``: the brand never poses as a user.
``official_authors`` (list of str, default ``[]``)
    The brand's team: the only people, with the brand's own names, who may
    sign a contribution marked ``Official: yes`` (shown with the badge
    "Réponse officielle de la marque"). Names are compared as readers see
    them (see blogcore/names.py).
``max_body_chars`` (int, default ``20000``)
    The longest contribution text, in characters: a longer one fails the
    build naming its file, and an import reports it instead of writing it.
``max_depth`` (int, default ``4``)
    Replies nest visually up to this depth; deeper replies are shown at that
    depth with an "en réponse à …" link, so that long threads stay readable.
``latest`` (int, default ``20``)
    How many contributions the community page lists.
``community_url`` / ``contributors_url`` / ``contributor_url`` (str)
    Addresses of the community page (``communaute/``), the contributors'
    index (``contributeurs/``) and a contributor's page
    (``contributeur/{slug}/``); each is saved as ``<url>index.html``.
``cache`` (bool, default ``True``)
    Keep the rendered bodies in Pelican's CACHE_PATH between builds (see
    bodies.py: keyed by each body's digest and by the code that renders).
    Bodies missing from it are rendered on every core (the ``BUILD_WORKERS``
    setting, see blogcore/parallel.py).
``figures_marker`` (str, default ``"[[chiffres-moderation]]"``)
    Written alone in a page's Markdown, it is replaced by the live moderation
    figures (the Transparence page uses it).

Unknown keys are rejected; the user's settings dict is never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import urlparse

from blogcore.errors import SiteError

SETTING = "COMMUNITY"


@dataclass(frozen=True)
class CommunityConfig:
    """Validated community settings."""

    path: str = "contributions"
    brand_names: tuple[str, ...] = ()
    official_authors: tuple[str, ...] = ()
    max_body_chars: int = 20_000
    max_depth: int = 4
    latest: int = 20
    community_url: str = "communaute/"
    contributors_url: str = "contributeurs/"
    contributor_url: str = "contributeur/{slug}/"
    figures_marker: str = "[[chiffres-moderation]]"
    cache: bool = True
    own_hosts: frozenset[str] = frozenset()


def from_settings(settings: dict, origin: str = "pelicanconf.py") -> CommunityConfig:
    """Build the config from Pelican settings, rejecting unknown or bad keys."""
    raw = settings.get(SETTING) or {}
    if not isinstance(raw, dict):
        raise SiteError(origin, SETTING, raw, "must be a dict", "write COMMUNITY = {...}")
    known = {f.name for f in fields(CommunityConfig)} - {"own_hosts"}
    values = {}
    for key, value in raw.items():
        name = f"{SETTING}[{key!r}]"
        if key not in known:
            raise SiteError(origin, name, value, "unknown setting", f"use one of {sorted(known)}")
        if key == "cache":
            if not isinstance(value, bool):
                raise SiteError(origin, name, value, "must be True or False", "write True or False")
        elif key in ("max_depth", "latest", "max_body_chars"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SiteError(origin, name, value, "must be a whole number >= 1", "write e.g. 4")
        elif key in ("brand_names", "official_authors"):
            if isinstance(value, str) or not all(isinstance(v, str) and v.strip() for v in value):
                raise SiteError(origin, name, value, "must be a list of names", 'write ["Marque", "Équipe Marque"]')
            value = tuple(v.strip() for v in value)
        elif not isinstance(value, str) or not value.strip():
            raise SiteError(origin, name, value, "must be a non-empty string", "see plugins/community/config.py")
        if key.endswith("_url") and (value.startswith("/") or not value.endswith("/")):
            raise SiteError(origin, name, value, "an address here is relative and ends with '/'",
                            "write e.g. 'communaute/'")
        if key == "contributor_url" and "{slug}" not in value:
            raise SiteError(origin, name, value, "must contain {slug}", "write 'contributeur/{slug}/'")
        values[key] = value
    if "brand_names" not in values:
        values["brand_names"] = tuple(n for n in (settings.get("SITENAME"), settings.get("PUBLISHER")) if n)
    host = urlparse(settings.get("SITEURL") or "").hostname
    values["own_hosts"] = frozenset({host} if host else set())
    return CommunityConfig(**values)

"""The syndication plugin's settings, read once per build into a typed config.

Settings (``SYNDICATION`` dict in pelicanconf.py):

``id_authority`` (str, required)
    The RFC 4151 authority of every entry id: a domain name (or e-mail
    address) the publisher controls, e.g. ``"marques-communautes.github.io"``.
    It is written into ids once and never derived from ``SITEURL``, so that a
    change of address or of scheme (http → https) keeps every id.
``feed_id_date`` (str ``YYYY-MM-DD``, required)
    A day on which the publisher held ``id_authority``; the date part of the
    feed-level Atom ids (``tag:<authority>,<feed_id_date>:flux/<scope>/<slug>``).
``max_entries`` (int >= 1, default ``20``)
    Maximum number of entries in each feed (the newest ones).
``exclude_categories_from_site`` (list of str, default ``[]``)
    Categories (names or slugs) kept out of the site-wide feeds (site Atom,
    RSS and JSON, and the community feed). Their own category feeds still exist.
``exclude_tags_from_site`` (list of str, default ``[]``)
    The same for tags: an article carrying one of them stays out of the
    site-wide feeds, and stays in its tag, category and author feeds.
``websub_hub`` (str or None, default ``None``)
    Address (``https://…``) of a WebSub hub. When set, every feed announces
    it (Atom and RSS ``<link rel="hub">``, JSON ``hubs``), and
    ``invoke feeds.ping`` notifies it of the feeds that changed.
``preview_base_url`` (str, default ``"http://127.0.0.1:8000"``)
    Base of the absolute URLs written in the feeds when ``SITEURL`` is not
    absolute (the local preview uses relative URLs; feeds never do).
``feeds_dir`` (str, default ``"flux"``)
    Folder of the output that holds every feed and the OPML file.

Path pattern (every feed, relative to the output folder; ``<ext>`` is
``atom.xml``, ``rss.xml`` or ``json``)::

    <feeds_dir>/<scope>.<ext>           site-wide feeds: scope = site, communaute
    <feeds_dir>/<scope>/<slug>.<ext>    scope = categorie, etiquette, auteur,
                                        contributions (slug of the article)
    <feeds_dir>/abonnements.opml        OPML list of every feed (Atom)

    flux/site.atom.xml  flux/site.rss.xml  flux/site.json
    flux/categorie/strategie.atom.xml      flux/etiquette/conversation.rss.xml
    flux/auteur/yves-duron.atom.xml        flux/communaute.atom.xml
    flux/contributions/citoyens.atom.xml   flux/abonnements.opml

The "Suivre" page (``suivre/index.html``) lists every feed in plain French.

Unknown keys are rejected, so that a typo in a setting is not silently
ignored. The user's settings dict is never modified.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

from blogcore.errors import SiteError

SETTING = "SYNDICATION"
FOLLOW_URL = "suivre/"
FOLLOW_SAVE_AS = "suivre/index.html"
OPML_NAME = "abonnements.opml"

# RFC 4151 authorityName: a DNS name or an e-mail address, lower case.
_AUTHORITY = re.compile(r"(?:[a-z0-9\-._]+@)?[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)+")
_DIR = re.compile(r"[a-z0-9][a-z0-9\-_]*(?:/[a-z0-9][a-z0-9\-_]*)*")


@dataclass(frozen=True)
class SyndicationConfig:
    """Validated syndication settings."""

    id_authority: str
    feed_id_date: str
    max_entries: int = 20
    exclude_categories_from_site: tuple[str, ...] = ()
    exclude_tags_from_site: tuple[str, ...] = ()
    websub_hub: str | None = None
    preview_base_url: str = "http://127.0.0.1:8000"
    feeds_dir: str = "flux"


REQUIRED = ("id_authority", "feed_id_date")


def _bad(origin: str, key: str, value, message: str, fix: str) -> SiteError:
    return SiteError(origin, f"{SETTING}[{key!r}]", value, message, fix)


def _absolute_http(value) -> bool:
    return isinstance(value, str) and re.fullmatch(r"https?://[^\s/]+(?:/\S*)?", value) is not None


def from_settings(settings: dict, origin: str = "pelicanconf.py") -> SyndicationConfig:
    """Build the config from Pelican settings, rejecting missing, unknown or bad keys."""
    raw = settings.get(SETTING)
    if raw is None:
        raise SiteError(origin, SETTING, None, "the syndication plugin needs its settings",
                        'add SYNDICATION = {"id_authority": "example.org", "feed_id_date": "2026-11-22"}')
    if not isinstance(raw, dict):
        raise SiteError(origin, SETTING, raw, "must be a dict", "write SYNDICATION = {...}")
    known = {f.name for f in fields(SyndicationConfig)}
    for key in raw:
        if key not in known:
            raise _bad(origin, key, raw[key], "unknown setting", f"use one of {sorted(known)}")
    for key in REQUIRED:
        if raw.get(key) in (None, ""):
            raise _bad(origin, key, None, "required setting",
                       {"id_authority": 'a domain you control, e.g. "marques-communautes.github.io"',
                        "feed_id_date": 'a day you held that domain, e.g. "2026-11-22"'}[key])
    values = dict(raw)
    authority = values["id_authority"]
    if not isinstance(authority, str) or not _AUTHORITY.fullmatch(authority):
        raise _bad(origin, "id_authority", authority, "not a lower-case domain name or e-mail address (RFC 4151)",
                   'write a domain you control, e.g. "marques-communautes.github.io" (no https://, no slash)')
    try:
        if not isinstance(values["feed_id_date"], str):
            raise ValueError
        dt.date.fromisoformat(values["feed_id_date"])
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", values["feed_id_date"]):
            raise ValueError
    except ValueError:
        raise _bad(origin, "feed_id_date", values["feed_id_date"], "not a date", 'write "YYYY-MM-DD", e.g. "2026-11-22"') from None
    if "max_entries" in values:
        count = values["max_entries"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise _bad(origin, "max_entries", count, "must be a whole number >= 1", "write e.g. 20")
    for key in ("exclude_categories_from_site", "exclude_tags_from_site"):
        if key in values:
            names = values[key]
            if isinstance(names, str) or not isinstance(names, (list, tuple)) or not all(
                    isinstance(x, str) and x.strip() for x in names):
                raise _bad(origin, key, names, "must be a list of names or slugs", 'write ["Promotion", "annonces"]')
            values[key] = tuple(x.strip() for x in names)
    hub = values.get("websub_hub")
    if hub is not None and not _absolute_http(hub):
        raise _bad(origin, "websub_hub", hub, "not an absolute web address", "write https://… or None")
    base = values.get("preview_base_url", SyndicationConfig.preview_base_url)
    if not _absolute_http(base):
        raise _bad(origin, "preview_base_url", base, "not an absolute web address", 'write "http://127.0.0.1:8000"')
    values["preview_base_url"] = base.rstrip("/")
    folder = values.get("feeds_dir", SyndicationConfig.feeds_dir)
    if not isinstance(folder, str) or not _DIR.fullmatch(folder):
        raise _bad(origin, "feeds_dir", folder, "not a folder name of the output",
                   'write a relative folder in lower case, e.g. "flux"')
    return SyndicationConfig(**values)


def site_base_url(settings: dict, config: SyndicationConfig) -> str:
    """The absolute base of every URL written in a feed (no trailing slash)."""
    siteurl = str(settings.get("SITEURL") or "")
    if _absolute_http(siteurl):
        return siteurl.rstrip("/")
    return config.preview_base_url

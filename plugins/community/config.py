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
    "Réponse officielle de la marque"). Their names count as the brand's:
    no reader may sign with them. Names are compared as readers see them
    (see blogcore/names.py).
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
``intake_url`` (str, default ``""``)
    Public address of the intake service (the ``intake/`` package), absolute
    and ending with ``/``, e.g. ``"https://contribuer.example.org/"``. When
    set, every article and the community page carry the contribution form
    (``_contribution_form.html``), which posts to ``<intake_url>contribution``;
    each published contribution gets a "Répondre" link; each article
    advertises ``<link rel="webmention" href="<intake_url>webmention">``; and
    the thank-you page (``thanks_url``) is written. Empty: no form, no
    endpoint, only the explanation below. pelicanconf.py reads it from the
    ``INTAKE_URL`` environment variable. Put the intake on its own host: the
    site's gates treat a link to the site's own host as a file of the build.
``contact_address`` (str, default ``""``)
    Where readers write to the brand when there is no intake (``intake_url``
    empty): an e-mail address or an ``https://`` address (a contact page, the
    repository's issues). Empty too: the section points to the Transparence
    page.
``thanks_url`` (str, default ``"contribuer/merci/"``)
    The page on the site to which the intake sends the reader after a
    submission (``303 See Other``, with ``?recu=<receipt number>``).
``figures_marker`` (str, default ``"[[chiffres-moderation]]"``)
    Written alone in a page's Markdown, it is replaced by the live moderation
    figures (the Transparence page uses it).

Unknown keys are rejected; the user's settings dict is never modified.
"""

from __future__ import annotations

import re
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
    intake_url: str = ""
    contact_address: str = ""
    thanks_url: str = "contribuer/merci/"
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
        elif key in ("intake_url", "contact_address"):
            value = _intake_setting(origin, name, key, value)
            values[key] = value
            continue
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


_EMAIL_ADDRESS = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")


def _intake_setting(origin: str, name: str, key: str, value) -> str:
    """Check intake_url (absolute, ending with '/') or contact_address (e-mail or https address); may be empty."""
    if not isinstance(value, str):
        raise SiteError(origin, name, value, "must be a string", 'write "" or an address')
    value = value.strip()
    if not value:
        return ""
    parts = urlparse(value)
    if key == "intake_url":
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
                or not value.endswith("/"):
            raise SiteError(origin, name, value, "the intake's address is absolute and ends with '/'",
                            'write e.g. "https://contribuer.example.org/" (or set the INTAKE_URL '
                            "environment variable), or \"\" for no form")
    elif not (_EMAIL_ADDRESS.fullmatch(value) or (parts.scheme == "https" and parts.hostname)):
        raise SiteError(origin, name, value, "neither an e-mail address nor an https:// address",
                        'write e.g. "redaction@example.org" or "https://example.org/contact/"')
    return value

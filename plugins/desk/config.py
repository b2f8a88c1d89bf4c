"""The desk plugin's settings, read once per build into a typed config.

Settings (``DESK`` dict in pelicanconf.py / publishconf.py; every key optional):

``enabled`` (bool, default ``False``)
    The switch. ``False``: nothing of the desk is in the output. pelicanconf.py
    turns it on only when ``invoke desk`` asks (the ``DESK_LOCAL_URL``
    environment variable), publishconf.py leaves it off unless
    ``DESK_GITHUB_REPO`` is set (see README, "For writers": the desk against GitHub).
``path`` (str, default ``"admin/"``)
    Address of the desk, relative and ending with ``/``.
``backend`` (str, default ``"local"``)
    ``"local"``: Decap's own local server (``decap-server`` in its git mode,
    started by ``invoke desk``) over a working copy, at ``local_url``;
    ``"github"``: the team's repository on GitHub (``repo``, ``branch``), signed
    in through the OAuth proxy at ``base_url``.
``local_url`` (str, default ``"http://127.0.0.1:8081/api/v1"``)
    The local server's API address (loopback only).
``repo`` (str, default ``""``)
    ``OWNER/NAME`` of the team's (private) repository; required with ``github``.
``branch`` (str, default ``"main"``)
    The published branch: the desk's pull requests target it, publishing merges into it.
``base_url`` (str, default ``""``), ``auth_endpoint`` (str, default ``"auth"``)
    With ``github``: the OAuth proxy that signs writers in (``https://…``).

The desk's category menu is ``EDITORIAL["categories"]`` (editorial/config.py),
the list the build checks articles against. Unknown keys are rejected, so that
a typo is not silently ignored; the
user's settings dict is never modified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from blogcore.errors import SiteError

SETTING = "DESK"
BACKENDS = ("local", "github")
_FOLDER = re.compile(r"[a-z0-9][a-z0-9\-_]*(?:/[a-z0-9][a-z0-9\-_]*)*")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+")
_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class DeskConfig:
    """Validated desk settings."""

    enabled: bool = False
    path: str = "admin/"
    backend: str = "local"
    local_url: str = "http://127.0.0.1:8081/api/v1"
    repo: str = ""
    branch: str = "main"
    base_url: str = ""
    auth_endpoint: str = "auth"


def from_settings(settings: dict, origin: str = "pelicanconf.py") -> DeskConfig:
    """Build the config from Pelican settings, rejecting unknown or bad keys."""
    raw = settings.get(SETTING) or {}
    if not isinstance(raw, dict):
        raise SiteError(origin, SETTING, raw, "must be a dict", 'write DESK = {"enabled": False}')
    known = {f.name for f in fields(DeskConfig)}
    values: dict = {}
    for key, value in raw.items():
        name = f"{SETTING}[{key!r}]"
        if key == "categories":  # declared once, where the build checks articles against them
            raise SiteError(origin, name, value, "unknown setting: categories are declared once, for the build "
                            "and the desk", 'move them to EDITORIAL["categories"]')
        if key not in known:
            raise SiteError(origin, name, value, "unknown setting", f"use one of {sorted(known)}")
        if key == "enabled":
            if not isinstance(value, bool):
                raise SiteError(origin, name, value, "must be True or False", "write True or False")
        elif key == "path":
            if not isinstance(value, str) or not value.endswith("/") or not _FOLDER.fullmatch(value[:-1]):
                raise SiteError(origin, name, value, "an address here is relative, in lower case, and ends with '/'",
                                "write e.g. 'admin/'")
        elif key == "backend":
            if value not in BACKENDS:
                raise SiteError(origin, name, value, "unknown backend", f"use one of {', '.join(BACKENDS)}")
        elif key == "local_url":
            parts = urlsplit(value if isinstance(value, str) else "")
            if parts.scheme != "http" or parts.hostname not in _LOOPBACK:
                raise SiteError(origin, name, value, "the local server answers on this machine only",
                                "write e.g. 'http://127.0.0.1:8081/api/v1' (invoke desk sets it)")
        elif key == "repo":
            if not isinstance(value, str) or (value and not _REPO.fullmatch(value)):
                raise SiteError(origin, name, value, "not a GitHub repository", "write 'OWNER/NAME'")
        elif key == "branch":
            if not isinstance(value, str) or not _BRANCH.fullmatch(value) or ".." in value:
                raise SiteError(origin, name, value, "not a branch name", "write e.g. 'main'")
        elif key == "base_url":
            if not isinstance(value, str) or (value and urlsplit(value).scheme != "https"):
                raise SiteError(origin, name, value, "the OAuth proxy is reached over https",
                                "write e.g. 'https://auth.example.org'")
            value = value.rstrip("/")
        elif key == "auth_endpoint":
            if not isinstance(value, str) or not _FOLDER.fullmatch(value.strip("/")):
                raise SiteError(origin, name, value, "not a path of the OAuth proxy", "write e.g. 'auth'")
        values[key] = value
    config = DeskConfig(**values)
    if config.enabled and config.backend == "github" and not (config.repo and config.base_url):
        raise SiteError(origin, f"{SETTING}['repo']", config.repo or None,
                        "the desk against GitHub needs the team's repository and its OAuth proxy",
                        "set DESK['repo'] = 'OWNER/NAME' and DESK['base_url'] = 'https://…' (README, For writers)")
    return config

"""Rendered contribution bodies, and the plugin's one cache of them.

Rendering a body (Python-Markdown, then the nh3 allow-list, then French
typography) is most of what contributions cost a first build. A body's HTML
depends only on its Markdown, on the site's own hosts (images from them stay
images) and on the code that renders, so the cache, ``community-bodies.json``
in Pelican's CACHE_PATH, maps the digest of a body to its HTML and plain
text, under:

- CODE_VERSION, a digest of the rendering modules' source taken when this
  module is imported: the code that renders is the code that was imported,
  so a long-running preview that still runs old code never files its HTML
  under a newer version (and a new process, with new code, never reuses it);
- the own hosts and the library versions.

All published bodies are rendered before the first page needs one (on every
core for a first build, see blogcore/parallel.py); the cache is written once,
after every generator has run (feeds included), with just the entries this
build used. A missing or damaged file only makes the build slower.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from importlib import metadata
from pathlib import Path

from markupsafe import Markup

from blogcore import parallel

from .model import Contribution

log = logging.getLogger(__name__)
PREFIX = "[community] "
FILE_NAME = "community-bodies.json"
_HERE = Path(__file__).parent
_SOURCES = (_HERE / "sanitize.py", _HERE / "bodies.py", _HERE.parent / "blogcore" / "typography.py",
            _HERE.parent / "blogcore" / "personal.py")


def _version() -> str:
    hasher = hashlib.sha256()
    for path in _SOURCES:
        hasher.update(path.read_bytes())
    for package in ("markdown", "nh3", "phonenumbers"):
        hasher.update(metadata.version(package).encode())
    return hasher.hexdigest()[:32]


CODE_VERSION = _version()  # fixed at import: see the module's docstring


def digest(body: str) -> str:
    """The cache key of a body's Markdown."""
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()


def render(body: str, own_hosts: frozenset[str]) -> tuple[str, str]:
    """A body as pages show it: (sanitised HTML with French typography, its plain text)."""
    from blogcore.typography import fix_html

    from . import sanitize

    html = fix_html(sanitize.render_body(body, own_hosts))
    return html, sanitize.plain_text(html)


def _render_chunk(bodies: list[tuple[str, tuple[str, ...]]]) -> list[tuple[str, str]]:
    return [render(body, frozenset(hosts)) for body, hosts in bodies]


class Bodies:
    """Every published body of one build, as Markup and text; backed by the cache file between builds."""

    # Bookkeeping, not what pages show (plugins/incremental/state.py leaves it out of the digest).
    incremental_ignore = ("_stored", "rendered", "workers")

    def __init__(self, folder: str | None, own_hosts: frozenset[str], workers: int = 1):
        self.path = Path(folder) / FILE_NAME if folder else None
        self.own_hosts = own_hosts
        self.workers = workers
        self.scope = {"version": CODE_VERSION, "hosts": sorted(own_hosts)}
        self._html: dict[str, tuple[Markup, str]] = {}  # digest → (html, text), this build's
        self._stored: set[str] = set()  # the digests the file had
        self.rendered = 0  # bodies this build had to render (the rest came from the cache)

    def _load(self) -> dict:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:  # damaged: rebuilt from scratch
            log.info(PREFIX + "not using the damaged cache %s (%s)", self.path, exc)
            return {}
        if not isinstance(data, dict) or data.get("scope") != self.scope or not isinstance(data.get("bodies"), dict):
            return {}
        return data["bodies"]

    def prepare(self, contributions: list[Contribution]) -> None:
        """Render every body of these contributions that the cache does not have (on every core when many)."""
        # Read here and let go of at the end: only the bodies this build uses stay in memory.
        stored = self._load() if not self._stored and not self._html else {}
        self._stored |= stored.keys()
        missing: dict[str, str] = {}
        for contribution in contributions:
            key = digest(contribution.body)
            if key in self._html or key in missing:
                continue
            found = stored.get(key)
            if isinstance(found, list) and len(found) == 2 and all(isinstance(part, str) for part in found):
                self._html[key] = (Markup(found[0]), found[1])
            else:
                missing[key] = contribution.body
        del stored
        hosts = tuple(sorted(self.own_hosts))
        results = parallel.run(_render_chunk, [(body, hosts) for body in missing.values()], self.workers)
        for key, result in zip(missing, results):
            self._html[key] = (Markup(result[0]), result[1])
        self.rendered += len(missing)

    def html(self, contribution: Contribution) -> Markup:
        """The sanitised HTML of a body (prepared before), marked safe where it is stored (one copy per body)."""
        return self._get(contribution)[0]

    def text(self, contribution: Contribution) -> str:
        """The plain text of a body (JSON-LD, feed summaries)."""
        return self._get(contribution)[1]

    def _get(self, contribution: Contribution) -> tuple[str, str]:
        key = digest(contribution.body)
        found = self._html.get(key)
        if found is None:  # a body nobody prepared (a quote of a contribution added late)
            self.prepare([contribution])
            found = self._html[key]
        return found

    def save(self) -> None:
        """Write the bodies this build used, if they differ from the file's (after every generator ran)."""
        if self.path is None or (not self.rendered and self._html.keys() == self._stored):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                bodies = {key: list(value) for key, value in sorted(self._html.items())}
                json.dump({"scope": self.scope, "bodies": bodies}, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError as exc:  # a read-only checkout still builds, only slower
            log.info(PREFIX + "could not write the cache %s: %s", self.path, exc)

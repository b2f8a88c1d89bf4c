"""A disk cache of rendered contribution bodies, keyed by content.

Rendering a body (Markdown, then the nh3 allow-list, then French
typography) costs far more than everything else the plugin does, and bodies
rarely change once approved. The cache maps a digest of (renderer code,
library versions, site hosts, body) to the rendered HTML and its plain text,
so any change to the sanitiser's code or to nh3/Markdown invalidates every
entry: a stale cache can never publish HTML the current sanitiser would
refuse. It lives in Pelican's CACHE_PATH, is created per build and is only
written when something new was rendered.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)
FILE_NAME = "community-bodies.json"
_CODE = ("sanitize.py", "cache.py")


def _renderer_fingerprint(own_hosts: frozenset[str]) -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    digest.update((here.parent / "blogcore" / "typography.py").read_bytes())
    for package in ("nh3", "markdown"):
        try:
            digest.update(metadata.version(package).encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    digest.update("\n".join(sorted(own_hosts)).encode())
    return digest.hexdigest()


class BodyCache:
    """Rendered bodies of one build, backed by a JSON file between builds."""

    def __init__(self, folder: str | None, own_hosts: frozenset[str]):
        self.path = Path(folder) / FILE_NAME if folder else None
        self.fingerprint = _renderer_fingerprint(own_hosts)
        self.entries: dict[str, list[str]] = {}
        self.used: set[str] = set()
        self.dirty = False
        if self.path and self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("fingerprint") == self.fingerprint:
                    self.entries = data.get("entries", {})
            except (OSError, ValueError):
                log.warning("[community] ignoring an unreadable cache file %s", self.path)

    def key(self, body: str) -> str:
        """The cache key of a body."""
        return hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()

    def get(self, body: str) -> list[str] | None:
        """[html, text] for a body rendered before, else None."""
        key = self.key(body)
        found = self.entries.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, body: str, html: str, text: str) -> None:
        """Remember a rendered body."""
        key = self.key(body)
        self.entries[key] = [html, text]
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Write the entries used by this build (so the file never grows stale)."""
        if not self.path or not (self.dirty or len(self.used) != len(self.entries)):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            kept = {k: self.entries[k] for k in sorted(self.used)}
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"fingerprint": self.fingerprint, "entries": kept}, ensure_ascii=False),
                           encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:  # a read-only checkout still builds, only slower
            log.warning("[community] could not write the cache %s: %s", self.path, exc)

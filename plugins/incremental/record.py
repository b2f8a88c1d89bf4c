"""The record of what each output was built from, kept in CACHE_PATH between builds.

``incremental.json`` holds the build's fingerprint and, page by page, the
key of its own values, the digests of the Content objects it read and the
size, time and inode of the file written (so that a file changed or
replaced since is never taken for the recorded one). The fingerprint covers
everything a page may show that no page-by-page digest follows: the settings
and package versions (blogcore/caches.py), the theme's and plugins' files,
the files of the content folder that are no article nor page (contributions,
author profiles, images), and the site's lists (which articles, pages,
categories, tags and authors exist, in order). A different fingerprint
renders every page. ``incremental-changes.json`` says what the last build
rendered, changed and removed.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import time
from pathlib import Path

from blogcore import caches

from . import state

log = logging.getLogger(__name__)
RECORD = "incremental.json"
CHANGES = "incremental-changes.json"
VERSION = 1
# Context entries that change from one page or build to the next without changing what pages show.
VOLATILE = frozenset({"localsiteurl", "output_file", "generated_content", "static_content", "static_links",
                      "_sitebuild_compiled_templates"})
# Context lists Pelican fills from a set: their order changes from one process to the next, not the site.
ORDERLESS = frozenset({"staticfiles"})


class Record:
    """The previous build's record (when there is one to trust) and where to save this build's."""

    def __init__(self, folder: Path | None, settings: dict, fingerprint: str, outputs: dict):
        self.folder = folder
        self.settings = settings
        self.previous_fingerprint = fingerprint
        self.outputs = outputs

    @classmethod
    def load(cls, settings: dict, enabled: bool) -> "Record":
        """The record in CACHE_PATH (an empty one when disabled, absent or unreadable)."""
        folder = Path(settings["CACHE_PATH"]) if settings.get("CACHE_PATH") else None
        fingerprint, outputs = "", {}
        if enabled and folder is not None:
            try:
                data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
                if data.get("version") == VERSION:
                    fingerprint, outputs = data["fingerprint"], data["outputs"]
            except (OSError, ValueError, KeyError, TypeError):
                pass  # no record, or a damaged one: every page is rendered
        return cls(folder, settings, fingerprint, outputs)

    def fingerprint(self, context: dict, contents: dict, digests: state.Digests) -> str:
        """This build's fingerprint; the previous record is dropped when it differs."""
        settings = self.settings
        parts = [caches.fingerprint(settings), list(settings.get("PLUGINS") or [])]
        roots = [settings.get("THEME")] + list(settings.get("PLUGIN_PATHS") or [])
        parts.append(state.files_digest(_files(roots)))
        content = settings.get("PATH")
        parts.append(state.files_digest(p for p in _files([content]) if p not in contents))
        for key in sorted(k for k in context if not k.isupper() and k not in VOLATILE):
            try:
                value = context[key]
                start = time.process_time()
                parts.append([key, digests.digest(set(value) if key in ORDERLESS else value)])
                log.debug("[incremental] the context's %r: %.3f s to digest", key, time.process_time() - start)
            except state.Unknown as exc:
                log.debug("[incremental] the context's %r cannot be followed (%s): every page is rendered", key, exc)
                parts.append([key, secrets.token_hex(8)])
        found = digests.digest(parts)
        if found != self.previous_fingerprint:
            self.outputs = {}
        return found

    def save(self, fingerprint: str, outputs: dict, changes: dict) -> None:
        """Write this build's record and its list of changes (each file whole)."""
        if self.folder is None:
            return
        _write_json(self.folder / RECORD, {"version": VERSION, "fingerprint": fingerprint, "outputs": outputs})
        _write_json(self.folder / CHANGES, changes)


def changes(settings: dict) -> dict | None:
    """What the last build with these settings rendered, changed and removed (None: no record)."""
    try:
        return json.loads((Path(settings["CACHE_PATH"]) / CHANGES).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return None


def _files(roots) -> list[str]:
    found = []
    for root in roots:
        if not root or not os.path.isdir(root):
            continue
        for parent, folders, names in os.walk(root):
            folders[:] = sorted(f for f in folders if f != "__pycache__" and f != "node_modules")
            found += [os.path.join(parent, name) for name in names if not name.endswith((".pyc", "~"))]
    return found


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, sort_keys=True)
    os.replace(tmp, path)

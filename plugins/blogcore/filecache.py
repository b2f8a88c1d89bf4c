"""What the plugins found in each unchanged file last build, so that a build redoes only the changed files' work.

Every build checks every contribution file and scans every article's HTML
for active content; on a site of 10,000 contributions that is seconds of
work whose answer has not changed since the last build. The answers are
kept in CACHE_PATH:

- in *sections*, one per kind of work (``contributions``, ``markup``...),
  one file each (``plugins-<section>.pickle``, so that an edited article
  does not rewrite the 10,000 contributions' answers), each under a
  *scope*: what the answers depend on besides the file (the folder, the
  time zone, a limit, the site's own hosts...). A section made under
  another scope is dropped whole;
- under :data:`CODE_VERSION`, a digest of the plugins' sources and of the
  libraries that read files, taken when this module is imported: a
  long-running preview that still runs old code never files its answers
  under a newer version; the settings and the core packages are checked
  by blogcore/caches.py, which empties CACHE_PATH when they change;
- per file (:meth:`Section.for_file`), keyed on its bytes: its size,
  mtime, ctime and inode say "unchanged" without reading it, unless the file
  changed less than :data:`RACY_NS` before that was noted (a save within
  the file system's clock tick keeps the same mtime); otherwise the file is
  read and its digest decides;
- per text (:meth:`Section.for_text`): keyed on the text's digest (the
  rendered HTML of an article is not a file).

A result is whatever the work returned, problems included: a file that
failed last build fails again, with the same message, without being read.
Each file is loaded once per build (:func:`of`, kept in the build's
context, never in a module global: the live preview rebuilds in one
process) and written at most once, at the end (:func:`save`), only when
its entries changed, with only the entries this build used. A missing,
damaged or foreign file is ignored (and blogcore/caches.py
removes one cut short): the build is then as slow as without it.
``LOAD_CONTENT_CACHE = False`` (``--ignore-cache``) reads none;
``CACHE_CONTENT = False`` writes none.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Callable, TypeVar

log = logging.getLogger(__name__)
PREFIX = "[blogcore] "
CONTEXT_KEY = "blogcore_file_cache"  # this build's cache, in Pelican's context (popped by save)
RACY_NS = 2_000_000_000  # a stat noted less than this after the file's mtime is not trusted (FAT: 2 s ticks)
_PLUGINS = Path(__file__).resolve().parent.parent
_PACKAGES = ("pelican", "markdown", "selectolax", "tinycss2", "phonenumbers", "nh3")
T = TypeVar("T")


def _version() -> str:
    hasher = hashlib.sha256()
    for path in sorted(_PLUGINS.rglob("*.py")):
        hasher.update(str(path.relative_to(_PLUGINS)).encode() + b"\0" + path.read_bytes())
    for package in _PACKAGES:
        try:
            hasher.update(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            hasher.update(f"{package} -".encode())
    return hasher.hexdigest()[:32]


CODE_VERSION = _version()  # fixed at import: see the module's docstring


def digest(data: bytes) -> bytes:
    """The key of some bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


class Section:
    """The answers of one kind of work, under one scope: one file, ``plugins-<name>.pickle``."""

    def __init__(self, path: Path | None, scope, load: bool = True):
        self.path = path
        self.scope = scope
        self._stored = self._load() if load and path is not None else {}  # key → entry, as the file has them
        self.used: dict = {}  # key → entry, this build's (what save writes)
        self.hits = 0
        self.misses = 0

    def _load(self) -> dict:
        collecting = gc.isenabled()
        # Unpickling makes thousands of objects that are all kept: without this, each of them counts
        # towards a collection of the whole build's heap (half of the loading time, more in a big build).
        gc.disable()
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
        except FileNotFoundError:
            return {}
        except Exception as exc:  # noqa: BLE001 - whatever a damaged pickle raises, the build goes on without it
            log.info(PREFIX + "not using the damaged cache %s (%s)", self.path, exc)
            return {}
        finally:
            if collecting:
                gc.enable()
        if (not isinstance(data, dict) or data.get("version") != CODE_VERSION or data.get("scope") != self.scope
                or not isinstance(data.get("entries"), dict)):
            return {}  # other code or another scope: every answer is made again
        return data["entries"]

    def for_file(self, path: str, work: Callable[[bytes], T]) -> T:
        """work(the file's bytes), or what it returned for the same bytes before (OSError when unreadable)."""
        entry = self._stored.get(path)
        if not (isinstance(entry, tuple) and len(entry) == 4):
            entry = None  # absent, or not what this module writes
        stat = os.stat(path)
        now = time.time_ns()
        # ctime too: a copy that keeps the mtime (cp -p, rsync -t) still sets it.
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        if (entry is not None and entry[0] == signature
                and entry[1] - max(stat.st_mtime_ns, stat.st_ctime_ns) >= RACY_NS):
            self.hits += 1
            self.used[path] = entry
            return entry[3]
        with open(path, "rb") as handle:
            data = handle.read()
        key = digest(data)
        if entry is not None and entry[2] == key:
            self.hits += 1
            result = entry[3]
        else:
            self.misses += 1
            result = work(data)
        # The stat noted now, before anything else could change the file, and when.
        self.used[path] = (signature, now, key, result)
        return result

    def for_text(self, text: str, work: Callable[[], T]) -> T:
        """work(), or what it returned for the same text before."""
        key = digest(text.encode("utf-8", "surrogatepass"))
        entry = self.used.get(key) or self._stored.get(key)
        if not (isinstance(entry, tuple) and len(entry) == 1):  # absent, or not what this module writes
            entry = None
        if entry is None:
            self.misses += 1
            entry = (work(),)
        else:
            self.hits += 1
        self.used[key] = entry
        return entry[0]

    def save(self) -> None:
        """Write this build's entries if they differ from the file's (new, noted again, or gone)."""
        if self._stored.keys() == self.used.keys() and all(
                self._stored[key] is entry for key, entry in self.used.items()):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A dot-file while it is written: blogcore/caches.py removes one left by a stopped build.
            handle, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump({"version": CODE_VERSION, "scope": self.scope, "entries": self.used}, out,
                                protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.info(PREFIX + "could not write the cache %s: %s", self.path, exc)


class FileCache:
    """The per-file answers of one build: each section loaded when first asked for, written by save()."""

    # Bookkeeping, not what pages show (plugins/incremental/state.py leaves it out of the digest).
    incremental_ignore = ("folder", "load", "write", "_sections")

    def __init__(self, folder: str | Path | None, load: bool = True, write: bool = True):
        self.folder = Path(folder) if folder else None
        self.load = load
        self.write = write and self.folder is not None
        self._sections: dict[str, Section] = {}

    def section(self, name: str, scope) -> Section:
        """The answers of one kind of work; empty when they were made under another scope."""
        found = self._sections.get(name)
        if found is None or found.scope != scope:
            path = self.folder / f"plugins-{name}.pickle" if self.folder else None
            found = self._sections[name] = Section(path, scope, self.load)
        return found

    def save(self) -> None:
        """Write what this build used (at most once per build; a read-only cache is only slower)."""
        if self.write:
            self.write = False
            for section in self._sections.values():
                section.save()


def of(context: dict, settings: dict) -> FileCache:
    """This build's cache (made on first use, kept in Pelican's context until save)."""
    found = context.get(CONTEXT_KEY)
    if found is None:
        found = context[CONTEXT_KEY] = FileCache(settings.get("CACHE_PATH"),
                                                 load=bool(settings.get("LOAD_CONTENT_CACHE", True)),
                                                 write=bool(settings.get("CACHE_CONTENT", True)))
    return found


def save(context: dict) -> None:
    """Write this build's cache and forget it (the context is the build's: nothing outlives it)."""
    found = context.pop(CONTEXT_KEY, None)
    if found is not None:
        found.save()

"""Disk caches of the community plugin, keyed by content, never by dates.

Three things cost most of what the plugin adds to a build, and all depend
only on bytes that rarely change once a contribution is approved:

- rendering a body (Markdown, then the nh3 allow-list, then French
  typography): :class:`BodyCache` maps the digest of the body's file to its
  HTML and plain text;
- reading and checking a contribution file's header: :class:`FileCache` maps
  a file's name to its status, the digest of its bytes and its checked fields
  (the body stays in the file);
- building the finished fragments (an article's thread, its JSON-LD
  comments, a contributor's cards): :class:`FragmentCache` maps a digest of
  every input of a fragment (the digests of its contributions' files, the
  addresses and titles it shows) to its text.

Keys are digests of content, not modification times: a fresh clone (CI) has
new times but the same bytes, and an edit that keeps the size and lands in
the same clock tick cannot be missed. Each cache file also records a
fingerprint of the code and library versions that produced its entries; any
change to them invalidates every entry, so a stale cache can never publish
what the current code would refuse. The caches live in Pelican's CACHE_PATH,
are created per build (nothing survives in memory between builds) and are
written back only when something changed, keeping just the entries this build
used so the files never grow stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
import sys
import time
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

from .model import Contribution, PRIVATE_FIELDS, located

log = logging.getLogger(__name__)
PREFIX = "[community] "
BODIES_FILE = "community-bodies.json"
FILES_FILE = "community-files.jsonl"
FRAGMENTS_FILE = "community-fragments.sqlite3"
# New fragments are written in batches: a first build makes thousands, and
# holding them all until the end would double its memory.
FRAGMENT_BATCH = 256
FRAGMENT_PAGE_CACHE_KIB = 128  # enough for the B-tree's inner pages
FRAGMENT_FREE_SHARE = 0.25  # of the fragment file's pages free: it is written back compact
# A file status this close to the moment the cache is written is not stored:
# two seconds covers the coarsest timestamps (FAT) and the kernel's clock tick.
RACY_NS = 2_000_000_000
HERE = Path(__file__).parent
BLOGCORE = HERE.parent / "blogcore"
# Code whose behaviour decides a rendered body, and a checked file.
RENDER_CODE = (HERE / "sanitize.py", HERE / "prerender.py", HERE / "cache.py", BLOGCORE / "typography.py",
               BLOGCORE / "personal.py")
CHECK_CODE = (HERE / "store.py", HERE / "model.py", HERE / "cache.py", BLOGCORE / "headers.py",
              BLOGCORE / "isodate.py", BLOGCORE / "personal.py")
# ...and a finished fragment (it shows checked files and rendered bodies).
FRAGMENT_CODE = tuple(sorted(set(RENDER_CODE + CHECK_CODE) | {
    HERE / "render.py", HERE / "index.py", HERE / "config.py", BLOGCORE / "frdates.py"}))
# A checked file is stored as the values of every field but the last three
# ("key", the file's digest, which the line holds already, then "root" and
# "name", which say where the file is now), in order, so that it can be
# rebuilt positionally. The private fields are stored blank: the build never needs
# them, so they are not copied anywhere else. The body is not stored either:
# it is read from its file when it must be rendered (see store.read_body).
RECORD_FIELDS = Contribution.__slots__[:-3]
_BLANKED = tuple(RECORD_FIELDS.index(name) for name in PRIVATE_FIELDS)
_DATES = tuple(RECORD_FIELDS.index(name) for name in ("date", "moderated_at"))
_BODY, _ID, _ARTICLE = (RECORD_FIELDS.index(name) for name in ("body", "id", "article"))
# Values shared by thousands of contributions (the same article, kind,
# status, source...): interned, each is kept once in memory instead of once
# per contribution.
_SHARED = tuple(RECORD_FIELDS.index(name) for name in (
    "article", "author", "kind", "status", "source", "moderator", "idea_status", "imported_from"))


_SCAN = json.JSONDecoder().scan_once
KEY_LENGTH = 32  # characters of a digest


def digest(data: bytes) -> str:
    """The cache key of some bytes."""
    return hashlib.blake2b(data, digest_size=KEY_LENGTH // 2).hexdigest()


def fingerprint(code: tuple[Path, ...], packages: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> str:
    """A digest of source files, package versions and other inputs that decide cached values."""
    hasher = hashlib.sha256()
    for path in code:
        hasher.update(path.read_bytes())
    for package in packages:
        try:
            hasher.update(metadata.version(package).encode())
        except metadata.PackageNotFoundError:
            hasher.update(package.encode())
    hasher.update("\n".join(extra).encode())
    return hasher.hexdigest()


class JsonCache:
    """Entries of one build, backed by a JSON file between builds."""

    def __init__(self, path: Path | None, fingerprint_value: str):
        self.path = path
        self.fingerprint = fingerprint_value
        self.entries: dict[str, object] = {}
        self.used: set[str] = set()
        self.dirty = False
        if self.path and self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("fingerprint") == self.fingerprint:
                    entries = data.get("entries")
                    self.entries = entries if isinstance(entries, dict) else {}
            except (OSError, ValueError):
                log.warning(PREFIX + "ignoring an unreadable cache file %s", self.path)

    def lookup(self, key: str):
        """The entry stored under key, or None."""
        found = self.entries.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def store(self, key: str, value) -> None:
        """Remember an entry."""
        self.entries[key] = value
        self.used.add(key)
        self.dirty = True

    def changed(self) -> bool:
        """Whether the file on disk no longer matches what this build used."""
        return self.dirty or len(self.used) != len(self.entries)

    def save(self) -> None:
        """Write the entries this build used, if anything changed."""
        if not self.path or not self.changed():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            kept = {key: self.entries[key] for key in sorted(self.used)}
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            data = {"fingerprint": self.fingerprint, "entries": kept}
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:  # a read-only checkout still builds, only slower
            log.warning(PREFIX + "could not write the cache %s: %s", self.path, exc)


def body_key(contribution: Contribution) -> str:
    """The key of a contribution's rendered body: its file's digest, else (no files cache) its body's."""
    # Keyed by file, an approval (a new header) renders its body once more:
    # in exchange, a body left in its file needs no digest of its own.
    return contribution.key or digest(contribution.body.encode("utf-8"))


class BodyCache(JsonCache):
    """Rendered bodies: the key of a body (see :func:`body_key`) → [html, plain text]."""

    def __init__(self, folder: str | None, own_hosts: frozenset[str]):
        super().__init__(Path(folder) / BODIES_FILE if folder else None,
                         fingerprint(RENDER_CODE, ("nh3", "markdown"), tuple(sorted(own_hosts))))

    def get(self, key: str) -> tuple[str, str] | None:
        """(html, text) for the body with this digest, if rendered before, else None."""
        found = self.lookup(key)
        if isinstance(found, list) and len(found) == 2 and all(isinstance(part, str) for part in found):
            return found[0], found[1]
        return None

    def put(self, key: str, html: str, text: str) -> None:
        """Remember a rendered body under its digest."""
        self.store(key, [html, text])


class FileCache:
    """Checked contribution files: their status, digest and fields, by file name.

    Only files without problems are stored, so a bad file is reported on
    every build until it is fixed. The site's time zone is part of the
    fingerprint because it decides the dates of files that give none.

    Each file's status (size, modification and change times in ns, inode) is
    stored with the digest of its bytes, so that an unchanged file is not even
    read again: reading 10,000 small files costs far more than asking for
    their status, above all once the system has dropped them from memory.
    The change time cannot be set back by any tool (unlike the modification
    time, which ``cp -p``, ``rsync -t`` or ``touch`` restore), so an edited
    file always shows a new status. As git does for its index, a status that
    was recent when the cache was written is not trusted: an edit in the same
    clock tick could keep it. A fresh clone has new statuses everywhere and
    falls back on the digests: a file with the stored bytes is not parsed again.

    The file holds one line per contribution file, ``name<TAB>status<TAB>fields``
    (fields as a JSON list, in RECORD_FIELDS order), after a first line with
    the fingerprint, in the order in which :func:`store.load_all` meets the
    files (see :func:`scan_order`). It is read one line at a time, as the
    files are met: the cache is never in memory as a whole, and a file's
    fields are decoded only when that file is met. An unchanged line is
    written back as it was read (copied again from the old file).
    """

    def __init__(self, folder: str | None, tz: ZoneInfo, *rules: str):
        self.path = Path(folder) / FILES_FILE if folder else None
        self.fingerprint = fingerprint(CHECK_CODE, ("pyicu-wheels", "phonenumbers"), (str(tz), *rules))
        self.tz = tz
        self.zones: dict[dt.tzinfo, dt.tzinfo] = {}  # one offset object per offset, not per date
        self.new: dict[str, tuple[os.stat_result, str, str]] = {}  # name → (status, digest, fields) to store
        self.keys: dict[str, str] = {}  # name → digest of the file, for every good file, in scan order
        self.dropped = False  # a stored line was not used (a file gone, edited or damaged)
        self._lines = self._stored_lines()
        self._ahead: tuple[str, str] | None = None  # the next stored line not yet met: (name, rest)
        self._met: tuple[str, str] | None = None  # the stored line of the file met last
        self._advance()

    def _stored_lines(self):
        """(name, "status<TAB>fields") of each line of the cache file, if it has this code's fingerprint."""
        if not self.path:
            return
        try:
            # Only "\n" ends a line: JSON escapes it inside strings.
            with open(self.path, encoding="utf-8", newline="\n") as handle:
                header = json.loads(handle.readline() or "null")
                if not isinstance(header, dict) or header.get("fingerprint") != self.fingerprint:
                    return
                for line in handle:
                    name, tab, rest = line.partition("\t")
                    if tab and rest.endswith("\n"):
                        yield name, rest[:-1]
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            log.warning(PREFIX + "ignoring an unreadable cache file %s", self.path)

    def _advance(self) -> None:
        self._ahead = next(self._lines, None)

    def _line(self, name: str) -> str | None:
        """The stored line of a file, if any (files must be asked for in scan order)."""
        if self._met is not None and self._met[0] == name:
            return self._met[1]
        while self._ahead is not None:
            ahead, rest = self._ahead
            if ahead == name:
                self._met = self._ahead
                self._advance()
                return rest
            if scan_order(ahead) > scan_order(name):
                return None  # a new file: the stored line belongs to a later one
            self.dropped = True  # a file that is gone
            self._advance()
        return None

    def recall(self, name: str, status: os.stat_result, root: str) -> Contribution | None:
        """The contribution of the file `name` (under `root`) if its status has not changed since a build stored it."""
        line = self._line(name)
        if line is None:
            return None
        stored, _, fields = line.partition("\t")
        expected = _status_text(status) + " "
        if not stored.startswith(expected):
            self.dropped = True
            return None
        key = stored[len(expected):]
        contribution = self._rebuild(fields, key, root, name)
        if contribution is None:
            self.dropped = True
        else:
            self.keys[name] = key  # kept: written back as it is
        return contribution

    def recall_bytes(self, name: str, status: os.stat_result, key: str, root: str) -> Contribution | None:
        """The contribution of the file `name` (under `root`) if its bytes have this digest, as stored, else None."""
        line = self._line(name)
        if line is None:
            return None
        stored, _, fields = line.partition("\t")
        if stored.rpartition(" ")[2] != key:
            return None
        contribution = self._rebuild(fields, key, root, name)
        if contribution is not None:
            self.new[name] = (status, key, fields)  # same bytes, new status (a fresh clone, a touch)
            self.keys[name] = key
        return contribution

    def store(self, name: str, status: os.stat_result, key: str, contribution: Contribution) -> None:
        """Remember a good file read and checked by this build."""
        if "\t" in name or "\n" in name:  # cannot be written on one line: read again each time
            return
        record = [getattr(contribution, field) for field in RECORD_FIELDS]
        for position in _BLANKED:
            record[position] = ""
        # The body stays in its file: a build reads it again only to render it.
        record[_BODY] = None
        for position in _DATES:
            value = record[position]
            if value is not None:
                # A date written without offset got the site's zone: store it
                # naive so that it gets the same zone object back, not a fixed offset.
                record[position] = (value.replace(tzinfo=None) if isinstance(value.tzinfo, ZoneInfo)
                                    else value).isoformat()
        self.new[name] = (status, key, json.dumps(record, ensure_ascii=False))
        self.keys[name] = key

    def _rebuild(self, fields: str, key: str, root: str, name: str) -> Contribution | None:
        try:
            # The decoder's scanner itself: json.loads spends half its time
            # on checks around it, for 10,000 short lines per build.
            values, end = _SCAN(fields, 0)
            if (end != len(fields) or type(values) is not list or len(values) != len(RECORD_FIELDS)
                    or values[_BODY] is not None or len(key) != KEY_LENGTH):
                raise ValueError("not a record")
            for position in _SHARED:
                values[position] = sys.intern(values[position])
            for position in _DATES:
                if values[position] is not None:
                    value = dt.datetime.fromisoformat(values[position])
                    if value.tzinfo is None:
                        value = value.replace(tzinfo=self.tz)
                    else:  # one offset object per offset, shared by the thousands of dates that have it
                        zone = self.zones.setdefault(value.tzinfo, value.tzinfo)
                        if zone is not value.tzinfo:
                            value = value.replace(tzinfo=zone)
                    values[position] = value
            return Contribution(*values, key, root, located(root, name, values[_ARTICLE], values[_ID]))
        except (TypeError, ValueError, StopIteration):  # a line damaged by hand: the file is read again
            return None

    def changed(self) -> bool:
        """Whether the file on disk no longer matches what this build found (after the scan)."""
        return bool(self.new) or self.dropped or self._ahead is not None

    def close(self) -> None:
        """Stop reading the cache file."""
        self._lines.close()
        self._ahead = self._met = None

    def save(self) -> None:
        """Write the lines of this build's good files, if anything changed, then close."""
        changed = self.changed()
        self.close()
        if not self.path or not changed:
            return
        limit = time.time_ns() - RACY_NS
        old = self._stored_lines()  # read again, to copy the kept lines as they are
        found = next(old, None)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(json.dumps({"fingerprint": self.fingerprint}) + "\n")
                for name in self.keys:  # in scan order, like the old lines
                    if name in self.new:
                        status, key, fields = self.new[name]
                        trusted = max(status.st_mtime_ns, status.st_ctime_ns) < limit
                        stored = f"{_status_text(status) if trusted else '-'} {key}"
                        handle.write(f"{name}\t{stored}\t{fields}\n")
                        continue
                    while found is not None and found[0] != name:
                        found = next(old, None)
                    if found is not None:  # else another build replaced the file meanwhile: read again next time
                        handle.write(f"{name}\t{found[1]}\n")
            os.replace(tmp, self.path)
            # The JSON file of earlier versions, which a kept CI cache would carry forever.
            (self.path.parent / "community-files.json").unlink(missing_ok=True)
        except OSError as exc:  # a read-only checkout still builds, only slower
            log.warning(PREFIX + "could not write the cache %s: %s", self.path, exc)
        finally:
            old.close()


def _status_text(status: os.stat_result) -> str:
    """How a file's status is written in the files cache (compared as text when the file is met again)."""
    return f"{status.st_size} {status.st_mtime_ns} {status.st_ctime_ns} {status.st_ino}"


def scan_order(name: str) -> tuple:
    """Sort key of a file name (relative to the contributions folder) in the order store.load_all meets files.

    Folder by folder, sorted by name, a folder's files before its subfolders.
    """
    *folders, file_name = name.split(os.sep)
    return tuple((1, folder) for folder in folders) + ((0, file_name),)


def _read_ahead(path: Path) -> None:
    # The pages will be wanted one by one, in no order, while articles are
    # written; a system that has dropped the file from memory would then read
    # it from disk in thousands of small reads. Asking for all of it now lets
    # the kernel read it in the background, in a few large reads.
    if hasattr(os, "posix_fadvise"):
        try:
            with open(path, "rb") as handle:
                os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass


class FragmentCache:
    """Finished HTML and JSON fragments: digest of all their inputs → text.

    Stored in SQLite rather than JSON and read one key at a time: the
    fragments of 10,000 contributions weigh about 20 MB, which a JSON file
    would keep in memory for the whole build; here each fragment is read
    when its page is written and dropped with it. A key is a digest of the
    fingerprint (code, library versions, settings) and of every value the
    fragment shows, so an entry can only ever be reused for the same output.
    Like the other caches, it keeps only the entries the last build used, and
    a damaged or locked database only makes the build slower.
    """

    def __init__(self, folder: str | None, fingerprint_value: str):
        self.path = Path(folder) / FRAGMENTS_FILE if folder else None
        self.fingerprint = fingerprint_value
        self.db: sqlite3.Connection | None = None
        self.rows = 0
        self.used: set[str] = set()
        self.pending: list[tuple[str, str]] = []
        self.written = False
        if self.path:
            self._open(retry=True)

    def _open(self, retry: bool) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            try:
                # WAL: a commit writes without waiting for the disk, and readers never block the writer.
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                # A build reads each fragment once: SQLite's default 2 MiB page cache
                # would only add to the build's peak memory (the system caches the file).
                db.execute(f"PRAGMA cache_size=-{FRAGMENT_PAGE_CACHE_KIB}")
                # A rowid table: SQLite stores long rows out of a WITHOUT ROWID table's index badly.
                db.execute("CREATE TABLE IF NOT EXISTS fragments (key TEXT PRIMARY KEY, text TEXT NOT NULL)")
                self.rows = db.execute("SELECT count(*) FROM fragments").fetchone()[0]
                _read_ahead(self.path)
            except BaseException:
                db.close()
                raise
            self.db = db
        except (sqlite3.OperationalError, OSError) as exc:  # locked, read-only, disk full: build without it
            log.warning(PREFIX + "not using the cache %s: %s", self.path, exc)
        except sqlite3.DatabaseError as exc:  # not a database, or a damaged one
            if not retry:
                log.warning(PREFIX + "not using the cache %s: %s", self.path, exc)
                return
            log.warning(PREFIX + "replacing an unreadable cache file %s (%s)", self.path, exc)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._open(retry=False)

    def key(self, parts: list[str]) -> str:
        """The cache key of a fragment made from these values (order matters)."""
        # Each value is prefixed with its length, so that no two lists of values share a key.
        text = "".join(f"{len(part)}:{part}" for part in parts)
        return digest(f"{self.fingerprint}|{text}".encode("utf-8"))

    def get(self, key: str) -> str | None:
        """The fragment stored under key, or None."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT text FROM fragments WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._fail(exc)
            return None
        if row is None or not isinstance(row[0], str):
            return None
        self.used.add(key)
        return row[0]

    def put(self, key: str, text: str) -> None:
        """Remember a fragment made by this build."""
        if self.db is None:
            return
        self.used.add(key)
        self.pending.append((key, text))
        if len(self.pending) >= FRAGMENT_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.db is None or not self.pending:
            return
        try:
            with self.db:  # one transaction per batch
                self.db.execute("BEGIN")
                self.db.executemany("INSERT OR REPLACE INTO fragments (key, text) VALUES (?, ?)", self.pending)
            self.written = True
        except sqlite3.Error as exc:
            self._fail(exc)
        self.pending = []

    def _fail(self, exc: Exception) -> None:
        log.warning(PREFIX + "stopped using the cache %s: %s", self.path, exc)
        self.close()

    def save(self) -> None:
        """Write the new fragments and forget those this build did not use."""
        self._flush()
        if self.db is None:
            return
        try:
            if self.written or self.rows != len(self.used):
                with self.db:
                    self.db.execute("BEGIN")
                    self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY) WITHOUT ROWID")
                    self.db.execute("DELETE FROM used")
                    self.db.executemany("INSERT OR IGNORE INTO used (key) VALUES (?)", ((k,) for k in self.used))
                    self.db.execute("DELETE FROM fragments WHERE key NOT IN (SELECT key FROM used)")
                # New fragments are written before the old ones are deleted, so
                # after a change to the code or the settings (every fragment
                # made again) about half the file is free pages: written back
                # compact, a kept CI cache does not grow, and the next build
                # reads its fragments in the order it wrote them.
                free, pages = (self.db.execute(f"PRAGMA {name}").fetchone()[0]
                               for name in ("freelist_count", "page_count"))
                if free > pages * FRAGMENT_FREE_SHARE:
                    self.db.execute("VACUUM")
        except sqlite3.Error as exc:
            log.warning(PREFIX + "could not write the cache %s: %s", self.path, exc)
        self.close()

    def close(self) -> None:
        """Let go of the database (a later build opens it again)."""
        if self.db is not None:
            self.db.close()
            self.db = None

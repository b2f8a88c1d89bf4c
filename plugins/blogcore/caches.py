"""Cache folders are checked before a build: a damaged or stale cache is never trusted, and never fatal.

CACHE_PATH holds Pelican's reader cache (pickles: a truncated one crashes
Pelican with an EOFError it does not catch, random bytes make it warn, which
fails ``invoke check``) and the plugins' own files (the community's rendered
bodies, JSON; the answers of the plugins' per-file checks, a pickle of a dict:
blogcore/filecache.py). :func:`check` runs before Pelican loads any of them and removes:

- every file, when the folder was filled with other settings or package
  versions (``settings.fingerprint`` differs): a cached read may no longer be
  what Pelican would read;
- a file that is not what it claims to be: a pickle without its header or
  its final opcodes, a JSON file cut short, anything gzip cannot read to the
  end, a folder where a file belongs; and a CACHE_PATH that is itself a file.

It returns one message per damaged thing (tasks.py prints them as a warning;
a build started some other way logs them). The build rebuilds what was
removed; deleting the whole folder is always safe.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import platform
import shutil
import zlib
from importlib import metadata
from pathlib import Path

FINGERPRINT = "settings.fingerprint"
# Settings that change from one run to the next without changing what is cached.
VOLATILE = frozenset({"OUTPUT_PATH", "CACHE_PATH", "LOAD_CONTENT_CACHE", "DELETE_OUTPUT_DIRECTORY",
                      "OUTPUT_RETENTION", "WRITE_SELECTED", "PLUGINS", "BUILD_WORKERS",
                      "INCREMENTAL_FROM"})
# How a pickle of a dict (Pelican's caches) ends: SETITEMS, SETITEM or EMPTY_DICT, then STOP.
_PICKLE_ENDS = (b"u.", b"s.", b"}.")


def fingerprint(settings: dict) -> str:
    """A digest of the settings and package versions that cached data depends on."""
    stable = {key: value for key, value in settings.items() if key.isupper() and key not in VOLATILE}
    text = json.dumps(stable, sort_keys=True, ensure_ascii=False, default=lambda o: f"<{type(o).__name__}>")
    versions = [platform.python_version()] + [_version(p) for p in ("pelican", "markdown", "nh3", "babel")]
    return hashlib.sha256("\n".join([text, *versions]).encode("utf-8")).hexdigest()[:32]


def _version(package: str) -> str:
    try:
        return f"{package} {metadata.version(package)}"
    except metadata.PackageNotFoundError:
        return f"{package} -"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _whole(path: Path) -> bool:
    """Whether a cache file is complete: a whole pickle, a whole JSON object, a whole gzip stream."""
    with open(path, "rb") as handle:
        head = handle.read(2)
        if head == b"\x1f\x8b":  # GZIP_CACHE: only reading it to the end tells
            try:
                with gzip.open(path, "rb") as stream:
                    data = stream.read()
            except (OSError, EOFError, zlib.error):
                return False
            return data[:1] == b"\x80" and data[-2:] in _PICKLE_ENDS
        handle.seek(max(0, path.stat().st_size - 2))
        tail = handle.read()
    if path.suffix == ".json":
        return head[:1] == b"{" and tail.rstrip()[-1:] == b"}"
    return head[:1] == b"\x80" and 2 <= head[1:2][0] <= 5 and tail in _PICKLE_ENDS if len(head) == 2 else False


def check(folder: str | Path | None, expected: str) -> list[str]:
    """Remove what cannot be trusted in a cache folder; one message per damaged thing."""
    if not folder:
        return []
    folder = Path(folder)
    if not folder.exists() and not folder.is_symlink():
        try:
            folder.mkdir(parents=True)
            (folder / FINGERPRINT).write_text(expected + "\n", encoding="utf-8")
        except OSError:  # a read-only place: the build runs without a cache
            pass
        return []
    if not folder.is_dir():
        _remove(folder)
        return [f"{folder} was a file, not a cache folder: removed (it is rebuilt)"]
    marker = folder / FINGERPRINT
    try:
        stale = marker.read_text(encoding="utf-8").strip() != expected
    except (OSError, UnicodeDecodeError):
        stale = True
    messages = []
    for entry in sorted(folder.iterdir()):
        if entry.name == FINGERPRINT:
            continue
        if stale:  # made with other settings or versions: out of date, not damaged
            _remove(entry)
        elif not entry.is_file() or entry.is_symlink():
            _remove(entry)
            messages.append(f"{entry} is not a regular file: removed (it is rebuilt)")
        elif entry.name.startswith("."):  # a temporary file of a build that was stopped
            _remove(entry)
        elif not _whole(entry):
            _remove(entry)
            messages.append(f"{entry} was damaged (cut short or overwritten): removed (it is rebuilt)")
    if stale:
        _remove(marker)
        try:
            marker.write_text(expected + "\n", encoding="utf-8")
        except OSError:  # a read-only cache: the build runs without it
            pass
    return messages

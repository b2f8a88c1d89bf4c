"""The last search index, kept in CACHE_PATH and used again while nothing indexed changed (issue 28 point 3).

Pagefind is the build's largest process and takes seconds, yet most builds
(a merge that touches a template, a moderation that rejects, a build with no
change) index exactly the same texts. So after Pagefind wrote an index, the
index's files are kept in one file of the cache folder, ``search-index.pickle``,
under a key: the digest of everything the index is made from, namely every
record as Pagefind receives it (:meth:`records.Record.html`, its URL, in
order), the language, the Pagefind binary (its path and size) and the code
that drives it (indexer.py, this file). The next build computes the key
again: the same key puts the kept files in the output (the bytes Pagefind
would write again: its output depends on nothing else), any other key runs
Pagefind and keeps its new index instead.

One file, a pickle of a dict, so that blogcore/caches.py's check (which
removes a cache folder's sub-folders and any file cut short) keeps it when
whole and removes it when damaged. Content-addressed, it can never be stale:
deleting it costs one Pagefind run.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Iterable

NAME = "search-index.pickle"
_CODE = (Path(__file__).with_name("indexer.py"), Path(__file__))


def key(records: Iterable, language: str, binary: Path) -> str:
    """The digest of what an index is made from: the records as Pagefind reads them, the language, the tools."""
    digest = hashlib.sha256()
    try:
        size = Path(binary).stat().st_size
    except OSError:
        size = -1
    digest.update(f"{language}\0{binary}\0{size}\0".encode("utf-8"))
    for path in _CODE:
        digest.update(path.read_bytes())
    for record in records:
        digest.update(f"\0{record.url}\0".encode("utf-8"))
        digest.update(record.html(language).encode("utf-8"))
    return digest.hexdigest()


def restore(cache: Path | None, wanted: str, folder: Path) -> bool:
    """Write the kept index into `folder` if it was made under the key `wanted`; whether it was."""
    path = Path(cache) / NAME if cache else None
    if path is None or not path.is_file():
        return False
    try:
        with open(path, "rb") as handle:
            kept = pickle.load(handle)
    except Exception:  # damaged or from another version: Pagefind runs, and its index replaces this one
        return False
    if not isinstance(kept, dict) or kept.get("key") != wanted or not kept.get("files"):
        return False
    for name, data in kept["files"].items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return True


def keep(cache: Path | None, made_under: str, folder: Path) -> None:
    """Keep the index Pagefind just wrote into `folder`, under its key (no cache folder: nothing kept)."""
    if not cache or not Path(cache).is_dir():
        return
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    target = Path(cache) / NAME
    # A dot-file while it is written: caches.py removes one left by a stopped build.
    partial = Path(cache) / f".{NAME}.{os.getpid()}"
    try:
        with open(partial, "wb") as handle:
            pickle.dump({"key": made_under, "files": files}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, target)
    except OSError:  # a read-only or full cache: the next build runs Pagefind again, nothing worse
        partial.unlink(missing_ok=True)

"""Render the Markdown of articles ahead, on every core, into Pelican's own reader cache.

Pelican reads articles one after the other, and on a first build the
Markdown is most of its time. Before it starts, the articles missing from
its reader cache are read here by Pelican's own Markdown reader, in worker
processes (blogcore/parallel.py), and each result is put in that cache
exactly as Pelican would put it there; Pelican then finds every article
ready. It needs the reader cache on (CACHE_CONTENT, see pelicanconf.py);
otherwise, and for a few articles, it does nothing.
"""

from __future__ import annotations

import os
import pickle

from blogcore import parallel

# The one Markdown reader of each process that reads ahead (made by _setup; cleared after).
_WORKER: dict = {}


def articles(generator, workers: int) -> int:
    """Put the articles missing from the reader cache into it, rendered in `workers` processes; how many."""
    settings = generator.settings
    readers = generator.readers
    if workers < 2 or not settings.get("CACHE_CONTENT") or "md" not in readers.readers:
        return 0
    extensions = tuple(readers.readers["md"].file_extensions)
    found = generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"])
    paths = sorted(os.path.abspath(os.path.join(generator.path, f)) for f in found
                   if os.path.splitext(f)[1][1:] in extensions)
    missing = [path for path in paths if readers.get_cached_data(path) is None]
    if len(missing) < parallel.MIN_ITEMS:
        return 0
    try:
        results = parallel.run(_read_chunk, missing, workers, setup=_setup, setup_args=(_portable(settings),))
    finally:
        _WORKER.clear()  # this process read some too: nothing of it outlives the build
    for path, data in zip(missing, results):
        readers.cache_data(path, data)
    return len(missing)


def _portable(settings: dict) -> dict:
    """The settings a worker needs to read as Pelican does (those that can cross to another process)."""
    portable = {}
    for key, value in settings.items():
        try:
            pickle.dumps(value)
        except Exception:  # noqa: BLE001 - anything that cannot be pickled stays here
            continue
        portable[key] = value
    return portable


def _setup(settings: dict) -> None:
    from pelican.readers import MarkdownReader

    _WORKER["reader"] = MarkdownReader(settings)


def _read_chunk(paths: list[str]) -> list[tuple]:
    from pelican.readers import _filter_discardable_metadata  # what Pelican caches, it filters first

    reader = _WORKER["reader"]
    results = []
    for path in paths:
        content, metadata = reader.read(path)
        results.append((content, _filter_discardable_metadata(metadata)))
    return results

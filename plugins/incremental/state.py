"""Digests of what a page is rendered from: values, Content objects, and the files around them.

``feed`` writes a stable description of a value into a hash: plain values as
they are, lists and dicts item by item, objects by their attributes (a few
levels deep), a Content object (article, page) by its source path only (its
own state is digested apart, when a template reads it: see writer.py). A
value that cannot be described stably (an object without attributes, a
cycle too deep) raises Unknown: the page it belongs to is always rendered.

A plugin's object may name, in a class attribute ``incremental_ignore``, the
attributes that are its bookkeeping (counters, the build's clock, memos) and
not what pages show: they are left out of its description.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from pathlib import Path

from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

# Attributes that hold the whole build (settings, context, generators), not the object's own data.
SKIPPED = frozenset({"settings", "_context", "context", "generator", "env", "environment", "readers"})
DEPTH = 6


class Unknown(Exception):
    """A value with no stable description: whatever depends on it is rendered every time."""


def feed(hasher, value, depth: int = 0) -> None:
    """Write a stable description of `value` into `hasher`."""
    update = hasher.update
    if value is None or isinstance(value, (bool, int, float)):
        update(repr(value).encode())
    elif isinstance(value, str):
        update(b"s%d:" % len(value))
        update(value.encode("utf-8", "surrogatepass"))
    elif isinstance(value, bytes):
        update(b"b%d:" % len(value))
        update(value)
    elif isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        update(f"t{value!r}".encode())
    elif isinstance(value, dt.tzinfo):
        update(f"z{value}".encode())
    elif isinstance(value, Content):
        update(b"C")
        feed(hasher, value.source_path)
    elif isinstance(value, URLWrapper):
        update(f"U{type(value).__name__}".encode())
        feed(hasher, value.name)
        feed(hasher, value.slug)
    elif depth > DEPTH:
        raise Unknown(type(value).__name__)
    elif isinstance(value, (list, tuple)):
        update(b"L%d[" % len(value))
        for item in value:
            feed(hasher, item, depth + 1)
        update(b"]")
    elif isinstance(value, (set, frozenset)):
        parts = sorted(digest(item, depth + 1) for item in value)
        update(("S[" + ",".join(parts) + "]").encode())
    elif isinstance(value, dict):
        update(b"D%d{" % len(value))
        for key in sorted(value, key=repr):
            feed(hasher, key, depth + 1)
            feed(hasher, value[key], depth + 1)
        update(b"}")
    elif isinstance(value, Page):
        update(b"P")
        feed(hasher, [value.number, value.paginator.num_pages, list(value.object_list)], depth + 1)
    elif isinstance(value, Paginator):
        update(b"G")
        feed(hasher, [value.name, value.url, value.count, value.num_pages], depth + 1)
    elif isinstance(value, (Path, os.PathLike)):
        feed(hasher, os.fspath(value))
    elif callable(value) and hasattr(value, "__qualname__"):
        update(f"F{getattr(value, '__module__', '')}.{value.__qualname__}".encode())  # code: in the fingerprint
    elif dataclasses.is_dataclass(value):
        update(f"O{type(value).__qualname__}".encode())
        for item in dataclasses.fields(value):
            if item.name not in SKIPPED:
                feed(hasher, item.name)
                feed(hasher, getattr(value, item.name), depth + 1)
    elif hasattr(value, "__dict__"):
        update(f"O{type(value).__qualname__}".encode())
        skipped = SKIPPED.union(getattr(type(value), "incremental_ignore", ()))
        feed(hasher, {k: v for k, v in vars(value).items() if k not in skipped}, depth + 1)
    else:
        raise Unknown(type(value).__name__)


def digest(value, depth: int = 0) -> str:
    """A hex digest of `value` (see feed)."""
    hasher = hashlib.blake2b(digest_size=16)
    feed(hasher, value, depth)
    return hasher.hexdigest()


def content_digest(content: Content) -> str:
    """The digest of one article or page as the build holds it (its text, metadata and plugins' data)."""
    return digest({k: v for k, v in vars(content).items() if k not in SKIPPED})


def files_digest(paths) -> str:
    """A digest of files' names and bytes (sorted by name)."""
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(map(str, paths)):
        feed(hasher, path)
        try:
            with open(path, "rb") as handle:
                feed(hasher, handle.read())
        except OSError:
            hasher.update(b"-")
    return hasher.hexdigest()

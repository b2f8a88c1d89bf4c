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

import collections
import dataclasses
import datetime as dt
import hashlib
import os
import re
from pathlib import Path

from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

# Attributes that hold the whole build (settings, context, generators), not the object's own data.
SKIPPED = frozenset({"settings", "_context", "context", "generator", "env", "environment", "readers"})
DEPTH = 48  # nested threads of replies go deep; a cycle is caught apart (Digests._active)
# Lists, tuples and dicts at least this long are digested once per build (by identity) and written as their digest:
# the site's lists (1,000 articles) are met again on every page that shows them.
SHARED_LEN = 8


class Unknown(Exception):
    """A value with no stable description: whatever depends on it is rendered every time."""


class Digests:
    """Digests of one build's values; an object met again (by identity) is described once."""

    def __init__(self):
        self._objects: dict[int, tuple[object, str]] = {}  # id → (the object, kept alive; its digest)
        # Containers are not changed while the pages are written (the generators have made them by then), so a
        # list met again by identity is the same list; it is kept alive so that its id is not given to another.
        self._containers: dict[int, tuple[object, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}  # a dataclass → its fields' names
        self._active: set[int] = set()  # the objects being described (one met again inside itself: a cycle)

    def digest(self, value, depth: int = 0) -> str:
        """A hex digest of `value` (see feed)."""
        hasher = hashlib.blake2b(digest_size=16)
        self.feed(hasher, value, depth)
        return hasher.hexdigest()

    def content(self, content: Content) -> str:
        """The digest of one article or page as the build holds it (its text, metadata and plugins' data)."""
        return self._object(content, {k: v for k, v in vars(content).items() if k not in SKIPPED}, 0)

    def _object(self, value, fields: dict, depth: int) -> str:
        found = self._objects.get(id(value))
        if found is None:
            if id(value) in self._active:
                raise Unknown(f"a cycle through {type(value).__qualname__}")
            self._active.add(id(value))
            try:
                found = (value, f"{type(value).__qualname__}:{self.digest(fields, depth + 1)}")
            finally:
                self._active.discard(id(value))
            self._objects[id(value)] = found
        return found[1]

    def _dataclass(self, value, depth: int) -> str:
        # A dataclass's fields come in the order of its declaration: no sorting (threads hold thousands of them).
        found = self._objects.get(id(value))
        if found is None:
            names = self._fields.get(type(value))
            if names is None:
                names = self._fields[type(value)] = tuple(f.name for f in dataclasses.fields(value)
                                                          if f.name not in SKIPPED)
            if id(value) in self._active:
                raise Unknown(f"a cycle through {type(value).__qualname__}")
            self._active.add(id(value))
            try:
                hasher = hashlib.blake2b(",".join(names).encode(), digest_size=16)
                for name in names:
                    self.feed(hasher, getattr(value, name), depth + 1)
            finally:
                self._active.discard(id(value))
            found = self._objects[id(value)] = (value, f"{type(value).__qualname__}:{hasher.hexdigest()}")
        return found[1]

    def feed(self, hasher, value, depth: int = 0) -> None:
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
        elif isinstance(value, re.Pattern):
            update(b"X")
            self.feed(hasher, [value.pattern, value.flags])
        elif isinstance(value, Content):
            update(b"C")
            self.feed(hasher, value.source_path)
        elif isinstance(value, URLWrapper):
            update(f"U{type(value).__name__}".encode())
            self.feed(hasher, value.name)
            self.feed(hasher, value.slug)
        elif depth > DEPTH:
            raise Unknown(type(value).__name__)
        elif isinstance(value, (list, tuple, dict)) and len(value) >= SHARED_LEN:
            found = self._containers.get(id(value))
            if found is None:
                inner = hashlib.blake2b(digest_size=16)
                self._feed_container(inner, value, depth)
                found = self._containers[id(value)] = (value, inner.digest())
            update(b"H")
            update(found[1])
        elif isinstance(value, (list, tuple, dict)):
            self._feed_container(hasher, value, depth)
        elif isinstance(value, collections.deque):
            update(b"Q")
            self._feed_container(hasher, list(value), depth)
        elif isinstance(value, (set, frozenset)):
            parts = sorted(self.digest(item, depth + 1) for item in value)
            update(("S[" + ",".join(parts) + "]").encode())
        elif isinstance(value, Page):
            update(b"P")
            self.feed(hasher, [value.number, value.paginator.num_pages, list(value.object_list)], depth + 1)
        elif isinstance(value, Paginator):
            update(b"G")
            self.feed(hasher, [value.name, value.url, value.count, value.num_pages], depth + 1)
        elif isinstance(value, (Path, os.PathLike)):
            self.feed(hasher, os.fspath(value))
        elif callable(value) and hasattr(value, "__qualname__"):
            update(f"F{getattr(value, '__module__', '')}.{value.__qualname__}".encode())  # code: in the fingerprint
        elif dataclasses.is_dataclass(value):
            update(b"O")
            update(self._dataclass(value, depth).encode())
        elif hasattr(value, "__dict__"):
            skipped = SKIPPED.union(getattr(type(value), "incremental_ignore", ()))
            update(b"O")
            update(self._object(value, {k: v for k, v in vars(value).items() if k not in skipped}, depth).encode())
        else:
            raise Unknown(type(value).__name__)

    def _feed_container(self, hasher, value, depth: int) -> None:
        update, feed = hasher.update, self.feed
        if isinstance(value, dict):
            update(b"D%d{" % len(value))
            for key in sorted(value, key=repr):
                feed(hasher, key, depth + 1)
                feed(hasher, value[key], depth + 1)
            update(b"}")
        else:
            update(b"L%d[" % len(value))
            for item in value:
                feed(hasher, item, depth + 1)
            update(b"]")


def files_digest(paths) -> str:
    """A digest of files' names and bytes (sorted by name)."""
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(map(str, paths)):
        hasher.update(path.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as handle:
                hasher.update(hashlib.blake2b(handle.read(), digest_size=16).digest())
        except OSError:
            hasher.update(b"-")
    return hasher.hexdigest()

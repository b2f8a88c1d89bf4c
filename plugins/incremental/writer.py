"""The writer that renders a page only when what it was built from changed.

For each page (each call Pelican makes to render a template into a file),
the writer computes a *key* before rendering: the build's fingerprint
(record.py) and the page's own values (what Pelican passes for this page
alone: its article, its list and paginator, its tag, its address...). While a
page renders, every Content object its templates read (through Jinja's
attribute and item look-ups) is noted with the digest of its state. The next
build renders the page again unless its key is the same and every Content
object it read has the same digest; otherwise the previous build's file is
linked into the new output (a hard link, or a copy where links cannot be
made). Files are always written as new files, never through a link, so the
previous output is never modified.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

from pelican.contents import Content
from pelican.writers import Writer

from . import record, state

log = logging.getLogger(__name__)
PREFIX = "[incremental] "
SETTING = "INCREMENTAL_FROM"


class _Skipped:
    """What the writer hands Pelican instead of a file for a page it did not render."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, text):
        return len(text)


class _Page:
    """A template wrapped so that the writer decides, page by page, whether to render it."""

    def __init__(self, template, writer: "IncrementalWriter", shared: dict):
        self.template = template
        self.writer = writer
        self.shared = shared

    def render(self, localcontext) -> str:
        """The page's HTML, or nothing when the previous build's file still holds."""
        return self.writer.render(self.template, localcontext, self.shared)


class IncrementalWriter(Writer):
    """Pelican's writer, which skips the pages whose record still holds (see the module docstring)."""

    build = None  # the Pelican object of this build (hooks.writer_class)

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        settings = self.settings
        if self.build is not None:
            self.build.incremental_writer = self
        # Without INCREMENTAL_FROM (a plain `pelican` run) the writer is Pelican's, at no cost; with it, the build
        # is recorded, and takes the pages that still hold from that folder when it exists and caches are read.
        wanted = settings.get(SETTING)
        self.active = bool(wanted)
        usable = self.active and Path(wanted).is_dir() and settings.get("LOAD_CONTENT_CACHE", True)
        self.previous = Path(wanted) if usable else None
        self.record = record.Record.load(settings, enabled=self.previous is not None)
        self.outputs: dict[str, dict] = {}  # this build's record, page by page
        self.rendered: list[str] = []
        self.changed: list[str] = []
        self._fingerprint: str | None = None
        self._contents: dict[str, Content] = {}
        self._digests: dict[int, str | None] = {}
        self._state = state.Digests()
        self._reading: set | None = None  # the Content objects the page being rendered reads
        self._linked: str | None = None  # the file of the page the writer just decided not to render
        self._spent = 0.0  # seconds of this writer's own bookkeeping (digests, record), for the log

    # -- the pages ---------------------------------------------------------------------
    def write_file(self, name, template, context, *args, **kwargs):
        """Pelican's write_file, with the template wrapped (see _Page)."""
        if not self.active:
            return super().write_file(name, template, context, *args, **kwargs)
        if self._fingerprint is None:
            self._start(context)
        return super().write_file(name, _Page(template, self, context), context, *args, **kwargs)

    def _start(self, context: dict) -> None:
        start = time.process_time()
        for item in list(context.get("generated_content", {}).values()) + list(
                context.get("static_content", {}).values()):
            if isinstance(item, Content):
                self._contents[item.source_path] = item
        self._fingerprint = self.record.fingerprint(context, self._contents, self._state)
        self._spent += time.process_time() - start

    def render(self, template, localcontext: dict, shared: dict) -> str:
        """Render one page unless the previous build's file still holds (then link it)."""
        name = localcontext["output_file"]
        start = time.process_time()
        own = {k: v for k, v in localcontext.items() if k not in shared or shared[k] is not v}
        try:
            key = self._state.digest([self._fingerprint, template.name, own])
        except state.Unknown as exc:
            log.debug(PREFIX + "%s: its own values cannot be followed (%s): it is rendered every time", name, exc)
            key = None
        holds = key is not None and self._holds(name, key)
        self._spent += time.process_time() - start
        if holds:
            self._linked = name
            return ""
        environment = template.environment
        if not getattr(environment, "_incremental_watch", False):
            _watch(environment, self)
        self._reading = set()
        try:
            html = template.render(localcontext)
        finally:
            reading, self._reading = self._reading, None
        start = time.process_time()
        deps = {}
        for source in reading:
            found = self._digest(self._contents.get(source))
            if found is None:
                log.debug(PREFIX + "%s read %s, which no record can follow: it is rendered every time", name, source)
                key = None
                break
            deps[source] = found
        self.outputs[name] = {"key": key, "deps": deps}
        self.rendered.append(name)
        self._spent += time.process_time() - start
        return html

    def write_keyed(self, name: str, context: dict, inputs, produce) -> bool:
        """Write an output that is no template (a feed) unless the previous build's file still holds; True if written.

        `inputs()` gives (key, reads): every value the file's bytes depend on, and the Content objects they
        read (followed whole, by their digests). It is only called when the build is recorded, and `produce()`
        (the file's bytes) only when the file must be written again. Its record is its own ("reads", not a
        page's "deps"), checked here.
        """
        target = Path(self.output_path) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(target):
            os.unlink(target)  # a new file, never written through a link to the previous output
        if not self.active:
            target.write_bytes(produce())
            return True
        if self._fingerprint is None:
            self._start(context)
        start = time.process_time()
        key, reads = inputs()
        try:
            key = self._state.digest([self._fingerprint, name, key])
        except state.Unknown as exc:
            log.debug(PREFIX + "%s: its values cannot be followed (%s): it is written every time", name, exc)
            key = None
        digests = {content.source_path: self._digest(content) for content in reads}
        if None in digests.values():
            key = None
        before = self.record.outputs.get(name) or {}
        holds = (key is not None and self.previous is not None and before.get("key") == key
                 and before.get("reads") == digests)
        holds = holds and self._recorded(name, before)
        if holds:
            self._link(name, target)
        self.outputs[name] = {"key": key, "reads": digests}
        self._spent += time.process_time() - start
        if holds:
            return False
        target.write_bytes(produce())
        self.rendered.append(name)
        return True

    def reads(self, value) -> None:
        """Note that the page being rendered read this Content object."""
        if self._reading is not None:
            self._reading.add(value.source_path)

    def _digest(self, content) -> str | None:
        if content is None:
            return None
        found = self._digests.get(id(content), False)
        if found is False:
            try:
                found = self._state.content(content)
            except state.Unknown:
                found = None
            self._digests[id(content)] = found
        return found

    def _holds(self, name: str, key: str) -> bool:
        before = self.record.outputs.get(name)
        if not before or before.get("key") != key or self.previous is None:
            log.debug(PREFIX + "%s: its own values changed", name)
            return False
        for source, digest in before["deps"].items():
            if self._digest(self._contents.get(source)) != digest:
                log.debug(PREFIX + "%s: %s changed", name, source)
                return False
        if not self._recorded(name, before):
            log.debug(PREFIX + "%s: not the file the record describes", name)
            return False
        self.outputs[name] = {"key": key, "deps": before["deps"]}
        return True

    def _recorded(self, name: str, before: dict) -> bool:
        """Whether the previous output's file is the one the record describes (not changed or replaced since)."""
        try:
            found = (self.previous / name).stat()
        except OSError:
            return False
        return [found.st_size, found.st_mtime_ns, found.st_ino] == before.get("stat")

    def _link(self, name: str, target: Path) -> None:
        """The previous output's file put at `target`: a hard link, or a copy where links cannot be made."""
        try:
            os.link(self.previous / name, target)
        except OSError:
            shutil.copy2(self.previous / name, target)

    def _open_w(self, filename, encoding, override=False):
        """A new file (never written through a link to the previous output), or the previous file linked."""
        linked, self._linked = self._linked, None
        if linked is not None:
            target = Path(filename)
            target.unlink(missing_ok=True)
            super()._open_w(filename, encoding, override).close()  # Pelican's checks of overwrites
            target.unlink()
            self._link(linked, target)
            return _Skipped()
        if os.path.lexists(filename):
            os.unlink(filename)
        return super()._open_w(filename, encoding, override)

    # -- the end of the build ----------------------------------------------------------
    def finish(self) -> None:
        """Stat every page written, list what changed, save the record."""
        if not self.active:
            return
        start = time.process_time()
        output = Path(self.output_path)
        for name in list(self.outputs):
            try:
                found = (output / name).stat()
            except OSError:
                del self.outputs[name]
                continue
            self.outputs[name]["stat"] = [found.st_size, found.st_mtime_ns, found.st_ino]
        skipped = len(self.outputs) - len(self.rendered)
        for name in self.rendered:
            old = self.previous / name if self.previous else None
            try:
                same = old is not None and old.read_bytes() == (output / name).read_bytes()
            except OSError:
                same = False
            if not same:
                self.changed.append(name)
        removed = sorted(set(self.record.outputs) - set(self.outputs)) if self.previous else []
        self.record.save(self._fingerprint or "", self.outputs, {
            "rendered": sorted(self.rendered), "changed": sorted(self.changed), "removed": removed,
            "kept": skipped, "incremental": self.previous is not None})
        self._spent += time.process_time() - start
        log.info(PREFIX + "%d pages rendered (%d changed), %d kept from the previous build; %.2f s of CPU to decide",
                 len(self.rendered), len(self.changed), skipped, self._spent)


def _watch(environment, writer: IncrementalWriter) -> None:
    """Make the environment tell the writer of every Content object a template reads."""
    def watched(lookup):
        def look_up(obj, argument):
            value = lookup(obj, argument)
            if isinstance(obj, Content):
                writer.reads(obj)
            if isinstance(value, Content):
                writer.reads(value)
            return value
        return look_up

    environment.getattr = watched(environment.getattr)
    environment.getitem = watched(environment.getitem)
    environment._incremental_watch = True

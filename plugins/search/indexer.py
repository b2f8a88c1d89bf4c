"""Write the records into a Pagefind index, in the output folder (plugins/search).

Pagefind is a Rust program that its Python API (PyPI package ``pagefind``,
pinned in pyproject.toml) runs as a child process and talks to over pipes.
Its binary comes from the npm package ``pagefind`` (pinned in package.json,
installed by scripts/setup into node_modules/, its platform's binary as
``@pagefind/<platform>``); ``PAGEFIND_BINARY_PATH`` names another one. Every record is sent
as one small HTML page (``PagefindIndex.add_html_file`` with the record's
URL; records.Record.html: metadata and filters as ``data-pagefind-*``
attributes, then the text), whose anchored headings Pagefind makes into
sub-results (an article's contributions). Then ``write_files`` writes the index: the
language's WebAssembly, ``pagefind.js``, the metadata, word
chunks (``index/``), filter chunks (``filter/``) and one compressed fragment
per record (``fragment/``). A reader's browser downloads the script, the
WebAssembly, the metadata, the chunks its words need and the fragments of
the results it shows, and nothing else.

Pagefind works in a process of its own: :class:`Indexing` starts it in a
background thread as soon as the records are known and lets the build go
on, so that it indexes on the machine's other core while Pelican writes the
pages (see README, "Search", for what it costs). Measured at 5,000 articles
(issue 28 point 4), running it before the pages instead (waiting for it)
lowered every process's peak by about 20 MiB only, and after the pages raised
it by about 350 MiB (the build's own memory only grows), while Pagefind's own
peak moves by 300 MiB from one run to the next (1,050 to 1,350 MiB); before
the pages cost 10 to 20 % more wall time. So it stays beside the pages.
Each record is let go of once Pagefind has it (the build's process keeps
none), and at most BATCH records' pages wait for their answers at once.

Pagefind also writes its ready-made search interfaces; the site has its own
(theme/templates/recherche.html, theme/static/js/recherche.js), so they are
removed: the output holds only what the search page uses.

When nothing indexed changed since the build that wrote the cache, Pagefind
does not run at all: kept.py puts that build's index back (issue 28 point 3).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from blogcore.errors import SiteError

from . import kept
from .records import Record

# Pagefind's own search interfaces (default, modular, component UI, highlighting), and its web
# worker (the search page runs Pagefind in the page: see theme/static/js/recherche.js): unused here.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js", "pagefind-worker.js")
ROOT = Path(__file__).resolve().parents[2]
BATCH = 100  # records sent before waiting for their answers (each holds its page until answered)
FIX_INSTALL = ("run scripts/setup (it installs the npm package pagefind pinned in package.json into node_modules/), "
               "or turn search off with SEARCH = {\"enabled\": False}")


@dataclass(frozen=True)
class Written:
    """What one index took and weighs."""

    records: int
    seconds: float  # Pagefind's own time, from start to its last file
    waited: float  # how long the build waited for it at the end (the rest ran beside the pages)
    files: int
    bytes: int
    reused: bool = False  # nothing indexed had changed: the kept index was put back, Pagefind did not run


def find_binary(root: Path = ROOT) -> Path:
    """Pagefind's binary: ``$PAGEFIND_BINARY_PATH``, else npm's, in node_modules/@pagefind/<platform>/bin/."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named:
        return Path(named)
    for name in ("pagefind_extended", "pagefind"):
        for path in sorted((root / "node_modules" / "@pagefind").glob(f"*/bin/{name}")):
            if path.is_file() and os.access(path, os.X_OK):
                return path
    raise SiteError("package.json", "pagefind", str(root / "node_modules" / "@pagefind"),
                    "the Pagefind binary is not installed", FIX_INSTALL)


def _service_class():
    """Pagefind's service client, with a reader that takes each answer as soon as it comes."""
    # Imported on use: a build with search off never loads Pagefind.
    from pagefind.service import PagefindService

    class Service(PagefindService):
        """PagefindService on a given binary, which sends and reads its messages without delay.

        pagefind 1.5.2's reader sleeps 0.1 s before reading each answer, so an
        index of 11,000 records would take 18 minutes, and its sender formats
        every request and answer for a debug log even when nothing logs them.
        These read and write the same messages (base64 JSON, each ended by a
        comma) as they come.
        """

        def __init__(self, binary: Path):  # the package's own looks for its PyPI binary
            self._loop = asyncio.get_running_loop()
            self._bin = binary
            self._responses = {}

        async def send(self, payload: dict) -> dict:
            self._message_id += 1
            answer = self._responses[self._message_id] = self._loop.create_future()
            message = json.dumps({"message_id": self._message_id, "payload": payload}).encode("utf-8")
            self._backend.stdin.write(base64.b64encode(message) + b",")
            del message  # sent: its JSON and base64 copies of a record's page are not held while the answer comes
            await self._backend.stdin.drain()
            return await answer

        async def _wait_for_responses(self) -> None:
            try:
                while True:
                    message = await self._backend.stdout.readuntil(b",")
                    answer = json.loads(base64.b64decode(message[:-1]))
                    waiting = self._responses.pop(answer.get("message_id"), None)
                    payload = answer.get("payload") or {}
                    if waiting is None or waiting.done():
                        continue
                    if payload.get("type") == "Error":
                        waiting.set_exception(RuntimeError(payload.get("message") or "Pagefind failed"))
                    else:
                        waiting.set_result(payload)
            except Exception as exc:  # Pagefind stopped or wrote something else: nobody waits forever
                for waiting in self._responses.values():
                    if not waiting.done():
                        waiting.set_exception(RuntimeError(f"Pagefind stopped answering ({exc!r})"))
                self._responses.clear()

    return Service


async def _index(records: list[Record], folder: Path, language: str, binary: Path) -> None:
    try:
        service = await _service_class()(binary).launch()
    except OSError as exc:
        raise SiteError("package.json", "pagefind", str(binary), f"the Pagefind binary cannot run ({exc})",
                        FIX_INSTALL) from None
    try:
        index = await service.create_index({"force_language": language})

        async def add(url: str, html: str) -> None:
            try:
                await index.add_html_file(content=html, url=url)
            except Exception as exc:
                raise RuntimeError(f"record {url!r}: {exc}") from exc

        # Sent a batch at a time, without waiting for each answer: Pagefind takes them in order. Each batch
        # is taken out of `records` as it goes (the caller's list is a copy, see Indexing): once Pagefind
        # has a record, the build holds it no more, and never more than BATCH of their pages at once.
        while records:
            batch = records[:BATCH]
            del records[:BATCH]
            await asyncio.gather(*(add(record.url, record.html(language)) for record in batch))
            del batch
        await index.write_files(str(folder))
    finally:
        try:
            await service.close()
        except ProcessLookupError:  # it had stopped already: the error that stopped it is the one to report
            pass


class Indexing:
    """An index that Pagefind writes in a background thread while Pelican writes the pages.

    Pagefind is a process of its own: started as soon as the records are known
    (after every source was read), it works on the machine's other core while
    Pelican, in one Python thread, writes the site; `finish` waits for it.
    """

    def __init__(self, records: list[Record], folder: Path, language: str, binary: Path | None = None,
                 cache: Path | None = None):
        self.binary = binary or find_binary()
        self.records = list(records)  # our own list: the index takes records out of it as Pagefind gets them
        self.count = len(self.records)
        self.folder = Path(folder).resolve()
        self.language = language
        self.cache = Path(cache) if cache else None  # where kept.py keeps the last index (None: never kept)
        self.reused = False
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._start = self._end = 0.0

    def start(self) -> "Indexing":
        """Start writing the index (returns at once)."""
        self._start = time.perf_counter()
        shutil.rmtree(self.folder, ignore_errors=True)
        self._thread = threading.Thread(target=self._run, name="pagefind-index", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            made_under = kept.key(self.records, self.language, self.binary)
            self.reused = kept.restore(self.cache, made_under, self.folder)
            records, self.records = self.records, []
            if not self.reused:
                asyncio.run(_index(records, self.folder, self.language, self.binary))
                for name in UNUSED:
                    (self.folder / name).unlink(missing_ok=True)
                kept.keep(self.cache, made_under, self.folder)
        except BaseException as exc:  # handed to finish(), in the build's own thread
            self._error = exc
        finally:
            self._end = time.perf_counter()

    def finish(self) -> Written:
        """Wait for the index; raise SiteError when Pagefind failed."""
        if self._thread is None:
            self.start()
        waiting = time.perf_counter()
        self._thread.join()
        waited = time.perf_counter() - waiting
        if isinstance(self._error, SiteError):
            raise self._error
        if self._error is not None:
            raise SiteError(str(self.folder), "pagefind", str(self._error), "Pagefind could not write the search index",
                            "read the message; if it persists, turn search off with SEARCH = {\"enabled\": False} "
                            "and report it") from self._error
        files = [p for p in self.folder.rglob("*") if p.is_file()]
        return Written(self.count, self._end - self._start, waited, len(files),
                       sum(p.stat().st_size for p in files), self.reused)


def write_index(records: list[Record], folder: Path, language: str, cache: Path | None = None) -> Written:
    """Index the records with Pagefind into `folder` (replaced) and wait for it; SiteError when it fails."""
    return Indexing(records, folder, language, cache=cache).start().finish()

"""Builds for the live preview: Pelican in this process, kept warm between saves, incremental.

Each build is a whole Pelican run, with every plugin doing its work through
Pelican's signals as in any build (nothing here knows a generator or a
plugin): the preview needs no change when a plugin is added. What makes it
fast is the incremental plugin (plugins/incremental/): given the current
output (the ``INCREMENTAL_FROM`` setting), Pelican renders only the pages
whose record changed and links the others from the current output; the
reader caches spare it reading the unchanged files again. The build writes
into a staging folder put in place of the output only when it succeeded
(sitefolders.py): a failed build leaves the last good site, and after each
build the output is exactly what a fresh build writes. The folder it
replaced is removed in a thread, off the save's path (seconds on a loaded
disk at 1,000 articles).
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import sitefolders


@dataclass
class Result:
    """What one build did."""

    ok: bool
    seconds: float
    cpu: float = 0.0
    pages: list[str] = field(default_factory=list)  # output files rendered with other bytes, or removed
    rendered: int = 0
    kept: int = 0
    error: str = ""


class Builder:
    """Incremental builds of one site, in this process."""

    def __init__(self, settings_file: Path, output: Path, overrides: dict | None = None):
        self.settings_file = Path(settings_file)
        self.overrides = dict(overrides or {})
        self.output = Path(output)

    def build(self) -> Result:
        """Build the site into a staging folder from the current output; put it in place if Pelican succeeded."""
        from incremental.record import changes
        from pelican import Pelican
        from pelican.settings import read_settings

        start, cpu = time.perf_counter(), time.process_time()
        staging = sitefolders.staging_folder(self.output)
        try:
            # Always given (the first build records what the next one compares with); used when it exists.
            settings = read_settings(str(self.settings_file), override={
                **self.overrides, "OUTPUT_PATH": str(staging), "INCREMENTAL_FROM": str(self.output.resolve())})
            Pelican(settings).run()
            old = sitefolders.swap_in(staging, self.output, remove_old=False)
            if old is not None:
                # Not on the save's path: the browser reloads while the replaced folder is removed.
                threading.Thread(target=shutil.rmtree, args=(old,), kwargs={"ignore_errors": True},
                                 daemon=True).start()
        except Exception as exc:  # noqa: BLE001 - any failure keeps the last good site and is shown
            return Result(False, time.perf_counter() - start, time.process_time() - cpu, error=_message(exc))
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        done = changes(settings) or {}
        return Result(True, time.perf_counter() - start, time.process_time() - cpu,
                      pages=sorted(done.get("changed", []) + done.get("removed", [])),
                      rendered=len(done.get("rendered", [])), kept=done.get("kept", 0))


def _message(exc: BaseException) -> str:
    """What a writer must read, in French (blogcore/report.py)."""
    from blogcore.report import describe

    return describe(exc)

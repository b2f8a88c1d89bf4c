"""Spread the embarrassingly parallel work of a cold build over every core.

Two things cost most of a first build and depend on nothing but their own
input: the Markdown of each article (editorial/prerender.py) and of each
contribution body (community/bodies.py). :func:`run` maps a function over
them in chunks, in worker processes *and* in the build's own process, which
takes chunks from the other end of the list while the workers start (a
worker costs a few tenths of a second to start: on two cores, one worker and
the build's process share the work).

Workers are started with "spawn", a fresh interpreter, never a fork of the
build (Pelican's progress display runs a thread, and forking a process that
has threads can leave a lock held forever in the child). The functions are
pure, so the results, returned in order, are the same bytes whatever the
number of workers (tests/test_parallel_build.py builds a site both ways).

``BUILD_WORKERS`` (Pelican setting, default 0): 0 uses one process per core
(at most MAX_WORKERS), 1 keeps everything in the build's process.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Callable, Sequence

from .errors import SiteError

log = logging.getLogger(__name__)
SETTING = "BUILD_WORKERS"
MAX_WORKERS = 4
MIN_ITEMS = 64  # below this, starting a worker costs more than it saves
CHUNKS_PER_PROCESS = 6  # small enough that no process waits long for the last one


def workers_for(settings: dict) -> int:
    """How many processes to use, from the BUILD_WORKERS setting (validated)."""
    value = settings.get(SETTING, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SiteError("pelicanconf.py", SETTING, value, "must be a whole number >= 0",
                        "write 0 (one process per core) or 1 (everything in the build's process)")
    return value or min(os.cpu_count() or 1, MAX_WORKERS)


def _start_worker(paths: list[str], setup: Callable | None, setup_args: tuple) -> None:
    for path in reversed(paths):
        if path not in sys.path:
            sys.path.insert(0, path)
    if setup is not None:
        setup(*setup_args)


def run(func: Callable[[list], list], items: Sequence, workers: int, *, setup: Callable | None = None,
        setup_args: tuple = (), minimum: int = MIN_ITEMS) -> list:
    """func(chunk) for chunks of items, concatenated in order; in `workers` processes when it pays.

    `func` and `setup` must be importable functions (workers import them);
    `setup(*setup_args)` runs once in each process (this one included)
    before its first chunk.
    """
    items = list(items)
    if setup is not None and items:
        setup(*setup_args)
    if workers < 2 or len(items) < minimum:
        return func(items)
    size = max(1, -(-len(items) // (workers * CHUNKS_PER_PROCESS)))
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    results: list[list | None] = [None] * len(chunks)
    # Imported here: most builds render nothing, and these modules weigh half a MiB.
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    paths = [p for p in sys.path if p]
    try:
        with ProcessPoolExecutor(max_workers=workers - 1, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_start_worker, initargs=(paths, setup, setup_args)) as pool:
            front, back = 0, len(chunks) - 1
            running = {}
            while front <= back or running:
                # Keep two chunks queued per worker; the pool takes chunks from the front.
                while front <= back and len(running) < 2 * (workers - 1):
                    running[pool.submit(func, chunks[front])] = front
                    front += 1
                if front <= back:  # this process takes one from the back meanwhile
                    results[back] = func(chunks[back])
                    back -= 1
                    done = [f for f in running if f.done()]
                else:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    results[running.pop(future)] = future.result()
    except (BrokenProcessPool, OSError) as exc:
        log.info("[build] working in this process only: worker processes could not run (%s)", exc)
        return func(items)
    return [result for chunk in results for result in chunk]

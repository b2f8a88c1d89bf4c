"""Render the bodies that are not in the cache yet, on every core, before the pages need them.

A first build (or the first after the sanitiser changed) renders every body:
Python-Markdown, then nh3, then French typography, a few hundred µs each,
seconds for a big site. Each body is rendered on its own, so the work
spreads over worker processes. They are started with "spawn" (a fresh
interpreter, never a fork of the build: Pelican's progress display runs a
thread, and forking a process that has threads can leave a lock held forever
in the child). Starting them costs a few tenths of a second, so below
MIN_BODIES, with one core, or if the workers cannot start, the build renders
in its own process; the HTML is the same either way (the tests compare).
"""

from __future__ import annotations

import logging
import math
import os
from typing import Callable

from blogcore.typography import fix_html

from . import sanitize

log = logging.getLogger(__name__)
PREFIX = "[community] "
# Below this many bodies to render, starting workers costs more than it saves.
MIN_BODIES = 300
MAX_WORKERS = 4


def page_body(body: str, own_hosts: frozenset[str]) -> tuple[str, str]:
    """A body as pages show it: (sanitised HTML with French typography, its plain text)."""
    html = fix_html(sanitize.render_body(body, own_hosts))
    return html, sanitize.plain_text(html)


def _render_chunk(bodies: list[str], own_hosts: frozenset[str]) -> list[tuple[str, str]]:
    return [page_body(body, own_hosts) for body in bodies]


def workers_for(setting: int) -> int:
    """How many processes to render with: the setting, or (0) the cores, at most MAX_WORKERS."""
    return setting or min(os.cpu_count() or 1, MAX_WORKERS)


def render_all(bodies: list[str], own_hosts: frozenset[str], workers: int, keep: Callable[[str, str, str], None],
               minimum: int = MIN_BODIES) -> bool:
    """Render many bodies in worker processes, giving each result to keep(body, html, text).

    Returns False, having rendered nothing, when the build should render them itself.
    """
    if workers < 2 or len(bodies) < minimum:
        return False
    # A few chunks per worker: a slow chunk does not hold the others back,
    # and each chunk pays one round trip.
    size = math.ceil(len(bodies) / (workers * 4))
    chunks = [bodies[start:start + size] for start in range(0, len(bodies), size)]
    # Imported here: most builds render no body, and these modules weigh half a MiB.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            # Kept chunk by chunk as they come back: all the results at once would double the peak memory.
            for chunk, results in zip(chunks, pool.map(_render_chunk, chunks, [own_hosts] * len(chunks))):
                for body, (html, text) in zip(chunk, results):
                    keep(body, html, text)
    except (BrokenProcessPool, OSError) as exc:
        log.info(PREFIX + "rendering in this process: worker processes could not run (%s)", exc)
        return False
    log.info(PREFIX + "%d bodies rendered by %d worker processes", len(bodies), workers)
    return True

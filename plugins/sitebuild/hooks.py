"""Signal handlers of the sitebuild plugin (thin: they call the modules)."""

from __future__ import annotations

import logging
import sys

from blogcore import caches, parallel

from . import prerender

log = logging.getLogger(__name__)
PREFIX = "[sitebuild] "


def check_caches(pelican_object) -> None:
    """Discard damaged or stale cache files before any generator loads them."""
    settings = pelican_object.settings
    # Printed, not logged: a logged warning would fail `invoke check` (--fatal warnings), whose
    # point is the site; a damaged cache is the machine's business, and it is repaired here.
    for message in caches.check(settings.get("CACHE_PATH"), caches.fingerprint(settings)):
        print(f"WARNING {PREFIX}{message}", file=sys.stderr)


def prerender_articles(generator) -> None:
    """Render the Markdown of the articles missing from Pelican's reader cache on every core."""
    done = prerender.articles(generator, parallel.workers_for(generator.settings))
    if done:
        log.info(PREFIX + "%d articles rendered ahead in worker processes", done)

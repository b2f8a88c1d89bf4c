"""Sitebuild plugin: how the build runs, for every other plugin's benefit.

- Pelican's caches (its reader cache, CACHE_CONTENT/LOAD_CONTENT_CACHE, and
  the plugins' own, all in CACHE_PATH) are checked before any is loaded
  (blogcore/caches.py): a damaged or stale cache file is discarded, never
  trusted and never fatal;
- on a first build, the Markdown of the articles missing from Pelican's
  reader cache is rendered on every core (prerender.py, BUILD_WORKERS).

``register()`` only connects signals; the work lives in the modules.
"""

from __future__ import annotations

from pelican import signals

from . import hooks


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    signals.initialized.connect(hooks.check_caches)
    signals.article_generator_init.connect(hooks.prerender_articles)

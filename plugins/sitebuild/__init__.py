"""Sitebuild plugin: how the build runs, for every other plugin's benefit.

- Pelican's caches (its reader cache, CACHE_CONTENT/LOAD_CONTENT_CACHE, and
  the plugins' own, all in CACHE_PATH) are checked before any is loaded
  (blogcore/caches.py): a damaged or stale cache file is discarded, never
  trusted and never fatal;
- on a first build, the Markdown of the articles missing from Pelican's
  reader cache is rendered on every core (prerender.py, BUILD_WORKERS);
- every generator's templates are compiled once per build (templates.py), and
  each article's and page's address is computed once (addresses.py);
- the templates know which category, tag and author pages the build writes
  (taxonomy.py), so that a hidden article never links to one it does not.

``register()`` only connects signals; the work lives in the modules.
"""

from __future__ import annotations

from pelican import signals

from . import addresses, hooks, taxonomy, templates


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    signals.initialized.connect(hooks.check_caches)
    signals.article_generator_init.connect(hooks.prerender_articles)
    signals.generator_init.connect(templates.share)
    signals.article_generator_finalized.connect(addresses.fix_articles)
    signals.article_generator_finalized.connect(taxonomy.publish)
    signals.page_generator_finalized.connect(addresses.fix_pages)

"""Reading plugin: what surrounds a text for its readers.

- the cover image of an article or a page (``Image:`` with its required
  ``Image-description:``; cover.py): shown on the article, its card, in its
  feed entries, and as ``og:image`` and the Twitter card with its real size;
- « À lire aussi »: up to three related listed articles under each article,
  chosen at build time from shared tags and category (related.py);
- the favicon and touch icons, made from the site's logo by ``invoke icons``
  (icons.py) and linked by the theme.

The header fields are checked, in French, by the editorial validator (which
lists them among the build's known fields, so the desk's form has them).
``register()`` only connects signals; the work lives in the modules.
"""

from __future__ import annotations

from pelican import signals

from . import hooks


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    signals.article_generator_finalized.connect(hooks.prepare_articles)
    signals.page_generator_finalized.connect(hooks.prepare_pages)

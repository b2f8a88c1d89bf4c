"""Search plugin: full-text search of the site, static and private, with Pagefind.

At build time (the production build: publishconf.py turns it on), Pagefind
indexes every published article and page and every approved contribution
(an article's contributions as one result, under which each one found is
listed with a link to its anchor on the article's page), in French
(stemming), with the title, author, date, category and kind of each.
The index lands in the output's ``pagefind/`` folder, next to the search page
``/recherche/``, which a "Rechercher" link in every page's header reaches.
Readers search in their own browser: no server, no other host.

Modules: ``config`` (the ``SEARCH`` setting and its switch), ``records``
(what is indexed, from the build's own objects), ``indexer`` (Pagefind),
``kept`` (the last index, used again while nothing indexed changed),
``generator`` (the search page and the index). ``register()`` only connects
signals.
"""

from __future__ import annotations

from pelican import signals

from . import hooks


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    signals.get_generators.connect(hooks.get_generators)
    signals.all_generators_finalized.connect(hooks.start_index)

"""Syndication plugin: the site's feeds, built with feedgen (Pelican's own feed writer is off).

- Atom and RSS 2.0 for the whole site, each category, tag and author; JSON
  Feed 1.1 for the whole site; the community's approved contributions, and
  the contributions of each article that has some (when the community
  plugin provides ``context["community"]``);
- stable entry ids (``Feed_id:`` header lines, see ids.py), absolute URLs,
  full content and summary, dates with the real Europe/Paris offset,
  byte-identical output for identical sources;
- discovery: ``syndication.head_links(...)`` for each page's head
  (templates/_feed_links.html), the "Suivre" page (/suivre/) and the OPML
  list (flux/abonnements.opml);
- optional WebSub hub (``rel="hub"``; websub.ping_changed notifies it);
- with the incremental plugin, a build renders only the feeds whose inputs
  changed and links the others from the previous output (generator.py).

Settings and the path pattern: config.py. ``register()`` only connects signals;
the work lives in the modules.
"""

from __future__ import annotations

from pelican import signals

from . import hooks


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    signals.get_generators.connect(hooks.get_generators)

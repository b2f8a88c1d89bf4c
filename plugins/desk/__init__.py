"""Desk plugin: the newsroom desk in the browser (``/admin/``), built on Decap CMS.

Off by default (``DESK = {"enabled": False}``). When a setting turns it on
(``invoke desk`` does, for a writer's machine; a production build may, see
README "For writers"), the build writes ``admin/``: a ``noindex`` page that
loads Decap CMS and the desk's own code from the site itself (copied from
``node_modules/``, pinned in package.json, like Pagefind), and the CMS
configuration, generated from what the build knows (categories, authors,
statuses, the header fields' grammar and French messages), so that the desk
can never drift from the build. The page is no article or page: it is in no
list, sitemap, feed or search record.

Modules: ``config`` (the ``DESK`` setting), ``schema`` (the CMS configuration
from the build's knowledge), ``assets`` (the files copied from npm and from
``static/``), ``generator`` (writes ``admin/``). ``register()`` only connects
signals.
"""

from __future__ import annotations

from pelican import signals

from . import hooks


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    signals.get_generators.connect(hooks.get_generators)

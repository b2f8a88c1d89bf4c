"""Incremental plugin: a build rewrites only the outputs whose inputs changed.

Every page Pelican renders goes through the writer of this plugin (Pelican's
``get_writer`` signal). For each page it keeps, in ``CACHE_PATH``, a record of
what the page was built from (record.py): the Content objects (articles,
pages, drafts) its templates read, the page's own values (its list of
articles, its paginator, its tag...) and a fingerprint of everything else
(settings, theme, plugins' code, package versions, the site's lists, and the
files that are no article nor page: contributions, author profiles). When the
build is given the output it replaces (the ``INCREMENTAL_FROM`` setting:
tasks.py and the live preview pass it), a page whose record still holds is not
rendered again: the previous file is linked into the new output instead
(writer.py). The result is byte for byte what a fresh build writes (tested);
``--ignore-cache`` (no LOAD_CONTENT_CACHE) renders everything. Without the
setting (a plain ``pelican`` run) the plugin does nothing and costs nothing.

Each build also writes ``CACHE_PATH/incremental-changes.json``: the pages it
rendered, those whose bytes changed and those that vanished, for the tasks
that act only on what changed (search, the HTML validator).

``register()`` only connects signals; the work lives in the modules.
"""

from __future__ import annotations

from pelican import signals

from . import hooks


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    signals.get_writer.connect(hooks.writer_class)
    signals.finalized.connect(hooks.finish)

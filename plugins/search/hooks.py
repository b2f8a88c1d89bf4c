"""Signal handlers of the search plugin (thin: they call the modules)."""

from __future__ import annotations

from .generator import SearchGenerator


def get_generators(pelican_object):
    """Add the search generator (it runs after the articles, pages, community and feeds generators)."""
    return SearchGenerator


def start_index(generators) -> None:
    """Every source is read: start the index while the pages are written."""
    for generator in generators:
        if isinstance(generator, SearchGenerator):
            generator.start_index()

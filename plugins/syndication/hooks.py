"""Signal handlers of the syndication plugin (thin: they call the modules)."""

from __future__ import annotations

from .generator import FeedsGenerator


def get_generators(pelican_object):
    """Add the feeds generator (it runs after the articles and pages generators)."""
    return FeedsGenerator

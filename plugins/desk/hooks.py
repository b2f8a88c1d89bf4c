"""Signal handlers of the desk plugin (thin: they call the modules)."""

from __future__ import annotations

from .generator import DeskGenerator


def get_generators(pelican_object):
    """Add the desk's generator (it runs after the articles and pages generators)."""
    return DeskGenerator

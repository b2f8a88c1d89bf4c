"""Where the intake finds the site's code: the repository it is installed in.

The intake runs from a checkout of the site's repository, so it shares the
plugins' code (the contribution format, the store's checks, moderation) and
the theme's form template with the build: one source of truth.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
THEME_TEMPLATES = ROOT / "theme" / "templates"
TEMPLATES = Path(__file__).resolve().parent / "templates"
BLOCKLISTS = Path(__file__).resolve().parent / "blocklists"


def ensure_plugins_importable() -> None:
    """Put plugins/ on sys.path (blogcore, community), as pelicanconf.py and tasks.py do."""
    if str(PLUGINS) not in sys.path:
        sys.path.insert(0, str(PLUGINS))

"""The Pelican generator that writes the desk (``admin/``) when ``DESK["enabled"]`` asks for it.

- ``generate_context`` reads what the desk offers from the build's own
  objects: the site's declared categories (``EDITORIAL["categories"]``; when
  none are declared, those of every article read, drafts and hidden ones
  too), and the authors' profiles;
- ``generate_output`` writes the page (template ``desk.html``, ``noindex``),
  ``desk.json`` (schema.py) and the copied files (assets.py).

The page is not an article or a page: no list, sitemap, feed or search
record knows it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pelican.generators import Generator

from editorial import config as editorial_config

from . import assets, config, schema

log = logging.getLogger(__name__)
PREFIX = "[desk] "


class DeskGenerator(Generator):
    """Writes /admin/ (the desk) when the settings ask for it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config.from_settings(self.settings)
        self.desk: dict | None = None

    def generate_context(self):
        """Make the desk's configuration from the build's categories and authors."""
        cfg = self.config
        if not cfg.enabled:
            return
        read = [a for name in ("articles", "drafts", "hidden_articles") for a in self.context.get(name) or []]
        # The one list the build checks articles against (editorial/config.py): no typo can create one.
        categories = set(editorial_config.from_settings(self.settings).categories)
        categories = categories or {a.category.name for a in read if getattr(a, "category", None)}
        profiles = self.context.get("author_profiles") or {}
        known = {a.slug: {"title": a.title, "url": a.url} for a in read}
        self.desk = schema.build(cfg, self.settings, sorted(categories, key=str.casefold),
                                 sorted(profiles, key=str.casefold), known)

    def generate_output(self, writer):
        """Write the desk's page, its configuration and its code."""
        cfg = self.config
        if not cfg.enabled or self.desk is None:
            return
        folder = Path(self.output_path) / cfg.path
        folder.mkdir(parents=True, exist_ok=True)
        copied = assets.copy(folder)
        depth = cfg.path.count("/")
        self.desk["desk"]["preview_styles"] = ["../" * depth + self.settings.get("THEME_STATIC_DIR", "theme")
                                               + "/css/style.css"]
        (folder / "desk.json").write_text(json.dumps(self.desk, ensure_ascii=False, indent=1, sort_keys=True),
                                          encoding="utf-8")
        writer.write_file(cfg.path + "index.html", self.get_template("desk"), self.context,
                          relative_urls=self.settings.get("RELATIVE_URLS", False), url=cfg.path,
                          template_name="desk", page_name=cfg.path + "index")
        log.info(PREFIX + "desk written to %s (%s backend, %.1f MB of code)", cfg.path, cfg.backend, copied / 1e6)

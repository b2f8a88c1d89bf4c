"""Community pages: latest contributions, contributors' index, one page per contributor, the thank-you page.

A Pelican generator (registered through ``get_generators``) that writes with
the theme's templates ``communaute.html``, ``contributeurs.html`` and
``contributeur.html``, and, when the intake is configured
(``COMMUNITY["intake_url"]``), ``contribution_merci.html``.
"""

from __future__ import annotations

import logging

from pelican.generators import Generator

log = logging.getLogger(__name__)


class CommunityPagesGenerator(Generator):
    """Writes the community pages from ``context["community"]``.

    hooks.add_generator makes a subclass per run whose ``pelican`` is that
    run's Pelican object: the index is left on it for hooks.save_bodies, which
    writes the bodies cache once every generator has run.
    """

    pelican = None

    def generate_context(self):
        """Expose the contributors to every template (index, sitemap)."""
        index = self.context.get("community")
        self.context["contributors"] = index.contributors() if index is not None else []
        if self.pelican is not None and index is not None:
            self.pelican.community_index = index

    def generate_output(self, writer):
        """Write the community page, the contributors' index and each contributor's page."""
        index = self.context.get("community")
        if index is None:
            return
        cfg = index.config
        contributors = self.context["contributors"]
        pages = [
            (cfg.community_url, "communaute.html", {"latest": index.latest(), "figures": index.figures()}),
            (cfg.contributors_url, "contributeurs.html", {}),
        ]
        pages += [(p.url, "contributeur.html", {"contributor": p}) for p in contributors]
        if cfg.intake_url:  # where the intake sends the reader after a submission (303 See Other)
            pages.append((cfg.thanks_url, "contribution_merci.html", {}))
        for url, template, extra in pages:
            writer.write_file(
                url + "index.html", self.get_template(template[:-5]), self.context,
                relative_urls=self.settings["RELATIVE_URLS"], url=url, **extra,
            )

"""Community plugin: curated contributions as first-class content.

Reader comments, testimonials, ideas and mentions live in
``content/contributions/<article-slug>/<id>.md`` (see model.py for the
format). This plugin checks them, publishes only approved ones under their
article (threaded, with schema.org JSON-LD), lets writers quote them inline
with ``[[contribution:ID]]``, writes the community and contributors' pages and
puts live moderation figures on the Transparence page. Moderation itself is
done with the ``invoke contributions.*`` tasks, which only change files.

``register()`` only connects signals; the work lives in the modules.
"""

from __future__ import annotations

from pelican import signals

from blogcore import report

from . import hooks


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    report.CONTENT_CHECKS.connect(hooks.check_files)
    signals.generator_init.connect(hooks.install_globals)
    signals.article_generator_finalized.connect(hooks.attach_contributions)
    signals.page_generator_finalized.connect(hooks.pages_figures_and_quotes)
    signals.get_generators.connect(hooks.add_generator)
    signals.finalized.connect(hooks.save_bodies)

"""Editorial plugin: authoring safety, author profiles, French presentation.

- validates every article and page before Pelican reads it (and asks the
  other plugins to check their files, blogcore/report.py) and fails the build
  once, with every problem in French: file, field, value and fix (Pelican alone
  would skip the file), and no Python traceback;
- loads author profiles for the templates (``author_profiles``);
- refuses active HTML and loads from other hosts in what writers publish
  (active.py), unless ``EDITORIAL["allow_scripts"]`` is on;
- applies French typography to titles, summaries and bodies;
- adds French date filters to Jinja;
- in production, keeps files used only by drafts out of the output.

``register()`` only connects signals; the work lives in the modules.
"""

from __future__ import annotations

from pelican import signals

from . import hooks


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    signals.initialized.connect(hooks.report_in_french)
    signals.generator_init.connect(hooks.install_filters)
    signals.article_generator_init.connect(hooks.validate_content)
    signals.content_object_init.connect(hooks.french_typography)
    signals.all_generators_finalized.connect(hooks.refuse_active_content)
    signals.all_generators_finalized.connect(hooks.embargo_statics)

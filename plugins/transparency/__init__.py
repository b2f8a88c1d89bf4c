"""Transparency plugin: disclosures, corrections, a public history of every change, trust signals.

- commercial disclosure (``Partnership:``, ``Sponsor:``, ``Sponsor_url:``):
  the French mention naming the partner wherever the article is presented
  (its page, cards, lists, registers, feeds, search, social cards, JSON-LD),
  from one source that every place asks (mention.py); ``rel="sponsored"`` on
  paid links; undeclared affiliate links fail the build (disclosure.py);
  registers list listed texts only (record.py, ``blogcore.public.listed``);
- corrections (``Correction:``): shown on the text, listed on ``/corrections/``
  with their own feeds, and the only thing that moves a text's date in feeds
  and in the sitemap (corrections.py, generator.py);
- the history of every text: its versions, the states of its text readers
  could see (git's publishing line, the public site's deploys when the build
  knows them, ``blogcore.public.state_visible``), each with a page showing it
  as readers saw it and what changed, word by word; the public note of a
  change (``Note-de-modification:``) moving « Mis à jour le »; versions
  withheld for a legal reason; each article's moderation log (history.py,
  deployed.py, state.py, versions.py, diff.py, record.py, generator.py);
- the type of work and the « Comment cet article a été fait » box
  (``Guest:``, ``Methode:``; fields.py);
- the site's ``Organization`` with its policies on every page, the figures of
  the Transparence page and ``/transparence.json`` (record.py, figures.py).

Settings: config.py. Header grammar: fields.py. ``register()`` only connects
signals; the work lives in the modules.
"""

from __future__ import annotations


def register():
    """Connect the plugin's handlers to Pelican's signals."""
    from pelican import signals

    from . import hooks

    signals.article_generator_pretaxonomy.connect(hooks.prepare_articles)
    signals.page_generator_finalized.connect(hooks.prepare_pages)
    signals.get_generators.connect(hooks.add_generator)

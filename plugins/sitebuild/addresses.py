"""Each article's and page's address computed once, when its generator is done.

Pelican formats ``url`` from its settings at every access (a copy of the
metadata, the source path, a format string): about 34,000 times in a build of
1,000 articles with their threads, cards, feeds and search records, 0.4 s of
an 8 s warm build. Once the generators have finished their context nothing
changes a slug, date, category or status, so the address is fixed then through
Pelican's own ``override_url`` (what a ``URL:`` header line sets), with the
very value Pelican computed.
"""

from __future__ import annotations


def fix(contents) -> None:
    """Set each content's address to the one Pelican computes now, so it is not formatted again."""
    for content in contents:
        if not hasattr(content, "override_url"):
            content.override_url = content.url


def fix_articles(generator) -> None:
    """Fix the addresses of the generator's articles: listed, hidden and drafts, with their translations."""
    fix([*generator.articles, *generator.translations, *generator.hidden_articles,
         *generator.hidden_translations, *generator.drafts, *generator.drafts_translations])


def fix_pages(generator) -> None:
    """Fix the addresses of the generator's pages, translations and hidden or draft pages."""
    fix([*generator.pages, *generator.translations, *generator.hidden_pages, *generator.hidden_translations,
         *generator.draft_pages, *generator.draft_translations])

"""Quote an approved contribution inside an article: ``[[contribution:ID]]``.

A writer puts the marker alone on its own line (a paragraph of its own) in
the article's Markdown; it becomes an attributed quote card linking to the
contribution. The link is written as ``{filename}…#anchor`` so that Pelican
turns it into the right address for both local and production builds.

A contribution quoted outside its own article names that article, with its
commercial mention when it has one (the theme's disclosure macro): a
reader's words, about a sponsored product say, never reach another text
without saying where they were written.
"""

from __future__ import annotations

import re

from blogcore.errors import Problem, display_path
from blogcore.wording import OFFICIAL_LABEL, kind_label

from . import views
from .index import CommunityIndex

MARKER = re.compile(r"<p>\s*\[\[contribution:\s*([^\]\s]*)\s*\]\]\s*</p>")
STRAY = re.compile(r"\[\[contribution:([^\]]*)\]\]")


def replace_quotes(item, index: CommunityIndex, env) -> list[Problem]:
    """Replace every marker in an article's or page's HTML; return problems found."""
    html = getattr(item, "_content", "") or ""
    if "[[contribution:" not in html:
        return []
    problems: list[Problem] = []
    shown_path = display_path(item.source_path)  # only here: resolving a path costs ~0.1 ms

    def card(match: re.Match) -> str:
        ident = match.group(1)
        contribution = index.get(ident)
        field = match.group(0).replace("<p>", "").replace("</p>", "").strip()
        if contribution is None:
            problems.append(Problem(shown_path, field, ident, "aucune contribution n'a cet identifiant",
                                    "vérifiez l'identifiant avec « invoke contributions.list », ou retirez la citation"))
            return match.group(0)
        if not contribution.published:
            problems.append(Problem(shown_path, field, ident,
                                    f"cette contribution est {contribution.status}, pas approuvée : elle ne peut pas être citée",
                                    f"approuvez-la d'abord (invoke contributions.approve {ident}) ou retirez la "
                                    "citation"))
            return match.group(0)
        article = index.article(contribution)
        href = "{filename}/" + article.relative_source_path + "#" + contribution.anchor
        label = OFFICIAL_LABEL if contribution.official else kind_label(contribution.kind)
        elsewhere = getattr(article, "source_path", None) != getattr(item, "source_path", None)
        return views.render_template(env, "_quote_card.html", contribution=contribution, href=href, label=label,
                                     body=index.body_html(contribution), source=article if elsewhere else None)

    html = MARKER.sub(card, html)
    for stray in STRAY.finditer(html):
        if not any(stray.group(1).strip() == p.value for p in problems):
            problems.append(Problem(shown_path, stray.group(0), stray.group(1),
                                    "une citation [[contribution:…]] doit être seule sur sa ligne",
                                    "mettez [[contribution:ID]] sur une ligne à part, entourée de lignes vides"))
    item._content = html
    return problems

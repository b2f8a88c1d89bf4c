"""Jinja filters the theme uses: French dates, typography and « de » before a name (« d’Yves »)."""

from __future__ import annotations

from markupsafe import Markup

from blogcore.frdates import fr_date, fr_month_year, fr_numeric
from blogcore.typography import fix_html, fix_text
from blogcore.wording import de


def typo_html(value) -> Markup:
    """French typography on an HTML string; the result is marked safe."""
    return Markup(fix_html(str(value)))


FILTERS = {
    "fr_date": fr_date,
    "fr_month_year": fr_month_year,
    "fr_numeric": fr_numeric,
    "typo": fix_text,
    "typo_html": typo_html,
    "de": de,  # {{ name|de }}: « de Yann », « d’Yves » (blogcore/wording.py)
}


def install(generator) -> None:
    """Add the filters to a generator's Jinja environment."""
    generator.env.filters.update(FILTERS)

"""Signal handlers of the transparency plugin (thin: they call the modules)."""

from __future__ import annotations

import logging

from markupsafe import Markup

from blogcore.errors import Problem, SiteError, display_path, raise_if_any
from blogcore.headers import read_header
from blogcore.typography import fix_html, fix_text

from . import config, disclosure, fields, figures
from .generator import TransparencyGenerator
from .record import PREFIX, Record

log = logging.getLogger(__name__)
AFFILIATE_FIX = ("declare the counterpart in the header ('Partnership: affiliation' and 'Sponsor: <the programme>'), "
                 "or remove the link")


def _record(generator) -> Record:
    record = generator.context.get("transparency")
    if record is None:
        record = Record(generator.settings, config.from_settings(generator.settings), generator.context)
        generator.context["transparency"] = record
    return record


def attach(item, kind: str, record: Record) -> list[Problem]:
    """Give an article or a page its transparency data (what the templates and feeds read)."""
    meta = item.metadata
    values = {key: str(meta.get(key) or "") for key in ("partnership", "sponsor", "sponsor_url", "guest",
                                                         "source", "source_url", "source_note", fields.NOTE)}
    corrections: list[str] = []
    if "correction" in meta or "methode" in meta:
        # Pelican splits continuation lines like repeated lines: read them as the writer wrote them.
        header = read_header(item.source_path)
        corrections = header.all("correction")
        values["methode"] = header.get("methode") or ""
    problems = [Problem(display_path(item.source_path), p.field, p.value, p.message, p.fix)
                for p in fields.check(values, corrections, kind, getattr(item, "date", None), record.tz)]
    if problems:
        return problems
    found = fields.corrections_of(corrections, record.tz)
    item.corrections = tuple(fields.Correction(c.date, c.kind, fix_text(c.text)) for c in found)
    item.corrected = found[-1].date if found else None
    item.method = tuple((fields.METHOD_PARTS[key], fix_text(text))
                        for key, text in (fields.parse_method(values["methode"]) if values.get("methode") else ()))
    if kind == "article":
        item.disclosure = fields.disclosure_of(values)
        item.work_type = fields.work_type_of(values)
        item.schema_facts = record.article_facts(item)
    return []


def mark_links(item, record: Record) -> list[Problem]:
    """Mark paid links of an article's text; problems for undeclared affiliate links."""
    domains = record.config.affiliate_domains
    partner = getattr(item, "disclosure", None)
    if not (domains or partner):
        return []
    item._content, undeclared = disclosure.mark_links(item._content, partner, domains)
    summary = item.metadata.get("summary")
    if summary:
        marked, more = disclosure.mark_links(str(summary), partner, domains)
        undeclared += more
        item.metadata["summary"] = item._summary = Markup(marked) if isinstance(summary, Markup) else marked
    return [Problem(display_path(item.source_path), "link", url,
                    f"links to the affiliate domain {disclosure.matches(disclosure.host(url), domains)} "
                    "but the article declares no Partnership: (an undeclared paid link)", AFFILIATE_FIX)
            for url in dict.fromkeys(undeclared)]


def prepare_articles(generator) -> None:
    """Every article's disclosure, type of work, corrections and method; paid links marked."""
    record = _record(generator)
    groups = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations")
    problems: list[Problem] = []
    for article in (a for name in groups for a in getattr(generator, name, []) or []):
        found = attach(article, "article", record)
        problems += found or mark_links(article, record)
    raise_if_any(problems, prefix=PREFIX + "the content has errors. ")


def prepare_pages(generator) -> None:
    """Every page's corrections and method; the figures put into the pages that ask for them."""
    record = _record(generator)
    groups = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations")
    pages = [p for name in groups for p in getattr(generator, name, []) or []]
    problems: list[Problem] = []
    for page in pages:
        problems += attach(page, "page", record)
    raise_if_any(problems, prefix=PREFIX + "the content has errors. ")
    marker = f"<p>{record.config.figures_marker}</p>"
    for page in pages:
        if marker in (page._content or ""):
            html = generator.env.get_template("_transparency_figures.html").render(
                {**generator.context, "transparency": record, "figures": record.figures,
                 "partnership_labels": fields.PARTNERSHIP_LABELS, "duration_fr": figures.duration_fr,
                 "number_fr": figures.number_fr, "SITEURL": record.site_url})
            page._content = page._content.replace(marker, fix_html(html))
    check_policies(record)


def check_policies(record: Record) -> None:
    """Fail when a policy's anchor is missing from the Transparence page (every page's JSON-LD points to it)."""
    page = record.transparence_page()
    if page is None:
        log.warning(PREFIX + "no page has the slug %r (TRANSPARENCY['page']): the site's Organization names no "
                    "policy; write content/pages/%s.md with a section for each of %s", record.config.page,
                    record.config.page, ", ".join(key for key, _ in record.config.policies))
        return
    content = page._content or ""
    for key, anchor in record.config.policies:
        if f'id="{anchor[1:]}"' not in content:
            raise SiteError(display_path(page.source_path), f"TRANSPARENCY['policies'][{key!r}]", anchor,
                            "the Transparence page has no element with this id, so the policy's address would "
                            "lead nowhere", f"give the section its id with '## Titre {{{anchor}}}', or point the "
                            "setting to an existing heading")


def add_generator(pelican_object):
    """Register the generator of version pages, corrections and the JSON export."""
    return TransparencyGenerator

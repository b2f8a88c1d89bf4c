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
    # Source_url: is a link of the article's text too: paid links there follow the same rule (disclosure.py).
    partner = fields.disclosure_of(values) if kind == "article" else None
    item.source_paid = disclosure.kind_of(values["source_url"], record.config.affiliate_domains,
                                          partner.domain if partner else "")
    if item.source_paid == disclosure.AFFILIATE and not values["partnership"]:
        domain = disclosure.affiliate_domain(values["source_url"], record.config.affiliate_domains)
        return [Problem(display_path(item.source_path), "Source_url:", values["source_url"],
                        f"is on the affiliate domain {domain} but the {kind} declares no Partnership: (an "
                        "undeclared paid link)", AFFILIATE_FIX if kind == "article" else PAGE_FIX)]
    if kind == "article":
        item.disclosure = fields.disclosure_of(values)
        item.work_type = fields.work_type_of(values)
        item.schema_facts = record.article_facts(item)
    return []


PAGE_FIX = ("remove the link, or move it into an article that declares 'Partnership: affiliation' and "
            "'Sponsor: <the programme>' (a page or an author profile cannot declare a partnership)")
PLACE_FIX = ("write it as a plain text link in the text (Markdown [text](address)), where its « (lien affilié) » "
             "note can follow it")
PLACES = {"area": "an image-map area", "svg link": "a link inside SVG", "form": "a form's action"}


def paid_problems(file: str, field: str, found: list, domains: tuple[str, ...], fix: str = AFFILIATE_FIX,
                  declared: str = "the article declares no Partnership:") -> list[Problem]:
    """Problems for affiliate addresses that break the rule (see disclosure.py), naming file, field and address."""
    problems = []
    for paid in dict.fromkeys(found):
        if paid.undeclared:
            problems.append(Problem(file, field, paid.url, f"links to the affiliate domain {paid.domain} but "
                                    f"{declared} (an undeclared paid link)", fix))
        else:
            problems.append(Problem(file, field, paid.url, f"{PLACES[paid.where]} reaches the affiliate domain "
                                    f"{paid.domain}, and cannot carry the « (lien affilié) » note readers must "
                                    "see beside it", PLACE_FIX))
    return problems


def mark_links(item, record: Record, kind: str = "article") -> list[Problem]:
    """Mark paid links of an article's or a page's text; problems for affiliate links that break the rule."""
    domains = record.config.affiliate_domains
    partner = getattr(item, "disclosure", None)
    if not (domains or partner):
        return []
    item._content, found = disclosure.mark_links(item._content, partner, domains)
    summary = item.metadata.get("summary")
    if summary:
        marked, more = disclosure.mark_links(str(summary), partner, domains)
        found += more
        item.metadata["summary"] = item._summary = Markup(marked) if isinstance(summary, Markup) else marked
    if kind == "page":
        return paid_problems(display_path(item.source_path), "link", found, domains, PAGE_FIX,
                             "a page cannot declare a partnership")
    return paid_problems(display_path(item.source_path), "link", found, domains)


def check_profiles(profiles: dict, record: Record) -> list[Problem]:
    """Affiliate links in author profiles (their Website: and their bio): a profile declares no partnership."""
    domains = record.config.affiliate_domains
    problems: list[Problem] = []
    if not domains:
        return problems
    for profile in profiles.values():
        for site in profile.websites:
            address = site if "://" in site else f"https://{site}"  # as the theme's website_href writes it
            domain = disclosure.affiliate_domain(address, domains)
            if domain:
                problems.append(Problem(profile.source_path, "Website:", site, f"is on the affiliate domain "
                                        f"{domain}: a paid link on every page of the author", PAGE_FIX))
        _, found = disclosure.mark_links(profile.bio, None, domains)
        problems += paid_problems(profile.source_path, "bio", found, domains, PAGE_FIX,
                                  "an author profile cannot declare a partnership")
    return problems


def prepare_articles(generator) -> None:
    """Every article's disclosure, type of work, corrections and method; paid links marked."""
    record = _record(generator)
    groups = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations")
    problems: list[Problem] = []
    for article in (a for name in groups for a in getattr(generator, name, []) or []):
        found = attach(article, "article", record)
        problems += found or mark_links(article, record)
    problems += check_profiles(generator.context.get("author_profiles") or {}, record)
    raise_if_any(problems, prefix=PREFIX + "the content has errors. ")


def prepare_pages(generator) -> None:
    """Every page's corrections and method; the figures put into the pages that ask for them."""
    record = _record(generator)
    groups = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations")
    pages = [p for name in groups for p in getattr(generator, name, []) or []]
    problems: list[Problem] = []
    for page in pages:
        problems += attach(page, "page", record) or mark_links(page, record, "page")
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

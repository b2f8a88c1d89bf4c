"""Signal handlers of the editorial plugin (thin: they call the modules)."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.contents import Article, Page

from blogcore import filecache, report, urls
from blogcore.errors import Problem, display_path, raise_if_any
from blogcore.typography import fix_text

from . import active, authors, config, embargo, filters, inventory, validate

log = logging.getLogger(__name__)
PREFIX = "[editorial] "


def report_in_french(pelican_object) -> None:
    """Content errors end the build with their French lines, not a traceback (blogcore/report.py)."""
    report.install()


def install_filters(generator) -> None:
    """Give every generator's templates the French filters."""
    filters.install(generator)


def validate_content(generator) -> None:
    """Fail the build on any broken article, page, profile or data file, all named at once; load profiles.

    Other plugins add the problems of their own files (contributions...) through
    blogcore.report.CONTENT_CHECKS, so that one build names every problem of the content.
    Warnings are printed; when warnings are fatal (`invoke check`, the production build),
    they fail the build with the rest instead of stopping it at the first one. A failed build
    writes the file cache here (blogcore/filecache.py): its failures fail the next build again.
    """
    try:
        _validate_content(generator)
    except BaseException:
        filecache.save(generator.context)
        raise


def _validate_content(generator) -> None:
    settings = generator.settings
    cfg = config.from_settings(settings)
    content = Path(settings["PATH"])
    profiles, profile_problems = authors.load_profiles(content, cfg.authors_path, settings)
    checker = validate.Validator(settings, cfg, profiles=profiles)
    problems = checker.run() + profile_problems
    problems += inventory.Inventory(settings, cfg.authors_path, cfg.ignored_files).problems()
    problems += inventory.outside_links(content, inventory.repository_of(content))
    theme = Path(settings["THEME"])
    problems += inventory.outside_links(theme, inventory.repository_of(theme))
    problems += report.other_checks(generator, checker.site)
    if report.warnings_are_fatal():
        problems += checker.warnings
    raise_if_any(problems, prefix=PREFIX)
    for warning in checker.warnings:
        log.warning(PREFIX + "%s", warning)
    generator.context["author_profiles"] = profiles


ACTIVE_MESSAGE = ("du HTML actif peut charger n'importe quoi de n'importe où dès que le navigateur d'un lecteur "
                  "l'exécute")
ACTIVE_FIX = ("retirez-le (mettez un lien vers la page au lieu de l'intégrer), ou écrivez "
              "EDITORIAL['allow_scripts'] = True dans pelicanconf.py s'il est vraiment nécessaire")
FOREIGN_MESSAGE = ("le navigateur d'un lecteur irait le chercher sur un autre site sans un clic (le site ne charge "
                   "rien d'un autre site)")
FOREIGN_FIX = ("mettez le fichier dans content/images/ et utilisez {static}/images/<fichier>, ou faites un lien vers "
               "lui au lieu de le charger")


def _own_hosts(settings) -> frozenset[str]:
    host = urls.host_of(settings.get("SITEURL") or "", "https://own-page.invalid/")
    return frozenset({host} if host and host != "own-page.invalid" else set())


def _markup_problems(path, field: str, html: str, own: frozenset[str], scans, fragment: bool = True,
                     css: bool = False, xml: bool = False) -> list[Problem]:
    """The active HTML and foreign loads of one text; `scans`: the build's filecache section, keyed on the text."""
    found, foreign = scans.for_text(f"{fragment:d}{css:d}{xml:d}" + html, lambda: _scan(html, own, fragment, css, xml))
    if not found and not foreign:
        return []
    file = display_path(path)  # only for a message: resolving a thousand paths costs
    problems = []
    if found:
        problems.append(Problem(file, field, ", ".join(found), ACTIVE_MESSAGE, ACTIVE_FIX))
    problems += [Problem(file, field, url, FOREIGN_MESSAGE, FOREIGN_FIX) for url in foreign]
    return problems


def _scan(html: str, own: frozenset[str], fragment: bool, css: bool, xml: bool) -> tuple[list[str], list[str]]:
    found, foreign = active.check(html, own, fragment, css)
    return found + (active.xml_constructs(html) if xml else []), foreign


def refuse_active_content(generators) -> None:
    """Fail the build on active HTML or loads from other hosts in what writers publish (unless allowed).

    Once every generator has read its files, so that one build names every problem: articles and
    pages (their rendered HTML), author bios, and the files under content/ copied as they are.
    """
    if not generators:
        return
    try:
        _refuse_active_content(generators)
    finally:  # the last use of this build's file cache: written once, whether the build goes on or not
        filecache.save(generators[0].context)


def _refuse_active_content(generators) -> None:
    from pelican.generators import StaticGenerator

    settings = generators[0].settings
    if config.from_settings(settings).allow_scripts:
        return
    own = _own_hosts(settings)
    # What a text holds depends on the text and the site's own hosts only.
    scans = filecache.of(generators[0].context, settings).section("markup", tuple(sorted(own)))
    groups = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations",
              "pages", "hidden_pages", "draft_pages", "draft_translations")
    problems = []
    for generator in generators:
        for item in (item for name in groups for item in getattr(generator, name, []) or []):
            problems += _markup_problems(item.source_path, "HTML", getattr(item, "_content", "") or "", own, scans)
    for profile in (generators[0].context.get("author_profiles") or {}).values():
        problems += _markup_problems(profile.source_path, "bio (HTML)", profile.bio, own, scans)
    for generator in (g for g in generators if isinstance(g, StaticGenerator)):
        for static in getattr(generator, "staticfiles", []) or []:
            path = Path(static.source_path)
            suffix = path.suffix.lower()
            if suffix not in active.DOCUMENTS + active.STYLESHEETS:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            problems += _markup_problems(path, "file", text, own, scans, fragment=False,
                                         css=suffix in active.STYLESHEETS, xml=suffix in active.XML_DOCUMENTS)
    raise_if_any(problems, prefix=PREFIX + "HTML actif dans le contenu. ")


def french_typography(instance) -> None:
    """Apply French no-break spaces to an article's or page's title (Markdown does the text: typography.py)."""
    if isinstance(instance, (Article, Page)) and getattr(instance, "title", None):
        instance.title = fix_text(instance.title)


def embargo_statics(generators) -> None:
    """In production, drop static files that only drafts link to."""
    from pelican.generators import ArticlesGenerator, PagesGenerator

    articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles is None or not config.from_settings(articles.settings).production:
        return
    pages = next((g for g in generators if isinstance(g, PagesGenerator)), None)
    published = list(articles.articles) + list(articles.translations)
    embargoed = list(articles.drafts) + list(articles.drafts_translations)
    if pages is not None:
        published += list(pages.pages) + list(pages.hidden_pages) + list(pages.translations)
        embargoed += list(pages.draft_pages) + list(pages.draft_translations)
    published += list(getattr(articles, "hidden_articles", []))
    dropped = embargo.drop_draft_only_statics(articles.context, published, embargoed)
    for path in dropped:
        log.info(PREFIX + "not publishing %s: only drafts or future articles use it", path)

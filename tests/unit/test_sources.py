"""One reading of the site: files, statuses, dates, slugs and addresses as Pelican makes them; French reports."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from pelican.settings import DEFAULT_CONFIG

from blogcore import report
from blogcore.errors import Problem, SiteError, SiteErrors
from blogcore.sources import Site, read_settings
from conftest import ROOT

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=PARIS)
ARTICLE = "Title: Un été à Paris\nDate: 2009-02-25 10:00\nAuthor: Yves Duron\n\nTexte.\n"


def site(tmp_path, files: dict, **settings) -> Site:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    values = {**DEFAULT_CONFIG, "PATH": str(tmp_path), "ARTICLE_PATHS": ["articles"], "PAGE_PATHS": ["pages"],
              "ARTICLE_EXCLUDES": ["articles/notes"], "PAGE_EXCLUDES": [], "TIMEZONE": "Europe/Paris",
              "DEFAULT_LANG": "fr", "WITH_FUTURE_DATES": False, "ARTICLE_URL": "{slug}/",
              "ARTICLE_SAVE_AS": "{slug}/index.html", "PAGE_URL": "pages/{slug}/", "DRAFT_URL": "drafts/{slug}/",
              "IGNORE_FILES": [".*", "*~"], **settings}
    return Site(values, now=NOW)


def test_files_are_the_ones_pelican_reads_with_the_settings_paths_excludes_and_ignores(tmp_path):
    content = site(tmp_path, {"articles/a.md": ARTICLE, "articles/sous/b.md": ARTICLE, "articles/.c.md": ARTICLE,
                              "articles/a.md~": ARTICLE, "articles/notes/d.md": ARTICLE, "pages/p.md": "Title: P\n\nx",
                              "autre/e.md": ARTICLE})
    assert [p.relative_to(tmp_path).as_posix() for p in content.files("article")] == ["articles/a.md",
                                                                                      "articles/sous/b.md"]
    assert [s.kind for s in content.sources()] == ["article", "article", "page"]
    assert content.folder("article") == tmp_path / "articles"


def test_slug_date_and_address_follow_the_settings(tmp_path):
    [source] = site(tmp_path, {"articles/a.md": ARTICLE}).sources("article")
    assert source.slug == "un-ete-a-paris"
    assert source.date == dt.datetime(2009, 2, 25, 10, 0, tzinfo=PARIS)  # the site's time zone when none is written
    assert (source.status, source.url, source.save_as) == ("published", "un-ete-a-paris/", "un-ete-a-paris/index.html")
    [source] = site(tmp_path, {}, SLUGIFY_SOURCE="basename", ARTICLE_URL="{date:%Y}/{slug}.html").sources("article")
    assert (source.slug, source.url) == ("a", "2009/a.html")


def test_status_is_what_pelican_makes_of_it(tmp_path):
    files = {"articles/futur.md": ARTICLE.replace("2009-02-25", "2099-01-01").replace("Un été", "Futur"),
             "articles/brouillon.md": ARTICLE.replace("Un été", "Brouillon") + "",
             "pages/p.md": "Title: Transparence\nStatus: Hidden\n\nx"}
    files["articles/brouillon.md"] = files["articles/brouillon.md"].replace("Author:", "Status: draft\nAuthor:")
    content = site(tmp_path, files)
    by_slug = {s.slug: s for s in content.sources()}
    assert by_slug["futur-a-paris"].declared_status == "published" and by_slug["futur-a-paris"].embargoed
    assert by_slug["futur-a-paris"].url == "drafts/futur-a-paris/"  # DRAFT_URL, as Pelican writes it
    assert by_slug["brouillon-a-paris"].status == "draft"
    assert content.page("transparence").status == "hidden" and content.page("transparence").url == "pages/transparence/"
    assert content.page("absente") is None
    later = site(tmp_path, {}, WITH_FUTURE_DATES=True)
    assert later.articles()["futur-a-paris"].status == "published"


def test_a_bad_date_is_kept_with_its_reason(tmp_path):
    [source] = site(tmp_path, {"articles/a.md": ARTICLE.replace("2009-02-25 10:00", "25/02/2009")}).sources()
    assert source.date is None and isinstance(source.date_error, ValueError) and source.slug == "un-ete-a-paris"


def test_the_real_settings_are_read_by_pelican():
    content = Site(read_settings(ROOT / "pelicanconf.py"))
    articles = content.articles()
    assert len(articles) >= 5 and all(s.url == f"{slug}/" for slug, s in articles.items())
    assert content.page("transparence").url == "transparence/"


def test_a_problem_is_one_french_line_naming_file_field_value_and_fix():
    problem = Problem("content/articles/a.md", "Category:", "Esais\nbis", "catégorie inconnue : vouliez-vous dire "
                      "« Essais » ?", "utilisez une catégorie déclarée")
    text = str(problem)
    assert "\n" not in text
    assert text == ("content/articles/a.md: Category: = 'Esais\\nbis': catégorie inconnue : vouliez-vous dire « Essais » ? "
                    "Correction : utilisez une catégorie déclarée")
    many = str(SiteErrors([problem, Problem("b.md", "Title:", None, "absent", "ajoutez-le")]))
    assert many.splitlines()[0].startswith("2 problèmes à corriger") and "b.md: Title: = (absent): absent. " in many


@pytest.fixture
def pelican_logger():
    logger = logging.getLogger("pelican")
    saved = list(logger.filters)
    yield logger
    logger.filters[:] = saved


def test_a_content_error_ends_the_build_with_its_lines_and_no_traceback(pelican_logger, capsys):
    report.install()
    report.install()  # once per process, however many builds
    [quiet] = [f for f in pelican_logger.filters if isinstance(f, report._ContentErrors)]
    error = SiteError("a.md", "Date:", "hier", "ce n'est pas une date lisible", "écrivez 2026-11-22")

    def record(exc):
        return logging.LogRecord("pelican", logging.CRITICAL, __file__, 1, "%s", ("x",), (type(exc), exc, None))

    assert quiet.filter(record(error)) is False
    assert capsys.readouterr().err.strip() == str(error)
    assert quiet.filter(record(RuntimeError("Warning or error encountered"))) is False
    assert "avertissement" in capsys.readouterr().err
    assert quiet.filter(record(KeyError("bug")))  # a bug keeps its traceback


def test_other_plugins_add_their_problems_to_the_one_report():
    found = Problem("c.md", "Status:", "x", "statut inconnu", "utilisez approved")

    def check(generator, site):
        return [found]

    report.CONTENT_CHECKS.connect(check)
    try:
        assert found in report.other_checks(object(), site=None)
    finally:
        report.CONTENT_CHECKS.disconnect(check)

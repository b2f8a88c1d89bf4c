"""The commercial mention where it needs a git history or the intake to be seen.

tests/test_transparency_site.py reads a build made outside git and without
an intake. The Transparence page's table of versions needs git, and the
community page's list of articles to contribute to, and the intake's own
pages and e-mails, need an intake: here the same texts (tests/fixtures/site and
tests/fixtures/transparency, a hidden sponsored article included) are built
from a real git repository with ``INTAKE_URL`` set, and the intake service
runs on 127.0.0.1 against a bare repository whose article declares a
partnership.
"""

from __future__ import annotations

import json
import os
import subprocess
from urllib.parse import urlsplit

import pytest

from conftest import Build, run_pelican
from htmlcheck import soup
from intake_support import (  # noqa: F401 (remote, seeded: fixtures)
    ARTICLE, form_values, git, receipt_of, remote, request, seeded, serve_intake, submit, wait_for,
)
from test_intake_people import mail_settings, smtp_server
from test_transparency_site import HIDDEN, MENTIONS, SETTINGS, content_with_transparency

# One worker runs this file: its tests share module-scoped builds (README, "For developers").
pytestmark = [pytest.mark.build]

INTAKE = "https://intake.example.org/"


@pytest.fixture(scope="module")
def site_in_git(tmp_path_factory) -> Build:
    """The transparency texts committed to a repository, built for production with an intake."""
    root = tmp_path_factory.mktemp("mention-git")
    content = content_with_transparency(root)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Rédaction Test", "GIT_AUTHOR_EMAIL": "redaction@example.org",
           "GIT_COMMITTER_NAME": "Rédaction Test", "GIT_COMMITTER_EMAIL": "redaction@example.org",
           "GIT_AUTHOR_DATE": "2023-01-02T10:00:00+01:00", "GIT_COMMITTER_DATE": "2023-01-02T10:00:00+01:00"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Les textes"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    build = run_pelican(content, root / "out", "publishconf.py", fatal="warnings", overrides=SETTINGS,
                        env={"INTAKE_URL": INTAKE})
    assert build.returncode == 0, build.log
    return build


def test_the_table_of_versions_shows_the_mention_before_each_sponsored_title(site_in_git):
    rows = soup(site_in_git.output / "transparence" / "index.html").select("#versions-par-article tbody tr")
    slugs = [urlsplit(row.th.a["href"]).path.strip("/") for row in rows]
    assert set(MENTIONS) <= set(slugs) and HIDDEN not in slugs, "listed articles only"
    for row, slug in zip(rows, slugs):
        mention = row.th.select_one(".disclosure-inline")
        if slug in MENTIONS:
            assert mention.strong.get_text() == MENTIONS[slug]
            assert row.th.find_all(True).index(mention) < row.th.find_all(True).index(row.th.a)
        else:
            assert mention is None, slug
    export = json.loads(site_in_git.page("transparence.json"))
    by_slug = {urlsplit(a["url"]).path.strip("/"): a for a in export["revisions"]["articles"]}
    assert by_slug.keys() == set(slugs)
    assert all(a["mention"] == MENTIONS.get(slug) for slug, a in by_slug.items())


def test_the_community_page_offers_each_article_with_its_mention(site_in_git):
    options = soup(site_in_git.output / "communaute" / "index.html").select("#champ-article option[value]")
    offered = {o["value"]: o.get_text() for o in options if o["value"]}
    assert HIDDEN not in offered and set(MENTIONS) <= set(offered)
    for slug, text in offered.items():
        if slug in MENTIONS:
            assert text.endswith(f" ({MENTIONS[slug]})"), text
        else:
            assert "Publicité" not in text and "(" not in text, text


def test_the_intake_names_a_sponsored_article_with_its_mention(tmp_path, remote):
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True)
    path = next(p for p in (work / "content" / "articles").rglob("*.md")
                if f"Slug: {ARTICLE}\n" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nLang: fr\n", "\nLang: fr\nPartnership: collaboration\nSponsor: Maison Exemple\n", 1),
                    encoding="utf-8")
    git(work, "commit", "-q", "-am", "Une collaboration commerciale")
    git(work, "push", "-q", "origin", "HEAD:main")
    with smtp_server() as (port, inbox), serve_intake(tmp_path, remote, **mail_settings(port)) as service:
        answer = request(service.url + "contribution", form_values())
        assert answer.status == 200, answer.text[:2000]
        html = soup_of(answer.text)
        line = html.select_one(".article__header p")
        assert " ".join(line.get_text().split()) == ("Sur l’article Le Marketing 2.0 vu par ... Yves Duron "
                                                     "(Publicité — collaboration commerciale avec Maison Exemple).")
        assert line.a.find_next_sibling("span", class_="disclosure-inline--after") is not None
        receipt_of(submit(service, courriel="lectrice@courriel-test.fr"))  # the e-mails name it the same way
        wait_for(lambda: inbox, message="the confirmation e-mail")
        assert ("une contribution sur « Le Marketing 2.0 vu par ... Yves Duron » (Publicité — collaboration "
                "commerciale avec Maison Exemple)") in " ".join(inbox[0].get_content().split())


def soup_of(text: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser")

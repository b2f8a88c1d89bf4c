"""Contributions as readers see them: the fixture site built for production."""

from __future__ import annotations

import json
import re

import pytest

from conftest import copy_site, run_pelican
from htmlcheck import soup, text_of

pytestmark = pytest.mark.build

SECRETS = ["SECRET-PENDING", "SECRET-REJECTED", "SECRET-DRAFT-CONTRIB", "Hector Brouillon", "Bob Attente",
           "Carl Refus", "alice.secret@example.org", "203.0.113.7"]


def article(build, slug="premier-article"):
    return soup(build.output / slug / "index.html")


def test_unapproved_and_private_data_appear_nowhere(fixture_production):
    for path in fixture_production.files():
        data = path.read_text(encoding="utf-8", errors="replace")
        for secret in SECRETS:
            assert secret not in data, (secret, path)


def test_threads_nest_replies_and_keep_placeholders(fixture_production):
    section = article(fixture_production).select_one("section#contributions")
    assert section.h2.get_text(" ", strip=True).startswith("Contributions de la communauté")
    reply = section.select_one("#contribution-alice-1").find_parent("li").select_one("ol #contribution-marque-1")
    assert reply is not None, "the brand's reply is nested under Alice's comment"
    placeholder = section.select_one("#contribution-retire-1")
    assert "Contribution retirée" in placeholder.get_text() and not placeholder.select("a[rel]")
    assert placeholder.find_parent("li").select_one("ol #contribution-dora-1")


def test_deep_threads_stay_readable(fixture_production):
    section = article(fixture_production).select_one("section#contributions")
    depth = {f"fil-{n}": len(section.select_one(f"#contribution-fil-{n}").find_parents("ol")) for n in range(1, 8)}
    assert depth["fil-1"] < depth["fil-2"] < depth["fil-3"] < depth["fil-4"]
    assert depth["fil-7"] == depth["fil-4"], "nesting stops at max_depth"
    reply = section.select_one("#contribution-fil-6 .contribution__reply a")
    assert reply["href"] == "#contribution-fil-5" and reply.get_text() == "Participant 5"


def test_official_reply_is_labelled_and_dates_are_french(fixture_production):
    section = article(fixture_production).select_one("section#contributions")
    official = section.select_one("#contribution-marque-1")
    assert "Réponse officielle de la marque" in official.get_text()
    assert section.select_one("#contribution-alice-1 time").get_text() == "2 janvier 2020"


def test_author_links_are_ugc_nofollow_noopener(fixture_production):
    link = article(fixture_production).select_one("#contribution-alice-1 .contribution__author a")
    assert link["href"] == "https://alice.example.org/blog"
    assert set(link["rel"]) == {"ugc", "nofollow", "noopener"}


def test_idea_shows_votes_and_status(fixture_production):
    idea = text_of(article(fixture_production), "#contribution-idee-1")
    assert "12 votes" in idea and "à l’étude" in idea


def test_counts_on_list_pages(fixture_production):
    home = soup(fixture_production.output / "index.html")
    counts = {a["href"]: a.get_text() for a in home.select("a.card__contributions")}
    assert counts["https://marques-communautes.github.io/premier-article/#contributions"] == "12 contributions"
    assert counts["https://marques-communautes.github.io/second/#contributions"] == "3 contributions"


def test_json_ld_lists_every_published_contribution_and_cannot_be_closed(fixture_production):
    html = fixture_production.page("premier-article/index.html")
    blocks = [block for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
              if json.loads(block)["@type"] != "Organization"]  # the site's Organization is on every page
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    # A republication (the article has a Source:) is an Article (type of work, plugins/transparency).
    assert data["@type"] == "Article" and data["commentCount"] == 12
    ids = {c["@id"].split("#")[1] for c in data["comment"]}
    assert "contribution-alice-1" in ids and "contribution-bob-pending" not in ids
    assert all(c["@type"] == "Comment" for c in data["comment"])
    code = next(c for c in data["comment"] if c["@id"].endswith("code-1"))
    assert "</script><b>" in code["text"], "the text is kept, escaped inside the JSON"
    assert "</script><b>" not in blocks[0] and "\\u003c/script\\u003e" in blocks[0]


def test_inline_quote_card_links_to_the_contribution(fixture_production):
    card = article(fixture_production, "second").select_one("figure.quote-card")
    assert "Merci pour cet article" in card.blockquote.get_text()
    assert card.select_one("figcaption a")["href"] == "https://marques-communautes.github.io/premier-article/#contribution-alice-1"
    assert "Alice Martin" in card.figcaption.get_text()


def test_community_pages(fixture_production):
    community = text_of(soup(fixture_production.output / "communaute" / "index.html"))
    assert "Alice Martin" in community and "Participant 7" in community
    contributors = soup(fixture_production.output / "contributeurs" / "index.html")
    names = [a.get_text() for a in contributors.select("main li a")]
    assert "Alice Martin" in names and "La rédaction" not in names
    alice = soup(fixture_production.output / "contributeur" / "alice-martin" / "index.html")
    dates = [t["datetime"] for t in alice.select("main article time")]
    assert dates == sorted(dates, reverse=True) and len(dates) == 2


def test_moderation_figures_are_live(fixture_production):
    table = soup(fixture_production.output / "a-propos" / "index.html").select_one("table.moderation-figures")
    figures = {row.th.get_text(): int(row.td.get_text()) for row in table.select("tbody tr")}
    assert figures == {"Contributions reçues": 19, "Publiées (approuvées)": 15, "En attente de modération": 1,
                       "Refusées": 1, "Retirées (caviardées)": 1}


def test_contribution_files_are_not_pages(fixture_production):
    assert not list(fixture_production.output.rglob("*alice-1*"))
    assert "contributions" not in {p.name for p in fixture_production.output.iterdir()}


BAD = {
    "unknown article": ("Article: premier-article", "Article: inconnu",
                        ["alice-1.md", "Article:", "'inconnu'", "aucun article n'a cette adresse"]),
    "missing field": ("Author: Alice Martin\n", "", ["alice-1.md", "Author:", "(absent)", "Correction :"]),
    "bad date": ("Date: 2020-01-02 09:15:00+01:00", "Date: le 2 janvier", ["alice-1.md", "Date:", "'le 2 janvier'", "ISO 8601"]),
    "reply to missing id": ("Status: approved", "Status: approved\nReply_to: fantome", ["alice-1.md", "Reply_to:", "'fantome'"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_contribution_fails_the_build(tmp_path, case):
    old, new, expected = BAD[case]
    content = copy_site(tmp_path)
    path = content / "contributions" / "premier-article" / "alice-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    build = run_pelican(content, tmp_path / "out", "publishconf.py")
    log = " ".join(build.log.split())
    assert build.returncode != 0
    for piece in expected:
        assert piece in log, (piece, build.log)


def test_duplicate_id_fails_the_build(tmp_path):
    content = copy_site(tmp_path)
    source = content / "contributions" / "premier-article" / "alice-1.md"
    (content / "contributions" / "premier-article" / "alice-1-copie.md").write_text(source.read_text(encoding="utf-8"))
    build = run_pelican(content, tmp_path / "out")
    assert build.returncode != 0 and "le même identifiant" in build.log


@pytest.mark.parametrize("ident, message", [("nimporte", "aucune contribution n'a cet identifiant"),
                                            ("bob-pending", "pending, pas approuvée")])
def test_quoting_unknown_or_unapproved_contribution_fails(tmp_path, ident, message):
    content = copy_site(tmp_path)
    path = content / "articles" / "second.md"
    path.write_text(path.read_text(encoding="utf-8").replace("[[contribution:alice-1]]", f"[[contribution:{ident}]]"))
    build = run_pelican(content, tmp_path / "out")
    log = " ".join(build.log.split())
    assert build.returncode != 0 and "second.md" in log and ident in log and message in log

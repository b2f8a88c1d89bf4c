"""Entry ids are minted once and never change (feed rule 1)."""

from __future__ import annotations

import re
import runpy

from test_feeds_support import AUTHORITY, PARIS, ROOT, make_article, paris

from blogcore.headers import read_header
from syndication import ids
from syndication.entries import article_entry, contribution_entry
from syndication.generator import check_feed_ids
from test_feeds_support import FakeContribution

FEED_ID = "tag:marques-communautes.github.io,2020-01-01:3f9c2a71"


def _entry(article, base="https://example.org"):
    return article_entry(article, base, PARIS, AUTHORITY)


def test_id_survives_title_slug_category_tags_and_scheme_changes():
    before = _entry(make_article(feed_id=FEED_ID), base="http://example.org")
    after = _entry(make_article(title="Un tout autre titre", slug="nouvelle-adresse", category="Stratégie",
                                tags=("publicité", "e-réputation"), feed_id=FEED_ID,
                                source="/site/content/articles/ailleurs/renomme.md"),
                   base="https://www.example.net")
    assert before.id == after.id == FEED_ID
    assert before.url != after.url and before.title != after.title  # everything else did change


def test_fallback_id_is_deterministic_and_independent_of_title_slug_category_tags_and_url():
    one = _entry(make_article(), base="http://example.org")
    two = _entry(make_article(title="Autre", slug="autre", category="Stratégie", tags=("x",)),
                 base="https://example.net")
    assert one.id == two.id == "tag:marques-communautes.github.io,2020-01-01:source/premier-article"
    assert ids.TAG_URI.match(one.id)


def test_fallback_id_uses_the_day_in_paris_and_the_file_name():
    late = make_article(date=paris(2020, 12, 31, 23, 30), source="/c/articles/Été 2020.md")
    value, fallback = ids.article_id(late, AUTHORITY, PARIS)
    assert fallback and value == "tag:marques-communautes.github.io,2020-12-31:source/%C3%89t%C3%A9%202020"
    assert ids.is_valid(value)


def test_missing_feed_id_warns_with_the_line_to_paste():
    published = [make_article(), make_article(slug="b", feed_id=FEED_ID, source="/c/articles/b.md")]
    problems, warnings = check_feed_ids(published, [], AUTHORITY, PARIS)
    assert problems == []
    assert len(warnings) == 1
    assert "premier-article.md" in warnings[0]
    assert "Feed_id: tag:marques-communautes.github.io,2020-01-01:source/premier-article" in warnings[0]


def test_drafts_without_feed_id_do_not_warn():
    draft = make_article(status="draft")
    assert check_feed_ids([], [draft], AUTHORITY, PARIS) == ([], [])


def test_bad_and_duplicate_feed_ids_are_errors_naming_file_field_and_fix():
    bad = make_article(feed_id="https://example.org/premier-article/?id=1 2", source="/c/articles/bad.md")
    one = make_article(slug="a", feed_id=FEED_ID, source="/c/articles/a.md")
    two = make_article(slug="b", feed_id=FEED_ID, source="/c/articles/b.md")
    problems, _ = check_feed_ids([bad, one, two], [], AUTHORITY, PARIS)
    text = "\n".join(str(p) for p in problems)
    assert len(problems) == 2
    assert "bad.md: Feed_id:" in text and "not a tag URI" in text and "Correction : write e.g. 'Feed_id: tag:" in text
    assert "b.md: Feed_id:" in text and "the same id as" in text and "a.md" in text


def test_new_ids_are_tag_uris_with_a_random_token():
    first = ids.new_article_id(AUTHORITY, paris(2026, 11, 22).date())
    second = ids.new_article_id(AUTHORITY, paris(2026, 11, 22).date())
    assert re.fullmatch(r"tag:marques-communautes\.github\.io,2026-11-22:[0-9a-f]{8}", first)
    assert first != second and ids.is_valid(first)


def test_contribution_ids_depend_only_on_their_id_and_day():
    c = FakeContribution("alice-1", "premier-article", "Alice", paris(2020, 1, 2, 9, 15), body="<p>Merci</p>")
    article = make_article(feed_id=FEED_ID)
    moved = make_article(slug="ailleurs", title="Autre titre", feed_id=FEED_ID)
    one = contribution_entry(c, article, c.body, "http://example.org", PARIS, AUTHORITY)
    two = contribution_entry(c, moved, c.body, "https://example.net", PARIS, AUTHORITY)
    assert one.id == two.id == "tag:marques-communautes.github.io,2020-01-02:contribution:alice-1"
    assert ids.TAG_URI.match(one.id)


def test_every_article_of_the_site_carries_a_valid_unique_feed_id():
    authority = runpy.run_path(str(ROOT / "pelicanconf.py"))["SYNDICATION"]["id_authority"]
    seen = {}
    for path in sorted((ROOT / "content" / "articles").glob("*.md")):
        header = read_header(path)
        value = header.get("feed_id")
        assert value, f"{path.name}: add a Feed_id: line"
        assert ids.TAG_URI.match(value), (path.name, value)
        assert value.startswith(f"tag:{authority},"), (path.name, value)
        assert value not in seen, f"{path.name} has the same Feed_id as {seen.get(value)}"
        seen[value] = path.name

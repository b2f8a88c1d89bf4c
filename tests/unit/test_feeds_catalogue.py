"""Which feeds exist, what they contain, which pages link them (fake build context)."""

from __future__ import annotations

import dataclasses

from lxml import etree
from test_feeds_support import (AUTHORITY, CONFIG, PARIS, FakeCommunity, FakeContribution, make_article,
                                make_context, paris)

from syndication.catalogue import Catalogue
from syndication.entries import article_entry, contribution_entry
from syndication.generator import feed_document
from syndication.opml import opml_bytes

BASE = "https://example.org"


def articles():
    return [
        make_article(slug="a", title="A", date=paris(2021, 1, 1, 10), category="Essais", tags=("conversation",)),
        make_article(slug="b", title="B", date=paris(2021, 2, 1, 10), category="Promotion", tags=("offre",),
                     author="Yves Duron"),
        make_article(slug="c", title="C", date=paris(2021, 3, 1, 10), category="Essais", tags=("publicité", "conversation")),
    ]


def catalogue(arts=None, config=CONFIG, **kwargs) -> Catalogue:
    arts = articles() if arts is None else arts
    return Catalogue(make_context(arts, **kwargs), make_context(arts), config)


def slugs(feed):
    return [getattr(s, "slug", getattr(s, "id", None)) for s in feed.sources]


def test_paths_follow_the_documented_pattern():
    cat = catalogue()
    paths = sorted(p for f in cat.feeds for p in (f.path(fmt) for fmt in f.formats))
    assert paths == sorted([
        "flux/site.atom.xml", "flux/site.rss.xml", "flux/site.json",
        "flux/categorie/essais.atom.xml", "flux/categorie/essais.rss.xml",
        "flux/categorie/promotion.atom.xml", "flux/categorie/promotion.rss.xml",
        "flux/etiquette/conversation.atom.xml", "flux/etiquette/conversation.rss.xml",
        "flux/etiquette/offre.atom.xml", "flux/etiquette/offre.rss.xml",
        "flux/etiquette/publicite.atom.xml", "flux/etiquette/publicite.rss.xml",
        "flux/auteur/camille-temoin.atom.xml", "flux/auteur/camille-temoin.rss.xml",
        "flux/auteur/yves-duron.atom.xml", "flux/auteur/yves-duron.rss.xml",
    ])
    assert cat.find("site").url("json", BASE) == "https://example.org/flux/site.json"


def test_feeds_are_newest_first():
    cat = catalogue()
    assert slugs(cat.find("site")) == ["c", "b", "a"]
    assert slugs(cat.find("categorie", "essais")) == ["c", "a"]


def test_drafts_hidden_and_future_articles_are_in_no_feed():
    published = articles()
    hidden = make_article(slug="cache", status="hidden", category="Essais")
    draft = make_article(slug="brouillon", status="draft", category="Coulisses")
    future = make_article(slug="futur", date=paris(2099, 1, 1, 10), category="Essais")
    # Even if a hidden or future article slipped into the listed ones, the catalogue drops it.
    context = make_context(published + [hidden, future], hidden=[hidden], drafts=[draft])
    cat = Catalogue(context, context, CONFIG)
    everything = [s for f in cat.feeds for s in slugs(f)]
    assert "cache" not in everything and "futur" not in everything and "brouillon" not in everything
    assert cat.find("categorie", "coulisses") is None


def test_excluded_categories_and_tags_stay_out_of_site_feeds_but_keep_their_own():
    config = dataclasses.replace(CONFIG, exclude_categories_from_site=("Promotion",),
                                 exclude_tags_from_site=("publicite",))  # a slug works as well as a name
    cat = catalogue(config=config)
    assert slugs(cat.find("site")) == ["a"]
    assert slugs(cat.find("categorie", "promotion")) == ["b"]
    assert slugs(cat.find("etiquette", "publicite")) == ["c"]
    assert slugs(cat.find("categorie", "essais")) == ["c", "a"]
    assert slugs(cat.find("auteur", "yves-duron")) == ["b"]
    assert "Sans les articles de la catégorie Promotion ni portant l’étiquette publicite" in cat.find("site").description


def test_entries_per_feed_are_bounded_by_the_setting():
    many = [make_article(slug=f"a{i:02d}", date=paris(2021, 1, 1 + i, 10), source=f"/c/articles/a{i:02d}.md")
            for i in range(12)]
    config = dataclasses.replace(CONFIG, max_entries=5)
    cat = catalogue(many, config=config)
    feed = cat.find("site")
    doc = feed_document(feed, lambda a: article_entry(a, BASE, PARIS, AUTHORITY), config, BASE, "fr", "Éditeur",
                        lambda: None)
    assert [e.key for e in doc.entries] == ["a11", "a10", "a09", "a08", "a07"]
    assert doc.updated == paris(2021, 1, 12, 10)  # the newest entry's date, never the build time


def test_empty_feed_gets_a_stable_date():
    config = dataclasses.replace(CONFIG, exclude_categories_from_site=("Essais", "Promotion"))
    feed = catalogue(config=config).find("site")
    doc = feed_document(feed, lambda a: None, config, BASE, "fr", "Éditeur", lambda: paris(2021, 3, 1, 10))
    assert doc.entries == () and doc.updated == paris(2021, 3, 1, 10)


def _community():
    contributions = [
        FakeContribution("c1", "a", "Alice", paris(2021, 1, 2, 9), body='<p>Merci <a href="/b/">b</a></p>'),
        FakeContribution("c2", "a", "Élise", paris(2021, 6, 3, 9), kind="idea", body="<p>Une idée</p>"),
        FakeContribution("c3", "a", "La rédaction", paris(2021, 1, 4, 9), official=True, body="<p>Réponse</p>"),
        FakeContribution("p1", "a", "Bob", paris(2021, 1, 5, 9), status="pending", body="<p>SECRET-PENDING</p>"),
        FakeContribution("r1", "a", "Carl", paris(2021, 1, 6, 9), status="rejected", body="<p>SECRET-REJECTED</p>"),
        FakeContribution("h1", "cache", "Hector", paris(2021, 1, 7, 9), body="<p>SECRET-HIDDEN</p>"),
        FakeContribution("b1", "b", "Bea", paris(2021, 2, 2, 9), body="<p>Sur la promo</p>"),
    ]
    return FakeCommunity(contributions, listed={"a", "b", "c"})


def test_community_feeds_hold_approved_contributions_of_published_articles_only():
    hidden = make_article(slug="cache", status="hidden")
    cat = catalogue(community=_community(), hidden=[hidden])
    assert slugs(cat.find("communaute")) == ["c2", "b1", "c3", "c1"]
    assert slugs(cat.find("contributions", "a")) == ["c2", "c3", "c1"]
    assert slugs(cat.find("contributions", "b")) == ["b1"]
    assert cat.find("contributions", "c") is None  # no contribution, no feed
    assert cat.find("contributions", "cache") is None
    assert cat.find("communaute").path("atom") == "flux/communaute.atom.xml"
    assert cat.find("contributions", "a").path("rss") == "flux/contributions/a.rss.xml"


def test_community_feed_respects_site_exclusions():
    config = dataclasses.replace(CONFIG, exclude_categories_from_site=("Promotion",))
    cat = catalogue(config=config, community=_community())
    assert "b1" not in slugs(cat.find("communaute"))
    assert slugs(cat.find("contributions", "b")) == ["b1"]


def test_contribution_entries_link_to_their_anchor_with_absolute_urls_and_french_titles():
    cat = catalogue(community=_community())
    article = cat.article("a")
    by_id = {c.id: c for c in cat.find("contributions", "a").sources}
    alice = contribution_entry(by_id["c1"], article, by_id["c1"].body, BASE, PARIS, AUTHORITY)
    assert alice.url == "https://example.org/a/#contribution-c1"
    assert alice.id == "tag:marques-communautes.github.io,2021-01-02:contribution:c1"
    assert alice.title == "Commentaire d’Alice sur «\u00a0A\u00a0»"
    assert 'href="https://example.org/b/"' in alice.content_html
    assert alice.summary_text == "Merci b" and alice.published.isoformat() == "2021-01-02T09:00:00+01:00"
    idea = contribution_entry(by_id["c2"], article, by_id["c2"].body, BASE, PARIS, AUTHORITY)
    assert idea.title.startswith("Idée d’Élise") and idea.published.isoformat().endswith("+02:00")
    official = contribution_entry(by_id["c3"], article, by_id["c3"].body, BASE, PARIS, AUTHORITY)
    assert official.title.startswith("Réponse officielle de La rédaction")


def test_without_the_community_object_there_is_no_community_feed():
    cat = catalogue()
    assert cat.community is None
    assert cat.find("communaute") is None
    assert not [f for f in cat.feeds if f.scope == "contributions"]


def test_head_links_site_feeds_everywhere_plus_what_the_page_shows():
    cat = catalogue(community=_community())
    site = [link.path for link in cat.head_links()]
    assert site == ["flux/site.atom.xml", "flux/site.rss.xml", "flux/site.json",
                    "flux/communaute.atom.xml", "flux/communaute.rss.xml"]
    article = cat.article("a")
    on_article = [link.path for link in cat.head_links(article=article, category=article.category)]
    assert on_article[:5] == site
    assert on_article[5:] == ["flux/categorie/essais.atom.xml", "flux/categorie/essais.rss.xml",
                              "flux/etiquette/conversation.atom.xml", "flux/etiquette/conversation.rss.xml",
                              "flux/auteur/camille-temoin.atom.xml", "flux/auteur/camille-temoin.rss.xml",
                              "flux/contributions/a.atom.xml", "flux/contributions/a.rss.xml"]
    titles = [link.title for link in cat.head_links(article=article)]
    assert "Marques & communautés — tous les articles (Atom)" in titles
    assert "Catégorie Essais (RSS)" in titles and "Étiquette conversation (Atom)" in titles
    assert "Articles de Camille Témoin (Atom)" in titles
    assert "Contributions sur «\u00a0A\u00a0» (Atom)" in titles
    b = cat.article("b")
    assert "Articles d’Yves Duron (RSS)" in [link.title for link in cat.head_links(author=b.authors[0])]
    tag_page = [link.path for link in cat.head_links(tag=b.tags[0])]
    assert tag_page[5:] == ["flux/etiquette/offre.atom.xml", "flux/etiquette/offre.rss.xml"]
    types = {link.type for link in cat.head_links(article=article)}
    assert types == {"application/atom+xml", "application/rss+xml", "application/feed+json"}


def test_opml_lists_every_feed_in_atom_grouped_like_the_follow_page():
    cat = catalogue(community=_community())
    root = etree.fromstring(opml_bytes(cat))
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Marques & communautés — tous les flux"
    outlines = root.findall("body/outline/outline")
    assert sorted(o.get("xmlUrl") for o in outlines) == sorted(f.url("atom", BASE) for f in cat.feeds)
    for outline in outlines:
        assert outline.get("type") == "rss" and outline.get("text") and outline.get("title")
        assert outline.get("htmlUrl").startswith("https://example.org/")
    assert [g.get("text") for g in root.findall("body/outline")] == [g.heading for g in cat.groups()]

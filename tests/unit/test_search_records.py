"""What the search index receives: one record per published article and page, one per article's contributions."""

import datetime as dt
from types import SimpleNamespace

from community.model import Contribution
from search.records import Record, Section, build_records

PARIS = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.timezone.utc)


def article(slug, title, *, status="published", date=dt.datetime(2009, 2, 25, tzinfo=PARIS), **extra):
    return SimpleNamespace(slug=slug, url=f"{slug}/", title=title, status=status, date=date,
                           content=f"<p>Texte de <em>{slug}</em>.</p>", category=SimpleNamespace(name="Stratégie"),
                           authors=[SimpleNamespace(name="Yves Duron")], **extra)


class Community:
    """The part of the community plugin's index that records use."""

    def __init__(self, contributions):
        self.published = list(reversed(contributions))  # newest first, as the plugin's: given oldest first here

    def url(self, contribution):
        return f"{contribution.article}/#{contribution.anchor}"

    def body_text(self, contribution):
        return f"Texte de {contribution.id}"


def contribution(ident, article_slug, status="approved", author="Emmanuel", **extra):
    return Contribution(id=ident, article=article_slug, author=author, date=dt.datetime(2009, 2, 27, tzinfo=PARIS),
                        status=status, **extra)


def test_records_of_published_articles_pages_and_approved_contributions_only():
    published = article("marketing", "Le Marketing 2.0")
    draft = article("brouillon", "Brouillon", status="draft")
    hidden = article("cache", "Caché", status="hidden")
    future = article("futur", "Futur", date=dt.datetime(2099, 1, 1, tzinfo=PARIS))
    page = SimpleNamespace(url="transparence/", title="Transparence", status="published", content="<p>Qui publie</p>")
    hidden_page = SimpleNamespace(url="secret/", title="Secret", status="hidden", content="<p>x</p>")
    contributions = [contribution("c-ok", "marketing"), contribution("c-pending", "marketing", status="pending"),
                     contribution("c-on-draft", "brouillon"), contribution("c-on-future", "futur"),
                     contribution("c-idea", "marketing", kind="idea", official=True)]
    context = {"articles": [published, draft, hidden, future], "pages": [page, hidden_page],
               "community": Community(contributions)}

    records = build_records(context, now=NOW)

    assert [r.url for r in records] == ["marketing/", "transparence/", "marketing/#contributions"]
    first, page_record, thread = records
    assert first == Record(url="marketing/", kind="article", title="Le Marketing 2.0",
                           body="<p>Texte de <em>marketing</em>.</p>", date="25 février 2009", author="Yves Duron",
                           category="Stratégie")
    assert first.filters() == {"kind": ["Article"], "category": ["Stratégie"]}
    assert first.meta() == {"title": "Le Marketing 2.0", "date": "25 février 2009", "author": "Yves Duron"}
    assert page_record.kind == "page" and page_record.filters() == {"kind": ["Page"]} and page_record.body == "<p>Qui publie</p>"
    # the published article's approved contributions, oldest first, each at its anchor; nothing else
    assert thread.sections == (
        Section("contribution-c-ok", "Commentaire d’Emmanuel, 27 février 2009", "Texte de c-ok"),
        Section("contribution-c-idea", "Idée d’Emmanuel (réponse officielle), 27 février 2009", "Texte de c-idea"))
    assert thread.meta() == {"title": "Contributions de la communauté", "article": "Le Marketing 2.0"}
    assert thread.filters() == {"kind": ["Contribution"], "category": ["Stratégie"]}


def test_an_article_reaches_pagefind_as_its_published_html_with_its_metadata_and_filters():
    page = build_records({"articles": [article("marketing", "Le Marketing 2.0")]}, now=NOW)[0].html("fr")
    assert page.startswith('<!DOCTYPE html><html lang="fr">')
    assert page.endswith("<body><p>Texte de <em>marketing</em>.</p></body></html>")
    for key, value in (("meta", "title[content]\" content=\"Le Marketing 2.0"), ("meta", "author[content]\" content=\"Yves Duron"),
                       ("meta", "date[content]\" content=\"25 février 2009"), ("filter", "kind[content]\" content=\"Article"),
                       ("filter", "category[content]\" content=\"Stratégie")):
        assert f'<meta data-pagefind-{key}="{value}">' in page


def test_a_thread_reaches_pagefind_as_escaped_text_with_one_anchored_heading_per_contribution():
    hostile = contribution("c-x", "marketing", author="<img src=x onerror=alert(1)>")
    community = Community([hostile])
    community.body_text = lambda c: '</p><script>alert("x")</script>'
    context = {"articles": [article("marketing", "Le « Marketing » & <co>")], "community": community}
    page = build_records(context, now=NOW)[1].html("fr")
    assert "<script>" not in page and "<img" not in page
    assert '<h2 id="contribution-c-x">Commentaire de &lt;img src=x onerror=alert(1)&gt;, 27 février 2009</h2>' in page
    assert '<p>&lt;/p&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>' in page
    assert '<meta data-pagefind-meta="article[content]" content="Le « Marketing » &amp; &lt;co&gt;">' in page
    assert '<meta data-pagefind-filter="kind[content]" content="Contribution">' in page


def test_contributions_can_be_left_out_and_a_site_without_community_works():
    context = {"articles": [article("a", "A")], "pages": [], "community": Community([contribution("c", "a")])}
    assert [r.kind for r in build_records(context, contributions=False, now=NOW)] == ["article"]
    assert [r.kind for r in build_records({"articles": [article("a", "A")]}, now=NOW)] == ["article"]


def test_editorial_dates_and_unknown_authors_are_said_as_on_the_site():
    item = article("citoyens", "Citoyens !", date_origin="editorial", author_origin="unknown")
    record = build_records({"articles": [item]}, now=NOW)[0]
    assert record.date == "Mis en ligne le 25 février 2009" and record.author == "Auteur inconnu"


def test_an_article_with_a_counterpart_gives_its_records_its_mention_and_keeps_their_kind():
    from transparency.fields import Disclosure

    paid = article("atelier", "Un atelier", disclosure=Disclosure("produit-offert", "Atelier Z"))
    plain = article("marketing", "Le Marketing 2.0")
    context = {"articles": [paid, plain],
               "community": Community([contribution("c-1", "atelier"), contribution("c-2", "marketing")])}
    records = {r.url: r for r in build_records(context, now=NOW)}
    for url in ("atelier/", "atelier/#contributions"):
        assert records[url].meta()["disclosure"] == "Produit offert par Atelier Z"
        assert f'data-pagefind-meta="disclosure[content]" content="Produit offert par Atelier Z"' in records[url].html("fr")
    assert records["atelier/"].filters()["kind"] == ["Article"]
    assert records["atelier/#contributions"].filters()["kind"] == ["Contribution"]
    assert "disclosure" not in records["marketing/"].meta() and "disclosure" not in records["marketing/#contributions"].meta()

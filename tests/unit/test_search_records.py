"""What the search index receives: one record per published article, page and approved contribution."""

import datetime as dt
from types import SimpleNamespace

from community.model import Contribution
from search.records import Record, build_records, html_text, of_name

PARIS = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.timezone.utc)


def article(slug, title, *, status="published", date=dt.datetime(2009, 2, 25, tzinfo=PARIS), **extra):
    return SimpleNamespace(slug=slug, url=f"{slug}/", title=title, status=status, date=date,
                           content=f"<p>Texte de <em>{slug}</em>.</p>", category=SimpleNamespace(name="Stratégie"),
                           authors=[SimpleNamespace(name="Yves Duron")], **extra)


class Community:
    """The part of the community plugin's index that records use."""

    def __init__(self, contributions):
        self.published = contributions

    def url(self, contribution):
        return f"{contribution.article}/#{contribution.anchor}"

    def body_text(self, contribution):
        return f"Texte de {contribution.id}"


def contribution(ident, article_slug, status="approved", **extra):
    return Contribution(id=ident, article=article_slug, author="Emmanuel", date=dt.datetime(2009, 2, 27, tzinfo=PARIS),
                        status=status, **extra)


def test_html_text_keeps_words_whole_and_separates_blocks():
    html = ("<h2>Titre</h2><p>Un <em>mot</em>s <a href='#'>lié</a> &amp; l&#8217;écoute.</p><ul><li>un</li><li>deux</li>"
            "</ul><script>var caché = 1;</script><p>fin<br>ligne</p>")
    assert html_text(html) == "Titre Un mots lié & l’écoute. un deux fin ligne"


def test_of_name_elides_before_a_vowel_only():
    assert [of_name(n) for n in ("Emmanuel", "Élise", "Yann", "Hector", "Olivier")] == [
        "d’Emmanuel", "d’Élise", "de Yann", "de Hector", "d’Olivier"]


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

    assert [r.url for r in records] == ["marketing/", "transparence/", "marketing/#contribution-c-ok",
                                        "marketing/#contribution-c-idea"]
    first, page_record, comment, idea = records
    assert first == Record(url="marketing/", kind="article", title="Le Marketing 2.0", text="Texte de marketing.",
                           date="25 février 2009", author="Yves Duron", category="Stratégie")
    assert first.filters() == {"kind": ["Article"], "category": ["Stratégie"]}
    assert first.meta() == {"title": "Le Marketing 2.0", "date": "25 février 2009", "author": "Yves Duron"}
    assert page_record.kind == "page" and page_record.filters() == {"kind": ["Page"]} and page_record.text == "Qui publie"
    assert comment.title == "Commentaire d’Emmanuel" and comment.text == "Texte de c-ok"
    assert comment.meta() == {"title": "Commentaire d’Emmanuel", "date": "27 février 2009", "author": "Emmanuel",
                              "article": "Le Marketing 2.0"}
    assert comment.filters() == {"kind": ["Contribution"], "category": ["Stratégie"]}
    assert idea.title == "Idée d’Emmanuel (réponse officielle)"


def test_contributions_can_be_left_out_and_a_site_without_community_works():
    context = {"articles": [article("a", "A")], "pages": [], "community": Community([contribution("c", "a")])}
    assert [r.kind for r in build_records(context, contributions=False, now=NOW)] == ["article"]
    assert [r.kind for r in build_records({"articles": [article("a", "A")]}, now=NOW)] == ["article"]


def test_editorial_dates_and_unknown_authors_are_said_as_on_the_site():
    item = article("citoyens", "Citoyens !", date_origin="editorial", author_origin="unknown")
    record = build_records({"articles": [item]}, now=NOW)[0]
    assert record.date == "Mis en ligne le 25 février 2009" and record.author == "Auteur inconnu"

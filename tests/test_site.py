"""The real site (content/), built for production, as a reader sees it."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT, SHARED, run_pelican
from htmlcheck import loaded_urls, soup, text_of, third_party

pytestmark = pytest.mark.build

SITE_HOST = "marques-communautes.github.io"

# slug: (seed file prefix, title, author, French date shown, date is editorial)
ARTICLES = {
    "avocat-du-diable-trois-ecueils-web-social": ("000", "L'avocat du diable\u00a0: trois écueils du Web social", "Bruno Clement", "22 novembre 2026", True),
    "jusqu-ou-nous-emmeneront-les-reseaux-sociaux": ("001", "Jusqu'où nous emmèneront les réseaux sociaux\u202f?", "Auteur inconnu", "22 novembre 2026", True),
    "citoyens": ("002", "Citoyens\u202f!", "Auteur inconnu", "22 novembre 2026", True),
    "marketing-2-0-vu-par-yves-duron": ("003", "Le Marketing 2.0 vu par ... Yves Duron", "Yves Duron", "25 février 2009", False),
    "entreprises-egarees-sur-les-medias-sociaux": ("004", "Les entreprises se sont-elles égarées sur les médias sociaux\u202f?", "Antoine Dupin", "8 mai 2013", False),
}

# Seed lines that are not article text: scraping noise, bylines, bios, titles, the comment thread.
NOISE = {
    "000": [r"^Bruno CLEMENT", r"^Co-auteur du blog"],
    "001": [r"^Jusqu'où nous emmèneront"],
    "002": [r"^Citoyens !$"],
    "003": [r"^Ok$", r"^En poursuivant", r"^25/02/2009$", r"^Le Marketing 2\.0 vu par", r"^\* Directeur"],
    "004": [r"^Marketing interactif RSS$", r"^Les entreprises se sont-elles", r"^Par Antoine Dupin", r"^social-media-lose-way$",
            r"^Antoine Dupin$", r"^À propos de l'auteur$", r"^Antoine Dupin - Diplômé"],
}
SCRAPING_NOISE = ["En poursuivant votre navigation", "YD.png", "social-media-lose-way", "Marketing interactif RSS",
                  "Écrit par", "Les commentaires sont fermés", "À propos de l'auteur Antoine Dupin -"]


def normalise(text: str) -> str:
    """Compare text whatever the spacing French typography added."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"\s+([?!:;»])", r"\1", text)
    text = re.sub(r"«\s+", "«", text)
    return " ".join(text.split())


def seed_paragraphs(prefix: str) -> list[str]:
    seed = next((SHARED / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    if prefix == "003":
        seed = seed.split("\nCommentaires\n")[0]
    lines = [line.strip() for line in seed.splitlines() if line.strip()]
    lines = [line for line in lines if not any(re.search(p, line) for p in NOISE[prefix])]
    lines = [line.removeprefix("YD.png").removeprefix("- ") for line in lines]
    return lines


@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_article_shows_title_author_date_and_attribution(site_production, slug):
    _, title, author, date, editorial = ARTICLES[slug]
    page = soup(site_production.output / slug / "index.html")
    assert page.h1.get_text(strip=True) == title
    byline = text_of(page, "main article header")
    assert author in byline and date in byline
    if editorial:
        assert "Mis en ligne sur ce site le" in byline and "ne donne pas de date" in byline
    if author == "Auteur inconnu":
        assert "ne nomme pas" in byline
    assert page.select_one("main #source"), "every article says where it comes from"


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not beside the repository")
@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_article_text_is_the_seed_text_verbatim(site_production, slug):
    prefix = ARTICLES[slug][0]
    body = normalise(text_of(soup(site_production.output / slug / "index.html"), "main .prose"))
    missing = [line for line in seed_paragraphs(prefix) if normalise(line) not in body]
    assert missing == []


def test_no_scraping_noise_anywhere(site_production):
    for path in site_production.output.rglob("*.html"):
        text = text_of(soup(path), "body")
        for noise in SCRAPING_NOISE:
            assert noise not in text, (noise, path)
        assert not re.search(r"(^| )Ok( |$)", text), path


def test_comment_thread_is_not_article_text(site_production):
    body = text_of(soup(site_production.output / "marketing-2-0-vu-par-yves-duron" / "index.html"), "main .prose")
    assert "debats.sncf.com" not in body and "Emmanuel" not in body and "Yann Gourvennec" not in body


def test_author_pages_carry_only_the_seed_identity(site_production):
    dupin = text_of(soup(site_production.output / "auteur" / "antoine-dupin" / "index.html"))
    assert "Diplômé d’une maîtrise en communication" in dupin
    duron = text_of(soup(site_production.output / "auteur" / "yves-duron" / "index.html"))
    assert "Nextmodernity" in duron
    clement = text_of(soup(site_production.output / "auteur" / "bruno-clement" / "index.html"))
    assert "Public Système" in clement
    unknown = text_of(soup(site_production.output / "auteur" / "auteur-inconnu" / "index.html"))
    assert "Citoyens" in unknown and "Jusqu'où" in unknown


def test_names_take_de_as_french_writes_it_on_pages_and_in_feeds(site_production):
    """« d’Yves » and « d’Antoine », « de Bruno »: one wording (blogcore/wording.py) for pages and feeds alike."""
    article = soup(site_production.output / "marketing-2-0-vu-par-yves-duron" / "index.html")
    assert article.select_one(".author-box__title").get_text(strip=True) == "À propos d’Yves Duron"
    assert article.select_one(".author-box__more").get_text(strip=True) == "Tous les articles d’Yves Duron"
    author = soup(site_production.output / "auteur" / "bruno-clement" / "index.html")
    assert author.find("meta", attrs={"name": "description"})["content"] == "Les articles de Bruno Clement."
    feeds = site_production.page("suivre/index.html")
    assert "Articles d’Antoine Dupin" in feeds and "Articles de Bruno Clement" in feeds


def test_transparence_page_states_publisher_and_policies(site_production):
    text = text_of(soup(site_production.output / "transparence" / "index.html"))
    for needle in ["Marques & communautés", "modér", "attribu", "correct", "officiel"]:
        assert needle.lower() in text.lower(), needle


def test_dates_are_french_everywhere(site_production):
    archives = text_of(soup(site_production.output / "archives" / "index.html"))
    assert "25 février 2009" in archives and "8 mai 2013" in archives
    english = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")
    for path in site_production.output.rglob("*.html"):
        assert not english.search(text_of(soup(path), "body")), path


def test_french_typography_in_titles_and_text(site_production):
    for path in site_production.output.rglob("*.html"):
        text = text_of(soup(path), "body")
        bad = re.search(r".{30}\w [?!;:](\s|$)", text)
        assert not bad, (path, bad.group(0) if bad else "")


def test_no_page_loads_a_third_party_url(site_production):
    pages = list(site_production.output.rglob("*.html"))
    assert len(pages) > 15
    for path in pages:
        assert not third_party(loaded_urls(soup(path)), {SITE_HOST}), path


def test_drafts_and_future_articles_absent_from_the_real_site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    header = "Author: Yves Duron\nCategory: Coulisses\nTags: embargo-tag\nSummary: Secret.\nLang: fr\n"
    (content / "articles" / "zz-draft.md").write_text(
        f"Title: Brouillon confidentiel\nDate: 2020-01-01 10:00+01:00\n{header}Status: draft\n\nTexte.\n", encoding="utf-8")
    (content / "articles" / "zz-future.md").write_text(
        f"Title: Annonce de demain\nDate: 2099-01-01 10:00+01:00\n{header}\nTexte.\n", encoding="utf-8")
    build = run_pelican(content, tmp_path / "out", "publishconf.py")
    assert build.returncode == 0, build.log
    for path in build.files():
        data = path.read_text(encoding="utf-8", errors="replace")
        for marker in ["Brouillon confidentiel", "Annonce de demain", "embargo-tag", "zz-draft", "Coulisses"]:
            assert marker not in data and marker.lower() not in str(path).lower(), (marker, path)


def test_seed_comment_thread_is_published_as_approved_contributions(site_production):
    page = soup(site_production.output / "marketing-2-0-vu-par-yves-duron" / "index.html")
    section = page.select_one("section#contributions")
    emmanuel = section.select_one("#contribution-c-20090227-emmanuel")
    yann = section.select_one("#contribution-c-20090302-yann-gourvennec")
    assert "Emmanuel" in emmanuel.get_text() and emmanuel.time.get_text() == "27 février 2009"
    assert "Yann Gourvennec" in yann.get_text() and yann.time.get_text() == "2 mars 2009"
    assert "pacotille" in emmanuel.get_text() and "vendeur de soupe" in yann.get_text()
    assert "Commentaires du billet d'origine" in emmanuel.get_text()
    body = text_of(page, "main .prose")
    assert "pacotille" not in body, "the thread is not part of the article's text"


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not beside the repository")
def test_seed_comments_are_verbatim(site_production):
    seed = next((SHARED / "seeds").glob("003_*.txt")).read_text(encoding="utf-8")
    thread = seed.split("\nCommentaires\n")[1].split("Les commentaires sont fermés.")[0]
    lines = [line.strip() for line in thread.splitlines()
             if line.strip() and not line.startswith("Écrit par")]
    page = normalise(text_of(soup(site_production.output / "marketing-2-0-vu-par-yves-duron" / "index.html"),
                             "section#contributions"))
    assert [line for line in lines if normalise(line) not in page] == []


def test_community_pages_and_live_figures(site_production):
    community = text_of(soup(site_production.output / "communaute" / "index.html"))
    assert "Emmanuel" in community and "Yann Gourvennec" in community
    names = [a.get_text() for a in soup(site_production.output / "contributeurs" / "index.html").select("main li a")]
    assert names == ["Emmanuel", "Yann Gourvennec"]
    table = soup(site_production.output / "transparence" / "index.html").select_one("table.moderation-figures")
    figures = {row.th.get_text(): int(row.td.get_text()) for row in table.select("tbody tr")}
    assert figures["Contributions reçues"] == 2 and figures["Publiées (approuvées)"] == 2
    home = soup(site_production.output / "index.html")
    assert any(a.get_text() == "2 contributions" for a in home.select("a.card__contributions"))

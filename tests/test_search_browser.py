"""Search in Debian's chromium, on real production builds: typing, results, links, filters, cost, access.

The browser asks for the site's real addresses and the build answers them
(scripts/publishing/browsergate.py ``serving``), as the publish gates do:
nothing leaves the machine, and what is measured is what will be deployed.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from bench_search import TARGET_BYTES, search_bytes
from browser import browser
from publishing import browsergate
from publishing.site import Site
from searchindex import PUBLISHED, SECRETS

pytestmark = pytest.mark.browser

SITE_URL = "https://marques-communautes.github.io"
ARTICLE = "marketing-2-0-vu-par-yves-duron"
ANCHOR = "contribution-c-20090227-emmanuel"
ABSENT = "zygomorphique"  # in no text of the site
needs_gate_tools = pytest.mark.skipif(
    bool(browsergate.tools_missing()),
    reason=f"missing {', '.join(browsergate.tools_missing())}: scripts/setup --test installs it")


@pytest.fixture(scope="module")
def real_site(site_production) -> Site:
    return Site(site_production.output, SITE_URL)


@pytest.fixture(scope="module")
def secret_site(secrets_production) -> Site:
    return Site(secrets_production.output, SITE_URL)


@pytest.fixture
def open_page():
    """open_page(site, path, **context_options) -> a page of a fresh context, in a chromium of the test's own.

    (One browser per test: the gates and the bench's measurement start their own, and
    Playwright's synchronous API cannot run two at once.)
    """
    with browser() as chromium:
        def opener(site: Site, path: str = "recherche/", **options):
            context = browsergate.serving(chromium, site).new_context(service_workers="block", **options)
            context.route("**/*", lambda route: route.abort())  # only the site itself answers
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.errors = errors
            page.goto(f"{site.siteurl}/{path}")
            return page

        yield opener


def search(page, words: str) -> str:
    """Type the words as a reader does; the status line once the results are shown."""
    field = page.locator("#search-q")
    field.fill("")
    field.press_sequentially(words, delay=20)
    page.wait_for_function("(words) => { const s = document.querySelector('#search-status').textContent;"
                           " return s.includes('« ' + words + ' »') && !document.querySelector('[aria-busy=true]'); }",
                           arg=words, timeout=20_000)
    return page.inner_text("#search-status")


def results(page) -> list[dict]:
    """Each result as shown: title, link, facts line, highlighted words, and the contributions under it."""
    return page.eval_on_selector_all(".search-result", """items => items.map(item => ({
        title: item.querySelector('h2 a').textContent, href: item.querySelector('h2 a').href,
        facts: item.querySelector('.search-result__meta').textContent,
        marks: Array.from(item.querySelectorAll('mark')).map(m => m.textContent),
        parts: Array.from(item.querySelectorAll('.search-result__part')).map(part => ({
            title: part.querySelector('h3 a').textContent, href: part.querySelector('h3 a').href,
            excerpt: part.querySelector('.search-result__excerpt').textContent,
            marks: Array.from(part.querySelectorAll('mark')).map(m => m.textContent)}))}))""")


def test_pacotille_lists_the_2009_contribution_first_and_its_link_lands_on_its_anchor(real_site, open_page):
    page = open_page(real_site)
    assert search(page, "pacotille") == "1 résultat pour « pacotille »."
    first = results(page)[0]
    # the article's contributions, and under them the one contribution that holds the word, at its anchor
    assert first["title"] == "Contributions de la communauté"
    assert first["href"] == f"{SITE_URL}/{ARTICLE}/#contributions"
    assert first["facts"] == "Contribution · sur « Le Marketing 2.0 vu par ... Yves Duron » · Stratégie"
    [part] = first["parts"]
    assert {key: part[key] for key in ("title", "href", "marks")} == {
        "title": "Commentaire d’Emmanuel, 27 février 2009", "href": f"{SITE_URL}/{ARTICLE}/#{ANCHOR}",
        "marks": ["pacotille"]}
    assert "pacotille" in part["excerpt"] and "Emmanuel, 27 février" not in part["excerpt"], "the heading, said once"
    assert parse_qs(urlsplit(page.url).query) == {"q": ["pacotille"]}, "the address keeps the search"
    page.click(".search-result__part h3 a")
    page.wait_for_url(f"{SITE_URL}/{ARTICLE}/#{ANCHOR}")
    target = page.locator(f"#{ANCHOR}")
    assert target.count() == 1 and "pacotille" in target.inner_text()
    assert page.errors == []


def test_a_word_in_no_published_text_says_aucun_resultat_and_offers_the_archives(real_site, open_page):
    page = open_page(real_site)
    assert search(page, ABSENT) == f"Aucun résultat pour « {ABSENT} »."
    assert results(page) == []
    hint = page.locator("#search-hint")
    assert hint.is_visible() and {a.get_attribute("href") for a in hint.locator("a").all()} == {
        f"{SITE_URL}/archives/", f"{SITE_URL}/etiquettes/"}


def test_words_of_drafts_hidden_future_and_unapproved_texts_give_no_result(secret_site, open_page):
    page = open_page(secret_site)
    assert search(page, PUBLISHED[1]) == f"1 résultat pour « {PUBLISHED[1]} »."
    assert results(page)[0]["title"] == "Second article"
    for what, (_, word) in SECRETS.items():
        assert search(page, word) == f"Aucun résultat pour « {word} ».", what


@pytest.fixture(scope="module")
def sponsored_site(transparency_production) -> Site:
    """The fixture site with tests/fixtures/transparency's texts (conftest.py: test_transparency_site.py's build)."""
    return Site(transparency_production.output, SITE_URL)


def shown_mentions(page) -> list[dict]:
    """Each result's link, what comes first in it, its mention before the title, its facts line."""
    return page.eval_on_selector_all(".search-result", """items => items.map(item => ({
        href: item.querySelector('h2 a').href, first: item.firstElementChild.className,
        mention: item.querySelector(':scope > p.disclosure') ? item.querySelector(':scope > p.disclosure').textContent : null,
        after: item.querySelector('.search-result__meta .disclosure-inline--after strong') ?
               item.querySelector('.search-result__meta .disclosure-inline--after strong').textContent : null,
        facts: item.querySelector('.search-result__meta').textContent}))""")


def test_a_sponsored_article_s_results_carry_its_mention(sponsored_site, open_page):
    mention = "Publicité — collaboration commerciale avec Maison Exemple"
    page = open_page(sponsored_site)
    # the article, its contributions, and the tribune that quotes one of them
    assert search(page, "boutique") == "3 résultats pour « boutique »."
    found = {urlsplit(item["href"]).path + ("#" + urlsplit(item["href"]).fragment if urlsplit(item["href"]).fragment
                                            else ""): item for item in shown_mentions(page)}
    article = found["/partenariat-collab/"]  # before its title, as on its card
    assert article["first"] == "disclosure disclosure--card" and article["mention"] == mention
    assert article["facts"].startswith("Article · ")
    thread = found["/partenariat-collab/#contributions"]  # after the article's title: the readers' words are not paid
    assert thread["mention"] is None and thread["after"] == mention
    assert thread["facts"] == f"Contribution · sur « Un atelier avec la Maison Exemple » ({mention}) · Essais"
    quoting = found["/tribune/"]  # not paid itself: its result has no mention (its quote card names the article)
    assert quoting["mention"] is None and quoting["after"] is None and quoting["first"] == "search-result__title"
    assert search(page, "opinion") == "1 résultat pour « opinion »."  # a text without a counterpart
    [plain] = shown_mentions(page)
    assert plain["mention"] is None and plain["after"] is None and plain["first"] == "search-result__title"
    assert search(page, "Discret") == "Aucun résultat pour « Discret »."  # the hidden sponsored text's partner
    assert page.errors == []


@needs_gate_tools
def test_results_with_a_mention_pass_the_accessibility_gate_in_both_colour_schemes(sponsored_site):
    a11y, hosts, summary = browsergate.run(sponsored_site, ("recherche/?q=boutique",))
    assert a11y == [] and hosts == [], "\n".join(map(str, a11y + hosts))


def test_french_stemming_finds_the_other_forms_of_a_word(real_site, open_page):
    page = open_page(real_site)
    assert search(page, "pacotilles") == "1 résultat pour « pacotilles »."
    assert [part["href"] for part in results(page)[0]["parts"]] == [f"{SITE_URL}/{ARTICLE}/#{ANCHOR}"]


def test_a_search_can_be_opened_from_its_address_and_filtered_by_kind_and_category(real_site, open_page):
    page = open_page(real_site, "recherche/?q=marketing")
    page.wait_for_function("() => /résultats? pour/.test(document.querySelector('#search-status').textContent)")
    everything = results(page)
    kinds = {item["facts"].split(" · ")[0] for item in everything}
    # The Transparence page speaks of marketing too: pages are results as well.
    assert {"Article", "Contribution"} <= kinds <= {"Article", "Contribution", "Page"} and len(everything) >= 4
    assert page.locator("#search-q").input_value() == "marketing"

    page.check("input[name=kind][value=Contribution]")
    page.wait_for_function("(n) => document.querySelectorAll('.search-result').length < n"
                           " && !document.querySelector('[aria-busy=true]')", arg=len(everything))
    contributions = results(page)
    assert contributions and all(item["facts"].startswith("Contribution · ") for item in contributions)
    assert len(contributions) == sum(1 for item in everything if item["facts"].startswith("Contribution"))
    assert parse_qs(urlsplit(page.url).query) == {"q": ["marketing"], "kind": ["Contribution"]}

    page.uncheck("input[name=kind][value=Contribution]")
    page.check("input[name=category][value='Médias sociaux']")
    page.wait_for_function("() => !document.querySelector('[aria-busy=true]') && Array.from("
                           "document.querySelectorAll('.search-result__meta')).every(m => m.textContent.endsWith('Médias sociaux'))")
    social = results(page)
    assert social and len(social) < len(everything)
    assert len(social) == sum(1 for item in everything if item["facts"].endswith("Médias sociaux"))


def test_the_header_link_opens_the_search_page(real_site, open_page):
    page = open_page(real_site, "")
    page.click("header nav >> text=Rechercher")
    page.wait_for_url(f"{SITE_URL}/recherche/")
    assert page.locator("#search-q").is_visible() and page.locator("#search-q").get_attribute("type") == "search"


def test_without_javascript_the_page_says_so_and_offers_the_archives_and_tags(real_site, open_page):
    page = open_page(real_site, java_script_enabled=False)
    # (Playwright's text locators skip <noscript>: CSS ones see what the reader sees.)
    notice = page.locator("noscript .search-help")
    assert notice.is_visible()
    assert notice.inner_text().startswith("La recherche a besoin de JavaScript, qui est désactivé")
    links = notice.locator("a")
    assert [link.inner_text() for link in links.all()] == ["les archives", "les étiquettes"]
    assert all(link.is_visible() for link in links.all())
    assert not page.locator("form[role=search]").is_visible()


@needs_gate_tools
def test_one_search_downloads_less_than_the_budget(real_site, capsys):
    measured = search_bytes(real_site.root, SITE_URL, "pacotille")
    assert measured["results"] == 1 and measured["shown"] == 1
    paths = [urlsplit(url).path for url, _ in measured["by_file"]]
    assert paths[0] == "/recherche/" and "/pagefind/pagefind.js" in paths and "/pagefind/wasm.fr.pagefind" in paths
    assert sum(1 for path in paths if path.startswith("/pagefind/fragment/")) == 1, "only the shown result's fragment"
    assert len(paths) == len(set(paths)), "nothing is downloaded twice"
    with capsys.disabled():
        print(f"\none search on the real site downloads {measured['bytes'] / 1000:.1f} kB: "
              + ", ".join(f"{urlsplit(url).path} {size / 1000:.1f}" for url, size in measured["by_file"]))
    assert measured["bytes"] < TARGET_BYTES


@needs_gate_tools
def test_the_search_page_passes_the_accessibility_and_hosts_gates_in_both_colour_schemes(real_site):
    pages = ("recherche/", "recherche/?q=pacotille", f"recherche/?q={ABSENT}", "recherche/?q=marketing")
    a11y, hosts, summary = browsergate.run(real_site, pages)
    assert a11y == [], "\n".join(map(str, a11y))
    assert hosts == [], "\n".join(map(str, hosts))
    assert re.match(r"4 pages in 2 colour scheme\(s\) \(light, dark\)", summary), summary


@needs_gate_tools
def test_with_search_turned_off_the_gates_do_not_ask_for_the_search_page(tmp_path):
    from conftest import FIXTURE_SITE, run_pelican

    build = run_pelican(FIXTURE_SITE / "content", tmp_path / "out", "publishconf.py",
                        overrides={"SEARCH": {"enabled": False}})
    assert build.returncode == 0, build.log
    a11y, hosts, summary = browsergate.run(Site(build.output, SITE_URL), ("", "recherche/?q=marketing"),
                                           color_schemes=("light",))
    assert a11y == [] and hosts == [], "\n".join(map(str, a11y + hosts))
    assert summary.startswith("1 pages"), summary

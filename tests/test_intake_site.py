"""The form on the built site, end to end: Debian's chromium with JavaScript off and on, the intake, the branch
it pushed built and checked with `invoke check --production`, then approved.

Also: what the site shows without an intake, and what the hosts gate allows (a form posting to the intake, a
<link rel="webmention">) and still refuses (anything the page would load from the intake's host).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from browser import browser, serve_directory
from conftest import ROOT, run_pelican
from intake_support import (ARTICLE, PUBLISHED, branches, git, pending_branch, seed_remote, serve_intake,
                            wait_for)
from publishing import browsergate
from publishing.site import Site

# One worker runs this file (--dist loadfile): its tests share module-scoped builds.

INTAKE = "https://contribuer.example.org/"
SITE_URL = "https://marques-communautes.github.io"


@pytest.fixture(scope="module")
def built_with_intake(tmp_path_factory):
    build = run_pelican(ROOT / "content", tmp_path_factory.mktemp("with-intake"), "publishconf.py",
                        env={"INTAKE_URL": INTAKE, "SITEURL": SITE_URL})
    assert build.returncode == 0, build.log
    return build


@pytest.mark.build
def test_every_article_and_the_community_page_carry_the_form(built_with_intake):
    page = built_with_intake.page(f"{ARTICLE}/index.html")
    assert f'<link rel="webmention" href="{INTAKE}webmention">' in page
    form = re.search(r'<form class="contribution-form".*?</form>', page, re.S).group(0)
    assert f'action="{INTAKE}contribution"' in form and 'method="post"' in form
    for label in ("Nom", "Site web", "Courriel", "Votre texte", "Type de contribution"):
        assert label in form
    assert "pour vous prévenir d’une réponse&nbsp;; jamais publié" in form
    assert re.search(r'type="radio"[^>]*value="commentaire" checked', form)
    assert 'value="idee"' in form and 'value="temoignage"' in form
    assert f'name="article" value="{ARTICLE}"' in form and 'name="reponse_a" value=""' in form
    assert f'href="{SITE_URL}/transparence/#comment-nous-moderons-les-contributions"' in form
    assert 'maxlength="20000"' in form and "jeton" not in form
    assert f'<script src="{SITE_URL}/theme/js/contribution-form.js" defer></script>' in page
    assert (f'href="{INTAKE}contribution?article={ARTICLE}&amp;reponse_a={PUBLISHED}">Répondre'
            '<span class="visually-hidden"> à Emmanuel</span>') in page
    community = built_with_intake.page("communaute/index.html")
    form = re.search(r'<form class="contribution-form".*?</form>', community, re.S).group(0)
    assert '<select id="champ-article" name="article" required>' in form and 'value="citoyens"' in form
    assert 'value="commentaire"' not in form and 'value="idee" checked' in form
    thanks = built_with_intake.page("contribuer/merci/index.html")
    assert "Merci pour votre contribution" in thanks and f'href="{INTAKE}recu"' in thanks
    assert "contribuer/merci" not in built_with_intake.page("sitemap.xml")


@pytest.mark.build
def test_without_an_intake_the_section_says_how_to_write(tmp_path):
    build = run_pelican(ROOT / "content", tmp_path / "out", "publishconf.py",
                        env={"INTAKE_URL": "", "CONTACT_ADDRESS": "redaction@marques.example"})
    assert build.returncode == 0, build.log
    page = build.page(f"{ARTICLE}/index.html")
    assert "<form" not in page and 'rel="webmention"' not in page and "contribution__reply-link" not in page
    assert "Le formulaire de contribution n’est pas ouvert sur ce site." in page
    assert '<a href="mailto:redaction@marques.example">redaction@marques.example</a>' in page
    assert not (build.output / "contribuer").exists()


@pytest.mark.build
def test_a_bad_intake_address_fails_the_build_naming_the_setting(tmp_path):
    build = run_pelican(ROOT / "content", tmp_path / "out", "publishconf.py",
                        env={"INTAKE_URL": "contribuer.example.org"})
    assert build.returncode != 0
    assert "COMMUNITY['intake_url']" in build.log and "INTAKE_URL" in build.log


@pytest.mark.build
def test_the_hosts_gate_allows_posting_to_the_intake_but_not_loading_from_it(built_with_intake, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(built_with_intake.output, copy)
    site = Site(copy, SITE_URL)
    assert browsergate.static_third_party(site) == []  # a form action and rel="webmention" are not loads
    page = copy / ARTICLE / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</form>", f'<img src="{INTAKE}pixel.gif" alt=""></form>', 1), encoding="utf-8")
    found = browsergate.static_third_party(site)
    assert [(p.file, p.value) for p in found] == [(f"{ARTICLE}/index.html", f"{INTAKE}pixel.gif")]


# --- the browser, the intake and the branch ----------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The production site on one loopback server, the intake on another, a bare remote seeded with the site."""
    tmp = tmp_path_factory.mktemp("live")
    remote = seed_remote(tmp / "git")
    (tmp / "site").mkdir()
    with serve_directory(tmp / "site") as site_base:
        site_url = site_base.rstrip("/")
        with serve_intake(tmp, remote, site_url=site_url) as service:
            build = run_pelican(ROOT / "content", tmp / "site", "publishconf.py",
                                env={"INTAKE_URL": service.url, "SITEURL": site_url})
            assert build.returncode == 0, build.log
            yield site_url, service


def _hosts(page) -> list[str]:
    seen = []
    page.on("request", lambda request: seen.append(urlsplit(request.url).netloc))
    return seen


def _fill_and_preview(page, name: str, text: str) -> None:
    page.fill("#contribuer #champ-nom", name)
    page.fill("#contribuer #champ-texte", text)
    page.click("#contribuer button[value=apercu]")
    page.wait_for_selector("text=Relisez votre contribution avant de l’envoyer")


@pytest.mark.browser
@pytest.mark.build
def test_chromium_without_javascript_sends_the_form_and_gets_a_receipt(live):
    site_url, service = live
    with browser() as chromium:
        context = chromium.new_context(java_script_enabled=False)
        page = context.new_page()
        hosts = _hosts(page)
        page.goto(f"{site_url}/{ARTICLE}/")
        assert page.is_hidden(".contribution-form__counter")  # the counter is an enhancement only
        _fill_and_preview(page, "Camille sans JS", "Un commentaire envoyé *sans* JavaScript.")
        assert page.url == service.url + "contribution"
        assert page.inner_html(".contribution-preview").count("<em>sans</em>") == 1
        page.wait_for_timeout(400)
        page.click("button[value=envoyer]")
        page.wait_for_url(re.compile(re.escape(site_url) + r"/contribuer/merci/\?recu="))
        ident = parse_qs(urlsplit(page.url).query)["recu"][0]
        assert page.is_visible(".thanks__fallback") and page.is_hidden(".thanks__receipt")
        page.click(".thanks__fallback a")  # the receipt page, through the intake's one-hour cookie
        page.wait_for_url(service.url + "recu")
        assert f"Numéro de reçu : {ident}" in page.inner_text("main")
        assert page.get_attribute("main a", "href").startswith(f"{service.url}suppression?c={ident}&s=")
        # ... which leads back to the article the contribution was about
        assert page.get_attribute("main a:text('Revenir à l’article')", "href") == f"{site_url}/{ARTICLE}/"
        # "Répondre" without JavaScript: the intake's reply page, the form filled in.
        page.goto(f"{site_url}/{ARTICLE}/")
        page.click(f"#contribution-{PUBLISHED} a.contribution__reply-link")
        page.wait_for_selector("text=Répondre à Emmanuel")
        assert page.input_value("input[name=reponse_a]") == PUBLISHED
        context.close()
    assert set(hosts) <= {urlsplit(site_url).netloc, urlsplit(service.url).netloc}, hosts
    wait_for(lambda: pending_branch(ident) in branches(service.remote), message="the branch")
    live_state["no-js"] = ident


live_state: dict[str, str] = {}


@pytest.mark.browser
@pytest.mark.build
def test_chromium_with_javascript_counts_fills_replies_and_shows_the_receipt(live):
    site_url, service = live
    with browser() as chromium:
        context = chromium.new_context()
        page = context.new_page()
        hosts = _hosts(page)
        page.goto(f"{site_url}/{ARTICLE}/")
        page.fill("#contribuer #champ-texte", "Bonjour")
        assert page.inner_text("#contribuer .contribution-form__counter") == "7 caractères sur 20000"
        page.click(f"#contribution-{PUBLISHED} a.contribution__reply-link")
        assert page.url == f"{site_url}/{ARTICLE}/"  # filled in place, no navigation
        assert page.input_value("#contribuer input[name=reponse_a]") == PUBLISHED
        assert page.inner_text("#contribuer .contribution-form__reply-target") == "Emmanuel"
        assert page.evaluate("document.activeElement.id") == "champ-texte"
        _fill_and_preview(page, "Camille avec JS", "Je réponds à Emmanuel, avec JavaScript.")
        axe = _axe_violations(page)
        page.wait_for_timeout(400)
        page.click("button[value=envoyer]")
        page.wait_for_url(re.compile(re.escape(site_url) + r"/contribuer/merci/\?recu="))
        ident = parse_qs(urlsplit(page.url).query)["recu"][0]
        assert page.inner_text(".thanks__number") == ident and page.is_hidden(".thanks__fallback")
        assert page.get_attribute(".thanks__deletion", "href").startswith(f"{service.url}suppression?c={ident}&s=")
        assert page.is_visible(".thanks__article")  # « Revenir à l’article »: the one it was about
        assert page.get_attribute(".thanks__article", "href") == f"{site_url}/{ARTICLE}/"
        axe += _axe_violations(page)
        thanks = page.url
        # an address made elsewhere never turns « Revenir à l'article » into a link off the site
        for hostile in ("//evil.example/", "https://evil.example/", "/%2F%2Fevil.example/", "/a/../../evil/",
                        "javascript:alert(1)", "/\\evil.example/"):
            page.goto(thanks.split("&retour=")[0] + "&retour=" + quote(hostile, safe=""))
            assert page.is_hidden(".thanks__back"), hostile
        context.close()
    assert axe == [], axe
    assert set(hosts) <= {urlsplit(site_url).netloc, urlsplit(service.url).netloc}, hosts
    wait_for(lambda: pending_branch(ident) in branches(service.remote), message="the branch")
    from intake_support import contribution_path, show
    assert f"Reply_to: {PUBLISHED}\n" in show(service.remote, pending_branch(ident), contribution_path(ident))


def _axe_violations(page) -> list[str]:
    if browsergate.tools_missing():
        pytest.skip("axe-core missing: scripts/setup --test installs it")
    return [f"{page.url}: {v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in browsergate._axe(page)]


@pytest.mark.browser
@pytest.mark.build
def test_the_pushed_branch_passes_every_gate_and_publishes_only_once_approved(live, tmp_path):
    site_url, service = live
    if "no-js" not in live_state:  # that test ran in another worker (tests run in parallel): submit here
        test_chromium_without_javascript_sends_the_form_and_gets_a_receipt(live)
    ident = live_state["no-js"]
    clone = tmp_path / "branch"
    git(tmp_path, "clone", "-q", "--branch", pending_branch(ident), str(service.remote), str(clone))
    if (ROOT / "node_modules").is_dir():
        os.symlink(ROOT / "node_modules", clone / "node_modules")
    env = {**os.environ, "INTAKE_URL": "https://contribuer.example.org/", "SITEURL": SITE_URL}

    def invoke(*args):
        return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=clone, capture_output=True, text=True,
                              encoding="utf-8", env=env)
    checked = invoke("check", "--production", "--output", str(tmp_path / "checked"))
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-4000:]
    assert "Check passed" in checked.stdout
    for path in (tmp_path / "checked").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            assert ident not in path.read_text(encoding="utf-8"), f"pending {ident} shown in {path}"
    approved = invoke("contributions.approve", ident, "--moderator", "Modératrice")
    assert approved.returncode == 0, approved.stderr
    built = invoke("preview", "--output", str(tmp_path / "approved"))
    assert built.returncode == 0, built.stderr[-3000:]
    article = (tmp_path / "approved" / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert f'id="contribution-{ident}"' in article and "Camille sans JS" in article
    assert Path(tmp_path / "approved" / "flux" / "contributions" / f"{ARTICLE}.atom.xml").read_text(
        encoding="utf-8").count(ident) >= 1

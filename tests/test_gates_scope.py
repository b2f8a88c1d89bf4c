"""The gates' scope on a merge (issue 28 point 3): vnu checks what differs from the published site, nothing else.

A small hand-written site is published for real (gitpages.deploy into a bare
repository, as the public repository's gh-pages), then changed; the gates
then read the published branch (publishing/changed.py) as `invoke publish`
does. vnu (Java) is real; the tests skip without it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from publishing import changed, gates, gitpages, htmlgate  # noqa: E402
from publishing.site import Site  # noqa: E402

SITE_URL = "https://marques-communautes.github.io"
needs_vnu = pytest.mark.skipif(bool(htmlgate.tools_missing()),
                               reason=f"missing {', '.join(htmlgate.tools_missing())}: scripts/setup --test installs it")


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body><main><h1>{title}</h1>{body}</main></body>\n</html>\n")


GOOD = {
    "index.html": page("Accueil", '<p><a href="/premier/">Premier</a> et <a href="/second/">second</a>.</p>'),
    "premier/index.html": page("Premier", "<p>Un texte valide.</p>"),
    "second/index.html": page("Second", '<p>Retour à <a href="/">l’accueil</a>.</p>'),
    "theme/style.css": "p { color: #222; }\n",
}


@pytest.fixture
def published(tmp_path) -> tuple[Site, changed.Published]:
    """A site published to a bare repository's gh-pages, then copied for a merge to change; what was published."""
    site = Site(tmp_path / "site", SITE_URL)
    for name, text in GOOD.items():
        (site.root / name).parent.mkdir(parents=True, exist_ok=True)
        (site.root / name).write_text(text, encoding="utf-8")
    remote = tmp_path / "pages.git"
    gitpages.subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    assert gitpages.deploy(site, str(remote)).changed
    found, why = changed.from_git(str(remote), "gh-pages")
    assert found is not None, why
    return site, found


def test_the_published_site_is_read_file_by_file_from_its_branch(published, tmp_path):
    site, found = published
    assert set(GOOD) | {".nojekyll"} == set(found.files)
    assert all(found.same(name, (site.root / name).read_bytes()) for name in GOOD)
    missing, why = changed.from_git(str(tmp_path / "pages.git"), "autre-branche")
    assert missing is None and "autre-branche" in why


@needs_vnu
def test_a_merge_checks_only_the_pages_that_differ_from_the_published_site(published):
    site, found = published
    broken = site.root / "second" / "index.html"
    broken.write_text(page("Second", "<p><div>un bloc dans un paragraphe</div></p>"), encoding="utf-8")
    (site.root / "nouveau").mkdir()
    (site.root / "nouveau" / "index.html").write_text(page("Nouveau", "<p>Neuf.</p>"), encoding="utf-8")
    running = htmlgate.start(site, found)
    assert sorted(site.relative(p) for p in running.files) == ["nouveau/index.html", "second/index.html"]
    assert running.summary.startswith("2 pages new or changed since the published site")
    assert len(running.processes) == 1, "the stylesheet did not change: no CSS check"
    problems = htmlgate.finish(running)
    assert problems and {p.file for p in problems} == {"second/index.html"}
    # The nightly run (no published site given) checks every page and stylesheet.
    everything = [p for p in site.files() if p.suffix in htmlgate.CHECKED_SUFFIXES]
    assert len(everything) == 5 and changed.changed_files(site, found, everything) == running.files


@needs_vnu
def test_a_deleted_page_still_breaks_the_links_that_point_to_it(published):
    """Nothing left to validate (the page that links is unchanged), yet the links gate reads the whole site."""
    site, found = published
    (site.root / "premier" / "index.html").unlink()
    (site.root / "premier").rmdir()
    results = {r.name: r for r in gates.run_gates(site, ("html", "links"), (), found)}
    assert results["html"].ok and results["html"].summary.startswith("0 pages new or changed")
    assert not results["links"].ok
    assert {(p.file, p.message) for p in results["links"].problems} == {
        ("index.html", "premier/index.html is not in the build")}

"""Every XSS vector as a real contribution, through the real build, in a real browser.

The vectors of tests/fixtures/xss/vectors.txt become approved contributions
of the fixture site (as bodies, author names and author URLs), one of them is
quoted inline in an article, and the site is built with Pelican. Chromium
then opens every page where contributions show (the article with its
threads and JSON-LD, the quoting article, the community page, the
contributors' index and a contributor page): nothing may run and nothing may
be requested from another host.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from zoneinfo import ZoneInfo

import pytest

from browser import browser, serve_directory, visit
from blogcore import personal, urls
from blogcore.names import name_problem
from community import store
from community.model import Contribution
from conftest import copy_site, run_pelican
from fixtures.xss import load_vectors
from test_xss_browser import AUTHOR_URLS

# One worker runs this file: its tests share module-scoped builds (README, "For developers").
pytestmark = [pytest.mark.browser, pytest.mark.build]
TZ = ZoneInfo("Europe/Paris")
# The contribution file itself refuses author URLs that a browser would not visit as written
# (blogcore/urls.py; see test_hostile_author_urls_are_refused); the ones that try to break out of the href reach the page.
HTTP_AUTHOR_URLS = [url for url in AUTHOR_URLS if urls.problem(url) is None]


def visible(text: str) -> str:
    """The text without control and format characters."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("xss-site")
    content = copy_site(tmp)
    root = content / "contributions"
    vectors = load_vectors()
    for index, vector in enumerate(vectors):
        # Contact data in a name is refused by the file rules (tests/unit/test_trust_rules.py), and so
        # are look-alike names: each vector is masked and numbered, so that each author is someone else.
        # Control and invisible characters in a name are refused too (test_names_with_control_characters_...):
        # they are left out here, so that the rest of the vector is published as a name.
        name = f"{personal.mask(visible(' '.join(vector.split())[:120]))} #{index}"
        store.write(root, Contribution(
            id=f"xss-{index:03d}", article="premier-article", author=name,
            date=dt.datetime(2020, 2, 1, 10, tzinfo=TZ) + dt.timedelta(minutes=index),
            body=vector, author_url=HTTP_AUTHOR_URLS[index % len(HTTP_AUTHOR_URLS)], status="approved",
            source=name, source_url="", reply_to=f"xss-{index - 1:03d}" if index % 5 else "",
        ))
    quoting = content / "articles" / "second.md"
    quoting.write_text(quoting.read_text(encoding="utf-8") + "\n[[contribution:xss-001]]\n", encoding="utf-8")
    build = run_pelican(content, tmp / "out")
    assert build.returncode == 0, build.log
    return build, len(vectors)


def test_every_vector_is_published_as_a_contribution(hostile_site):
    build, count = hostile_site
    html = build.page("premier-article/index.html")
    assert len(re.findall(r'id="contribution-xss-\d{3}"', html)) == count
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    (data,) = [b for b in blocks if "comment" in b]  # the article's; the site's Organization is in the head
    assert sum(1 for c in data["comment"] if "xss-" in c["@id"]) == count


def test_no_vector_runs_or_loads_anything_in_chromium(hostile_site):
    build, _ = hostile_site
    pages = ["premier-article/", "second/", "communaute/", "contributeurs/"]
    contributor = next(p for p in (build.output / "contributeur").iterdir() if p.is_dir())
    pages.append(f"contributeur/{contributor.name}/")
    with serve_directory(build.output) as base, browser() as chromium:
        for page in pages:
            result = visit(chromium, f"{base}{page}", allowed_hosts={"127.0.0.1"})
            assert not result.executed, result.summary()
            assert not result.third_party and not result.script_urls and not result.page_errors, result.summary()
            assert "evil.example" not in " ".join(result.requests), result.summary()


def test_hostile_author_urls_are_refused_by_the_file_rules():
    refused = [url for url in AUTHOR_URLS if url not in HTTP_AUTHOR_URLS]
    assert len(refused) >= 6
    for url in refused:
        text = store.dump_contribution(Contribution(
            id="c-1", article="a", author="X", date=dt.datetime(2020, 1, 1, tzinfo=TZ), body="b",
            author_url=url, status="approved", source="s"))
        contribution, problems = store.parse_contribution(text, "c-1.md", TZ)
        assert contribution is None and any(p.field == "Author_url:" for p in problems), url


def test_names_with_control_characters_are_refused_by_the_file_rules():
    hidden = [v for v in load_vectors() if visible(" ".join(v.split())) != " ".join(v.split())]
    assert len(hidden) >= 3
    for vector in hidden:
        name = " ".join(vector.split())
        assert name_problem(name), name
        text = store.dump_contribution(Contribution(
            id="c-1", article="a", author=name, date=dt.datetime(2020, 1, 1, tzinfo=TZ), body="b",
            status="approved", source="s"))
        contribution, problems = store.parse_contribution(text, "c-1.md", TZ)
        assert contribution is None and any(p.field == "Author:" for p in problems), name

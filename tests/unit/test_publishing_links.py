"""Gate "links" on small hand-written builds: what resolves, what is reported and how (unit level)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from publishing import links  # noqa: E402
from publishing.site import Site  # noqa: E402

URL = "https://example.org"


def page(body: str, head: str = "") -> str:
    return f'<!DOCTYPE html><html lang="fr"><head><title>t</title>{head}</head><body>{body}</body></html>'


def build(tmp_path: Path, files: dict[str, str], siteurl: str = URL) -> Site:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Site(tmp_path, siteurl)


def problems_of(site: Site):
    found, summary = links.run(site)
    return found


GOOD = {
    "index.html": page(
        '<a href="#main">skip</a><main id="main"><a href="a/">a</a> <a href="/a/#part">part</a>'
        f' <a href="{URL}/a/">abs</a> <a href="https://other.example/x">external</a> <a href="mailto:x@example.org">m</a>'
        ' <img src="images/p.png" srcset="images/p.png 1x, images/p.png 2x" alt="p"> <a href="#top">top</a>'
        ' <a href="a/?q=1#part">query</a> <a href="caf%C3%A9/">encoded</a></main>',
        f'<link rel="stylesheet" href="{URL}/theme/style.css">'),
    "a/index.html": page('<h2 id="part">Part</h2><a href="../">home</a> <a href="../index.html">home file</a>'),
    "café/index.html": page("<p>accents</p>"),
    "images/p.png": "png",
    "theme/style.css": "body{}",
}


def test_a_consistent_site_passes(tmp_path):
    site = build(tmp_path, GOOD)
    found, summary = links.run(site)
    assert found == []
    assert "internal links" in summary


def test_a_missing_page_a_missing_anchor_and_a_folder_without_slash_are_each_named(tmp_path):
    files = dict(GOOD)
    files["index.html"] = page(
        '<a href="gone/">gone</a>\n<a href="a/#nowhere">anchor</a>\n<a href="#also-nowhere">local</a>\n'
        f'<a href="{URL}/a">folder</a>\n<img src="images/missing.png" alt="">\n'
        '<img src="images/p.png" srcset="images/p.png 1x, images/big.png 2x" alt="">')
    site = build(tmp_path, files)
    found = problems_of(site)
    text = "\n".join(map(str, found))
    assert len(found) == 6, text
    assert all(p.file == "index.html" for p in found)
    by_value = {p.value: p for p in found}
    assert "gone/index.html is not in the build" in by_value["gone/"].message
    assert by_value["gone/"].field.startswith("<a href> (line ")
    assert 'a/index.html has no element with id="nowhere"' in by_value["a/#nowhere"].message
    assert 'index.html has no element with id="also-nowhere"' in by_value["#also-nowhere"].message
    assert "without its trailing slash" in by_value[f"{URL}/a"].message
    assert "images/missing.png is not in the build" in by_value["images/missing.png"].message
    assert by_value["images/big.png"].field.startswith("<img srcset>")
    assert all(p.fix for p in found)


def test_a_link_on_the_host_but_outside_the_site_path_is_reported(tmp_path):
    files = {"index.html": page('<a href="/theme/x.css">root-relative</a> <a href="other/">inside</a>'),
             "other/index.html": page("")}
    site = build(tmp_path, files, "https://example.github.io/blog")
    found = problems_of(site)
    assert [p.value for p in found] == ["/theme/x.css"]
    assert "outside the site" in found[0].message


def test_json_ld_urls_are_links_too(tmp_path):
    data = {"@type": "BlogPosting", "url": f"{URL}/a/", "comment": [{"@id": f"{URL}/a/#contribution-x"}]}
    files = dict(GOOD)
    files["a/index.html"] = page(f'<script type="application/ld+json">{json.dumps(data)}</script><h2 id="part">P</h2>')
    found = problems_of(build(tmp_path, files))
    assert [(p.field, p.value) for p in found] == [("JSON-LD @id", f"{URL}/a/#contribution-x")]


def test_sitemap_locs_must_be_on_the_site_and_resolve(tmp_path):
    files = dict(GOOD)
    files["sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{URL}/</loc></url><url><loc>{URL}/a/</loc></url><url><loc>{URL}/gone/</loc></url>"
        "<url><loc>https://elsewhere.example/</loc></url><url><loc>/a/</loc></url></urlset>")
    found = problems_of(build(tmp_path, files))
    assert [(p.file, p.field, p.value) for p in found] == [
        ("sitemap.xml", "<loc> 3", f"{URL}/gone/"),
        ("sitemap.xml", "<loc> 4", "https://elsewhere.example/"),
        ("sitemap.xml", "<loc> 5", "/a/"),
    ]
    assert "theme/templates/sitemap.html" in found[0].fix


def test_feed_links_entry_html_and_opml_are_checked(tmp_path):
    files = dict(GOOD)
    files["flux/site.atom.xml"] = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<link rel="self" href="{URL}/flux/site.atom.xml"/><link rel="alternate" href="{URL}/"/>'
        f'<entry><link rel="alternate" href="{URL}/a/"/><content type="html">'
        '&lt;a href="#part"&gt;ok&lt;/a&gt; &lt;a href="#nope"&gt;bad&lt;/a&gt;</content></entry>'
        f'<entry><link rel="alternate" href="{URL}/deleted/"/></entry></feed>')
    files["flux/site.rss.xml"] = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<link>{URL}/</link><item><link>{URL}/a/</link><guid>{URL}/gone/</guid></item></channel></rss>")
    files["flux/site.json"] = json.dumps({"home_page_url": f"{URL}/", "feed_url": f"{URL}/flux/site.json",
                                          "items": [{"url": f"{URL}/a/", "content_html": '<img src="x.png">'}]})
    files["flux/abonnements.opml"] = (
        '<?xml version="1.0"?><opml version="2.0"><body>'
        f'<outline xmlUrl="{URL}/flux/site.atom.xml" htmlUrl="{URL}/"/>'
        f'<outline xmlUrl="{URL}/flux/missing.atom.xml"/></body></opml>')
    found = problems_of(build(tmp_path, files))
    got = sorted((p.file, p.field, p.value) for p in found)
    assert got == sorted([
        ("flux/site.atom.xml", "entry 1 <content> <a href>", "#nope"),
        ("flux/site.atom.xml", "entry 2 <link rel=alternate>", f"{URL}/deleted/"),
        ("flux/site.rss.xml", "item 1 <guid>", f"{URL}/gone/"),
        ("flux/site.json", "item 1 content_html <img src>", "x.png"),
        ("flux/abonnements.opml", "outline 2 xmlUrl", f"{URL}/flux/missing.atom.xml"),
    ]), "\n".join(map(str, found))


def test_a_problem_reads_as_file_rule_value_message_and_fix(tmp_path):
    files = {"index.html": page('<p>x</p>\n<a href="gone/">gone</a>')}
    (problem,) = problems_of(build(tmp_path, files))
    assert str(problem).startswith("index.html: <a href> (line 2) = 'gone/': gone/index.html is not in the build. Correction : ")

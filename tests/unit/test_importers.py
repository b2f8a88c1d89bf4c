"""Importing reader comments from WordPress (WXR), Disqus and CSV exports.

What a moderator would notice is checked: how many contributions arrive, in
which moderation state, who is named as their author (never an e-mail
address), how threads hold together, what is reported as skipped, that a
second import changes nothing, and that a hostile export writes nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from blogcore.errors import SiteError
from community import store
from community.importers import ImportReport, import_file
from community.importers.run import Rules
from community.importers.mapping import ArticleMatcher, address_key
from community.importers.records import SourceThread

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT.parent / "shared" / "samples"
WP_SAMPLE = SAMPLES / "wordpress" / "theme-unit-test-data.xml"
DISQUS_SAMPLE = SAMPLES / "disqus" / "export-exemple.xml"
FIXTURES = ROOT / "tests" / "fixtures" / "imports"
TZ = ZoneInfo("Europe/Paris")
PARIS = dt.timezone(dt.timedelta(hours=1))
WP_SITE = "wpthemetestdata.wordpress.com"
OLD_BLOG = "ancien-blog.example.org"

# The 7 posts of the WordPress sample that carry comments (wp:post_name → comments).
WP_POSTS = {
    "theme-block-category": 1,
    "page-with-comments": 4,
    "blog": 1,
    "template-comments": 20,
    "template-pingbacks-an-trackbacks": 5,
    "template-password-protected": 1,
    "edge-case-no-content": 1,
}
WP_ARTICLES = {slug: f"/articles/{slug}/" for slug in WP_POSTS}
MARKETING = "marketing-2-0-vu-par-yves-duron"


def need(path: Path) -> Path:
    """A shared sample, or skip the test when ../shared is absent."""
    if not path.exists():
        pytest.skip(f"sample {path} absent (../shared not available)")
    return path


def run(path: Path, root: Path, articles: dict[str, str], map_csv: Path | None = None,
        dry_run: bool = False, rules: Rules = Rules()) -> ImportReport:
    return import_file(path, contributions_root=root, articles=articles, map_csv=map_csv, tz=TZ,
                       rules=rules, dry_run=dry_run)


def load(root: Path, articles: dict[str, str]) -> dict[str, store.Contribution]:
    """Every contribution under root, after checking that the build would accept them all."""
    contributions, problems = store.load_all(root, TZ)
    assert [str(p) for p in problems] == []
    assert [str(p) for p in store.check_collection(contributions, set(articles))] == []
    return {c.original_id or c.id: c for c in contributions}


def files(root: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md"))} if root.exists() else {}


def assert_round_trip(root: Path) -> None:
    """Every written file re-reads into a contribution that writes back the same text."""
    written = files(root)
    assert written
    for path, text in written.items():
        contribution, problems = store.parse_contribution(text, str(path), TZ)
        assert problems == [], [str(p) for p in problems]
        assert store.dump_contribution(contribution) == text
        assert contribution.id == path.stem and contribution.article == path.parent.name


def depth(contribution, by_id) -> int:
    level = 1
    while contribution.reply_to:
        contribution = by_id[contribution.reply_to]
        level += 1
    return level


def write_map(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    path = tmp_path / "map.csv"
    path.write_text("source,article\n" + "".join(f"{s},{a}\n" for s, a in rows), encoding="utf-8")
    return path


# --- WordPress sample -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wp_import(tmp_path_factory):
    need(WP_SAMPLE)
    root = tmp_path_factory.mktemp("wp") / "contributions"
    report = run(WP_SAMPLE, root, WP_ARTICLES)
    return root, report


def test_wordpress_sample_counts(wp_import):
    root, report = wp_import
    assert report.description == "WordPress export (WXR 1.2)"
    assert report.read == 33 and report.threads == 7
    assert report.created == 33 and report.already_present == 0 and report.skipped_unmatched == {}
    # 26 approved comments + 4 pings/trackbacks (approved) - 1 on the password-protected post.
    assert report.by_status == {"approved": 29, "pending": 4}
    assert report.by_kind == {"comment": 29, "mention": 4}
    assert report.held == 1
    contributions = load(root, WP_ARTICLES).values()
    comments = [c for c in contributions if c.kind == "comment"]
    assert sum(c.status == "approved" for c in comments) == 25   # 26 approved - 1 protected
    assert sum(c.status == "pending" for c in comments) == 4     # 3 unapproved + 1 protected
    assert len(report.written) == 33
    assert "created 33 contributions (29 approved, 4 pending)" in report.summary()
    by_post = {}
    for c in contributions:
        by_post[c.article] = by_post.get(c.article, 0) + 1
    assert by_post == WP_POSTS


def test_wordpress_statuses_kept(wp_import):
    root, _ = wp_import
    contributions = load(root, WP_ARTICLES)
    for unapproved in ("1015", "1016", "1017"):
        assert contributions[unapproved].status == "pending"
        assert contributions[unapproved].moderator == ""
    protected = contributions["926"]
    assert protected.article == "template-password-protected"
    assert protected.status == "pending" and "mot de passe" in protected.reason
    approved = contributions["911"]
    assert approved.status == "approved" and approved.moderator == "import WordPress"
    assert approved.moderated_at is None
    assert approved.source == "Commentaires du site (import WordPress)"
    assert approved.source_url == "https://wpthemetestdata.wordpress.com/2012/01/03/template-comments/#comment-911"
    assert approved.imported_from == "wordpress:theme-unit-test-data.xml"
    assert approved.id == store.import_id("wp", WP_SITE, "911")
    # comment_date_gmt 2013-03-14 15:12:16 → Paris time (UTC+1 in March).
    assert approved.date == dt.datetime(2013, 3, 14, 16, 12, 16, tzinfo=PARIS)
    assert all(c.source for c in contributions.values() if c.status == "approved")


def test_wordpress_mentions(wp_import):
    root, _ = wp_import
    mentions = {c.original_id: c for c in load(root, WP_ARTICLES).values() if c.kind == "mention"}
    assert sorted(mentions) == ["921", "922", "923", "924"]  # 2 trackbacks + 2 pingbacks
    assert all(c.status == "approved" for c in mentions.values())
    # The linking page's title, with WordPress's HTML escapes decoded.
    assert mentions["921"].author == "Ping 1 « What’s a tellyworth?"
    assert mentions["922"].author_url.startswith("http://tellyworth.wordpress.com/2007/11/21/ping-2-")


def test_wordpress_thread_ten_deep(wp_import):
    root, _ = wp_import
    contributions = load(root, WP_ARTICLES)
    by_id = {c.id: c for c in contributions.values()}
    deepest = contributions["915"]
    assert depth(deepest, by_id) == 10
    chain = [deepest]
    while chain[-1].reply_to:
        chain.append(by_id[chain[-1].reply_to])
    assert [c.original_id for c in reversed(chain)] == ["904", "905", "906", "907", "910", "911", "912",
                                                       "913", "914", "915"]
    assert [c.body.split("\n")[0] for c in reversed(chain)][0] == "Comment Depth 01"
    assert contributions["1017"].reply_to == contributions["168"].id  # pending reply to approved


def test_wordpress_identity(wp_import):
    root, _ = wp_import
    contributions = load(root, WP_ARTICLES).values()
    authors = {c.author for c in contributions}
    assert {"John Γιάννης Doe Κάποιος", "John Γιανης Doe Κάποιος", "John Κώστας Doe Τάδε",
            "John Μαρία Doe Ντουε"} <= authors
    assert not any("@" in c.author for c in contributions)
    emails = {c.author_email for c in contributions}
    assert {"example@example.org", "anon@example.com", "themereviewteam@gmail.com"} <= emails
    assert all(not c.author_url or c.author_url.startswith(("http://", "https://")) for c in contributions)


def test_wordpress_bodies(wp_import):
    root, _ = wp_import
    contributions = load(root, WP_ARTICLES)
    image = contributions["917"].body
    assert '<img src="https://wpthemetestdata.files.wordpress.com/' in image
    # An indented line would be a Markdown code block showing raw HTML.
    assert not any(line.startswith((" ", "\t")) for line in image.split("\n"))
    assert contributions["918"].body.endswith("Σίγουρα θα σχολιάσουμε τα τεστς!")


def test_wordpress_files_round_trip(wp_import):
    assert_round_trip(wp_import[0])


def test_wordpress_second_import_creates_nothing(tmp_path):
    need(WP_SAMPLE)
    root = tmp_path / "contributions"
    run(WP_SAMPLE, root, WP_ARTICLES)
    # A moderator rejects an imported comment; the next import must keep that decision.
    contributions, _ = store.load_all(root, TZ)
    chosen = next(c for c in contributions if c.original_id == "919")
    store.write(root, chosen.with_changes(status="rejected", reason="hors sujet", moderator="Claire"))
    before = files(root)
    again = run(WP_SAMPLE, root, WP_ARTICLES)
    assert again.created == 0 and again.already_present == 33 and again.by_status == {}
    assert "created 0 contributions" in again.summary()
    assert files(root) == before



def test_wordpress_dry_run_writes_nothing(tmp_path):
    need(WP_SAMPLE)
    report = run(WP_SAMPLE, tmp_path / "contributions", WP_ARTICLES, dry_run=True)
    assert report.created == 33 and report.written == []
    assert not (tmp_path / "contributions").exists()
    assert report.summary()[1].startswith("would create 33 contributions")


def test_wordpress_unmatched_threads_reported_then_mapped(tmp_path):
    need(WP_SAMPLE)
    articles = {"template-comments": "/template-comments/", "nouveau-nom": "/nouveau-nom/",
                "autre-article": "/2024/autre-article/"}
    root = tmp_path / "contributions"
    report = run(WP_SAMPLE, root, articles)
    assert report.created == 20
    base = "https://wpthemetestdata.wordpress.com"
    assert report.skipped_unmatched == {
        f"{base}/wp-6-1-theme-block-category/": 1,
        f"{base}/about/page-with-comments/": 4,
        f"{base}/blog/": 1,
        f"{base}/2012/01/01/template-pingbacks-an-trackbacks/": 5,
        f"{base}/2012/01/04/template-password-protected/": 1,
        f"{base}/2009/08/06/edge-case-no-content/": 1,
    }
    line = next(l for l in report.summary() if l.startswith("skipped"))
    assert line.startswith("skipped 13 contributions from 6 threads with no matching article:")
    assert f"'{base}/about/page-with-comments/' (4)" in line
    assert {c.article for c in load(root, articles).values()} == {"template-comments"}

    # The map: an old slug, an old address (other scheme, host case, no trailing slash).
    map_csv = write_map(tmp_path, [("page-with-comments", "nouveau-nom"),
                                   ("http://WPThemeTestData.wordpress.com/blog", "autre-article")])
    mapped = run(WP_SAMPLE, root, articles, map_csv=map_csv)
    assert mapped.created == 5 and mapped.already_present == 20
    assert sum(mapped.skipped_unmatched.values()) == 8
    contributions = load(root, articles)
    assert contributions["1017"].article == "nouveau-nom"
    assert contributions["1017"].reply_to == contributions["168"].id
    assert contributions["1016"].article == "autre-article"


def test_map_wins_over_automatic_match(tmp_path):
    need(WP_SAMPLE)
    articles = {"template-comments": "/a/", "ailleurs": "/b/"}
    report = run(WP_SAMPLE, tmp_path / "c", articles, map_csv=write_map(tmp_path, [("template-comments", "ailleurs")]))
    assert report.created == 20
    assert {c.article for c in load(tmp_path / "c", articles).values()} == {"ailleurs"}


def test_map_with_unknown_article_is_refused(tmp_path):
    map_csv = write_map(tmp_path, [("page-with-comments", MARKETING), ("blog", "marketing-2-0-vu-par-yves")])
    with pytest.raises(SiteError) as error:
        run(FIXTURES / "wxr-1.0.xml", tmp_path / "c", {MARKETING: "/m/"}, map_csv=map_csv)
    message = str(error.value)
    assert "map.csv" in message and "row 3" in message and "'marketing-2-0-vu-par-yves'" in message
    assert f"did you mean '{MARKETING}'" in message
    assert not (tmp_path / "c").exists()


def test_map_with_bad_header_is_refused(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("ancien,nouveau\nx,y\n", encoding="utf-8")
    with pytest.raises(SiteError, match=r"map\.csv: row 1 \(header\).*source,article"):
        run(FIXTURES / "wxr-1.0.xml", tmp_path / "c", {MARKETING: "/m/"}, map_csv=path)


# --- Disqus sample ----------------------------------------------------------------------------

def test_disqus_sample(tmp_path):
    need(DISQUS_SAMPLE)
    root = tmp_path / "contributions"
    articles = {MARKETING: f"/{MARKETING}/", "citoyens": "/citoyens/"}
    # The old page was .../le-marketing-2-0-vu-par-yves-duron.html: mapped by its address.
    map_csv = write_map(tmp_path, [("https://ancien-blog.example.org/2009/02/le-marketing-2-0-vu-par-yves-duron.html",
                                    MARKETING)])
    report = run(DISQUS_SAMPLE, root, articles, map_csv=map_csv)
    assert report.description == "Disqus export"
    assert report.created == 5
    assert report.by_status == {"approved": 3, "rejected": 1, "redacted": 1}
    assert report.skipped_unmatched == {"https://ancien-blog.example.org/2010/03/page-disparue.html": 1}
    assert ("skipped 1 contribution from 1 thread with no matching article: "
            "'https://ancien-blog.example.org/2010/03/page-disparue.html' (1)") in report.summary()

    contributions = load(root, articles)
    by_dsq = {c.original_id: c for c in contributions.values() if c.original_id}
    first, reply, anonymous, spam = by_dsq["8001"], by_dsq["8002"], by_dsq["8003"], by_dsq["8005"]
    assert first.id == store.import_id("dsq", "8001") and first.article == MARKETING
    assert first.status == "approved" and first.moderator == "import Disqus"
    assert first.author == "Lectrice exemple 1" and first.author_email == "lectrice.exemple@example.net"
    assert first.author_ip == "203.0.113.21"
    assert first.date == dt.datetime(2009, 2, 26, 9, 15, tzinfo=PARIS)
    assert first.source == "Commentaires Disqus (import)"
    assert first.source_url.endswith("le-marketing-2-0-vu-par-yves-duron.html#comment-8001")
    assert reply.reply_to == first.id
    assert anonymous.author == "Anonyme" and anonymous.author_email == "anonyme@example.com"
    assert spam.status == "rejected" and spam.reason == "spam (Disqus)"

    deleted = contributions[store.import_id("dsq", "8004")]
    assert deleted.status == "redacted" and deleted.moderator == "import Disqus"
    assert (deleted.body, deleted.author, deleted.author_email, deleted.author_ip, deleted.author_url) == ("",) * 5
    assert deleted.original_id == "" and deleted.source_url == ""
    text = (root / MARKETING / f"{deleted.id}.md").read_text(encoding="utf-8")
    assert "supprimé" not in text and "lecteur_exemple_2" not in text and "203.0.113.23" not in text
    assert_round_trip(root)


def test_disqus_identifier_matches_slug(tmp_path):
    need(DISQUS_SAMPLE)
    report = run(DISQUS_SAMPLE, tmp_path / "c", {"marketing-2-0": "/marketing-2-0/"})
    assert report.created == 5 and report.matched == {
        "https://ancien-blog.example.org/2009/02/le-marketing-2-0-vu-par-yves-duron.html": "marketing-2-0"}


def test_disqus_edge_cases(tmp_path):
    root = tmp_path / "contributions"
    articles = {"citoyens": "/citoyens/"}
    map_csv = write_map(tmp_path, [("HTTPS://Ancien-Blog.example.org/?p=12", "citoyens")])
    report = run(FIXTURES / "disqus-cas-limites.xml", root, articles, map_csv=map_csv)
    assert report.created == 2 and report.detached == 1
    # The reply (23) whose parent (22) is skipped is skipped with it, counted on the parent's thread.
    assert report.skipped_unmatched == {"https://ancien-blog.example.org/page-disparue/": 2,
                                        "Disqus thread 3 (absent from the export)": 1}
    contributions = load(root, articles)
    held = contributions["21"]
    assert held.status == "pending" and held.moderator == ""            # isApproved false
    assert held.date == dt.datetime(2009, 2, 26, 9, 15, tzinfo=PARIS)  # sub-seconds dropped
    orphan = contributions["24"]
    assert orphan.reply_to == "" and orphan.author == "Anonyme"
    assert any("attached directly to the article" in line for line in report.summary())


# --- WXR versions and detection ---------------------------------------------------------------

def test_wxr_1_0(tmp_path):
    root = tmp_path / "contributions"
    articles = {"le-marketing-2-0": "/le-marketing-2-0/"}
    report = run(FIXTURES / "wxr-1.0.xml", root, articles)
    assert report.description == "WordPress export (WXR 1.0)"
    assert report.created == 5 and report.detached == 1
    assert report.by_status == {"approved": 2, "pending": 1, "rejected": 2}
    contributions = load(root, articles)
    first, second = contributions["101"], contributions["102"]
    # No wp:base_blog_url in 1.0: the channel <link> names the blog.
    assert first.id == store.import_id("wp", OLD_BLOG, "101")
    assert second.reply_to == first.id
    assert second.author == "Anonyme" and second.author_email == "paul@example.com"
    assert second.author_url == ""                                        # javascript: dropped
    # comment_date_gmt is 0000-00-00: comment_date is read in the site's zone.
    assert second.date == dt.datetime(2009, 2, 26, 11, 40, tzinfo=PARIS)
    assert (contributions["103"].status, contributions["103"].reason) == ("rejected", "spam (WordPress)")
    assert (contributions["104"].status, contributions["104"].reason) == ("rejected", "corbeille (WordPress)")
    assert contributions["105"].status == "pending" and contributions["105"].reply_to == ""
    assert_round_trip(root)


def test_wxr_1_1(tmp_path):
    root = tmp_path / "contributions"
    articles = {"les-citoyens": "/les-citoyens/", "prive": "/prive/"}
    report = run(FIXTURES / "wxr-1.1.xml", root, articles)
    assert report.description == "WordPress export (WXR 1.1)"
    assert report.created == 3 and report.held == 1
    contributions = load(root, articles)
    trackback = contributions["401"]
    # Matched by the address's last segment (post_name changed; .html ignored).
    assert trackback.article == "les-citoyens" and trackback.kind == "mention"
    assert trackback.author == "Autre blog » Revue de presse" and trackback.status == "approved"
    assert trackback.id == store.import_id("wp", OLD_BLOG, "401")
    note = contributions["402"]
    assert note.status == "rejected" and note.reason == "note interne, jamais publiable"
    private = contributions["411"]
    assert private.status == "pending" and "privé" in private.reason


@pytest.mark.parametrize("namespace", ["https://wordpress.org/export/1.0/", "http://wordpress.org/export/1.2/",
                                       "https://wordpress.org/export/1.1/"])
def test_wxr_namespaces_detected(tmp_path, namespace):
    text = (FIXTURES / "wxr-1.0.xml").read_text(encoding="utf-8")
    path = tmp_path / "export.xml"
    path.write_text(text.replace('xmlns:wp="http://wordpress.org/export/1.0/"', f'xmlns:wp="{namespace}"'),
                    encoding="utf-8")
    report = run(path, tmp_path / "c", {"le-marketing-2-0": "/x/"})
    assert report.created == 5


def test_plain_rss_is_not_wxr(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
                    encoding="utf-8")
    with pytest.raises(SiteError, match=r"feed\.xml.*unknown format: an RSS feed"):
        run(path, tmp_path / "c", {})


def test_unknown_format(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Quelques notes, rien à importer.\n", encoding="utf-8")
    with pytest.raises(SiteError, match=r"notes\.txt.*unknown format"):
        run(path, tmp_path / "c", {})


# --- CSV --------------------------------------------------------------------------------------

CSV_ARTICLES = {MARKETING: f"/{MARKETING}/", "citoyens": "/citoyens/"}


def test_csv_import(tmp_path):
    root = tmp_path / "contributions"
    report = run(FIXTURES / "contributions.csv", root, CSV_ARTICLES)
    assert report.description == "CSV file" and report.created == 4
    assert report.by_status == {"approved": 1, "pending": 2, "rejected": 1}
    assert report.by_kind == {"comment": 2, "testimonial": 1, "idea": 1}
    contributions = load(root, CSV_ARTICLES)
    testimonial = contributions["t1"]
    assert testimonial.id == store.import_id("csv", "t1") and testimonial.kind == "testimonial"
    assert testimonial.source == "Courriel à la rédaction" and testimonial.moderator == "import CSV"
    assert testimonial.body == "Nous avons appliqué ces idées.\n\nLe résultat : des clients qui nous répondent enfin."
    assert testimonial.imported_from == "csv:contributions.csv"
    reply = contributions["t2"]
    assert reply.article == MARKETING and reply.reply_to == testimonial.id      # thread given as an old URL
    assert reply.date == dt.datetime(2009, 3, 2, 13, 30, tzinfo=PARIS)
    rejected = contributions["t3"]
    assert rejected.author == "Anonyme" and rejected.author_email == "marc@example.com"
    assert rejected.reason == "hors sujet" and rejected.body == 'Une "publicité", hors sujet.'
    assert rejected.date == dt.datetime(2009, 3, 3, 8, 0, tzinfo=PARIS)           # no offset: site zone
    idea = next(c for c in contributions.values() if c.kind == "idea")
    assert idea.article == "citoyens" and idea.status == "pending" and idea.original_id == ""
    assert idea.id == store.import_id("csv", "citoyens", "Jeanne", "2009-04-01 09:00:00+02:00",
                                      "Un forum pour les citoyens ?")
    assert_round_trip(root)
    assert run(FIXTURES / "contributions.csv", root, CSV_ARTICLES).already_present == 4


def test_csv_detected_by_content(tmp_path):
    path = tmp_path / "export-sans-extension"
    shutil.copy(FIXTURES / "contributions.csv", path)
    assert run(path, tmp_path / "c", CSV_ARTICLES).created == 4


def test_csv_bad_date(tmp_path):
    with pytest.raises(SiteError) as error:
        run(FIXTURES / "bad-date.csv", tmp_path / "c", CSV_ARTICLES)
    message = str(error.value)
    assert "bad-date.csv" in message and "row 3, column 'date'" in message
    assert "'02/03/2009'" in message and "ISO 8601" in message
    assert not (tmp_path / "c").exists()  # the good row is not written either


def test_csv_unknown_column(tmp_path):
    with pytest.raises(SiteError) as error:
        run(FIXTURES / "unknown-column.csv", tmp_path / "c", CSV_ARTICLES)
    message = str(error.value)
    assert "unknown-column.csv" in message and "'rating'" in message and "unknown column" in message
    assert "thread, author, date, body" in message  # the fix lists the accepted columns


@pytest.mark.parametrize("row, where, words", [
    ("x1,citoyens,Ann,2009-01-01,Oui.,approved,,", "column 'source'", "needs its source"),
    ("x1,citoyens,Ann,2009-01-01,Oui.,rejected,Forum,", "column 'reason'", "records why"),
    ("x1,citoyens,Ann,2009-01-01,Oui.,publié,Forum,", "column 'status'", "unknown status"),
    ("x1,citoyens,,2009-01-01,Oui.,,,", "column 'author'", "required"),
    ("x1,citoyens,Ann,2009-01-01,Oui.,,,x9", "column 'reply_to'", "no row has this id"),
])
def test_csv_bad_rows(tmp_path, row, where, words):
    path = tmp_path / "lot.csv"
    path.write_text("id,thread,author,date,body,status,source,reply_to\n" + row + "\n", encoding="utf-8")
    with pytest.raises(SiteError) as error:
        run(path, tmp_path / "c", CSV_ARTICLES)
    assert f"lot.csv: row 2, {where}" in str(error.value) and words in str(error.value)


def test_csv_control_characters_removed(tmp_path):
    path = tmp_path / "lot.csv"
    path.write_bytes('thread,author,date,body\ncitoyens,An\x00n\u202e,2009-01-01,"Li\x07gne\r\nsuite"\n'.encode())
    root = tmp_path / "c"
    run(path, root, CSV_ARTICLES)
    (contribution,) = load(root, CSV_ARTICLES).values()
    assert contribution.author == "Ann" and contribution.body == "Ligne\nsuite"


def test_csv_not_utf8(tmp_path):
    path = tmp_path / "lot.csv"
    path.write_bytes("thread,author,date,body\ncitoyens,Hélène,2009-01-01,Oui\n".encode("latin-1"))
    with pytest.raises(SiteError, match=r"lot\.csv: line 2.*not UTF-8"):
        run(path, tmp_path / "c", CSV_ARTICLES)


# --- Hostile and damaged files ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["xxe.xml", "billion-laughs.xml", "external-dtd.xml"])
def test_hostile_xml_refused(tmp_path, name):
    root = tmp_path / "contributions"
    articles = {"le-marketing-2-0": "/le-marketing-2-0/"}
    with pytest.raises(SiteError) as error:
        run(FIXTURES / name, root, articles)
    message = str(error.value)
    assert name in message and "DTD" in message and "refused" in message
    assert "root:" not in message  # /etc/passwd was never read into anything
    assert files(root) == {}


def test_hostile_xml_refused_whatever_its_name(tmp_path):
    path = tmp_path / "export.xml.txt"
    shutil.copy(FIXTURES / "xxe.xml", path)
    with pytest.raises(SiteError, match="DTD"):
        run(path, tmp_path / "c", {"le-marketing-2-0": "/x/"})


def test_malformed_xml(tmp_path):
    root = tmp_path / "contributions"
    with pytest.raises(SiteError) as error:
        run(FIXTURES / "malformed.xml", root, {"le-marketing-2-0": "/x/"})
    message = str(error.value)
    assert "malformed.xml: line 10, column 28" in message and "malformed XML" in message
    assert files(root) == {}


def test_missing_file(tmp_path):
    with pytest.raises(SiteError, match="no such file"):
        run(tmp_path / "absent.xml", tmp_path / "c", {})


# --- Mapping rules ----------------------------------------------------------------------------

def test_address_comparison_ignores_scheme_host_case_and_trailing_slash():
    assert address_key("HTTP://Blog.Example.org/a/b/") == address_key("https://blog.example.org/a/b")
    assert address_key("https://blog.example.org/?p=12") != address_key("https://blog.example.org/?p=13")
    assert address_key("mailto:x@example.org") is None


def test_matching_rules():
    matcher = ArticleMatcher({"mon-article": "/2024/mon-article/", "autre": "/pages/autre-page/"})
    assert matcher.match(SourceThread("1", "x", slugs=("Mon-Article",))) == "mon-article"
    assert matcher.match(SourceThread("2", "x", urls=("http://old.example/2009/02/mon-article.html",))) == "mon-article"
    assert matcher.match(SourceThread("3", "x", urls=("https://new.example/pages/autre-page",))) == "autre"
    assert matcher.match(SourceThread("4", "x", urls=("https://old.example/",), slugs=("rien",))) is None


# --- imports respect decisions and the build's rules (trust guards) ----------------------------

BRAND_RULES = Rules(brand_names=("Marques & communautés", "La rédaction"), official_authors=("Claire Durand",))


def csv_rows(tmp_path: Path, *rows: str, header: str = "id,thread,author,date,body,status,source,official") -> Path:
    path = tmp_path / "lot.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_contribution_deleted_by_a_moderator_is_not_recreated_by_the_next_import(tmp_path):
    need(WP_SAMPLE)
    root = tmp_path / "contributions"
    run(WP_SAMPLE, root, WP_ARTICLES)
    ledger = (root / "imports.tsv").read_text(encoding="utf-8").splitlines()
    assert ledger[0] == "id\timported_from\toriginal_id\timported_on" and len(ledger) == 1 + 33
    deleted = next(p for p in root.rglob("*.md"))
    deleted.unlink()
    again = run(WP_SAMPLE, root, WP_ARTICLES)
    assert again.created == 0 and again.deleted == 1 and not deleted.exists()
    assert any("deleted by a moderator since: not recreated" in line for line in again.summary())
    assert len((root / "imports.tsv").read_text(encoding="utf-8").splitlines()) == 1 + 33


def test_an_approved_comment_now_spam_at_the_source_is_reported_not_changed(tmp_path):
    root = tmp_path / "contributions"
    first = csv_rows(tmp_path, "s1,citoyens,Ann,2009-01-01 10:00+01:00,Oui.,approved,Forum,")
    run(first, root, CSV_ARTICLES)
    (path,) = root.rglob("*.md")
    before = path.read_text(encoding="utf-8")
    now_spam = csv_rows(tmp_path, "s1,citoyens,Ann,2009-01-01 10:00+01:00,Oui.,rejected,Forum,",
                        header="id,thread,author,date,body,status,source,reason").read_text(encoding="utf-8")
    (tmp_path / "lot.csv").write_text(now_spam.replace("Forum,\n", "Forum,spam\n"), encoding="utf-8")
    report = run(tmp_path / "lot.csv", root, CSV_ARTICLES)
    assert path.read_text(encoding="utf-8") == before
    review = [line for line in report.summary() if line.startswith("to review:")]
    assert len(review) == 1 and "approved here, now 'spam' at the source" in review[0] and path.name in review[0]


@pytest.mark.parametrize("row, field, words", [
    ("b1,citoyens,La Re\u0301daction,2009-01-01 10:00+01:00,Bonjour.,approved,Forum,", "Author:", "celui de la marque"),
    ("b2,citoyens,Troll,2009-01-01 10:00+01:00,Bonjour.,approved,Forum,yes", "Official:", "l'équipe de la marque"),
    ("b3,citoyens,anne@example.fr,2009-01-01 10:00+01:00,Bonjour.,approved,Forum,", None, None),
    ("b4,citoyens,Ann,2009-01-01 10:00+01:00,Bonjour.,approved,e-mail de anne.secret@example.fr,", "Source:",
     "donnée personnelle"),
])
def test_a_csv_row_the_build_would_refuse_stops_the_import_before_anything_is_written(tmp_path, row, field, words):
    good = "g1,citoyens,Zoé,2009-01-01 09:00+01:00,Premier.,approved,Forum,"
    path = csv_rows(tmp_path, good, row)
    root = tmp_path / "contributions"
    if field is None:  # an e-mail address as the author's name is kept as the (private) e-mail instead
        run(path, root, CSV_ARTICLES, rules=BRAND_RULES)
        assert all("anne@example.fr" not in c.author for c in load(root, CSV_ARTICLES).values())
        return
    with pytest.raises(SiteError) as error:
        run(path, root, CSV_ARTICLES, rules=BRAND_RULES)
    assert f"{field} =" in str(error.value) and words in str(error.value)
    assert not root.exists() or list(root.rglob("*")) == []


def test_an_official_row_by_the_brands_team_is_imported(tmp_path):
    path = csv_rows(tmp_path, "o1,citoyens,Claire Durand,2009-01-01 10:00+01:00,Merci.,approved,Forum,yes")
    run(path, tmp_path / "contributions", CSV_ARTICLES, rules=BRAND_RULES)
    (contribution,) = store.load_all(tmp_path / "contributions", TZ)[0]
    assert contribution.official and contribution.author == "Claire Durand"


def test_texts_over_the_length_limit_are_reported_not_written(tmp_path):
    long_text = "Très long. " * 300
    path = csv_rows(tmp_path, "l1,citoyens,Ann,2009-01-01 10:00+01:00,Court.,approved,Forum,",
                    f"l2,citoyens,Bea,2009-01-01 11:00+01:00,{long_text},approved,Forum,")
    report = run(path, tmp_path / "contributions", CSV_ARTICLES, rules=Rules(max_body=1000))
    assert report.created == 1
    assert [c.author for c in load(tmp_path / "contributions", CSV_ARTICLES).values()] == ["Ann"]
    assert any("over the length limit" in line and "l2 (3299 characters, limit 1000)" in line
               for line in report.summary())

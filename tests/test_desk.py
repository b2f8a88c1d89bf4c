"""The desk (plugins/desk, issue 27): its settings, its page in the build, and its file format.

The file format (plugins/desk/static/headerformat.js) runs in Node, as the browser runs it
(tests/desk_roundtrip.js): every file of content/ and of the fixture site is read and written
back byte for byte; files it cannot represent stay read-only with the reason; files it writes
pass `invoke check`; a moderation decision writes the same file as `invoke contributions.*`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from blogcore.errors import SiteError
from conftest import FIXTURE_SITE, ROOT, copy_site, invoke, project_copy, run_pelican

PARIS = ZoneInfo("Europe/Paris")
LOCAL = {"DESK_LOCAL_URL": "http://127.0.0.1:8081/api/v1"}
NODE = shutil.which("node")
# One worker runs this file: its tests share module-scoped builds (README, "For developers").
pytestmark = [pytest.mark.skipif(NODE is None, reason="Node.js runs the desk's format (scripts/setup installs it)")]


def desk_config(output: Path) -> dict:
    return json.loads((output / "admin" / "desk.json").read_text(encoding="utf-8"))


def run_format(request: dict) -> list[dict]:
    """Ask tests/desk_roundtrip.js (the desk's own format code, in Node)."""
    result = subprocess.run([NODE, str(ROOT / "tests" / "desk_roundtrip.js")], input=json.dumps(request),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def collection_of(path: Path) -> str | None:
    parts = path.parts
    for folder, name in (("articles", "articles"), ("pages", "pages"), ("contributions", "contributions")):
        if folder in parts:
            return name
    return None


def every_file(content: Path) -> list[dict]:
    return [{"path": str(p), "collection": collection_of(p.relative_to(content))}
            for p in sorted(content.rglob("*.md")) if collection_of(p.relative_to(content))]


@pytest.fixture(scope="module")
def real_desk(tmp_path_factory) -> dict:
    build = run_pelican(ROOT / "content", tmp_path_factory.mktemp("desk-real"), env=LOCAL)
    assert build.returncode == 0, build.log
    return desk_config(build.output)


@pytest.fixture(scope="module")
def fixture_desk(tmp_path_factory) -> dict:
    build = run_pelican(FIXTURE_SITE / "content", tmp_path_factory.mktemp("desk-fixture"), env=LOCAL)
    assert build.returncode == 0, build.log
    return desk_config(build.output)


# ----------------------------------------------------------------------- settings


def test_the_setting_is_checked_and_off_by_default():
    from desk.config import from_settings

    assert from_settings({}).enabled is False
    with pytest.raises(SiteError, match="unknown setting"):
        from_settings({"DESK": {"enabeld": True}})
    with pytest.raises(SiteError, match="this machine only"):
        from_settings({"DESK": {"local_url": "http://192.0.2.1:8081/api/v1"}})
    with pytest.raises(SiteError, match="OAuth proxy"):
        from_settings({"DESK": {"enabled": True, "backend": "github", "repo": "o/site"}})
    with pytest.raises(SiteError, match=r'EDITORIAL\["categories"\]'):  # declared once, for the build and the desk
        from_settings({"DESK": {"enabled": True, "categories": ["Stratégie"]}})


# ----------------------------------------------------------------------- the page in the build


def test_the_public_build_has_no_desk(fixture_production):
    assert not (fixture_production.output / "admin").exists()
    assert "admin" not in fixture_production.page("sitemap.xml")


def test_the_desk_is_generated_from_the_build(real_desk):
    cms, desk = real_desk["cms"], real_desk["desk"]
    assert cms["publish_mode"] == "editorial_workflow" and cms["backend"]["name"] == "proxy"
    articles = next(c for c in cms["collections"] if c["name"] == "articles")
    fields = {f["name"]: f for f in articles["fields"]}
    # categories and authors: the site's own lists (no typo can create one), categories the ones the build checks
    from blogcore.headers import read_header
    from blogcore.sources import read_settings

    declared = read_settings(ROOT / "pelicanconf.py")["EDITORIAL"]["categories"]
    profiles = [read_header(p).get("name") for p in (ROOT / "content" / "authors").glob("*.md")]
    assert [o["value"] for o in fields["category"]["options"]] == sorted(declared, key=str.casefold)
    assert [o["value"] for o in fields["author"]["options"]] == sorted(profiles, key=str.casefold)
    assert [o["value"] for o in fields["status"]["options"]] == ["published", "draft", "hidden"]
    transparency = {f["name"]: f for f in fields["transparence"]["fields"]}
    assert [o["value"] for o in transparency["partnership"]["options"]] == ["publicite", "collaboration",
                                                                             "affiliation", "produit-offert"]
    # the build's own French messages, for the form to show
    assert "pas une adresse web absolue" in transparency["sponsor_url"]["pattern"][1]
    assert "minuscules" in fields["slug"]["pattern"][1]
    assert desk["messages"]["transparency.sponsor_missing"].startswith("un partenariat nomme son partenaire")
    assert desk["timezone"] == "Europe/Paris" and desk["feed_id_authority"] == "marques-communautes.github.io"
    # every field the build knows is a form field (the rest are kept as they are)
    known = {spec["key"] for spec in desk["formats"]["articles"]["fields"]}
    assert known == set(desk["known_fields"])


def test_the_desk_page_is_noindex_local_and_out_of_every_list(tmp_path):
    env = {"DESK_GITHUB_REPO": "marques/site", "DESK_AUTH_URL": "https://auth.example.org"}
    build = run_pelican(FIXTURE_SITE / "content", tmp_path / "out", "publishconf.py", env=env)
    assert build.returncode == 0, build.log
    page = build.page("admin/index.html")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert 'src="decap/decap-cms.js"' in page and "https://" not in page
    assert (build.output / "admin" / "decap" / "decap-cms.js").stat().st_size > 1_000_000
    assert not list((build.output / "admin").rglob("*.map"))
    config = desk_config(build.output)["cms"]
    assert config["backend"] == {"name": "github", "repo": "marques/site", "branch": "main",
                                 "base_url": "https://auth.example.org", "auth_endpoint": "auth", "squash_merges": False}
    assert "admin" not in build.page("sitemap.xml")
    for feed in (build.output / "flux").rglob("*.xml"):
        assert "/admin/" not in feed.read_text(encoding="utf-8")
    assert "/admin/" not in "".join(p.name for p in (build.output / "pagefind").rglob("*"))
    from publishing import browsergate
    from publishing.site import Site

    assert browsergate.static_third_party(Site(build.output, "https://marques-communautes.github.io")) == []


# ----------------------------------------------------------------------- the file format


def test_every_file_of_the_site_reads_and_writes_back_byte_for_byte(real_desk):
    files = every_file(ROOT / "content")
    assert len(files) >= 8
    results = run_format({"desk": real_desk["desk"], "files": files})
    assert [(r["path"], r.get("readonly"), r.get("error")) for r in results if not r.get("same")] == []


def test_every_file_of_the_fixture_site_reads_and_writes_back_byte_for_byte(fixture_desk):
    files = every_file(FIXTURE_SITE / "content")
    assert len(files) >= 20
    results = run_format({"desk": fixture_desk["desk"], "files": files})
    assert [(r["path"], r.get("readonly"), r.get("error")) for r in results if not r.get("same")] == []


@pytest.mark.parametrize("text, reason", [
    ("Title: A\r\nDate: 2026-11-22\r\n\r\nTexte.\r\n", "CRLF"),
    ("---\nTitle: A\nDate: 2026-11-22\n---\n\nTexte.\n", "« --- »"),
    ("Title: A\nTitle: B\nDate: 2026-11-22\n\nTexte.\n", "Title: est écrit deux fois"),
    ("Title: A\nDate: 2026-11-22\nCategory: Strategie\n\nTexte.\n", "Strategie"),
    ("Title: A\nDate: 2026-11-22\nCorrection: hier | oups\n\nTexte.\n", "une correction est une date"),
    ("Title: A\nDate: 2026-11-22\nMethode: écrit par moi\n\nTexte.\n", "n'est ni « redaction"),
    ("\ufeffTitle: A\nDate: 2026-11-22\n\nTexte.\n", "BOM"),
])
def test_a_file_the_form_cannot_show_stays_read_only_with_its_reason(tmp_path, real_desk, text, reason):
    path = tmp_path / "a.md"
    path.write_bytes(text.encode("utf-8"))
    [result] = run_format({"desk": real_desk["desk"], "edits": [{"path": str(path), "collection": "articles",
                                                                 "set": {"title": "Autre"}}]})
    assert reason in result["readonly"] and "written" not in result
    result = run_format({"desk": real_desk["desk"], "files": []})  # nothing else was asked
    assert path.read_bytes() == text.encode("utf-8")


def test_a_changed_field_changes_its_line_only(real_desk):
    path = ROOT / "content" / "articles" / "citoyens.md"
    [result] = run_format({"desk": real_desk["desk"], "edits": [
        {"path": str(path), "collection": "articles", "set": {"title": "Citoyens, encore !", "tags": ["influence"]}}]})
    before = path.read_text(encoding="utf-8").splitlines()
    after = result["written"].splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after)
    assert changed == [("Title: Citoyens !", "Title: Citoyens, encore !"),
                       ("Tags: médias sociaux, influence, communautés, conversation", "Tags: influence")]


def test_files_the_desk_writes_pass_invoke_check(tmp_path, real_desk):
    project = project_copy(tmp_path, ROOT / "content")
    articles = project / "content" / "articles"
    edits = [
        {"path": str(articles / "citoyens.md"), "collection": "articles", "set": {
            "transparence.partnership": "collaboration", "transparence.sponsor": "Maison Exemple",
            "transparence.sponsor_url": "https://maison.example.org/",
            "transparence.correction": [{"date": "2026-11-25 10:00:00+01:00", "type": "precision",
                                         "text": "Le texte disait 2008 ; c'est 2009."}],
            "transparence.methode": {"redaction": "Auteur inconnu", "sources": "copie d'archive"},
            "transparence.guest": True}},
        {"path": str(articles / "marketing-2-0-vu-par-yves-duron.md"), "collection": "articles",
         "set": {"summary": "Un résumé   changé\npar la rédaction.", "status": "hidden"},
         "body": "Un texte entièrement réécrit.\n\n![Une photo de bureau]({static}/images/bureau.png)\n"},
    ]
    results = run_format({"desk": real_desk["desk"], "edits": edits})
    for result in results:
        Path(result["path"]).write_text(result["written"], encoding="utf-8")
    (project / "content" / "images").mkdir(exist_ok=True)
    (project / "content" / "images" / "bureau.png").write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="))
    written = (articles / "citoyens.md").read_text(encoding="utf-8")
    assert "Partnership: collaboration\nSponsor: Maison Exemple\nSponsor_url: https://maison.example.org/\nGuest: yes\n" \
           "Correction: 2026-11-25 10:00:00+01:00 | precision | Le texte disait 2008 ; c'est 2009.\n" \
           "Methode: redaction: Auteur inconnu | sources: copie d'archive\n" in written
    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr


# ----------------------------------------------------------------------- moderation: the tasks' record


@pytest.mark.parametrize("action, options", [
    ("approved", {}), ("rejected", {"reason": "hors sujet"}), ("redacted", {}),
])
def test_a_decision_in_the_desk_writes_what_the_task_writes(tmp_path, real_desk, action, options):
    from community import moderation

    content = copy_site(tmp_path, ROOT / "content")
    site = moderation.load_site(ROOT / "pelicanconf.py")
    site = moderation.Site(content, content / "contributions", site.tz, site.articles, site.brand_names,
                           site.official_authors, site.max_body)
    added = moderation.add(site, article="citoyens", author="Camille Lectrice", date="2026-12-01T09:30:00+01:00",
                           source="Formulaire de contribution du site", body="Très juste.\n\nMerci pour ce billet.",
                           author_url="https://camille.example.org/")
    path = Path(added.path)
    now = dt.datetime(2026, 12, 2, 10, 15, 0, tzinfo=PARIS)
    [desk] = run_format({"desk": real_desk["desk"], "decide": [
        {"path": str(path), "action": action, "moderator": "Alice Martin", "when": "2026-12-02 10:15:00+01:00",
         **options}]})
    task = {"approved": lambda: moderation.approve(site, added.id, "Alice Martin", now=now),
            "rejected": lambda: moderation.reject(site, added.id, "hors sujet", "Alice Martin", now=now),
            "redacted": lambda: moderation.redact(site, added.id, "Alice Martin", now=now)}[action]
    task()
    assert desk["written"] == path.read_text(encoding="utf-8")
    assert f"Decisions: 2026-12-02 10:15:00+01:00 {action} by Alice Martin" in desk["written"]


def test_a_decision_obeys_the_tasks_rules_with_their_french_messages(tmp_path, real_desk):
    path = tmp_path / "c-1.md"
    path.write_text("Id: c-1\nArticle: citoyens\nAuthor: A\nDate: 2026-12-01 09:30:00+01:00\nStatus: pending\n\nTexte.\n",
                    encoding="utf-8")
    results = run_format({"desk": real_desk["desk"], "decide": [
        {"path": str(path), "action": "approved", "moderator": "Alice", "when": "2026-12-02 10:15:00+01:00"},
        {"path": str(path), "action": "rejected", "moderator": "Alice", "when": "2026-12-02 10:15:00+01:00"},
        {"path": str(path), "action": "approved", "moderator": "", "when": "2026-12-02 10:15:00+01:00"}]})
    assert [r["error"].split(" : ")[0] for r in results] == [
        "une contribution sans source ne peut pas être approuvée", "un refus enregistre son motif",
        "une décision enregistre qui l'a prise"]


def test_dates_are_written_with_the_paris_offset(real_desk):
    results = run_format({"desk": real_desk["desk"], "wall": ["2026-07-01T10:00", "2026-12-01T10:00:05",
                                                              "2026-03-29T02:30", "2026-10-25T02:30"]})
    assert [r["iso"] for r in results] == ["2026-07-01 10:00:00+02:00", "2026-12-01 10:00:05+01:00", None,
                                           "2026-10-25 02:30:00+02:00"]

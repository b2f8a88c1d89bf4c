"""A text's versions from its states (plugins/transparency/state.py, versions.py), without git or Pelican.

The states are written here as the files were at each commit; they are
rendered by the site's own Markdown settings (pelicanconf.py's MARKDOWN).
What must hold: a version is a state readers could see (never a draft, nor
a future date replaced before it came), of the same text (Feed_id), and
several commits showing the same thing are one version; a version shows the
rendered text and only the header values readers saw; its public note is the
header's Note-de-modification, once; a withheld version keeps its place and
its neighbours are compared with each other. When the deploys are known, a
state counts only if it was deployed (and visible then), or if it is the
state being built; a version is dated by the first deploy that showed it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from transparency.history import Revision
from transparency.state import MARKER_NOTES, Renderer, header_of, plain_text
from transparency.versions import build

PARIS = ZoneInfo("Europe/Paris")
ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.timezone.utc)
FEED_ID = "tag:example.org,2026-01-01:aaaa1111"


def site_markdown() -> dict:
    spec = importlib.util.spec_from_file_location("pelicanconf_for_tests", ROOT / "pelicanconf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MARKDOWN


MARKDOWN = site_markdown()


def renderer(locate=lambda path, commit: "") -> Renderer:
    return Renderer({"MARKDOWN": MARKDOWN}, PARIS, locate, "content")


def article(body: str, *, status: str = "", date: str = "2026-01-05 10:00:00+01:00", feed_id: str = FEED_ID,
            extra: str = "") -> str:
    header = f"Title: Un titre ; deux\nDate: {date}\nAuthor: Camille Témoin\nFeed_id: {feed_id}\n"
    header += f"Status: {status}\n" if status else ""
    return header + extra + "\n" + body + "\n"


def timeline(states: list[tuple[str, str | None]], kind: str = "article", withheld: dict | None = None,
             path: str = "content/articles/texte.md", deployed: dict[str, list[str]] | None = None):
    """states: (ISO commit date, text or None for absent), oldest first; deployed: the number of a state
    ("01" the oldest) → the ISO dates the site was deployed while it was the state (None: deploys unknown)."""
    revisions = [Revision(f"{index:02d}".rjust(40, "a"), dt.datetime.fromisoformat(when), path)
                 for index, (when, _) in enumerate(states, start=1)]
    texts = {(r.commit, r.path): text for r, (_, text) in zip(revisions, states)}

    def identity(facts, revision):
        return facts.slug if kind == "page" else facts.feed_id

    def shown_at(revision, newer):
        assert newer is None or newer.date > revision.date, "newer: the revision that replaced it"
        return [dt.datetime.fromisoformat(d) for d in (deployed or {}).get(revision.commit[-2:], [])]

    return build(list(reversed(revisions)), texts, kind, renderer(), identity,
                 lambda commit: (withheld or {}).get(commit[-2:]), NOW,
                 deployed=None if deployed is None else shown_at)


def words(version) -> str:
    return plain_text(version.view.body)


# ------------------------------------------------------------------------ rendering

def test_a_state_is_rendered_and_shows_only_what_readers_saw():
    text = article("Du **gras** et [un lien](https://example.org/).\n\n[//]: # (Note interne : ne pas publier)\n\n"
                   "## Un intertitre {#inter}\n\n<!-- Note HTML interne -->\n\nFin : voilà.",
                   extra="Tags: secret-tag\nSlug: un-titre\n"
                   "Note-de-modification: La note.\nPartnership: collaboration\nSponsor: Maison X\n"
                   "Correction: 2026-01-06 10:00:00+01:00 | precision | Une date ajoutée.\n")
    view = renderer().view(text, header_of(text), "content/articles/texte.md", "c" * 40, "article")
    assert "<strong>gras</strong>" in view.body and '<h2 id="inter">Un intertitre</h2>' in view.body
    assert "Fin\u00a0: voilà." in view.body  # the site's French typography
    for hidden in ("Note interne", "Note HTML interne", "<!--", "**", "Feed_id", FEED_ID, "secret-tag", "un-titre",
                   "La note", "Status"):
        assert hidden not in view.body and hidden not in repr(view.fields), hidden
    assert view.title == "Un titre\u202f; deux"
    assert dict(view.fields)["Mention"] == "Publicité — collaboration commerciale avec Maison X"
    assert dict(view.fields)["Auteur"] == "Camille Témoin" and dict(view.fields)["Publié le"] == "5 janvier 2026"
    assert dict(view.fields)["Précision du 6 janvier 2026"] == "Une date ajoutée."


def test_old_links_point_to_today_or_keep_only_their_words():
    text = article("Voir [le second]({filename}second.md#x), [l'absent]({filename}/articles/parti.md) et "
                   "![un schéma]({static}/images/parti.png).\n\n[[contribution:alice-1]]\n\n[[chiffres-transparence]]")
    moved = {"content/articles/second.md": "content/articles/deuxieme.md"}
    r = renderer(lambda path, commit: moved.get(path, ""))
    view = r.view(text, header_of(text), "content/articles/texte.md", "c" * 40, "article")
    assert 'href="{filename}/articles/deuxieme.md#x"' in view.body  # renames followed: the same link

    @dataclass
    class Found:
        url: str
        status: str = "published"
        date: dt.datetime | None = None

    context = {"generated_content": {"articles/deuxieme.md": Found("second/")}, "static_content": {}}
    html = str(r.html(view, context, "https://site.example", ()))
    assert '<a href="https://site.example/second/#x">le second</a>' in html
    assert "l'absent" in html and "parti.md" not in html and "{" not in html  # the words stay, not the link
    assert "<img" not in html and "[image\u00a0: un schéma]" in html
    assert MARKER_NOTES["contribution"] in html and "alice-1" not in html and "[[" not in html
    context["generated_content"]["articles/deuxieme.md"] = Found("second/", status="draft")
    assert "second/" not in str(r.html(view, context, "", ())), "a link to a text no longer public is dropped"


def test_plain_text_keeps_blocks_apart_and_spaces_as_typeset():
    assert plain_text("<h2>Titre</h2><p>Un <em>mot</em>\n suivi\u202f;</p><ul><li>a</li><li>b<br>c</li></ul>") == \
        "Titre\n\nUn mot suivi\u202f;\n\na\n\nb\n\nc"


# ------------------------------------------------------------------------ versions

def test_drafts_and_dates_that_never_came_make_no_version():
    tl = timeline([
        ("2026-01-01T10:00:00+01:00", article("Texte. Paragraphe brouillon secret.", status="draft")),
        ("2026-01-02T10:00:00+01:00", article("Texte. Paragraphe brouillon secret.", date="2026-03-01")),
        ("2026-01-03T10:00:00+01:00", article("Texte.", date="2026-01-02")),  # replaced before 1 March
        ("2026-01-04T10:00:00+01:00", article("Texte, publié.", status="hidden", date="2026-01-02")),
    ])
    assert [v.commit[-2:] for v in tl.versions] == ["03", "04"]
    assert all("secret" not in words(v) for v in tl.versions)
    assert tl.versions[0].first and tl.versions[0].date == dt.datetime.fromisoformat("2026-01-03T10:00:00+01:00")


def test_a_future_date_that_came_dates_the_version():
    tl = timeline([("2026-01-01T10:00:00+01:00", article("Texte.", date="2026-01-10 08:00:00+01:00")),
                   ("2026-02-01T10:00:00+01:00", article("Texte, modifié.", date="2026-01-10 08:00:00+01:00"))])
    assert [v.date.isoformat() for v in tl.versions] == ["2026-01-10T08:00:00+01:00", "2026-02-01T10:00:00+01:00"]


def test_commits_showing_the_same_thing_are_one_version_and_its_note_is_shown_once():
    tl = timeline([
        ("2026-01-06T10:00:00+01:00", article("Texte.")),
        ("2026-01-07T10:00:00+01:00", article("Texte.\n\n[//]: # (commentaire)", extra="Tags: a, b\n")),
        ("2026-01-08T10:00:00+01:00", article("Texte et ajout.", extra="Note-de-modification: Un ajout.\n")),
        ("2026-01-09T10:00:00+01:00", article("Texte et ajout.", extra="Note-de-modification: Un ajout, précisé.\n")),
        ("2026-01-10T10:00:00+01:00", article("Texte et ajout, encore.",
                                              extra="Note-de-modification: Un ajout, précisé.\n")),
    ])
    assert [(v.commit[-2:], v.commits and len(v.commits), v.note) for v in tl.versions] == [
        ("01", 2, ""), ("03", 2, "Un ajout, précisé."), ("05", 1, "")]
    assert tl.updated is tl.versions[1]
    assert [v.commit[-2:] for v in tl.newest_first] == ["05", "03", "01"]


def test_another_text_at_the_same_name_or_a_deletion_ends_the_history():
    other = "tag:example.org,2025-01-01:bbbb2222"
    tl = timeline([
        ("2026-01-06T10:00:00+01:00", article("Ancien texte.", feed_id=other)),
        ("2026-01-07T10:00:00+01:00", None),  # deleted
        ("2026-01-08T10:00:00+01:00", article("Nouveau texte.")),
    ])
    assert [words(v) for v in tl.versions] == ["Nouveau texte."]
    tl = timeline([("2026-01-06T10:00:00+01:00", article("Ancien texte.", feed_id=other)),
                   ("2026-01-08T10:00:00+01:00", article("Nouveau texte."))])
    assert [words(v) for v in tl.versions] == ["Nouveau texte."]


def test_a_page_is_one_text_while_its_slug_stays():
    page = "Title: À propos\nSlug: {}\n\n{}\n"
    tl = timeline([("2026-01-06T10:00:00+01:00", page.format("autre", "Autre page.")),
                   ("2026-01-07T10:00:00+01:00", page.format("a-propos", "Texte.")),
                   ("2026-01-08T10:00:00+01:00", "Title: À propos\n\nTexte revu.\n")], kind="page")
    assert [words(v) for v in tl.versions] == ["Texte.", "Texte revu."]


def test_a_withheld_version_keeps_its_place_and_its_neighbours_meet():
    tl = timeline([("2026-01-06T10:00:00+01:00", article("Un.")),
                   ("2026-01-07T10:00:00+01:00", article("Un. Passage illicite.", extra="Note-de-modification: N.\n")),
                   ("2026-01-08T10:00:00+01:00", article("Un. Deux."))], withheld={"02": "Décision de justice."})
    first, withheld, last = tl.versions
    assert withheld.withheld and withheld.reason == "Décision de justice." and withheld.note == ""
    assert tl.shown == (first, last) and tl.previous(last) is first and tl.next(first) is last
    assert tl.withheld_before(last) == 1 and tl.withheld_before(first) == 0
    assert tl.updated is None  # the only note was on the withheld version


@pytest.mark.parametrize("status", ["draft", "DRAFT", " Draft "])
def test_every_spelling_of_draft_is_a_draft(status):
    tl = timeline([("2026-01-06T10:00:00+01:00", article("Brouillon.", status=status)),
                   ("2026-01-07T10:00:00+01:00", article("Publié."))])
    assert [words(v) for v in tl.versions] == ["Publié."]


def test_an_article_without_feed_id_is_the_text_its_fallback_id_names():
    """Pasting the id the build suggests keeps the history; another id starts a new one (syndication/ids.py)."""
    from functools import partial

    from transparency import config
    from transparency.record import Record

    record = Record({"TIMEZONE": "Europe/Paris", "SYNDICATION": {"id_authority": "example.org"}},
                    config.from_settings({}), {})
    plain = "Title: T\nDate: 2026-01-05 10:00:00+01:00\n\n{}\n"
    pasted = "Title: T\nDate: 2026-01-05 10:00:00+01:00\nFeed_id: {}\n\n{}\n"
    fallback = "tag:example.org,2026-01-05:source/texte"
    cases = ((fallback, ["Sans id.", "Avec l’id suggéré."]), (FEED_ID, ["Avec l’id suggéré."]))
    for feed_id, expected in cases:
        revisions = [Revision("b" * 40, dt.datetime(2026, 1, 7, tzinfo=PARIS), "content/articles/texte.md"),
                     Revision("a" * 40, dt.datetime(2026, 1, 6, tzinfo=PARIS), "content/articles/texte.md")]
        texts = {("a" * 40, revisions[1].path): plain.format("Sans id."),
                 ("b" * 40, revisions[0].path): pasted.format(feed_id, "Avec l’id suggéré.")}
        tl = build(revisions, texts, "article", renderer(), partial(record.identity, "article"), lambda c: None, NOW)
        assert [words(v) for v in tl.versions] == expected, feed_id


# ------------------------------------------------------------------------ only what was deployed

def test_a_state_replaced_before_any_deploy_is_no_version_even_if_it_was_on_main():
    """The review gate refused it, or two merges landed during one publish: readers never saw it."""
    states = [("2026-01-06T10:00:00+01:00", article("Un.")),
              ("2026-01-07T10:00:00+01:00", article("Un. Passage jamais relu.")),
              ("2026-01-08T10:00:00+01:00", article("Un. Deux."))]
    tl = timeline(states, deployed={"01": ["2026-01-06T10:05:00+01:00"]})
    assert [v.commit[-2:] for v in tl.versions] == ["01", "03"]
    assert all("jamais" not in words(v) for v in tl.versions)
    assert [v.commit[-2:] for v in timeline(states).versions] == ["01", "02", "03"], "deploys unknown: as before"


def test_a_deployed_state_is_dated_by_its_first_deploy_and_the_state_being_built_by_its_commit():
    tl = timeline([("2026-01-06T10:00:00+01:00", article("Un.")),
                   ("2026-01-07T10:00:00+01:00", article("Un. Deux."))],
                  deployed={"01": ["2026-01-06T10:07:00+01:00", "2026-01-07T00:15:00+01:00"]})
    assert [v.date.isoformat() for v in tl.versions] == ["2026-01-06T10:07:00+01:00", "2026-01-07T10:00:00+01:00"]
    deployed_too = timeline([("2026-01-06T10:00:00+01:00", article("Un."))],
                            deployed={"01": ["2026-01-06T10:07:00+01:00"]})
    assert [v.date.isoformat() for v in deployed_too.versions] == ["2026-01-06T10:07:00+01:00"]


def test_a_deployed_draft_or_a_deploy_before_the_texts_date_shows_nothing():
    tl = timeline([("2026-01-06T10:00:00+01:00", article("Brouillon secret.", status="draft")),
                   ("2026-01-07T10:00:00+01:00", article("Programmé.", date="2026-01-09 00:00:00+01:00")),
                   ("2026-01-10T10:00:00+01:00", article("Programmé, revu.", date="2026-01-09 00:00:00+01:00")),
                   ("2026-01-11T10:00:00+01:00", article("Programmé, revu encore.",
                                                         date="2026-01-09 00:00:00+01:00"))],
                  deployed={"01": ["2026-01-06T10:05:00+01:00"],
                            "02": ["2026-01-07T10:05:00+01:00", "2026-01-09T00:15:00+01:00"],
                            "03": ["2026-01-10T10:05:00+01:00"]})
    assert [(v.commit[-2:], v.date.isoformat()) for v in tl.versions] == [
        ("02", "2026-01-09T00:15:00+01:00"), ("03", "2026-01-10T10:05:00+01:00"), ("04", "2026-01-11T10:00:00+01:00")]
    never = timeline([("2026-01-06T10:00:00+01:00", article("Programmé.", date="2026-01-09 00:00:00+01:00")),
                      ("2026-01-08T10:00:00+01:00", article("Publié."))],
                     deployed={"01": ["2026-01-06T10:05:00+01:00"]})
    assert [words(v) for v in never.versions] == ["Publié."], "deployed only before its date came"
    nothing_yet = timeline([("2026-01-06T10:00:00+01:00", article("Un."))], deployed={})
    assert [v.commit[-2:] for v in nothing_yet.versions] == ["01"], "nothing deployed yet: the state being built counts"
    assert timeline([("2026-01-06T10:00:00+01:00", article("Un.", status="draft"))], deployed={}).versions == ()


def test_what_was_never_deployed_between_two_equal_states_or_in_a_header_keeps_one_version_and_its_id():
    tl = timeline([("2026-01-06T10:00:00+01:00", article("Un.")),
                   ("2026-01-07T10:00:00+01:00", article("Un. Refusé.")),
                   ("2026-01-08T10:00:00+01:00", article("Un.", extra="Tags: a\n")),
                   ("2026-01-09T10:00:00+01:00", article("Un, deux.")),
                   ("2026-01-10T10:00:00+01:00", article("Un, deux.", extra="Note-de-modification: Ajout.\n")),
                   ("2026-01-11T10:00:00+01:00", article("Un, deux, trois.",
                                                         extra="Note-de-modification: Ajout.\n"))],
                  deployed={"01": ["2026-01-06T10:05:00+01:00"], "03": ["2026-01-08T10:05:00+01:00"],
                            "05": ["2026-01-10T10:05:00+01:00"]})
    assert [(v.commit[-2:], v.commits and [c[-2:] for c in v.commits], v.note) for v in tl.versions] == [
        ("01", ["01", "03"], ""), ("04", ["04", "05"], "Ajout."), ("06", ["06"], "")]
    assert tl.versions[1].date.isoformat() == "2026-01-10T10:05:00+01:00", "first seen at its deploy"
    unseen_note = timeline([("2026-01-06T10:00:00+01:00", article("Un.")),
                            ("2026-01-07T10:00:00+01:00", article("Un.", extra="Note-de-modification: Ajout.\n")),
                            ("2026-01-08T10:00:00+01:00", article("Un, deux.",
                                                                  extra="Note-de-modification: Ajout.\n"))],
                           deployed={"01": ["2026-01-06T10:05:00+01:00"]})
    assert [(v.commit[-2:], v.note) for v in unseen_note.versions] == [("01", ""), ("03", "Ajout.")], \
        "a note readers never saw with the first version is shown with the one they saw it with"


def test_the_deploys_are_placed_on_the_publishing_line_and_read_from_publish_messages(tmp_path):
    """A publish commit as `invoke publish --target git` writes it (gitpages.commit_message), an older one, one an
    erasure carried over; a line that only looks like one is no deploy."""
    from publishing.gitpages import SourceCommit, commit_message
    from publishing.site import Site

    from transparency.deployed import Deploys, Publish, Shown, carried_line, parse

    when = dt.datetime(2026, 1, 6, 10, 5, tzinfo=PARIS)
    sha = "0123456789abcdef" * 2 + "01234567"
    message = commit_message(Site(tmp_path, "https://site.example"), SourceCommit(sha))
    assert parse(message, when) == [Publish(sha, when)]
    assert parse(commit_message(Site(tmp_path, "https://site.example"), SourceCommit(sha, dirty=True)), when) == [
        Publish(sha, when)]
    older = f"Publish {sha[:12]}: Merge pull request #4\n\nSite built by `invoke publish` from source commit {sha}.\n"
    assert parse(older, when) == [Publish(sha, when)]
    assert parse(commit_message(Site(tmp_path, "https://site.example"), SourceCommit(None)), when) == []
    assert parse(f"Initial commit\n\nfrom source commit {sha}\n", when) == [], "the title must name it too"
    removed = Publish("f" * 40, dt.datetime(2026, 1, 5, 9, 0, tzinfo=PARIS))
    carried = message + carried_line(removed) + "\n"
    assert parse(carried, when) == [Publish(sha, when), removed]
    from publishing import reviewgate

    assert reviewgate.publish_source(carried) == sha, "the review gate still reads the publish's own source"
    line = {"c" * 40: 0, "b" * 40: 1, sha: 2, "a" * 40: 3}
    shown = Shown.place(Deploys((removed, Publish(sha, when), Publish("b" * 40, when))), line, PARIS)
    assert shown.elsewhere == 1, "a deployed commit that is not on the line"
    assert shown.between(3, 2) == [] and shown.between(2, 1) == [when] and shown.between(3, None) == [when, when]

"""The history counts only the states readers were shown: the deployed ones (issue 25, point 1).

On real git repositories: a private repository with the fixture site and a
few articles, and a bare public repository whose gh-pages commits are made
by the publish's own code (`gitpages.deploy`, as `invoke publish --target
git` makes them), each naming the source commit it was built from. The
production build reads that branch when DEPLOYED_FROM names it
(publishconf.py), as publish.yml and erase.yml do.

The history tried here: a change the review gate refused, replaced by a
reviewed one before the next deploy; the middle one of two merges during
one running publish; a draft that was deployed as a draft; the state being
built now; a publish from a commit that is not on main; a commit on the
public branch made by hand. Then the erasure removes two publishes from the
public branch, and the history stays what readers were shown.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import FIXTURE_SITE
from test_transparency_history import (article, build_from, commit, edit, every_text, git, history_lines,
                                       shown_ids)

from publishing import erasure, gitpages, traces  # noqa: E402
from publishing.site import Site  # noqa: E402

# One worker runs this file: its tests share module-scoped builds (README, "For developers").
pytestmark = [pytest.mark.build]

SITE = "https://marques-communautes.github.io"
PARIS = ZoneInfo("Europe/Paris")
# Words only states readers were never shown carry: none may be in anything the build writes.
NEVER_SHOWN = {
    "refused by the review gate, replaced before the next deploy": "Etatrefuseparlarelecture",
    "the middle one of two merges during one publish": "Etatdumilieujamaisdeploye",
    "a draft, deployed as a draft": "Brouillondeploye",
}
ERASED = "Contributionzinzoline"


def publish(public: Path, source: str, tmp: Path, extra: str = "") -> str:
    """One deploy of `source`, made by the publish's own code; the publish commit."""
    site = tmp / f"site-{len(list(tmp.glob('site-*')))}"
    site.mkdir()
    (site / "index.html").write_text(f"<!DOCTYPE html><title>{site.name}</title><p>{extra}</p>", encoding="utf-8")
    result = gitpages.deploy(Site(site, SITE), str(public), "gh-pages", gitpages.SourceCommit(source))
    assert result.changed, result.summary
    return result.details["commit"]


def publish_date(public: Path, publish_commit: str) -> str:
    """When a publish went online, as the history shows it (Paris time)."""
    when = git(public, "log", "-1", "--format=%cI", publish_commit).strip()
    return dt.datetime.fromisoformat(when).astimezone(PARIS).isoformat()


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> tuple[Path, Path, dict[str, str], dict[str, str]]:
    """The private repository, the public one, the named source commits and the publish commits."""
    tmp = tmp_path_factory.mktemp("deployed")
    root, public = tmp / "team", tmp / "public.git"
    subprocess.run(["git", "init", "-q", "--bare", str(public)], check=True)
    shutil.copytree(FIXTURE_SITE / "content", root / "content")
    a = root / "content" / "articles"
    git(root, "init", "-q", "-b", "main")
    c: dict[str, str] = {}
    p: dict[str, str] = {}
    c["import"] = commit(root, 1, "Import the fixture site", "2023-03-01T10:00:00+01:00")
    p["import"] = publish(public, c["import"], tmp)

    (a / "suivi.md").write_text(article("Suivi", "suivi", "0000000d", "Premier texte publié."), encoding="utf-8")
    c["first"] = commit(root, 2, "A text", "2023-03-02T10:00:00+01:00")
    p["first"] = publish(public, c["first"], tmp)

    # Merged without review: the gate refuses the deploy; the reviewed fix replaces it.
    edit(a / "suivi.md", "Premier texte publié.", f"Premier texte publié. {NEVER_SHOWN[next(iter(NEVER_SHOWN))]}.")
    c["refused"] = commit(root, 3, "Unreviewed change", "2023-03-03T10:00:00+01:00")
    edit(a / "suivi.md", "Etatrefuseparlarelecture", "Un ajout relu")
    c["reviewed"] = commit(root, 4, "Reviewed change", "2023-03-04T10:00:00+01:00")
    p["reviewed"] = publish(public, c["reviewed"], tmp)

    # Two merges during one running publish: only the newest pending run deploys.
    edit(a / "suivi.md", "Un ajout relu.", "Un ajout relu. Etatdumilieujamaisdeploye.")
    c["middle"] = commit(root, 5, "First merge", "2023-03-05T10:00:00+01:00")
    edit(a / "suivi.md", "Etatdumilieujamaisdeploye", "Une seconde phrase")
    c["last"] = commit(root, 6, "Second merge", "2023-03-05T10:01:00+01:00")
    p["last"] = publish(public, c["last"], tmp, extra=ERASED)  # a contribution online: erased below

    # A draft, deployed while it was a draft (the site did not show it).
    (a / "brouillon-deploye.md").write_text(article("Brouillon", "brouillon-deploye", "0000000e",
                                                    "Brouillondeploye.", extra="Status: draft\n"), encoding="utf-8")
    c["draft"] = commit(root, 7, "A draft", "2023-03-06T10:00:00+01:00")
    p["draft"] = publish(public, c["draft"], tmp, extra=ERASED)

    # A publish from a branch that never reached main, and a commit on the public branch made by hand.
    git(root, "checkout", "-q", "-b", "essai")
    edit(a / "suivi.md", "Une seconde phrase.", "Une seconde phrase. Essai.")
    c["elsewhere"] = commit(root, 8, "A try", "2023-03-06T11:00:00+01:00")
    publish(public, c["elsewhere"], tmp)
    git(root, "checkout", "-q", "main")
    hand = tmp / "by-hand"
    git(tmp, "clone", "-q", "-b", "gh-pages", str(public), str(hand))
    (hand / "CNAME").write_text("blog.example.org\n", encoding="utf-8")
    git(hand, "add", "CNAME")
    git(hand, "commit", "-q", "-m", "Add a CNAME")
    git(hand, "push", "-q", "origin", "gh-pages")

    # The state being built now: the draft published, the text changed again (not deployed yet).
    edit(a / "brouillon-deploye.md", "Status: draft\n", "")
    edit(a / "brouillon-deploye.md", "Brouillondeploye.", "Le texte publié.")
    edit(a / "suivi.md", "Une seconde phrase.", "Une seconde phrase, et la dernière.")
    c["now"] = commit(root, 9, "Publish the draft, and a last change", "2023-03-07T10:00:00+01:00")
    return root, public, c, p


def ids(c: dict[str, str], *names: str) -> list[str]:
    return [c[name][:10] for name in names]


@pytest.fixture(scope="module")
def deployed_build(repos, tmp_path_factory):
    root, public = repos[0], repos[1]
    build = build_from(root / "content", tmp_path_factory.mktemp("deployed-out") / "out",
                       env={"DEPLOYED_FROM": str(public)})
    assert build.returncode == 0, build.log
    return build


def test_a_state_merged_then_replaced_before_any_deploy_is_no_version(repos, deployed_build):
    _, _, c, _ = repos
    assert shown_ids(deployed_build, "suivi") == ids(c, "now", "last", "reviewed", "first")
    for name in ("refused", "middle"):
        assert not (deployed_build.output / "suivi" / "versions" / c[name][:10]).exists(), name


@pytest.mark.parametrize("case", sorted(NEVER_SHOWN))
def test_what_readers_were_never_shown_is_in_no_file_of_the_build(deployed_build, case):
    assert NEVER_SHOWN[case] not in every_text(deployed_build.output), case


def test_a_deployed_version_is_dated_by_its_first_deploy_the_state_being_built_by_its_commit(repos, deployed_build):
    _, public, c, p = repos
    dates = [li.time["datetime"] for li in history_lines(deployed_build, "suivi")]
    assert dates == ["2023-03-07T10:00:00+01:00", publish_date(public, p["last"]),
                     publish_date(public, p["reviewed"]), publish_date(public, p["first"])]
    page = (deployed_build.output / "suivi" / "versions" / c["reviewed"][:10] / "index.html").read_text("utf-8")
    assert "Un ajout relu" in page, "the version shows what was deployed"


def test_a_deployed_draft_is_still_no_version_and_the_state_being_built_counts(repos, deployed_build):
    _, _, c, _ = repos
    assert shown_ids(deployed_build, "brouillon-deploye") == ids(c, "now")
    assert shown_ids(deployed_build, "premier-article") == ids(c, "import")


def test_the_build_says_where_it_read_the_deploys_and_what_it_could_not_place(deployed_build):
    log = " ".join(deployed_build.log.split())
    assert "[transparency] versions: only the deployed states count" in log
    assert "6 deploys read from" in log, "5 publishes of main and one of a branch; the hand-made commit names none"
    assert "(1 of them from commits that are not on the publishing line; 1 commits of the branch name no source " \
           "commit)" in log


def test_without_the_setting_every_state_of_main_counts_as_before(repos, tmp_path):
    root, _, c, _ = repos
    build = build_from(root / "content", tmp_path / "out")
    assert build.returncode == 0, build.log
    assert shown_ids(build, "suivi") == ids(c, "now", "last", "middle", "reviewed", "refused", "first")
    assert "versions: every state of the publishing line counts, deployed or not" in " ".join(build.log.split())


def test_a_public_repository_with_nothing_deployed_yet_shows_only_the_states_built_now(repos, tmp_path):
    root, _, c, _ = repos
    empty = tmp_path / "empty.git"
    subprocess.run(["git", "init", "-q", "--bare", str(empty)], check=True)
    build = build_from(root / "content", tmp_path / "out", env={"DEPLOYED_FROM": str(empty)})
    assert build.returncode == 0, build.log
    assert shown_ids(build, "suivi") == ids(c, "now")
    assert f"{empty} gh-pages does not exist yet" in " ".join(build.log.split())


@pytest.mark.parametrize("where", ["absent.git", "not-a-repository"])
def test_a_remote_that_cannot_be_read_fails_the_build_naming_the_fix(repos, tmp_path, where):
    root = repos[0]
    (tmp_path / "not-a-repository").mkdir()
    build = build_from(root / "content", tmp_path / "out", env={"DEPLOYED_FROM": str(tmp_path / where)})
    log = " ".join(build.log.split())
    assert build.returncode != 0
    assert "TRANSPARENCY['deployed_from']" in log and "DEPLOYED_FROM" in log and where in log
    assert "the branch gh-pages cannot be read" in log and "PUBLIC_REPOSITORY" in log
    assert not (tmp_path / "out" / "suivi").exists()


def test_after_an_erasure_the_history_still_shows_what_the_removed_publishes_deployed(repos, deployed_build, tmp_path):
    """The erasure removes the publishes that held the contribution; their record stays in the next commit."""
    root, public, c, p = repos
    mirror = tmp_path / "public.git"
    git(tmp_path, "clone", "-q", "--mirror", str(public), str(mirror))
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "index.html").write_text("<!DOCTYPE html><title>Après l'effacement</title>", encoding="utf-8")
    scanner = traces.Scanner(traces.Traces.of_versions([{"author": "Anne Onyme", "body": ERASED}]))
    erased = erasure.erase_git(Site(clean, SITE), str(mirror), "gh-pages", scanner,
                               gitpages.SourceCommit(c["now"]))
    assert {p["last"], p["draft"]} <= set(erased.dropped)
    assert erasure.verify_git(str(mirror), scanner) == []
    messages = git(mirror, "log", "--format=%B", "gh-pages")
    assert f"from source commit {c['last']}" not in messages and f"source commit {c['last']}" in messages
    build = build_from(root / "content", tmp_path / "out", env={"DEPLOYED_FROM": str(mirror)})
    assert build.returncode == 0, build.log
    assert shown_ids(build, "suivi") == shown_ids(deployed_build, "suivi")
    assert [li.time["datetime"] for li in history_lines(build, "suivi")][1] == publish_date(public, p["last"])

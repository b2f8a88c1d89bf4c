"""On time: the scheduled check publishes when a text's date came since the last publish, and only then.

A real project folder (the real pelicanconf.py, Markdown texts), real git
repositories in tmp (the public one bare, as on GitHub), the check run as the
workflow runs it: the system's python3 without site-packages.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from publishing import schedule  # noqa: E402

PARIS = dt.timezone(dt.timedelta(hours=1))
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/bin")


def git(*args: str, cwd: Path | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def write(project: Path, relative: str, date: dt.datetime | None, status: str = "") -> None:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"Title: {path.stem}"] + ([f"Date: {date.isoformat(sep=' ')}"] if date else [])
    lines += [f"Status: {status}"] if status else []
    path.write_text("\n".join(lines) + "\n\nTexte.\n", encoding="utf-8")


def project(tmp_path: Path, now: dt.datetime) -> Path:
    """A project with the real settings: texts due, one due tomorrow, a draft, a page, a contribution."""
    root = tmp_path / "projet"
    root.mkdir()
    shutil.copy(ROOT / "pelicanconf.py", root / "pelicanconf.py")
    write(root, "content/articles/ancien.md", now - dt.timedelta(days=30))
    write(root, "content/articles/demain-9h.md", now + dt.timedelta(days=1))
    write(root, "content/articles/brouillon.md", now - dt.timedelta(days=2), status="draft")
    write(root, "content/articles/cache.md", now - dt.timedelta(days=2), status="hidden")
    write(root, "content/pages/a-propos.md", None)
    write(root, "content/contributions/ancien/c-1.md", now + dt.timedelta(hours=1))  # data, not a text
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "Contenu", cwd=root)
    return root


def publish(root: Path, public: Path, at: dt.datetime, tmp_path: Path) -> None:
    """What `invoke publish` leaves on the public branch: a site holding publication.json, one commit on top."""
    site = tmp_path / f"site-{at.timestamp():.0f}"
    if public.exists():
        git("clone", "-q", "--branch", "gh-pages", str(public), str(site))
    else:
        git("init", "-q", "--bare", str(public))
        git("config", "uploadpack.allowFilter", "true", cwd=public)  # as GitHub: a fetch without the site's files
        git("init", "-q", "-b", "gh-pages", str(site))
    (site / "index.html").write_text(f"<p>site {at}</p>")
    schedule.write_manifest(site, root, at, git("rev-parse", "HEAD", cwd=root))
    git("add", "-A", cwd=site)
    git("commit", "-q", "-m", "Publish", cwd=site)
    git("push", "-q", str(public), "gh-pages", cwd=site)


def test_the_set_of_texts_is_read_as_the_build_reads_them(tmp_path):
    now = dt.datetime(2026, 12, 8, 8, 0, tzinfo=dt.timezone.utc)
    root = project(tmp_path, now)
    found = {t.path: t for t in schedule.texts(root)}
    assert set(found) == {"content/articles/ancien.md", "content/articles/demain-9h.md",
                          "content/articles/brouillon.md", "content/articles/cache.md", "content/pages/a-propos.md"}
    due = {t.path for t in schedule.due_set(list(found.values()), now).values()}
    # A draft never; a hidden text is online (reachable by its address); a page without a date always.
    assert due == {"content/articles/ancien.md", "content/articles/cache.md", "content/pages/a-propos.md"}
    # A date written without an offset is in the site's zone (Europe/Paris), as the build reads it.
    write(root, "content/articles/naif.md", None)
    (root / "content/articles/naif.md").write_text("Title: naif\nDate: 2026-12-08 09:00\n\nTexte.\n")
    naive = {t.path: t for t in schedule.texts(root)}["content/articles/naif.md"]
    assert naive.date == dt.datetime(2026, 12, 8, 8, 0, tzinfo=dt.timezone.utc)


def test_the_public_site_never_names_a_file_of_the_private_repository(tmp_path):
    now = dt.datetime(2026, 12, 8, 8, 0, tzinfo=dt.timezone.utc)
    root = project(tmp_path, now)
    data = schedule.manifest(schedule.texts(root), now, "abc")
    assert b"ancien" not in data and b"content/" not in data and b"a-propos" not in data
    assert len(json.loads(data)["texts"]) == 3


def test_a_text_whose_date_came_is_published_and_then_nothing_more(tmp_path):
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    root = project(tmp_path, now)
    public = tmp_path / "public.git"
    publish(root, public, now - dt.timedelta(minutes=30), tmp_path)
    deployed = schedule.read_deployed(str(public))
    assert deployed["at"] == now - dt.timedelta(minutes=30) and len(deployed["texts"]) == 3

    # Every quarter of an hour until the article's date: nothing to do.
    found = schedule.texts(root)
    for minutes in (0, 15, 30, 24 * 60 - 1):
        decision = schedule.decide(found, deployed, now + dt.timedelta(minutes=minutes))
        assert not decision.publish, decision.reason
    # The first check after its date (09:00 -> the 09:01 run): publish, naming it.
    decision = schedule.decide(found, deployed, now + dt.timedelta(days=1, minutes=1))
    assert decision.publish and [t.path for t in decision.came] == ["content/articles/demain-9h.md"]
    assert "content/articles/demain-9h.md" in decision.reason

    # Once published (the set taken at 09:01), the next checks do nothing.
    publish(root, public, now + dt.timedelta(days=1, minutes=1), tmp_path)
    deployed = schedule.read_deployed(str(public))
    assert not schedule.decide(found, deployed, now + dt.timedelta(days=1, minutes=16)).publish


def test_a_text_missing_for_another_reason_is_named_but_not_retried(tmp_path):
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    root = project(tmp_path, now)
    public = tmp_path / "public.git"
    publish(root, public, now - dt.timedelta(minutes=30), tmp_path)
    # Merged since, dated last week, and not online (its publish failed): the merge's run, or the night's.
    write(root, "content/articles/fusion-echouee.md", now - dt.timedelta(days=7))
    decision = schedule.decide(schedule.texts(root), schedule.read_deployed(str(public)), now)
    assert not decision.publish and [t.path for t in decision.other] == ["content/articles/fusion-echouee.md"]
    assert "content/articles/fusion-echouee.md" in decision.reason


def test_no_manifest_or_no_branch_means_publish(tmp_path):
    now = dt.datetime.now(dt.timezone.utc)
    root = project(tmp_path, now)
    public = tmp_path / "public.git"
    git("init", "-q", "--bare", str(public))
    assert schedule.read_deployed(str(public)) is None  # no gh-pages yet
    assert schedule.decide(schedule.texts(root), None, now).publish


@pytest.mark.skipif(SYSTEM_PYTHON is None, reason="no system python3")
def test_the_workflow_step_runs_on_the_system_python_alone_and_answers_for_github(tmp_path):
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    root = project(tmp_path, now)
    public = tmp_path / "public.git"
    publish(root, public, now - dt.timedelta(minutes=30), tmp_path)
    script = ROOT / "scripts" / "publishing" / "schedule.py"

    def check() -> tuple[str, dict]:
        output = tmp_path / "github-output"
        output.write_text("")
        done = subprocess.run([SYSTEM_PYTHON, "-S", str(script), "--remote", str(public), "--root", str(root),
                               "--github-output", str(output)], capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert done.returncode == 0, done.stderr
        return done.stdout, dict(line.split("=", 1) for line in output.read_text().split())

    said, answer = check()
    assert answer == {"publish": "false", "same_source": "true"} and said.startswith("Ne rien faire : ")
    # A writer's article dated a minute ago, merged before its date (a commit of main, already deployed)
    write(root, "content/articles/a-l-heure.md", now - dt.timedelta(minutes=1))
    said, answer = check()
    assert answer["publish"] == "true" and "content/articles/a-l-heure.md" in said


def test_an_unreadable_public_repository_means_publish_and_the_publish_says_why(tmp_path, capsys):
    root = project(tmp_path, dt.datetime.now(dt.timezone.utc))
    output = tmp_path / "github-output"
    assert schedule.main(["--remote", str(tmp_path / "nowhere.git"), "--root", str(root),
                          "--github-output", str(output)]) == 0
    assert "publish=true" in output.read_text().split()
    assert "dépôt public illisible" in capsys.readouterr().out

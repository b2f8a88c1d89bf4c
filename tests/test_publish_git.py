"""`invoke publish --target git`: a gh-pages style branch that holds exactly the gated build.

Against local bare repositories created in tmp. The deploy itself is tested on
real builds; the whole task (build, every gate, deploy) on a copy of the
project with the real content/, which is also where the gates are shown to
pass on the real site.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, project_copy, run_pelican

sys.path.insert(0, str(ROOT / "scripts"))
from publishing import browsergate, gitpages, htmlgate, schedule  # noqa: E402
from publishing.pipeline import DeployError  # noqa: E402
from publishing.site import Site  # noqa: E402

# One worker runs this file: its tests share one publish (README, "For developers").
pytestmark = [pytest.mark.build]

SITE_URL = "https://marques-communautes.github.io"
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def git(*args: str, cwd: Path | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def bare_repository(path: Path) -> Path:
    git("init", "-q", "--bare", str(path))
    return path


def branch_files(repository: Path, ref: str = "gh-pages") -> dict[str, str]:
    """Every file of a branch → its blob id."""
    listing = git("-C", str(repository), "ls-tree", "-r", ref)
    return {line.split("\t", 1)[1]: line.split()[2] for line in listing.splitlines()}


def build_files(root: Path) -> dict[str, str]:
    """Every file of a build → the blob id git would give it."""
    paths = sorted(p for p in root.rglob("*") if p.is_file())
    ids = git("hash-object", "--", *map(str, paths)).splitlines()
    return {p.relative_to(root).as_posix(): blob for p, blob in zip(paths, ids)}


def gate_tools_missing() -> list[str]:
    return htmlgate.tools_missing() + browsergate.tools_missing()


needs_gate_tools = pytest.mark.skipif(
    bool(gate_tools_missing()), reason=f"missing {', '.join(gate_tools_missing())}: scripts/setup --test installs it")


def publish_project(tmp_path: Path, content: Path = ROOT / "content") -> Path:
    """A copy of the project that `invoke publish` can run in: tasks, settings, plugins, theme, content,
    the publish pipeline, the browser harness it reuses, node_modules (linked); committed to git."""
    project = project_copy(tmp_path, content)  # scripts/ (the publish pipeline) included
    (project / "tests").mkdir()
    for name in ("browser.py", "htmlcheck.py"):
        shutil.copy(ROOT / "tests" / name, project / "tests" / name)
    (project / ".gitignore").write_text("node_modules\ncache/\n__pycache__/\n")
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "Contenu de test", cwd=project)
    return project


def run_task(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`invoke ARGS` in a project copy, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "400", **(env or {})})


# ----------------------------------------------------------------- the deploy, on real builds

def test_the_branch_holds_exactly_the_build_plus_nojekyll_and_names_the_source_commit(site_production, tmp_path):
    """The public commit names the private source commit by its hash only: never its subject (a draft's
    title, a reader's name), its author or its e-mail."""
    remote = bare_repository(tmp_path / "pages.git")
    site = Site(site_production.output, SITE_URL)
    team = tmp_path / "team"
    git("init", "-q", str(team))
    (team / "brouillon.md").write_text("x")
    git("-C", str(team), "add", "-A")
    git("-C", str(team), "commit", "-q", "-m", "Brouillon : rachat secret de Dupont SA", "--author",
        "Rédactrice <redactrice@equipe.example>")
    source = gitpages.source_commit(team)
    result = gitpages.deploy(site, str(remote), "gh-pages", source)
    assert result.changed
    expected = build_files(site_production.output)
    expected[".nojekyll"] = git("hash-object", "/dev/null")
    assert branch_files(remote) == expected
    message = git("-C", str(remote), "log", "-1", "--format=%B%n%an %ae %cn %ce", "gh-pages")
    head = git("-C", str(team), "rev-parse", "HEAD")
    assert message.startswith(f"Publish {head[:12]}\n") and f"source commit {head}" in message
    for private in ("Brouillon", "Dupont", "Rédactrice", "redactrice@equipe.example"):
        assert private not in message
    assert git("-C", str(remote), "rev-list", "--count", "gh-pages") == "1"


def test_a_publish_with_no_change_makes_no_new_commit(site_production, tmp_path):
    """A second, independent build of the same sources is byte-identical, so the tree is the same: no commit."""
    remote = bare_repository(tmp_path / "pages.git")
    gitpages.deploy(Site(site_production.output, SITE_URL), str(remote))
    first = git("-C", str(remote), "rev-parse", "gh-pages")
    again = run_pelican(ROOT / "content", tmp_path / "again", "publishconf.py")
    assert again.returncode == 0, again.log
    result = gitpages.deploy(Site(again.output, SITE_URL), str(remote))
    assert not result.changed and "no commit made" in result.summary
    assert git("-C", str(remote), "rev-parse", "gh-pages") == first
    assert git("-C", str(remote), "rev-list", "--count", "gh-pages") == "1"


def test_a_change_is_one_new_commit_on_top_and_removed_files_disappear(site_production, tmp_path):
    remote = bare_repository(tmp_path / "pages.git")
    gitpages.deploy(Site(site_production.output, SITE_URL), str(remote), "site")
    first = git("-C", str(remote), "rev-parse", "site")
    changed = tmp_path / "changed"
    shutil.copytree(site_production.output, changed)
    (changed / "index.html").write_text((changed / "index.html").read_text(encoding="utf-8") + "<!-- v2 -->\n",
                                        encoding="utf-8")
    shutil.rmtree(changed / "suivre")
    result = gitpages.deploy(Site(changed, SITE_URL), str(remote), "site")
    assert result.changed
    assert git("-C", str(remote), "rev-parse", "site^") == first
    files = branch_files(remote, "site")
    assert not any(name.startswith("suivre/") for name in files)
    assert files == {**build_files(changed), ".nojekyll": git("hash-object", "/dev/null")}


def test_a_refused_push_leaves_the_deployed_branch_as_it_was(site_production, tmp_path):
    remote = bare_repository(tmp_path / "pages.git")
    gitpages.deploy(Site(site_production.output, SITE_URL), str(remote))
    before = git("-C", str(remote), "rev-parse", "gh-pages")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n")
    hook.chmod(0o755)
    changed = tmp_path / "changed"
    shutil.copytree(site_production.output, changed)
    (changed / "nouveau.html").write_text("<!DOCTYPE html><title>x</title>")
    with pytest.raises(DeployError) as caught:
        gitpages.deploy(Site(changed, SITE_URL), str(remote))
    assert "refused by policy" in str(caught.value) and "left as it was" in str(caught.value)
    assert git("-C", str(remote), "rev-parse", "gh-pages") == before


def test_an_unreadable_remote_is_refused_before_anything_is_built(tmp_path):
    with pytest.raises(DeployError) as caught:
        gitpages.check_remote(str(tmp_path / "nowhere.git"))
    assert "nowhere.git" in str(caught.value)


# ----------------------------------------------------------------- the task, end to end

@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """`invoke publish --target git` of the real content, in a project copy, to a fresh bare repository."""
    if gate_tools_missing():
        pytest.skip(f"missing {', '.join(gate_tools_missing())}: scripts/setup --test installs it")
    tmp = tmp_path_factory.mktemp("publish-git")
    project = publish_project(tmp)
    remote = bare_repository(tmp / "pages.git")
    result = run_task(project, "publish", "--target", "git", "--remote", str(remote))
    return project, remote, result


@needs_gate_tools
def test_publish_runs_every_gate_on_the_real_site_then_deploys(published, tmp_path):
    project, remote, result = published
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for gate in ("html", "links", "feeds", "a11y", "hosts"):
        assert f"PASS  {gate}" in output, output
    assert "Every gate passed." in output and "Published https://marques-communautes.github.io/" in output
    # the branch holds exactly what this project builds (builds are reproducible), plus .nojekyll
    rebuilt = subprocess.run([sys.executable, "-m", "pelican", str(project / "content"), "-s",
                              str(project / "publishconf.py"), "-o", str(tmp_path / "site"), "--ignore-cache"],
                             cwd=project, capture_output=True, text=True)
    assert rebuilt.returncode == 0, rebuilt.stderr
    deployed = branch_files(remote)
    deployed.pop(schedule.MANIFEST)  # the set of texts it was built with, for the scheduled check (below)
    assert deployed == {**build_files(tmp_path / "site"), ".nojekyll": git("hash-object", "/dev/null")}
    head = git("-C", str(project), "rev-parse", "HEAD")
    manifest = schedule.read_deployed(str(remote))
    assert manifest["source"] == head
    assert manifest["texts"] == set(schedule.due_set(schedule.texts(project), manifest["at"]))
    assert len(manifest["texts"]) == len(list((project / "content" / "articles").glob("*.md"))) + len(
        list((project / "content" / "pages").glob("*.md")))
    assert f"source commit {head}" in git("-C", str(remote), "log", "-1", "--format=%B", "gh-pages")


@needs_gate_tools
def test_a_failing_gate_deploys_nothing_and_says_which_page_and_rule(published):
    project, remote, first = published
    assert first.returncode == 0, first.stdout + first.stderr
    before = git("-C", str(remote), "rev-parse", "gh-pages")
    article = project / "content" / "articles" / "citoyens.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n[Plus bas](#ancre-disparue)\n", encoding="utf-8")
    result = run_task(project, "publish", "--target", "git", "--remote", str(remote))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "FAIL  links" in output and "PASS  html" in output
    assert "citoyens/index.html: <a href>" in output and 'has no element with id="ancre-disparue"' in output
    assert "Publish stopped: 1 gate(s) failed: links. Nothing was deployed" in output
    assert git("-C", str(remote), "rev-parse", "gh-pages") == before
    # the same gate, alone, from `invoke check --production`
    check = run_task(project, "check", "--production", "--gates", "links")
    assert check.returncode == 1 and 'id="ancre-disparue"' in check.stdout and "Check failed" in check.stderr


def test_check_production_keeps_the_checked_site_only_when_asked(tmp_path):
    """`invoke check --production` in the real project: a production build with every warning fatal, then the gates."""
    result = run_task(ROOT, "check", "--production", "--gates", "links,feeds", "--output", str(tmp_path / "checked"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS  links" in result.stdout and "PASS  feeds" in result.stdout and "html" not in result.stdout
    assert (tmp_path / "checked" / "index.html").is_file() and (tmp_path / "checked" / "flux" / "site.atom.xml").is_file()
    assert run_task(ROOT, "check", "--gates", "links").returncode == 2, "--gates goes with --production"


def test_check_production_and_publish_still_make_every_build_warning_fatal(tmp_path):
    """A warning (here an unknown header field) stops both before any gate and any deploy."""
    project = publish_project(tmp_path)
    remote = bare_repository(tmp_path / "pages.git")
    article = project / "content" / "articles" / "citoyens.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Lang: fr", "Lang: fr\nTilte: faute", 1),
                       encoding="utf-8")
    for args in (["check", "--production"], ["publish", "--target", "git", "--remote", str(remote)]):
        result = run_task(project, *args)
        output = result.stdout + result.stderr
        assert result.returncode != 0 and "tilte" in output.lower(), output
        assert "Quality gates" not in output, "the gates run only on a build without warnings"
    assert branch_files_or_none(remote) is None, "nothing was pushed"


def branch_files_or_none(repository: Path, ref: str = "gh-pages") -> dict[str, str] | None:
    listed = subprocess.run(["git", "-C", str(repository), "rev-parse", "--verify", "-q", ref], capture_output=True)
    return branch_files(repository, ref) if listed.returncode == 0 else None


def test_publish_refuses_bad_arguments_before_building():
    for args in (["--target", "ftp"], ["--target", "git"], ["--target", "s3"],
                 ["--target", "git", "--remote", "/nonexistent/x.git"],
                 ["--target", "git", "--remote", ".", "--bucket", "b"]):
        result = run_task(ROOT, "publish", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error:") and "Done: Processed" not in result.stdout, (args, result.stderr)

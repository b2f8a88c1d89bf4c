"""Shared test helpers: paths, and real Pelican builds run as a writer runs them.

The suite runs on every core (pytest-xdist, pyproject.toml's addopts): a build that several test
files only read is a session fixture made with `shared_build`, built once for the whole run.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "scripts"))  # the publishing package (gates, browser harness)


@dataclass
class Build:
    """The result of one Pelican build."""

    returncode: int
    output: Path
    log: str

    def page(self, relative: str) -> str:
        """The text of one output file."""
        return (self.output / relative).read_text(encoding="utf-8")

    def files(self) -> list[Path]:
        """Every file written, sorted."""
        return sorted(p for p in self.output.rglob("*") if p.is_file())


def run_pelican(content: Path, output: Path, settings: str = "pelicanconf.py", fatal: str = "errors",
                env: dict | None = None, overrides: dict | None = None) -> Build:
    """Build `content` with one of the project's settings files, in a subprocess."""
    command = [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / settings),
               "-o", str(output), "--fatal", fatal, "--ignore-cache"]
    # Each build has its own cache folder (beside its output) unless the test gives one:
    # never the repository's cache/, which other test runs share.
    overrides = {"CACHE_PATH": str(Path(output).parent / f"{Path(output).name}-cache"), **(overrides or {})}
    command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "400", **(env or {})})
    return Build(result.returncode, output, result.stdout + result.stderr)


def copy_site(tmp_path: Path, content: Path = FIXTURE_SITE / "content") -> Path:
    """Copy a content folder so that a test may break it."""
    target = tmp_path / "content"
    shutil.copytree(content, target)
    return target


def project_copy(tmp_path: Path, content: Path = FIXTURE_SITE / "content") -> Path:
    """A copy of the project (tasks, settings, plugins, theme) around a content folder.

    node_modules (Pagefind's binary for the production build, the gates' tools) is linked, not copied.
    """
    project = tmp_path / "project"
    project.mkdir()
    for name in ["tasks.py", "pelicanconf.py", "publishconf.py"]:
        shutil.copy(ROOT / name, project / name)
    for name in ["plugins", "theme", "scripts"]:
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(content, project / "content")
    if (ROOT / "node_modules").is_dir():
        (project / "node_modules").symlink_to(ROOT / "node_modules")
    return project


def invoke(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run an invoke task in a project copy, as a user would."""
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True)


def shared_build(tmp_path_factory, name: str, make) -> Build:
    """One build for the whole run, shared by pytest-xdist's workers: tests only read it.

    `make(folder)` builds into an empty `folder` and returns its Build. The first worker to ask builds
    under a lock while the others wait, then they read the same folder (each worker's session
    fixtures would otherwise build it again, on the same cores).
    """
    run = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run = run.parent  # each worker's basetemp is <the run's folder>/popen-gwN
    record = run / f"shared-{name}.json"
    with open(run / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or if this worker dies
        if record.exists():
            saved = json.loads(record.read_text(encoding="utf-8"))
            return Build(saved["returncode"], Path(saved["output"]), saved["log"])
        folder = run / f"shared-{name}"
        shutil.rmtree(folder, ignore_errors=True)  # what a worker that died while building left
        folder.mkdir()
        build = make(folder)
        saved = {"returncode": build.returncode, "output": str(build.output), "log": build.log}
        record.write_text(json.dumps(saved), encoding="utf-8")
        return build


@pytest.fixture(scope="session")
def fixture_production(tmp_path_factory) -> Build:
    """The fixture site built with production settings."""
    build = shared_build(tmp_path_factory, "fixture-prod",
                         lambda folder: run_pelican(FIXTURE_SITE / "content", folder / "site", "publishconf.py"))
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def fixture_local(tmp_path_factory) -> Build:
    """The fixture site built with local preview settings."""
    build = shared_build(tmp_path_factory, "fixture-local",
                         lambda folder: run_pelican(FIXTURE_SITE / "content", folder / "site"))
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def site_production(tmp_path_factory) -> Build:
    """The real site (content/) built with production settings."""
    build = shared_build(tmp_path_factory, "site-prod",
                         lambda folder: run_pelican(ROOT / "content", folder / "site", "publishconf.py"))
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def secrets_production(tmp_path_factory) -> Build:
    """The fixture site whose unpublished texts carry unique words (searchindex.py), production settings."""
    from searchindex import fixture_with_secrets

    build = shared_build(tmp_path_factory, "secrets-prod", lambda folder: run_pelican(
        fixture_with_secrets(folder), folder / "site", "publishconf.py", fatal="warnings"))
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def transparency_production(tmp_path_factory) -> Build:
    """The fixture site with tests/fixtures/transparency's texts (one of each partnership, one hidden),
    production settings, every warning fatal (as `invoke check` builds)."""
    from test_transparency_site import SETTINGS, content_with_transparency

    build = shared_build(tmp_path_factory, "transparency-prod", lambda folder: run_pelican(
        content_with_transparency(folder), folder / "out", "publishconf.py", fatal="warnings", overrides=SETTINGS))
    assert build.returncode == 0, build.log
    return build

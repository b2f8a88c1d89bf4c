"""Shared test helpers: paths, and real Pelican builds run as a writer runs them."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def fixture_production(tmp_path_factory) -> Build:
    """The fixture site built with production settings."""
    build = run_pelican(FIXTURE_SITE / "content", tmp_path_factory.mktemp("fixture-prod"), "publishconf.py")
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def fixture_local(tmp_path_factory) -> Build:
    """The fixture site built with local preview settings."""
    build = run_pelican(FIXTURE_SITE / "content", tmp_path_factory.mktemp("fixture-local"))
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def site_production(tmp_path_factory) -> Build:
    """The real site (content/) built with production settings."""
    build = run_pelican(ROOT / "content", tmp_path_factory.mktemp("site-prod"), "publishconf.py")
    assert build.returncode == 0, build.log
    return build

"""Two production builds of the same sources are byte-identical.

What could leak into a build and is varied here between the two builds: the
time (a second apart, in another time zone), hash randomisation (set and
dict ordering), the output folder's path, the sources' modification times,
the working directory, and the rendered-bodies cache (cold for the first
build, warm for the second). On a difference the test names the file and
shows the first differing bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, project_copy

pytestmark = pytest.mark.build


def production_build(project: Path, output: Path, cwd: Path, env: dict) -> None:
    command = [sys.executable, "-m", "pelican", str(project / "content"), "-s", str(project / "publishconf.py"),
               "-o", str(output), "--fatal", "warnings", "--ignore-cache"]
    clean = {k: v for k, v in os.environ.items() if k not in ("SITEURL", "PYTHONHASHSEED", "TZ", "LC_ALL")}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**clean, **env})
    assert result.returncode == 0, result.stdout + result.stderr


def first_difference(a: bytes, b: bytes) -> str:
    index = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, index - 40)
    return (f"first difference at byte {index} (sizes {len(a)} and {len(b)}):\n"
            f"  first build:  {a[start:index + 60]!r}\n  second build: {b[start:index + 60]!r}")


def test_two_production_builds_of_the_same_sources_are_byte_identical(tmp_path):
    project = project_copy(tmp_path, ROOT / "content")
    (tmp_path / "elsewhere").mkdir()
    first = tmp_path / "a"
    production_build(project, first, project, {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8"})
    assert any((project / "cache").iterdir()), "the second build must meet a warm rendered-bodies cache"
    time.sleep(1.1)
    for path in (project / "content").rglob("*"):  # sources touched: new modification times
        os.utime(path, (time.time() - 86_400 * 400, time.time() - 86_400 * 400))
    second = tmp_path / "elsewhere" / "deeper" / "b"
    production_build(project, second, tmp_path / "elsewhere",
                     {"PYTHONHASHSEED": "2", "TZ": "Pacific/Auckland", "LC_ALL": "C"})

    files_a = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    assert files_a == files_b, f"only in the first: {set(files_a) - set(files_b)}; only in the second: " \
                               f"{set(files_b) - set(files_a)}"
    assert len(files_a) > 50, "the real site has dozens of files"
    differences = []
    for name in files_a:
        a, b = (first / name).read_bytes(), (second / name).read_bytes()
        if a != b:
            differences.append(f"{name}: {first_difference(a, b)}")
    assert not differences, "builds differ:\n" + "\n".join(differences)
    leaked = [name for name in files_a if str(tmp_path) in (first / name).read_text(encoding="utf-8", errors="replace")]
    assert not leaked, f"a path of the build machine leaked into {leaked}"

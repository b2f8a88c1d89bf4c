"""Gate "html": every page (and stylesheet, and SVG) passes the Nu Html Checker.

vnu.jar comes from the npm package vnu-jar (package.json, installed into
node_modules/ by scripts/setup) and runs on the machine's Java, once over
every page and SVG image of the build (one JVM start: a few seconds for the
whole site), and once, at the same time, over the stylesheets: vnu's
--also-check-css would check both in one run but then reports HTML line
numbers one too low.

Scope: every such file of the build, or, given the published site
(changed.py), only those that are new or differ from it: a merge is then
checked in seconds, and the nightly run checks them all.

Judged: every error, and every warning. vnu's warnings are about things
that are valid but almost always a mistake (a section without heading, a
document whose language differs from its lang attribute...); our own pages
have none, so a new one is a regression and fails the gate like an error.
Plain informational messages (no "warning" subtype) are not judged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from blogcore.errors import Problem

from . import ROOT, shown
from .changed import Published, changed_files
from .site import Site

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHECKED_SUFFIXES = (".html", ".htm", ".css", ".svg")
SETUP_FIX = "run scripts/setup --test (it installs Java from Debian and vnu-jar with npm ci)"
FIX = ("fix the template in theme/templates/ that writes this element, or the Markdown of the page "
       "or article it comes from; the rule is explained at https://html.spec.whatwg.org/")


@dataclass
class Running:
    """vnu runs in progress (see start)."""

    site: Site
    files: list[Path]
    processes: list[subprocess.Popen]
    problems: list[Problem]
    scope: str = ""  # what was left out and why ("" when every file is checked)

    def kill(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.communicate()

    @property
    def summary(self) -> str:
        pages = sum(1 for f in self.files if f.suffix in (".html", ".htm"))
        others = len(self.files) - pages
        return f"{pages} pages" + (f" and {others} CSS/SVG file(s)" if others else "") + self.scope


def tools_missing() -> list[str]:
    """What the gate needs and the machine lacks (empty: ready)."""
    missing = []
    if shutil.which("java") is None:
        missing.append("java (Debian package default-jre-headless)")
    if not VNU_JAR.is_file():
        missing.append(f"{shown(VNU_JAR)} (npm package vnu-jar)")
    return missing


def start(site: Site, published: Published | None = None) -> Running:
    """Start vnu over the HTML, SVG and CSS files of the build (only those that differ from `published`
    when given); `finish` collects the result."""
    files = [p for p in site.files() if p.suffix.lower() in CHECKED_SUFFIXES]
    scope = ""
    if published is not None:
        every = len(files)
        files = changed_files(site, published, files)
        scope = (f" new or changed since the published site ({published.where}), of {every}; the others "
                 "passed this gate when they were published, and the nightly run checks them all")
    missing = tools_missing()
    if missing:
        problem = Problem("(the machine)", "tool", ", ".join(missing), "the HTML gate cannot run", SETUP_FIX)
        return Running(site, files, [], [problem], scope)
    if not files:
        return Running(site, files, [], [], scope)
    documents = [p for p in files if p.suffix.lower() != ".css"]
    stylesheets = [p for p in files if p.suffix.lower() == ".css"]
    processes = []
    for options, batch in ((["--also-check-svg"], documents), (["--css"], stylesheets)):
        if batch:
            command = [shutil.which("java"), "-Xss1024k", "-jar", str(VNU_JAR), "--format", "json", *options,
                       *map(str, batch)]
            processes.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                              encoding="utf-8", errors="replace"))
    return Running(site, files, processes, [], scope)


def finish(running: Running, timeout: float = 900) -> list[Problem]:
    """Wait for vnu and turn its messages into problems."""
    problems = list(running.problems)
    for process in running.processes:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            running.kill()
            return problems + [Problem("(the machine)", "vnu", f"{timeout:.0f} s", "the Nu Html Checker did not finish",
                                       "run it by hand to see why: java -jar node_modules/vnu-jar/build/dist/vnu.jar FILE")]
        report = _parse(stderr) or _parse(stdout)
        if report is None:
            tail = (stderr or stdout).strip().splitlines()[-3:]
            problems.append(Problem("(the machine)", "vnu", process.returncode,
                                    "the Nu Html Checker failed: " + " / ".join(tail), SETUP_FIX))
            continue
        problems += messages_to_problems(report.get("messages", []), running.site)
    return sorted(problems, key=lambda p: (p.file, _line(p.field)))


def _line(field: str) -> int:
    digits = field.rsplit("line ", 1)[-1]
    return int(digits) if digits.isdigit() else 0


def _parse(text: str) -> dict | None:
    text = (text or "").strip()
    start = text.find("{")
    if start < 0:
        return None
    try:
        return json.loads(text[start:])
    except json.JSONDecodeError:
        return None


def judged(message: dict) -> bool:
    """Errors, non-document errors and warnings fail the gate; plain information does not."""
    kind = message.get("type")
    return kind in ("error", "non-document-error") or (kind == "info" and message.get("subType") == "warning")


def messages_to_problems(messages: list[dict], site: Site) -> list[Problem]:
    """vnu's JSON messages as problems naming the file, the line, the extract and the fix."""
    problems = []
    for message in messages:
        if not judged(message):
            continue
        url = message.get("url", "")
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else None
        try:
            where = site.relative(path) if path else url or "(vnu)"
        except ValueError:
            where = str(path)
        kind = "warning" if message.get("subType") == "warning" else message.get("type", "error")
        line = message.get("lastLine", message.get("firstLine"))
        field = f"vnu {kind}" + (f", line {line}" if line else "")
        extract = " ".join((message.get("extract") or "").split())
        problems.append(Problem(where, field, extract or None, message.get("message", "").strip(), FIX))
    return problems

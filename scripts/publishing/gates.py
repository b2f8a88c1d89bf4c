"""Run the quality gates on a production build and report what failed.

GATES, in the order of the report:

    html   the Nu Html Checker finds no error and no warning (htmlgate.py); on a merge, in the
           files that differ from the published site only (changed.py), the nightly run in all
    links  every internal link and #anchor resolves, sitemap and feeds included (links.py)
    feeds  every feed parses and follows the W3C validator's rules (feeds.py)
    a11y   axe-core finds no violation on the key pages, light and dark (browsergate.py)
    hosts  no page makes the browser request another host (browsergate.py)

vnu runs in its own JVM while the other gates run, so the whole takes about
as long as the browser gates. A gate that cannot run (a tool is missing)
fails: a publish never skips a gate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from blogcore.errors import Problem, SiteError

from . import browsergate, feeds, htmlgate, links
from .changed import Published
from .site import Site

GATES = ("html", "links", "feeds", "a11y", "hosts")
TITLES = {
    "html": "HTML validity (Nu Html Checker, errors and warnings)",
    "links": "internal links and #anchors",
    "feeds": "feeds (feedparser and the W3C validator's rules)",
    "a11y": "accessibility (axe-core: WCAG 2.0-2.2 A/AA and best practices)",
    "hosts": "no request to another host",
}
MAX_SHOWN = 40  # problems printed per gate


@dataclass
class GateResult:
    """What one gate found."""

    name: str
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def selection(text: str | None) -> tuple[str, ...]:
    """The gates named in a comma-separated list (empty: all), in GATES order."""
    names = [name.strip().lower() for name in (text or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in GATES]
    if unknown:
        raise SiteError("(command line)", "--gates", ",".join(unknown), "unknown gate",
                        f"choose among {', '.join(GATES)} (comma-separated), or omit --gates to run them all")
    return tuple(name for name in GATES if name in names) if names else GATES


def _crashed(name: str, exc: BaseException) -> list[Problem]:
    return [Problem(f"(gate {name})", "crash", repr(exc), "the gate itself failed",
                    "this is a bug in scripts/publishing: report it with this message")]


def run_gates(site: Site, only: tuple[str, ...] = GATES, pages: tuple[str, ...] | None = None,
              published: Published | None = None) -> list[GateResult]:
    """Run the selected gates on a build; every gate runs, even after another failed (pages: browsergate.key_pages;
    published: the html gate checks only what differs from it, the others keep the whole build)."""
    pages = browsergate.key_pages(site) if pages is None else pages
    results: dict[str, GateResult] = {}
    started = time.monotonic()
    running = None
    try:
        if "html" in only:
            running = htmlgate.start(site, published)
        for name, gate in (("links", links.run), ("feeds", feeds.run)):
            if name in only:
                began = time.monotonic()
                try:
                    problems, summary = gate(site)
                except Exception as exc:  # a crashing gate fails, it never passes
                    problems, summary = _crashed(name, exc), ""
                results[name] = GateResult(name, problems, time.monotonic() - began, summary)
        if "a11y" in only or "hosts" in only:
            began = time.monotonic()
            try:
                a11y, hosts, summary = browsergate.run(site, pages, a11y="a11y" in only, hosts="hosts" in only)
            except Exception as exc:
                a11y = hosts = _crashed("a11y/hosts", exc)
                summary = ""
            elapsed = time.monotonic() - began
            if "a11y" in only:
                results["a11y"] = GateResult("a11y", a11y, elapsed, summary)
            if "hosts" in only:
                results["hosts"] = GateResult("hosts", hosts, elapsed, summary + " (same browser session as a11y)"
                                              if "a11y" in only else summary)
        if running is not None:
            try:
                problems = htmlgate.finish(running)
            except Exception as exc:
                problems = _crashed("html", exc)
            results["html"] = GateResult("html", problems, time.monotonic() - started, running.summary)
            running = None
    finally:
        if running is not None:
            running.kill()
    return [results[name] for name in GATES if name in results]


def report(results: list[GateResult], site: Site, total_seconds: float | None = None) -> str:
    """A readable report: one line per gate, then each problem (file, rule, value, fix)."""
    lines = [f"Quality gates on the production build for {site.siteurl}/:"]
    for result in results:
        status = "PASS" if result.ok else "FAIL"
        summary = f": {result.summary}" if result.summary else ""
        lines.append(f"  {status}  {result.name:<5}  {TITLES[result.name]}{summary}  [{result.seconds:.1f} s]")
        for problem in result.problems[:MAX_SHOWN]:
            lines.append(f"        - {problem}")
        if len(result.problems) > MAX_SHOWN:
            lines.append(f"        ... and {len(result.problems) - MAX_SHOWN} more")
    if total_seconds is not None:
        lines.append(f"  (gates took {total_seconds:.1f} s in all; vnu runs alongside the others)")
    failed = [r.name for r in results if not r.ok]
    lines.append(f"{len(failed)} gate(s) failed: {', '.join(failed)}" if failed else "Every gate passed.")
    return "\n".join(lines)

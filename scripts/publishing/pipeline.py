"""Gates, then deploy: the order that keeps a broken site from going live.

`publish` runs every gate on a production build and calls the deploy
target only when all of them passed. A target either puts the whole new
site in place or leaves the deployed one as it was (gitpages.py, s3.py),
and raises DeployError saying what failed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from .changed import Published
from .gates import GATES, GateResult, report, run_gates
from .site import Site


@dataclass
class DeployResult:
    """What a deploy target did."""

    target: str
    changed: bool
    summary: str
    details: dict = field(default_factory=dict)


class DeployError(Exception):
    """A deploy failed; the message says what failed and in what state the deployed site is."""


class GatesFailed(Exception):
    """At least one gate failed: nothing was deployed."""

    def __init__(self, results: list[GateResult]):
        self.results = results
        failed = [r for r in results if not r.ok]
        super().__init__(f"{len(failed)} gate(s) failed: {', '.join(r.name for r in failed)}")


def check(site: Site, only: tuple[str, ...] = GATES, pages: tuple[str, ...] | None = None,
          out: Callable[[str], None] = print, published: Published | None = None) -> list[GateResult]:
    """Run the gates and print the report; raise GatesFailed when one failed (pages: browsergate.key_pages;
    published: the html gate's scope, see changed.py)."""
    started = time.monotonic()
    results = run_gates(site, only, pages, published)
    out(report(results, site, time.monotonic() - started))
    if any(not result.ok for result in results):
        raise GatesFailed(results)
    return results


def publish(site: Site, deploy: Callable[[], DeployResult], pages: tuple[str, ...] | None = None,
            out: Callable[[str], None] = print, published: Published | None = None) -> DeployResult:
    """Every gate, then `deploy()` only if all passed (GatesFailed / DeployError otherwise)."""
    check(site, GATES, pages, out, published)
    return deploy()

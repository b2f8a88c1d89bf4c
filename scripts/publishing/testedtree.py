"""Whether a publish runs the test suite: not again when it already passed on this exact tree.

A git tree hash names exactly the files of a commit. `ci.yml`, once the tests
passed on a pull request (on the merge GitHub prepared: the pull request on
top of main), uploads an artifact named `tested-tree-<tree>`; `publish.yml`
does the same after it ran the tests itself. When a merge brings main to a
tree that is already recorded (nothing else was merged in between), its code
is the code that was tested: the publish skips the tests, and still runs the
production build and every quality gate on what it deploys.

The decision, by event:

- `pull_request`: no (ci.yml runs the tests; publish.yml only builds and gates);
- `push` (a merge to main) and `schedule` (the nightly run): the lookup below;
- `workflow_dispatch`: input `tests` = `always` runs them; `auto` looks up;
- anything else, and any doubt (the API cannot be reached, answers an error or
  something unreadable): the tests run. Never skipped on a guess.

The lookup asks GitHub's REST API (`actions: read`) for the artifacts of that
name, and accepts one that has not expired and was uploaded by a run of
ci.yml or publish.yml of this repository (their upload step comes after the
tests step, so the artifact exists only if the tests passed).

Command line (publish.yml):

    python3 scripts/publishing/testedtree.py --event EVENT [--tests auto|always] --tree TREE

prints the decision and its reason, and appends `run=true|false` to
$GITHUB_OUTPUT when it is set. Reads GITHUB_API_URL, GITHUB_REPOSITORY and
GITHUB_TOKEN. Standard library only: it runs before the project is set up.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Callable

ARTIFACT_PREFIX = "tested-tree-"
RECORDING_WORKFLOWS = (".github/workflows/ci.yml", ".github/workflows/publish.yml")
TREE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
TIMEOUT = 10


class LookupFailed(Exception):
    """The API could not say: the tests run."""


@dataclass(frozen=True)
class Decision:
    """Run the tests or not, and why."""

    run: bool
    reason: str


def artifact_name(tree: str) -> str:
    """The artifact that records a tested tree."""
    if not TREE.fullmatch(tree or ""):
        raise ValueError(f"--tree {tree!r}: not a git tree hash (git rev-parse HEAD^{{tree}})")
    return ARTIFACT_PREFIX + tree


def decide(event: str, tests: str, lookup: Callable[[], str | None]) -> Decision:
    """The decision for an event; `lookup()` names the run that tested this tree, None, or raises LookupFailed."""
    if event == "pull_request":
        return Decision(False, "pull request: ci.yml runs the tests; this workflow builds and gates only")
    if event == "workflow_dispatch" and tests == "always":
        return Decision(True, "run by hand with tests=always")
    if event not in ("push", "schedule", "workflow_dispatch"):
        return Decision(True, f"event {event!r}: the tests run")
    try:
        tested_by = lookup()
    except LookupFailed as exc:
        return Decision(True, f"could not tell whether this tree was tested ({exc}): the tests run")
    if tested_by:
        return Decision(False, f"this exact tree passed the tests in {tested_by}: not run again "
                               "(the build and every gate still run)")
    return Decision(True, "no passed test run recorded for this tree: the tests run")


def _get(url: str, token: str, opener) -> dict:
    request = urllib.request.Request(url, headers={
        "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
        **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with opener(request, timeout=TIMEOUT) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise LookupFailed(f"{url}: HTTP {exc.code}") from None
    except (OSError, ValueError) as exc:  # unreachable, timed out, not JSON
        raise LookupFailed(f"{url}: {exc}") from None


def find_tested_run(api: str, repository: str, token: str, tree: str,
                    opener=urllib.request.urlopen) -> str | None:
    """The run (its address) that recorded this tree as tested, or None."""
    base = f"{api.rstrip('/')}/repos/{repository}/actions"
    query = urllib.parse.urlencode({"name": artifact_name(tree), "per_page": 100})
    listing = _get(f"{base}/artifacts?{query}", token, opener)
    if not isinstance(listing.get("artifacts"), list):
        raise LookupFailed("the artifacts listing has no 'artifacts'")
    for artifact in listing["artifacts"]:
        run = (artifact.get("workflow_run") or {}).get("id")
        if artifact.get("name") != artifact_name(tree) or artifact.get("expired") or not run:
            continue
        details = _get(f"{base}/runs/{int(run)}", token, opener)
        if str(details.get("path", "")).split("@", 1)[0] in RECORDING_WORKFLOWS:
            return details.get("html_url") or f"run {run}"
    return None


def main(argv: list[str] | None = None, environ=os.environ, opener=urllib.request.urlopen) -> int:
    """Print the decision; append run=true|false to $GITHUB_OUTPUT."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--event", required=True)
    parser.add_argument("--tests", default="auto", choices=("auto", "always"))
    parser.add_argument("--tree", required=True)
    arguments = parser.parse_args(argv)
    try:
        artifact_name(arguments.tree)
    except ValueError as exc:
        parser.error(str(exc))

    def lookup():
        missing = [name for name in ("GITHUB_API_URL", "GITHUB_REPOSITORY") if not environ.get(name)]
        if missing:
            raise LookupFailed(f"{', '.join(missing)} not set")
        return find_tested_run(environ["GITHUB_API_URL"], environ["GITHUB_REPOSITORY"],
                               environ.get("GITHUB_TOKEN", ""), arguments.tree, opener)

    decision = decide(arguments.event, arguments.tests, lookup)
    print(f"tests: {'run' if decision.run else 'skipped'} — {decision.reason}")
    if environ.get("GITHUB_OUTPUT"):
        with open(environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
            output.write(f"run={'true' if decision.run else 'false'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

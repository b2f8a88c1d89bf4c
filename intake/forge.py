"""Pull requests through GitHub's REST API (optional: INTAKE_GITHUB_REPO).

One request opens the pull request (``POST /repos/{owner}/{repo}/pulls``),
another (a job of its own, retried on its own) adds labels (``POST /repos/{owner}/{repo}/issues/{number}/labels``).
An already open pull request for the branch (GitHub answers 422, "A pull
request already exists") counts as done, so that a digest branch gets one
pull request and a retried job does not open a second. Any other failure
raises ForgeError and the job is retried later (the branch is pushed
already: nothing is lost meanwhile). Moderators merge by hand: the intake
never merges.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from .config import IntakeConfig


class ForgeError(RuntimeError):
    """The forge refused or could not be reached."""


def _call(cfg: IntakeConfig, method: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{cfg.github_api}{path}", data=json.dumps(body).encode("utf-8"), method=method,
        headers={"Authorization": f"Bearer {cfg.github_token}", "Accept": "application/vnd.github+json",
                 "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json",
                 "User-Agent": "intake"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            data = json.loads(exc.read() or b"{}")
        except ValueError:
            data = {}
        return exc.code, data
    except (urllib.error.URLError, OSError) as exc:
        raise ForgeError(f"{cfg.github_api} unreachable: {exc}") from None


def open_pull_request(cfg: IntakeConfig, branch: str, title: str, body: str) -> int | None:
    """Open a pull request from `branch` into the published branch; its number (None when one was open already)."""
    status, data = _call(cfg, "POST", f"/repos/{cfg.github_repo}/pulls",
                         {"title": title, "head": branch, "base": cfg.git_branch, "body": body,
                          "maintainer_can_modify": True})
    if status == 422 and "already exists" in json.dumps(data):
        return None
    if status != 201:
        raise ForgeError(f"opening the pull request for {branch}: GitHub answered {status}: "
                         f"{data.get('message', '')}")
    return data.get("number")


def add_labels(cfg: IntakeConfig, number: int, labels: list[str]) -> None:
    """Add labels to a pull request (created when the repository has none of that name)."""
    status, data = _call(cfg, "POST", f"/repos/{cfg.github_repo}/issues/{number}/labels", {"labels": labels})
    if status != 200:
        raise ForgeError(f"labelling pull request #{number}: GitHub answered {status}: {data.get('message', '')}")

"""A stand-in for GitHub's REST API on 127.0.0.1: the one part of the publish workflow this machine cannot reach.

Each test says what exists (artifacts and runs; pull requests, their reviews and
commits; teams) and the server answers as GitHub documents it: JSON, lists in
pages of `per_page` items linked by `Link: <…>; rel="next"`, 404 for what does
not exist. `status` forces every answer to an error; `requests` records each
path and its Authorization header.
"""

from __future__ import annotations

import http.server
import json
import threading
from urllib.parse import parse_qs, urlencode, urlsplit


class StandInGitHub:
    """GitHub's API for the endpoints the workflow's scripts ask (testedtree.py, reviewgate.py)."""

    def __init__(self, repository: str = "o/site"):
        self.repository = repository
        self.artifacts: list[dict] = []
        self.runs: dict[int, dict] = {}
        self.commit_pulls: dict[str, list[int]] = {}  # commit -> the pull requests it belongs to
        self.pulls: dict[int, dict] = {}  # number -> {"author", "head", "merged"}
        self.reviews: dict[int, list[dict]] = {}  # number -> [{"login", "state", "commit"}], oldest first
        self.teams: dict[tuple[str, str], list[str]] = {}
        self.teams_token = ""  # when set, team members are readable with that token only (as on GitHub)
        self.status = 200
        self.requests: list[tuple[str, str]] = []
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                auth = self.headers.get("Authorization", "")
                api.requests.append((self.path, auth))
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                status, body = (api.status, {"message": "Server Error"}) if api.status != 200 else \
                    api.answer(parts.path, query, auth)
                link = ""
                if isinstance(body, list):
                    size, page = int(query.get("per_page", ["30"])[0]), int(query.get("page", ["1"])[0])
                    if len(body) > page * size:
                        following = urlencode({"per_page": size, "page": page + 1})
                        link = f'<{api.url}{parts.path}?{following}>; rel="next"'
                    body = body[(page - 1) * size:page * size]
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if link:
                    self.send_header("Link", link)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str, query: dict, auth: str) -> tuple[int, object]:
        """(status, JSON body) for a GET of `path`."""
        repo = f"/repos/{self.repository}"
        segments = path.removeprefix(repo).strip("/").split("/")
        not_found = (404, {"message": "Not Found"})
        if path.startswith(repo + "/"):
            if segments == ["actions", "artifacts"]:
                name = query.get("name", [None])[0]
                return 200, {"artifacts": [a for a in self.artifacts if name in (None, a["name"])]}
            if segments[:2] == ["actions", "runs"] and len(segments) == 3 and segments[2].isdigit():
                run = self.runs.get(int(segments[2]))
                return (200, run) if run else not_found
            if segments[0] == "commits" and segments[2:] == ["pulls"]:
                return 200, [self.pull(n) for n in self.commit_pulls.get(segments[1], [])]
            number = int(segments[1]) if len(segments) >= 2 and segments[1].isdigit() else None
            if segments[0] == "pulls" and number in self.pulls:
                if len(segments) == 2:
                    return 200, self.pull(number)
                if segments[2:] == ["reviews"]:
                    return 200, [{"id": i, "user": {"login": r["login"]}, "state": r["state"],
                                  "commit_id": r["commit"], "submitted_at": "2026-12-01T10:00:00Z"}
                                 for i, r in enumerate(self.reviews.get(number, []), 1)]
        parts = path.strip("/").split("/")
        if len(parts) == 5 and parts[0] == "orgs" and parts[2] == "teams" and parts[4] == "members":
            if self.teams_token and auth != f"Bearer {self.teams_token}":
                return 403, {"message": "Resource not accessible by integration"}
            members = self.teams.get((parts[1], parts[3]))
            return (200, [{"login": login, "type": "User"} for login in members]) if members is not None else not_found
        return not_found

    def pull(self, number: int) -> dict:
        """A pull request as GitHub describes it."""
        pull = self.pulls[number]
        merged = pull.get("merged", True)
        return {"number": number, "state": "closed" if merged else "open", "merged": merged,
                "merged_at": "2026-12-01T10:05:00Z" if merged else None, "head": {"sha": pull["head"], "ref": "x"},
                "base": {"ref": "main"}, "user": {"login": pull["author"]}}

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

"""Real parts for the intake's tests: a bare git repository as the remote, the service on 127.0.0.1, helpers.

Every server listens on 127.0.0.1 on a port the OS picks; the remote is a
bare repository in the test's temporary folder, seeded with this checkout's
site (content, settings, plugins, theme, the intake's block lists).
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SECRET = "test-secret-that-is-long-enough-0123456789"
ARTICLE = "marketing-2-0-vu-par-yves-duron"
PUBLISHED = "c-20090227-emmanuel"  # an approved contribution of that article
SITE_URL = "https://marques-communautes.github.io"
# What the project copy needs to build and check the site.
PROJECT_FILES = ("tasks.py", "pelicanconf.py", "publishconf.py", "pyproject.toml", "package.json",
                 "package-lock.json", ".gitignore")
PROJECT_DIRS = ("content", "plugins", "theme", "scripts", "intake")


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git (identity given, no global config needed)."""
    result = subprocess.run(["git", "-C", str(cwd), "-c", "user.name=Test", "-c", "user.email=test@example.org",
                             "-c", "init.defaultBranch=main", *args], capture_output=True, text=True, encoding="utf-8")
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stderr}")
    return result.stdout.strip()


def seed_remote(folder: Path) -> Path:
    """A bare repository whose main branch holds this checkout's site; returns its path."""
    work = folder / "seed"
    work.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, work / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "site")
    bare = folder / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    return bare


def branches(remote: Path) -> dict[str, str]:
    """The remote's branches: name → commit."""
    out = git(remote, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads/")
    return dict(line.split(" ", 1) for line in out.splitlines() if line)


def show(remote: Path, ref: str, path: str) -> str | None:
    """A file of a branch of the remote (None when absent)."""
    result = subprocess.run(["git", "-C", str(remote), "show", f"{ref}:{path}"], capture_output=True, text=True, encoding="utf-8")
    return result.stdout if result.returncode == 0 else None


def pending_branch(ident: str, article: str = ARTICLE) -> str:
    """The branch the intake pushes a submission to: the desk's name for its entry (plugins/desk)."""
    return f"cms/contributions/{article}/{ident}"


def contribution_path(ident: str, article: str = ARTICLE) -> str:
    """Where a contribution's file is in the repository."""
    return f"content/contributions/{article}/{ident}.md"


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.05, message: str = ""):
    """Poll until predicate() is truthy; its value (AssertionError after the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message or predicate}")
        time.sleep(interval)


def environment(data_dir: Path, remote: Path, public_url: str, **extra) -> dict:
    """INTAKE_* variables for a test service."""
    env = {
        "INTAKE_SITE_URL": SITE_URL, "INTAKE_PUBLIC_URL": public_url, "INTAKE_SECRET": SECRET,
        "INTAKE_GIT_REMOTE": str(remote), "INTAKE_DATA_DIR": str(data_dir), "INTAKE_MIN_FILL_SECONDS": "0.3",
        "INTAKE_RETRY_SECONDS": "0.2", "INTAKE_RETRY_MAX_SECONDS": "1", "INTAKE_POLL_SECONDS": "3600",
    }
    env.update({("INTAKE_" + key.upper()): str(value) for key, value in extra.items()})
    return env


@dataclass
class Service:
    """A running intake: its address, its app (intake, database), the remote."""

    url: str
    app: object
    remote: Path

    @property
    def intake(self):
        return self.app.intake

    @property
    def db(self):
        return self.app.intake.db


@contextmanager
def waitress_front(**options):
    """waitress on 127.0.0.1 (port picked by the OS) in front of whichever WSGI app the test puts in the
    yielded dict under "app"; yields (url, holder). `options` go to waitress."""
    from waitress.server import create_server

    holder: dict = {}

    def dispatch(environ, start_response):
        return holder["app"](environ, start_response)

    server = create_server(dispatch, host="127.0.0.1", port=0, threads=8, ident="intake-test", **options)
    closing = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            # Closing the sockets from this (the test's) thread can end the loop's select() with
            # EBADF; that is the stop asked for, not a failure (webtest's StopableWSGIServer does the same).
            if not closing.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}/", holder
    finally:
        closing.set()
        # The request threads first (as server.run() does on its way out): closing the server closes its
        # trigger, and a thread still finishing an answer would then log EBADF (a slow machine shows it).
        server.task_dispatcher.shutdown()
        server.close()
        thread.join(timeout=5)


@contextmanager
def serve_intake(tmp_path: Path, remote: Path, ready: bool = True, **settings):
    """The intake's WSGI app under waitress on 127.0.0.1 (port picked by the OS), threads running
    (with ready, once it has read the site)."""
    from intake.app import create_app
    from intake.config import from_env

    # Headers as intake.serve leaves them: INTAKE_PROXY_HOPS decides.
    with waitress_front(clear_untrusted_proxy_headers=False) as (url, holder):
        cfg = from_env(environment(tmp_path / "intake-data", remote, url, **settings))
        app = create_app(cfg)
        holder["app"] = app
        try:
            if ready:
                wait_for(lambda: app.intake.snapshot is not None, 60, message="the intake to read the site")
            yield Service(url, app, remote)
        finally:
            app.workers.stop()


@dataclass
class Recorder:
    """Requests a stand-in server received."""

    requests: list = field(default_factory=list)
    answers: list = field(default_factory=list)  # (status, json) to give, in order; then 201 {"number": 7}


@contextmanager
def loopback_server(handler):
    """A threading HTTP server on 127.0.0.1 (port picked by the OS) with this handler class; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One seeded bare repository per test module (seeding copies the whole project)."""
    return seed_remote(tmp_path_factory.mktemp("seed"))


@pytest.fixture
def remote(seeded, tmp_path):
    """A copy of the seeded remote that the test may change."""
    copy = tmp_path / "remote.git"
    subprocess.run(["cp", "-a", str(seeded), str(copy)], check=True)
    return copy


@contextmanager
def stand_in_forge():
    """A local stand-in for GitHub's REST API that records every request (method, path, headers, JSON body)."""
    recorder = Recorder()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorder.requests.append({"method": "POST", "path": self.path, "headers": dict(self.headers),
                                      "json": json.loads(body or b"{}")})
            if recorder.answers:
                status, data = recorder.answers.pop(0)
            elif self.path.endswith("/labels"):
                status, data = 200, [{"name": "x"}]
            else:
                status, data = 201, {"number": 7}
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    with loopback_server(Handler) as url:
        yield url, recorder


def host_of(url: str) -> str:
    """host:port of an address."""
    return urlsplit(url).netloc


@dataclass
class Answer:
    """One HTTP answer."""

    status: int
    headers: dict
    text: str

    def json(self):
        return json.loads(self.text)


def request(url: str, data: dict | list | None = None, headers: dict | None = None, method: str | None = None) -> Answer:
    """One request, redirects not followed (a 303 is the answer under test)."""
    import http.client
    from urllib.parse import urlencode

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = urlencode(data, doseq=True) if data is not None else None
    sent = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    sent.update(headers or {})
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request(method or ("POST" if body is not None else "GET"), path, body=body, headers=sent)
    response = connection.getresponse()
    answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                    response.read().decode("utf-8", "replace"))
    connection.close()
    return answer


def form_values(**changes) -> dict:
    """A valid form submission for the test article (override fields with keyword arguments)."""
    values = {"article": ARTICLE, "nom": "Camille", "site": "", "courriel": "", "type": "commentaire",
              "texte": "Merci pour cet article, il m’a fait réfléchir.", "reponse_a": "", "url": "",
              "action": "apercu"}
    values.update(changes)
    return values


def token_of(page: str) -> str:
    """The signed token of a confirmation page."""
    import re

    match = re.search(r'name="jeton" value="([^"]+)"', page)
    assert match, "no token in the confirmation page:\n" + page[:2000]
    return match.group(1)


def submit(service: Service, wait: float = 0.35, headers: dict | None = None, **changes) -> Answer:
    """The two POSTs a reader makes: "Relire avant d'envoyer", then "Envoyer" on the confirmation page."""
    first = request(service.url + "contribution", form_values(**changes), headers)
    assert first.status == 200, first.text[:3000]
    time.sleep(wait)
    return request(service.url + "contribution",
                   form_values(**changes, jeton=token_of(first.text), action="envoyer"), headers)


def receipt_of(answer: Answer) -> str:
    """The receipt number in a 303's Location."""
    from urllib.parse import parse_qs

    assert answer.status == 303, (answer.status, answer.text[:3000])
    return parse_qs(urlsplit(answer.headers["location"]).query)["recu"][0]


@contextmanager
def slow_source(interval: float = 0.25, limit: float = 30.0):
    """Webmention sources on loopback: /bon links to the test article at once; /lent-corps sends its body one
    byte every `interval` seconds, /lent-entetes its headers. Yields (base URL, record): when each slow answer
    started and when it saw the client hang up (time.time(); each gives up by itself after `limit` seconds)."""
    record: dict = {"cut": [], "started": []}
    good = f'<html><body><p><a href="{SITE_URL}/{ARTICLE}/">Un lien</a> vers le billet.</p></body></html>'.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def dribble(self, data: bytes) -> None:
            record["started"].append((self.path, time.time()))
            end = time.monotonic() + limit
            try:
                for byte in data:
                    if time.monotonic() > end:
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(interval)
            except OSError:
                record["cut"].append((self.path, time.time()))

        def do_GET(self):
            if self.path.split("?")[0] == "/bon":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(good)))
                self.end_headers()
                self.wfile.write(good)
            elif self.path.startswith("/lent-corps"):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.dribble(good + b" " * 100000)
            elif self.path.startswith("/lent-entetes"):
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self.dribble(b"X-Lent: " + b"a" * 100000)
            else:
                self.send_error(404)

    with loopback_server(Handler) as url:
        yield url, record

"""WebSub: feeds announce the hub, and ping_changed notifies a stub hub of changed feeds only."""

from __future__ import annotations

import http.server
import json
import shutil
import sys
import threading
import urllib.parse

import pytest
from lxml import etree

from conftest import FIXTURE_SITE, ROOT

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "feeds"))
from feedbuild import build, syndication  # noqa: E402

from blogcore.errors import SiteError  # noqa: E402
from syndication.websub import feed_files, ping_changed  # noqa: E402

# One worker runs this file: its tests share module-scoped builds (README, "For developers").
pytestmark = [pytest.mark.build]

SITE_URL = "https://marques-communautes.github.io"
ATOM = "http://www.w3.org/2005/Atom"


class StubHub:
    """A hub on 127.0.0.1 that records every POST body and answers `status`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 204
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("ascii")
                hub.requests.append({"type": self.headers.get("Content-Type"),
                                     "form": urllib.parse.parse_qs(body)})
                self.send_response(hub.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def pinged(self) -> list[str]:
        urls = []
        for request in self.requests:
            assert request["type"] == "application/x-www-form-urlencoded"
            assert request["form"]["hub.mode"] == ["publish"]
            urls += request["form"]["hub.url"]
        self.requests.clear()
        return urls

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def hub():
    stub = StubHub()
    yield stub
    stub.close()


@pytest.fixture(scope="module")
def hub_build(tmp_path_factory):
    """The fixture site built with a hub in the settings."""
    out = tmp_path_factory.mktemp("websub") / "out"
    return build(FIXTURE_SITE / "content", out, extra={"SYNDICATION": syndication(websub_hub="https://hub.example.net/")})


def test_every_feed_announces_the_hub(hub_build):
    files = feed_files(hub_build.output)
    assert files
    for path in files:
        if path.suffix == ".json":
            assert json.loads(path.read_text(encoding="utf-8"))["hubs"][0]["url"] == "https://hub.example.net/"
        else:
            links = etree.parse(str(path)).getroot().findall(f".//{{{ATOM}}}link[@rel='hub']")
            assert [ln.get("href") for ln in links] == ["https://hub.example.net/"], path


def test_ping_changed_notifies_changed_feeds_only(hub_build, hub, tmp_path):
    output = tmp_path / "site"
    shutil.copytree(hub_build.output, output)
    state = tmp_path / "state" / "websub.json"
    every = sorted(f"{SITE_URL}/{p.relative_to(output).as_posix()}" for p in feed_files(output))

    first = ping_changed(output, SITE_URL, hub.url, state)
    assert sorted(first) == every and sorted(hub.pinged()) == every  # one request per feed
    assert ping_changed(output, SITE_URL, hub.url, state) == [] and hub.pinged() == []

    changed = output / "flux" / "categorie" / "essais.atom.xml"
    changed.write_bytes(changed.read_bytes().replace(b"</feed>", b"<!-- new -->\n</feed>"))
    url = f"{SITE_URL}/flux/categorie/essais.atom.xml"
    assert ping_changed(output, SITE_URL, hub.url, state) == [url]
    assert hub.pinged() == [url]
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["hub"] == hub.url and sorted(saved["feeds"]) == every


def test_hub_error_names_the_hub_and_status_and_keeps_the_feed_for_next_time(hub_build, hub, tmp_path):
    output = tmp_path / "site"
    shutil.copytree(hub_build.output, output)
    state = tmp_path / "websub.json"
    hub.status = 500
    with pytest.raises(SiteError) as err:
        ping_changed(output, SITE_URL, hub.url, state)
    message = str(err.value)
    assert hub.url in message and "HTTP 500" in message and "Correction :" in message
    assert len(hub.pinged()) == 1  # stopped at the first refusal
    assert json.loads(state.read_text(encoding="utf-8"))["feeds"] == {}  # nothing accepted, nothing recorded
    hub.status = 202
    assert len(ping_changed(output, SITE_URL, hub.url, state)) == len(feed_files(output))


def test_unreachable_hub_is_a_clear_error(hub_build, tmp_path):
    with pytest.raises(SiteError, match="could not reach the WebSub hub"):
        ping_changed(hub_build.output, SITE_URL, "http://127.0.0.1:9/", tmp_path / "state.json", timeout=2)


def test_no_feed_no_hub_are_clear_errors(tmp_path):
    with pytest.raises(SiteError, match="no feed file"):
        ping_changed(tmp_path, SITE_URL, "https://hub.example.net/", tmp_path / "s.json")
    with pytest.raises(SiteError, match="websub_hub"):
        ping_changed(tmp_path, SITE_URL, None, tmp_path / "s.json")


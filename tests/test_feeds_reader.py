"""A real terminal feed reader (Debian's newsboat) reads the site's feeds served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sqlite3
import subprocess
import threading
import unicodedata

import pytest

from conftest import FIXTURE_SITE, run_pelican

# One worker runs this file: its tests share module-scoped builds (README, "For developers").
pytestmark = [pytest.mark.build,
              pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is not installed (apt-get install newsboat)")]

PUBLISHED = {"Premier article : les bases": 1577869200, "Second article": 1623774600}  # title: pubDate (UTC epoch)
EMBARGOED = ["Brouillon secret", "Article du futur", "Article caché"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


def _normal(text: str) -> str:
    """Titles as newsboat stores them, with no-break spaces made plain for comparison."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The production build of the fixture site, built for and served at http://127.0.0.1:<port>."""
    output = tmp_path_factory.mktemp("reader") / "site"
    # The server holds its port (picked by the OS) from before the build: a port probed then let go
    # could be taken meanwhile by another test running in parallel.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    port = server.server_address[1]
    build = run_pelican(FIXTURE_SITE / "content", output, "publishconf.py", env={"SITEURL": f"http://127.0.0.1:{port}"})
    if build.returncode != 0:
        server.server_close()
    assert build.returncode == 0, build.log
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def newsboat_items(tmp_path, feed_url: str) -> list[tuple]:
    """Run newsboat non-interactively on one feed; return (title, url, guid, pubDate, feedurl) it stored."""
    (tmp_path / "urls").write_text(feed_url + "\n", encoding="utf-8")
    (tmp_path / "config").write_text("", encoding="utf-8")
    result = subprocess.run(
        ["newsboat", "-u", str(tmp_path / "urls"), "-c", str(tmp_path / "cache.db"), "-C", str(tmp_path / "config"),
         "-x", "reload"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(tmp_path / "cache.db") as db:
        return db.execute("SELECT title, url, guid, pubDate, feedurl FROM rss_item").fetchall()


@pytest.mark.parametrize("name", ["site.atom.xml", "site.rss.xml"])
def test_newsboat_sees_every_published_article_and_nothing_embargoed(served, tmp_path, name):
    feed_url = f"{served}/flux/{name}"
    items = newsboat_items(tmp_path, feed_url)
    titles = {_normal(title): (url, guid, date, feed) for title, url, guid, date, feed in items}
    for title, date in PUBLISHED.items():
        assert _normal(title) in titles, (title, sorted(titles))
        url, guid, stored_date, feed = titles[_normal(title)]
        assert url.startswith(served + "/") and guid.startswith("tag:") and feed == feed_url
        assert stored_date == date  # the reader understood the date and its offset
    for title in EMBARGOED:
        assert _normal(title) not in titles
    assert len(items) == len(PUBLISHED)

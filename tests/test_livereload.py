"""`invoke livereload`: a writer saves a file and the open browser tab shows the change."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from browser import browser
from conftest import project_copy

pytestmark = [pytest.mark.browser, pytest.mark.build]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} never answered")


@pytest.mark.parametrize("change", ["content", "theme", "settings"])
def test_browser_reloads_after_a_change(tmp_path, change):
    project = project_copy(tmp_path)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "invoke", "livereload", "--port", str(port)], cwd=project,
                              stdout=open(tmp_path / "server.log", "w"), stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/second/"
        _wait_for(url)
        with browser() as chromium:
            page = chromium.new_page()
            page.goto(url)
            # livereload ignores changes in the 3 seconds after a (re)load: a writer is never that fast.
            time.sleep(3.5)
            if change == "content":
                path, old, new, selector = project / "content/articles/second.md", "Title: Second article", \
                    "Title: Second article revu", "h1"
            elif change == "theme":
                path, old, new, selector = project / "theme/templates/base.html", "Aller au contenu", \
                    "Aller au contenu principal", "a.skip-link"
            else:
                path, old, new, selector = project / "pelicanconf.py", 'SITENAME = "Marques & communautés"', \
                    'SITENAME = "Marques & communautés (essai)"', "p.site-title a"
            expected = new.split('"')[1] if change == "settings" else new.split(": ", 1)[-1]
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
            # No navigation by the test: only the livereload script can bring the new text.
            page.wait_for_function(
                "([selector, text]) => document.querySelector(selector)?.textContent.trim() === text",
                arg=[selector, expected], timeout=60_000)
    finally:
        server.terminate()
        server.wait(timeout=10)

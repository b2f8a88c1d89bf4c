"""`invoke livereload`: a writer saves a file and the open browser tab shows the change."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from browser import browser
from conftest import ROOT, invoke, project_copy

sys.path.insert(0, str(ROOT / "scripts"))
import bench  # noqa: E402  (its Server-Sent Events client)

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


def _preview(project, tmp_path, **options):
    """Start `invoke livereload` in a project copy; (process, port) once it answers."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "invoke", "livereload", "--port", str(port)], cwd=project,
                              stdout=open(tmp_path / "server.log", "w"), stderr=subprocess.STDOUT, **options)
    _wait_for(f"http://127.0.0.1:{port}/")
    return server, port


def _stop(server) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _built_after(events, saved_at: float) -> None:
    """Wait for the reload of a build begun after `saved_at` (time.time()): it read every file saved before."""
    while True:
        name, data = events.next()  # the preview pings every 15 s; a silence of 120 s fails
        assert name != "failure", data["error"]
        if name == "reload" and data["started"] >= saved_at:
            return


def test_after_fast_saves_the_output_is_what_a_fresh_build_writes(tmp_path):
    project = project_copy(tmp_path)
    server, port = _preview(project, tmp_path)
    content = project / "content"
    try:
        events = bench.Events(port, "/second/")
        assert events.next()[0] == "state"
        # A writer who never waits: each save lands while the build of the one before may still run.
        steps = [
            lambda: _edit(content / "articles" / "second.md", "Title: Second article", "Title: Un second titre"),
            lambda: _edit(content / "contributions" / "premier-article" / "bob-pending.md",
                          "Status: pending", "Status: approved"),
            lambda: _edit(content / "contributions" / "second" / "alice-2.md", "Encore merci", "Mille mercis"),
            lambda: (content / "articles" / "nouveau.md").write_text(
                (content / "articles" / "second.md").read_text(encoding="utf-8")
                .replace("Slug: second", "Slug: nouveau").replace("Un second titre", "Un nouvel article")
                .replace("Feed_id: tag:", "Feed_id: tag:nouveau-"), encoding="utf-8"),
            lambda: (content / "articles" / "ebauche.md").write_text(
                (content / "articles" / "second.md").read_text(encoding="utf-8")
                .replace("Slug: second", "Slug: ebauche\nStatus: draft").replace("Un second titre", "Une ébauche")
                .replace("Feed_id: tag:", "Feed_id: tag:ebauche-"), encoding="utf-8"),
            lambda: (content / "articles" / "nouveau.md").unlink(),
            lambda: _edit(project / "theme" / "templates" / "base.html", "Aller au contenu", "Aller au texte"),
            lambda: _edit(content / "articles" / "second.md", "Un second titre", "Un second titre revu"),
        ]
        for step in steps:
            time.sleep(0.3)
            step()
        _built_after(events, time.time())
        events.close()
    finally:
        _stop(server)
    fresh = invoke(project, "build", "--output", str(tmp_path / "fresh"), "--ignore-cache")
    assert fresh.returncode == 0, fresh.stderr
    assert bench.different_files(project / "output", tmp_path / "fresh") == []
    output = project / "output"
    assert "Mille mercis" in (output / "second" / "index.html").read_text(encoding="utf-8")
    assert "Un second titre revu" in (output / "index.html").read_text(encoding="utf-8")
    assert not (output / "nouveau").exists()
    draft = (output / "drafts" / "ebauche" / "index.html").read_text(encoding="utf-8")
    assert "Brouillon" in draft and "Publié le" not in draft
    assert "Une ébauche" not in (output / "index.html").read_text(encoding="utf-8")


def test_ctrl_c_stops_the_preview_cleanly(tmp_path):
    project = project_copy(tmp_path)
    port = _free_port()
    errors = open(tmp_path / "stderr.log", "w")
    # As a terminal does: Ctrl-C sends SIGINT to the whole foreground group (invoke and the preview it runs).
    server = subprocess.Popen([sys.executable, "-m", "invoke", "livereload", "--port", str(port)], cwd=project,
                              stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/")
        time.sleep(0.5)
        os.killpg(server.pid, signal.SIGINT)
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        errors.close()
    log = (tmp_path / "stderr.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nobody serves any more


def test_a_failed_rebuild_keeps_the_last_good_site_and_shows_the_error_on_the_open_page(tmp_path):
    project = project_copy(tmp_path)
    server, port = _preview(project, tmp_path)
    article = project / "content" / "articles" / "second.md"
    good = (project / "output" / "second" / "index.html").read_bytes()
    try:
        with browser() as chromium:
            page = chromium.new_page()
            page.goto(f"http://127.0.0.1:{port}/second/")
            page.wait_for_timeout(500)
            _edit(article, "Date: 2021-06-15 18:30:00+02:00", "Date: 15 juin, vers midi")
            page.wait_for_selector("#preview-error", timeout=60_000)
            message = page.inner_text("#preview-error")
            assert "second.md" in message and "Date:" in message and "15 juin, vers midi" in message
            assert "La reconstruction a échoué" in message and "ce n'est pas une date lisible" in message
            assert "Correction : écrivez une date" in message and "Traceback" not in message  # in French
            assert (project / "output" / "second" / "index.html").read_bytes() == good
            assert page.inner_text("h1") == "Second article"  # the last good page stays on screen
            _edit(article, "Date: 15 juin, vers midi", "Date: 2021-06-15 18:30:00+02:00")
            page.wait_for_function("() => !document.getElementById('preview-error')", timeout=60_000)
    finally:
        _stop(server)
    assert "the build failed" in (tmp_path / "server.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("started", ["from a terminal", "as a background job"])
def test_stopping_the_task_stops_the_preview_it_started(tmp_path, started):
    project = project_copy(tmp_path)
    # A shell starts a background job (`invoke livereload &`, nohup) with SIGINT ignored: the
    # preview must stop all the same, at once, not after the task's 10 s before it kills.
    ignore_sigint = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if started != "from a terminal" else None
    server, port = _preview(project, tmp_path, preexec_fn=ignore_sigint)
    server.terminate()  # SIGTERM, as a terminal or a supervisor sends it
    server.wait(timeout=8)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return  # nobody listens any more: the preview process is gone too
        time.sleep(0.2)
    raise AssertionError(f"the preview still answers on port {port} after its task stopped")

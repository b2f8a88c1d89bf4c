"""The live preview's web server: the output folder, and a line to every open page.

Files are served from the output folder as they are on disk (a build swaps a
whole folder in, the quick path renames one file over another: a reader
never gets half a page). Every HTML page is given, on its way out, one
``<script>`` of the preview's own (the files on disk stay what production
builds), which opens a Server-Sent Events stream (``/__preview__/events``):
the preview tells the page to reload when what it shows was rebuilt, and
shows a build's error over the page the writer is looking at. Everything is
served from this server: the page loads nothing from elsewhere.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

SCRIPT_PATH = "/__preview__/preview.js"
EVENTS_PATH = "/__preview__/events"
TAG = f'<script src="{SCRIPT_PATH}"></script>'.encode()
SCRIPT = r"""(() => {
  const here = location.pathname;
  let seen = null;
  const events = new EventSource("/__preview__/events?page=" + encodeURIComponent(here));
  const panel = () => {
    let box = document.getElementById("preview-error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "preview-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1em;" +
        "background:#fff3f3;color:#5c0000;border-top:4px solid #b00020;font:14px/1.4 monospace;" +
        "white-space:pre-wrap;z-index:2147483647";
      document.body.appendChild(box);
    }
    return box;
  };
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    if (seen !== null && state.session !== seen) location.reload();  // the preview restarted
    seen = state.session;
    if (state.error) panel().textContent = "La dernière reconstruction a échoué ; le site affiché est le dernier bon.\n\n" + state.error;
  });
  events.addEventListener("reload", (event) => {
    const pages = JSON.parse(event.data).pages;
    if (pages === "*" || pages.includes(here)) location.reload();
  });
  events.addEventListener("failure", (event) => {
    panel().textContent = "La reconstruction a échoué ; le site affiché est le dernier bon.\n\n" + JSON.parse(event.data).error;
  });
})();
"""


class Channel:
    """Events for every open page (one queue per Server-Sent Events stream)."""

    def __init__(self, session: str):
        self.session = session
        self.error = ""
        self._lock = threading.Lock()
        self._queues: dict[queue.Queue, str] = {}  # stream → the page (path) it belongs to

    def subscribe(self, page: str = "/") -> queue.Queue:
        """A new stream's queue, for the page at `page`; it first gets the current state."""
        stream: queue.Queue = queue.Queue()
        stream.put(("state", {"session": self.session, "error": self.error}))
        with self._lock:
            self._queues[stream] = page
        return stream

    def unsubscribe(self, stream: queue.Queue) -> None:
        """Forget a closed stream."""
        with self._lock:
            self._queues.pop(stream, None)

    def send(self, event: str, data: dict) -> None:
        """Tell every open page."""
        with self._lock:
            for stream in self._queues:
                stream.put((event, data))

    def pages(self) -> set[str]:
        """The pages open in a browser now (their paths)."""
        with self._lock:
            return set(self._queues.values())


def content_type(name: str) -> str:
    """The Content-Type of a file of the site (the publishing pipeline's table)."""
    from publishing.contenttypes import content_type as of

    return of(name)


class _Handler(BaseHTTPRequestHandler):
    server_version = "apercu"
    root: Path
    channel: Channel

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # the terminal shows builds, not requests

    def do_GET(self):  # noqa: N802 - the base class's name
        path = unquote(urlsplit(self.path).path)
        if path == SCRIPT_PATH:
            return self._send(HTTPStatus.OK, SCRIPT.encode(), "text/javascript; charset=utf-8")
        if path == EVENTS_PATH:
            query = parse_qs(urlsplit(self.path).query)
            return self._events(query.get("page", ["/"])[0])
        return self._file(path)

    def _send(self, status, body: bytes, kind: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _file(self, path: str) -> None:
        root = self.root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return self._send(HTTPStatus.NOT_FOUND, b"Not found", "text/plain")
        for attempt in range(2):  # a build swapping its folder in leaves the output absent for an instant
            if target.is_dir():
                if not path.endswith("/"):
                    return self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", {"Location": path + "/"})
                target = target / "index.html"
            try:
                body = target.read_bytes()
                break
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                if attempt:
                    missing = root / "404.html"
                    body = missing.read_bytes() if missing.is_file() else b"Not found"
                    return self._send(HTTPStatus.NOT_FOUND, _with_script(body), "text/html; charset=utf-8")
                time.sleep(0.05)
        kind = content_type(target.name)
        if kind.startswith("text/html"):
            body = _with_script(body)
        self._send(HTTPStatus.OK, body, kind)

    def _events(self, page: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        stream = self.channel.subscribe(page)
        try:
            self.wfile.write(b"retry: 300\n\n")  # after a restart, pages reconnect at once
            self.wfile.flush()
            while True:
                try:
                    event, data = stream.get(timeout=15)
                    self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
                except queue.Empty:
                    self.wfile.write(b": ping\n\n")  # tells a closed page apart
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            self.channel.unsubscribe(stream)

    do_HEAD = do_GET


def _with_script(body: bytes) -> bytes:
    end = body.rfind(b"</body>")
    return body[:end] + TAG + body[end:] if end >= 0 else body + TAG


def start(root: Path, channel: Channel, host: str, port: int) -> ThreadingHTTPServer:
    """Serve `root` on host:port in a thread of its own; the server (shut it down to stop)."""
    handler = type("Handler", (_Handler,), {"root": Path(root), "channel": channel})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server

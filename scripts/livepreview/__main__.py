"""The live preview: `invoke livereload` runs this module in a process of its own.

One process stays warm: it serves the output folder (server.py), watches the
content, the theme, the plugins and the settings (watchfiles: the kernel
tells it of each save), and builds in itself (builder.py):

- a saved article, contribution, template or stylesheet: an incremental
  build (builder.py: only the pages that depend on what changed are
  rendered again, through the incremental plugin), then the open pages
  whose file changed reload;
- a saved plugin or settings file: the process ends with RESTART, and the
  task starts a fresh one (new code is only ever run by a new interpreter),
  which builds everything; the open pages reconnect and reload.

A failed build keeps the last good site: the error is printed here and shown
over the page the writer is looking at, until a build succeeds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import signal
import sys
import time
from pathlib import Path

RESTART = 3  # exit status that asks the task for a fresh process
IGNORED = ("~", ".swp", ".swo", ".swx", ".tmp", ".pyc")


def _log(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {text}", flush=True)


def _open_pages(channel, output: Path) -> dict[str, bytes | None]:
    """The bytes of every page a browser shows now (to reload only those a build changed)."""
    pages = {}
    for page in channel.pages():
        target = output / page.lstrip("/")
        target = target / "index.html" if page.endswith("/") or target.is_dir() else target
        try:
            pages[page] = target.read_bytes()
        except OSError:
            pages[page] = None
    return pages


def _classify(changes, root: Path, content: Path, settings_files: set[Path]) -> str:
    """"restart" (plugins or settings changed: new code needs a new interpreter), "build" or "none"."""
    kind = "none"
    for _change, name in changes:
        path = Path(name)
        if path.name.endswith(IGNORED) or path.name.startswith((".#", "#")) or "__pycache__" in path.parts:
            continue
        if path in settings_files or (path.suffix == ".py" and path.is_relative_to(root / "plugins")):
            return "restart"
        # Editors save through temporary files (sed's, vim's 4913...), gone by now: not the writer's files.
        if path.exists() or path.suffix == ".md":
            kind = "build"
    return kind


class _Watcher:
    """The saves, watched in a thread of their own: a save made while a build runs is never missed."""

    def __init__(self, folders):
        import queue
        import threading

        import watchfiles

        self._found: queue.Queue = queue.Queue()
        self._stop = threading.Event()

        def watch() -> None:
            # step/debounce: a save is taken 50 ms after the editor is done with it.
            for changes in watchfiles.watch(*folders, step=50, debounce=400, stop_event=self._stop,
                                            raise_interrupt=False):
                self._found.put(changes)

        threading.Thread(target=watch, name="preview-watch", daemon=True).start()

    def next(self) -> set:
        """Every change since the last call (waits for one)."""
        import queue

        changes = set()
        while not changes:
            try:
                changes |= self._found.get(timeout=0.5)  # a timeout: Ctrl-C is seen at once
            except queue.Empty:
                continue
        while True:
            try:
                changes |= self._found.get_nowait()
            except queue.Empty:
                return changes

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Serve, watch and build until interrupted (then 0, quietly); RESTART when plugins or settings changed."""
    parser = argparse.ArgumentParser(prog="livepreview")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--settings", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--content", type=Path, help="another content folder than the settings' PATH (the bench's)")
    parser.add_argument("--cache", type=Path, help="another cache folder than the settings' CACHE_PATH")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    for folder in (root / "plugins", root / "scripts"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))

    from pelican import log as pelican_log

    from livepreview import builder as builds
    from livepreview import server

    # Stopped by its task with SIGTERM: stop as on Ctrl-C, closing the server and leaving no staging folder.
    signal.signal(signal.SIGTERM, _interrupted)
    # As `pelican --fatal errors` does: an error logged by a generator fails the build.
    pelican_log.init(level=30, fatal="errors")
    channel = server.Channel(secrets.token_hex(8))
    overrides = {key: str(value.resolve()) for key, value in (("PATH", args.content), ("CACHE_PATH", args.cache))
                 if value is not None}
    builder = builds.Builder(args.settings, args.output, overrides)
    content = (args.content or root / "content").resolve()
    watched = [content, root / "theme", root / "plugins", *(p for p in root.glob("*conf.py"))]
    settings_files = {p.resolve() for p in root.glob("*conf.py")}
    http = None
    saves = _Watcher(watched)  # from now on: a save made during the first build makes a second one
    try:
        first = builder.build()
        if not first.ok:
            channel.error = first.error
            _log(f"the build failed; fix the file named below and save it again:\n{first.error}")
        else:
            _log(f"site built in {first.seconds:.1f} s")
        http = server.start(args.output, channel, args.bind, args.port)
        _log(f"preview on http://{args.bind}:{args.port}/ (Ctrl-C to stop); it reloads the page you look at on each save")
        while True:
            changes = saves.next()
            kind = _classify(changes, root, content, settings_files)
            if kind == "restart":
                _log("plugins or settings changed: starting a fresh preview process")
                return RESTART
            if kind == "none":
                continue  # an editor's temporary files only
            before = _open_pages(channel, args.output)
            started = time.time()  # every save before this is in the files this build reads
            result = builder.build()
            if not result.ok:
                channel.error = result.error
                channel.send("failure", {"error": result.error})
                _log(f"the build failed; the last good site stays:\n{result.error}")
                continue
            after = _open_pages(channel, args.output)
            changed = [page for page in after if before.get(page, b"") != after[page]]
            if channel.error:  # a failure was shown: every page shows the good site again
                changed, channel.error = "*", ""
            channel.send("reload", {"pages": changed, "phase": "site", "seconds": result.seconds, "cpu": result.cpu,
                                    "started": started})
            _log(f"{result.rendered} pages rendered ({len(result.pages)} changed), {result.kept} kept, "
                 f"in {result.seconds:.2f} s ({result.cpu:.2f} s of CPU)")
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM from the task: a normal way to stop
        pass
    finally:
        # Ctrl-C reaches the task too, which then sends SIGTERM: stopping is not interrupted again.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _log("preview stopped")
        saves.stop()
        if http is not None:
            http.shutdown()
            http.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

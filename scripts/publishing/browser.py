"""A small harness to see what a real browser does with our pages.

Drives Debian's headless chromium (/usr/bin/chromium) through Playwright;
it never downloads a browser. Without chromium or the playwright package,
:func:`browser` raises :class:`BrowserUnavailable` (the quality gates fail
on it; tests/browser.py turns it into a skip). It serves the publishing
gates and the tests alike. Typical use::

    with serve_directory(output) as base_url, browser() as chromium:
        visit_ = visit(chromium, base_url + "index.html", allowed_hosts={"127.0.0.1"})
    assert not visit_.dialogs and not visit_.calls and not visit_.third_party

What a visit records (:class:`Visit`): dialogs, calls into hooked functions
(alert, fetch, window.open... see HOOKS_JS), every request, the requests to
hosts other than the allowed ones (which are aborted: nothing leaves the
machine), inline requests (blob:, and data: documents seen through the
DevTools protocol), popups, beforeunload prompts, console errors,
uncaught page errors, URL attributes that resolve to javascript:/vbscript:/
data: (they would run on a click), and the final HTML. After the load it
waits a little, presses Tab, moves the mouse over elements, then fires
hover, focus and click events on every element (clicks with their default
action cancelled, so no link is followed), so that handlers bound to those
events get their chance to run.

Pages are served over HTTP on 127.0.0.1 (:func:`serve_directory`), not from
file://, so that hosts, origins and relative URLs mean what they mean on the
real site.
"""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
]
# URLs the page makes without the network: recorded apart, never "third party".
INLINE_SCHEMES = ("data:", "about:", "blob:")

# Installed before any script of the page, in every frame: wraps the
# functions an injected script would use to show itself or send data out, and
# records each call in window.__xss_calls. alert/confirm/prompt still run (so
# that the dialog is also seen by Playwright); the others that would change
# or leave the page (print, open, document.write) are only recorded.
HOOKS_JS = r"""
(() => {
  if (window.__xss_calls) return;
  const calls = [];
  Object.defineProperty(window, '__xss_calls', {value: calls, writable: false, configurable: false});
  const show = (value) => { try { return String(value).slice(0, 200); } catch (e) { return '?'; } };
  const record = (name, args) => {
    try { calls.push({name: name, args: Array.prototype.map.call(args, show)}); } catch (e) {}
  };
  // Playwright's page.evaluate() itself calls eval from its UtilityScript:
  // those calls (and only those: the caller right above the wrapper) are the
  // harness, not the page. If Playwright changes this, the harness records
  // too much and tests fail loudly rather than miss anything.
  const fromHarness = () => {
    const lines = String(new Error().stack || '').split('\n');
    return /^\s*at UtilityScript\.evaluate /.test(lines[3] || '');
  };
  const hook = (target, property, name, callThrough) => {
    if (!target) return;
    const original = target[property];
    if (typeof original !== 'function') return;
    const wrapper = function (...args) {
      if (!(name === 'eval' && fromHarness())) record(name, args);
      return callThrough ? original.apply(this, args) : undefined;
    };
    try {
      Object.defineProperty(target, property, {value: wrapper, writable: true, configurable: true});
    } catch (e) { try { target[property] = wrapper; } catch (e2) {} }
  };
  hook(window, 'alert', 'alert', true);
  hook(window, 'confirm', 'confirm', true);
  hook(window, 'prompt', 'prompt', true);
  hook(window, 'print', 'print', false);
  hook(window, 'open', 'open', false);
  hook(window, 'fetch', 'fetch', true);
  hook(window, 'eval', 'eval', true);
  hook(window.XMLHttpRequest && XMLHttpRequest.prototype, 'open', 'XMLHttpRequest.open', true);
  hook(window.Navigator && Navigator.prototype, 'sendBeacon', 'navigator.sendBeacon', true);
  hook(window.Document && Document.prototype, 'write', 'document.write', false);
  hook(window.Document && Document.prototype, 'writeln', 'document.writeln', false);
  for (const timer of ['setTimeout', 'setInterval']) {
    const original = window[timer];
    // Only string arguments: that is code compiled from text, like eval.
    window[timer] = function (handler, ...rest) {
      if (typeof handler === 'string') record(timer + '(string)', [handler]);
      return original.call(this, handler, ...rest);
    };
  }
})();
"""

# Where to move the mouse, in page coordinates: elements with an event
# attribute first, then elements without element children (hovering them
# also fires mouseover/mouseenter on all their ancestors).
_HOVER_POINTS_JS = r"""
(limit) => {
  const all = document.body ? Array.from(document.body.querySelectorAll('*')) : [];
  const handlers = all.filter(e => e.getAttributeNames().some(n => n.startsWith('on')));
  const leaves = all.filter(e => e.childElementCount === 0 && !handlers.includes(e));
  const points = [];
  for (const element of handlers.concat(leaves)) {
    const r = element.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) {
      points.push([r.left + window.scrollX + Math.min(r.width / 2, 5),
                   r.top + window.scrollY + Math.min(r.height / 2, 5)]);
      if (points.length >= limit) break;
    }
  }
  return points;
}
"""

# Fire the hover, focus and (optionally) click events on every element,
# whether the mouse and the keyboard reached it or not (hidden, zero-size,
# tabindex=-1...). Clicks run onclick handlers but their default action
# (following a link, submitting a form) is cancelled: the page stays put.
_EVENTS_FOR_ALL_JS = r"""
([limit, click]) => {
  const all = document.body ? Array.from(document.body.querySelectorAll('*')).slice(0, limit) : [];
  const cancel = (event) => event.preventDefault();
  window.addEventListener('click', cancel, true);
  try {
    for (const element of all) {
      for (const type of ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousemove',
                          'mouseleave', 'mouseout']) {
        const bubbles = !type.endsWith('enter') && !type.endsWith('leave');
        element.dispatchEvent(new MouseEvent(type, {bubbles: bubbles, view: window}));
      }
      if (typeof element.focus === 'function') { element.focus({preventScroll: true}); element.blur(); }
      if (click) element.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
    }
  } finally {
    window.removeEventListener('click', cancel, true);
  }
  return all.length;
}
"""

# URL attributes whose value, as the browser resolves it, is script or an
# inline document: they run when clicked, submitted or loaded.
_SCRIPT_URLS_JS = r"""
() => {
  const found = [];
  const bad = /^(javascript|vbscript|data):/i;
  const urlAttributes = /^(href|src|action|formaction|data|poster|background|xlink:href|srcdoc|ping|cite|codebase)$/i;
  for (const element of document.querySelectorAll('*')) {
    for (const name of element.getAttributeNames()) {
      if (!urlAttributes.test(name)) continue;
      const raw = element.getAttribute(name);
      let resolved = raw;
      try { resolved = new URL(raw, document.baseURI).href; } catch (e) {}
      if (name === 'srcdoc' || bad.test(resolved)) {
        found.push(element.localName + '[' + name + ']=' + raw.slice(0, 100));
      }
    }
  }
  return found;
}
"""


@dataclass
class Visit:
    """What happened while the browser loaded one page."""

    url: str
    dialogs: list[str] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)
    inline_requests: list[str] = field(default_factory=list)
    popups: list[str] = field(default_factory=list)
    script_urls: list[str] = field(default_factory=list)
    html: str = ""
    inspection: Any = None

    @property
    def executed(self) -> bool:
        """Whether anything shows that injected script ran (dialog, hooked call, popup)."""
        return bool(self.dialogs or self.calls or self.popups)

    def summary(self) -> str:
        """A readable account for assertion messages."""
        parts = [f"visit of {self.url}"]
        for name in ("dialogs", "calls", "popups", "script_urls", "page_errors", "console_errors",
                     "third_party", "inline_requests"):
            values = getattr(self, name)
            if values:
                parts.append(f"{name} ({len(values)}): " + "; ".join(map(str, values[:10])))
        return "\n".join(parts)


def _host(url: str) -> str:
    """The host of a URL, lower case ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class BrowserUnavailable(RuntimeError):
    """Chromium or the playwright package is not installed."""


@contextmanager
def browser(**launch_options):
    """A headless Debian chromium driven by Playwright (BrowserUnavailable without them)."""
    if not Path(CHROMIUM).exists():
        raise BrowserUnavailable(f"{CHROMIUM} is not installed (scripts/setup --test installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserUnavailable("the playwright package is not installed (scripts/setup --test installs it)") from None
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS), **launch_options)
        try:
            yield instance
        finally:
            instance.close()


def visit(browser, url: str, *, allowed_hosts: set[str], settle_ms: int = 300, interact: bool = True,
          click: bool = True, tabs: int = 8, max_hover: int = 200, max_elements: int = 5000,
          timeout_ms: int = 20_000, inspect: Callable[[Any], Any] | None = None) -> Visit:
    """Load `url` in a fresh context and record what the page does (see the module docstring).

    ``inspect(page)``, if given, runs once the page has settled (after the
    interactions), with the same request rules; what it returns is kept as
    ``Visit.inspection`` (e.g. the result of a page.evaluate, or axe-core's).
    """
    allowed = {host.lower() for host in allowed_hosts}
    result = Visit(url)
    context = browser.new_context(service_workers="block", viewport={"width": 1280, "height": 900})
    try:
        context.set_default_timeout(timeout_ms)
        context.add_init_script(HOOKS_JS)

        def on_route(route):
            request_url = route.request.url
            if request_url.startswith(INLINE_SCHEMES):
                route.continue_()
            elif _host(request_url) in allowed:
                route.continue_()
            else:
                # Never let a request leave the machine; the "request" event
                # below has already recorded it.
                route.abort()

        def record(request_url: str):
            result.requests.append(request_url)
            if request_url.startswith(INLINE_SCHEMES):
                result.inline_requests.append(request_url)
            elif _host(request_url) not in allowed:
                result.third_party.append(request_url)

        def on_dialog(dialog):
            result.dialogs.append(f"{dialog.type}: {dialog.message}")
            try:
                dialog.dismiss()
            except Exception:  # the page may already be gone
                pass

        def on_console(message):
            if message.type == "error":
                result.console_errors.append(f"{message.text} @ {message.location.get('url', '')}")

        def watch(page):
            page.on("dialog", on_dialog)
            page.on("console", on_console)
            page.on("pageerror", lambda error: result.page_errors.append(str(error)))
            page.on("websocket", lambda socket: record(socket.url))

        def on_page(page):
            # Any page but the first is a popup opened by the content.
            if main is not None and page is not main:
                result.popups.append(page.url)
                watch(page)

        context.route("**/*", on_route)
        context.on("request", lambda request: record(request.url))
        main = None
        context.on("page", on_page)
        main = context.new_page()
        watch(main)
        _watch_data_urls(context, main, record)

        main.goto(url, wait_until="load")
        main.wait_for_timeout(settle_ms)
        if interact:
            _interact(main, tabs=tabs, max_hover=max_hover, max_elements=max_elements, click=click)
            main.wait_for_timeout(settle_ms)
        if inspect is not None:
            result.inspection = inspect(main)
        for frame in main.frames:
            try:
                result.calls.extend(frame.evaluate("() => Array.from(window.__xss_calls || [])"))
            except Exception:  # a frame that navigated away or was removed meanwhile
                pass
        result.script_urls = main.evaluate(_SCRIPT_URLS_JS)
        result.html = main.content()
        # Leaving the page shows a beforeunload prompt if the page set one.
        main.close(run_before_unload=True)
        try:
            main.wait_for_timeout(100)
        except Exception:  # closed: there was no prompt
            pass
    finally:
        context.close()
    return result


def _watch_data_urls(context, page, record) -> None:
    """Record data: documents the page loads (Playwright reports no data: request; DevTools does)."""
    # data: images and fonts are decoded in the renderer and reach neither;
    # Visit.script_urls lists data: URLs found in attributes instead.
    try:
        session = context.new_cdp_session(page)
        session.send("Network.enable")
    except Exception:  # not a Chromium browser: no DevTools protocol
        return

    def on_request(event):
        url = event["request"]["url"]
        if url.startswith("data:"):
            record(url)

    session.on("Network.requestWillBeSent", on_request)


def _interact(page, *, tabs: int, max_hover: int, max_elements: int, click: bool) -> None:
    """Keyboard focus, real mouse hover, then synthetic hover, focus and click events on every element."""
    page.mouse.move(1, 1)
    for _ in range(tabs):
        page.keyboard.press("Tab")
    # A real mouse move costs ~20 ms on a large page: only max_hover of them.
    points = page.evaluate(_HOVER_POINTS_JS, max_hover)
    height = page.viewport_size["height"] if page.viewport_size else 900
    top = None
    for x, y in sorted(points, key=lambda point: point[1]):
        if top is None or not top <= y < top + height:
            page.evaluate("(y) => window.scrollTo(0, y)", max(0, y - 10))
            top = page.evaluate("() => window.scrollY")
        page.mouse.move(x, y - top)
    page.evaluate(_EVENTS_FOR_ALL_JS, [max_elements, click])
    page.evaluate("() => window.scrollTo(0, 0)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format, *args):
        pass


@contextmanager
def serve_directory(path: Path | str):
    """Serve a folder over HTTP on 127.0.0.1 (ephemeral port); yield its base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="serve_directory", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""Gates "a11y" and "hosts": what Debian's headless chromium sees on the key pages.

The pages: the home page, the article with contributions, the community
page, the Suivre page, the Transparence page, the corrections list and the
search page with the results of a search (PAGES; a page may carry a query
string; the search page is checked when the build has one), and the version
pages of that article and of the Transparence page, whose versions show
changes (key_pages: their addresses name commits, so they are found in the
build). The browser is driven with the project's
harness (tests/browser.py: `browser()` and `visit()`), which records every
request and aborts those to other hosts, presses Tab, hovers and clicks.

How the browser reaches the build: it asks for the real addresses
(SITEURL, e.g. https://marques-communautes.github.io/suivre/), and a
Playwright route answers every request for SITEURL's host from the build
folder, with the Content-Type the site is deployed with. So the browser
checks exactly the bytes that will be deployed, with their absolute URLs,
without a second build and without any request leaving the machine; a
request to any other host is recorded and aborted by the harness.

- "a11y": axe-core (node_modules/axe-core/axe.min.js, injected into the page)
  with the rules tagged WCAG 2.0, 2.1 and 2.2 A/AA and axe's best practices
  (AXE_TAGS), on each page in the light and in the dark colour scheme (the
  theme has both): zero violations. Axe runs once nothing on the page is
  aria-busy (the search page's results, filled by its script).
- "hosts": no page asks the browser for anything from another host, while
  loading or when the reader tabs through it or an element gets hovered,
  focused or clicked (the harness fires those events on every element); and
  no page, SVG or stylesheet of the build, browsed or not, has a URL that
  the browser would load without a click (stylesheet, script, image, frame,
  SVG references and animations, CSS url(), @import and image-set(): fonts,
  backgrounds, even those shown on :hover) on another host. Files are read
  as a browser reads them (blogcore/markup.py: Lexbor, tinycss2) and hosts
  resolved by the WHATWG URL Standard (blogcore/urls.py).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from urllib.parse import urlsplit

from blogcore import markup, urls
from blogcore.errors import Problem

from . import ROOT, shown
from . import browser as harness
from .contenttypes import content_type
from .site import Site

# Home page, the article with contributions, the community page, the Suivre page, the Transparence
# page (the figures), the corrections list, and the search page showing results (its script searches
# as the page opens; see _axe); key_pages adds the version pages of that article and of the Transparence
# page (a version shows what changed since the one before: the article may have a single version).
PAGES = ("", "marketing-2-0-vu-par-yves-duron/", "communaute/", "suivre/", "transparence/", "corrections/",
         "recherche/?q=marketing")
VERSIONS = ("marketing-2-0-vu-par-yves-duron/versions/", "transparence/versions/")
# Checked when the build has them: search can be turned off (SEARCH["enabled"], plugins/search/).
OPTIONAL_PAGES = ("recherche/?q=marketing",)
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice")
COLOR_SCHEMES = ("light", "dark")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MAX_NODES = 10  # elements listed per axe violation
BUSY_TIMEOUT_MS = 10_000  # how long axe waits for aria-busy content
# Files a browser renders as a document (and so loads from): HTML, SVG, XHTML, XSLT.
MARKUP_FILES = (".html", ".htm", ".xhtml", ".svg", ".xsl", ".xslt")
SETUP_FIX = "run scripts/setup --test (it installs chromium from Debian, Playwright and axe-core with npm ci)"
FIX_A11Y = ("fix the template in theme/templates/ or the style in theme/static/css/style.css that produces this "
            "element (or the Markdown it comes from); axe explains the rule at {url}")
FIX_HOSTS = ("serve the file from the site itself (theme/static/ or content/images/) or remove it: the site "
             "loads nothing from another host")
FIX_PAGES = "update PAGES in scripts/publishing/browsergate.py if the page moved"

_AXE_RUN = """async ([tags]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary}))}));
}"""


def key_pages(site: Site) -> tuple[str, ...]:
    """PAGES, and the version pages of VERSIONS' texts (their addresses name commits)."""
    found = []
    for versions in VERSIONS:
        folder = site.root / versions
        if folder.is_dir():
            found += [f"{versions}{p.name}/" for p in sorted(folder.iterdir()) if (p / "index.html").is_file()]
    return PAGES + tuple(found)


def tools_missing() -> list[str]:
    """What the gates need and the machine lacks (empty: ready)."""
    missing = []
    if not Path(harness.CHROMIUM).exists():
        missing.append(f"{harness.CHROMIUM} (Debian package chromium)")
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError:
        missing.append("the playwright Python package")
    if not AXE_JS.is_file():
        missing.append(f"{shown(AXE_JS)} (npm package axe-core)")
    return missing


class _SiteRoutes:
    """Answers the browser's requests for the site's host from the build folder.

    ``served`` lists each answer as (URL, bytes of its body), in order: what a reader downloads.
    """

    def __init__(self, site: Site):
        self.site = site
        self.served: list[tuple[str, int]] = []

    def serves(self, url: str) -> bool:
        """Every request for the site's host, http or https: none of them may reach the network."""
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() == self.site.netloc

    def fulfil(self, route) -> None:
        url = route.request.url
        relative = self.site.path_of(url.split("#")[0])
        target = self.site.file_for(relative) if relative is not None else None
        if target is None and relative and (self.site.root / relative / "index.html").is_file():
            route.fulfill(status=301, headers={"Location": url.split("?")[0] + "/"})
            return
        if target is None:
            missing = self.site.root / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"Not found"
            self.served.append((url, len(body)))
            route.fulfill(status=404, body=body, headers={"Content-Type": content_type("404.html")})
            return
        name = self.site.relative(target)
        body = target.read_bytes()
        self.served.append((url, len(body)))
        route.fulfill(status=200, body=body, headers={"Content-Type": content_type(name, self.site.feeds_dir)})


class _Context:
    """A browser context whose routes serve the site's host from the build (see the module's docstring)."""

    def __init__(self, context, routes: _SiteRoutes):
        self._context = context
        self._routes = routes

    def __getattr__(self, name):
        return getattr(self._context, name)

    def route(self, pattern, handler, **options):
        def handle(route):
            if self._routes.serves(route.request.url):
                self._routes.fulfil(route)
            else:
                handler(route)  # the harness records and aborts requests to other hosts
        return self._context.route(pattern, handle, **options)


class _Browser:
    """The chromium instance, with a colour scheme and the site's routes in every new context."""

    def __init__(self, browser, routes: _SiteRoutes, color_scheme: str):
        self._browser = browser
        self._routes = routes
        self._color_scheme = color_scheme

    @property
    def routes(self) -> _SiteRoutes:
        """What answers the site's host (and what it served)."""
        return self._routes

    def new_context(self, **options):
        return _Context(self._browser.new_context(color_scheme=self._color_scheme, **options), self._routes)


def _settled(page, timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """Wait until no element of the page is aria-busy (content a script is still filling)."""
    try:
        page.wait_for_function("() => !document.querySelector('[aria-busy=\"true\"]')", timeout=timeout_ms)
    except Exception:  # still busy: axe checks the page as it is, and says what it finds
        pass


def serving(chromium, site: Site, color_scheme: str = "light") -> _Browser:
    """The browser, whose new contexts get the site's host answered from the build (``.routes.served``)."""
    return _Browser(chromium, _SiteRoutes(site), color_scheme)


def _axe(page) -> list[dict]:
    _settled(page)
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(_AXE_RUN, [list(AXE_TAGS)])


def css_urls(css: str) -> list[str]:
    """The URLs a stylesheet (or a style attribute) makes the browser load: url(), @import, image-set()..."""
    return markup.css_urls(css)


def static_third_party(site: Site) -> list[Problem]:
    """URLs on another host that a page, SVG or stylesheet of the build would make the browser load without a click.

    Every file a browser renders is read (MARKUP_FILES and stylesheets), as a browser reads it
    (blogcore/markup.py), and every address is resolved against the file's own address as a browser
    resolves it (blogcore/urls.py): //host, backslashes, %2E, fullwidth letters, a trailing dot.
    """
    problems = []

    def report(file: Path, field: str, url: str, base: str) -> None:
        host = urls.host_of(url, base)
        if host is not None and host != site.host:
            problems.append(Problem(site.relative(file), field, url, f"the browser would request {host}", FIX_HOSTS))

    for file in site.files():
        suffix = file.suffix.lower()
        if suffix not in MARKUP_FILES + (".css",):
            continue
        base = site.url_of(site.relative(file))
        text = file.read_text(encoding="utf-8", errors="replace")
        if suffix == ".css":
            for url in markup.css_urls(text):
                report(file, "CSS url()/@import", url, base)
            continue
        for load in markup.loads(text):
            report(file, "CSS url() in the page" if load.css else "loaded without a click", load.url, base)
    return problems


def run(site: Site, pages: tuple[str, ...] = PAGES, *, a11y: bool = True, hosts: bool = True,
        color_schemes: tuple[str, ...] = COLOR_SCHEMES) -> tuple[list[Problem], list[Problem], str]:
    """Problems for "a11y", problems for "hosts", and a one-line summary."""
    missing = tools_missing()
    if missing:
        problem = Problem("(the machine)", "tool", ", ".join(missing), "the browser gates cannot run", SETUP_FIX)
        return ([problem] if a11y else []), ([problem] if hosts else []), ""
    routes = _SiteRoutes(site)
    a11y_problems: list[Problem] = []
    hosts_problems: list[Problem] = static_third_party(site) if hosts else []
    present = []
    for page in pages:
        path = page.split("?")[0]
        target = site.file_for(path)
        if target is None and page in OPTIONAL_PAGES:
            continue
        if target is None:
            problem = Problem(path + "index.html", "page", site.siteurl + "/" + page,
                              "the browser gates check this page but the build has none", FIX_PAGES)
            (a11y_problems if a11y else hosts_problems).append(problem)
        else:
            present.append((page, site.relative(target)))
    requests = 0
    schemes = color_schemes if a11y else color_schemes[:1]
    with harness.browser() as chromium:
        for number, scheme in enumerate(schemes):
            browser = _Browser(chromium, routes, scheme)
            for page, where in present:
                # The first pass interacts for the hosts gate: Tab, then hover, focus and click events on
                # every element (real mouse moves add nothing the events and the CSS scan miss, and
                # cost 2 s a page); the other passes only load.
                visit = harness.visit(browser, site.siteurl + "/" + page, allowed_hosts={site.host},
                                      inspect=_axe if a11y else None, interact=number == 0 and hosts,
                                      max_hover=0)
                requests += len(visit.requests)
                if hosts:
                    for url in visit.third_party:
                        hosts_problems.append(Problem(where, f"request ({scheme} scheme)", url,
                                                      f"the page made the browser request {urlsplit(url).netloc}",
                                                      FIX_HOSTS))
                for violation in (visit.inspection or []) if a11y else []:
                    nodes = violation.get("nodes") or [{}]
                    for node in nodes[:MAX_NODES]:
                        value = f"{node.get('target', '')}: {' '.join((node.get('html') or '').split())[:200]}"
                        summary = " ".join((node.get("summary") or "").split())
                        a11y_problems.append(Problem(
                            where, f"axe {violation['id']} ({violation.get('impact')}, {scheme} scheme)", value,
                            violation.get("help", "") + (f" — {summary}" if summary else ""),
                            FIX_A11Y.format(url=violation.get("helpUrl", "https://dequeuniversity.com/rules/axe/"))))
    summary = (f"{len(present)} pages in {len(schemes)} colour scheme(s) ({', '.join(schemes)}), "
               f"{requests} requests")
    return a11y_problems, _dedupe(hosts_problems), summary


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, unique = set(), []
    for problem in problems:
        key = (problem.file, problem.value)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique

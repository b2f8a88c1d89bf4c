"""Invoke tasks: build, preview, check and test the site (`invoke --list`).

Every build writes into a fresh temporary folder and replaces the output
folder only when Pelican succeeded, so a failed build never replaces a good
site. Tasks run Pelican with the Python that runs invoke (the project's venv).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from invoke import Collection, Exit, task

ROOT = Path(__file__).resolve().parent
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
LOCAL_SETTINGS = ROOT / "pelicanconf.py"
PRODUCTION_SETTINGS = ROOT / "publishconf.py"
# Tasks use the plugins' modules (moderation, feed ids) outside Pelican.
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))


def pelican_command(settings: Path, output: Path, fatal: str | None = "errors", extra: str = "") -> list[str]:
    """The Pelican command line for one build (fatal: "errors", "warnings" or None)."""
    command = [sys.executable, "-m", "pelican", str(CONTENT), "--settings", str(settings), "--output", str(output)]
    if fatal:
        command += ["--fatal", fatal]
    return command + shlex.split(extra)


def _folders():
    """Build folders beside the output (scripts/sitefolders.py; imported on use: no work at import time)."""
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import sitefolders

    return sitefolders


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt  # so that the finally blocks remove the staging folder


def build_site(settings: Path, output: Path, fatal: str = "errors", quiet: bool = False,
               ignore_cache: bool = False) -> Path:
    """Build into a temporary folder, then swap it in place of `output`.

    Raises Exit (non-zero) and leaves `output` untouched when Pelican fails;
    an interrupted build (Ctrl-C, SIGTERM) leaves no temporary folder behind.
    The pages whose sources did not change are taken from `output`, not
    rendered again (plugins/incremental/), unless `ignore_cache`.
    """
    import signal

    output = Path(output)
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    staging = _folders().staging_folder(output)
    try:
        command = pelican_command(settings, staging, fatal)
        if quiet:
            command.append("--quiet")
        if ignore_cache:
            command.append("--ignore-cache")
        # The incremental plugin records what each page is built from and, when `output` exists (and the
        # caches are read), renders only the pages whose sources changed, linking the others from it.
        import json

        command += ["-e", f"INCREMENTAL_FROM={json.dumps(str(output.resolve()))}"]
        returncode = _run_to_the_end(command)
        if returncode != 0:
            raise Exit(
                f"La construction a échoué ({settings.name}) ; {output} est resté tel quel. Corrigez les problèmes "
                "ci-dessus (chaque ligne nomme le fichier, le champ, la valeur et la correction), puis relancez.",
                code=returncode or 1,
            )
        _folders().swap_in(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return output


def _run_to_the_end(command: list[str]) -> int:
    """Run a command; if this process is interrupted, the command is stopped too, never left running."""
    import signal

    stopping = {signal.SIGINT, signal.SIGTERM}
    # Blocked while the child starts: an interruption between its fork and the moment we hold
    # it would leave it running, writing a site into a folder we already removed.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
    try:
        process = subprocess.Popen(command, cwd=ROOT,
                                   preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping))
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # an interruption meanwhile arrives here
        return process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


IGNORE_CACHE_HELP = "Read every article again instead of using the cache (cache/)."


@task(help={"output": "Folder to write the site to (default: output/).", "ignore_cache": IGNORE_CACHE_HELP})
def build(c, output=str(OUTPUT), ignore_cache=False):
    """Build the local preview site (pelicanconf.py) into output/."""
    build_site(LOCAL_SETTINGS, Path(output), ignore_cache=ignore_cache)
    print(f"Site construit dans {output}. Pour le voir : .venv/bin/invoke livereload (la page se recharge à chaque "
          "enregistrement), puis ouvrez http://127.0.0.1:8000/")


@task(help={"port": "Port to listen on (default 8000).", "bind": "Address to listen on (default 127.0.0.1)."})
def serve(c, port=8000, bind="127.0.0.1"):
    """Build, then serve output/ and rebuild on changes (no browser reload)."""
    build_site(LOCAL_SETTINGS, OUTPUT)
    # Pelican's own autoreload keeps serving when a rebuild fails, and prints the error.
    extra = f"--autoreload --listen --bind {bind} --port {port}"
    c.run(shlex.join(pelican_command(LOCAL_SETTINGS, OUTPUT, fatal=None, extra=extra)), pty=False)


@task(help={"port": "Port to listen on (default 8000).", "bind": "Address to listen on (default 127.0.0.1)."})
def livereload(c, port=8000, bind="127.0.0.1"):
    """Serve output/ and rebuild on each save (only the pages that change); the browser reloads."""
    # The preview is one warm process (scripts/livepreview/); it asks for a fresh one when the
    # plugins or the settings change, since only a new interpreter runs new code.
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "scripts"),
                                                                            os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "livepreview", "--root", str(ROOT), "--settings", str(LOCAL_SETTINGS),
               "--output", str(OUTPUT), "--bind", str(bind), "--port", str(port)]
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt  # the finally below stops the preview too: it never outlives the task

    signal.signal(signal.SIGTERM, stop)
    while True:
        preview = subprocess.Popen(command, cwd=ROOT, env=environment)
        try:
            status = preview.wait()
        except KeyboardInterrupt:
            return
        finally:
            if preview.poll() is None:
                # SIGTERM, not SIGINT: a shell that starts a job in the background makes it ignore
                # SIGINT, and the preview would then keep serving for the 10 s below.
                preview.terminate()
                try:
                    preview.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    preview.kill()
                    preview.wait()
        if status != 3:  # livepreview.RESTART
            if status not in (0, -2):
                raise Exit(f"the preview stopped (status {status}); the messages above say why", code=status)
            return


@task(help={"output": "Folder to write the production site to (default: output/).",
            "ignore_cache": IGNORE_CACHE_HELP})
def preview(c, output=str(OUTPUT), ignore_cache=False):
    """Build the production site (publishconf.py: absolute URLs, no drafts) into output/."""
    build_site(PRODUCTION_SETTINGS, Path(output), ignore_cache=ignore_cache)
    print(f"Production site built in {output} for SITEURL={os.environ.get('SITEURL', '(default)')}.")


@task
def clean(c):
    """Delete the build output and caches."""
    for path in [OUTPUT, ROOT / "cache", ROOT / ".pytest_cache", *ROOT.glob(".output-*-*")]:
        shutil.rmtree(path, ignore_errors=True)
    print("Removed output/ and caches.")


def _git_user(c) -> str | None:
    result = c.run("git config user.name", warn=True, hide=True)
    name = result.stdout.strip() if result and result.ok else ""
    return name or None


def _most_used_category(site, declared: tuple[str, ...]) -> str:
    """The declared category most articles use (the first declared one when none does)."""
    from collections import Counter

    counts = Counter(s.header.get("category") for s in site.sources("article") if s.header.get("category"))
    used = [name for name, _ in counts.most_common() if not declared or name in declared]
    return used[0] if used else (declared[0] if declared else site.settings.get("DEFAULT_CATEGORY") or "Non classé")


def _default_author(c, profiles: dict, folder: Path) -> str:
    """Your git user.name when an author profile has it (accents and case aside): the name of that profile."""
    from editorial.validate import closest

    name = _git_user(c) or ""
    match = closest(name, profiles, loosely=True) if name else None
    if match:
        return match
    known = ", ".join(sorted(profiles)) or "(aucune fiche)"
    raise Exit(f"erreur : --author est absent et aucune fiche d'auteur ne porte votre nom git ({name or 'aucun'}). "
               f'Correction : donnez --author "Prénom Nom" parmi les fiches ({known}), ou ajoutez la vôtre '
               f"dans {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}/", code=2)


@task(
    help={
        "title": "The article's title, in quotes.",
        "author": "Author's name (default: your git user.name, when an author profile has it).",
        "category": "Category, one of EDITORIAL['categories'] (default: the most used one).",
        "slug": "The article's address (default: made from the title): a-z, 0-9 and single hyphens.",
    }
)
def new(c, title, author=None, category=None, slug=None):
    """Create a draft article in the articles folder, every header field filled; replace its placeholders."""
    import re

    from blogcore.sources import Site
    from editorial import authors, config, validate
    from syndication.ids import new_article_id

    title = title.strip()
    if not title:
        raise Exit('erreur : le titre est vide. Correction : invoke new "Mon titre"', code=2)
    site = Site.from_file(LOCAL_SETTINGS)
    if slug is None:
        slug = site.slugify(title)
        if not slug:
            raise Exit(f"erreur : le titre {title!r} n'a ni lettre ni chiffre pour faire l'adresse de l'article (son "
                       f'slug). Correction : donnez-en une avec --slug, par exemple invoke new "{title}" --slug '
                       "mon-article", code=2)
    elif not re.fullmatch(validate.SLUG_PATTERN, slug):
        raise Exit(f"erreur : --slug {slug!r} : {validate.MESSAGES['slug'][0]}. Correction : "
                   f"{validate.MESSAGES['slug'][1]}", code=2)
    folder = site.folder("article")
    path = folder / f"{slug}.md"
    if path.exists() or slug in site.articles():
        raise Exit(f"erreur : l'article {slug!r} existe déjà ({path.relative_to(ROOT)}). Correction : choisissez un "
                   "autre titre, ou --slug", code=2)
    cfg = config.from_settings(site.settings)
    profiles, _ = authors.load_profiles(site.root, cfg.authors_path, site.settings)
    author = author or _default_author(c, profiles, site.root / cfg.authors_path)
    category = category or _most_used_category(site, cfg.categories)
    now = dt.datetime.now(site.tz).replace(second=0, microsecond=0)
    authority = site.settings["SYNDICATION"]["id_authority"]
    folder.mkdir(parents=True, exist_ok=True)
    placeholders = validate.PLACEHOLDERS
    path.write_text(
        f"Title: {title}\n"
        f"Slug: {slug}\n"
        f"Date: {now.isoformat(sep=' ')}\n"
        f"Author: {author}\n"
        f"Category: {category}\n"
        f"Tags: {placeholders['tags']}\n"
        f"Summary: {placeholders['summary']}\n"
        f"Lang: {site.lang}\n"
        f"Feed_id: {new_article_id(authority, now.date())}\n"
        "Status: draft\n"
        "\n"
        f"{placeholders['body']}\n",
        encoding="utf-8",
    )
    print(f"Créé : {path.relative_to(ROOT)} (Status: draft). Remplacez le résumé, l'étiquette « {placeholders['tags']} » "
          "et le premier paragraphe (invoke check les signale tant qu'ils sont là), puis retirez la ligne Status "
          "pour le publier.")


@task(help={"production": "Check the production build (publishconf.py) and run the quality gates on it.",
            "gates": "With --production: only these gates, comma-separated (html, links, feeds, a11y, hosts).",
            "output": "With --production: copy the checked site into this folder once every gate passed.",
            "html_since": "With --production: the repository the site is published to (a path or URL): the HTML "
                          "gate then checks only the pages that differ from its branch (default: every page).",
            "html_branch": "With --html-since: the branch that holds the published site (default gh-pages)."})
def check(c, production=False, gates="", output="", html_since="", html_branch="gh-pages"):
    """Build with every warning fatal (--production: then run the quality gates); exit non-zero on a problem."""
    if not production:
        if gates or output or html_since:
            raise Exit("error: --gates, --output and --html-since go with --production", code=2)
        with tempfile.TemporaryDirectory(prefix="check-") as tmp:
            build_site(LOCAL_SETTINGS, Path(tmp) / "site", fatal="warnings")
        print("Vérification réussie : aucun problème ni avertissement dans la construction locale.")
        return
    publishing = _publishing()
    only = _site_errors(lambda: publishing.gates.selection(gates))
    with tempfile.TemporaryDirectory(prefix="check-") as tmp:
        site = _production_site(Path(tmp))
        published = _published_site(lambda: publishing.changed.from_git(html_since, html_branch)) if html_since else None
        try:
            publishing.pipeline.check(site, only, published=published)
        except publishing.pipeline.GatesFailed as exc:
            raise Exit(f"Check failed: {exc}. Each line above names the page or feed, the rule and the fix "
                       "(README, \"When a gate fails\").", code=1) from None
        if output:
            _replace_folder(site.root, Path(output))
            print(f"Checked site copied to {output}.")
    print(f"Check passed: no warning in the production build, and the gates passed ({', '.join(only)}).")


@task(help={"args": "Extra arguments for pytest, in quotes (e.g. '-k feeds -x')."})
def test(c, args=""):
    """Run the test suite (pytest)."""
    result = c.run(f"{shlex.quote(sys.executable)} -m pytest {args}", warn=True, pty=False)
    if result.exited:
        raise Exit(code=result.exited)


@task(help={"articles": "Number of generated articles (default 1000), with ten contributions each; several sizes "
                        "comma-separated (e.g. 1000,5000: memory growth is then reported).",
            "rounds": "Rounds: each builds every configuration once, next to plain Pelican (default 3).",
            "shapes": "Corpus shapes, comma-separated: realistic (default), long, taxonomy, threads, images; "
                      "all for every one. Each is reported on its own.",
            "configurations": "Builds to time, comma-separated: cold, warm, edit, approve (default all).",
            "instructions": "Also count the instructions of plain, cold and warm builds with valgrind "
                            "(a figure machine noise does not move; several minutes more).",
            "preview": "Also measure the live preview's latency over ten saves (default on; --no-preview skips it).",
            "search": "Also measure what the search index adds to a production build and what one search "
                      "downloads (default on; --no-search skips it)."})
def bench(c, articles="1000", rounds=3, shapes="realistic", configurations="", instructions=False, preview=True,
          search=True):
    """Print the whole product's build times and peak memory next to plain Pelican's, and the live preview's latency."""
    if instructions and not shutil.which("valgrind"):
        raise Exit("--instructions needs valgrind: sudo apt-get install valgrind")
    try:
        sizes = tuple(int(size) for size in str(articles).split(","))
    except ValueError:
        raise Exit(f"--articles {articles!r}: give whole numbers, comma-separated (e.g. 1000,5000)", code=2) from None
    if min(sizes) < 10:
        raise Exit("--articles: give at least 10 (the bench edits several different articles)", code=2)
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import bench as product_bench
    import benchcorpus

    chosen = benchcorpus.SHAPES if shapes == "all" else tuple(s.strip() for s in shapes.split(",") if s.strip())
    unknown = [shape for shape in chosen if shape not in benchcorpus.SHAPES]
    if unknown or not chosen:
        raise Exit(f"--shapes {shapes!r}: choose among {', '.join(benchcorpus.SHAPES)} or all", code=2)
    builds = tuple(b.strip() for b in configurations.split(",") if b.strip()) or product_bench.CONFIGURATIONS
    if any(b not in product_bench.CONFIGURATIONS for b in builds):
        raise Exit(f"--configurations {configurations!r}: choose among {', '.join(product_bench.CONFIGURATIONS)}",
                   code=2)
    print(product_bench.report(product_bench.run(sizes, int(rounds), bool(instructions), bool(preview),
                                                 shapes=chosen, configurations=builds)))
    if search:
        import bench_search

        print(bench_search.report(bench_search.run(sizes[0], 10 * sizes[0], max(3, int(rounds)))))


# --- live preview: the writer's cadence (scripts/bench_preview.py) -------------------------


@task(name="bench-preview", help={
    "articles": "Number of generated articles (default 1000), with ten contributions each.",
    "seconds": "How long the writer saves (default 60).",
    "interval": "Seconds between two saves (default 2).",
    "articles_only": "Only edit existing articles (no draft, new article or approval): the common case."})
def bench_preview(c, articles=1000, seconds=60, interval=2.0, articles_only=False):
    """Print the live preview's save-to-browser times and CPU per save, saving every 2 s for a minute."""
    if int(articles) < 10:
        raise Exit("--articles: give at least 10 (the bench edits several different articles)", code=2)
    if float(interval) <= 0 or float(seconds) < float(interval):
        raise Exit("--interval must be > 0 and --seconds at least one interval", code=2)
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import bench_preview as bench

    cycle = ["article"] if articles_only else None
    print(bench.report(bench.run(int(articles), float(seconds), float(interval), cycle)))


# --- contributions: moderation from the command line ---------------------------------


def _community():
    """The moderation module (imported on use: no work at import time)."""
    from community import moderation

    return moderation


def _moderator(c, given):
    return given or _git_user(c) or os.environ.get("USER") or "modération"


def _site_errors(action):
    """Run a moderation action; turn a SiteError into a clean non-zero exit."""
    from blogcore.errors import SiteError

    try:
        return action()
    except SiteError as exc:
        raise Exit(f"error: {exc}", code=2) from None


def _moderate(action):
    """Load the site's contributions, then run action(moderation, site) with clean errors."""
    moderation = _community()
    site = moderation.load_site(LOCAL_SETTINGS)
    return _site_errors(lambda: action(moderation, site))


@task(
    name="add",
    help={
        "article": "Slug of the article the contribution belongs to.",
        "author": "Name the author chose (as it will be published).",
        "date": "When it was written, ISO 8601 with offset (2026-11-22T10:30:00+01:00).",
        "source": "Where it was first published: e-mail, forum, social network...",
        "source_url": "Address of the original, if any.",
        "author_url": "The author's web page, if they gave one.",
        "kind": "comment (default), testimonial, idea or mention.",
        "reply_to": "Id of the contribution it answers.",
        "official": "It is the brand's own reply.",
        "body": "The text (Markdown).",
        "body_file": "Read the text from this file instead.",
    },
)
def contributions_add(c, article, author, date, source, source_url="", author_url="", kind="comment",
                      reply_to="", official=False, body=None, body_file=None):
    """Create a pending contribution and print its id (the last word of the last line)."""
    moderation = _community()
    if bool(body) == bool(body_file):
        raise Exit("error: give the text with exactly one of --body TEXT or --body-file PATH", code=2)
    if body_file:
        path = Path(body_file)
        if not path.is_file():
            raise Exit(f"error: --body-file {body_file!r}: no such file", code=2)
        body = path.read_text(encoding="utf-8")
    site = moderation.load_site(LOCAL_SETTINGS)
    created = _site_errors(lambda: moderation.add(
        site, article=article, author=author, date=date, source=source, body=body, source_url=source_url,
        author_url=author_url, kind=kind, reply_to=reply_to, official=official))
    print(f"Created {Path(created.path).relative_to(ROOT)} (status: pending). Approve it with: "
          f"invoke contributions.approve {created.id}")
    print(f"id: {created.id}")


@task(name="list", help={"status": "Only this status (pending, approved, rejected, redacted).",
                         "article": "Only this article's slug."})
def contributions_list(c, status=None, article=None):
    """List contributions: id, status, kind, date, article, author and the start of the text."""
    items = _moderate(lambda moderation, site: moderation.listing(site, status, article))
    for item in items:
        text = " ".join(item.body.split())
        text = text[:60] + ("…" if len(text) > 60 else "")
        official = " [officiel]" if item.official else ""
        print(f"{item.id}  {item.status:<9} {item.kind:<11} {item.date:%Y-%m-%d}  {item.article}  "
              f"{item.author or '(retiré)'}{official}  {text}")
    print(f"{len(items)} contribution(s)")


@task(name="approve", help={"id": "Id of the contribution.", "moderator": "Your name (default: git user.name)."})
def contributions_approve(c, id, moderator=None):
    """Approve a contribution so that the next build publishes it."""
    done = _moderate(lambda moderation, site: moderation.approve(site, id, _moderator(c, moderator)))
    print(f"Approved {done.id}; commit the change and open a pull request to publish it.")


@task(name="reject", help={"id": "Id of the contribution.", "reason": "Why it is refused (recorded).",
                           "moderator": "Your name (default: git user.name)."})
def contributions_reject(c, id, reason="", moderator=None):
    """Reject a contribution, recording the reason."""
    done = _moderate(lambda moderation, site: moderation.reject(site, id, reason, _moderator(c, moderator)))
    print(f"Rejected {done.id}: {done.reason}")


@task(name="redact", help={"id": "Id of the contribution.", "moderator": "Your name (default: git user.name)."})
def contributions_redact(c, id, moderator=None):
    """Remove a contribution's text and author identity everywhere; keep a tombstone for its thread."""
    done = _moderate(lambda moderation, site: moderation.redact(site, id, _moderator(c, moderator)))
    print(f"Redacted {done.id}: its text, author, e-mail and addresses are gone from the file.")


@task(name="import", help={"path": "A WordPress WXR export, a Disqus XML export or a CSV file.",
                           "map": "CSV with header 'source,article' mapping old slugs or URLs to our slugs.",
                           "dry_run": "Report what would be imported without writing anything."})
def contributions_import(c, path, map=None, dry_run=False):
    """Import contributions from WordPress, Disqus or CSV; a second run creates nothing new."""
    moderation = _community()
    from community.importers.run import import_file

    source = Path(path)
    if not source.is_file():
        raise Exit(f"error: {path!r}: no such file", code=2)
    if map and not Path(map).is_file():
        raise Exit(f"error: --map {map!r}: no such file", code=2)
    from community.importers.run import Rules

    site = moderation.load_site(LOCAL_SETTINGS)
    rules = Rules(site.brand_names, site.official_authors, site.max_body)
    report = _site_errors(lambda: import_file(
        source, contributions_root=site.contributions_root, articles=site.articles,
        map_csv=Path(map) if map else None, tz=site.tz, rules=rules, dry_run=dry_run))
    for line in report.summary():
        print(line)


# --- feeds ---------------------------------------------------------------------


@task(name="ping", help={"state": "JSON file remembering what was last announced (default .publish-state/websub.json).",
                         "output": "The built production site (default output/)."})
def feeds_ping(c, state=str(ROOT / ".publish-state" / "websub.json"), output=str(OUTPUT)):
    """Tell the WebSub hub which feeds changed since the last publish."""
    from pelican.settings import read_settings

    from blogcore.errors import SiteError
    from syndication.websub import hub_from_settings, ping_changed

    settings = read_settings(str(PRODUCTION_SETTINGS))
    hub = hub_from_settings(settings)
    if hub is None:
        print('No WebSub hub: set SYNDICATION["websub_hub"] in publishconf.py to announce feeds.')
        return
    if not (Path(output) / settings["SYNDICATION"].get("feeds_dir", "flux")).is_dir():
        raise Exit(f"error: no feeds in {output}: run `invoke preview` first", code=2)
    try:
        pinged = ping_changed(Path(output), settings["SITEURL"], hub, Path(state), timeout=10,
                              feeds_dir=settings["SYNDICATION"].get("feeds_dir", "flux"))
    except SiteError as exc:
        raise Exit(f"error: {exc}", code=2) from None
    for url in pinged:
        print(f"announced {url}")
    print(f"{len(pinged)} changed feed(s) announced to {hub}")


# --- publishing: production build, quality gates, deploy ----------------------------


def _publishing():
    """The publish pipeline, scripts/publishing (imported on use: no work at import time)."""
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import publishing.changed
    import publishing.erasure
    import publishing.gates
    import publishing.gitpages
    import publishing.pipeline
    import publishing.s3
    import publishing.schedule
    import publishing.site
    import publishing.traces

    return publishing


def _production_site(tmp: Path):
    """Build the production site into tmp/site, every warning fatal; the gates' view of it."""
    from pelican.settings import read_settings

    publishing = _publishing()
    settings = read_settings(str(PRODUCTION_SETTINGS))
    # A bad SITEURL fails here, before the build, naming the setting and the fix.
    _site_errors(lambda: publishing.site.Site.from_settings(tmp / "site", settings))
    build_site(PRODUCTION_SETTINGS, tmp / "site", fatal="warnings")
    return publishing.site.Site.from_settings(tmp / "site", settings)


def _published_site(read):
    """The published site's files for the HTML gate's scope (publishing/changed.py), or None: every page."""
    published, why = read()
    if published is None:
        print(f"HTML gate: every page is checked ({why}).")
    return published


def _replace_folder(source: Path, target: Path) -> None:
    """Copy `source` next to `target`, then swap it in place of `target`."""
    staging = _folders().staging_folder(target)
    try:
        shutil.copytree(source, staging, dirs_exist_ok=True)
        _folders().swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _deploy_target(target, remote, bucket, endpoint_url, prefix):
    """Check a deploy target's options before anything is built; the S3 client for --target s3 (else None)."""
    publishing = _publishing()
    deploy_error = publishing.pipeline.DeployError
    if target == "git":
        if not remote:
            raise Exit("error: --target git needs --remote PATH_OR_URL (the repository to push to)", code=2)
        if bucket or endpoint_url or prefix:
            raise Exit("error: --bucket, --endpoint-url and --prefix go with --target s3", code=2)
        try:
            publishing.gitpages.check_remote(remote)
        except deploy_error as exc:
            raise Exit(f"error: {exc}", code=2) from None
        return None
    if target == "s3":
        if not bucket:
            raise Exit("error: --target s3 needs --bucket NAME", code=2)
        if remote:
            raise Exit("error: --remote goes with --target git", code=2)
        try:
            return publishing.s3.client_for(endpoint_url)
        except deploy_error as exc:
            raise Exit(f"error: {exc}", code=2) from None
    raise Exit(f"error: --target {target!r}: choose git or s3", code=2)


@task(help={
    "target": "Where to deploy: git (a gh-pages style branch) or s3 (a bucket).",
    "remote": "git target: the repository to push to, a path or a URL.",
    "branch": "git target: the branch that holds the site (default gh-pages).",
    "bucket": "s3 target: the bucket's name (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).",
    "endpoint_url": "s3 target: address of an S3-compatible service instead of AWS.",
    "prefix": "s3 target: folder of the bucket to publish into (default: the bucket's root).",
    "full_html": "Check every page with the HTML validator (the nightly run does); by default only the pages "
                 "that differ from the published site are (every other gate always reads the whole site).",
})
def publish(c, target, remote=None, branch="gh-pages", bucket=None, endpoint_url=None, prefix="", full_html=False):
    """Build the production site, run every quality gate, and deploy only if all of them passed."""
    publishing = _publishing()
    deploy_error = publishing.pipeline.DeployError
    client = _deploy_target(target, remote, bucket, endpoint_url, prefix)
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        # The set of texts due now, taken before the build starts (the build holds at least those): the
        # site carries it, and the scheduled check compares with it (scripts/publishing/schedule.py).
        due_at = publishing.schedule.now_utc()
        site = _production_site(Path(tmp))
        source = publishing.gitpages.source_commit(ROOT)
        publishing.schedule.write_manifest(site.root, ROOT, due_at, source.sha or "")
        if target == "git":
            deploy = functools.partial(publishing.gitpages.deploy, site, remote, branch, source)
        else:
            deploy = functools.partial(publishing.s3.deploy, site, bucket, prefix, endpoint_url, client)
        published = None if full_html else _published_site(
            lambda: publishing.changed.from_git(remote, branch) if target == "git"
            else publishing.changed.from_s3(client, bucket, prefix))
        try:
            result = publishing.pipeline.publish(site, deploy, published=published)
        except publishing.pipeline.GatesFailed as exc:
            raise Exit(f"Publish stopped: {exc}. Nothing was deployed: the published site is as it was. "
                       "Each line above names the page or feed, the rule and the fix.", code=1) from None
        except deploy_error as exc:
            raise Exit(f"Deploy failed: {exc}", code=1) from None
    print(f"Published {site.siteurl}/ — {result.summary}")


# --- erasure: a redacted contribution leaves no trace in anything public ----------------------


def _refuse(file, field, value, message, fix):
    """A refusal of the erasure, in French: file, field, value, what is wrong and the fix (exit 2)."""
    raise Exit(f"erreur : {file} : {field} = {value!r} : {message}. Correction : {fix}", code=2)


def _redacted_and_committed(contribution, ident):
    """The contribution's file is redacted, in the working tree and in the commit the site is published from."""
    from blogcore.headers import parse_header

    path = Path(contribution.path).resolve()
    shown = path.relative_to(ROOT).as_posix()
    fix = (f"caviardez-la d'abord (invoke contributions.redact {ident}, ou fusionnez la demande de suppression "
           f"suppressions/{ident}), enregistrez-le (commit) et fusionnez-le dans main, puis relancez l'effacement")
    if contribution.status != "redacted":
        _refuse(shown, "Status:", contribution.status, "la contribution n'est pas caviardée : son texte et le nom "
                "de son auteur sont encore dans le fichier, et le site les publierait de nouveau", fix)
    committed = subprocess.run(["git", "-C", str(ROOT), "show", f"HEAD:{shown}"], capture_output=True, text=True)
    changed = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", shown], capture_output=True,
                             text=True)
    status = (parse_header(committed.stdout).get("status") or "pending") if committed.returncode == 0 else "(absent)"
    if status.lower() != "redacted" or changed.stdout.strip():
        _refuse(shown, "Status:", f"{status} (dans le dernier commit)", "le caviardage n'est pas encore enregistré "
                "dans le dépôt : la prochaine publication, faite depuis main, republierait le texte", fix)


@task(name="erase", help={
    "id": "Id of the redacted contribution.",
    "target": "Where the site is published: git (default: the public repository's branch) or s3 (a bucket).",
    "remote": "git target: the PUBLIC repository that holds the built site (a path or a URL).",
    "branch": "git target: its branch that holds the site (default gh-pages).",
    "bucket": "s3 target: the bucket's name (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).",
    "endpoint_url": "s3 target: address of an S3-compatible service instead of AWS.",
    "prefix": "s3 target: folder of the bucket the site is published into (default: the bucket's root).",
})
def contributions_erase(c, id, target="git", remote=None, branch="gh-pages", bucket=None, endpoint_url=None,
                        prefix=""):
    """After a redaction is merged: publish the redacted site and remove every trace of the contribution
    from the public repository's history (or the bucket's versions), then verify; exit non-zero if any remains."""
    from pelican.settings import read_settings

    publishing = _publishing()
    moderation = _community()
    site_info = moderation.load_site(LOCAL_SETTINGS)
    contribution = next((item for item in _site_errors(lambda: moderation.load(site_info)) if item.id == id), None)
    if contribution is None:
        _refuse("content/contributions", "Id:", id, "aucune contribution n'a cet identifiant",
                "copiez-le depuis invoke contributions.list --status redacted")
    _redacted_and_committed(contribution, id)
    versions = publishing.erasure.contribution_versions(ROOT, site_info.contributions_root, id)
    settings = read_settings(str(PRODUCTION_SETTINGS))
    own_hosts = {h for h in (urlsplit(settings.get("SITEURL") or "").hostname,
                             urlsplit((settings.get("COMMUNITY") or {}).get("intake_url") or "").hostname) if h}
    traces = publishing.traces.Traces.of_versions(versions, own_hosts)
    if not traces.items:
        _refuse(Path(contribution.path).relative_to(ROOT).as_posix(), "historique", id,
                "aucune version de cette contribution dans l'historique du dépôt ne porte de texte ni d'auteur : "
                "il n'y a rien à rechercher", "lancez l'effacement depuis un clone complet du dépôt privé "
                "(git fetch --all ; en CI : fetch-depth: 0)")
    client = _deploy_target(target, remote, bucket, endpoint_url, prefix)
    with tempfile.TemporaryDirectory(prefix="erase-") as tmp:
        site = _production_site(Path(tmp))
        scanner, shown = publishing.traces.Scanner(traces).split_shown(
            (site.relative(path), path.read_bytes()) for path in site.files())
        quoted = sorted({name for trace, names in shown.items() if trace.kind == "citation" for name in names})
        if quoted:
            _refuse(quoted[0], "texte", f"{len(quoted)} fichier(s) : {', '.join(quoted[:5])}",
                    "le texte retiré se lit encore dans le site construit (une citation copiée dans un article, "
                    "une page ou une autre contribution)", "retirez-le de la source de ces pages, enregistrez, "
                    "fusionnez, puis relancez l'effacement")
        _print_shown(shown)
        if not scanner:
            _refuse(Path(contribution.path).relative_to(ROOT).as_posix(), "historique", id,
                    "tout ce que la contribution contenait se lit encore ailleurs sur le site : rien ne la "
                    "distingue dans l'historique public", "vérifiez les pages citées ci-dessus")
        print(f"Traces recherchées : {len(scanner.traces.items)} (nom, adresses, passages et mots rares de "
              f"{len(versions)} version(s) du fichier dans l'historique privé).")
        erasure = publishing.erasure
        if target == "git":
            source = publishing.gitpages.source_commit(ROOT)
            action = functools.partial(erasure.erase_git, site, remote, branch, scanner, source)
        else:
            action = functools.partial(erasure.erase_s3, site, bucket, prefix, client, scanner)
        try:
            done = publishing.pipeline.publish(site, action)
        except publishing.pipeline.GatesFailed as exc:
            raise Exit(f"Effacement arrêté : {exc}. Rien n'a été modifié dans ce qui est public. Chaque ligne "
                       "ci-dessus nomme la page, la règle et la correction.", code=1) from None
        except publishing.pipeline.DeployError as exc:
            raise Exit(f"Effacement arrêté : {exc}", code=1) from None
    if target == "git":
        _print_git_erasure(done, remote)
        remaining = erasure.verify_git(remote, scanner)
        checked = f"tous les objets accessibles depuis chaque référence de {remote}"
    else:
        summary, deleted = done
        print(f"Site publié : {summary} ; {len(deleted)} ancienne(s) version(s) supprimée(s) du seau.")
        remaining = erasure.verify_s3(client, bucket, prefix, scanner)
        checked = f"chaque objet (et chaque version conservée) de s3://{bucket}/{prefix}"
    if remaining:
        lines = [f"  - {item}" for item in remaining[:erasure.MAX_LINES]]
        more = len(remaining) - erasure.MAX_LINES
        raise Exit("Vérification échouée : des traces de la contribution restent publiques :\n" + "\n".join(lines)
                   + (f"\n  … et {more} autre(s)" if more > 0 else "") + "\nCorrection : une référence que ce "
                   "programme ne peut pas réécrire (refs/pull/… d'une demande de fusion sur le dépôt public) : "
                   "supprimez-la chez l'hébergeur ; sinon relancez l'effacement.", code=1)
    print(f"Vérifié : {checked} ont été lus (décompressés) ; aucune trace de {id} n'y reste.")


def _print_shown(shown):
    """Say which values the new build still shows elsewhere, and so are not looked for."""
    for kind in ("nom", "adresse"):
        names = sorted({name for trace, where in shown.items() if trace.kind == kind for name in where})
        if names:
            label = _publishing().traces.LABELS[kind]
            print(f"Note : {label} se lit encore ailleurs sur le site ({len(names)} fichier(s), dont "
                  f"{', '.join(names[:3])}) : une autre contribution publiée, par exemple ; ce n'est pas une trace "
                  "de celle-ci seule, il n'est pas recherché.")
    common = sum(1 for trace in shown if trace.kind in ("texte", "mot"))
    if common:
        print(f"Note : {common} passage(s) ou mot(s) du texte se lisent aussi ailleurs sur le site (des formules "
              "courantes) : ils ne servent pas à reconnaître la contribution.")


def _print_git_erasure(done, remote):
    """What the rewrite changed, and what a hosted repository still keeps."""
    if not done.rewritten:
        print(f"{remote} : rien à réécrire, le site publié est déjà celui-ci.")
        return
    for ref, (old, new) in sorted(done.rewritten.items()):
        print(f"  {ref} : {old[:12] or '(absente)'} -> {new[:12] or '(supprimée)'}")
    print(f"{len(done.dropped)} publication(s) retirée(s) de l'historique public : "
          f"{' '.join(sha[:12] for sha in done.dropped) or '(aucune)'}.")
    if done.pruned:
        print(f"{remote} est sur cette machine : ces commits ont aussi été effacés du disque (git gc).")
    elif done.dropped:
        print("Un hébergeur (GitHub) garde ces commits, lisibles par leur seul identifiant, jusqu'à son propre "
              "nettoyage : demandez-le à son support avec cette liste (README, « Erasure »).")


# --- approval to deployed: the publish's steps, timed --------------------------------------------


@task(name="bench-publish", help={"runs": "Approvals to time, each one published (default 3).",
                                  "tests": "Also time the test suite once: the step a publish skips when CI "
                                           "already passed on the same tree."})
def bench_publish(c, runs=3, tests=False):
    """Print the time from a moderator's approval to the page deployed, step by step (medians and ranges)."""
    if int(runs) < 1:
        raise Exit("--runs: give at least 1", code=2)
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import bench_publish as publish_bench

    print(publish_bench.report(publish_bench.run(int(runs), bool(tests))))


# --- on time: from an article's date to its page online (publish.yml's quarter-hour run) ----------


@task(name="bench-on-time", help={"runs": "Scheduled articles to time, each one published (default 2)."})
def bench_on_time(c, runs=2):
    """Print the time from an article's date to its page online, with the scheduled publish's steps."""
    if int(runs) < 1:
        raise Exit("--runs: give at least 1", code=2)
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import bench_ontime

    print(bench_ontime.report(bench_ontime.run(int(runs))))


# --- the intake service (intake/: the contribution form and webmentions) ------------------


def _intake_config():
    """The intake's config from the INTAKE_* variables, or a clean exit naming the bad one."""
    from intake.config import from_env

    return _site_errors(from_env)


@task(name="serve", help={"port": "Port to listen on (default 8001).",
                          "bind": "Address to listen on (default 127.0.0.1; behind a reverse proxy, keep it).",
                          "threads": "Worker threads of the server (default 8)."})
def intake_serve(c, port=8001, bind="127.0.0.1", threads=8):
    """Run the intake service (its WSGI app under waitress), configured by the INTAKE_* variables."""
    import logging

    from waitress import serve as waitress_serve

    from intake.app import create_app

    import signal

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(_intake_config())
    print(f"Intake listening on http://{bind}:{port}/ (README, \"Running the intake\"); Ctrl-C stops it.")

    def stop(signum, frame):
        # A service manager's stop (SIGTERM) ends like Ctrl-C: the workers finish the message in hand.
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        # X-Forwarded-For reaches the app, which trusts it only per INTAKE_PROXY_HOPS.
        waitress_serve(app, host=bind, port=int(port), threads=int(threads), ident="intake",
                       clear_untrusted_proxy_headers=False)
    finally:
        app.workers.stop()


@task(name="status")
def intake_status(c):
    """Show the intake's queue: submissions not pushed yet, pull requests and e-mails waiting, their errors, and
    the followers' messages (queued, held for a digest, sent in the last hour, refused)."""
    from intake.service import Intake

    for line in Intake(_intake_config()).status_lines():
        print(line)


@task(name="secret")
def intake_secret(c):
    """Print a new random value for INTAKE_SECRET."""
    import secrets

    print(secrets.token_urlsafe(48))


# --- the desk (issue 27): Decap CMS's local server over the working copy, beside the live preview ---

@task(help={"port": "Port of the live preview and of the desk's page (default 8000).",
            "backend_port": "Port of the CMS's local server (default: a free one).",
            "bind": "Address of the live preview (default 127.0.0.1).",
            "sync": "First make local review branches of the remote's pending contributions (default yes)."})
def desk(c, port=8000, backend_port=0, bind="127.0.0.1", sync=True):
    """The desk in the browser: http://127.0.0.1:8000/admin/ (write, review, moderate) beside the live preview."""
    from blogcore.errors import SiteError
    from desk import localserver

    try:
        branch = localserver.current_branch(ROOT)
        localserver.refuse_unsaved_changes(ROOT)
        if sync:
            for created in localserver.pending_from_remote(ROOT):
                print(f"desk: pending contribution {created} is in review")
        localserver.refresh_reviews(ROOT, branch)
        backend_port = int(backend_port) or localserver.free_port()
        server = localserver.start(ROOT, backend_port)
    except SiteError as exc:
        raise Exit(str(exc), code=2)
    refresher = localserver.Refresher(ROOT, branch)
    refresher.start()
    os.environ["DESK_LOCAL_URL"] = f"http://127.0.0.1:{backend_port}/api/v1"
    os.environ["DESK_BRANCH"] = branch
    print(f"desk: http://{bind}:{port}/admin/ (publishing merges into '{branch}'); preview: http://{bind}:{port}/")
    try:
        livereload(c, port=port, bind=bind)
    finally:
        refresher.stop()
        localserver.stop(server)


# --- the intake's benchmark (issue 26: a slow webmention source against the real service) ---------------
@task(name="bench", help={"interval": "Seconds between two bytes of the slow source (default 2).",
                          "timeout": "INTAKE_WEBMENTION_TIMEOUT for the run (default 5, the default setting).",
                          "rounds": "Rounds per worker count (default 3)."})
def intake_bench(c, interval=2.0, timeout=5.0, rounds=3):
    """Time a good webmention posted behind a slow source, through the real service on 127.0.0.1 (prints figures)."""
    if float(interval) <= 0 or float(timeout) <= 0 or int(rounds) < 1:
        raise Exit("--interval and --timeout: give seconds above 0; --rounds: at least 1", code=2)
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_intake

    print(bench_intake.report(bench_intake.run(float(interval), float(timeout), int(rounds))))


# --- following by e-mail (issue 30): the figures of the loopback run ------------------------------------
@task(name="bench-mail", help={"subscribers": "Confirmed followers of the whole site (default 10000).",
                               "sent": "Messages actually sent through the loopback server (default 2000)."})
def intake_bench_mail(c, subscribers=10000, sent=2000):
    """Messages per minute through a loopback SMTP server, the intake's memory with N followers, and the time
    from a publish to the last message sent (prints figures)."""
    if int(subscribers) < 1 or not 1 <= int(sent) <= int(subscribers):
        raise Exit("--subscribers: at least 1; --sent: between 1 and --subscribers", code=2)
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_follow

    print(bench_follow.report(bench_follow.run(int(subscribers), int(sent))))


feeds = Collection("feeds")
feeds.add_task(feeds_ping)

contributions = Collection("contributions")
for _task in (contributions_add, contributions_list, contributions_approve, contributions_reject,
              contributions_redact, contributions_import, contributions_erase):
    contributions.add_task(_task)

namespace = Collection(build, serve, livereload, preview, clean, new, check, test, bench, publish, desk,
                       bench_publish, bench_on_time)
namespace.add_task(bench_preview)
namespace.add_collection(contributions)
namespace.add_collection(feeds)
intake = Collection("intake")
for _task in (intake_serve, intake_status, intake_secret, intake_bench, intake_bench_mail):
    intake.add_task(_task)
namespace.add_collection(intake)


# --- reader pages: the favicon and touch icons, made from the logo --------------------


@task(help={"logo": "The logo to draw them from (default: theme/static/images/logo.svg)."})
def icons(c, logo=str(ROOT / "theme" / "static" / "images" / "logo.svg")):
    """Make the favicon and touch icons in theme/static/icons/ from the site's logo (commit them).

    Needs Debian's chromium and Playwright (scripts/setup --test); a build never runs this.
    """
    logo_path = Path(logo)
    if not logo_path.is_file():
        raise Exit(f"{logo}: Logo = absent: no such file. Fix: give the path of an SVG logo (--logo).")
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    if str(ROOT / "plugins") not in sys.path:
        sys.path.insert(0, str(ROOT / "plugins"))
    from publishing import browser as harness
    from reading import icons as reading_icons

    try:
        with harness.browser() as chromium:
            written = reading_icons.make(logo_path, ROOT / "theme" / "static" / "icons", chromium)
    except harness.BrowserUnavailable as exc:
        raise Exit(f"chromium: {exc}. Fix: run scripts/setup --test") from None
    for path in written:
        print(path.relative_to(ROOT))


namespace.add_task(icons)

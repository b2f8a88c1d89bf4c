"""Drive the desk (issue 27) in chromium as a writer and a moderator do, and measure it.

Used by the end-to-end tests (tests/test_desk_browser.py) and, as a benchmark, by
``python scripts/deskdrive.py [--pending 20]``, which prints the figures: the time
for a writer to publish a new article through the desk (form opened to page in the
live preview), the time for a moderator to handle N pending contributions (each
opened, decided, saved, marked ready and published, until the preview shows the
last decision), and the bytes the desk's page loads.

Everything is real: a copy of the project in a git repository of its own with a
bare "team repository" as its remote, pending contributions pushed there on the
intake's branches (``cms/contributions/<article>/<id>``), ``invoke desk`` (Decap's
local server in git mode beside the live preview), Debian's chromium.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "plugins", ROOT / "scripts"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

PARIS = ZoneInfo("Europe/Paris")
COPIED = ("tasks.py", "pelicanconf.py", "publishconf.py", ".gitignore", "plugins", "theme", "scripts", "content")


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` (its output, stripped); fails loudly."""
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def free_port() -> int:
    """A free port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_repository(where: Path, pending: int = 0, article: str = "citoyens") -> tuple[Path, list[str]]:
    """A working copy of the project with a bare remote holding `pending` contributions on the intake's branches."""
    from community import store
    from community.model import Contribution

    repo, remote = where / "site", where / "team.git"
    repo.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, repo / name)
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    git(repo, "init", "-q", "-b", "main")
    (repo / ".git" / "info" / "exclude").write_text("node_modules\n", encoding="utf-8")
    git(repo, "config", "user.name", "Alice Martin")
    git(repo, "config", "user.email", "alice@example.org")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The site")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    idents = []
    for number in range(pending):
        ident = f"c-desk{number:04d}"
        branch = f"cms/contributions/{article}/{ident}"
        contribution = Contribution(
            id=ident, article=article, author=f"Lectrice {number + 1}",
            date=dt.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS) + dt.timedelta(minutes=number),
            body=f"Contribution numéro {number + 1} : merci pour ce texte, il m'a fait réfléchir.",
            source="Formulaire de contribution du site", status="pending")
        git(repo, "switch", "-q", "-c", branch, "main")
        path = store.write(repo / "content" / "contributions", contribution)
        git(repo, "add", str(path))
        git(repo, "commit", "-q", "-m", f"Contribution {ident} sur {article}, en attente de modération")
        git(repo, "push", "-q", "origin", branch)
        git(repo, "switch", "-q", "main")
        git(repo, "branch", "-q", "-D", branch)
        idents.append(ident)
    return repo, idents


class Desk:
    """`invoke desk` running in a working copy (stopped by stop(), which ends its preview and server too)."""

    def __init__(self, repo: Path):
        self.repo = repo
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = repo.parent / "desk.log"
        command = [sys.executable, "-m", "invoke", "desk", "--port", str(self.port),
                   "--backend-port", str(free_port())]
        self.process = subprocess.Popen(command, cwd=repo, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        wait_for(lambda: fetch(self.base + "/admin/desk.json") and fetch(self.base + "/"), 120,
                 lambda: "the desk did not start:\n" + self.log.read_text(encoding="utf-8"))

    def settled(self) -> bool:
        """Every review branch holds the published branch's newest commit (invoke desk refreshes them)."""
        head = git(self.repo, "rev-parse", "main")
        branches = git(self.repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/cms/").split()
        return all(subprocess.run(["git", "merge-base", "--is-ancestor", head, b], cwd=self.repo).returncode == 0
                   for b in branches)

    def settle(self) -> None:
        """Wait until the reviews are up to date after a publish (half a second at most: a person is slower)."""
        wait_for(self.settled, 30, "the review branches were not refreshed")

    def stop(self) -> None:
        """SIGTERM: the task stops the preview and Decap's server before it ends."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def fetch(url: str) -> str | None:
    """The text at `url`, or None."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(condition, seconds: float, message) -> None:
    """Poll `condition` until it holds; AssertionError with `message()` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message() if callable(message) else message)


def open_desk(page, base: str) -> None:
    """Open the desk and sign in to the local server (no password: it answers this machine only)."""
    page.goto(base + "/admin/")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Articles", exact=True).first.wait_for()


def leave_editor(page, base: str) -> None:
    """Back to the workflow board, as a person does between two entries (the editor then loads the next one afresh)."""
    page.goto(base + "/admin/#/workflow")
    page.get_by_text("Flux éditorial", exact=True).wait_for()


def choose(page, label: str, text: str) -> None:
    """Pick an option of a list field by typing its first letters."""
    page.get_by_label(label, exact=True).click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def tip(repo: Path, branch: str) -> str | None:
    """The commit a branch points to, or None."""
    result = subprocess.run(["git", "rev-parse", "--verify", "-q", f"refs/heads/{branch}"], cwd=repo,
                            capture_output=True, text=True)
    return result.stdout.strip() or None


def publish_entry(page, repo: Path, branch: str) -> None:
    """Ready, then "Publier maintenant" (confirmation accepted): once the entry's branch is merged and gone."""
    page.get_by_text("Enregistrer", exact=True).wait_for()
    page.locator("text=/^Statut: /").click()
    page.get_by_text("Prêt", exact=True).click()
    page.get_by_text("Statut: Prêt", exact=True).wait_for()
    page.get_by_text("Statut de l'entrée mis à jour").last.wait_for()
    page.get_by_text("Publier", exact=True).click()
    page.get_by_text("Publier maintenant", exact=True).click()
    # The toast « Entrée publiée » of the previous entry may still be on screen: ask git.
    wait_for(lambda: tip(repo, branch) is None, 30, f"{branch} was not published")


def save(page, repo: Path, branch: str) -> None:
    """"Enregistrer": once the entry is committed on its review branch."""
    before = tip(repo, branch)
    page.get_by_role("button", name="Enregistrer").click()
    wait_for(lambda: tip(repo, branch) not in (None, before), 30, f"{branch} was not saved")


def write_article(page, base: str, repo: Path, title: str, slug: str, author: str, category: str, body: str) -> None:
    """Create an article through the form, save it, and publish it."""
    leave_editor(page, base)
    page.goto(base + "/admin/#/collections/articles/new")
    page.get_by_label("Titre", exact=True).fill(title)
    page.get_by_label("Adresse (slug)", exact=True).fill(slug)
    now = dt.datetime.now(PARIS) - dt.timedelta(hours=1)
    page.locator("input[type=datetime-local]").first.fill(now.strftime("%Y-%m-%dT%H:%M:00"))
    choose(page, "Auteur", author)
    choose(page, "Catégorie", category)
    page.get_by_label("Étiquettes (optionnel)", exact=True).fill("écoute, communautés")
    page.get_by_label("Résumé (une ou deux phrases, montrées dans les listes et les flux) (optionnel)",
                      exact=True).fill("Un texte écrit dans la rédaction en ligne.")
    page.locator(".desk-body textarea").fill(body)
    save(page, repo, f"cms/articles/{slug}")
    publish_entry(page, repo, f"cms/articles/{slug}")


def moderate(page, base: str, repo: Path, article: str, ident: str, action: str, reason: str = "",
             moderator: str = "Alice Martin") -> None:
    """One decision on a pending contribution: decide, save, publish (the merge publishes it)."""
    leave_editor(page, base)
    page.goto(f"{base}/admin/#/collections/contributions/entries/{article}/{ident}")
    page.locator("input[name=desk-moderator]").wait_for()
    if page.locator("input[name=desk-moderator]").input_value() != moderator:
        page.locator("input[name=desk-moderator]").fill(moderator)
    if reason:
        page.locator("input[name=desk-reason]").fill(reason)
    page.locator(f"button[name={ {'approved': 'approve', 'rejected': 'reject', 'redacted': 'redact'}[action]}]").click()
    page.locator(".desk-chosen").wait_for()
    branch = f"cms/contributions/{article}/{ident}"
    save(page, repo, branch)
    publish_entry(page, repo, branch)


def admin_bytes(browser, base: str) -> tuple[int, int, int]:
    """(requests, bytes, gzip bytes) the desk's page loads until its sign-in screen."""
    page = browser.new_page()
    sizes = []

    def record(response):
        try:
            sizes.append(response.body())
        except Exception:  # a redirect or an aborted request has no body
            pass
    page.on("response", record)
    page.goto(base + "/admin/")
    page.get_by_role("button", name="Se connecter").wait_for()
    page.wait_for_load_state("networkidle")
    page.close()
    return len(sizes), sum(len(s) for s in sizes), sum(len(gzip.compress(s, 6)) for s in sizes)


def run(pending: int, work: Path) -> dict:
    """Measure the desk on a fresh repository: figures as a dict."""
    from publishing.browser import browser

    repo, idents = make_repository(work, pending)
    desk = Desk(repo)
    figures = {}
    try:
        with browser() as chromium:
            figures["admin_requests"], figures["admin_bytes"], figures["admin_gzip_bytes"] = admin_bytes(chromium, desk.base)
            page = chromium.new_page(viewport={"width": 1400, "height": 1000})
            try:
                page.on("dialog", lambda dialog: dialog.accept())
                open_desk(page, desk.base)
                start = time.monotonic()
                write_article(page, desk.base, repo, "Une marque qui écoute", "une-marque-qui-ecoute", "Yves Duron",
                              "Strat", "Premier paragraphe, écrit dans le navigateur.\n")
                desk.settle()
                wait_for(lambda: "Une marque qui écoute" in (fetch(desk.base + "/une-marque-qui-ecoute/") or ""), 120,
                         "the new article never reached the preview")
                figures["writer_seconds"] = time.monotonic() - start
                start = time.monotonic()
                for number, ident in enumerate(idents):
                    action = "rejected" if number % 4 == 3 else "approved"
                    moderate(page, desk.base, repo, "citoyens", ident, action, reason="hors sujet" if action == "rejected" else "")
                    desk.settle()
                last = idents[-2] if len(idents) % 4 == 0 else idents[-1]
                wait_for(lambda: f"contribution-{last}" in (fetch(desk.base + "/citoyens/") or ""), 180,
                         "the last approval never reached the preview")
                figures["moderator_seconds"] = time.monotonic() - start
                figures["pending"] = pending
            except Exception:
                page.screenshot(path=str(work / "failure.png"))  # what the desk showed when it went wrong
                raise
    finally:
        desk.stop()
    return figures


def main() -> None:
    """Print the desk's figures."""
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pending", type=int, default=20, help="pending contributions to moderate (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as work:
        figures = run(args.pending, Path(work))
    print(f"desk page: {figures['admin_requests']} requests, {figures['admin_bytes'] / 1e6:.2f} MB "
          f"({figures['admin_gzip_bytes'] / 1e6:.2f} MB gzip-compressed, as a static host serves it)")
    print(f"writer: new article from the empty form to its page in the preview: {figures['writer_seconds']:.1f} s")
    print(f"moderator: {figures['pending']} pending contributions decided and published: "
          f"{figures['moderator_seconds']:.1f} s ({figures['moderator_seconds'] / figures['pending']:.1f} s each)")


if __name__ == "__main__":
    main()

"""Real parts for following by e-mail (issue 30): a loopback SMTP server, the published site over HTTP, the intake.

- :func:`smtp_loopback`: aiosmtpd's SMTP protocol on 127.0.0.1 (port picked
  by the OS), recording each message with its envelope recipients; it can
  refuse addresses (550) and be slowed down;
- :class:`Published`: a folder served over HTTP on 127.0.0.1 (port 0) that a
  test "publishes" a built site into;
- :func:`build`: a real Pelican build of the fixture site for that address,
  the form pointing at the intake;
- :func:`intake_front`: a waitress server on 127.0.0.1 (port 0) whose app a
  test sets (each test its own data folder).

Used by tests/test_follow_email.py and scripts/bench_follow.py.
"""

from __future__ import annotations

import asyncio
import email
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

from conftest import FIXTURE_SITE, ROOT, run_pelican

NEW_ARTICLE = """Title: Troisième article, écrit avec un partenaire
Slug: troisieme
Date: 2021-08-01 10:00:00+02:00
Author: Camille Témoin
Category: Essais
Tags: conversation
Summary: Un article publié après l’abonnement des lecteurs.
Lang: fr
Feed_id: tag:marques-communautes.github.io,2021-08-01:a1b2c3d4
Partnership: collaboration
Sponsor: Maison Exemple
Sponsor_url: https://www.maison-exemple.fr/
{correction}
Un texte neuf sur la conversation avec les lecteurs.
"""
CORRECTION = "Correction: 2021-08-03 09:00:00+02:00 | rectificatif | La date de l’atelier était fausse.\n"
MAIL_FROM = "Marques & communautés <suivre@courriel-test.fr>"


@dataclass
class Mailbox:
    """What the loopback SMTP server received: (recipients, message) pairs; addresses to refuse."""

    port: int = 0
    received: list = field(default_factory=list)
    refuse: set = field(default_factory=set)
    delay: float = 0.0
    keep: bool = True  # False: count the messages only (the benchmark: 10,000 parsed messages would weigh)
    counted: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list:
        """The messages received for one address."""
        with self.lock:
            return [m for rcpts, m in self.received if address in rcpts]

    def count(self) -> int:
        """How many messages were received."""
        with self.lock:
            return self.counted


@contextmanager
def smtp_loopback(delay: float = 0.0, keep: bool = True):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, port picked by the OS; yields its Mailbox."""
    from aiosmtpd.smtp import SMTP

    box = Mailbox(delay=delay, keep=keep)

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in box.refuse:
                return "550 5.1.1 no such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            if box.delay:
                await asyncio.sleep(box.delay)
            message = email.message_from_bytes(envelope.content, policy=policy.default) if box.keep else None
            with box.lock:
                box.counted += 1
                if box.keep:
                    box.received.append((tuple(envelope.rcpt_tos), message))
            return "250 OK"

    loop = asyncio.new_event_loop()
    # aiosmtpd's Controller checks readiness by connecting to its own port, which fails with port 0:
    # the same SMTP protocol, served by a loop of our own.
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(Handler()), "127.0.0.1", 0))
    box.port = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)


@dataclass
class Published:
    """A folder served on 127.0.0.1: what readers (and the intake) see as the site."""

    folder: Path
    url: str  # no trailing slash

    def publish(self, output: Path) -> None:
        """Put a built site online (replacing the previous one)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        shutil.copytree(output, self.folder)


@contextmanager
def published(tmp: Path):
    """An empty site served over HTTP on 127.0.0.1 (port 0)."""
    from browser import serve_directory

    folder = tmp / "www"
    folder.mkdir(parents=True, exist_ok=True)
    with serve_directory(folder) as url:
        yield Published(folder, url.rstrip("/"))


def site_versions(tmp: Path) -> dict[str, Path]:
    """Content folders: v1 the fixture site; v2 adds an article with a partner and edits another (no
    correction); v3 corrects the new article."""
    versions = {}
    for name in ("v1", "v2", "v3"):
        content = tmp / f"content-{name}"
        shutil.copytree(FIXTURE_SITE / "content", content)
        if name != "v1":
            (content / "articles" / "troisieme.md").write_text(
                NEW_ARTICLE.format(correction=CORRECTION if name == "v3" else ""), encoding="utf-8")
            first = content / "articles" / "premier-article.md"
            first.write_text(first.read_text(encoding="utf-8") + "\nUne phrase ajoutée, sans correction.\n",
                             encoding="utf-8")
        versions[name] = content
    return versions


def build(content: Path, output: Path, site_url: str, intake_url: str) -> Path:
    """A real production build of `content` for that address (the form posting to `intake_url`, or none)."""
    result = run_pelican(content, output, "publishconf.py", env={"SITEURL": site_url, "INTAKE_URL": intake_url},
                         overrides={"SEARCH": {"enabled": False}})
    assert result.returncode == 0, result.log
    return output


def environment(data_dir: Path, site_url: str, public_url: str, smtp_port: int, **extra) -> dict:
    """INTAKE_* variables for a test intake that follows the published site (no git remote is needed)."""
    from intake_support import environment as base

    env = base(data_dir, data_dir.parent / "no-remote.git", public_url, site_url=site_url, smtp_host="127.0.0.1",
               smtp_port=smtp_port, smtp_security="none", mail_from=MAIL_FROM, **extra)
    return env


@dataclass
class Front:
    """An intake's address on 127.0.0.1; a test sets its app."""

    url: str
    holder: dict

    def serve(self, app) -> None:
        """Answer with this app from now on."""
        self.holder["app"] = app


@contextmanager
def intake_front():
    """waitress on 127.0.0.1 (port 0) in front of whichever intake app a test gives it."""
    from intake_support import waitress_front

    with waitress_front() as (url, holder):
        yield Front(url, holder)


def make_intake(data_dir: Path, site: str, front_url: str, smtp_port: int, **extra):
    """The intake's app for this data folder, background threads not started (the test drives the rounds)."""
    from intake.app import create_app
    from intake.config import from_env

    return create_app(from_env(environment(data_dir, site, front_url, smtp_port, **extra)), start=False)


__all__ = ["ROOT", "Mailbox", "Published", "build", "environment", "intake_front", "make_intake", "published",
           "site_versions", "smtp_loopback"]

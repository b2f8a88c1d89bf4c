"""Following by e-mail (issue 30), end to end with real parts.

The site is built by Pelican and served over HTTP on 127.0.0.1; the intake
reads its published feeds from there (never from a repository) and sends
through a real SMTP server on loopback (aiosmtpd); readers subscribe through
the intake's HTTP front, and chromium fills the form with JavaScript off and
on. A restart in the middle of 200 messages runs the real `invoke
intake.serve` in a subprocess, stopped by SIGTERM as a service manager does.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from types import SimpleNamespace

import pytest

from conftest import ROOT
from follow_support import build, environment, intake_front, make_intake, published, site_versions, smtp_loopback
from intake_support import wait_for

SITE_FEED = "flux/site.atom.xml"
CATEGORY_FEED = "flux/categorie/essais.atom.xml"
NEW_TITLE = "[Publicité] Troisième article, écrit avec un partenaire"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One loopback SMTP server, one published site's address, one intake front, three real builds."""
    tmp = tmp_path_factory.mktemp("follow")
    with smtp_loopback() as box, published(tmp) as site, intake_front() as front:
        versions = site_versions(tmp)
        builds = {name: build(content, tmp / f"build-{name}", site.url, front.url)
                  for name, content in versions.items()}
        yield SimpleNamespace(box=box, site=site, front=front, builds=builds)


def fresh(world, tmp_path, **settings):
    """A new intake (its own data folder) behind the front, the site at its first version, the mailbox empty."""
    world.site.publish(world.builds["v1"])
    with world.box.lock:
        world.box.received.clear()
        world.box.counted = 0
    world.box.refuse.clear()
    app = make_intake(tmp_path / "data", world.site.url, world.front.url, world.box.port, **settings)
    world.front.serve(app)
    return app


def post(url: str, fields: dict, headers: dict | None = None) -> tuple[int, str]:
    """A form POST; (status, body)."""
    request = urllib.request.Request(url, urllib.parse.urlencode(fields).encode(), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def get(url: str) -> tuple[int, str]:
    """A GET; (status, body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def subscribe(world, address: str, flux: str = SITE_FEED, rythme: str = "chaque") -> int:
    return post(world.front.url + "courriel/suivre", {"courriel": address, "flux": flux, "rythme": rythme})[0]


def run_jobs(app) -> None:
    """Run the queued confirmation e-mails (what the mail worker does)."""
    while True:
        job = app.intake.db.claim(("follow_confirm",))
        if job is None:
            return
        app.intake.run(job)
        app.intake.db.finish(job)


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def link(message, path: str) -> str:
    match = re.search(r"(http://127\.0\.0\.1:\d+/" + re.escape(path) + r"\?i=[0-9a-f]+&s=[0-9a-f]+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def confirm(world, app, address: str, flux: str = SITE_FEED) -> None:
    """Subscribe and confirm as a reader does: the form, the e-mail's link, the button."""
    assert subscribe(world, address, flux) == 202
    run_jobs(app)
    message = [m for m in world.box.to(address) if m["Subject"].startswith("Confirmez")][-1]
    url = link(message, "courriel/suivre/confirmer")
    ident = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["i"][0]
    status, page = get(url)
    assert status == 200 and "Confirmer" in page
    assert app.intake.follow.subscription(ident)["confirmed_at"] is None  # opening the link confirms nothing
    query = urllib.parse.urlsplit(url).query
    assert post(url.split("?")[0], dict(urllib.parse.parse_qsl(query)))[0] == 200


def deliver(app) -> int:
    """One round after a publish: read the feeds, send what is due."""
    app.intake.follow.scan()
    sent = 0
    while True:
        count = app.intake.sender.send_due()
        if not count:
            return sent
        sent += count


def subjects(world, address: str) -> list[str]:
    return [m["Subject"] for m in world.box.to(address)]


@pytest.mark.build
def test_without_an_intake_the_site_has_no_trace_of_the_form(fixture_production):
    assert "INTAKE_URL" not in os.environ
    for page in fixture_production.output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "follow-email" not in html and "courriel/suivre" not in html and "Recevoir par e-mail" not in html, page


@pytest.mark.build
def test_the_transparence_page_says_what_is_kept_and_for_how_long(site_production):
    from intake.config import VARIABLES

    page = site_production.page("transparence/index.html")
    section = page[page.index('id="suivre-par-e-mail"'):]
    section = section[:section.index("<h2")]
    days, refusals = VARIABLES["CONFIRM_DAYS"][0], VARIABLES["MAIL_MAX_REFUSALS"][0]
    assert f"effacée au bout de {days}" in section and {"3": "trois fois"}[refusals] in section
    assert "chiffrée" in section and "jamais dans le dépôt du site" in section and "pixel" in section


@pytest.mark.build
def test_followers_get_each_new_entry_once_and_a_correction_only_if_they_received_it(world, tmp_path):
    app = fresh(world, tmp_path)
    confirm(world, app, "alice@exemple.fr")
    confirm(world, app, "bob@exemple.fr")
    confirm(world, app, "bob@exemple.fr", CATEGORY_FEED)  # the same address, a second scope with the same article
    assert subscribe(world, "carole@exemple.fr", SITE_FEED, "semaine") == 202
    run_jobs(app)
    carole = link(world.box.to("carole@exemple.fr")[-1], "courriel/suivre/confirmer")
    assert post(carole.split("?")[0], dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(carole).query)))[0] == 200
    assert subscribe(world, "dan@exemple.fr") == 202  # never confirms
    assert subscribe(world, "dan@exemple.fr") == 202  # asked twice: one message (nobody fills an inbox so)
    run_jobs(app)
    assert len(world.box.to("dan@exemple.fr")) == 1
    assert all(s.startswith("Confirmez") for s in (m["Subject"] for _, m in world.box.received))
    before = world.box.count()

    assert deliver(app) == 0  # the first reading of each feed is its baseline: nothing old is sent
    # Published, but the new article's page is not online yet (a deploy in progress): nobody is told.
    world.site.publish(world.builds["v2"])
    page = world.site.folder / "troisieme"
    page.rename(tmp_path / "not-yet-online")
    assert deliver(app) == 0 and world.box.count() == before
    (tmp_path / "not-yet-online").rename(page)
    assert deliver(app) == 2

    (alice,) = [m for m in world.box.to("alice@exemple.fr") if not m["Subject"].startswith("Confirmez")]
    assert alice["Subject"] == NEW_TITLE
    text, html = text_of(alice), html_of(alice)
    assert "Publicité — collaboration commerciale avec Maison Exemple" in text  # the disclosure, as in the feed
    assert "Un texte neuf sur la conversation avec les lecteurs." in text
    assert f"{world.site.url}/troisieme/" in text and f'href="{world.site.url}/troisieme/"' in html
    assert "<img" not in html and "<script" not in html
    assert alice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<http://127\.0\.0\.1:\d+/courriel/suivre/un-clic\?i=[0-9a-f]+&s=[0-9a-f]+>",
                        alice["List-Unsubscribe"])
    assert "courriel/suivre/effacer?i=" in text and "courriel/suivre/effacer?i=" in html
    assert subjects(world, "bob@exemple.fr").count(NEW_TITLE) == 1  # two scopes, one message
    assert NEW_TITLE not in subjects(world, "carole@exemple.fr")  # weekly: held for the digest
    assert NEW_TITLE not in subjects(world, "dan@exemple.fr")  # never confirmed: nothing
    assert not any("Premier" in s for _, m in world.box.received for s in [m["Subject"]])  # an edit is not news

    # A restart (a new process on the same data), a retry and a second reading send nothing again.
    app = make_intake(tmp_path / "data", world.site.url, world.front.url, world.box.port)
    world.front.serve(app)
    assert deliver(app) == 0 and deliver(app) == 0
    confirm(world, app, "eve@exemple.fr")  # follows from now on: the article came before her

    world.site.publish(world.builds["v3"])  # the new article is corrected
    assert deliver(app) == 2
    for who in ("alice@exemple.fr", "bob@exemple.fr"):
        corrections = [m for m in world.box.to(who) if m["Subject"] == f"Correction : {NEW_TITLE}"]
        assert len(corrections) == 1
        assert "Correction du 2021-08-03" in text_of(corrections[0])
    for who in ("carole@exemple.fr", "dan@exemple.fr", "eve@exemple.fr"):
        assert not any(s.startswith("Correction") for s in subjects(world, who))

    # Carole's week is over: one digest, with the corrected text.
    assert app.intake.follow.bundle_digests(now=time.time() + 8 * 86400) == 1
    assert deliver(app) == 1
    (digest,) = [m for m in world.box.to("carole@exemple.fr") if not m["Subject"].startswith("Confirmez")]
    assert digest["Subject"].startswith("1 nouvelle(s) publication(s)")
    assert "Troisième article" in text_of(digest) and "Publicité — collaboration commerciale" in text_of(digest)
    assert app.intake.follow.bundle_digests(now=time.time() + 16 * 86400) == 0
    # Dan never confirmed: deleted once CONFIRM_DAYS are over, the followers kept.
    assert app.intake.follow.purge(now=time.time() + 8 * 86400) == 1
    assert len(app.intake.follow.scopes()) == 2 and "Following by e-mail: 5 confirmed subscription(s), 0 waiting" \
        in "\n".join(app.intake.status_lines())
    assert Counter(m["Message-ID"] for _, m in world.box.received).most_common(1)[0][1] == 1


@pytest.mark.build
def test_leaving_deletes_the_address_at_once_and_forged_links_delete_nothing(world, tmp_path):
    app = fresh(world, tmp_path)
    confirm(world, app, "alice@exemple.fr")
    confirm(world, app, "alice@exemple.fr", CATEGORY_FEED)
    confirm(world, app, "bob@exemple.fr")
    world.site.publish(world.builds["v2"])
    assert deliver(app) == 2
    for path in app.intake.cfg.data_dir.glob("intake.sqlite3*"):  # kept encrypted: never in the clear
        assert b"alice@exemple.fr" not in path.read_bytes()

    (alice,) = [m for m in world.box.to("alice@exemple.fr") if m["Subject"] == NEW_TITLE]
    (bob,) = [m for m in world.box.to("bob@exemple.fr") if m["Subject"] == NEW_TITLE]
    leave_alice, leave_bob = link(alice, "courriel/suivre/effacer"), link(bob, "courriel/suivre/effacer")
    ident_bob = urllib.parse.parse_qs(urllib.parse.urlsplit(leave_bob).query)["i"][0]
    sig_alice = urllib.parse.parse_qs(urllib.parse.urlsplit(leave_alice).query)["s"][0]
    confirm_bob = link([m for m in world.box.to("bob@exemple.fr") if m["Subject"].startswith("Confirmez")][0],
                       "courriel/suivre/confirmer")
    base = world.front.url + "courriel/suivre/"
    forged = [leave_bob[:-1] + ("0" if leave_bob[-1] != "0" else "1"),  # one digit changed
              f"{base}effacer?i={ident_bob}&s={sig_alice}",  # someone else's signature
              f"{base}effacer?i={ident_bob}&s=",  # none
              f"{base}effacer?" + urllib.parse.urlsplit(confirm_bob).query,  # the confirmation's signature
              f"{base}un-clic?i={ident_bob}&s={'0' * 32}"]
    for url in forged:
        assert get(url)[0] == 400, url
        assert post(url.split("?")[0], dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)))[0] == 400
    assert len(app.intake.follow.scopes()) == 2 and app.intake.follow.subscription(ident_bob) is not None

    # One click (RFC 8058): a GET of the header's address changes nothing, its POST deletes.
    one_click = alice["List-Unsubscribe"].strip("<>")
    status, page = get(one_click)
    assert status == 200 and "Effacer mon adresse" in page
    status, _ = post(one_click, {"List-Unsubscribe": "One-Click"})
    assert status == 200
    # The link in the message: deleted at once, on GET.
    assert get(leave_bob)[0] == 200
    with sqlite3.connect(app.intake.cfg.database) as db:
        assert db.execute("SELECT COUNT(*) FROM follow_subscriptions").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM follow_deliveries").fetchone()[0] == 0
    world.site.publish(world.builds["v3"])
    assert deliver(app) == 0


@pytest.mark.build
def test_attacks_header_injection_two_confirmations_at_once_and_an_entity_bomb(world, tmp_path):
    app = fresh(world, tmp_path)
    bad = [{"courriel": "a@exemple.fr\r\nBcc: victime@exemple.fr", "flux": SITE_FEED},
           {"courriel": "a@exemple.fr>\nBcc: victime@exemple.fr", "flux": SITE_FEED},
           {"courriel": "a@exemple.fr, victime@exemple.fr", "flux": SITE_FEED},
           {"courriel": "a@exemple.fr", "flux": SITE_FEED + "\r\nBcc: victime@exemple.fr"},
           {"courriel": "a@exemple.fr", "flux": "../../../etc/passwd"},
           {"courriel": "a@exemple.fr", "flux": "http://127.0.0.1:1/flux/site.atom.xml"},
           {"courriel": "a@exemple.fr", "flux": SITE_FEED, "rythme": "chaque\r\nX: y"}]
    for fields in bad:
        status, page = post(world.front.url + "courriel/suivre", fields)
        assert status == 422 and "Abonnement non enregistré" in page, fields
    assert app.intake.follow.scopes() == [] and app.intake.db.jobs() == []

    # Two confirmations at once: both answered, one subscription, one message per entry.
    assert subscribe(world, "alice@exemple.fr") == 202
    run_jobs(app)
    url = link(world.box.to("alice@exemple.fr")[-1], "courriel/suivre/confirmer")
    fields = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    start, answers = threading.Barrier(4), []

    def click():
        start.wait()
        answers.append(post(url.split("?")[0], fields)[0])

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 4
    assert deliver(app) == 0
    world.site.publish(world.builds["v2"])
    assert deliver(app) == 1 and subjects(world, "alice@exemple.fr").count(NEW_TITLE) == 1

    # The published feed replaced by an entity bomb: refused before it expands; nothing sent, the operator told.
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
            + ']>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>&j;</title><entry><id>x</id><title>&j;</title>'
              '<link href="' + world.site.url + '/troisieme/"/><updated>2030-01-01T00:00:00Z</updated></entry></feed>')
    (world.site.folder / SITE_FEED).write_text(bomb, encoding="utf-8")
    assert deliver(app) == 0
    assert any(f"feed {SITE_FEED} not read" in line and "DTD" in line for line in app.intake.status_lines())


@pytest.mark.build
def test_a_mail_server_down_delays_the_hourly_limit_holds_and_a_refused_address_stops(world, tmp_path):
    app = fresh(world, tmp_path)
    follow = app.intake.follow
    readers = [f"lecteur{n}@exemple.fr" for n in range(6)]
    for address in readers:  # subscribed and confirmed (the form is tested above)
        follow.confirm(follow.subscribe(address, SITE_FEED, "Tout le site", "chaque").ident)
    world.box.refuse.add(readers[-1])
    assert deliver(app) == 0
    world.site.publish(world.builds["v2"])

    def intake(**settings):  # the same data folder, other settings (a restart with a new configuration)
        return make_intake(tmp_path / "data", world.site.url, world.front.url, world.box.port, **settings)

    with socket.socket() as closed:  # a port nobody listens on: the mail server is down
        closed.bind(("127.0.0.1", 0))
        down = make_intake(tmp_path / "data", world.site.url, world.front.url, closed.getsockname()[1])
        assert deliver(down) == 0
    status = "\n".join(app.intake.status_lines())
    assert "6 queued" in status and "ConnectionRefusedError" in status
    time.sleep(0.5)  # INTAKE_RETRY_SECONDS of the tests
    limited = intake(mail_per_hour=3)
    assert deliver(limited) == 3 and world.box.count() == 3
    status = subprocess.run([sys.executable, "-m", "invoke", "intake.status"], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, **environment(tmp_path / "data", world.site.url,
                                                                        world.front.url, world.box.port,
                                                                        mail_per_hour=3)})
    assert status.returncode == 0, status.stderr
    assert "3 queued" in status.stdout and "3 sent (3 in the last hour; limit 3)" in status.stdout
    assert deliver(limited) == 0

    generous = intake(mail_per_hour=100, mail_max_refusals=1)
    assert deliver(generous) == 2  # the refused address is not counted
    assert world.box.count() == 5 and world.box.to(readers[-1]) == []
    with sqlite3.connect(app.intake.cfg.database) as db:  # refused once (INTAKE_MAIL_MAX_REFUSALS=1): deleted
        assert db.execute("SELECT COUNT(DISTINCT email_hash) FROM follow_subscriptions").fetchone()[0] == 5
        assert db.execute("SELECT COUNT(*) FROM follow_deliveries WHERE state != 'sent'").fetchone()[0] == 0


@pytest.mark.build
def test_a_restart_in_the_middle_of_200_messages_sends_each_one_exactly_once(world, tmp_path):
    app = fresh(world, tmp_path, mail_per_hour=100000)
    follow = app.intake.follow
    readers = [f"lecteur{n:03d}@exemple.fr" for n in range(200)]
    follow.subscribe_many([(address, SITE_FEED, "Tout le site", "chaque") for address in readers], confirmed=True)
    assert deliver(app) == 0  # the baseline
    world.site.publish(world.builds["v2"])
    world.box.delay = 0.005
    env = {**os.environ, **environment(tmp_path / "data", world.site.url, world.front.url, world.box.port,
                                       mail_per_hour=100000, poll_seconds=0.5)}

    def serve():
        return subprocess.Popen([sys.executable, "-m", "invoke", "intake.serve", "--port", "0"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    try:
        first = serve()
        wait_for(lambda: world.box.count() >= 40, 120, message="the first messages")
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0  # stopped as asked: the message in hand finished, not killed
        stopped_at = world.box.count()
        assert stopped_at < 200
        second = serve()
        wait_for(lambda: world.box.count() >= 200, 180, message="all 200 messages")
        time.sleep(1.0)  # anything sent twice would arrive now
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
    finally:
        world.box.delay = 0.0
        for process in [p for p in (locals().get("first"), locals().get("second")) if p is not None]:
            if process.poll() is None:
                process.kill()
    per_reader = Counter(rcpt for rcpts, m in world.box.received for rcpt in rcpts if m["Subject"] == NEW_TITLE)
    assert sorted(per_reader) == readers and set(per_reader.values()) == {1}, (stopped_at, per_reader.most_common(3))
    with sqlite3.connect(tmp_path / "data" / "intake.sqlite3") as db:
        assert dict(db.execute("SELECT state, COUNT(*) FROM follow_deliveries GROUP BY state")) == {"sent": 200}


@pytest.mark.build
@pytest.mark.browser
def test_the_form_subscribes_in_chromium_with_javascript_off_and_on(world, tmp_path):
    from browser import browser

    app = fresh(world, tmp_path)
    visits = [(False, "/suivre/", "alice@exemple.fr", CATEGORY_FEED, "semaine"),
              (True, "/premier-article/", "bob@exemple.fr", SITE_FEED, "chaque")]
    with browser() as chromium:
        for javascript, path, address, flux, rythme in visits:
            context = chromium.new_context(java_script_enabled=javascript)
            try:
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(world.site.url + path)
                section = page.locator("section.follow-email")
                assert section.locator("h2").inner_text() == "Recevoir par e-mail"
                page.fill("#suivre-courriel", address)
                page.select_option("#suivre-flux", flux)
                page.check(f"#suivre-rythme-{rythme}")
                with page.expect_navigation():
                    page.click("section.follow-email button[type=submit]")
                assert page.url == world.front.url + "courriel/suivre"
                assert page.locator("h1").inner_text() == "Vérifiez votre boîte aux lettres"
                assert errors == []  # the site's scripts leave the form alone
            finally:
                context.close()
    run_jobs(app)
    with sqlite3.connect(app.intake.cfg.database) as db:
        rows = sorted(db.execute("SELECT scope, rhythm, confirmed_at FROM follow_subscriptions"))
    assert rows == sorted([(CATEGORY_FEED, "semaine", None), (SITE_FEED, "chaque", None)])
    assert [m["Subject"] for _, m in world.box.received] and all(
        m["Subject"].startswith("Confirmez votre abonnement") for _, m in world.box.received)
    assert {r for rcpts, _ in world.box.received for r in rcpts} == {"alice@exemple.fr", "bob@exemple.fr"}

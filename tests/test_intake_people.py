"""The intake and the people behind contributions: e-mail (a real SMTP server on loopback), deletion requests,
trusted authors, webmentions verified against pages served by a second loopback server, the spam plug-in point.
"""

from __future__ import annotations

import email
import http.server
import re
import threading
import time
from contextlib import contextmanager
from email import policy


from intake_support import (  # noqa: F401 (remote, seeded: fixtures)
    ARTICLE, branches, contribution_path, git, loopback_server, pending_branch, receipt_of, remote, request, seeded,
    serve_intake, show, stand_in_forge, submit, wait_for,
)

ARTICLE_URL = f"https://marques-communautes.github.io/{ARTICLE}/"
ADDRESS = "lectrice.fidele@courriel-test.fr"


@contextmanager
def smtp_server():
    """aiosmtpd's SMTP server on 127.0.0.1 (port picked by the OS); yields (port, list of received messages)."""
    import asyncio

    from aiosmtpd.smtp import SMTP

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(email.message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    loop = asyncio.new_event_loop()
    # aiosmtpd's Controller checks readiness by connecting to its own port, which fails with port 0:
    # the same SMTP protocol, served by a loop of our own.
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(Handler()), "127.0.0.1", 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield server.sockets[0].getsockname()[1], received
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)


def mail_settings(port: int) -> dict:
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
            "mail_from": "Marques & communautés <contribuer@courriel-test.fr>"}


def link_in(message, path: str) -> str:
    match = re.search(r"(http://127\.0\.0\.1:\d+/" + re.escape(path) + r"\?c=[a-z0-9-]+&s=[0-9a-f]+)",
                      message.get_content())
    assert match, message.get_content()
    return match.group(1)


def publish(remote, tmp_path, change) -> None:
    """A moderator's merge: change files of main in a clone and push (change(work) edits the clone)."""
    work = tmp_path / f"moderator-{time.monotonic_ns()}"
    git(tmp_path, "clone", "-q", str(remote), str(work))
    change(work)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "moderation")
    git(work, "push", "-q", "origin", "HEAD:main")


def merge_branch(remote, tmp_path, branch: str, approve: str | None = None) -> None:
    """Merge a contribution branch into main, approving one id in it first (as a moderator does)."""
    def change(work):
        git(work, "merge", "-q", "--no-edit", f"origin/{branch}")
        if approve:
            path = work / contribution_path(approve)
            text = path.read_text(encoding="utf-8").replace("Status: pending\n", "Status: approved\n")
            path.write_text(text, encoding="utf-8")
    publish(remote, tmp_path, change)


def test_addresses_are_used_only_after_confirmation_and_forgotten_on_request(tmp_path, remote):
    with smtp_server() as (port, inbox), serve_intake(tmp_path, remote, **mail_settings(port)) as service:
        ident = receipt_of(submit(service, courriel=ADDRESS))
        wait_for(lambda: inbox, message="the confirmation e-mail")
        confirm = inbox[0]
        assert confirm["To"] == ADDRESS and "Confirmez votre adresse" in confirm["Subject"]
        assert f"Numéro de reçu : {ident}" in confirm.get_content()
        assert confirm["List-Unsubscribe"].startswith("<" + service.url + "courriel/desinscrire?c=" + ident)
        # Kept encrypted, never in git.
        wait_for(lambda: pending_branch(ident) in branches(remote))
        assert ADDRESS not in git(remote, "log", "-p", "--all")
        row = service.db.address(ident)
        assert ADDRESS.encode() not in bytes(row["sealed"]) and row["confirmed_at"] is None
        assert ADDRESS.encode() not in (tmp_path / "intake-data" / "intake.sqlite3").read_bytes()
        # Not confirmed yet: the contribution is published, and no notice goes out.
        merge_branch(remote, tmp_path, pending_branch(ident), approve=ident)
        service.intake.poll()
        time.sleep(0.5)
        assert len(inbox) == 1
        # Confirmed: the publication notice is sent once, on the next round.
        answer = request(link_in(confirm, "courriel/confirmer"))
        assert answer.status == 200 and "Adresse confirmée" in answer.text
        service.intake.poll()
        wait_for(lambda: len(inbox) == 2, message="the publication notice")
        assert inbox[1]["Subject"] == "Votre contribution est publiée"
        assert f"{ARTICLE_URL}#contribution-{ident}" in inbox[1].get_content()
        service.intake.poll()
        time.sleep(0.3)
        assert len(inbox) == 2
        # A reply is published: one more notice.
        reply = receipt_of(submit(service, nom="Dominique", texte="Je vous réponds.", reponse_a=ident))
        wait_for(lambda: pending_branch(reply) in branches(remote))
        merge_branch(remote, tmp_path, pending_branch(reply), approve=reply)
        service.intake.poll()
        wait_for(lambda: len(inbox) == 3, message="the reply notice")
        assert inbox[2]["Subject"] == "Une réponse à votre contribution"
        assert "Dominique a répondu" in inbox[2].get_content() and f"#contribution-{reply}" in inbox[2].get_content()
        # Unsubscribe: the address is deleted at once; nothing more is sent.
        answer = request(link_in(inbox[2], "courriel/desinscrire"), data={"List-Unsubscribe": "One-Click"})
        assert answer.status == 200 and "Adresse effacée" in answer.text
        assert service.db.address(ident) is None
        again = receipt_of(submit(service, nom="Dominique", texte="Une autre réponse.", reponse_a=ident))
        wait_for(lambda: pending_branch(again) in branches(remote))
        merge_branch(remote, tmp_path, pending_branch(again), approve=again)
        service.intake.poll()
        time.sleep(0.5)
        assert len(inbox) == 3
        assert "Lien expiré" in request(link_in(confirm, "courriel/confirmer")).text


def test_unconfirmed_addresses_are_deleted_after_their_period(tmp_path, remote):
    with smtp_server() as (port, inbox), serve_intake(tmp_path, remote, confirm_days=7, **mail_settings(port)) as service:
        ident = receipt_of(submit(service, courriel=ADDRESS))
        wait_for(lambda: inbox)
        row = service.db.address(ident)
        assert 6.9 * 86400 < row["expires"] - row["created"] <= 7 * 86400
        assert service.db.purge_addresses(now=time.time() + 6 * 86400) == 0
        assert service.db.purge_addresses(now=time.time() + 7 * 86400 + 1) == 1
        assert service.db.address(ident) is None
        assert "Lien expiré" in request(link_in(inbox[0], "courriel/confirmer")).text


def test_without_a_mail_server_no_address_is_kept(tmp_path, remote):
    with serve_intake(tmp_path, remote) as service:
        page = request(service.url + "contribution", {"article": ARTICLE, "nom": "Camille", "courriel": ADDRESS,
                                                      "type": "commentaire", "texte": "Bonjour.", "action": "apercu"})
        assert "votre adresse électronique ne sera pas conservée" in page.text
        assert "commentaire de Camille</h2>" in page.text  # the preview's heading: the site's one wording
        yves = request(service.url + "contribution", {"article": ARTICLE, "nom": "Yves", "type": "commentaire",
                                                      "texte": "Bonjour.", "action": "apercu"})
        assert "commentaire d’Yves</h2>" in yves.text
        ident = receipt_of(submit(service, courriel=ADDRESS))
        assert service.db.addresses() == []
        wait_for(lambda: pending_branch(ident) in branches(remote))
        assert "Author_email_hash: " in show(remote, pending_branch(ident), contribution_path(ident))


def test_a_deletion_request_becomes_a_redaction_for_review(tmp_path, remote):
    with stand_in_forge() as (api, recorder), \
            serve_intake(tmp_path, remote, github_repo="marques/site", github_token="t", github_api=api) as service:
        answer = submit(service, courriel=ADDRESS)
        ident = receipt_of(answer)
        wait_for(lambda: pending_branch(ident) in branches(remote))
        merge_branch(remote, tmp_path, pending_branch(ident), approve=ident)
        service.intake.refresh()
        key = re.search(r"cle=([0-9a-f]+)", answer.headers["location"]).group(1)
        link = f"{service.url}suppression?c={ident}&s={key}"
        page = request(link)
        assert page.status == 200 and "Confirmer la demande de suppression" in page.text
        assert "suppressions/" + ident not in branches(remote)  # opening the link changes nothing
        assert request(f"{service.url}suppression?c={ident}&s=0000").status == 400
        done = request(service.url + "suppression", {"c": ident, "s": key})
        assert done.status == 200 and "Demande de suppression enregistrée" in done.text
        wait_for(lambda: f"suppressions/{ident}" in branches(remote), message="the redaction branch")
        text = show(remote, f"suppressions/{ident}", contribution_path(ident))
        assert "Status: redacted\n" in text and "Camille" not in text and "Author_email_hash" not in text
        assert "Merci pour cet article" not in text and "Moderator: intake (demande de l'auteur)" in text
        assert "Status: approved\n" in show(remote, "main", contribution_path(ident))  # nothing merged by itself
        wait_for(lambda: any(r["json"].get("head") == f"suppressions/{ident}" for r in recorder.requests))


def test_a_trusted_author_is_approved_in_a_marked_pull_request_never_merged(tmp_path, remote):
    with smtp_server() as (port, inbox), stand_in_forge() as (api, recorder), \
            serve_intake(tmp_path, remote, trusted_after=1, github_repo="marques/site", github_token="t",
                         github_api=api, **mail_settings(port)) as service:
        first = receipt_of(submit(service, courriel=ADDRESS, texte="Ma première contribution."))
        wait_for(lambda: pending_branch(first) in branches(remote))
        merge_branch(remote, tmp_path, pending_branch(first), approve=first)
        service.intake.refresh()
        # An unconfirmed address is not enough: anyone can type someone's address.
        second = receipt_of(submit(service, courriel=ADDRESS.upper(), texte="Ma deuxième contribution."))
        wait_for(lambda: len(inbox) == 2 and pending_branch(second) in branches(remote))
        assert "Status: pending" in show(remote, pending_branch(second), contribution_path(second))
        assert request(link_in(inbox[1], "courriel/confirmer")).status == 200
        wait_for(lambda: "Status: approved" in (show(remote, pending_branch(second),
                                                      contribution_path(second)) or ""), message="the approval")
        text = show(remote, pending_branch(second), contribution_path(second))
        assert "Moderator: intake (auteur de confiance)" in text
        assert "Status: pending" in show(remote, pending_branch(second) + "~1", contribution_path(second))
        assert show(remote, "main", contribution_path(second)) is None  # never merged by the intake
        wait_for(lambda: any(r["json"].get("labels") == ["auteur de confiance"] for r in recorder.requests))
        titles = [r["json"]["title"] for r in recorder.requests if r["path"].endswith("/pulls")]
        assert any(t.startswith("[auteur de confiance]") for t in titles), titles


# --- webmentions -----------------------------------------------------------------------

SOURCE_PAGES = {
    "/billet": f"""<!DOCTYPE html><html><head><title>Mon billet</title></head><body>
<article class="h-entry"><a class="u-author h-card" href="https://blog.exemple.fr/">Alex Martin</a>
<time class="dt-published" datetime="2020-05-04T10:00:00+02:00">4 mai</time>
<div class="e-content"><p>J’ai lu <a href="{ARTICLE_URL}">ce billet</a> : *très* juste. <script>x</script></p></div>
</article></body></html>""",
    "/sans-lien": "<!DOCTYPE html><html><body><p>Rien à voir.</p></body></html>",
    "/redirige": None,
    "/grand": "<p>" + "x" * 5000 + f'<a href="{ARTICLE_URL}">lien</a></p>',
}


@contextmanager
def source_server():
    """A second loopback server: the pages that mention the article."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/redirige":
                self.send_response(301)
                self.send_header("Location", "/billet")
                self.end_headers()
                return
            body = SOURCE_PAGES.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    with loopback_server(Handler) as url:
        yield url


def test_webmentions_are_verified_then_recorded_like_a_submission(tmp_path, remote):
    with source_server() as origin, serve_intake(tmp_path, remote, allow_private_addresses=1,
                                                 webmention_max_bytes=4096, webmention_max_redirects=1) as service:
        def mention(source, target=ARTICLE_URL):
            return request(service.url + "webmention", {"source": source, "target": target})
        assert mention(origin + "/billet").status == 202
        assert mention(origin + "/billet").status == 202  # sent again: stored once
        assert mention(origin + "/redirige").status == 202  # followed (one redirect allowed)
        assert mention(origin + "/sans-lien").status == 202
        assert mention(origin + "/grand").status == 202
        assert mention(origin + "/billet", "https://marques-communautes.github.io/suivre/").status == 400
        assert mention("ftp://exemple.fr/x").status == 400
        assert mention(ARTICLE_URL).status == 400
        wait_for(lambda: not service.db.jobs(), message="every mention handled")
        refused = {j.payload["source"]: j.last_error for j in service.db.jobs(pending_only=False)
                   if j.kind == "webmention" and j.state == "refused"}
        assert "does not link" in refused[origin + "/sans-lien"]
        assert "MAX_BYTES" in refused[origin + "/grand"]
        subs = service.db.submissions()
        assert len(subs) == 2 and {s["kind"] for s in subs} == {"mention"}
        assert {s["text"].split("Source_url: ")[1].split("\n")[0] for s in subs} == {origin + "/billet",
                                                                                   origin + "/redirige"}
        ident = next(s["id"] for s in subs if "/billet\n" in s["text"])
        wait_for(lambda: pending_branch(ident) in branches(remote))
        text = show(remote, pending_branch(ident), contribution_path(ident))
        assert "Kind: mention\n" in text and "Status: pending\n" in text and "Author: Alex Martin\n" in text
        assert "Author_url: https://blog.exemple.fr/\n" in text and "Source: Webmention\n" in text
        assert f"Source_url: {origin}/billet\n" in text and "Date: 2020-05-04 10:00:00+02:00\n" in text
        assert r"\*très\*" in text and "<script>" not in text  # their text as text, no markup of theirs


def test_webmention_sources_on_private_addresses_are_refused_in_production(tmp_path, remote):
    with source_server() as origin, serve_intake(tmp_path, remote) as service:
        assert request(service.url + "webmention", {"source": origin + "/billet", "target": ARTICLE_URL}).status == 202
        wait_for(lambda: not service.db.jobs())
        job = [j for j in service.db.jobs(pending_only=False) if j.kind == "webmention"][0]
        assert job.state == "refused" and "private, loopback or reserved" in job.last_error
        assert service.db.submissions() == []


def refuse_everything(submission: dict) -> str | None:
    """A spam check plug-in for the test: refuses texts with "promo"."""
    return "Refusé par le filtre de test." if "promo" in submission["body"] else None


def test_a_third_party_spam_check_is_a_plug_in_off_by_default(tmp_path, remote):
    with serve_intake(tmp_path, remote) as service:
        assert submit(service, texte="Une promo ?").status == 303  # off: nothing outside is asked
    with serve_intake(tmp_path, remote, spam_check="test_intake_people:refuse_everything") as service:
        answer = submit(service, texte="Une autre promo ?")
        assert answer.status == 422 and "Refusé par le filtre de test." in answer.text
        assert receipt_of(submit(service, texte="Un vrai commentaire."))

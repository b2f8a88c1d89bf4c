"""The intake service with real parts: waitress on 127.0.0.1, a bare git repository as the remote.

What a reader and a moderator would notice: a form POST answers 303 to the
site's thank-you page with a receipt; the contribution arrives as a pending
file on its own branch of the remote, with the form as its source and no
e-mail address; refused posts get a French reason and create nothing; a
remote that refuses keeps the submission queued until it accepts; twenty
submissions at once give twenty branches; the same one twice is stored once.
"""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
import threading
import time

import pytest

from intake import spam, tokens

from intake_support import (  # noqa: F401 (remote, seeded: fixtures)
    ARTICLE, PUBLISHED, SECRET, branches, contribution_path, form_values, git, pending_branch, receipt_of, remote,
    request, seeded, serve_intake, show, stand_in_forge, submit, token_of, wait_for,
)

from conftest import ROOT


def pushed(service, ident: str, branch: str | None = None) -> str:
    """The contribution's file once its branch is on the remote."""
    branch = branch or pending_branch(ident)
    wait_for(lambda: branch in branches(service.remote), message=f"branch {branch}")
    return show(service.remote, branch, contribution_path(ident))


def test_a_submission_becomes_a_pending_file_on_its_own_branch(tmp_path, remote):
    with serve_intake(tmp_path, remote) as service:
        first = request(service.url + "contribution", form_values(courriel="Camille.Lectrice@Courriel-Test.fr"))
        assert first.status == 200
        assert "Relisez votre contribution" in first.text and "Envoyer" in first.text
        assert "<p>Merci pour cet article, il m’a fait réfléchir.</p>" in first.text  # the preview, as published
        # Sent back at once: refused, nothing created. (A token stamped "just now" by the clock: the real
        # page's token would also do, but a slow machine could take longer than the delay to send it back.)
        hurried = request(service.url + "contribution",
                          form_values(courriel="Camille.Lectrice@Courriel-Test.fr", action="envoyer",
                                      jeton=tokens.issue(SECRET.encode(), spam.TOKEN_PURPOSE, ARTICLE, time.time() + 60)))
        assert hurried.status == 422 and "Envoi trop rapide" in hurried.text
        time.sleep(0.35)
        answer = request(service.url + "contribution",
                         form_values(courriel="Camille.Lectrice@Courriel-Test.fr", jeton=token_of(first.text), action="envoyer"))
        ident = receipt_of(answer)
        assert answer.headers["location"].startswith(
            f"https://marques-communautes.github.io/contribuer/merci/?recu={ident}&cle=")
        assert answer.headers["location"].endswith(f"&retour=/{ARTICLE}/")  # the thank-you page links back to it
        text = pushed(service, ident)
        assert f"Id: {ident}\n" in text and f"Article: {ARTICLE}\n" in text and "Author: Camille\n" in text
        assert "Status: pending\n" in text and "Kind: comment\n" in text
        assert "Source: Formulaire de contribution du site Marques & communautés\n" in text
        expected = hmac.new(hmac.new(SECRET.encode(), b"intake:email-hash", hashlib.sha256).digest(),
                            b"camille.lectrice@courriel-test.fr", hashlib.sha256).hexdigest()
        assert f"Author_email_hash: {expected}\n" in text
        assert "Official" not in text
        history = git(remote, "log", "-p", "--all")
        assert "courriel-test" not in history.lower()
        # The receipt page (no JavaScript needed): the cookie set with the 303 opens it.
        cookie = answer.headers["set-cookie"].split(";")[0]
        receipt = request(service.url + "recu", headers={"Cookie": cookie})
        assert receipt.status == 200 and ident in receipt.text and "suppression?c=" + ident in receipt.text
        assert request(service.url + "recu").status == 404
        # The same POST again (the same confirmation token: the same sender): the same receipt, stored once.
        resent = request(service.url + "contribution",
                         form_values(courriel="Camille.Lectrice@Courriel-Test.fr", jeton=token_of(first.text), action="envoyer"))
        assert receipt_of(resent) == ident
        # A second identical submission through a new confirmation page: stored once, and it reveals nothing.
        again = submit(service, wait=2.05, courriel="Camille.Lectrice@Courriel-Test.fr")
        assert again.status == 200 and "Contribution déjà reçue" in again.text and ident not in again.text
        assert len(service.db.submissions()) == 1


def test_json_clients_get_the_token_then_a_receipt(tmp_path, remote):
    with serve_intake(tmp_path, remote) as service:
        json_headers = {"Accept": "application/json"}
        first = request(service.url + "contribution", form_values(), json_headers)
        assert first.status == 200 and first.json()["etape"] == "confirmation"
        time.sleep(0.35)
        answer = request(service.url + "contribution", form_values(jeton=first.json()["jeton"], action="envoyer"),
                         json_headers)
        assert answer.status == 202, answer.text
        data = answer.json()
        assert data["statut"] == "en attente de modération" and data["suppression"].startswith(service.url)
        assert pushed(service, data["recu"])
        bad = request(service.url + "contribution", form_values(nom=""), json_headers)
        assert bad.status == 422 and "nom" in bad.json()["erreurs"]


REFUSED = [
    ({"url": "http://spam.example/"}, 422, "champ caché"),
    ({"pseudo": "x"}, 400, "n'existe pas dans notre formulaire"),
    ({"texte": "Voyez https://a.example/ https://b.example/ et www.c.example"}, 422, "3 liens"),
    ({"texte": "Le meilleur CASINO en ligne !"}, 422, "expression refusée"),
    ({"nom": "Marques & communautés"}, 422, "celui de la marque"),
    ({"nom": "camille@example.org"}, 422, "adresse électronique"),
    ({"site": "javascript:alert(1)"}, 422, "adresse complète de votre site"),
    ({"nom": ""}, 422, "Indiquez votre nom"),
    ({"texte": "   "}, 422, "Écrivez le texte"),
    ({"article": "pas-un-article"}, 422, "Cet article n’existe pas"),
    ({"reponse_a": "c-inconnue"}, 422, "n’existe pas, ou n’est pas publiée"),
    ({"type": "mention"}, 422, "Choisissez le type"),
    ({"texte": "x" * 20001}, 422, "trop long"),
    ({"nom": "N" * 81}, 422, "trop long"),
]


@pytest.mark.parametrize("change,status,words", REFUSED, ids=[next(iter(c)) + "-" + w[:12] for c, _, w in REFUSED])
def test_refused_posts_say_why_in_french_and_create_nothing(tmp_path, remote, change, status, words, refusal_service):
    service = refusal_service
    before = len(service.db.jobs(pending_only=False))
    answer = request(service.url + "contribution", form_values(**change))
    assert answer.status == status, answer.text[:2000]
    assert words.replace("'", "’") in answer.text.replace("&#39;", "’").replace("'", "’"), answer.text[:3000]
    assert '<html lang="fr">' in answer.text
    assert len(service.db.jobs(pending_only=False)) == before
    assert service.db.submissions() == []


@pytest.fixture(scope="module")
def refusal_service(seeded, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("refusals")
    copy = tmp / "remote.git"
    subprocess.run(["cp", "-a", str(seeded), str(copy)], check=True)
    with serve_intake(tmp, copy) as service:
        yield service


def test_block_lists_are_files_of_the_published_branch(tmp_path, remote):
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(remote), str(work))
    (work / "intake" / "blocklists" / "domains.txt").write_text("spam.example\n", encoding="utf-8")
    (work / "intake" / "blocklists" / "authors.txt").write_text("Robot Vendeur\n", encoding="utf-8")
    git(work, "commit", "-qam", "block lists")
    git(work, "push", "-q", "origin", "main")
    with serve_intake(tmp_path, remote) as service:
        for change, words in (({"site": "https://www.SPAM.example/offre"}, "www.spam.example"),
                              ({"courriel": "x@spam.example"}, "spam.example"),
                              ({"nom": "ROBOT  vendeur"}, "nom d’auteur n’est pas accepté")):
            answer = request(service.url + "contribution", form_values(**change))
            assert answer.status == 422 and words in answer.text.replace("&#39;", "’").replace("'", "’"), answer.text
        assert request(service.url + "contribution", form_values(site="https://example.org/")).status == 200


def test_tokens_are_bound_to_the_article_and_expire(tmp_path, remote):
    with serve_intake(tmp_path, remote, token_max_age=61) as service:
        page = request(service.url + "contribution", form_values()).text
        time.sleep(0.35)
        other = request(service.url + "contribution", form_values(article="citoyens", jeton=token_of(page),
                                                                  action="envoyer"))
        assert other.status == 422 and "concerne un autre article" in other.text
        forged = request(service.url + "contribution", form_values(jeton=token_of(page)[:-2] + "00", action="envoyer"))
        assert forged.status == 422 and "pas été envoyé depuis notre page de confirmation" in forged.text
        from intake import spam
        old = spam.issue_token(service.intake.cfg, ARTICLE, time.time() - 62)
        expired = request(service.url + "contribution", form_values(jeton=old, action="envoyer"))
        assert expired.status == 422 and "a expiré" in expired.text
        assert "Merci pour cet article" in expired.text  # the text is kept for the reader
        assert service.db.submissions() == []


def test_rate_limits_count_networks_not_addresses(tmp_path, remote):
    with serve_intake(tmp_path, remote, rate_limit="2/3600", proxy_hops=1) as service:
        def from_(address, n):
            return submit(service, headers={"X-Forwarded-For": address}, texte=f"Contribution numéro {n}.")
        assert from_("203.0.113.5", 1).status == 303
        assert from_("203.0.113.77", 2).status == 303  # same /24
        third = from_("203.0.113.200", 3)
        assert third.status == 429 and "Trop d’envois" in third.text and third.headers["retry-after"] == "3600"
        assert from_("198.51.100.9", 4).status == 303  # another network
        assert from_("2001:db8:1:aaaa::1", 5).status == 303
        assert from_("2001:db8:1:bbbb::2", 6).status == 303  # same /48
        assert from_("2001:db8:1:cccc::3", 7).status == 429
        assert len(service.db.submissions()) == 5
        with service.db.connect() as db:
            networks = {row[0] for row in db.execute("SELECT network FROM hits")}
        assert networks == {"203.0.113.0/24", "198.51.100.0/24", "2001:db8:1::/48"}  # no address is kept


def test_twenty_at_once_give_twenty_branches_none_lost(tmp_path, remote):
    with serve_intake(tmp_path, remote, rate_limit="100/3600") as service:
        answers = [None] * 20

        def send(n):
            answers[n] = submit(service, nom=f"Lecteur {n}", texte=f"Contribution simultanée numéro {n}.")
        threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ids = [receipt_of(answer) for answer in answers]
        assert len(set(ids)) == 20
        wait_for(lambda: all(pending_branch(i) in branches(remote) for i in ids), 120, message="20 branches")
        for n, ident in enumerate(ids):
            assert f"Contribution simultanée numéro {n}." in show(remote, pending_branch(ident),
                                                                  contribution_path(ident))
        # The same author and text again (twice at once): no new branch.
        again = [None, None]
        pair = [threading.Thread(target=lambda k=k: again.__setitem__(k, submit(
            service, nom="Lecteur 3", texte="Contribution simultanée numéro 3."))) for k in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
        assert [a.status for a in again] == [200, 200] and all("déjà reçue" in a.text for a in again)
        assert not any(ids[3] in a.text for a in again)  # someone else's receipt is never shown
        assert len(service.db.submissions()) == 20


def test_a_refused_push_stays_queued_and_is_retried(tmp_path, remote):
    hook = remote / "hooks" / "pre-receive"
    flag = tmp_path / "refuse"
    flag.write_text("1")
    hook.write_text(f"#!/bin/sh\nif [ -e {flag} ]; then echo 'refusé pour le test' >&2; exit 1; fi\n", encoding="utf-8")
    hook.chmod(0o755)
    env = {k: v for k, v in __import__("os").environ.items()}
    with serve_intake(tmp_path, remote, retry_seconds=0.3, retry_max_seconds=0.6) as service:
        ident = receipt_of(submit(service))
        wait_for(lambda: any(j.attempts >= 2 for j in service.db.jobs()), message="two failed tries")
        assert pending_branch(ident) not in branches(remote)
        data_dir = tmp_path / "intake-data"
        status = subprocess.run(
            [sys.executable, "-m", "invoke", "intake.status"], cwd=ROOT, capture_output=True, text=True,
            encoding="utf-8",
            env={**env, **service_environment(service, data_dir)})
        assert status.returncode == 0, status.stderr
        assert "1 job(s) waiting" in status.stdout and f"commit       {ident}" in status.stdout
        assert "refusé pour le test" in status.stdout
        flag.unlink()
        assert "Status: pending" in pushed(service, ident)
        wait_for(lambda: not service.db.jobs(), message="an empty queue")


def service_environment(service, data_dir) -> dict:
    from intake_support import environment
    return environment(data_dir, service.remote, service.url)


def test_digest_mode_puts_a_day_on_one_branch(tmp_path, remote):
    with serve_intake(tmp_path, remote, digest=1) as service:
        first = receipt_of(submit(service, texte="Première du jour."))
        second = receipt_of(submit(service, texte="Deuxième du jour."))
        day = time.strftime("%Y-%m-%d", time.localtime())  # the site's zone is Paris; the machine's may differ
        wait_for(lambda: len(service.db.jobs()) == 0, message="both pushed")
        names = [b for b in branches(remote) if b.startswith("contributions/")]
        assert len(names) == 1 and names[0].startswith("contributions/2"), names
        assert show(remote, names[0], contribution_path(first)) and show(remote, names[0], contribution_path(second))
        assert git(remote, "rev-list", "--count", f"main..{names[0]}") == "2"
        del day


def test_pull_requests_through_a_stand_in_forge(tmp_path, remote):
    with stand_in_forge() as (api, recorder):
        recorder.answers.append((502, {"message": "Bad gateway"}))  # the forge fails once: retried
        with serve_intake(tmp_path, remote, github_repo="marques/site", github_token="jeton-secret",
                          github_api=api) as service:
            ident = receipt_of(submit(service))
            wait_for(lambda: len(recorder.requests) >= 3, message="pull request and labels")
            wait_for(lambda: not service.db.jobs(), message="an empty queue")
        first, second, labels = recorder.requests[:3]
        assert first["path"] == second["path"] == "/repos/marques/site/pulls"
        assert second["headers"]["Authorization"] == "Bearer jeton-secret"
        assert second["json"]["head"] == pending_branch(ident) and second["json"]["base"] == "main"
        assert ident in second["json"]["title"] and "invoke contributions.approve" in second["json"]["body"]
        assert labels["path"] == "/repos/marques/site/issues/7/labels"
        assert labels["json"] == {"labels": ["contribution à modérer", "decap-cms/pending_review"]}
    assert pending_branch(ident) in branches(remote)


def test_the_published_contribution_can_be_answered(tmp_path, remote):
    with serve_intake(tmp_path, remote) as service:
        page = request(service.url + f"contribution?article={ARTICLE}&reponse_a={PUBLISHED}")
        assert page.status == 200 and "Répondre à Emmanuel" in page.text
        assert f'name="reponse_a" value="{PUBLISHED}"' in page.text
        ident = receipt_of(submit(service, reponse_a=PUBLISHED))
        assert f"Reply_to: {PUBLISHED}\n" in pushed(service, ident)

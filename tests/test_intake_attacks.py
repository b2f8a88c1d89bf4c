"""The intake under attack (issue 26), through the real service: waitress on 127.0.0.1, a bare git remote,
the HTTP routes, a real SMTP server and source pages served on loopback, `invoke` tasks and a real build.

Each test is a case a hostile reader (or a hostile server) tried: someone else's receipt, a slow source,
impossible addresses, invisible and look-alike names, a token used twice, a health page that said too much.
"""

from __future__ import annotations

import http.server
import logging
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, copy_site, invoke, project_copy, run_pelican
from intake_support import (  # noqa: F401 (remote, seeded: fixtures)
    branches, contribution_path, environment, form_values, git, loopback_server, pending_branch, slow_source,
    receipt_of, remote, request, seeded, serve_intake, show, stand_in_forge, submit, token_of, wait_for,
)
from test_intake_people import ADDRESS, ARTICLE_URL, mail_settings, smtp_server

JSON = {"Accept": "application/json"}


def french(text: str) -> str:
    """A page's text with its apostrophes made alike."""
    return text.replace("&#39;", "’").replace("'", "’")


def no_traceback(caplog) -> None:
    """Nothing was logged with a traceback (waitress logs one for every 500)."""
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]


# --- 1. a receipt belongs to whoever sent the text ----------------------------------------------------------

def test_a_duplicate_from_someone_else_reveals_and_grants_nothing(tmp_path, remote):
    with serve_intake(tmp_path, remote) as service:
        first = request(service.url + "contribution", form_values(nom="Camille Martin"), JSON)
        time.sleep(0.35)
        sent = request(service.url + "contribution",
                       form_values(nom="Camille Martin", jeton=first.json()["jeton"], action="envoyer"), JSON)
        assert sent.status == 202
        ident, link = sent.json()["recu"], sent.json()["suppression"]
        # Someone else: the same article, name and text, with other case and spacing, through their own page.
        page = request(service.url + "contribution", form_values(nom="camille  MARTIN", texte=(
            "  Merci pour cet ARTICLE,   il m’a fait réfléchir. ")), JSON)
        time.sleep(0.35)
        copy = request(service.url + "contribution", form_values(nom="camille  MARTIN", texte=(
            "  Merci pour cet ARTICLE,   il m’a fait réfléchir. "), jeton=page.json()["jeton"], action="envoyer"), JSON)
        assert copy.status == 200 and copy.json()["deja_recue"] is True
        assert "recu" not in copy.json() and "suppression" not in copy.json()
        assert ident not in copy.text and link.split("s=")[1] not in copy.text
        # The same through a browser: no 303 to a thank-you page, no receipt cookie.
        browser = submit(service, nom="CAMILLE martin")
        assert browser.status == 200 and "Contribution déjà reçue" in browser.text
        assert "set-cookie" not in browser.headers and ident not in browser.text
        # The sender sending the same POST again (the same token): their own receipt, stored once.
        again = request(service.url + "contribution",
                        form_values(nom="Camille Martin", jeton=first.json()["jeton"], action="envoyer"), JSON)
        assert again.status == 202 and again.json()["recu"] == ident and again.json()["deja_recue"] is True
        assert len(service.db.submissions()) == 1


def test_a_deletion_request_is_reviewed_by_a_moderator_before_anything_is_erased(tmp_path, remote):
    with smtp_server() as (port, inbox), stand_in_forge() as (api, recorder), \
            serve_intake(tmp_path, remote, github_repo="marques/site", github_token="t", github_api=api,
                         **mail_settings(port)) as service:
        answer = request(service.url + "contribution", form_values(courriel=ADDRESS), JSON)
        time.sleep(0.35)
        sent = request(service.url + "contribution", form_values(courriel=ADDRESS, jeton=answer.json()["jeton"],
                                                                 action="envoyer"), JSON).json()
        ident = sent["recu"]
        wait_for(lambda: pending_branch(ident) in branches(remote) and inbox, message="branch and e-mail")
        own = branches(remote)[pending_branch(ident)]
        done = request(sent["suppression"], {})  # the receipt's link, confirmed (POST)
        assert done.status == 200 and "Un modérateur la vérifie" in done.text
        assert request(sent["suppression"], {}).status == 200  # twice: still one request
        wait_for(lambda: f"suppressions/{ident}" in branches(remote), message="the deletion request's branch")
        # Nothing erased: the submission's own branch is as it was, the address is kept.
        assert branches(remote)[pending_branch(ident)] == own
        assert "Status: pending" in show(remote, pending_branch(ident), contribution_path(ident))
        assert service.db.address(ident) is not None
        proposed = show(remote, f"suppressions/{ident}", contribution_path(ident))
        assert "Status: redacted\n" in proposed and "Merci pour cet article" not in proposed
        wait_for(lambda: any(r["json"].get("head") == f"suppressions/{ident}" for r in recorder.requests))
        asked = [r for r in recorder.requests if r["json"].get("head") == f"suppressions/{ident}"]
        assert len(asked) == 1 and "Rien n'est effacé avant votre fusion" in asked[0]["json"]["body"]
        wait_for(lambda: any(r["json"].get("labels") == ["suppression"] for r in recorder.requests))
        # The moderator merges the request: the address is deleted on the next round.
        work = tmp_path / "moderator"
        git(tmp_path, "clone", "-q", str(remote), str(work))
        git(work, "merge", "-q", "--no-edit", f"origin/suppressions/{ident}")
        git(work, "push", "-q", "origin", "HEAD:main")
        service.intake.poll()
        assert service.db.address(ident) is None
        assert "Status: redacted" in show(remote, "main", contribution_path(ident))


# --- 2. a slow source cannot stall the service -------------------------------------------------------------

def mention(service, source: str, target: str = ARTICLE_URL):
    return request(service.url + "webmention", {"source": source, "target": target})


def jobs_of(service, kind: str) -> list:
    return [j for j in service.db.jobs(pending_only=False) if j.kind == kind]


@pytest.mark.parametrize("path", ["/lent-corps", "/lent-entetes"])
def test_a_source_slower_than_the_deadline_is_cut_off_and_refused(tmp_path, remote, path):
    with slow_source() as (origin, record), serve_intake(tmp_path, remote, allow_private_addresses=1,
                                                         webmention_timeout=1) as service:
        assert mention(service, origin + path).status == 202
        wait_for(lambda: any(j.state == "refused" for j in jobs_of(service, "webmention")), 20,
                 message="the slow source refused")
        (job,) = jobs_of(service, "webmention")
        assert "too slow" in job.last_error and job.attempts == 1
        wait_for(lambda: record["cut"], 10, message="the intake to hang up")
        (_, started), (_, cut) = record["started"][0], record["cut"][0]
        assert cut - started < 10  # cut off by the intake, long before the source would have finished
        assert service.db.submissions() == []


def test_a_good_mention_and_e_mails_and_git_never_wait_behind_slow_sources(tmp_path, remote):
    with slow_source() as (origin, record), smtp_server() as (port, inbox), \
            serve_intake(tmp_path, remote, allow_private_addresses=1, webmention_timeout=12, webmention_workers=2,
                         **mail_settings(port)) as service:
        assert mention(service, origin + "/lent-corps").status == 202
        wait_for(lambda: record["started"], 10, message="the slow fetch to start")
        # While the slow source holds one webmention worker, a good mention is verified and recorded.
        assert mention(service, origin + "/bon").status == 202
        wait_for(lambda: service.db.submissions(), 10, message="the good mention")
        assert not record["cut"] and jobs_of(service, "webmention")[0].state == "running"
        # Every webmention worker held by a slow source: a submission is still pushed, its e-mail still sent.
        assert mention(service, origin + "/lent-corps?2").status == 202
        wait_for(lambda: len(record["started"]) == 2, 10, message="the second slow fetch to start")
        ident = receipt_of(submit(service, courriel=ADDRESS, texte="Pendant que les sources traînent."))
        wait_for(lambda: inbox and pending_branch(ident) in branches(remote), 10, message="e-mail and push")
        assert not record["cut"], "the slow sources were still being read"
        states = {j.payload["source"]: j.state for j in jobs_of(service, "webmention")}
        assert states[origin + "/lent-corps"] == states[origin + "/lent-corps?2"] == "running"
        wait_for(lambda: len(record["cut"]) == 2, 30, message="both slow sources cut off")


# --- 3 and 4. what can never succeed is refused once, never with a 500 --------------------------------------

IMPOSSIBLE = [
    ("http://" + "a" * 1990 + "/", "ne peut pas exister"),
    ("http://exemple.fr:99999/billet", "pas une adresse web valable"),
    ("http://a..b/", "ne peut pas exister"),
    ("https://" + "b" * 64 + ".fr/", "ne peut pas exister"),
    ("http://[zz]/", "pas une adresse web valable"),
    ("http://[::1", "pas une adresse web valable"),
    ("https://exemple.fr/un billet", "une espace"),
    ("https://exa\u200bmple.fr/", "caractère invisible"),
    ("https://banque.fr@exemple.fr/", "ni identifiant"),
    ("javascript:alert(1)", "commençant par https://"),
    ("", "L’adresse est vide"),
]


def test_impossible_addresses_get_a_french_400_at_the_door_and_nothing_is_queued(tmp_path, remote, caplog):
    caplog.set_level(logging.INFO)
    with serve_intake(tmp_path, remote) as service:
        for address, words in IMPOSSIBLE:
            for source, target in ((address, ARTICLE_URL), ("https://blog.exemple.fr/billet", address)):
                answer = mention(service, source, target)
                assert answer.status == 400 and words in answer.text, (source, target, answer.text)
                assert answer.text.startswith("source :" if source == address else "target :")
        assert jobs_of(service, "webmention") == []
        assert request(service.url + "webmention", [("source", "https://a.fr/"), ("source", "https://b.fr/"),
                                                    ("target", ARTICLE_URL)]).status == 400
    no_traceback(caplog)


def test_a_permanent_error_found_later_is_given_up_once_with_its_reason_for_the_status(tmp_path, remote):
    class Redirects(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", {"/port": "http://exemple.fr:99999/", "/vide": "http://a..b/",
                                          "/crochets": "http://[zz]/"}[self.path])
            self.end_headers()

    with loopback_server(Redirects) as origin, serve_intake(tmp_path, remote, allow_private_addresses=1) as service:
        for path in ("/port", "/vide", "/crochets"):
            assert mention(service, origin + path).status == 202
        wait_for(lambda: len([j for j in jobs_of(service, "webmention") if j.state == "refused"]) == 3, 20,
                 message="three refusals")
        assert all(j.attempts == 1 and "redirects to an address a browser cannot visit" in j.last_error
                   for j in jobs_of(service, "webmention"))
        status = subprocess.run([sys.executable, "-m", "invoke", "intake.status"], cwd=ROOT, capture_output=True,
                                text=True, encoding="utf-8",
                                env={**__import__("os").environ,
                                     **environment(tmp_path / "intake-data", remote, service.url)})
        assert status.returncode == 0, status.stderr
        assert "0 job(s) waiting" in status.stdout and "given up for good" in status.stdout
        assert status.stdout.count("redirects to an address a browser cannot visit") == 3
        assert origin + "/port" in status.stdout


@pytest.mark.parametrize("site, words", [
    ("http://[zz]/", "pas une adresse web valable"),
    ("http://[::1", "pas une adresse web valable"),
    ("https://exemple.fr:99999/", "pas une adresse web valable"),
    ("https://mon site.fr/", "une espace"),
    ("https://exemple.fr/a b", "une espace"),
    ("http://a..b/", "ne peut pas exister"),
    ("https://moi:secret@exemple.fr/", "ni identifiant"),
])
def test_a_bad_site_address_in_the_form_gets_a_french_422_never_a_500(tmp_path, remote, site, words, caplog,
                                                                        refusals):
    caplog.set_level(logging.INFO)
    service = refusals
    for headers in (None, JSON):
        answer = request(service.url + "contribution", form_values(site=site), headers)
        assert answer.status == 422 and words in french(answer.text), answer.text[:2000]
    assert service.db.submissions() == []
    no_traceback(caplog)


def test_the_site_address_is_kept_as_a_browser_reads_it(tmp_path, remote):
    with serve_intake(tmp_path, remote) as service:
        ident = receipt_of(submit(service, site="HTTPS://Blog.Exemple.FR/moi/../carnet"))
        wait_for(lambda: pending_branch(ident) in branches(remote))
        assert "Author_url: https://blog.exemple.fr/carnet\n" in show(remote, pending_branch(ident),
                                                                      contribution_path(ident))


@pytest.fixture(scope="module")
def refusals(seeded, tmp_path_factory):
    """One service for the refusals (they create nothing)."""
    tmp = tmp_path_factory.mktemp("attack-refusals")
    copy = tmp / "remote.git"
    subprocess.run(["cp", "-a", str(seeded), str(copy)], check=True)
    with serve_intake(tmp, copy) as service:
        yield service


# --- 5 and 6. a name is a name: the intake, the contribution files' tasks and the build -----------------------

INVISIBLE = ["\u200b\u200b", "\u2060\u200d", "\x07Bip", "Rouge\x1b[31m"]
BRAND_LIKE = ["Marques et communautés", "La_rédaction", "La.rédaction", "Marques & communautes officiel",
              "L'équipe éditoriale"]


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_without_visible_letters_or_with_control_characters_is_refused_in_french(name, refusals):
    answer = request(refusals.url + "contribution", form_values(nom=name))
    assert answer.status == 422 and "lettres visibles" in answer.text, answer.text[:2000]
    assert "\x07" not in answer.text and "\x1b" not in answer.text


@pytest.mark.parametrize("name", BRAND_LIKE)
def test_a_name_that_reads_as_the_brand_or_its_team_is_refused_in_french(name, refusals):
    answer = request(refusals.url + "contribution", form_values(nom=name))
    assert answer.status == 422 and "celui de la marque" in french(answer.text), answer.text[:2000]


def test_the_same_names_are_refused_by_the_contribution_tasks(tmp_path):
    project = project_copy(tmp_path)
    for name in INVISIBLE[2:] + BRAND_LIKE[:1]:
        result = invoke(project, "contributions.add", "--article", "second", "--author", name, "--date",
                        "2021-07-02T08:30:00+02:00", "--source", "forum", "--body", "Texte.")
        said = " ".join((result.stdout + result.stderr).split())
        assert result.returncode != 0 and "Author:" in said, said
    assert not list((project / "content" / "contributions" / "second").glob("c-*.md"))


@pytest.mark.build
def test_the_same_names_fail_the_build_naming_file_and_field(tmp_path):
    content = copy_site(tmp_path)
    folder = content / "contributions" / "second"
    for n, name in enumerate(["\x07Bip", "\u200b\u200b", "La_rédaction", "Marques et communautés officiel"]):
        (folder / f"intrus-{n}.md").write_text(
            f"Id: intrus-{n}\nArticle: second\nAuthor: {name}\nDate: 2021-07-02 08:30:00+02:00\n"
            "Status: approved\nSource: forum\n\nTexte.\n", encoding="utf-8")
    build = run_pelican(content, tmp_path / "out")
    assert build.returncode != 0
    for n in range(4):
        assert f"intrus-{n}.md" in build.log, build.log[-3000:]
    assert build.log.count("Author:") >= 4
    assert not (tmp_path / "out" / "second" / "index.html").exists()


def test_an_existing_readers_name_from_another_sender_is_marked_for_the_moderator(tmp_path, remote):
    with stand_in_forge() as (api, recorder), \
            serve_intake(tmp_path, remote, github_repo="marques/site", github_token="t", github_api=api) as service:
        marked = [receipt_of(submit(service, nom=name, texte=f"Je signe {name}.")) for name in
                  ("Emmanuel", "Yann Gourvennec")]
        # A new name, then the same name from the same address, then from another address.
        first = receipt_of(submit(service, nom="Zoé Nouvelle", courriel="zoe@courriel-test.fr", texte="Un."))
        same = receipt_of(submit(service, nom="ZOÉ nouvelle", courriel="Zoe@Courriel-Test.fr", texte="Deux."))
        other = receipt_of(submit(service, nom="Zoé Nouvelle", courriel="autre@courriel-test.fr", texte="Trois."))
        idents = marked + [first, same, other]
        wait_for(lambda: all(pending_branch(i) in branches(remote) for i in idents), 60)
        wait_for(lambda: len([r for r in recorder.requests if r["path"].endswith("/labels")]) == 5, 30,
                 message="five pull requests labelled")
        for ident in idents:
            message = git(remote, "log", "-1", "--format=%B", pending_branch(ident))
            pull = next(r["json"] for r in recorder.requests if r["json"].get("head") == pending_branch(ident))
            flagged = ident in marked + [other]
            assert ("Nom déjà utilisé par un autre lecteur" in message) is flagged, (ident, message)
            assert ("**À vérifier**" in pull["body"]) is flagged
        labels = [r["json"]["labels"] for r in recorder.requests if r["path"].endswith("/labels")]
        # Every submission is in the desk's review column; a marked one also says why.
        assert sorted(len(x) for x in labels) == [2, 2, 3, 3, 3]
        assert all(x[:2] == ["contribution à modérer", "decap-cms/pending_review"] for x in labels)
        assert all(x[2:] == ["nom déjà utilisé"] for x in labels if len(x) == 3)
        # Marked, not refused: the moderator decides (the returning reader may have no address).
        assert "Author: Emmanuel\n" in show(remote, pending_branch(marked[0]), contribution_path(marked[0]))


# --- 7. smaller promises ------------------------------------------------------------------------------------

def test_one_confirmation_token_serves_one_submission(tmp_path, remote):
    with serve_intake(tmp_path, remote) as service:
        page = request(service.url + "contribution", form_values())
        token = token_of(page.text)
        time.sleep(0.35)
        ident = receipt_of(request(service.url + "contribution", form_values(jeton=token, action="envoyer")))
        for changes in ({"texte": "Un tout autre texte."}, {"nom": "Quelqu’un d’autre"}, {"article": "citoyens"}):
            for spelled in (token, token + "0000"):
                answer = request(service.url + "contribution", form_values(**changes, jeton=spelled, action="envoyer"))
                assert answer.status == 422, answer.text[:2000]
                assert "a déjà servi" in answer.text or "concerne un autre article" in answer.text
        # Two at once with one token and two texts: one is stored.
        answers = [None, None]
        pair = [threading.Thread(target=lambda k=k: answers.__setitem__(k, request(
            service.url + "contribution", form_values(texte=f"Texte simultané {k}.", jeton=token_of(
                page2.text), action="envoyer")))) for k in range(2)]
        page2 = request(service.url + "contribution", form_values())
        time.sleep(0.35)
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
        assert sorted(a.status for a in answers) == [303, 422]
        assert len(service.db.submissions()) == 2 and ident in {s["id"] for s in service.db.submissions()}


def test_the_health_page_says_ok_or_not_and_the_details_go_to_the_operator(tmp_path, remote, caplog):
    caplog.set_level(logging.ERROR, logger="intake")
    with serve_intake(tmp_path, remote) as service:
        answer = request(service.url + "sante")
        assert answer.status == 200 and answer.json() == {"etat": "ok"}
    missing = tmp_path / "ailleurs.git"
    with serve_intake(tmp_path / "second", missing, ready=False) as service:
        wait_for(lambda: service.db.state("site_error"), 30, message="the failed read recorded")
        answer = request(service.url + "sante")
        assert answer.status == 503 and answer.json() == {"etat": "indisponible"}
        assert str(tmp_path) not in answer.text and "git" not in answer.text
        lines = "\n".join(service.intake.status_lines())
        assert "could not be read" in lines and "ailleurs.git" in lines
    assert any("ailleurs.git" in r.getMessage() for r in caplog.records)

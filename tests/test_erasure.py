"""`invoke contributions.erase`: after a redaction, no byte of the contribution in anything public.

On real git repositories: a private "team" repository (a copy of the project
with the real content, which passes every gate) where a reader's contribution
arrives on its own branch, is approved, merged and later redacted; a bare
"public" repository that receives real production builds (`gitpages.deploy`,
the publish's own code) before and after approval, then the erasure task.
The promise is checked from outside, by this file's own byte scan: every
object reachable from every ref of a fresh mirror of the public repository
(`git rev-list --objects --all`, `git cat-file`), gzip'd files decompressed
(Pagefind's fragments and index), file and folder names included.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from test_publish_git import SITE_URL, bare_repository, git, needs_gate_tools, publish_project, run_task
from test_publish_s3 import CREDENTIALS, aws_env, moto_endpoint  # noqa: F401 (fixtures)

from publishing import erasure, gitpages, s3, traces  # noqa: E402
from publishing.site import Site  # noqa: E402

pytestmark = pytest.mark.build

ARTICLE = "marketing-2-0-vu-par-yves-duron"
AUTHOR = "Quentin Quenouillard"
AUTHOR_URL = "https://quenouillard-carnet.example/notes/"
BODY = ("Les chaussettes zinzolines illuminent chaque comité de pilotage.\n\n"
        "Une proposition vraiment zorglubesque, à tester chez nous.")
# What this file looks for in the public repository's bytes: whole words, and the first letters of
# those Pagefind's index stores as stems.
ERASED = [b"quenouillard", b"quenouillar", b"quenouillard-carnet", b"zinzolines", b"zinzolin", b"zorglubesque",
          b"zorglubesqu", b"chaussettes zinzolines"]
PENDING = [b"plumeauxmagiques", b"paula attentiste"]
REJECTED = [b"grumpfdiscount"]


def public_bytes(remote: Path, tmp: Path) -> list[tuple[str, bytes]]:
    """(where, bytes) of every object reachable from every ref of a fresh mirror of `remote`,
    gzip'd content decompressed, plus every path name."""
    mirror = tmp / f"mirror-{len(list(tmp.glob('mirror-*')))}.git"
    git("clone", "-q", "--mirror", str(remote), str(mirror))
    listing = git("-C", str(mirror), "rev-list", "--objects", "--all").splitlines()
    found = [(f"path {line.split(' ', 1)[1]}", line.split(" ", 1)[1].encode()) for line in listing if " " in line]
    shas = [line.split()[0] for line in listing]
    batch = subprocess.run(["git", "-C", str(mirror), "cat-file", "--batch"], input=("\n".join(shas) + "\n").encode(),
                           capture_output=True, check=True).stdout
    position = 0
    for sha in shas:
        end = batch.index(b"\n", position)
        size = int(batch[position:end].split()[2])
        data = batch[end + 1:end + 1 + size]
        position = end + 2 + size
        while data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        found.append((sha, data))
    return found


def leaks(remote: Path, tmp: Path, needles: list[bytes]) -> set[bytes]:
    """The needles (case-insensitive) found anywhere in the public repository."""
    return {needle for _where, data in public_bytes(remote, tmp) for needle in needles if needle in data.lower()}


def where(remote: Path, tmp: Path, needle: bytes) -> set[str]:
    """Kinds of files holding a needle: html, pagefind fragment, pagefind index, path..."""
    kinds = set()
    listing = {}
    for line in git("-C", str(remote), "rev-list", "--objects", "--all").splitlines():
        sha, _, path = line.partition(" ")
        listing[sha] = path
    for name, data in public_bytes(remote, tmp):
        if needle in data.lower():
            path = name[5:] if name.startswith("path ") else listing.get(name, "")
            kinds.add("name" if name.startswith("path ") else
                      "pf_fragment" if path.endswith(".pf_fragment") else
                      "pf_index" if path.endswith(".pf_index") else path.rsplit(".", 1)[-1])
    return kinds


class Team:
    """The private team repository, and publishing from it to the public one."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.project = publish_project(tmp)
        git("-C", str(self.project), "branch", "-m", "main")
        self.public = bare_repository(tmp / "public.git")
        self.builds = 0

    def task(self, *args: str) -> subprocess.CompletedProcess:
        return run_task(self.project, *args)

    def commit(self, message: str) -> str:
        git("-C", str(self.project), "add", "-A")
        git("-C", str(self.project), "commit", "-q", "-m", message)
        return git("-C", str(self.project), "rev-parse", "HEAD")

    def edit_article(self, line: str) -> None:
        article = self.project / "content" / "articles" / "citoyens.md"
        article.write_text(article.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
        self.commit(f"Article : {line}")

    def build(self) -> Site:
        """A real production build of the checked-out branch."""
        self.builds += 1
        output = self.tmp / f"build-{self.builds}"
        built = self.task("preview", "--output", str(output))
        assert built.returncode == 0, built.stdout + built.stderr
        return Site(output, SITE_URL)

    def publish(self) -> str:
        """A real production build of main, deployed by the publish's own code; the public branch's tip."""
        output = self.build().root
        gitpages.deploy(Site(output, SITE_URL), str(self.public), "gh-pages", gitpages.source_commit(self.project))
        return git("-C", str(self.public), "rev-parse", "gh-pages")

    def add(self, *args: str) -> str:
        result = self.task("contributions.add", "--article", ARTICLE, "--date", "2026-11-20T10:00:00+01:00",
                           "--source", "Formulaire de contribution du site", *args)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()[-1]


@pytest.fixture
def team(tmp_path) -> Team:
    return Team(tmp_path)


@needs_gate_tools
def test_after_redaction_and_erasure_no_byte_of_the_contribution_is_public(team, tmp_path):
    project, public = team.project, team.public
    # A submission arrives as the intake sends it: its own branch of the private repository.
    git("-C", str(project), "checkout", "-q", "-b", "contributions/quenouillard")
    ident = team.add("--author", AUTHOR, "--author-url", AUTHOR_URL, "--body", BODY)
    team.commit(f"Contribution {ident} en attente de modération")
    git("-C", str(project), "checkout", "-q", "-b", "contributions/paula", "main")
    team.add("--author", "Paula Attentiste", "--body", "Texte en attente : plumeauxmagiques.")
    team.commit("Contribution en attente")
    git("-C", str(project), "checkout", "-q", "main")
    spam = team.add("--author", "Vendeur", "--body", "Achetez vite sur grumpfdiscount, promo !")
    assert team.task("contributions.reject", spam, "--reason", "spam", "--moderator", "Alice").returncode == 0
    team.commit("Refus d'un spam")

    before = [team.publish()]
    team.edit_article("Une précision de la rédaction.")
    before.append(team.publish())
    assert not leaks(public, tmp_path, ERASED + PENDING + REJECTED), "nothing pending or rejected is ever public"

    # Approved and merged: published with every later publish.
    git("-C", str(project), "merge", "-q", "--no-ff", "-m", "Fusion de la contribution", "contributions/quenouillard")
    assert team.task("contributions.approve", ident, "--moderator", "Alice").returncode == 0
    team.commit(f"Approbation de {ident}")
    refused = team.task("contributions.erase", ident, "--remote", str(public))
    assert refused.returncode == 2, "erasure comes after the redaction"
    contribution = f"content/contributions/{ARTICLE}/{ident}.md"
    assert refused.stderr.startswith(f"erreur : {contribution} : Status: = 'approved' : la contribution n'est pas "
                                     "caviardée"), refused.stderr
    assert f"Correction : caviardez-la d'abord (invoke contributions.redact {ident}" in refused.stderr
    online = [team.publish()]
    team.edit_article("Une autre précision.")
    online.append(team.publish())
    git("-C", str(public), "tag", "sauvegarde", "gh-pages")  # a ref someone made by hand: rewritten too
    assert leaks(public, tmp_path, ERASED) == set(ERASED), "the scan below sees every form the site publishes"
    assert {"html", "pf_fragment", "pf_index", "name"} <= where(public, tmp_path, b"quenouillard")
    assert not leaks(public, tmp_path, PENDING + REJECTED)

    # Redacted: the site no longer shows it, but the public history does.
    assert team.task("contributions.redact", ident, "--moderator", "Bruno").returncode == 0
    uncommitted = team.task("contributions.erase", ident, "--remote", str(public))
    assert uncommitted.returncode == 2 and "le caviardage n'est pas encore enregistré" in uncommitted.stderr
    team.commit(f"Caviardage de {ident} (demande de l'auteur)")
    redacted_tree = git("-C", str(public), "rev-parse", f"{team.publish()}^{{tree}}")
    tip_files = git("-C", str(public), "ls-tree", "-r", "--name-only", "gh-pages")
    assert "quenouillard" not in tip_files
    assert leaks(public, tmp_path, ERASED) == set(ERASED), "the history still holds it: hence the erasure"

    deployed_online = [git("-C", str(public), "log", "-1", "--format=%B", commit).split("from source commit ")[1][:40]
                       for commit in online]
    result = team.task("contributions.erase", ident, "--remote", str(public))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for gate in ("html", "links", "feeds", "a11y", "hosts"):
        assert f"PASS  {gate}" in output, "the erasure publishes only a build that passed every gate"
    assert "Vérifié" in output and f"aucune trace de {ident}" in output
    assert "2 publication(s) retirée(s)" in output, output
    assert not any(needle.decode() in output.lower() for needle in ERASED), "the report never repeats what it erased"

    assert leaks(public, tmp_path, ERASED) == set(), "no byte left in any object of any ref"
    # The publishes before the approval keep their commits; those made while it was online are gone
    # from the history and, on this machine, from the disk.
    for commit in before:
        git("-C", str(public), "merge-base", "--is-ancestor", commit, "gh-pages")
    for commit in online:
        assert subprocess.run(["git", "-C", str(public), "cat-file", "-e", commit]).returncode != 0
    assert git("-C", str(public), "rev-parse", "sauvegarde") == before[-1], "the tag follows its rewritten commit"
    # The redacted publish, copied onto the kept history, is the checked build: no new commit was needed.
    assert git("-C", str(public), "rev-parse", "gh-pages^{tree}") == redacted_tree
    assert git("-C", str(public), "rev-list", "--count", "gh-pages") == "3"
    # What the removed publishes deployed stays known (the version history counts what readers were shown).
    record = git("-C", str(public), "log", "-1", "--format=%B", "gh-pages")
    assert all(f"\nPublish of source commit {source} at " in record for source in deployed_online), record

    # The next ordinary publish goes on top, without forcing anything.
    erased_tip = git("-C", str(public), "rev-parse", "gh-pages")
    team.edit_article("Une dernière précision.")
    after = team.publish()
    assert git("-C", str(public), "rev-parse", f"{after}^") == erased_tip
    assert not leaks(public, tmp_path, ERASED)

    # Readers are told the same, on the Transparence page of the site just published.
    built = team.tmp / f"build-{team.builds}"
    page = (built / "transparence" / "index.html").read_text(encoding="utf-8")
    assert 'id="public-prive"' in page and 'id="effacement"' in page
    assert "Ce que nous gardons" in page and "historique public du site" in page
    assert not [p for p in built.rglob("*.html") if "dépôt Git public" in p.read_text(encoding="utf-8")], \
        "no page says the team's repository is public"

    # The moderation record stays where moderators work: the private repository.
    record = (project / contribution).read_text(encoding="utf-8")
    assert "approved by Alice" in record and "redacted by Bruno" in record and "Quenouillard" not in record
    assert "zorglubesque" in git("-C", str(project), "log", "-p", "--all", "--", contribution)


def test_erasure_refuses_a_build_that_still_quotes_the_text_and_a_build_that_fails(team, tmp_path):
    """Never on a failed build; never while a page still quotes the removed text. The public branch is left as it was."""
    ident = team.add("--author", AUTHOR, "--body", BODY)
    assert team.task("contributions.approve", ident, "--moderator", "Alice").returncode == 0
    team.commit("Approbation")
    team.publish()
    assert team.task("contributions.redact", ident, "--moderator", "Bruno").returncode == 0
    team.commit("Caviardage")
    published = team.publish()

    team.edit_article("Un lecteur écrivait : « Les chaussettes zinzolines illuminent chaque comité de pilotage. »")
    result = team.task("contributions.erase", ident, "--remote", str(team.public))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("erreur : citoyens/index.html : texte = ") and "le texte retiré se lit encore" \
        in result.stderr and "Correction : retirez-le de la source" in result.stderr
    assert "Quality gates" not in result.stdout, "refused before the gates and before anything public changed"
    assert git("-C", str(team.public), "rev-parse", "gh-pages") == published

    git("-C", str(team.project), "reset", "-q", "--hard", "HEAD~1")
    article = team.project / "content" / "articles" / "citoyens.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Lang: fr", "Lang: fr\nTilte: faute", 1),
                       encoding="utf-8")
    team.commit("Une faute dans un en-tête")
    result = team.task("contributions.erase", ident, "--remote", str(team.public))
    assert result.returncode != 0 and "tilte" in (result.stdout + result.stderr).lower()
    assert git("-C", str(team.public), "rev-parse", "gh-pages") == published
    assert leaks(team.public, tmp_path, [b"zorglubesque"]), "nothing was rewritten"


def test_erasure_refuses_an_unknown_id_before_anything_else(team):
    result = team.task("contributions.erase", "c-inconnue", "--remote", str(team.public))
    assert result.returncode == 2
    assert result.stderr.startswith("erreur : content/contributions : Id: = 'c-inconnue' : aucune contribution n'a "
                                    "cet identifiant. Correction :"), result.stderr


# ----------------------------------------------------------------- S3: a bucket has no history, unless versioning is on


def bucket_bytes(client, bucket: str) -> list[tuple[str, bytes]]:
    """(key, bytes) of every version of every object (or every object, without versioning), decompressed."""
    found = []
    versioned = client.get_bucket_versioning(Bucket=bucket).get("Status")
    pages = client.get_paginator("list_object_versions" if versioned else "list_objects_v2").paginate(Bucket=bucket)
    for page in pages:
        for item in page.get("Versions", page.get("Contents", [])):
            extra = {"VersionId": item["VersionId"]} if versioned else {}
            data = client.get_object(Bucket=bucket, Key=item["Key"], **extra)["Body"].read()
            while data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            found += [(item["Key"], item["Key"].encode()), (item["Key"], data)]
        found += [(item["Key"], item["Key"].encode()) for item in page.get("DeleteMarkers", [])]
    return found


def bucket_leaks(client, bucket: str, needles: list[bytes]) -> set[bytes]:
    return {needle for _key, data in bucket_bytes(client, bucket) for needle in needles if needle in data.lower()}


@pytest.fixture
def approved_then_redacted(team):
    """Two real builds of the team's site: with the approved contribution, then redacted; and its id."""
    ident = team.add("--author", AUTHOR, "--author-url", AUTHOR_URL, "--body", BODY)
    assert team.task("contributions.approve", ident, "--moderator", "Alice").returncode == 0
    team.commit("Approbation")
    online = team.build()
    assert team.task("contributions.redact", ident, "--moderator", "Bruno").returncode == 0
    team.commit("Caviardage")
    return ident, online, team.build()


def test_a_bucket_without_versioning_keeps_nothing_once_the_redacted_site_is_deployed(
        team, approved_then_redacted, moto_endpoint, aws_env):
    ident, online, redacted = approved_then_redacted
    client, bucket = s3.client_for(moto_endpoint), f"site-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    s3.deploy(online, bucket, client=client)
    assert bucket_leaks(client, bucket, ERASED) == set(ERASED)
    versions = erasure.contribution_versions(team.project, team.project / "content" / "contributions", ident)
    scanner, _shown = traces.Scanner(traces.Traces.of_versions(versions)).split_shown(
        (redacted.relative(path), path.read_bytes()) for path in redacted.files())  # as the task does
    assert erasure.verify_s3(client, bucket, "", scanner), "the verification sees what the bucket holds"
    summary, deleted = erasure.erase_s3(redacted, bucket, "", client, scanner)
    assert deleted == [] and "deleted" in summary
    assert erasure.verify_s3(client, bucket, "", scanner) == []
    assert bucket_leaks(client, bucket, ERASED) == set()


@needs_gate_tools
def test_invoke_erase_on_a_versioned_bucket_deletes_the_versions_that_held_the_contribution(
        team, approved_then_redacted, moto_endpoint, aws_env):
    """Versioning keeps every overwritten or deleted object: the erasure deletes those versions, and only those."""
    ident, online, redacted = approved_then_redacted
    client, bucket = s3.client_for(moto_endpoint), f"site-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.deploy(online, bucket, "site", client=client)
    s3.deploy(redacted, bucket, "site", client=client)  # the ordinary publish after the redaction
    assert bucket_leaks(client, bucket, ERASED) == set(ERASED), "older versions still hold it"
    environment = {**CREDENTIALS, "AWS_CONFIG_FILE": os.environ["AWS_CONFIG_FILE"],
                   "AWS_SHARED_CREDENTIALS_FILE": os.environ["AWS_SHARED_CREDENTIALS_FILE"]}
    versions_before = sum(len(page.get("Versions", [])) for page in
                          client.get_paginator("list_object_versions").paginate(Bucket=bucket))
    result = run_task(team.project, "contributions.erase", ident, "--target", "s3", "--bucket", bucket,
                      "--endpoint-url", moto_endpoint, "--prefix", "site", env=environment)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Every gate passed." in output and "ancienne(s) version(s) supprimée(s)" in output and "Vérifié" in output
    assert bucket_leaks(client, bucket, ERASED) == set()
    versions_after = sum(len(page.get("Versions", [])) for page in
                         client.get_paginator("list_object_versions").paginate(Bucket=bucket))
    assert 0 < versions_before - versions_after < versions_before, "only the versions with a trace are deleted"


def test_a_publish_that_lands_during_the_erasure_makes_its_push_fail_and_stays(team, approved_then_redacted,
                                                                             monkeypatch, tmp_path):
    """The rewrite is pushed with a lease on what it read: a concurrent publish is never overwritten."""
    import shutil

    from publishing.pipeline import DeployError

    ident, online, redacted = approved_then_redacted
    gitpages.deploy(online, str(team.public))
    versions = erasure.contribution_versions(team.project, team.project / "content" / "contributions", ident)
    scanner, _shown = traces.Scanner(traces.Traces.of_versions(versions)).split_shown(
        (redacted.relative(path), path.read_bytes()) for path in redacted.files())
    newer = tmp_path / "newer"
    shutil.copytree(redacted.root, newer)
    (newer / "nouveau.html").write_text("<!DOCTYPE html><title>Nouveau</title>", encoding="utf-8")
    stage = erasure.stage_site

    def a_publish_lands_meanwhile(git):
        gitpages.deploy(Site(newer, SITE_URL), str(team.public))
        return stage(git)

    monkeypatch.setattr(erasure, "stage_site", a_publish_lands_meanwhile)
    with pytest.raises(DeployError) as caught:
        erasure.erase_git(redacted, str(team.public), "gh-pages", scanner)
    landed = git("-C", str(team.public), "rev-parse", "gh-pages")
    assert "run the erasure again" in str(caught.value)
    assert "nouveau.html" in git("-C", str(team.public), "ls-tree", "--name-only", landed), "the publish stays"
    monkeypatch.setattr(erasure, "stage_site", stage)
    erasure.erase_git(redacted, str(team.public), "gh-pages", scanner)
    assert erasure.verify_git(str(team.public), scanner) == [], "run again, it erases"

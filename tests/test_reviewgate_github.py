"""The review gate on a real git history, against a stand-in GitHub API: what a merge lets through to the public site.

A real private repository (a bare `origin` holding main and GitHub's
refs/pull/N/head, a working copy where pull requests are merged as GitHub merges
them: a merge commit, or a squash that leaves the approved head off main), the
CI checkout the publish workflow makes (a clone: PR heads are not in it), a real
public repository whose gh-pages names the last deployed source commit, and the
gate run as the workflow runs it: `python3 scripts/publishing/reviewgate.py`,
standard library only (`-S`: no site-packages).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from github_standin import StandInGitHub
from publishing import gitpages

GATE = ROOT / "scripts" / "publishing" / "reviewgate.py"
CODEOWNERS = "/content/articles/ @o/redaction\n/content/contributions/ @o/moderation\n"
FIX = ("demandez la relecture à un membre de @o/moderation : ouvrez une demande de fusion qui modifie à nouveau ce "
       "fichier (ou l'annule) et faites-la approuver par un membre de @o/moderation")


class Team:
    """The private repository on GitHub, the CI checkout, the public repository, and GitHub's API records."""

    def __init__(self, tmp: Path, github: StandInGitHub):
        self.tmp, self.github = tmp, github
        self.env = {**os.environ, "GIT_AUTHOR_NAME": "Équipe", "GIT_AUTHOR_EMAIL": "equipe@example.org",
                    "GIT_COMMITTER_NAME": "Équipe", "GIT_COMMITTER_EMAIL": "equipe@example.org"}
        self.origin, self.work, self.ci, self.public = (tmp / n for n in ("origin.git", "work", "ci", "public.git"))
        for bare in (self.origin, self.public):
            self.git(tmp, "init", "-q", "--bare", str(bare))
        self.git(tmp, "init", "-q", "-b", "main", str(self.work))
        self.git(self.work, "remote", "add", "origin", str(self.origin))
        self.numbers = iter(range(1, 100))

    def git(self, where: Path, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=where, env=self.env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def commit(self, files: dict[str, str], message: str) -> str:
        for name, text in files.items():
            (self.work / name).parent.mkdir(parents=True, exist_ok=True)
            (self.work / name).write_text(text, encoding="utf-8")
        self.git(self.work, "add", "--all")
        self.git(self.work, "commit", "-q", "-m", message)
        return self.git(self.work, "rev-parse", "HEAD")

    def push(self):
        self.git(self.work, "push", "-q", "origin", "main")

    def pull_request(self, author: str, files: dict[str, str], squash: bool = False) -> tuple[int, str]:
        """A pull request from a branch of main, merged as GitHub merges it; (its number, its head)."""
        number = next(self.numbers)
        self.git(self.work, "checkout", "-q", "-b", f"pr{number}")
        head = self.commit(files, f"{author}: change {number}")
        self.git(self.work, "checkout", "-q", "main")
        if squash:
            self.git(self.work, "merge", "-q", "--squash", f"pr{number}")
            merged = self.commit({}, f"Change {number} (#{number})")
        else:
            self.git(self.work, "merge", "-q", "--no-ff", "-m", f"Merge pull request #{number}", f"pr{number}")
            merged = self.git(self.work, "rev-parse", "HEAD")
        self.git(self.work, "push", "-q", "origin", f"pr{number}:refs/pull/{number}/head")
        self.push()
        self.github.pulls[number] = {"author": author, "head": head}
        self.github.commit_pulls[merged] = [number]
        return number, head

    def publish(self, source: str):
        """What `invoke publish --target git` leaves on the public branch: a commit naming its source."""
        site = type("Site", (), {"siteurl": "https://blog.example.org"})()
        tree = self.git(self.public, "hash-object", "-t", "tree", "-w", os.devnull)  # the built site: not the point
        parent = subprocess.run(["git", "rev-parse", "-q", "--verify", "refs/heads/gh-pages"], cwd=self.public,
                                capture_output=True, text=True).stdout.strip()
        message = gitpages.commit_message(site, gitpages.SourceCommit(source))
        result = subprocess.run(["git", "commit-tree", tree, *(["-p", parent] if parent else [])], cwd=self.public,
                                env=self.env, input=message, capture_output=True, text=True, check=True)
        self.git(self.public, "update-ref", "refs/heads/gh-pages", result.stdout.strip())

    def checkout(self) -> dict:
        """The workflow's checkout of main as it is now (a clone: no refs/pull), and the environment Actions gives."""
        if not self.ci.exists():
            self.git(self.tmp, "clone", "-q", str(self.origin), str(self.ci))
        self.git(self.ci, "fetch", "-q", "origin")
        self.git(self.ci, "checkout", "-q", "--detach", "origin/main")
        return {"PATH": os.environ["PATH"], "HOME": str(self.tmp), "GITHUB_API_URL": self.github.url,
                "GITHUB_REPOSITORY": "o/site", "GITHUB_TOKEN": "jeton", "REVIEW_TEAMS_TOKEN": "jeton-equipes",
                "GITHUB_WORKSPACE": str(self.ci), "GITHUB_SERVER_URL": str(self.tmp)}

    def gate(self, *extra: str) -> tuple[int, str]:
        """The gate on that checkout, run as the workflow runs it: Debian's python3, no site-packages."""
        env = self.checkout()
        result = subprocess.run([sys.executable, "-I", "-S", str(GATE), "--published", str(self.public), *extra],
                                cwd=self.ci, env=env, capture_output=True, text=True, timeout=60)
        assert not result.stderr, result.stderr
        return result.returncode, result.stdout

    def step(self, **variables: str) -> subprocess.CompletedProcess:
        """The workflows' own step (.github/review-gate.sh) on that checkout, with the repository's variables."""
        env = {**self.checkout(), **variables}
        return subprocess.run(["bash", str(ROOT / ".github" / "review-gate.sh")], cwd=self.ci, env=env,
                              capture_output=True, text=True, timeout=60)


@pytest.fixture
def team(tmp_path):
    github = StandInGitHub("o/site")
    github.teams = {("o", "moderation"): ["maud", "mona"], ("o", "redaction"): ["eddie", "wanda"]}
    github.teams_token = "jeton-equipes"
    yield Team(tmp_path, github)
    github.close()


def block(report: str, path: str) -> str:
    """The lines the report gives about one refused file."""
    start = report.index(f"- {path}\n")
    end = report.find("\n- ", start + 1)
    return report[start:] if end < 0 else report[start:end]


def test_only_what_its_owners_approved_in_a_merged_pull_request_is_deployed(team):
    github = team.github
    first = team.commit({".github/CODEOWNERS": CODEOWNERS, "content/articles/a.md": "Title: A\n\nTexte.\n",
                         "content/contributions/c-1.md": "State: pending\n"}, "Start")
    team.push()
    code, report = team.gate()
    assert code == 1 and "depuis le début (aucune publication encore)" in report, "no publish yet: every file"
    assert "poussé directement" in block(report, "content/contributions/c-1.md")
    code, report = team.gate("--since", first)
    assert code == 0 and "aucun fichier modifié depuis REVIEW_SINCE" in report, "a declared starting point"
    team.publish(first)
    code, report = team.gate()
    assert code == 0 and f"aucun fichier modifié depuis la publication du commit {first[:12]}" in report

    # A moderator's pull request on a contribution, approved by another moderator, merged with a merge commit.
    number, head = team.pull_request("mona", {"content/contributions/c-1.md": "State: approved\n"})
    github.reviews[number] = [{"login": "eddie", "state": "COMMENTED", "commit": head},
                              {"login": "maud", "state": "APPROVED", "commit": head}]
    code, report = team.gate()
    assert code == 0, report
    assert f"content/contributions/c-1.md : demande #{number}, approuvée par @maud (.github/CODEOWNERS, ligne 2)" \
        in report

    # A writer's direct push to main, publishing a reader's contribution without a moderator.
    pushed = team.commit({"content/contributions/c-2.md": "State: approved\n"}, "Publie c-2")
    team.push()
    code, report = team.gate()
    refused = block(report, "content/contributions/c-2.md")
    assert code == 1 and "publication refusée : 1 des 2 fichiers" in report
    assert f"commit : {pushed[:12]} « Publie c-2 »" in refused and "poussé directement" in refused
    assert "un membre de @o/moderation (.github/CODEOWNERS, ligne 2)" in refused and FIX in refused

    # A writer's pull request on a contribution, approved by the other team (squash: its head is off main).
    number, head = team.pull_request("wanda", {"content/contributions/c-3.md": "State: approved\n"}, squash=True)
    github.reviews[number] = [{"login": "eddie", "state": "APPROVED", "commit": head}]
    code, report = team.gate()
    assert code == 1 and "approuvée par @eddie, qui n'en est pas propriétaire" in block(
        report, "content/contributions/c-3.md")

    # A moderator approving their own pull request (GitHub forbids it; the gate does not count it either).
    number, head = team.pull_request("mona", {"content/contributions/c-4.md": "State: approved\n"})
    github.reviews[number] = [{"login": "mona", "state": "APPROVED", "commit": head}]
    code, report = team.gate()
    assert code == 1 and "n'est approuvée que par son auteur, @mona" in block(report, "content/contributions/c-4.md")

    # The fix the message gives: a pull request touching each file again, approved by a moderator.
    number, head = team.pull_request("wanda", {"content/contributions/c-2.md": "State: approved\nNote: relue\n",
                                               "content/contributions/c-3.md": "State: rejected\n"}, squash=True)
    github.reviews[number] = [{"login": "mona", "state": "APPROVED", "commit": head}]
    code, report = team.gate()
    assert code == 1 and "content/contributions/c-2.md\n" not in report.split("approuvés :")[0]
    assert f"content/contributions/c-2.md : demande #{number}, approuvée par @mona" in report
    assert f"content/contributions/c-3.md : demande #{number}" in report, "a squashed head, fetched from refs/pull"
    assert "- content/contributions/c-4.md" in report
    number, head = team.pull_request("maud", {"content/contributions/c-4.md": "State: approved\nNote: relue\n"})
    github.reviews[number] = [{"login": "mona", "state": "APPROVED", "commit": head},
                              {"login": "mona", "state": "CHANGES_REQUESTED", "commit": head}]
    assert "n'a été approuvée par personne" in team.gate()[1], "changes requested after the approval"
    github.reviews[number].append({"login": "mona", "state": "APPROVED", "commit": head})
    code, report = team.gate()
    assert code == 0 and "relectures : 4 fichiers modifiés depuis la publication du commit" in report, report

    # Deployed: the nightly run finds nothing new; then the API failing refuses the next deploy.
    team.publish(team.git(team.work, "rev-parse", "HEAD"))
    code, report = team.gate()
    assert code == 0 and "aucun fichier modifié" in report
    team.commit({"content/articles/a.md": "Title: A\n\nTexte relu.\n"}, "Texte")
    team.push()
    github.status = 500
    code, report = team.gate()
    assert code == 1 and "publication refusée par prudence" in report and "HTTP 500" in report
    assert "content/articles/a.md" in report, "it names the file it was checking"
    assert all(auth in ("Bearer jeton", "Bearer jeton-equipes") for _path, auth in github.requests)
    assert {auth for path, auth in github.requests if "/teams/" in path} == {"Bearer jeton-equipes"}


def test_the_workflows_step_reads_the_public_repository_and_fails_the_job_on_a_refusal(team):
    """publish.yml and erase.yml run .github/review-gate.sh: PUBLIC_REPOSITORY names the public repository
    (here a folder standing for GITHUB_SERVER_URL), REVIEW_SINCE counts only until the first publish."""
    first = team.commit({"scripts/publishing/reviewgate.py": GATE.read_text(encoding="utf-8"),
                         ".github/CODEOWNERS": CODEOWNERS, "content/contributions/c-1.md": "State: pending\n"}, "Start")
    team.push()
    unset = team.step()
    assert unset.returncode != 0 and "set the repository variable PUBLIC_REPOSITORY" in unset.stderr
    assert team.step(PUBLIC_REPOSITORY="public").returncode == 1, "no publish yet and no REVIEW_SINCE: every file"
    since = team.step(PUBLIC_REPOSITORY="public", REVIEW_SINCE=first)
    assert since.returncode == 0 and "aucun fichier modifié depuis REVIEW_SINCE" in since.stdout, since.stdout
    team.publish(first)
    pushed = team.commit({"content/contributions/c-1.md": "State: approved\n"}, "Approuve c-1")
    team.push()
    refused = team.step(PUBLIC_REPOSITORY="public", REVIEW_SINCE=first)
    assert refused.returncode == 1 and f"depuis la publication du commit {first[:12]}" in refused.stdout
    assert f"commit : {pushed[:12]} « Approuve c-1 »" in refused.stdout and FIX in refused.stdout


def test_a_file_name_never_passes_for_a_commit_in_the_log_the_gate_reads(team):
    """Whoever names a file like a commit hash or a line of git's log cannot make it look approved."""
    from publishing.reviewgate import Repository

    tricky = ["a" * 40, ":100644 100644 " + "b" * 40 + " M", "deux\nlignes.md", "espace final "]
    first = team.commit({name: "x\n" for name in tricky}, "Start")
    second = team.commit({"c" * 40: "y\n", tricky[1]: "z\n"}, "Next")
    found = Repository(str(team.work)).last_changes("HEAD", [*tricky, "c" * 40])
    assert found == {tricky[0]: first, tricky[1]: second, tricky[2]: first, tricky[3]: first, "c" * 40: second}

"""The review gate: nothing is deployed that its owners did not approve in a pull request.

The team's repository is private, and on GitHub Free a private repository has
no branch protection: anyone with "Write" (every writer: the desk pushes
branches) can merge into main, or push to it. So the publish workflow checks,
before it deploys main's tree, what reached main since the last deploy:

1. **What changed.** The public repository's gh-pages branch names, in each
   publish commit, the source commit it was built from (gitpages.py
   `commit_message`: "from source commit <hash>"). The gate reads its newest
   commit (plain git, anonymously: that repository is public) and lists the
   files that differ between that commit and HEAD. With no publish yet, or one
   it cannot place, the range starts at `--since` (a commit the team declares
   reviewed, repository variable REVIEW_SINCE) or, without it, covers every
   file of HEAD.
2. **Who brought each file to its current content.** The newest commit of
   main's first-parent line (what was merged into main, a merge compared with
   the commit it was merged into) that changed the file.
3. **The rule.** That commit belongs to a merged pull request (GitHub's REST
   API, `GET /repos/{repo}/commits/{sha}/pulls`) whose final head commit was
   APPROVED by someone other than its author (a review on that head, or the
   merge itself: merging someone else's pull request, as the desk's « Publier »
   does, is that person's decision), who owns the file according to
   the CODEOWNERS in force (the one of the start of the range: a change of the
   owners is itself judged by the owners before it, and counts from the
   publish after it); a file that no line of CODEOWNERS owns needs the
   approval of anyone other than the author. A reviewer's newest decisive
   review counts (an approval followed by a request for changes is no
   approval), and only on the head that was merged. The file's content in
   HEAD must also be the one of that approved head: a merge that mixed in
   other changes of the same file was not what the reviewer saw.
4. **Any doubt refuses.** An API error or an answer it cannot read, a
   CODEOWNERS line it does not understand, a team whose members it cannot
   read, a commit it cannot find: the deploy is refused, with a French message
   naming the commit, the file, what is missing and the fix.

Owners are `@login` or `@org/team`; a team's members come from
`GET /orgs/{org}/teams/{team}/members`, which the workflow's own token cannot
read (it has no organisation permission): give the gate a token that can
(`REVIEW_TEAMS_TOKEN`, organisation "Members: read" only), or write the
members' logins in CODEOWNERS. E-mail owners are refused (no login to match).

Command line (publish.yml and erase.yml, before anything is deployed):

    python3 scripts/publishing/reviewgate.py --published REMOTE [--branch gh-pages]
        [--since COMMIT] [--head HEAD] [--remote origin] [--repository-dir .]

exits 0 when every changed file was approved as above, 1 otherwise (the
report says why), and appends the report to $GITHUB_STEP_SUMMARY when it is
set. Reads GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN (pull-requests:
read) and REVIEW_TEAMS_TOKEN. Standard library only: it runs before the
project is set up.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Callable

TIMEOUT = 20
HASH = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
TEAM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # a team's slug, as in its address
CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")  # GitHub's order
PUBLISH_MARKER = "from source commit "  # gitpages.SourceCommit.body()
DECISIVE = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")  # a COMMENTED review changes no decision
RETRY = "relancez la publication (Actions > Publish > Run workflow ; Actions > Erase pour un effacement)"


class Doubt(Exception):
    """The gate cannot tell (API, git, CODEOWNERS): the deploy is refused."""


# --- CODEOWNERS ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    """`@login` (team empty) or `@org/team`."""

    login: str = ""
    org: str = ""
    team: str = ""

    def __str__(self) -> str:
        return f"@{self.org}/{self.team}" if self.team else f"@{self.login}"


@dataclass(frozen=True)
class Rule:
    """One line of CODEOWNERS: a pattern, its owners (none: the files it matches have no owner)."""

    pattern: str
    owners: tuple[Owner, ...]
    line: int
    regex: re.Pattern = field(compare=False, repr=False)


@dataclass(frozen=True)
class CodeOwners:
    """The rules of one CODEOWNERS file (its path in the repository, "" when there is none)."""

    path: str = ""
    rules: tuple[Rule, ...] = ()

    def rule_for(self, path: str) -> Rule | None:
        """The last rule whose pattern matches `path` (GitHub: the last match wins), or None."""
        for rule in reversed(self.rules):
            if rule.regex.fullmatch(path):
                return rule
        return None


def _segment(text: str) -> str:
    """One path segment of a pattern: `*` any characters but `/`, `?` one of them, the rest literal."""
    return "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in text)


def pattern_regex(pattern: str) -> re.Pattern:
    """A CODEOWNERS pattern (gitignore rules, as GitHub documents them) as a regex over a file's path.

    No `/` but a trailing one: the name matches at any depth; a `/` at the start or
    in the middle anchors it at the root; a match on a directory covers everything
    under it; a trailing `/` matches directories only; `**` spans directories
    (`**/x`, `x/**`, `x/**/y`); a last segment that is a lone `*` matches files
    directly in that directory, not deeper (`docs/*`).
    """
    unsupported = [what for what, bad in (("!", pattern.startswith("!")), ("[ ]", "[" in pattern or "]" in pattern),
                                          ("\\", "\\" in pattern), ("***", "***" in pattern)) if bad]
    if unsupported:
        raise ValueError(f"{unsupported[0]!r} n'est pas permis dans CODEOWNERS (GitHub ne l'applique pas)")
    if pattern.strip("/") == "":
        raise ValueError("ce motif ne désigne aucun fichier")
    segments = pattern.split("/")
    if segments[0] == "":
        segments = segments[1:]  # anchored at the root
    elif len(segments) == 1 or (len(segments) == 2 and segments[1] == ""):
        segments = ["**", *segments] if segments[0] != "**" else segments  # a bare name: at any depth
    if len(segments) > 1 and segments[-1] == "":
        segments[-1] = "**"  # a trailing slash: everything under the directory
    parts: list[str] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        joiner = "/" if parts and not parts[-1].endswith("/)?") else ""
        if segment == "**":
            if index == 0 and index == last:
                parts.append(".+")
            elif index == 0:
                parts.append("(?:.+/)?")
            elif index == last:
                parts.append("/.+")
            else:
                parts.append("(?:/.+)?")
        elif segment == "*":
            parts.append(joiner + "[^/]+")  # never its descendants: `docs/*` is docs' own files
        else:
            parts.append(joiner + _segment(segment) + ("(?:/.*)?" if index == last else ""))
    return re.compile("".join(parts))


def parse_owner(token: str) -> Owner:
    """`@login` or `@org/team`; anything else (an e-mail address included) raises ValueError."""
    if token.startswith("@"):
        name = token[1:]
        org, slash, team = name.partition("/")
        if not slash and LOGIN.fullmatch(name):
            return Owner(login=name)
        if slash and LOGIN.fullmatch(org) and TEAM.fullmatch(team):
            return Owner(org=org, team=team)
    if "@" in token and not token.startswith("@"):
        raise ValueError(f"{token!r} : une adresse ne dit pas quel compte GitHub approuve ; écrivez son "
                         "identifiant (@login)")
    raise ValueError(f"{token!r} n'est ni un compte (@login) ni une équipe (@organisation/equipe)")


def parse_codeowners(text: str, path: str = ".github/CODEOWNERS") -> CodeOwners:
    """Every rule of a CODEOWNERS file; Doubt (naming the line) on one the gate cannot apply exactly."""
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        tokens = line.split()
        if not tokens or tokens[0].startswith("#"):
            continue
        pattern, owners = tokens[0], []
        try:
            regex = pattern_regex(pattern)
            for token in tokens[1:]:
                if token.startswith("#"):
                    break  # a comment ends the line
                owners.append(parse_owner(token))
        except ValueError as exc:
            raise Doubt(f"{path}, ligne {number} ({line.strip()!r}) : {exc}. Correction : corrigez cette ligne "
                        f"par une demande de fusion approuvée, puis {RETRY}") from None
        rules.append(Rule(pattern, tuple(owners), number, regex))
    return CodeOwners(path, tuple(rules))


def describe(owners: tuple[Owner, ...]) -> str:
    """Who may approve, as the messages say it."""
    if not owners:
        return "une autre personne que son auteur"
    names = [f"un membre de {o}" if o.team else str(o) for o in owners]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " ou " + names[-1]


# --- git ----------------------------------------------------------------------------------------------


def _git_env() -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    return env


@dataclass(frozen=True)
class Change:
    """A file that differs from the last publish, and the first-parent commit that gave it its content."""

    path: str
    commit: str
    content: tuple[str, str] | None  # (mode, object) in HEAD; None: deleted


class Repository:
    """The private repository's checkout, read with plain git."""

    def __init__(self, root: str, remote: str = "origin"):
        self.root, self.remote = root, remote
        self._trees: dict[str, dict[str, tuple[str, str]]] = {}

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run git in the checkout (Doubt when it fails and `check`)."""
        result = subprocess.run(["git", "-C", self.root, *args], capture_output=True, text=True, env=_git_env(),
                                encoding="utf-8", errors="surrogateescape")
        if check and result.returncode != 0:
            reason = " / ".join((result.stderr or result.stdout).strip().splitlines()[-2:])
            raise Doubt(f"git {args[0]} a échoué ({reason})")
        return result

    def commit(self, name: str) -> str | None:
        """The full hash of a commit of this repository, or None."""
        found = self.git("rev-parse", "-q", "--verify", "--end-of-options", f"{name}^{{commit}}", check=False)
        return found.stdout.strip() if found.returncode == 0 else None

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Whether `older` is in `newer`'s history."""
        return self.git("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0

    def subject(self, commit: str) -> str:
        """A commit's subject (shown in the private run's log only)."""
        return self.git("log", "-1", "--format=%s", commit).stdout.strip()

    def tree(self, commit: str) -> dict[str, tuple[str, str]]:
        """Every file of a commit: path -> (mode, object)."""
        if commit not in self._trees:
            listing = self.git("ls-tree", "-r", "-z", "--full-tree", commit).stdout
            files = {}
            for entry in filter(None, listing.split("\0")):
                info, _tab, path = entry.partition("\t")
                mode, _kind, obj = info.split(" ")
                files[path] = (mode, obj)
            self._trees[commit] = files
        return self._trees[commit]

    def changed(self, base: str | None, head: str) -> list[str]:
        """The files that differ between `base` and `head` (every file of `head` without a base)."""
        if base is None:
            return sorted(self.tree(head))
        out = self.git("diff", "--name-only", "--no-renames", "-z", base, head).stdout
        return sorted(filter(None, out.split("\0")))

    def last_changes(self, head: str, paths: list[str]) -> dict[str, str]:
        """For each path, the newest commit of `head`'s first-parent line that changed it."""
        # One log of the line: --raw -z gives ":modes objects status\0path\0" after each commit's hash,
        # so a path is always read at its place and can never pass for a commit.
        out = self.git("log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--root",
                       "--raw", "--no-abbrev", "-z", "--format=%H", head).stdout
        wanted, found = set(paths), {}
        tokens = iter(out.split("\0"))
        commit = None
        for token in tokens:
            head_token = token.lstrip("\n")
            if head_token.startswith(":"):
                path = next(tokens, None)
                if path is None or commit is None:
                    raise Doubt("git log : sortie illisible")
                if path in wanted and path not in found:
                    found[path] = commit
            elif HASH.fullmatch(head_token):
                commit = head_token
            elif head_token:
                raise Doubt(f"git log : sortie illisible ({head_token[:40]!r})")
        return found

    def changes(self, base: str | None, head: str) -> tuple[list[Change], list[str]]:
        """The changes to judge, and the paths whose commit could not be found."""
        paths = self.changed(base, head)
        commits = self.last_changes(head, paths)
        files = self.tree(head)
        return ([Change(p, commits[p], files.get(p)) for p in paths if p in commits],
                [p for p in paths if p not in commits])

    def content_at(self, commit: str, path: str) -> tuple[str, str] | None:
        """A file's (mode, object) at a commit; None when it has no such file."""
        return self.tree(commit).get(path)

    def pull_head(self, number: int, sha: str) -> str:
        """The approved head of a pull request, fetched (refs/pull/N/head) when a squash left it off main."""
        if not HASH.fullmatch(sha):
            raise Doubt(f"demande de fusion #{number} : tête illisible ({sha!r})")
        if self.commit(sha) is None:
            self.git("fetch", "-q", "--no-tags", self.remote, f"refs/pull/{number}/head")
            if self.commit(sha) is None:
                raise Doubt(f"la version approuvée de la demande de fusion #{number} (commit {sha[:12]}) est "
                            f"introuvable, même dans refs/pull/{number}/head de {self.remote}")
        return sha

    def codeowners(self, commit: str) -> CodeOwners:
        """The CODEOWNERS file in force at a commit (GitHub's places, in its order); none: no owner."""
        files = self.tree(commit)
        for place in CODEOWNERS_PLACES:
            if place in files:
                text = self.git("cat-file", "blob", files[place][1]).stdout
                return parse_codeowners(text, place)
        return CodeOwners()


def publish_source(message: str) -> str | None:
    """The source commit a publish commit names (gitpages.commit_message), or None when it names none."""
    start = message.find(PUBLISH_MARKER)
    if start < 0:
        return None
    rest = message[start + len(PUBLISH_MARKER):]
    sha = rest[:len(rest) - len(rest.lstrip("0123456789abcdef"))]
    title = message.splitlines()[0] if message else ""
    if not HASH.fullmatch(sha) or title != f"Publish {sha[:12]}":
        return None
    return sha


def last_published(remote: str, branch: str) -> str | None:
    """The source commit named by the newest commit of the public branch; None when there is no branch yet."""
    ref = f"refs/heads/{branch}"
    with tempfile.TemporaryDirectory(prefix="reviewgate-") as tmp:
        def git(*args):
            result = subprocess.run(["git", "--git-dir", tmp, *args], capture_output=True, text=True, env=_git_env())
            if result.returncode != 0:
                reason = " / ".join((result.stderr or result.stdout).strip().splitlines()[-2:])
                raise Doubt(f"la branche {branch} de {remote} est illisible ({reason}) : vérifiez la variable "
                            "PUBLIC_REPOSITORY (le dépôt public doit exister)")
            return result.stdout

        git("init", "-q", "--bare", tmp)
        if not git("ls-remote", "--heads", "--", remote, ref).split():
            return None
        git("fetch", "-q", "--no-tags", "--depth=1", remote, f"+{ref}:refs/published")
        return publish_source(git("log", "-1", "--format=%B", "refs/published"))


# --- GitHub's REST API --------------------------------------------------------------------------------


def _next_link(header: str | None) -> str | None:
    """The rel="next" address of a Link header (GitHub's pagination), or None."""
    for part in (header or "").split(","):
        target, *params = part.split(";")
        target = target.strip()
        if target.startswith("<") and target.endswith(">") and any(
                p.strip().replace(" ", "") in ('rel="next"', "rel=next") for p in params):
            return target[1:-1]
    return None


class GitHub:
    """The few read-only endpoints the gate asks, each answer checked before it is used."""

    def __init__(self, api: str, repository: str, token: str, teams_token: str = "",
                 opener: Callable = urllib.request.urlopen):
        self.api, self.repository = api.rstrip("/"), repository
        self.token, self.teams_token, self.opener = token, teams_token or token, opener
        self._cache: dict[str, list | dict] = {}

    def _get(self, url: str, token: str) -> tuple[object, str | None]:
        request = urllib.request.Request(url, headers={
            "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
            **({"Authorization": f"Bearer {token}"} if token else {})})
        shown = urllib.parse.urlsplit(url).path
        try:
            with self.opener(request, timeout=TIMEOUT) as response:
                return json.load(response), response.headers.get("Link")
        except urllib.error.HTTPError as exc:
            raise Doubt(f"GitHub a répondu HTTP {exc.code} à GET {shown}") from None
        except (OSError, ValueError) as exc:  # unreachable, timed out, not JSON
            raise Doubt(f"GET {shown} : {exc}") from None

    def _list(self, path: str, token: str) -> list:
        """Every page of a listing (per_page=100, following rel="next" on the API's own host)."""
        if path in self._cache:
            return self._cache[path]
        url, items = f"{self.api}{path}?per_page=100", []
        origin = urllib.parse.urlsplit(self.api)[:2]
        while url:
            page, link = self._get(url, token)
            if not isinstance(page, list) or not all(isinstance(item, dict) for item in page):
                raise Doubt(f"GET {path} : réponse illisible (une liste était attendue)")
            items.extend(page)
            url = _next_link(link)
            if url and urllib.parse.urlsplit(url)[:2] != origin:
                raise Doubt(f"GET {path} : la page suivante est ailleurs que sur l'API ({url})")
        self._cache[path] = items
        return items

    def pulls_of_commit(self, sha: str) -> list[int]:
        """The merged pull requests a commit of main belongs to."""
        pulls = self._list(f"/repos/{self.repository}/commits/{sha}/pulls", self.token)
        return [_int(p, "number") for p in pulls if p.get("merged_at")]

    def pull(self, number: int) -> dict:
        path = f"/repos/{self.repository}/pulls/{number}"
        if path not in self._cache:
            pull, _link = self._get(f"{self.api}{path}", self.token)
            if not isinstance(pull, dict):
                raise Doubt(f"GET {path} : réponse illisible")
            merger = pull.get("merged_by")
            self._cache[path] = {"merged": pull.get("merged") is True, "head": _text(pull, "head", "sha"),
                                 "author": _text(pull, "user", "login"),
                                 # who pressed "merge" (the desk's « Publier »): that decision counts as approval
                                 "merged_by": merger.get("login") or "" if isinstance(merger, dict) else ""}
        return self._cache[path]

    def reviews(self, number: int) -> list[dict]:
        """The reviews of a pull request, oldest first: login, state, commit."""
        return [{"login": _text(r, "user", "login"), "state": _text(r, "state"), "commit": r.get("commit_id") or ""}
                for r in self._list(f"/repos/{self.repository}/pulls/{number}/reviews", self.token)
                if r.get("user")]  # a deleted account's review has no user: it approves nothing

    def team_members(self, org: str, team: str) -> set[str]:
        try:
            members = self._list(f"/orgs/{org}/teams/{team}/members", self.teams_token)
        except Doubt as exc:
            raise Doubt(f"les membres de l'équipe @{org}/{team} sont illisibles ({exc}) : donnez au workflow le "
                        "secret REVIEW_TEAMS_TOKEN (un jeton qui lit les membres de l'organisation) ou écrivez dans "
                        "CODEOWNERS les identifiants (@login) de ses membres") from None
        return {_text(m, "login").lower() for m in members}


def _text(data: dict, *keys: str) -> str:
    value = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, str) or not value:
        raise Doubt(f"réponse illisible de l'API : pas de {'.'.join(keys)}")
    return value


def _int(data: dict, key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise Doubt(f"réponse illisible de l'API : pas de {key}")
    return value


# --- the decision -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """One changed file: approved (by whom, in which pull request) or what is missing."""

    change: Change
    owners: str  # who may approve, as said to people
    rule: str  # where that comes from
    approved_by: tuple[str, ...] = ()
    pull: int | None = None
    missing: str = ""

    @property
    def ok(self) -> bool:
        return not self.missing


def approvals(reviews: list[dict], head: str) -> tuple[set[str], set[str]]:
    """Who approves the head (their newest decisive review), and who approved an older head only."""
    latest: dict[str, dict] = {}
    for review in reviews:
        if review["state"] in DECISIVE:
            latest[review["login"].lower()] = review
    current = {r["login"] for r in latest.values() if r["state"] == "APPROVED" and r["commit"] == head}
    stale = {r["login"] for r in latest.values() if r["state"] == "APPROVED" and r["commit"] != head}
    return current, stale


def judge(change: Change, codeowners: CodeOwners, github: GitHub,
          head_content: Callable[[int, str, str], tuple[str, str] | None]) -> Verdict:
    """Whether `change` reached main through a merged pull request its owners approved on its final head."""
    rule = codeowners.rule_for(change.path)
    owners = rule.owners if rule else ()
    where = (f"{codeowners.path}, ligne {rule.line}" if rule and owners else
             f"aucun propriétaire dans {codeowners.path or 'CODEOWNERS (absent)'}")
    verdict = dict(change=change, owners=describe(owners), rule=where)
    pulls = github.pulls_of_commit(change.commit)
    if not pulls:
        return Verdict(**verdict, missing="ce commit est arrivé sur main sans demande de fusion (poussé directement)")
    missing = ""
    for number in pulls:
        pull = github.pull(number)
        author = pull["author"]
        if not pull["merged"]:
            missing = f"la demande de fusion #{number} n'est pas fusionnée"
            continue
        current, stale = approvals(github.reviews(number), pull["head"])
        # Merging is deciding: an owner who merged someone else's pull request (the desk's « Publier », which
        # merges without a separate review) approved what they merged, as a review on its head would.
        if pull.get("merged_by"):
            current = current | {pull["merged_by"]}
        others = sorted(login for login in current if login.lower() != author.lower())
        if not others:
            if any(login.lower() == author.lower() for login in current):
                missing = f"la demande de fusion #{number} n'est approuvée que par son auteur, @{author}"
            elif stale:
                missing = (f"la demande de fusion #{number} a été approuvée sur une version antérieure, pas sur "
                           f"celle qui a été fusionnée (commit {pull['head'][:12]})")
            else:
                missing = f"la demande de fusion #{number} n'a été approuvée par personne"
            continue
        approvers = [login for login in others if _owns(login, owners, github)] if owners else others
        if not approvers:
            missing = (f"la demande de fusion #{number} est approuvée par "
                       f"{', '.join('@' + login for login in others)}, qui n'en {'est' if len(others) == 1 else 'sont'}"
                       f" pas propriétaire{'' if len(others) == 1 else 's'}")
            continue
        if head_content(number, pull["head"], change.path) != change.content:
            missing = (f"le fichier sur main n'est pas celui que la demande de fusion #{number} a fait approuver "
                       f"(commit {pull['head'][:12]}) : la fusion y a mêlé d'autres modifications du même fichier")
            continue
        return Verdict(**verdict, approved_by=tuple(approvers), pull=number)
    return Verdict(**verdict, missing=missing)


def _owns(login: str, owners: tuple[Owner, ...], github: GitHub) -> bool:
    if any(not o.team and o.login.lower() == login.lower() for o in owners):
        return True
    return any(o.team and login.lower() in github.team_members(o.org, o.team) for o in owners)


# --- the command --------------------------------------------------------------------------------------


@dataclass
class Report:
    """What the gate says, and whether the deploy may go on."""

    lines: list[str] = field(default_factory=list)
    refused: bool = False


def fix_for(verdict: Verdict) -> str:
    """What to do about a refused file."""
    who = verdict.owners
    return (f"demandez la relecture à {who} : ouvrez une demande de fusion qui modifie à nouveau ce fichier "
            f"(ou l'annule) et faites-la approuver par {who} ; puis {RETRY}")


def run(repository: Repository, github: GitHub, head: str, published: str | None, since: str | None) -> Report:
    """Judge every file changed since the last publish (or `since`, or the beginning)."""
    report = Report()
    head_sha = repository.commit(head)
    if head_sha is None:
        raise Doubt(f"{head!r} n'est pas un commit de ce dépôt")
    base = published and repository.commit(published)
    if published and not base:
        report.lines.append(f"relectures : la dernière publication vient du commit {published[:12]}, absent de ce "
                            "dépôt : elle ne sert pas de point de départ.")
    if not base and since:
        base = repository.commit(since)
        if not base or not repository.is_ancestor(base, head_sha):
            raise Doubt(f"REVIEW_SINCE = {since!r} n'est pas un commit de l'historique de main : corrigez la "
                        "variable (Settings > Secrets and variables > Actions)")
    start = (f"la publication du commit {base[:12]}" if base and base == published else
             f"REVIEW_SINCE ({base[:12]})" if base else "le début (aucune publication encore)")
    codeowners = repository.codeowners(base or head_sha)
    changes, unplaced = repository.changes(base or None, head_sha)

    def head_content(number: int, sha: str, path: str):
        return repository.content_at(repository.pull_head(number, sha), path)

    refused = []
    for path in unplaced:
        refused.append(f"- {path}\n  manque : aucun commit de main ne l'a amené à son contenu actuel\n"
                       f"  correction : faites approuver une demande de fusion qui le modifie, puis {RETRY}")
    approved = []
    for change in changes:
        try:
            verdict = judge(change, codeowners, github, head_content)
        except Doubt as exc:
            raise Doubt(f"{change.path} (commit {change.commit[:12]}) : {exc}") from None
        if verdict.ok:
            approved.append(f"  {change.path} : demande #{verdict.pull}, approuvée par "
                            f"{', '.join('@' + a for a in verdict.approved_by)} ({verdict.rule})")
        else:
            refused.append(f"- {change.path}\n"
                           f"  commit : {change.commit[:12]} « {repository.subject(change.commit)} »\n"
                           f"  manque : {verdict.missing}\n"
                           f"  approbation requise : {verdict.owners} ({verdict.rule}), sur la version fusionnée "
                           "d'une demande de fusion\n"
                           f"  correction : {fix_for(verdict)}")
    total = len(changes) + len(unplaced)
    if not total:
        report.lines.append(f"relectures : aucun fichier modifié depuis {start} : rien à relire, la publication peut "
                            "continuer.")
    elif refused:
        report.refused = True
        report.lines.append(f"relectures : publication refusée : {len(refused)} des {total} fichiers modifiés depuis "
                            f"{start} n'ont pas été approuvés par leurs propriétaires (.github/CODEOWNERS).")
        report.lines.extend(refused)
    else:
        plural = "s" if total != 1 else ""
        report.lines.append(f"relectures : {total} fichier{plural} modifié{plural} depuis {start}, "
                            f"{'tous approuvés' if plural else 'approuvé'} : la publication peut continuer.")
    if approved:
        report.lines.append("approuvés :")
        report.lines.extend(approved)
    return report


def main(argv: list[str] | None = None, environ=os.environ, opener=urllib.request.urlopen) -> int:
    """Print the report; 0 when the deploy may go on, 1 when it is refused."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--published", required=True, help="the public repository (URL or path) whose branch "
                        "names the last deployed source commit")
    parser.add_argument("--branch", default="gh-pages")
    parser.add_argument("--since", default="", help="with no publish yet: the commit from which changes need review")
    parser.add_argument("--head", default="HEAD")
    parser.add_argument("--remote", default="origin", help="the private repository, for refs/pull/N/head")
    parser.add_argument("--repository-dir", default=".")
    arguments = parser.parse_args(argv)
    try:
        missing = [name for name in ("GITHUB_API_URL", "GITHUB_REPOSITORY") if not environ.get(name)]
        if missing:
            raise Doubt(f"{', '.join(missing)} absent de l'environnement (le workflow les donne)")
        github = GitHub(environ["GITHUB_API_URL"], environ["GITHUB_REPOSITORY"], environ.get("GITHUB_TOKEN", ""),
                        environ.get("REVIEW_TEAMS_TOKEN", ""), opener)
        published = last_published(arguments.published, arguments.branch)
        report = run(Repository(arguments.repository_dir, arguments.remote), github, arguments.head, published,
                     arguments.since or None)
    except Doubt as exc:
        report = Report([f"relectures : publication refusée par prudence : impossible de vérifier les relectures : "
                         f"{exc}.", f"correction : {RETRY} ; si cela se répète, corrigez la cause ci-dessus (le "
                         "workflow a besoin de « pull-requests: read »)."], refused=True)
    text = "\n".join(report.lines)
    print(text)
    if environ.get("GITHUB_STEP_SUMMARY"):
        with open(environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(f"### Relectures\n\n```\n{text}\n```\n")
    return 1 if report.refused else 0


if __name__ == "__main__":
    sys.exit(main())

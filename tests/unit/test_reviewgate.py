"""publishing.reviewgate: who owns a file (CODEOWNERS as GitHub reads it), and the decision on GitHub's answers.

The answers below are recorded in the shape GitHub's REST API documents (a pull
request's `number`, `merged_at`, `merged`, `head.sha`, `user.login`; a review's
`state`, `commit_id`, `user.login`; pages linked by `Link: rel="next"`).
"""

from __future__ import annotations

import io
import json
import urllib.error
from pathlib import Path

import pytest

from publishing import gitpages
from publishing.reviewgate import (Change, CodeOwners, Doubt, GitHub, Owner, _next_link, approvals, describe, judge,
                                   parse_codeowners, publish_source)

ROOT = Path(__file__).resolve().parents[2]
API = "https://api.github.example"
MERGE, HEAD, OLD = "a" * 40, "b" * 40, "c" * 40
CONTENT = ("100644", "d" * 40)

RULES = """\
# Les propriétaires, du plus général au plus précis (le dernier motif qui correspond l'emporte).
*                         @org/redaction
*.css                     @designer
/content/contributions/   @org/moderation   # les décisions de modération
/content/contributions/brouillons/
docs/*                    @doc
apps/                     @octocat
/build/logs/              @doctocat
"""


def owners_of(rules: CodeOwners, path: str) -> list[str]:
    rule = rules.rule_for(path)
    return [str(o) for o in rule.owners] if rule else None


def test_the_last_matching_line_wins_as_on_github():
    rules = parse_codeowners(RULES)
    assert owners_of(rules, "README.md") == ["@org/redaction"], "`*` owns every file"
    assert owners_of(rules, "theme/static/css/style.css") == ["@designer"], "`*.css` at any depth"
    assert owners_of(rules, "content/contributions/marketing/c-1.md") == ["@org/moderation"]
    assert owners_of(rules, "content/contributions/brouillons/c-2.md") == [], "a line without owners: no owner"
    assert owners_of(rules, "content/articles/contributions/x.md") == ["@org/redaction"], "`/…`: from the root"
    assert owners_of(rules, "docs/getting-started.md") == ["@doc"]
    assert owners_of(rules, "docs/build-app/troubleshooting.md") == ["@org/redaction"], "`docs/*`: not deeper"
    assert owners_of(rules, "src/apps/main.py") == ["@octocat"], "`apps/`: a directory at any depth"
    assert owners_of(rules, "apps") == ["@org/redaction"], "`apps/` matches directories, not a file named apps"
    assert owners_of(rules, "build/logs/2024/run.log") == ["@doctocat"]
    assert owners_of(rules, "deep/build/logs/run.log") == ["@org/redaction"]
    assert parse_codeowners("/content/ @a\n").rule_for("pelicanconf.py") is None, "no line: no owner"


@pytest.mark.parametrize("pattern, path, matches", [
    ("**/logs", "a/b/logs/x.log", True), ("**/logs", "logs", True), ("**/logs", "catalogs/x", False),
    ("docs/**", "docs/a/b.md", True), ("docs/**", "docs", False), ("/docs/**/index.md", "docs/index.md", True),
    ("/docs/**/index.md", "docs/a/b/index.md", True), ("/docs/**/index.md", "docs/a/b/other.md", False),
    ("/*", "README.md", True), ("/*", "content/a.md", False), ("*.md", "content/articles/a.md", True),
    ("a?c.md", "abc.md", True), ("a?c.md", "a/c.md", False), ("/Content/", "content/a.md", False),
    ("content/articles", "content/articles/2009/a.md", True), ("content/articles", "x/content/articles/a.md", False),
])
def test_patterns_follow_the_gitignore_rules_github_documents(pattern, path, matches):
    assert bool(parse_codeowners(f"{pattern} @a\n").rule_for(path)) is matches


@pytest.mark.parametrize("line, said", [
    ("*.go docs@example.com", "identifiant (@login)"),
    ("!content/ @a", "'!'"), ("content/[ab]/ @a", "'[ ]'"), ("\\#file @a", "'\\\\'"),
    ("content/ a", "ni un compte"), ("/ @a", "aucun fichier"), ("x @org/équipe", "ni un compte"),
    ("x @org/../admins", "ni un compte"),
])
def test_a_line_the_gate_cannot_apply_exactly_refuses_naming_it(line, said):
    with pytest.raises(Doubt) as refused:
        parse_codeowners(f"# ok\n* @a\n{line}\n")
    assert ".github/CODEOWNERS, ligne 3" in str(refused.value) and said in str(refused.value)


def test_the_repositorys_codeowners_gives_moderation_to_moderators():
    rules = parse_codeowners((ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8"))
    moderators = ["@marques-communautes/moderation"]
    for path in ("content/contributions/marketing-2-0-vu-par-yves-duron/c-20090227-emmanuel.md",
                 "intake/blocklists/marques.txt", "plugins/community/rules.py", ".github/CODEOWNERS",
                 ".github/workflows/publish.yml", "scripts/publishing/reviewgate.py"):
        assert owners_of(rules, path) == moderators, path
    assert owners_of(rules, "content/articles/marketing.md") == ["@marques-communautes/redaction"]
    assert describe(rules.rule_for("content/pages/a.md").owners) == "un membre de @marques-communautes/redaction"
    assert describe((Owner("maud"), Owner(org="o", team="moderation"))) == "@maud ou un membre de @o/moderation"
    assert describe(()) == "une autre personne que son auteur"


def test_the_last_publish_is_read_from_the_message_gitpages_writes():
    sha = "0123456789abcdef" * 2 + "01234567"
    site = type("S", (), {"siteurl": "https://blog.example.org"})()
    assert publish_source(gitpages.commit_message(site, gitpages.SourceCommit(sha))) == sha
    assert publish_source(gitpages.commit_message(site, gitpages.SourceCommit(sha, dirty=True))) == sha
    assert publish_source(gitpages.commit_message(site, gitpages.SourceCommit(None))) is None
    assert publish_source("Erase\n\nfrom source commit " + sha) is None, "not a publish commit"
    assert publish_source(f"Publish {sha[:12]}\n\nfrom source commit {sha[:20]}") is None


def test_the_next_page_is_read_from_the_link_header():
    header = f'<{API}/x?page=2>; rel="next", <{API}/x?page=5>; rel="last"'
    assert _next_link(header) == f"{API}/x?page=2"
    assert _next_link(f'<{API}/x?page=1>; rel="prev"') is None and _next_link(None) is None


class Recorded:
    """urlopen over recorded answers: path?query -> body (and Link header), or an HTTP status."""

    def __init__(self, answers: dict):
        self.answers, self.asked = answers, []

    def __call__(self, request, timeout):
        url = request.full_url
        self.asked.append((url, request.get_header("Authorization")))
        answer = self.answers.get(url.removeprefix(API), {"status": 404})
        if "status" in answer:
            raise urllib.error.HTTPError(url, answer["status"], "error", {}, io.BytesIO(b"{}"))
        response = io.BytesIO(answer["raw"] if "raw" in answer else json.dumps(answer["body"]).encode())
        response.headers = {"Link": answer["link"]} if "link" in answer else {}
        return response


def pull(number, author="wanda", head=HEAD, merged=True):
    return {"body": {"number": number, "merged": merged, "merged_at": "2026-12-01T10:00:00Z" if merged else None,
                     "head": {"sha": head}, "user": {"login": author}}}


def review(login, state="APPROVED", commit=HEAD):
    return {"user": {"login": login}, "state": state, "commit_id": commit, "submitted_at": "2026-12-01T09:00:00Z"}


def answers(reviews, author="wanda", head=HEAD, merged=True, **more):
    recorded = {
        f"/repos/o/site/commits/{MERGE}/pulls?per_page=100": {"body": [pull(7, author, head, merged)["body"]]},
        "/repos/o/site/pulls/7": pull(7, author, head, merged),
        "/repos/o/site/pulls/7/reviews?per_page=100": {"body": reviews},
        "/orgs/org/teams/moderation/members?per_page=100": {
            "body": [{"login": "maud"}],
            "link": f'<{API}/orgs/org/teams/moderation/members?per_page=100&page=2>; rel="next"'},
        "/orgs/org/teams/moderation/members?per_page=100&page=2": {"body": [{"login": "Mona"}]},
    }
    recorded.update(more)
    return recorded


def decide(recorded, path="content/contributions/c-1.md", content=CONTENT, approved_content=CONTENT, teams_token=""):
    github = GitHub(API, "o/site", "jeton", teams_token, Recorded(recorded))
    rules = parse_codeowners("* @org/redaction\n/content/contributions/ @org/moderation @maud\n/libre/\n")
    return judge(Change(path, MERGE, content), rules, github, lambda number, head, p: approved_content)


def test_an_owner_approving_the_merged_head_lets_it_through():
    verdict = decide(answers([review("eddie", "COMMENTED"), review("mona")]))
    assert verdict.ok and verdict.pull == 7 and verdict.approved_by == ("mona",), "a member of the team (2nd page)"
    assert decide(answers([review("maud")])).ok, "an owner named by login"
    assert decide(answers([review("eddie")]), path="libre/note.md").ok, "no owner: anyone but the author"


def test_what_is_not_an_owners_approval_of_the_merged_head_is_refused():
    cases = {
        "no review": ([], "n'a été approuvée par personne"),
        "the author approving their own": ([review("wanda")], "que par son auteur, @wanda"),
        "a writer of the other team": ([review("eddie")], "approuvée par @eddie, qui n'en est pas propriétaire"),
        "an older head": ([review("maud", commit=OLD)], "sur une version antérieure"),
        "then changes requested": ([review("maud"), review("maud", "CHANGES_REQUESTED")], "par personne"),
        "a dismissed approval": ([review("maud", "DISMISSED")], "par personne"),
        "a deleted account": ([{**review("maud"), "user": None}], "par personne"),
    }
    for name, (reviews, said) in cases.items():
        verdict = decide(answers(reviews))
        assert not verdict.ok and said in verdict.missing, name
        assert verdict.owners == "un membre de @org/moderation ou @maud", name
    author_owner = decide(answers([review("maud")], author="maud"))
    assert not author_owner.ok and "que par son auteur" in author_owner.missing, "an owner's own PR needs another"
    assert decide(answers([review("maud")], author="maud") | {
        "/repos/o/site/pulls/7/reviews?per_page=100": {"body": [review("maud"), review("mona")]}}).ok


def test_an_owner_who_merged_someone_elses_request_approved_it_as_the_desk_publishes():
    """The desk's « Publier » merges without a review: an owner's merge is their decision; anyone else's is not."""
    def merged_by(login, author="wanda"):
        recorded = answers([], author=author)
        recorded["/repos/o/site/pulls/7"] = {"body": {**pull(7, author)["body"], "merged_by": {"login": login}}}
        return decide(recorded)

    verdict = merged_by("mona")
    assert verdict.ok and verdict.approved_by == ("mona",), "a moderator published the intake's pull request"
    assert "n'en est pas propriétaire" in merged_by("eddie").missing, "a writer publishing a moderation decision"
    assert "que par son auteur" in merged_by("maud", author="maud").missing, "an owner merging their own"


def test_a_direct_push_an_unmerged_request_or_other_content_is_refused():
    direct = {f"/repos/o/site/commits/{MERGE}/pulls?per_page=100": {"body": []}}
    assert "sans demande de fusion (poussé directement)" in decide(direct).missing
    open_only = answers([review("maud")], merged=False)
    assert "sans demande de fusion" in decide(open_only).missing, "only an open pull request holds the commit"
    mixed = decide(answers([review("maud")]), approved_content=("100644", "e" * 40))
    assert not mixed.ok and "n'est pas celui que la demande de fusion #7 a fait approuver" in mixed.missing
    deleted = decide(answers([review("maud")]), content=None, approved_content=None)
    assert deleted.ok, "an approved deletion"


def test_any_doubt_refuses():
    broken = {
        "an API error": answers([review("maud")], **{"/repos/o/site/pulls/7": {"status": 502}}),
        "not JSON": answers([review("maud")], **{"/repos/o/site/pulls/7/reviews?per_page=100": {"raw": b"<html>"}}),
        "not a list": answers([review("maud")], **{"/repos/o/site/pulls/7/reviews?per_page=100": {"body": {}}}),
        "no head": answers([review("maud")], **{"/repos/o/site/pulls/7": {"body": {"merged": True, "user": {}}}}),
        "a next page elsewhere": answers([review("mona")], **{"/repos/o/site/pulls/7/reviews?per_page=100": {
            "body": [], "link": '<https://elsewhere.example/page2>; rel="next"'}}),
    }
    for name, recorded in broken.items():
        with pytest.raises(Doubt):
            decide(recorded)
            pytest.fail(name)
    teams = answers([review("mona")], **{"/orgs/org/teams/moderation/members?per_page=100": {"status": 403}})
    with pytest.raises(Doubt, match="REVIEW_TEAMS_TOKEN"):
        decide(teams)


def test_team_members_are_read_with_the_teams_token_and_every_call_is_authenticated():
    recorded = Recorded(answers([review("mona")]))
    github = GitHub(API, "o/site", "jeton", "jeton-equipes", recorded)
    rules = parse_codeowners("/content/ @org/moderation\n")
    assert judge(Change("content/a.md", MERGE, CONTENT), rules, github, lambda *a: CONTENT).ok
    tokens = {url.split("?")[0].removeprefix(API): auth for url, auth in recorded.asked}
    assert tokens["/orgs/org/teams/moderation/members"] == "Bearer jeton-equipes"
    assert tokens["/repos/o/site/pulls/7/reviews"] == "Bearer jeton"
    said = [{"login": "a", "state": "APPROVED", "commit": HEAD}, {"login": "A", "state": "COMMENTED", "commit": HEAD},
            {"login": "b", "state": "APPROVED", "commit": OLD}]
    assert approvals(said, HEAD) == ({"a"}, {"b"}), "a comment changes no decision; b approved an older head"

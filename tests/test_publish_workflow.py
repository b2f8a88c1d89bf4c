"""The publish workflow and its documentation: what runs when, with which rights.

GitHub runs .github/workflows/publish.yml, not this machine: the tests read
it and check the promises of the issue (when it runs, least privilege, one
production publish at a time, pull requests never deploy, the same commands
as locally), and that the README's Publishing section documents commands and
options that exist.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from github_standin import StandInGitHub
from publishing import reviewgate, testedtree

yaml = pytest.importorskip("yaml")
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
DEPLOYS_ONLY_FROM_MAIN = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_it_runs_on_push_to_main_every_day_and_on_pull_requests(workflow):
    triggers = workflow["on"]
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers
    nightly, on_time = (s["cron"] for s in triggers["schedule"])
    minute, hour, day, month, weekday = nightly.split()
    assert (day, month, weekday) == ("*", "*", "*") and minute.isdigit() and hour.isdigit(), "once a day"
    minutes, hours, *every_day = on_time.split()
    assert hours == "*" and every_day == ["*", "*", "*"]
    quarter = sorted(int(m) for m in minutes.split(","))
    assert len(quarter) == 4 and all(b - a == 15 for a, b in zip(quarter, quarter[1:])), "every 15 minutes"
    assert all(m % 15 != 0 for m in quarter), "just after the quarter hours writers date their texts at"


def run_due_step(workflow, tmp_path, event: str, schedule: str = "") -> dict:
    """The `due` job's step, run by bash as the runner runs it, for an event that needs no check."""
    due = workflow["jobs"]["due"]
    (check,) = [s for s in due["steps"] if s.get("id") == "due"]
    output = tmp_path / "github-output"
    output.write_text("")
    done = subprocess.run(["bash", "-e", "-c", check["run"]], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "EVENT": event, "SCHEDULE": schedule,
                               "GITHUB_OUTPUT": str(output)})
    assert done.returncode == 0, done.stderr
    return dict(line.split("=", 1) for line in output.read_text().split())


def test_on_time_a_light_job_decides_and_the_publish_job_runs_only_when_a_text_came_due(workflow, tmp_path):
    due, publish = workflow["jobs"]["due"], workflow["jobs"]["publish"]
    # Seconds: no container, no setup, nothing secret; the runner's python3 and git.
    assert "container" not in due and "secrets." not in str(due) and "setup" not in runs(due)
    assert "python3 scripts/publishing/schedule.py" in runs(due) and "--github-output" in runs(due)
    assert publish["needs"] == "due" and publish["if"] == "needs.due.outputs.publish == 'true'"
    # Push, pull request, by hand and the nightly run publish as before, without a check.
    nightly = workflow["on"]["schedule"][0]["cron"]
    for event, schedule in (("push", ""), ("pull_request", ""), ("workflow_dispatch", ""), ("schedule", nightly)):
        assert run_due_step(workflow, tmp_path, event, schedule)["publish"] == "true", event
    # Not set up yet: the quarter-hour runs do nothing (the nightly run says what is missing, once a day).
    assert run_due_step(workflow, tmp_path, "schedule", workflow["on"]["schedule"][1]["cron"])["publish"] == "false"
    # A tree that is the deployed one skips the tests (it passed them to be deployed).
    tested = step(publish, "testedtree.py")
    assert tested["env"]["SAME_AS_DEPLOYED"] == "${{ needs.due.outputs.same_source }}"
    assert 'if [ "$SAME_AS_DEPLOYED" = true ]' in tested["run"] and "run=false" in tested["run"]


def step(job: dict, needle: str) -> dict:
    """The one step whose run command or action contains `needle`."""
    (found,) = [s for s in job["steps"] if needle in s.get("run", "") or needle in s.get("uses", "")]
    return found


def index(job: dict, needle: str) -> int:
    return job["steps"].index(step(job, needle))


def test_least_privilege_only_the_deploy_step_holds_the_public_repositorys_key(workflow):
    """The workflow reads this (private) repository, its Actions runs and its pull requests' reviews; the only
    write is a push to the public repository, with a deploy key that exists in one step's environment and nowhere
    else. The review gate's optional token only reads an organisation's team members."""
    assert workflow["permissions"] == {"contents": "read", "actions": "read", "pull-requests": "read"}
    job = workflow["jobs"]["publish"]
    assert "permissions" not in job and "environment" not in job
    holders = [s for s in job["steps"] if "secrets." in str(s)]
    assert holders == [step(job, "review-gate.sh"), step(job, "invoke publish --target git")]
    assert holders[1]["env"]["DEPLOY_KEY"] == "${{ secrets.PUBLIC_DEPLOY_KEY }}"
    assert holders[0]["env"]["REVIEW_TEAMS_TOKEN"] == "${{ secrets.REVIEW_TEAMS_TOKEN }}"
    assert "PUBLIC_DEPLOY_KEY" not in str(holders[0]) and "REVIEW_TEAMS_TOKEN" not in str(holders[1])
    assert "secrets." not in str({k: v for k, v in workflow.items() if k != "jobs"})
    assert "pages: write" not in WORKFLOW.read_text(encoding="utf-8"), "no GitHub Pages of this private repository"


def test_the_key_is_a_deploy_key_checked_against_githubs_host_key():
    script = (ROOT / ".github" / "deploy-key.sh").read_text(encoding="utf-8")
    assert "umask 077" in script and "unset DEPLOY_KEY" in script
    assert "StrictHostKeyChecking=yes" in script and "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5" in script
    result = subprocess.run(["bash", "-c", ". .github/deploy-key.sh"], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "RUNNER_TEMP": "/nonexistent"})
    assert result.returncode == 1 and "PUBLIC_REPOSITORY" in result.stderr and "PUBLIC_DEPLOY_KEY" in result.stderr


def test_one_production_publish_at_a_time_never_cancelled(workflow):
    concurrency = workflow["concurrency"]
    assert "production" in concurrency["group"] and "pull_request" in concurrency["group"]
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"


def test_pull_requests_get_the_build_and_the_gates_but_never_deploy(workflow):
    job = workflow["jobs"]["publish"]
    deploy = step(job, "invoke publish --target git")
    assert deploy["if"] == DEPLOYS_ONLY_FROM_MAIN
    gates = step(job, "invoke check --production")
    assert gates["if"] == "github.event_name == 'pull_request' || github.ref != 'refs/heads/main'"
    assert "secrets." not in str(gates)


def test_the_nightly_run_validates_every_page_and_a_merge_the_changed_ones(workflow):
    """Issue 28 point 3: vnu reads only what differs from the published site, except at night (not on the
    quarter-hour runs of « On time », which are schedules too)."""
    job = workflow["jobs"]["publish"]
    deploy = step(job, "invoke publish --target git")["run"]
    nightly = next(entry["cron"] for entry in workflow["on"]["schedule"] if "*" not in entry["cron"].split()[1])
    assert f"${{{{ github.event.schedule == '{nightly}' && '--full-html' || '' }}}}" in deploy
    assert deploy.count("--full-html") == 1
    gates = step(job, "invoke check --production")["run"]
    assert '${PUBLIC_REPOSITORY:+--html-since "${GITHUB_SERVER_URL}/${PUBLIC_REPOSITORY}.git"}' in gates
    assert "--full-html" not in gates


def test_a_failed_build_or_gate_never_replaces_the_published_site(workflow):
    """The deploy is `invoke publish` (gates, then a push only if all passed, never forced), and nothing else pushes."""
    job = workflow["jobs"]["publish"]
    deploy = step(job, "invoke publish --target git")["run"]
    assert '--remote "git@github.com:${PUBLIC_REPOSITORY}.git" --branch gh-pages' in deploy
    assert "git push" not in runs(job) and "--force" not in WORKFLOW.read_text(encoding="utf-8")
    assert not any("deploy-pages" in s.get("uses", "") or "upload-pages-artifact" in s.get("uses", "")
                   for s in job["steps"])


def test_the_tests_run_unless_this_exact_tree_passed_them_then_build_gate_and_deploy(workflow):
    job = workflow["jobs"]["publish"]
    assert job["container"] == "debian:bookworm"
    decision = step(job, "testedtree.py")
    assert '--tree "$(git rev-parse \'HEAD^{tree}\')"' in decision["run"]
    assert decision["env"]["EVENT"] == "${{ github.event_name }}"
    assert decision["env"]["TESTS"] == "${{ inputs.tests || 'auto' }}"
    tests = step(job, ".venv/bin/invoke test")
    assert tests["if"] == "steps.tested.outputs.run == 'true'" and decision["id"] == "tested"
    record = step(job, "upload-artifact")
    assert record["if"] == tests["if"] and record["with"]["name"].startswith(testedtree.ARTIFACT_PREFIX)
    order = [index(job, needle) for needle in ("checkout@", "testedtree.py", "scripts/setup --test",
                                               ".venv/bin/invoke test", "upload-artifact",
                                               "invoke publish --target git")]
    assert order == sorted(order)
    dispatch = workflow["on"]["workflow_dispatch"]["inputs"]["tests"]
    assert dispatch["options"] == ["auto", "always"] and dispatch["default"] == "auto"
    assert "vars.SITEURL" in WORKFLOW.read_text(encoding="utf-8")


def test_the_review_gate_runs_before_any_deploy_on_every_event_that_deploys_and_cannot_be_skipped(workflow):
    """On GitHub Free a private repository has no branch protection: this step is what enforces review."""
    job = workflow["jobs"]["publish"]
    gate = step(job, "review-gate.sh")
    assert gate["if"] == DEPLOYS_ONLY_FROM_MAIN == step(job, "invoke publish --target git")["if"], \
        "push to main, the nightly run, by hand from main: whenever the deploy step can run"
    assert "continue-on-error" not in gate and "inputs." not in str(gate), "no input skips it"
    assert list(workflow["on"]["workflow_dispatch"]["inputs"]) == ["tests"]
    assert gate["env"]["GITHUB_TOKEN"] == "${{ github.token }}"
    assert gate["env"]["PUBLIC_REPOSITORY"] == "${{ vars.PUBLIC_REPOSITORY }}"
    assert gate["env"]["REVIEW_SINCE"] == "${{ vars.REVIEW_SINCE }}"
    order = [index(job, needle) for needle in ("checkout@", "review-gate.sh", "scripts/setup --test",
                                               "invoke publish --target git")]
    assert order == sorted(order)
    for later in job["steps"][index(job, "review-gate.sh") + 1:]:
        condition = str(later.get("if", ""))
        assert not any(f in condition for f in ("always()", "failure()", "cancelled()")), later.get("name")
    script = (ROOT / ".github" / "review-gate.sh").read_text(encoding="utf-8")
    assert "scripts/publishing/reviewgate.py" in script and "set -eu" in script and "exec python3" in script


def test_the_readme_says_what_the_review_gate_enforces_on_github_free_and_what_a_paid_plan_adds(workflow):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The desk against GitHub, and what it costs"):readme.index("### Why Decap CMS")]
    job = workflow["jobs"]["publish"]
    for variable in ("REVIEW_SINCE", "REVIEW_TEAMS_TOKEN"):
        assert variable in step(job, "review-gate.sh")["env"] and variable in section, variable
    for promise in ("GitHub Free", "Require review from Code Owners", "stops the merge itself", "the gate still stops "
                    "the deploy", "`.github/CODEOWNERS`", "someone other than the pull request's author", "erase.yml"):
        assert promise in section, promise
    assert "a matter of who gets" not in readme, "the old admission is gone"
    fix = reviewgate.fix_for(type("Verdict", (), {"owners": "un membre de @…/moderation"})())
    assert fix.split(" ; puis")[0].split("(ou l'annule)")[0] in " ".join(section.split()), "the message the README quotes"
    for team in re.findall(r"@[\w-]+/[\w-]+", (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")):
        assert team.split("/")[1] in ("redaction", "moderation"), "the two teams the README tells to replace"


def test_ci_records_the_tree_it_tested_only_after_the_tests_passed():
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    (job,) = ci["jobs"].values()
    record = step(job, "upload-artifact")
    assert record["with"]["name"] == "tested-tree-${{ steps.tree.outputs.tree }}"
    assert "if" not in record, "a step without `if` runs only when every earlier step succeeded"
    assert index(job, ".ci/run") < index(job, "rev-parse 'HEAD^{tree}'") < index(job, "upload-artifact")
    assert f".github/workflows/{WORKFLOW.name}" in testedtree.RECORDING_WORKFLOWS
    assert ".github/workflows/ci.yml" in testedtree.RECORDING_WORKFLOWS


def test_setup_is_cached_keyed_by_what_installs_it(workflow):
    job = workflow["jobs"]["publish"]
    caches = {str(s["with"]["path"]).strip(): s for s in job["steps"] if "actions/cache" in s.get("uses", "")}
    assert set(caches) == {".venv", "node_modules", "cache"}
    assert caches[".venv"]["with"]["key"] == "venv-bookworm-${{ hashFiles('pyproject.toml', 'scripts/setup') }}"
    assert caches["node_modules"]["with"]["key"] == "node-modules-${{ hashFiles('package-lock.json', 'scripts/setup') }}"
    setup = index(job, "scripts/setup --test")
    assert all(job["steps"].index(caches[path]) < setup for path in (".venv", "node_modules"))
    assert "echo force-unsafe-io > /etc/dpkg/dpkg.cfg.d/unsafe-io" in job["steps"][0]["run"].splitlines()[0]


def test_the_erase_workflow_runs_by_hand_on_main_one_at_a_time_with_the_publish():
    erase = yaml.safe_load((ROOT / ".github" / "workflows" / "erase.yml").read_text(encoding="utf-8"))
    erase["on"] = erase.pop(True, erase.get("on"))
    assert list(erase["on"]) == ["workflow_dispatch"]
    assert erase["permissions"] == {"contents": "read", "pull-requests": "read"}
    assert erase["concurrency"] == {"group": "publish-production", "cancel-in-progress": False}
    (job,) = erase["jobs"].values()
    assert job["if"] == "github.ref == 'refs/heads/main'"
    assert step(job, "checkout@")["with"]["fetch-depth"] == 0
    command = step(job, "contributions.erase")
    assert command["env"]["CONTRIBUTION"] == "${{ inputs.contribution }}"
    assert '"$CONTRIBUTION"' in command["run"] and "${{" not in command["run"], "an input never becomes shell code"
    assert [s for s in job["steps"] if "secrets." in str(s)] == [step(job, "review-gate.sh"), command]
    assert index(job, "checkout@") < index(job, "review-gate.sh") < index(job, "contributions.erase"), \
        "an erasure deploys main's tree: nothing unreviewed goes public through it either"
    assert "if" not in step(job, "review-gate.sh") and "continue-on-error" not in step(job, "review-gate.sh")


def deployed_from(script: str, **variables: str) -> str:
    """DEPLOYED_FROM as a step's script sets it, run by bash with GitHub's variables (deploy and build left out)."""
    lines = [line for line in script.splitlines() if "DEPLOYED_FROM" in line]
    assert lines, script
    result = subprocess.run(["bash", "-c", "set -eu\n" + "\n".join(lines) + '\necho "${DEPLOYED_FROM:-}"'],
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **variables})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_every_production_build_reads_what_was_deployed_from_the_public_repository(workflow):
    """The version history lists only the states readers were shown (README, "History of changes"): the build that
    deploys, the one that checks a pull request and the erasure's all name the public repository in DEPLOYED_FROM,
    which publishconf.py turns into TRANSPARENCY['deployed_from'] (read anonymously: no secret is involved)."""
    erase = yaml.safe_load((ROOT / ".github" / "workflows" / "erase.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["publish"]
    (erase_job,) = erase["jobs"].values()
    github = {"GITHUB_SERVER_URL": "https://github.example", "PUBLIC_REPOSITORY": "o/site.github.io"}
    for found, command in ((step(job, "invoke publish --target git"), "invoke publish"),
                           (step(job, "invoke check --production"), "invoke check"),
                           (step(erase_job, "contributions.erase"), "invoke contributions.erase")):
        assert found["env"]["PUBLIC_REPOSITORY"] == "${{ vars.PUBLIC_REPOSITORY }}", command
        script = found["run"]
        assert script.index("export DEPLOYED_FROM=") < script.index(command), "set before the build"
        assert deployed_from(script, **github) == "https://github.example/o/site.github.io.git", command
    checking = step(job, "invoke check --production")["run"]
    assert deployed_from(checking, GITHUB_SERVER_URL="https://github.example", PUBLIC_REPOSITORY="") == "", \
        "no public repository yet: a pull request is checked as before"
    read = ("import json; from pelican.settings import read_settings; "
            "print(json.dumps(read_settings('publishconf.py')['TRANSPARENCY'].get('deployed_from')))")
    for environment, expected in (({"DEPLOYED_FROM": "https://github.example/o/site.github.io.git"},
                                   {"remote": "https://github.example/o/site.github.io.git", "branch": "gh-pages"}),
                                  ({}, None)):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("DEPLOYED_")}
        result = subprocess.run([sys.executable, "-c", read], cwd=ROOT, capture_output=True, text=True,
                                env={**clean, **environment})
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1]) == expected, environment
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    publishing = readme[readme.index("## Publishing"):readme.index("## For developers")]
    assert "DEPLOYED_FROM" in publishing and "History of changes" in publishing


def test_the_readme_documents_publishing_before_the_developers_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, developers = readme.index("## Publishing"), readme.index("## For developers")
    assert start < developers
    section = readme[start:developers]
    for needed in ("merge", "SITEURL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
                   "invoke check --production", "invoke publish --target git", "invoke publish --target s3",
                   "When a gate fails", "scripts/setup --test", "PUBLIC_REPOSITORY", "PUBLIC_DEPLOY_KEY",
                   "Deploy keys", "invoke contributions.erase", "Actions > Erase", "tested-tree-", "private"):
        assert needed in section, needed
    for gate in ("html", "links", "feeds", "a11y", "hosts"):
        assert f"- `{gate}` —" in section, f"what to do when {gate} fails"
    assert "`scripts/publishing/`" in readme[developers:]


def test_every_option_the_readme_gives_exists():
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Publishing")[1].split("## For developers")[0]
    helps = {}
    for task in ("publish", "check", "contributions.erase"):
        result = subprocess.run([sys.executable, "-m", "invoke", "--help", task], cwd=ROOT, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr
        helps[task] = result.stdout
    for task, options in (("publish", re.findall(r"invoke publish ([^`]*)`", section)),
                          ("check", re.findall(r"invoke check ([^`\n#]*)", section)),
                          ("contributions.erase", re.findall(r"invoke contributions.erase ([^`\n#]*)", section))):
        assert options, task
        for flag in {f for line in options for f in re.findall(r"--[a-z-]+", line)}:
            assert flag in helps[task], f"invoke {task} has no {flag}"


def test_both_workflows_fetch_the_whole_history_the_pages_show():
    """A shallow clone fails the build (plugins/transparency/history.py): every checkout takes all commits."""
    for name in ("publish.yml", "ci.yml", "erase.yml"):
        data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
        # (publish.yml's job `due` builds nothing: it reads the texts' headers of the last commit only)
        checkouts = [step for job_name, job in data["jobs"].items() if job_name != "due" for step in job["steps"]
                     if str(step.get("uses", "")).startswith("actions/checkout@")]
        assert checkouts, name
        assert all(step.get("with", {}).get("fetch-depth") == 0 for step in checkouts), name


@pytest.fixture
def github_api():
    """GitHub's REST API for artifacts and runs, as documented, on 127.0.0.1 (github_standin.py)."""
    api = StandInGitHub("o/site")
    yield api
    api.close()


TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def decision(github_api, tmp_path, event="push") -> str:
    output = tmp_path / "output"
    output.unlink(missing_ok=True)
    testedtree.main(["--event", event, "--tree", TREE],
                    environ={"GITHUB_API_URL": github_api.url, "GITHUB_REPOSITORY": "o/site",
                             "GITHUB_TOKEN": "jeton", "GITHUB_OUTPUT": str(output)})
    return output.read_text().strip()


def test_the_publish_after_a_merge_finds_the_ci_run_that_tested_this_exact_tree(github_api, tmp_path):
    assert decision(github_api, tmp_path) == "run=true", "nothing recorded: the tests run"
    github_api.artifacts.append({"name": f"tested-tree-{TREE[:-1]}0", "expired": False, "workflow_run": {"id": 1}})
    assert decision(github_api, tmp_path) == "run=true", "another tree"
    github_api.artifacts.append({"name": f"tested-tree-{TREE}", "expired": True, "workflow_run": {"id": 2}})
    github_api.runs[2] = {"path": ".github/workflows/ci.yml", "html_url": "https://github.example/runs/2"}
    assert decision(github_api, tmp_path) == "run=true", "expired"
    github_api.artifacts.append({"name": f"tested-tree-{TREE}", "expired": False, "workflow_run": {"id": 3}})
    github_api.runs[3] = {"path": ".github/workflows/other.yml"}
    assert decision(github_api, tmp_path) == "run=true", "made by a workflow that does not run the tests"
    github_api.artifacts.append({"name": f"tested-tree-{TREE}", "expired": False, "workflow_run": {"id": 4}})
    github_api.runs[4] = {"path": ".github/workflows/ci.yml", "html_url": "https://github.example/runs/4"}
    assert decision(github_api, tmp_path) == "run=false"
    assert decision(github_api, tmp_path, "schedule") == "run=false", "the nightly run of the same tree"
    assert all(auth == "Bearer jeton" for _path, auth in github_api.requests)
    github_api.status = 500
    assert decision(github_api, tmp_path) == "run=true", "the API failing: the tests run"

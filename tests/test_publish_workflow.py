"""The publish workflow and its documentation: what runs when, with which rights.

GitHub runs .github/workflows/publish.yml, not this machine: the tests read
it and check the promises of the issue (when it runs, least privilege, one
production publish at a time, pull requests never deploy, the same commands
as locally), and that the README's Publishing section documents commands and
options that exist.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT

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
    (schedule,) = triggers["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month, weekday) == ("*", "*", "*") and minute.isdigit() and hour.isdigit(), "once a day"


def test_least_privilege_only_the_deploy_job_may_write_to_pages(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "permissions" not in build, "the build job keeps the read-only default"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert set(workflow["jobs"]) == {"build", "deploy"}


def test_one_production_publish_at_a_time_never_cancelled(workflow):
    concurrency = workflow["concurrency"]
    assert "production" in concurrency["group"] and "pull_request" in concurrency["group"]
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"


def test_pull_requests_get_the_build_and_the_gates_but_never_deploy(workflow):
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert deploy["if"] == DEPLOYS_ONLY_FROM_MAIN and deploy["needs"] == "build"
    upload = next(step for step in build["steps"] if "upload-pages-artifact" in step.get("uses", ""))
    assert upload["if"] == DEPLOYS_ONLY_FROM_MAIN
    gates = next(step for step in build["steps"] if "check --production" in step.get("run", ""))
    assert "if" not in gates, "the gates run for pull requests too"
    (deploy_step,) = deploy["steps"]
    assert deploy_step["uses"].startswith("actions/deploy-pages@")


def test_it_runs_the_tests_then_builds_and_gates_the_site_it_deploys(workflow):
    build = workflow["jobs"]["build"]
    assert build["container"] == "debian:bookworm"
    commands = runs(build)
    assert "scripts/setup --test" in commands and ".venv/bin/invoke test" in commands
    assert ".venv/bin/invoke check --production --output _site" in commands
    order = [i for i, step in enumerate(build["steps"]) for needle in ("setup --test", "invoke test", "check --production")
             if needle in step.get("run", "")]
    assert order == sorted(order)
    upload = next(step for step in build["steps"] if "upload-pages-artifact" in step.get("uses", ""))
    assert upload["with"]["path"] == "_site", "the artifact is the checked build"
    assert "vars.SITEURL" in WORKFLOW.read_text(encoding="utf-8")


def test_the_readme_documents_publishing_before_the_developers_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, developers = readme.index("## Publishing"), readme.index("## For developers")
    assert start < developers
    section = readme[start:developers]
    for needed in ("merge", "SITEURL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
                   "invoke check --production", "invoke publish --target git", "invoke publish --target s3",
                   "When a gate fails", "scripts/setup --test"):
        assert needed in section, needed
    for gate in ("html", "links", "feeds", "a11y", "hosts"):
        assert f"- `{gate}` —" in section, f"what to do when {gate} fails"
    assert "`scripts/publishing/`" in readme[developers:]


def test_every_option_the_readme_gives_exists():
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Publishing")[1].split("## For developers")[0]
    helps = {}
    for task in ("publish", "check"):
        result = subprocess.run([sys.executable, "-m", "invoke", "--help", task], cwd=ROOT, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr
        helps[task] = result.stdout
    for task, options in (("publish", re.findall(r"invoke publish ([^`]*)`", section)),
                          ("check", re.findall(r"invoke check ([^`\n#]*)", section))):
        assert options, task
        for flag in {f for line in options for f in re.findall(r"--[a-z-]+", line)}:
            assert flag in helps[task], f"invoke {task} has no {flag}"


def test_both_workflows_fetch_the_whole_history_the_pages_show():
    """A shallow clone fails the build (plugins/transparency/history.py): every checkout takes all commits."""
    for name in ("publish.yml", "ci.yml"):
        data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
        checkouts = [step for job in data["jobs"].values() for step in job["steps"]
                     if str(step.get("uses", "")).startswith("actions/checkout@")]
        assert checkouts, name
        assert all(step.get("with", {}).get("fetch-depth") == 0 for step in checkouts), name

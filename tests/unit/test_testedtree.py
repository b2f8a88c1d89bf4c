"""publishing.testedtree: when the publish after a merge runs the tests again, and when it does not."""

from __future__ import annotations

import pytest

from publishing.testedtree import LookupFailed, artifact_name, decide, main

TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def found():
    return "https://github.example/o/r/actions/runs/7"


def nothing():
    return None


def unreachable():
    raise LookupFailed("timed out")


def test_a_merge_or_the_nightly_run_skips_the_tests_only_for_a_tree_that_passed_them():
    for event in ("push", "schedule", "workflow_dispatch"):
        skipped = decide(event, "auto", found)
        assert not skipped.run and "runs/7" in skipped.reason and "every gate still run" in skipped.reason
        assert decide(event, "auto", nothing).run


def test_any_doubt_runs_the_tests():
    decision = decide("push", "auto", unreachable)
    assert decision.run and "timed out" in decision.reason
    assert decide("repository_dispatch", "auto", found).run, "an event the workflow does not expect"


def test_by_hand_tests_always_runs_them_even_for_a_tested_tree():
    assert decide("workflow_dispatch", "always", found).run


def test_pull_requests_leave_the_tests_to_ci():
    assert not decide("pull_request", "auto", unreachable).run


def test_the_artifact_names_exactly_one_tree():
    assert artifact_name(TREE) == "tested-tree-" + TREE
    for bad in ("", "HEAD", TREE[:12], TREE.upper(), TREE + "\n"):
        with pytest.raises(ValueError):
            artifact_name(bad)


def test_the_command_writes_its_decision_for_the_next_steps(tmp_path, capsys):
    output = tmp_path / "github_output"
    assert main(["--event", "pull_request", "--tree", TREE], environ={"GITHUB_OUTPUT": str(output)}) == 0
    assert output.read_text() == "run=false\n" and "tests: skipped" in capsys.readouterr().out
    main(["--event", "push", "--tree", TREE], environ={"GITHUB_OUTPUT": str(output)})
    assert output.read_text().splitlines()[-1] == "run=true", "no API address: the tests run"
    with pytest.raises(SystemExit):
        main(["--event", "push", "--tree", "main"], environ={})

"""Two moderators deciding on the same contribution at once: each decision is applied in full, in turn."""

from __future__ import annotations

import datetime as dt
import locale
import multiprocessing
import sys
from pathlib import Path

import pytest

from conftest import ROOT, project_copy

sys.path.insert(0, str(ROOT / "plugins"))
from blogcore.errors import SiteError  # noqa: E402
from community import moderation, store  # noqa: E402
from community.model import Contribution, decision_log  # noqa: E402

ROUNDS = 20
SECRET = "Texte très personnel de Zoé"


@pytest.fixture
def site(tmp_path):
    project = project_copy(tmp_path)
    # Pelican's read_settings sets the process locale (LOCALE = C): later tests decode
    # their subprocesses' output with the locale's encoding, so it is put back.
    saved = locale.setlocale(locale.LC_ALL)
    try:
        yield moderation.load_site(project / "pelicanconf.py")
    finally:
        locale.setlocale(locale.LC_ALL, saved)


def pending(site, ident: str) -> Path:
    tz = site.tz
    contribution = Contribution(id=ident, article="second", author="Zoé Lectrice", body=SECRET,
                                date=dt.datetime(2021, 7, 2, 8, 30, tzinfo=tz), source="e-mail")
    return store.write(site.contributions_root, contribution)


def _act(site, action: str, ident: str, start, results) -> None:
    start.wait()
    try:
        if action == "approve":
            moderation.approve(site, ident, "Alice")
        elif action == "redact":
            moderation.redact(site, ident, "Bruno")
        else:
            moderation.reject(site, ident, "hors sujet", "Chloé")
        results.put((action, "done"))
    except SiteError as exc:
        results.put((action, str(exc)))


def race(site, ident: str, first: str, second: str) -> dict[str, str]:
    """Run two decisions in two processes released at the same instant; what each one reported."""
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    results = context.Queue()
    workers = [context.Process(target=_act, args=(site, action, ident, start, results)) for action in (first, second)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return dict(results.get(timeout=5) for _ in workers)


def reread(site, path: Path) -> Contribution:
    contribution, problems = store.parse_contribution(path.read_text(encoding="utf-8"), str(path), site.tz)
    assert not problems, problems  # never a mangled file
    return contribution


def test_approve_and_redact_together_always_end_redacted(site):
    for round_ in range(ROUNDS):
        ident = f"c-race-redact-{round_}"
        path = pending(site, ident)
        order = ("approve", "redact") if round_ % 2 else ("redact", "approve")
        reported = race(site, ident, *order)
        assert reported["redact"] == "done"
        final = reread(site, path)
        assert final.status == "redacted" and final.body == "" and final.author == "", reported
        actions = [d.action for d in decision_log(final)]
        if reported["approve"] == "done":  # the approval came first: the record shows it, then the redaction
            assert actions == ["approved", "redacted"]
        else:  # the redaction came first: the approval was refused, naming why
            assert "redacted" in reported["approve"] and actions == ["redacted"]
        assert SECRET not in path.read_text(encoding="utf-8")
    leftovers = [p.name for p in site.contributions_root.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_approve_and_reject_together_end_in_the_decision_applied_last(site):
    outcomes = set()
    for round_ in range(ROUNDS):
        ident = f"c-race-reject-{round_}"
        path = pending(site, ident)
        reported = race(site, ident, "approve", "reject")
        assert reported == {"approve": "done", "reject": "done"}
        final = reread(site, path)
        log = decision_log(final)
        assert sorted(d.action for d in log) == ["approved", "rejected"]
        assert final.status == log[-1].action and final.moderator == log[-1].moderator
        assert final.body == SECRET
        outcomes.add(final.status)
    assert outcomes <= {"approved", "rejected"}


def test_a_second_approval_keeps_the_first_moderators_record(site):
    path = pending(site, "c-twice")
    first = dt.datetime(2026, 11, 1, 10, 0, tzinfo=site.tz)
    second = dt.datetime(2026, 11, 2, 11, 30, tzinfo=site.tz)
    moderation.approve(site, "c-twice", "Alice", now=first)
    moderation.approve(site, "c-twice", "Bruno", now=second)
    log = decision_log(reread(site, path))
    assert [(d.when, d.action, d.moderator) for d in log] == [(first, "approved", "Alice"),
                                                              (second, "approved", "Bruno")]
    text = path.read_text(encoding="utf-8")
    # One decision per line, so that the pull request's diff shows each decision added.
    assert "Decisions: 2026-11-01 10:00:00+01:00 approved by Alice;\n    2026-11-02 11:30:00+01:00 approved by Bruno" in text


def test_a_moderator_name_that_would_break_the_record_is_refused(site):
    pending(site, "c-name")
    with pytest.raises(SiteError, match="moderator"):
        moderation.approve(site, "c-name", "Alice; 2020-01-01 00:00:00+01:00 rejected by Bruno")


def test_a_hand_written_bad_record_fails_with_the_field_and_the_fix(site):
    path = pending(site, "c-bad-record")
    path.write_text(path.read_text(encoding="utf-8").replace("Source:", "Decisions: hier approuvé\nSource:"),
                    encoding="utf-8")
    _, problems = store.parse_contribution(path.read_text(encoding="utf-8"), str(path), site.tz)
    assert [(p.field, p.value) for p in problems] == [("Decisions:", "hier approuvé")]
    assert "approved by Nom" in problems[0].fix

"""The desk end to end (issue 27), in Debian's chromium: `invoke desk` over a real git working copy.

A writer creates an article through the form and publishes it: the live preview shows it, and
the file passes `invoke check`. A moderator approves one pending contribution and refuses
another, each arrived from the team repository on the intake's branch: the preview shows the
first under its article and never the second, and each file records the decision (who, when,
what) as the tasks do. The driver is scripts/deskdrive.py (also the benchmark of the figures).
"""

from __future__ import annotations

import shutil

import pytest

import deskdrive
from browser import browser
from conftest import invoke

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="the desk's local server runs on Node.js")


def test_a_writer_publishes_and_a_moderator_decides_through_the_desk(tmp_path):
    repo, (first, second) = deskdrive.make_repository(tmp_path, pending=2)
    desk = deskdrive.Desk(repo)
    try:
        with browser() as chromium:
            page = chromium.new_page(viewport={"width": 1400, "height": 1000})
            page.on("dialog", lambda dialog: dialog.accept())
            deskdrive.open_desk(page, desk.base)
            # the pending contributions are in review, listed with their author and text
            deskdrive.leave_editor(page, desk.base)
            assert page.get_by_text("Lectrice 1 sur citoyens", exact=False).count() == 1
            deskdrive.write_article(page, desk.base, repo, "Une marque qui écoute", "une-marque-qui-ecoute",
                                    "Yves Duron", "Strat", "Premier paragraphe, écrit dans le navigateur.\n")
            desk.settle()
            deskdrive.wait_for(lambda: "Une marque qui écoute" in (deskdrive.fetch(
                desk.base + "/une-marque-qui-ecoute/") or ""), 120, "the article never reached the preview")
            deskdrive.moderate(page, desk.base, repo, "citoyens", first, "approved")
            desk.settle()
            deskdrive.moderate(page, desk.base, repo, "citoyens", second, "rejected", reason="hors sujet")
            deskdrive.wait_for(lambda: f"contribution-{first}" in (deskdrive.fetch(desk.base + "/citoyens/") or ""),
                               120, "the approved contribution never reached the preview")
    finally:
        desk.stop()
    # the preview is stopped: the built files are what it served
    built = (repo / "output" / "citoyens" / "index.html").read_text(encoding="utf-8")
    assert f'id="contribution-{first}"' in built and "Contribution numéro 1" in built
    assert f"contribution-{second}" not in built and "Contribution numéro 2" not in built
    approved = (repo / "content" / "contributions" / "citoyens" / f"{first}.md").read_text(encoding="utf-8")
    refused = (repo / "content" / "contributions" / "citoyens" / f"{second}.md").read_text(encoding="utf-8")
    assert "Status: approved\n" in approved and " approved by Alice Martin" in approved
    assert "Status: rejected\n" in refused and "Reason: hors sujet\n" in refused and " rejected by Alice Martin" in refused
    article = (repo / "content" / "articles" / "une-marque-qui-ecoute.md").read_text(encoding="utf-8")
    assert article.startswith("Title: Une marque qui écoute\nSlug: une-marque-qui-ecoute\nDate: ")
    assert "Author: Yves Duron\nCategory: Stratégie\n" in article and "Feed_id: tag:marques-communautes.github.io," in article
    assert deskdrive.git(repo, "status", "--porcelain") == "", "the desk leaves nothing uncommitted"
    check = invoke(repo, "check")
    assert check.returncode == 0, check.stdout + check.stderr

"""The publish pipeline: a production build, quality gates, deploy targets.

`invoke check --production` builds the site with publishconf.py (every
warning fatal) and runs the gates; `invoke publish` does the same, then
deploys only if every gate passed (tasks.py). Modules:

    site.py          the built site: its folder, its public address, URL <-> file
    contenttypes.py  the Content-Type of each file (S3 objects, the browser gates)
    htmlgate.py      gate "html":  the Nu Html Checker (vnu.jar) over every page, in one run
    links.py         gate "links": internal links, #anchors, sitemap, feed and OPML links resolve
    feedrules.py     the offline W3C feed rules (also used by the feed tests)
    feeds.py         gate "feeds": feedparser, the offline rules, rel="self" is the feed's address
    browsergate.py   gates "a11y" (axe-core) and "hosts" (no request to another host), in chromium
    gates.py         runs the gates (vnu in parallel with the others) and reports
    gitpages.py      git target: a gh-pages style branch, with plain git
    schedule.py      on time: the set of texts due now against the deployed site's publication.json
                     (the scheduled check, standard library only; `invoke publish` writes the file)
    s3.py            S3 target: boto3, only changed files, deletions last
    traces.py        what an erasure looks for (a redacted contribution's name, addresses, text)
                     and how it finds it in any file (decompressed, unescaped, as text)
    erasure.py       `invoke contributions.erase`: the public history rewritten without those
                     traces (git), the versions that hold them deleted (S3), then verified
    testedtree.py    CI: whether a publish runs the tests (not when this exact tree passed them)
    reviewgate.py    CI: deploy only what reached main through a pull request its owners
                     (.github/CODEOWNERS) approved; standard library only, like testedtree.py

Every problem is a blogcore.errors.Problem: it names the file (page, feed
or object), the rule, the value and the fix.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Problems are blogcore's (plugins/blogcore/errors.py), as everywhere in the project.
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))


def shown(path: Path) -> str:
    """A path as messages show it: relative to the project when it is inside."""
    try:
        return Path(path).relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)

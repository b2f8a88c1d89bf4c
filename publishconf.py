"""Pelican settings for production (`invoke preview`, `invoke publish`).

SITEURL is absolute. It defaults to DEFAULT_SITEURL below and can be
overridden with the SITEURL environment variable, for example:

    SITEURL=https://blog.example.org invoke preview
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *  # noqa: E402,F401,F403

# Documented default: the GitHub Pages address of the project. Override it
# with the SITEURL environment variable (no trailing slash).
DEFAULT_SITEURL = "https://marques-communautes.github.io"
SITEURL = os.environ.get("SITEURL", DEFAULT_SITEURL).rstrip("/")
RELATIVE_URLS = False

# Drafts and future-dated articles appear nowhere in production.
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_URL = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_URL = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_URL = ""
DRAFT_PAGE_LANG_SAVE_AS = ""

DELETE_OUTPUT_DIRECTORY = True
CACHE_PATH = str(Path(__file__).resolve().parent / "cache" / "production")

# The version history counts only what readers were shown (README, "History of changes"): the
# public repository's branch names the source commit of each deploy. publish.yml and erase.yml set
# DEPLOYED_FROM to that repository's address (read anonymously: it is public) and, if it is not
# gh-pages, DEPLOYED_BRANCH. Without it (a local preview, a site deployed to S3) every state of
# main counts, and the build's log says so.
if os.environ.get("DEPLOYED_FROM"):
    TRANSPARENCY = {**TRANSPARENCY, "deployed_from": {  # noqa: F405
        "remote": os.environ["DEPLOYED_FROM"], "branch": os.environ.get("DEPLOYED_BRANCH") or "gh-pages"}}

EDITORIAL = {**EDITORIAL, "production": True}  # noqa: F405
# Full-text search (plugins/search/): the index is built with the production site.
# Set "enabled": False here to publish the site without search.
SEARCH = {**SEARCH, "enabled": True}  # noqa: F405
# The desk (plugins/desk/): absent from the published site unless DESK_GITHUB_REPO names the team's
# repository (README, "For writers": the desk against GitHub); then /admin/ is noindex, in no list,
# sitemap, feed or search record, and loads its code from the site itself.
DESK = {
    "enabled": bool(os.environ.get("DESK_GITHUB_REPO")),
    "backend": "github",
    "repo": os.environ.get("DESK_GITHUB_REPO", ""),
    "branch": os.environ.get("DESK_BRANCH") or "main",
    "base_url": os.environ.get("DESK_AUTH_URL", ""),
}

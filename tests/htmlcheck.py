"""Helpers to read built pages, shared with the publishing gates (scripts/publishing/htmlcheck.py)."""

from publishing.htmlcheck import *  # noqa: F401,F403

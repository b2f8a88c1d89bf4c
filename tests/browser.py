"""The browser harness for tests: scripts/publishing/browser.py, skipping when chromium is missing."""

from contextlib import contextmanager

import pytest

from publishing import browser as _harness
from publishing.browser import *  # noqa: F401,F403  (Visit, visit, serve_directory, CHROMIUM...)


@contextmanager
def browser(**launch_options):
    """The harness's browser; the test is skipped when chromium or playwright is missing."""
    try:
        context = _harness.browser(**launch_options)
        instance = context.__enter__()
    except _harness.BrowserUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield instance
    finally:
        context.__exit__(None, None, None)

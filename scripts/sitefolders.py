"""Folders a build writes beside the site, so that a failed or interrupted build never replaces a good one.

A build writes into a fresh staging folder next to its output
(``.output-new-<pid>-<random>``), and only a finished build is put in place
of the output, by two renames that no signal can split. Folders left by a
build that was killed (its process is gone) are removed by the next one.
Used by tasks.py (every build) and the live preview (livepreview/).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
from pathlib import Path


def staging_folder(target: Path, kind: str = "new") -> Path:
    """A fresh folder beside `target`, named for this process, after removing those of dead builds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    own = re.compile(rf"\.{re.escape(target.name)}-(?:new|old)-(\d+)-")
    for stale in target.parent.glob(f".{target.name}-*-*"):
        found = own.match(stale.name)
        if found and stale.is_dir() and not _alive(int(found.group(1))):
            shutil.rmtree(stale, ignore_errors=True)  # left by a build that was killed
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}-{kind}-{os.getpid()}-", dir=target.parent))
    # mkdtemp makes it private (0700): a web server running as another user must read the site.
    folder.chmod(0o755)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def swap_in(staging: Path, target: Path, remove_old: bool = True) -> Path | None:
    """Put a finished folder in place of `target` (two renames, never interrupted: never a half-written site).

    The folder it replaced is removed, or, with ``remove_old=False``, returned
    for the caller to remove when it has time (removing two thousand folders
    takes seconds on a loaded disk: the live preview does it after telling the
    browser). A folder the caller never removes is removed by a later build,
    once this process is gone.
    """
    staging, target = Path(staging), Path(target)
    old = target.with_name(f".{target.name}-old-{os.getpid()}-{staging.name[-8:]}")
    stopping = {signal.SIGINT, signal.SIGTERM}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
    try:
        if target.exists():
            target.rename(old)
        staging.rename(target)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    if remove_old:
        shutil.rmtree(old, ignore_errors=True)
        return None
    return old if old.exists() else None

"""The files of ``admin/`` that the build copies: Decap CMS from npm, the desk's own code.

Decap CMS comes from the npm package ``decap-cms`` (pinned in package.json,
installed by scripts/setup into ``node_modules/``, like Pagefind): its bundle
``decap-cms.js``, the chunks it loads on demand (``<n>.decap-cms.js``, two
WebAssembly files) and its licence notice, never its source maps. Nothing is
downloaded at build time, and the page loads nothing from another host.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from blogcore.errors import SiteError

ROOT = Path(__file__).resolve().parents[2]
DECAP_DIST = ROOT / "node_modules" / "decap-cms" / "dist"
STATIC = Path(__file__).resolve().parent / "static"
OWN_FILES = ("manual-init.js", "headerformat.js", "desk.js", "desk.css")
FIX_INSTALL = ("run scripts/setup (it installs the npm package decap-cms pinned in package.json into node_modules/), "
               "or turn the desk off with DESK = {\"enabled\": False}")


def decap_files(dist: Path = DECAP_DIST) -> list[Path]:
    """Decap's files the page needs (bundle, chunks, WebAssembly, licence), without source maps."""
    main = dist / "decap-cms.js"
    if not main.is_file():
        raise SiteError(str(main), "DESK", "decap-cms", "Decap CMS is not installed", FIX_INSTALL)
    wanted = [main, dist / "decap-cms.js.LICENSE.txt"]
    wanted += sorted(p for p in dist.glob("*.decap-cms.js"))
    wanted += sorted(dist.glob("*.wasm"))
    return [p for p in wanted if p.is_file()]


def copy(target: Path) -> int:
    """Copy the desk's code and Decap's files into `target` (the desk's folder); return the bytes copied."""
    total = 0
    (target / "decap").mkdir(parents=True, exist_ok=True)
    for source in decap_files():
        shutil.copyfile(source, target / "decap" / source.name)
        total += source.stat().st_size
    for name in OWN_FILES:
        shutil.copyfile(STATIC / name, target / name)
        total += (STATIC / name).stat().st_size
    return total

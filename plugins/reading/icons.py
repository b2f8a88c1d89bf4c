"""The favicon and touch icons, made from the site's logo (``theme/static/images/logo.svg``).

Run by ``invoke icons`` when the logo changes, never by a build: the icons are
committed in ``theme/static/icons/`` (a build copies them as any theme file),
so that building the site needs no browser. Debian's chromium (the one the tests
drive) draws the SVG at each size, transparent around the logo's rounded
corners; Pillow writes the PNGs and the ``favicon.ico`` (16 and 32 px, for the
browsers that ask for no other). ``logo.sha256`` records which logo they were
made from: a test fails when the logo changed and the icons were not made again.
The SVG logo itself is the favicon of the browsers that take one.
"""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path

# file -> side in pixels: the touch icon of iOS (180), Android's and the web app manifest's (192, 512).
PNG_SIZES = {"apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512}
ICO_SIZES = (16, 32)
STAMP = "logo.sha256"


def logo_digest(logo: Path) -> str:
    """The SHA-256 of the logo file, as recorded beside the icons made from it."""
    return hashlib.sha256(Path(logo).read_bytes()).hexdigest()


def _render(page, svg: bytes, side: int) -> bytes:
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    page.set_viewport_size({"width": side, "height": side})
    page.set_content(f'<html><body style="margin:0;background:transparent">'
                     f'<img src="{source}" width="{side}" height="{side}" style="display:block"></body></html>')
    page.wait_for_function("document.images[0].complete")
    return page.screenshot(omit_background=True, clip={"x": 0, "y": 0, "width": side, "height": side})


def make(logo: Path, folder: Path, browser) -> list[Path]:
    """Draw every icon from `logo` into `folder` with a Playwright chromium `browser`; the files written."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    svg = Path(logo).read_bytes()
    page = browser.new_page()
    written = []
    try:
        for name, side in PNG_SIZES.items():
            image = Image.open(io.BytesIO(_render(page, svg, side))).convert("RGBA")
            image.save(folder / name, optimize=True)
            written.append(folder / name)
        biggest = Image.open(io.BytesIO(_render(page, svg, 64))).convert("RGBA")
        biggest.save(folder / "favicon.ico", sizes=[(s, s) for s in ICO_SIZES])
        written.append(folder / "favicon.ico")
    finally:
        page.close()
    (folder / STAMP).write_text(logo_digest(logo) + "  " + Path(logo).name + "\n", encoding="utf-8")
    return written + [folder / STAMP]

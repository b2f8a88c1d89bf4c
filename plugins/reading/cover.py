"""The cover image of an article: the ``Image:`` and ``Image-description:`` header fields.

``Image:``              a file of the site's own content, written as a Markdown
                        image is: ``{static}/images/couverture.jpg`` (from
                        ``content/``; the desk writes this form) or
                        ``{static}couverture.jpg`` (beside the article). It must
                        be in one of ``STATIC_PATHS`` (so that it is published)
                        and be a PNG, JPEG, WebP or GIF that Pillow can read.
``Image-description:``  required with ``Image:``: what the image shows, for who
                        does not see it (its alternative text).

Never a remote address, never a file outside ``content/`` (a ``..`` or a
symbolic link that leads out is refused): the site publishes only its own
files. The real width and height are read from the file (Pillow reads its
header only), for ``og:image:width``/``height``, the Twitter card and the
``<img>`` size that keeps the page from jumping as it loads.

Shared by the editorial validator (which reports a bad value, in French,
before Pelican reads the file) and by this plugin's hooks (which give the
templates and the feeds a :class:`Cover`). Pure functions and file reads:
no Pelican.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

IMAGE = "image"
DESCRIPTION = "image-description"
FIELDS = (IMAGE, DESCRIPTION)
PREFIX = "{static}"
EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".gif")
FORMAT_FIX = ("écrivez « Image: {static}/images/couverture.jpg » avec une image (PNG, JPEG, WebP ou GIF) "
              "placée dans content/images/")
# French, the writers' language: the build prints them and the desk shows them.
MESSAGES = {
    "description_missing": ("une image de couverture a besoin d'une description pour qui ne la voit pas",
                            "ajoutez sous « Image: » une ligne « Image-description: » qui dit en une phrase ce que "
                            "l'image montre (par exemple « Image-description: Une salle de réunion, des post-it "
                            "sur le mur »)"),
    "description_alone": ("une description sans image de couverture",
                          "ajoutez la ligne « Image: {static}/images/… » ou retirez « Image-description: »"),
    "remote": ("une image d'un autre site n'est jamais publiée (le site ne charge rien d'ailleurs)",
               "enregistrez l'image dans content/images/ et écrivez « Image: {static}/images/<fichier> »"),
    "form": ("l'adresse de l'image ne commence pas par {static}", FORMAT_FIX),
    "outside": ("ce chemin sort du dossier content/ : seules les images du site sont publiées",
                "placez l'image dans content/images/ et écrivez « Image: {static}/images/<fichier> »"),
    "missing": ("aucun fichier à cet endroit", "vérifiez le nom et le dossier de l'image (depuis content/ quand le "
                                               "chemin commence par {static}/), ou ajoutez le fichier"),
    "not_static": ("ce dossier n'est pas publié tel quel (il n'est pas dans STATIC_PATHS)",
                   "placez l'image dans content/images/ et écrivez « Image: {static}/images/<fichier> »"),
    "extension": ("ce n'est pas une image que les navigateurs et les réseaux sociaux affichent tous", FORMAT_FIX),
    "unreadable": ("le fichier n'est pas une image lisible ({error})",
                   "enregistrez à nouveau l'image en PNG, JPEG ou WebP depuis votre logiciel d'images"),
}


# A cover tops the home page's cards and the article's first screen, often on a phone's data plan: above
# this, `invoke check` (warnings are fatal there) asks for a lighter file. 1200 px wide is what social
# networks show at most; a JPEG or WebP of that width weighs 100 to 300 kB.
HEAVY_BYTES = 500_000
HEAVY = ("l'image pèse {kb} ko : elle ralentit la page d'accueil et l'article sur un téléphone",
         "enregistrez-la en 1200 px de large au plus, en JPEG ou WebP (qualité 80), pour rester sous {max} ko")


@dataclass(frozen=True)
class Cover:
    """An article's cover image, as the templates and the feeds use it."""

    url: str          # site-relative address (``images/couverture.jpg``)
    source: str       # its path in content/ (``images/couverture.jpg``)
    description: str
    width: int
    height: int
    mime: str
    length: int       # bytes (an RSS enclosure gives it)


@dataclass(frozen=True)
class CoverProblem:
    """A bad value: the field as written in headers, the value, what is wrong, the fix."""

    field: str
    value: object
    message: str
    fix: str


def _problem(field: str, value, key: str, **details) -> CoverProblem:
    message, fix = MESSAGES[key]
    return CoverProblem(field, value, message.format(**details) if details else message, fix)


def resolve(value: str, source_file: Path, content_root: Path) -> tuple[Path | None, str]:
    """The file an ``Image:`` value names and its path in content/, or (None, key of the problem)."""
    value = value.strip()
    lowered = value.lower()
    if "://" in lowered or lowered.startswith(("//", "\\\\", "data:", "http:", "https:")):
        return None, "remote"
    if not value.startswith(PREFIX):
        return None, "form"
    raw = value[len(PREFIX):]
    if not raw or "\\" in raw or "\x00" in raw:
        return None, "form"
    base = content_root if raw.startswith("/") else Path(source_file).parent
    root = os.path.abspath(content_root)
    # normpath first: a ".." that leads out is refused even when the file does not exist.
    target = os.path.normpath(os.path.join(os.path.abspath(base), raw.lstrip("/")))
    if os.path.commonpath([root, target]) != root:
        return None, "outside"
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(target)]) != real_root:
        return None, "outside"  # a symbolic link out of content/
    if not os.path.isfile(target):
        return None, "missing"
    return Path(target), PurePosixPath(Path(target).relative_to(root)).as_posix()


def _is_static(relative: str, static_paths) -> bool:
    return any(relative == p.strip("/") or relative.startswith(p.strip("/") + "/") for p in static_paths if p)


def measure(path: Path) -> tuple[int, int, str]:
    """Width, height and MIME type read from the image file's header (OSError/ValueError when unreadable)."""
    from PIL import Image  # Pillow: only when a text has a cover image

    with Image.open(path) as image:
        width, height = image.size
        mime = Image.MIME.get(image.format or "", "")
    if not mime or width <= 0 or height <= 0:
        raise ValueError("format inconnu")
    return width, height, mime


def check(fields: dict[str, str], source_file: Path, content_root: Path, static_paths) -> list[CoverProblem]:
    """Every problem of the cover fields of one text (empty when it has none or they are right)."""
    value = (fields.get(IMAGE) or "").strip()
    description = (fields.get(DESCRIPTION) or "").strip()
    if not value:
        return [_problem("Image-description:", description, "description_alone")] if description else []
    problems = []
    if not description:
        problems.append(_problem("Image-description:", None, "description_missing"))
    path, relative = resolve(value, source_file, content_root)
    if path is None:
        return problems + [_problem("Image:", value, relative)]
    if not _is_static(relative, static_paths):
        return problems + [_problem("Image:", value, "not_static")]
    if path.suffix.lower() not in EXTENSIONS:
        return problems + [_problem("Image:", value, "extension")]
    try:
        measure(path)
    except Exception as exc:  # Pillow raises many types for a broken or hostile file
        problems.append(_problem("Image:", value, "unreadable", error=type(exc).__name__))
    return problems


def heaviness(fields: dict[str, str], source_file: Path, content_root: Path) -> str:
    """A French warning when a (good) cover image is heavier than HEAVY_BYTES ("" when it is light)."""
    value = (fields.get(IMAGE) or "").strip()
    path, _relative = resolve(value, source_file, content_root) if value else (None, "")
    size = path.stat().st_size if path is not None else 0
    if size <= HEAVY_BYTES:
        return ""
    message, fix = HEAVY
    return f"Image: = {value!r}: {message.format(kb=size // 1000)}. Correction : {fix.format(max=HEAVY_BYTES // 1000)}"


def cover_of(fields: dict[str, str], source_file: Path, content_root: Path, static_url: str = "{path}") -> Cover | None:
    """The cover of a text whose fields passed :func:`check` (None when it has none)."""
    value = (fields.get(IMAGE) or "").strip()
    if not value:
        return None
    path, relative = resolve(value, source_file, content_root)
    if path is None:
        return None
    width, height, mime = measure(path)
    return Cover(url=static_url.format(path=relative), source=relative,
                 description=" ".join((fields.get(DESCRIPTION) or "").split()), width=width, height=height,
                 mime=mime, length=path.stat().st_size)

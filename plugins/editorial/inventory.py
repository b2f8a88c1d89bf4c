"""Every file under content/ and theme/ is either published from where it belongs, or refused by name.

Two ways a file could reach readers without anyone having checked it, or
vanish without anyone noticing, both closed here before Pelican reads a file:

- a symbolic link that points outside the repository (``content/images/env.txt
  -> /proc/self/environ`` would publish the build's environment: CI tokens,
  cloud keys). Pelican follows links when it copies files; this refuses them,
  naming the link and its target;
- a file where the build does not look (the root of content/, content/drafts/,
  an unknown folder, ``Article.MD``, which Pelican does not read because it
  only knows lower-case extensions) or a hidden file (``.notes.md``: hidden
  files are never read, see IGNORE_FILES in pelicanconf.py). Each is an error
  saying where it belongs, unless ``EDITORIAL["ignored_files"]`` lists it.

Editor backups and swap files (``*~``, ``.*.swp``, ``#*#``...) are skipped
quietly (and IGNORE_FILES keeps Pelican from publishing them).
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from pathlib import Path, PurePosixPath

from blogcore.errors import Problem, display_path

# What editors leave beside the files they edit (vim, emacs, gedit, kate...).
EDITOR_FILES = ("*~", ".*.sw?", ".*.swp", "#*#", ".#*", ".*.kate-swp", ".~lock.*#")
# The extensions Pelican's readers know (exactly: it compares them case-sensitively).
READ_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown", ".html", ".htm")
TEXT_EXTENSIONS = frozenset(READ_EXTENSIONS)
PLACE_FIX = ("les articles vont dans content/articles/ (avec « Status: draft » tant qu'ils sont des brouillons), "
             "les pages dans content/pages/, les images dans content/images/ ; ou listez le fichier dans "
             "EDITORIAL['ignored_files'] (pelicanconf.py) s'il doit rester là sans être publié")


def repository_of(path: Path) -> Path:
    """The repository holding a folder: git's top level, or the folder's parent outside git."""
    try:
        found = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, text=True,
                               timeout=10)
        if found.returncode == 0 and found.stdout.strip():
            return Path(found.stdout.strip()).resolve()
    except (OSError, subprocess.SubprocessError):
        pass
    return path.resolve().parent


def is_editor_file(name: str) -> bool:
    """Whether a file name is an editor's backup, swap or lock file."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in EDITOR_FILES)


def outside_links(folder: Path, repository: Path) -> list[Problem]:
    """Symbolic links under `folder` whose target is outside `repository` (or missing)."""
    problems: list[Problem] = []
    if not folder.is_dir():
        return problems
    seen: set[str] = set()
    # (folder, its real path): a plain sub-folder's real path is its parent's plus its name, so
    # only links are resolved (content/ holds a thousand folders of contributions).
    pending = [(str(folder), str(folder.resolve()))]
    while pending:
        current, real = pending.pop()
        if real in seen:
            continue
        seen.add(real)
        with os.scandir(current) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_symlink():
                    path = Path(entry.path)
                    target = path.resolve()
                    if not target.is_relative_to(repository):
                        problems.append(Problem(display_path(path.parent) + "/" + entry.name, "lien symbolique",
                                                f"{entry.name} -> {os.readlink(path)}",
                                                f"pointe hors du dépôt ({target}) : son contenu serait publié",
                                                "remplacez le lien par une copie du fichier, dans le dépôt, ou "
                                                "supprimez-le"))
                        continue
                    if not target.exists():
                        problems.append(Problem(display_path(path.parent) + "/" + entry.name, "lien symbolique",
                                                f"{entry.name} -> {os.readlink(path)}", "ne pointe vers rien",
                                                "corrigez la cible du lien ou supprimez le lien"))
                        continue
                    if entry.is_dir():  # a link to a folder inside the repository is walked too
                        pending.append((entry.path, str(target)))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, os.path.join(real, entry.name)))
    return problems


class Inventory:
    """Places of the content folder and what may be found in each (from the Pelican settings)."""

    def __init__(self, settings: dict, authors_path: str, ignored: tuple[str, ...]):
        self.root = Path(settings["PATH"])
        self.readable = tuple(settings.get("ARTICLE_PATHS", [])) + tuple(settings.get("PAGE_PATHS", []))
        # Folders that hold data read by a plugin of ours (authors, contributions): not Pelican's business.
        excluded = set(settings.get("ARTICLE_EXCLUDES", [])) | set(settings.get("PAGE_EXCLUDES", []))
        self.data = tuple(sorted((excluded | {authors_path}) - set(self.readable)))
        self.static = tuple(settings.get("STATIC_PATHS", []))
        self.ignored = ignored
        # Top-level folders where a lower-case .md file is always in its place.
        self._md_places = frozenset(p.split("/")[0] for p in self.readable + self.data if "/" not in p.strip("/"))

    def _place(self, relative: PurePosixPath) -> str:
        text = relative.as_posix()

        def under(folders) -> bool:
            return any(text == f or text.startswith(f.rstrip("/") + "/") for f in folders)

        if under(self.readable):
            return "read"
        if under(self.data):
            return "data"
        if under(self.static):
            return "static"
        return "nowhere"

    def problems(self) -> list[Problem]:
        """Every file that would be silently ignored or published unchecked."""
        problems: list[Problem] = []
        if not self.root.is_dir():
            return problems
        shown_root = display_path(self.root)
        # One scandir walk (plain strings: a site has thousands of contribution files).
        pending = [("", str(self.root))]
        while pending:
            base, folder = pending.pop()
            with os.scandir(folder) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    name = entry.name
                    relative = f"{base}/{name}" if base else name
                    if entry.is_dir(follow_symlinks=False):
                        if name.startswith("."):
                            if not self._is_ignored(PurePosixPath(relative)):
                                problems.append(Problem(f"{shown_root}/{relative}/", "nom du dossier", name,
                                                        "un dossier caché n'est jamais publié ni vérifié",
                                                        "renommez-le sans le point du début, sortez-le de "
                                                        f"content/, ou listez « {relative}/* » dans "
                                                        "EDITORIAL['ignored_files']"))
                            continue
                        pending.append((relative, entry.path))
                    elif (name.endswith(".md") and name[0] not in ".#" and base.split("/", 1)[0] in self._md_places
                          and base):
                        continue  # the usual file, where it belongs (a site has thousands of contributions)
                    elif not is_editor_file(name) and not (self.ignored and self._is_ignored(PurePosixPath(relative))):
                        problem = self._check_file(PurePosixPath(relative), name, f"{shown_root}/{relative}")
                        if problem:
                            problems.append(problem)
        return problems

    def _is_ignored(self, relative: PurePosixPath) -> bool:
        return any(fnmatch.fnmatchcase(relative.as_posix(), pattern) for pattern in self.ignored)

    def _check_file(self, relative: PurePosixPath, name: str, shown: str) -> Problem | None:
        suffix = os.path.splitext(name)[1]
        if name.startswith("."):
            return Problem(shown, "nom du fichier", name, "un fichier caché n'est jamais publié ni vérifié",
                           "renommez-le sans le point du début (pour le publier), supprimez-le, ou listez-le dans "
                           "EDITORIAL['ignored_files']")
        place = self._place(relative)
        if place == "read" and suffix.lower() in TEXT_EXTENSIONS and suffix not in READ_EXTENSIONS:
            return Problem(shown, "nom du fichier", name,
                           "Pelican ne lit que les extensions en minuscules : il l'ignorerait",
                           f"renommez-le en {name[:-len(suffix)]}{suffix.lower()}")
        if place == "static" and suffix.lower() in (".md", ".markdown", ".mkd", ".mdown"):
            return Problem(shown, "nom du fichier", name,
                           "un fichier Markdown dans un dossier statique serait publié brut, sans vérification",
                           PLACE_FIX)
        if place == "nowhere":
            what = "fichier Markdown ou HTML" if suffix.lower() in TEXT_EXTENSIONS else "fichier"
            return Problem(shown, "nom du fichier", name, f"ce {what} est dans un dossier que la construction ne "
                           "lit pas : il ne serait jamais publié", PLACE_FIX)
        return None

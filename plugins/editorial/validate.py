"""Check every article and page before Pelican reads them.

Pelican logs a broken header and skips the file, so an article can silently
disappear from the site. This module takes each file as Pelican will read it
(:mod:`blogcore.sources`: paths, statuses, dates, slugs) and turns each
problem into a :class:`~blogcore.errors.Problem` naming the file, the field,
the value and the fix, in French; the plugin then fails the build with all of
them at once. Warnings (a missing summary, an unknown field, a placeholder of
``invoke new`` in the local preview) are Problems too: fatal in ``invoke
check`` and the production build.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import os
import re
import unicodedata
import urllib.parse
from pathlib import Path

from blogcore.errors import Problem, display_path
from blogcore.isodate import DateError
from blogcore.sources import STATUSES, Site, Source

from reading import cover
from transparency import fields as transparency_fields

from .config import EditorialConfig

log = logging.getLogger(__name__)

# Files a writer may keep beside an article and link with {attach} or {static}.
STATIC_EXTENSIONS = {
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".pdf",
    ".mp3", ".mp4", ".webm", ".ogg", ".csv", ".txt",
}
ORIGINS = {
    "title_origin": ("source", "editorial"),
    "date_origin": ("source", "editorial"),
    "author_origin": ("source", "unknown"),
}
KNOWN_FIELDS = {
    "title", "slug", "date", "author", "authors", "category",
    "tags", "keywords", "summary", "lang", "status", "template", "save_as",
    "url", "translation", "source", "source_url", "source_note", "feed_id", *ORIGINS,
    *transparency_fields.FIELDS,  # Partnership, Sponsor, Correction... (plugins/transparency/fields.py)
    *cover.FIELDS,  # Image, Image-description (plugins/reading/cover.py)
}
REQUIRED = {"article": ("title", "date", "author"), "page": ("title",)}
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# What `invoke new` writes for the writer to replace (tasks.py writes these very texts): each one
# fails `invoke check` and the production build while it is still there.
PLACEHOLDERS = {
    "summary": "Résumé en une ou deux phrases, affiché dans les listes et les flux.",
    "tags": "à-trier",
    "body": "Premier paragraphe de l'article.",
}
# The messages of the fields a writer fills in, in French: the build prints them and the desk
# (plugins/desk) shows the same ones in its form.
MESSAGES = {
    "required": ("l'en-tête n'a pas de ligne {field}", {
        "title": "ajoutez en haut du fichier une ligne « Title: Le titre »",
        "date": "ajoutez à l'en-tête une ligne « Date: 2026-11-22 10:00:00+01:00 »",
        "author": "ajoutez « Author: Prénom Nom » (ou « Author: Auteur inconnu » avec « Author_origin: unknown »)",
    }),
    "status": ("statut inconnu", "utilisez l'un de : " + ", ".join(STATUSES)),
    "origin": ("valeur inconnue", "utilisez l'un de : {allowed}"),
    "source_url": ("pas une adresse web absolue", "écrivez l'adresse complète, commençant par https:// ou http://"),
    "lang": ("ce site ne publie qu'en « {lang} » ; Pelican traiterait le fichier comme une traduction cachée",
             "écrivez « Lang: {lang} »"),
    "title_slug": ("le titre n'a ni lettre ni chiffre pour faire l'adresse de la page",
                   "ajoutez sous le titre une ligne « Slug: mon-article » (a-z, 0-9 et tirets simples)"),
    "slug": ("une adresse (slug) s'écrit en minuscules", "n'utilisez que a-z, 0-9 et des tirets simples, "
             "par exemple « mon-article »"),
    "date": ("ce n'est pas une date lisible",
             "écrivez une date ISO 8601, par exemple 2009-02-25 10:00:00+01:00 (ou 2009-02-25)"),
    "category": ("catégorie inconnue : {guess}",
                 "utilisez une catégorie déclarée ({known}) ; une nouvelle catégorie s'ajoute une fois dans "
                 "EDITORIAL[\"categories\"] (pelicanconf.py)"),
    "author_case": ("pas de fiche pour ce nom ; vouliez-vous dire « {name} » ?",
                    "écrivez « Author: {name} », le nom exact de sa fiche ({file})"),
    "author": ("pas de fiche d'auteur pour ce nom",
               "ajoutez sa fiche content/{folder}/<nom>.md (Name:, Role:, Organisation:) ou utilisez le nom "
               "d'une fiche existante : {known}"),
    "placeholder": ("« invoke new » a écrit ce texte à remplacer ; il serait publié tel quel",
                    {"summary": "écrivez à la place le résumé de l'article, en une ou deux phrases",
                     "tags": "remplacez « à-trier » par les étiquettes de l'article (séparées par des virgules)",
                     "body": "remplacez ce paragraphe par le texte de l'article"}),
}
MODIFIED_FIX = ("pour un rectificatif, écrivez « Correction: <date> | <rectificatif|precision|mise-a-jour> | "
                "<phrase> » (il déplace la date que montrent les flux et le plan du site) ; pour un autre "
                "changement à signaler aux lecteurs, écrivez « Note-de-modification: <phrase> » dans l'en-tête "
                "(il déplace « Mis à jour le »)")
LINK_FIX = ("corrigez le chemin (relatif à ce fichier, ou commençant par / pour content/) ou retirez le lien")
# {filename}path, {static}path, {attach}path and the older |filename|path form.
_INTERNAL_LINK = re.compile(r"(?:\{|\|)(filename|static|attach)(?:\}|\|)([^\s\"'()<>#?]+)")
# A Markdown link straight to a source file, which Pelican would leave broken.
_RAW_MD_LINK = re.compile(r"\]\(\s*<?(?!https?:|mailto:|\{|\|)([^)\s>]+\.md)(?:#[^)\s]*)?>?\s*\)")


def loose(text: str) -> str:
    """A name without accents, case or extra spaces: « Camille Témoin » and « camille temoin » are equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def closest(value: str, choices, loosely: bool = False) -> str | None:
    """The declared choice a typo most likely meant (None when none is close)."""
    choices = list(choices)
    if loosely:
        return next((c for c in choices if loose(c) == loose(value)), None)
    by_key = {loose(c): c for c in choices}
    match = next((c for c in choices if loose(c) == loose(value)), None)
    if match:
        return match
    found = difflib.get_close_matches(loose(value), list(by_key), n=1, cutoff=0.6)
    return by_key[found[0]] if found else None


def _reserved_segments(settings: dict) -> set[str]:
    """First URL segments that the site's own pages use: no slug may take them."""
    reserved = {settings.get("THEME_STATIC_DIR", "theme")}
    reserved |= {p.strip("/").split("/")[0] for p in settings.get("STATIC_PATHS", [])}
    for key, value in settings.items():
        if key.endswith("_SAVE_AS") and isinstance(value, str) and value:
            first = value.split("/")[0]
            if "{" not in first and "/" in value:
                reserved.add(first)
    return reserved


class Validator:
    """Collects problems in the content folder; one instance per build."""

    def __init__(self, settings: dict, config: EditorialConfig, now: dt.datetime | None = None,
                 profiles: dict | None = None):
        self.settings = settings
        self.config = config
        self.site = Site(settings, now)
        self.root = self.site.root
        self.tz = self.site.tz
        self.now = self.site.now
        self.profiles = profiles  # author profiles by name; None: authors are not checked
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.entries: list[Source] = []
        self._by_path: dict[str, Source] = {}

    # -- helpers ------------------------------------------------------------
    def problem(self, entry_or_file, field: str, value, message: str, fix: str) -> None:
        """Record one problem."""
        file = entry_or_file.display if isinstance(entry_or_file, Source) else entry_or_file
        self.problems.append(Problem(file, field, value, message, fix))

    def warn(self, entry: Source, field: str, value, message: str, fix: str) -> None:
        """Record a warning (fatal in `invoke check` and the production build)."""
        self.warnings.append(Problem(entry.display, field, value, message, fix))

    # -- passes -------------------------------------------------------------
    def run(self) -> list[Problem]:
        """Validate every article and page; return the problems found."""
        for kind in ("article", "page"):
            for path in self.site.files(kind):
                self._check_file(kind, path)
        self._check_slugs()
        self._links()
        return self.problems

    def check_one(self, kind: str, path: Path) -> list[Problem]:
        """The problems of one article or page file alone (the live preview's quick path)."""
        self._check_file(kind, Path(path))
        self._links()
        return self.problems

    def _links(self) -> None:
        self._by_path = {os.path.normpath(os.path.abspath(e.path)): e for e in self.entries}
        for entry in self.entries:
            self._check_links(entry)

    def _check_file(self, kind: str, path: Path) -> None:
        if not self.site.is_markdown(path):
            if path.suffix.lower() not in STATIC_EXTENSIONS:
                self.problem(display_path(path), "nom du fichier", path.name,
                             "ni un article Markdown ni un fichier connu : Pelican l'ignorerait",
                             "renommez-le en .md (les articles sont en Markdown) ou déplacez-le dans content/images/")
            return
        try:
            entry = self.site.read(kind, path)
        except UnicodeDecodeError as exc:
            self.problem(display_path(path), "encodage", f"octet {exc.start}", "le fichier n'est pas en UTF-8",
                         "enregistrez le fichier en UTF-8")
            return
        self.entries.append(entry)
        self._check_header(entry)

    def _check_header(self, entry: Source) -> None:
        header = entry.header
        fields = header.fields
        for key in header.duplicates:
            if key not in transparency_fields.REPEATABLE:
                self.problem(entry, key.capitalize() + ":", fields[key], "le champ est écrit deux fois",
                             "gardez-en une seule ligne")
        for key in REQUIRED[entry.kind]:
            if not header.get(key):
                message, hints = MESSAGES["required"]
                self.problem(entry, key.capitalize() + ":", None, message.format(field=key.capitalize() + ":"),
                             hints[key])
        if entry.declared_status not in STATUSES:
            self.problem(entry, "Status:", header.get("status"), *MESSAGES["status"])
        if entry.date_error is not None:
            if isinstance(entry.date_error, DateError):
                self.problem(entry, "Date:", header.get("date"), str(entry.date_error), entry.date_error.fix)
            else:
                self.problem(entry, "Date:", header.get("date"), *MESSAGES["date"])
        if "modified" in fields:
            self.problem(entry, "Modified:", header.get("modified"),
                         "la date de modification ne se change plus à la main : les rectificatifs et les notes de "
                         "modification la déplacent", MODIFIED_FIX)
        for found in transparency_fields.check(fields, header.all("correction"), entry.kind, entry.date, self.tz):
            self.problem(entry, found.field, found.value, found.message, found.fix)
        found_cover = cover.check(fields, entry.path, self.root, self.settings.get("STATIC_PATHS", []))
        for found in found_cover:
            self.problem(entry, found.field, found.value, found.message, found.fix)
        heavy = "" if found_cover else cover.heaviness(fields, entry.path, self.root)
        if heavy:  # "Image: = 'x': message. Correction : fix" (reading/cover.py): a warning like the others
            value = (fields.get(cover.IMAGE) or "").strip()
            message, _, fix = heavy.removeprefix(f"Image: = {value!r}: ").partition(". Correction : ")
            self.warn(entry, "Image:", value, message, fix)
        lang = header.get("lang")
        default_lang = self.settings.get("DEFAULT_LANG", "fr")
        if lang and lang != default_lang:
            message, fix = MESSAGES["lang"]
            self.problem(entry, "Lang:", lang, message.format(lang=default_lang), fix.format(lang=default_lang))
        for key, allowed in ORIGINS.items():
            if header.get(key) and header.get(key) not in allowed:
                message, fix = MESSAGES["origin"]
                self.problem(entry, key.capitalize() + ":", header.get(key), message,
                             fix.format(allowed=", ".join(allowed)))
        source_url = header.get("source_url")
        if source_url and not transparency_fields.is_http_url(source_url):  # as a browser reads it
            self.problem(entry, "Source_url:", source_url, *MESSAGES["source_url"])
        if entry.kind == "article":
            self._check_article(entry)
        known = KNOWN_FIELDS | set(self.config.extra_fields)
        for key in fields:
            if key not in known:
                guess = closest(key, known)
                self.warn(entry, key.capitalize() + ":", fields[key], "champ d'en-tête inconnu"
                          + (f" ; vouliez-vous dire « {guess.capitalize()}: » ?" if guess else ""),
                          f"corrigez son nom ou retirez la ligne (champs connus : {', '.join(sorted(known))})")
        title, slug = header.get("title"), header.get("slug")
        if slug and not re.fullmatch(SLUG_PATTERN, slug):
            self.problem(entry, "Slug:", slug, *MESSAGES["slug"])
        elif not slug and title and not entry.slug:
            self.problem(entry, "Title:", title, *MESSAGES["title_slug"])

    def _check_article(self, entry: Source) -> None:
        """What only articles have: summary, category, author, and what `invoke new` left to replace."""
        header = entry.header
        if not header.get("summary"):
            self.warn(entry, "Summary:", None, "pas de ligne Summary: ; les listes montreront les premiers mots du "
                      "texte à la place", "ajoutez « Summary: <une ou deux phrases> » à l'en-tête")
        declared = self.config.categories
        category = header.get("category") or self.settings.get("DEFAULT_CATEGORY")
        if declared and category not in declared:
            guess = closest(category or "", declared)
            message, fix = MESSAGES["category"]
            self.problem(entry, "Category:", header.get("category"),
                         message.format(guess=f"vouliez-vous dire « {guess} » ?" if guess else "elle n'est pas "
                                        "déclarée"), fix.format(known=", ".join(declared)))
        author = header.get("author")
        if self.profiles is not None and author and author not in self.profiles:
            near = closest(author, self.profiles, loosely=True)
            if near:
                message, fix = MESSAGES["author_case"]
                self.problem(entry, "Author:", author, message.format(name=near),
                             fix.format(name=near, file=self.profiles[near].source_path))
            else:
                message, fix = MESSAGES["author"]
                self.warn(entry, "Author:", author, message, fix.format(
                    folder=self.config.authors_path, known=", ".join(sorted(self.profiles)) or "(aucune)"))
        placeholders = []
        if header.get("summary") == PLACEHOLDERS["summary"]:
            placeholders.append(("Summary:", header.get("summary"), "summary"))
        tags = [t.strip() for t in (header.get("tags") or "").split(",")]
        if PLACEHOLDERS["tags"] in tags:
            placeholders.append(("Tags:", PLACEHOLDERS["tags"], "tags"))
        if PLACEHOLDERS["body"] in header.body:
            line = header.body_line + header.body[:header.body.index(PLACEHOLDERS["body"])].count("\n")
            placeholders.append((f"texte (ligne {line})", PLACEHOLDERS["body"], "body"))
        message, fixes = MESSAGES["placeholder"]
        for field, value, key in placeholders:
            if self.config.production:
                self.problem(entry, field, value, message, fixes[key])
            else:
                self.warn(entry, field, value, message + " (l'aperçu local le montre)", fixes[key])

    def _check_slugs(self) -> None:
        reserved = _reserved_segments(self.settings)
        seen: dict[str, Source] = {}
        for entry in self.entries:
            if not entry.slug:
                continue
            if entry.slug in reserved:
                self.problem(entry, "Slug:", entry.slug, "cette adresse est prise par le site lui-même",
                             "choisissez une autre adresse (ajoutez une ligne « Slug: »)")
            other = seen.get(entry.slug)
            if other:
                self.problem(entry, "Slug:", entry.slug,
                             f"la même adresse que {other.display} : les deux seraient écrits dans la même page",
                             "donnez à l'un des deux un autre titre ou une ligne « Slug: » différente")
            else:
                seen[entry.slug] = entry

    def _check_links(self, entry: Source) -> None:
        body = entry.header.body
        root, folder = os.path.abspath(self.root), os.path.abspath(os.path.dirname(entry.path))
        for match in _INTERNAL_LINK.finditer(body):
            kind, raw = match.groups()
            line = entry.header.body_line + body.count("\n", 0, match.start())
            target_name = urllib.parse.unquote(raw)
            base = root if target_name.startswith("/") else folder
            # normpath, not resolve(): links are checked apart (inventory.py); a build checks thousands.
            target = os.path.normpath(os.path.join(base, target_name.lstrip("/")))
            field = f"lien (ligne {line})"
            if not os.path.isfile(target):
                self.problem(entry, field, match.group(0), "pointe vers un fichier qui n'existe pas", LINK_FIX)
                continue
            linked = self._by_path.get(target)
            if (self.config.production and linked and linked.embargoed
                    and not entry.embargoed and entry.status != "draft"):
                self.problem(entry, field, match.group(0),
                             f"pointe vers {linked.display}, un brouillon ou un article daté du futur, pas encore "
                             "publié", "publiez d'abord l'article lié, ou retirez le lien")
        for match in _RAW_MD_LINK.finditer(body):
            line = entry.header.body_line + body.count("\n", 0, match.start())
            self.problem(entry, f"lien (ligne {line})", match.group(1),
                         "un lien vers un fichier source reste cassé sur le site",
                         f"écrivez {{filename}}{match.group(1)} pour que Pelican en fasse l'adresse de la page")

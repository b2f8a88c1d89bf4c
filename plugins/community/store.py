"""Read, check and write contribution files (content/contributions/<slug>/<id>.md).

The build and the moderation tasks share this module, so a file that the
tasks write is a file the build accepts, and the same rules reject a bad one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from blogcore.errors import Problem, SiteError, display_path
from blogcore.headers import parse_header
from blogcore import personal, urls
from blogcore.names import name_problem
from blogcore.isodate import DateError, format_iso, parse_iso

from . import identity
from .model import (
    FIELD_ORDER, ID_PATTERN, IDEA_STATUSES, KINDS, STATUSES, Contribution, parse_bool, parse_decisions,
    usual_name,
)

if TYPE_CHECKING:
    from blogcore.filecache import FileCache

DATE_FIX = "écrivez une date ISO 8601 avec son décalage, par exemple 2009-02-27 10:00:00+01:00"
REQUIRED = ("id", "article", "date")
IMPORT_LEDGER = "imports.tsv"  # importers/ledger.py: what imports wrote, at the folder's root
DEFAULT_MAX_BODY = 20_000  # characters: COMMUNITY["max_body_chars"]
# Header fields that reach a page, a feed or the JSON-LD (the body is masked instead: sanitize.py).
PUBLISHED_TEXT_FIELDS = ("author", "author_url", "source", "source_url", "reason")
_PERSONAL = {"e-mail address": "une adresse e-mail", "phone number": "un numéro de téléphone"}  # personal.find's words
PERSONAL_FIX = {
    "author": "mettez l'adresse dans « Author_email: » (jamais publié) et le nom choisi par l'auteur dans « Author: »",
    "author_url": "donnez la page web de l'auteur, ou retirez la ligne",
    "source": "nommez le canal sans l'adresse ni le numéro, par exemple « Source: e-mail à la rédaction »",
    "source_url": "donnez l'adresse d'une page publique, ou retirez la ligne",
    "reason": "écrivez le motif sans l'adresse ni le numéro",
}


# Messages name files the way the writer sees them (shared with the other plugins).
display = display_path


def new_id(prefix: str = "c") -> str:
    """A fresh random id for a contribution typed in by a moderator."""
    return f"{prefix}-{secrets.token_hex(5)}"


def import_id(system: str, *key: str) -> str:
    """A stable id for an imported contribution: same export → same id."""
    digest = hashlib.sha256("\x1f".join((system,) + key).encode("utf-8")).hexdigest()[:12]
    return f"{system}-{digest}"


def parse_contribution(text: str, path: str, tz: ZoneInfo, real_path: str | None = None,
                       max_body: int = DEFAULT_MAX_BODY) -> tuple[Contribution | None, list[Problem]]:
    """Parse one contribution file; return it (or None) and its problems.

    `path` names the file in messages; `real_path` (default: `path`) is
    stored as the contribution's path. A body longer than `max_body`
    characters is refused (COMMUNITY["max_body_chars"]).
    """
    header = parse_header(text)
    problems: list[Problem] = []

    def bad(field: str, value, message: str, fix: str) -> None:
        problems.append(Problem(path, field.capitalize() + ":", value, message, fix))

    fields = header.fields
    for key in header.duplicates:
        bad(key, fields[key], "le champ est écrit deux fois", "gardez-en une seule ligne")
    for key in fields:
        if key not in FIELD_ORDER:
            bad(key, fields[key], "champ inconnu dans une contribution", f"utilisez seulement : {', '.join(FIELD_ORDER)}")
    for key in REQUIRED:
        if not header.get(key):
            bad(key, None, "une contribution a besoin de ce champ",
                {"id": "ajoutez « Id: c-... » (invoke contributions.add en crée un)",
                 "article": "ajoutez « Article: <adresse (slug) de l'article> »",
                 "date": "ajoutez « Date: 2026-11-22 10:00:00+01:00 »"}[key])
    status = (header.get("status") or "pending").lower()
    if status not in STATUSES:
        bad("status", header.get("status"), "statut inconnu", f"utilisez l'un de : {', '.join(STATUSES)}")
    kind = (header.get("kind") or "comment").lower()
    if kind not in KINDS:
        bad("kind", header.get("kind"), "type inconnu", f"utilisez l'un de : {', '.join(KINDS)}")
    if not header.get("author") and status != "redacted":
        bad("author", None, "une contribution a besoin du nom de son auteur",
            "ajoutez « Author: <le nom choisi par l'auteur> » (ou « Anonyme » s'il n'en a choisi aucun)")
    ident = header.get("id") or ""
    if ident and not ID_PATTERN.fullmatch(ident):
        bad("id", ident, "un identifiant s'écrit en minuscules, chiffres et tirets simples", "par exemple « Id: c-3f2a9b10c4 »")
    dates: dict[str, dt.datetime | None] = {"date": None, "moderated_at": None}
    for key in dates:
        if header.get(key):
            try:
                # A contribution's date says when someone wrote it, wherever they were: its offset is required.
                dates[key] = parse_iso(header.get(key), tz, require_offset=True)
            except DateError as exc:
                bad(key, header.get(key), str(exc), exc.fix)
            except ValueError:
                bad(key, header.get(key), "ce n'est pas une date lisible", DATE_FIX)
    official = parse_bool(header.get("official") or "")
    if official is None:
        bad("official", header.get("official"), "ni yes ni no", "écrivez « Official: yes » ou retirez la ligne")
    votes = None
    if header.get("votes"):
        try:
            votes = int(header.get("votes"))
            if votes < 0:
                raise ValueError
        except ValueError:
            bad("votes", header.get("votes"), "pas un nombre entier positif ou nul", "écrivez par exemple « Votes: 12 »")
    idea_status = (header.get("idea_status") or "").lower()
    if idea_status and idea_status not in IDEA_STATUSES:
        bad("idea_status", header.get("idea_status"), "état d'idée inconnu",
            f"utilisez l'un de : {', '.join(IDEA_STATUSES)} ({', '.join(IDEA_STATUSES.values())})")
    if (votes is not None or idea_status) and kind != "idea":
        bad("kind", kind, "les votes et l'état d'idée ne vont qu'avec une idée", "écrivez « Kind: idea » ou retirez Votes/Idea_status")
    for key in ("author_url", "source_url"):
        value = header.get(key)
        trouble = urls.problem(value) if value else None
        if trouble:
            bad(key, value, f"pas une adresse web absolue qu'un navigateur peut ouvrir : {trouble}",
                "écrivez l'adresse comme le navigateur l'affiche, avec https:// ou http://, ou retirez la ligne")
    author = header.get("author") or ""
    trouble = name_problem(author) if author else None
    if trouble:
        bad("author", author, f"pas un nom qu'un lecteur peut voir : il {trouble}",
            "écrivez le nom avec des lettres visibles seulement (sans caractère de contrôle ni invisible)")
    for key in PUBLISHED_TEXT_FIELDS:
        finder = personal.find_in_url if key.endswith("_url") else personal.find
        found = finder(header.get(key) or "")
        if found:
            bad(key, header.get(key), f"{' et '.join(_PERSONAL.get(f, f) for f in found)} se lirait sur le site (donnée personnelle)",
                PERSONAL_FIX[key])
    body = header.body.strip()
    if len(body) > max_body:
        bad("body", f"{len(body)} caractères", f"le texte dépasse la limite de {max_body} caractères",
            "raccourcissez-le, coupez-le en deux, ou relevez COMMUNITY['max_body_chars'] dans pelicanconf.py")
    decisions = header.get("decisions") or ""
    if decisions:
        try:
            parse_decisions(decisions)
        except ValueError as exc:
            bad("decisions", str(exc), "pas une décision du registre",
                "chaque entrée s'écrit « 2026-11-22 10:00:00+01:00 approved by Nom », séparées par « ; » "
                "(les tâches contributions.* les écrivent)")
    if status == "rejected" and not header.get("reason"):
        bad("reason", None, "une contribution refusée garde son motif", "ajoutez « Reason: <pourquoi elle est refusée> »")
    if problems:
        return None, problems
    contribution = Contribution(
        id=ident, article=header.get("article"), author=author, date=dates["date"],
        body=body, author_url=header.get("author_url", ""),
        author_email=header.get("author_email", ""), author_ip=header.get("author_ip", ""),
        author_email_hash=header.get("author_email_hash", ""),
        kind=kind, status=status, reply_to=header.get("reply_to", ""), official=bool(official),
        source=header.get("source", ""), source_url=header.get("source_url", ""),
        moderator=header.get("moderator", ""), moderated_at=dates["moderated_at"],
        reason=header.get("reason", ""), decisions=decisions, votes=votes, idea_status=idea_status,
        original_id=header.get("original_id", ""), imported_from=header.get("imported_from", ""),
        path=real_path or path,
    )
    return contribution, problems


def dump_contribution(contribution: Contribution) -> str:
    """The file text of a contribution (fields in a fixed order, empty ones left out)."""
    lines = []
    for key in FIELD_ORDER:
        value = getattr(contribution, key)
        if key == "official":
            value = "yes" if value else ""
        elif isinstance(value, dt.datetime):
            value = format_iso(value)
        elif value is None:
            value = ""
        value = " ".join(str(value).split())  # a header value is one line
        if key == "decisions" and value:
            # One decision per line (continuation lines), so that a diff shows each one added.
            value = ";\n    ".join(" ".join(part.split()) for part in value.split(";") if part.strip())
        if value:
            lines.append(f"{key.capitalize()}: {value}")
    body = contribution.body.strip()
    return "\n".join(lines) + "\n\n" + (body + "\n" if body else "")


def file_path(root: Path, contribution: Contribution) -> Path:
    """Where a contribution's file lives."""
    return Path(root) / usual_name(contribution.article, contribution.id)


def write(root: Path, contribution: Contribution) -> Path:
    """Write (or rewrite) one contribution file; returns its path."""
    path = Path(contribution.path) if contribution.path else file_path(root, contribution)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file of its own (two writers never share one), renamed over
    # the file in one step: a reader sees the old file or the new one, never half.
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(dump_contribution(contribution))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_all(root: Path, tz: ZoneInfo, max_body: int = DEFAULT_MAX_BODY,
             cache: FileCache | None = None) -> tuple[list[Contribution], list[Problem]]:
    """Read and check every contribution file under `root`, sorted by path.

    With the build's `cache` (blogcore/filecache.py), a file with the same bytes as last build
    gives what it gave then, problems included, without being parsed again.
    """
    contributions: list[Contribution] = []
    problems: list[Problem] = []
    root = Path(root)
    if not root.is_dir():
        return contributions, problems
    root_shown = display(root)  # once: resolving 10,000 paths one by one is slow
    start = len(str(root)) + 1
    # What a file's answer depends on besides its bytes (messages name it from root_shown).
    files = cache.section("contributions", (str(root), root_shown, str(tz), max_body)) if cache else None
    for path in _files(str(root)):
        relative = path[start:]
        name = os.path.basename(path)
        shown = root_shown + "/" + relative
        if relative == IMPORT_LEDGER:  # the imports' record (importers/ledger.py), not a contribution
            continue
        if not name.endswith(".md"):
            problems.append(Problem(shown, "nom du fichier", name, "pas un fichier de contribution (.md)",
                                    f"renommez-le en .md ou sortez-le de {root_shown}/"))
            continue

        def work(raw: bytes, path=path, shown=shown, name=name) -> tuple[Contribution | None, list[Problem]]:
            return _read_one(raw, path, shown, name, tz, max_body)

        if files is None:
            with open(path, "rb") as handle:
                contribution, found = work(handle.read())
        else:
            contribution, found = files.for_file(path, work)
        problems += found
        if contribution is not None:
            contributions.append(contribution)
    return contributions, problems


def _read_one(raw: bytes, path: str, shown: str, name: str, tz: ZoneInfo,
              max_body: int) -> tuple[Contribution | None, list[Problem]]:
    """One contribution file's bytes: the contribution (or None) and its problems."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(shown, "encodage", name, "le fichier n'est pas en UTF-8", "enregistrez-le en UTF-8")]
    return parse_contribution(text, shown, tz, real_path=path, max_body=max_body)


def _files(folder: str):
    """Files under a folder, depth first, sorted by name; hidden files and editor backups skipped
    (the editorial plugin's inventory reports a hidden file that is not an editor's)."""
    with os.scandir(folder) as scan:
        entries = sorted((e for e in scan if not e.name.startswith(".") and not e.name.endswith("~")),
                         key=lambda e: e.name)
    folders = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            folders.append(entry)
        else:
            yield entry.path
    for entry in folders:
        yield from _files(entry.path)


def _contributor_pages(contributions: list[Contribution], names: identity.Known) -> list[Problem]:
    """Each reader with published contributions gets a page of their own: no look-alike names, no shared address."""
    problems: list[Problem] = []
    spelled: dict[str, Contribution] = {}  # identity key → the first published contribution under it
    pages: dict[str, Contribution] = {}  # page slug → the first published contribution on it
    for c in sorted((c for c in contributions
                     if c.published and not c.official and names.key(c.author) not in identity.ANONYMOUS),
                    key=lambda c: (c.date.timestamp(), c.id)):
        key = names.key(c.author)
        first = spelled.setdefault(key, c)
        if first.author != c.author:
            problems.append(Problem(str(_Shown(c)), "Author:", c.author,
                                    f"ressemble à « {first.author} » ({_Shown(first)}) mais s'écrit autrement : "
                                    "les lecteurs prendraient l'un pour l'autre",
                                    f"si c'est la même personne, écrivez le nom exactement « {first.author} » ; "
                                    "sinon l'auteur doit choisir un nom qui se distingue"))
            continue
        first_on_page = pages.setdefault(names.slug(c.author), c)
        if names.key(first_on_page.author) != key:
            problems.append(Problem(str(_Shown(c)), "Author:", c.author,
                                    f"partagerait la page contributeur/{names.slug(c.author)}/ avec "
                                    f"« {first_on_page.author} » ({_Shown(first_on_page)})",
                                    "si c'est la même personne, écrivez le nom de la même façon ; sinon l'auteur "
                                    "doit choisir un nom qui donne une autre adresse"))
    return problems


class _Shown:
    """A contribution's file name for messages, computed only if a message needs it."""

    __slots__ = ("contribution",)

    def __init__(self, contribution: Contribution):
        self.contribution = contribution

    def __str__(self) -> str:
        c = self.contribution
        return display(c.path) if c.path else c.id


def check_collection(contributions: list[Contribution], articles: set[str],
                     brand_names: tuple[str, ...] = (), official_authors: tuple[str, ...] = ()) -> list[Problem]:
    """Rules that span files: articles exist, ids unique, threads hold, honest identity."""
    problems: list[Problem] = []
    by_id: dict[str, Contribution] = {}
    names = identity.Known(identity.Names.of(brand_names, official_authors))
    for c in contributions:
        shown = _Shown(c)
        if c.id in by_id:
            problems.append(Problem(str(shown), "Id:", c.id, f"le même identifiant que {display(by_id[c.id].path)}",
                                    "donnez-en un nouveau à l'une des deux (un identifiant est unique sur tout le site)"))
            continue
        by_id[c.id] = c
        if c.article not in articles:
            problems.append(Problem(str(shown), "Article:", c.article, "aucun article n'a cette adresse (slug)",
                                    "écrivez l'adresse d'un article existant (sa ligne Slug: ou son adresse)"))
        if c.path:  # else not written yet
            # os.path, not pathlib: this can run for every contribution of the site.
            folder, file_name = os.path.split(c.path)
            folder = os.path.basename(folder)
            if folder != c.article:
                problems.append(Problem(str(shown), "Article:", c.article, f"le fichier est dans le dossier de « {folder} »",
                                        f"déplacez le fichier dans le dossier {c.article}/ des contributions ou corrigez Article:"))
            if file_name != c.id + ".md":
                problems.append(Problem(str(shown), "Id:", c.id, f"le fichier s'appelle « {file_name} »",
                                        f"renommez le fichier en {c.id}.md"))
        if c.status == "approved" and not c.source:
            problems.append(Problem(str(shown), "Source:", None, "une contribution sans source ne peut pas être approuvée",
                                    "ajoutez « Source: <où elle a été publiée d'abord> » (commentaires du site, e-mail, forum…)"))
        if c.author and not c.official and names.is_brand(c.author):
            problems.append(Problem(str(shown), "Author:", c.author, "un lecteur prendrait ce nom pour celui de la marque",
                                    "si la marque l'a écrite, marquez-la « Official: yes » (la marque ne parle jamais "
                                    "comme un lecteur) ; sinon l'auteur doit choisir un autre nom"))
        if c.official and not names.may_sign_officially(c.author):
            problems.append(Problem(str(shown), "Official:", "yes", f"« {c.author} » ne fait pas partie de l'équipe de la marque (réponse officielle)",
                                    "retirez « Official: yes », ou ajoutez le nom à COMMUNITY['official_authors'] dans "
                                    "pelicanconf.py si cette personne parle pour la marque"))
        if c.official and c.kind == "testimonial":
            problems.append(Problem(str(shown), "Kind:", c.kind, "la marque ne peut pas écrire un témoignage sur elle-même",
                                    "utilisez « Kind: comment » pour une réponse officielle"))
    for c in contributions:
        if not c.reply_to:
            continue
        shown = _Shown(c)
        parent = by_id.get(c.reply_to)
        if parent is None:
            problems.append(Problem(str(shown), "Reply_to:", c.reply_to, "aucune contribution n'a cet identifiant",
                                    "écrivez l'identifiant d'une contribution existante, ou retirez la ligne"))
        elif parent.article != c.article:
            problems.append(Problem(str(shown), "Reply_to:", c.reply_to, f"cette contribution appartient à « {parent.article} »",
                                    "une réponse est sur le même article que la contribution à laquelle elle répond"))
        elif parent.id == c.id:
            problems.append(Problem(str(shown), "Reply_to:", c.reply_to, "une contribution ne peut pas se répondre à elle-même",
                                    "retirez la ligne"))
    problems += _contributor_pages(contributions, names)
    # A cycle (a answers b answers a) would hide both: refuse it.
    for c in contributions:
        seen, current = set(), c
        while current and current.reply_to:
            if current.id in seen:
                problems.append(Problem(str(_Shown(c)), "Reply_to:", c.reply_to,
                                        "les réponses forment une boucle", "l'une des contributions de la boucle ne doit pas être une réponse"))
                break
            seen.add(current.id)
            current = by_id.get(current.reply_to)
    return problems

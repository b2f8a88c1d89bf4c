"""Author profiles: the identity the sources give, nothing more.

One Markdown file per author in ``content/<authors_path>/``: header fields
``Name``, ``Role``, ``Organisation``, ``Website`` (space-separated) and
``Source_note`` (where the information comes from), and the author's bio,
verbatim from the source, as body. Templates get them as ``author_profiles``,
a dict keyed by author name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import markdown
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from blogcore.errors import Problem, display_path
from blogcore.headers import read_header
from blogcore.typography import fix_html, fix_text


PROFILE_FIELDS = {"name", "role", "organisation", "website", "source_note"}


@dataclass(frozen=True)
class AuthorProfile:
    """What the site says about one author."""

    name: str
    slug: str
    role: str
    organisation: str
    websites: tuple[str, ...]
    bio: str
    source_note: str
    source_path: str


def load_profiles(content_root: Path, authors_path: str, settings: dict) -> tuple[dict, list[Problem]]:
    """Read every profile; return (profiles by name, problems)."""
    folder = Path(content_root) / authors_path
    profiles: dict[str, AuthorProfile] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return profiles, problems
    for path in sorted(folder.glob("*.md")):
        display = display_path(path)
        header = read_header(path)
        name = header.get("name")
        if not name:
            problems.append(Problem(display, "Name:", None, "une fiche d'auteur a besoin du nom de l'auteur",
                                    "ajoutez « Name: Prénom Nom » en première ligne"))
            continue
        for key in header.fields:
            if key not in PROFILE_FIELDS:
                problems.append(Problem(display, key.capitalize() + ":", header.fields[key],
                                        "champ inconnu dans une fiche d'auteur",
                                        f"utilisez seulement : {', '.join(sorted(PROFILE_FIELDS))}"))
        if name in profiles:
            problems.append(Problem(display, "Name:", name,
                                    f"une fiche existe déjà pour cet auteur : {profiles[name].source_path}",
                                    "gardez une seule fiche par auteur"))
            continue
        bio = markdown.markdown(header.body, output_format="html5") if header.body.strip() else ""
        profiles[name] = AuthorProfile(
            name=name,
            slug=slugify(name, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])),
            role=fix_text(header.get("role", "")),
            organisation=fix_text(header.get("organisation", "")),
            websites=tuple((header.get("website") or "").split()),
            bio=fix_html(bio),
            source_note=fix_text(header.get("source_note", "")),
            source_path=display,
        )
    return profiles, problems

"""Who may sign what: the brand's names, its team, readers and their pages.

Every comparison of names goes through :func:`blogcore.names.identity_key`
(Unicode normalisation, accents and case folded, TR39 confusable skeleton),
so a reader cannot pass as the brand, sign an official reply or take another
reader's page with a name that merely looks different to Python. The brand's
names and its team's (COMMUNITY["official_authors"]) are also compared by
:func:`blogcore.names.brand_key` (separators, "&"/"et", « officiel » and the
like folded away): a reader may not sign as either.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from blogcore.names import brand_key, identity_key

ANONYMOUS = frozenset({"anonyme", "anonymous", ""})


@dataclass(frozen=True)
class Names:
    """The brand's names and the people allowed to sign its official replies, as identity keys."""

    brand: frozenset[str]
    brand_slugs: frozenset[str]  # the addresses a brand or team name would have as a contributor's page
    official: frozenset[str]
    folded: frozenset[str] = frozenset()  # brand_key of the brand's and the team's names

    @classmethod
    def of(cls, brand_names: tuple[str, ...] = (), official_authors: tuple[str, ...] = ()) -> "Names":
        """Keys of the brand's names; official signers are the team plus the brand's own names."""
        everyone = tuple(brand_names) + tuple(official_authors)
        brand = frozenset(identity_key(n) for n in brand_names) - {""}
        official = brand | (frozenset(identity_key(n) for n in official_authors) - {""})
        slugs = frozenset(slug_of_key(n) for n in everyone) | frozenset(slug_of_key(k) for k in official)
        return cls(brand, slugs - {""}, official, frozenset(brand_key(n) for n in everyone) - {""})

    def is_brand(self, name: str) -> bool:
        """Whether a reader would read this name as the brand's or its team's (key, folded key, page address)."""
        key = identity_key(name)
        return key in self.official or brand_key(name) in self.folded \
            or bool({slug_of_key(name), slug_of_key(key)} & self.brand_slugs)

    def may_sign_officially(self, name: str) -> bool:
        """Whether this name belongs to the brand or to its team (COMMUNITY["official_authors"])."""
        return identity_key(name) in self.official


class Known:
    """What the rules need to know of each name, worked out once per name (a site has thousands of
    contributions by a few hundred names): its identity key, its page's slug, whether it is the brand's."""

    def __init__(self, names: Names):
        self.names = names
        self._seen: dict[str, tuple[str, str, bool, bool]] = {}

    def _of(self, name: str) -> tuple[str, str, bool, bool]:
        found = self._seen.get(name)
        if found is None:
            found = self._seen[name] = (identity_key(name), slug(name), self.names.is_brand(name),
                                        self.names.may_sign_officially(name))
        return found

    def key(self, name: str) -> str:
        """identity_key(name)."""
        return self._of(name)[0]

    def slug(self, name: str) -> str:
        """slug(name)."""
        return self._of(name)[1]

    def is_brand(self, name: str) -> bool:
        """Names.is_brand(name)."""
        return self._of(name)[2]

    def may_sign_officially(self, name: str) -> bool:
        """Names.may_sign_officially(name)."""
        return self._of(name)[3]



def is_anonymous(name: str) -> bool:
    """Whether the author chose no name ("Anonyme", "anonymous" or nothing)."""
    return identity_key(name) in ANONYMOUS


def slug(name: str) -> str:
    """The address part of a contributor's page: the name's slug, or a stable one for a name without letters."""
    made = slug_of_key(name)
    if made:
        return made
    # A name of emoji or punctuation only: two such names must not share a page.
    return "contributeur-" + hashlib.sha256(identity_key(name).encode("utf-8") or name.encode("utf-8")).hexdigest()[:8]


def slug_of_key(text: str) -> str:
    """The plain slug of a name or an identity key ("" when it has no letter or digit)."""
    return slugify(text, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])

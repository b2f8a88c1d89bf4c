"""The transparency plugin's settings, read once per build into a typed config.

Settings (``TRANSPARENCY`` dict in pelicanconf.py; every key optional):

``affiliate_domains`` (list of str, default ``[]``)
    Domains of affiliate programmes (``"amzn.to"``, ``"shop.example"``;
    international names and any case accepted). Every link the site
    publishes to one of them (or to a sub-domain), however its address is
    spelt (the host a browser would contact: blogcore/urls.py), gets
    ``rel="sponsored"`` and a visible « (lien affilié) » note: article and
    page bodies and summaries, ``Source_url:``, contributions (official
    replies and readers'), author profiles. One in a brand text without a
    ``Partnership:`` header (a page, an author profile, an article or its
    official replies) fails the build, naming the file, the field and the
    link (see disclosure.py).
``page`` (str, default ``"transparence"``)
    Slug of the Transparence page: the policies below point to its anchors,
    and the build fails if one of them is missing from the built page.
``policies`` (dict, default: the six anchors below)
    schema.org property of the site's ``Organization`` → ``#anchor`` of the
    Transparence page. Keys: ``publishingPrinciples``, ``correctionsPolicy``,
    ``ethicsPolicy``, ``ownershipFundingInfo``, ``actionableFeedbackPolicy``,
    ``masthead`` (all six required, so that every page says where each policy
    is) and optionally ``verificationFactCheckingPolicy``,
    ``diversityPolicy``, ``unnamedSourcesPolicy``.
``organization`` (str, default: ``SITENAME``)
    The name of the brand that publishes the blog (the ``Organization``).
``history`` (bool, default ``True``)
    Build each article's and page's « Historique des modifications » and its
    version pages from git. A content folder outside any git repository has
    none (logged); a shallow clone fails the build.
``deployed_from`` (dict, default: none)
    Where the public site's deploy history is read: ``{"remote": <address of
    the public repository>, "branch": "gh-pages"}`` (``branch`` optional,
    default ``"gh-pages"``). Each publish commit there names the source commit
    it was built from (deployed.py); a past state of a text is then a version
    only if it was deployed (it was the text at a deployed source commit), or
    if it is the state being built now. publishconf.py sets it from the
    ``DEPLOYED_FROM`` environment variable (publish.yml and erase.yml: the
    public repository, read anonymously). Without it (the local preview, a
    fresh clone, a site deployed to S3) every state of the publishing line
    counts, and the build's log says so. Set but unreadable: the build fails,
    naming the fix (a history that may be wrong is never published).
``withheld_versions`` (dict, default ``{}``)
    Version id (as the history shows it, 10 hexadecimal characters; any
    prefix of 7 or more of its commit's hash) → the reason shown to readers
    (a sentence, or ``""`` for none). A withheld version keeps a dated line
    « Version retirée » in its text's history, with the reason, and nothing
    else: no page, no text, no note, and the versions around it are compared
    with each other. For a legal request: withhold every version whose text
    holds the passage, after removing it from the text itself. The build
    fails on an id that is no commit of the texts' history, on the commit of a
    state inside a version (it names the version's id), and on the version
    that is the text online today. An entry whose version no text shows today
    (its text unpublished) stays in force, for the day it would come back.
``corrections_url`` (str, default ``"corrections/"``)
    Address of the list of every correction; its feeds are
    ``<feeds_dir>/corrections.atom.xml`` and ``.rss.xml``.
``figures_marker`` (str, default ``"[[chiffres-transparence]]"``)
    Written alone in a page's Markdown, replaced by the transparency figures
    (partnerships, corrections, revisions, moderation delays).
``export`` (str, default ``"transparence.json"``)
    Where the same figures are published as JSON; the JSON Schema is written
    beside it (``transparence.schema.json``).

Unknown keys are rejected; the user's settings dict is never modified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from blogcore import urls
from blogcore.errors import SiteError

SETTING = "TRANSPARENCY"
REQUIRED_POLICIES = ("publishingPrinciples", "correctionsPolicy", "ethicsPolicy", "ownershipFundingInfo",
                     "actionableFeedbackPolicy", "masthead")
OPTIONAL_POLICIES = ("verificationFactCheckingPolicy", "diversityPolicy", "unnamedSourcesPolicy")
DEFAULT_POLICIES = (
    ("publishingPrinciples", "#principes"),
    ("correctionsPolicy", "#corrections"),
    ("ethicsPolicy", "#ethique"),
    ("ownershipFundingInfo", "#qui-publie"),
    ("actionableFeedbackPolicy", "#nous-ecrire"),
    ("masthead", "#equipe"),
)
_ANCHOR = re.compile(r"#[A-Za-z][\w:.-]*")
_HASH = re.compile(r"[0-9a-f]{7,40}")
REASON_MAX = 300


@dataclass(frozen=True)
class TransparencyConfig:
    """Validated transparency settings."""

    affiliate_domains: tuple[str, ...] = ()
    page: str = "transparence"
    policies: tuple[tuple[str, str], ...] = DEFAULT_POLICIES
    organization: str = ""
    history: bool = True
    withheld_versions: tuple[tuple[str, str], ...] = ()  # (id or hash prefix, reason)
    deployed_from: tuple[str, str] | None = None  # (remote, branch) of the public site's deploys; None: unknown
    corrections_url: str = "corrections/"
    figures_marker: str = "[[chiffres-transparence]]"
    export: str = "transparence.json"

    @property
    def schema(self) -> str:
        """Where the JSON Schema of the export is written."""
        return self.export.removesuffix(".json") + ".schema.json"

    def withheld(self, commit: str) -> str | None:
        """The reason the version this commit starts is withheld ("" for none); None when it is published."""
        return next((reason for prefix, reason in self.withheld_versions if commit.startswith(prefix)), None)


def from_settings(settings: dict, origin: str = "pelicanconf.py") -> TransparencyConfig:
    """Build the config from Pelican settings, rejecting unknown or bad keys."""
    raw = settings.get(SETTING) or {}
    if not isinstance(raw, dict):
        raise SiteError(origin, SETTING, raw, "must be a dict", "write TRANSPARENCY = {...}")
    known = {f.name for f in fields(TransparencyConfig)}
    values: dict = {}
    for key, value in raw.items():
        name = f"{SETTING}[{key!r}]"
        if key not in known:
            raise SiteError(origin, name, value, "unknown setting", f"use one of {sorted(known)}")
        if key == "affiliate_domains":
            domains = [] if isinstance(value, str) else [urls.domain_of(v) for v in value]
            if isinstance(value, str) or not all(domains):
                raise SiteError(origin, name, value, "must be a list of domain names",
                                'write ["amzn.to", "boutique.example"] (no https://, no path)')
            value = tuple(dict.fromkeys(domain.removeprefix("www.") for domain in domains))
        elif key == "policies":
            value = _policies(value, name, origin)
        elif key == "history":
            if not isinstance(value, bool):
                raise SiteError(origin, name, value, "must be True or False", "write True or False")
        elif key == "withheld_versions":
            value = _withheld(value, name, origin)
        elif key == "deployed_from":
            value = _deployed_from(value, name, origin)
        elif not isinstance(value, str) or not value.strip():
            raise SiteError(origin, name, value, "must be a non-empty string", "see plugins/transparency/config.py")
        if key == "corrections_url" and (value.startswith("/") or not value.endswith("/")):
            raise SiteError(origin, name, value, "an address here is relative and ends with '/'",
                            "write e.g. 'corrections/'")
        if key == "export" and (not value.endswith(".json") or value.startswith("/")):
            raise SiteError(origin, name, value, "must be a .json file of the output",
                            "write e.g. 'transparence.json'")
        values[key] = value
    values.setdefault("organization", str(settings.get("SITENAME") or ""))
    return TransparencyConfig(**values)


def _withheld(value, name: str, origin: str) -> tuple[tuple[str, str], ...]:
    fix = ('write {"0bf1e38a55": "Retirée à la demande d’une personne citée."} (the version id its history '
           'shows → the reason readers see, or "" for none)')
    if not isinstance(value, dict):
        raise SiteError(origin, name, value, "must be a dict of version id → reason", fix)
    found = []
    for key, reason in value.items():
        if not isinstance(key, str) or not _HASH.fullmatch(key):
            raise SiteError(origin, f"{name}[{key!r}]", key, "not a version id (7 to 40 hexadecimal characters, "
                            "lower case)", fix)
        if reason is None:
            reason = ""
        if not isinstance(reason, str) or "\n" in reason or len(reason) > REASON_MAX:
            raise SiteError(origin, f"{name}[{key!r}]", reason, f"the reason is one line of at most {REASON_MAX} "
                            "characters", fix)
        found.append((key, " ".join(reason.split())))
    return tuple(found)


def _deployed_from(value, name: str, origin: str) -> tuple[str, str] | None:
    fix = ('write {"remote": "https://<host>/<owner>/<public repository>.git", "branch": "gh-pages"} (publishconf.py '
           'does it from the DEPLOYED_FROM environment variable), or leave the setting out')
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"remote", "branch"}:
        raise SiteError(origin, name, value, "must be a dict with the keys 'remote' and 'branch'", fix)
    remote, branch = value.get("remote"), value.get("branch", "gh-pages")
    for key, text in (("remote", remote), ("branch", branch)):
        # A value git would read as an option, or one with a space or a line break, is no address nor branch.
        if not isinstance(text, str) or not text.strip() or text.startswith("-") or any(c.isspace() for c in text):
            raise SiteError(origin, f"{name}[{key!r}]", text, "must be a non-empty address or branch name, "
                            "without spaces, that does not start with '-'", fix)
    return remote, branch


def _policies(value, name: str, origin: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise SiteError(origin, name, value, "must be a dict of schema.org property → #anchor",
                        'write {"publishingPrinciples": "#principes", ...}')
    for key, anchor in value.items():
        if key not in REQUIRED_POLICIES + OPTIONAL_POLICIES:
            raise SiteError(origin, f"{name}[{key!r}]", anchor, "not a policy of schema.org's Organization",
                            f"use {', '.join(REQUIRED_POLICIES + OPTIONAL_POLICIES)}")
        if not isinstance(anchor, str) or not _ANCHOR.fullmatch(anchor):
            raise SiteError(origin, f"{name}[{key!r}]", anchor, "must be an #anchor of the Transparence page",
                            'write e.g. "#corrections"')
    missing = [key for key in REQUIRED_POLICIES if key not in value]
    if missing:
        raise SiteError(origin, name, value, f"lacks {', '.join(missing)}",
                        "give every policy of The Trust Project an anchor of the Transparence page")
    order = REQUIRED_POLICIES + OPTIONAL_POLICIES
    return tuple(sorted(value.items(), key=lambda item: order.index(item[0])))

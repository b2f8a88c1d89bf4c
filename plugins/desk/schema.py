"""The desk's configuration, generated from what the build knows (one source).

Two parts, written together into ``admin/desk.json``:

- ``cms``: Decap CMS's own configuration (backend, editorial workflow, media
  folder, collections and their form fields, labels in French);
- ``desk``: what the desk's own code (``static/desk.js``) needs: the header
  fields of each collection and how each maps to a form value (the file
  format, ``static/headerformat.js``), the site's time zone and feed id
  authority, the contribution rules, and the build's French messages.

Every list comes from the build: statuses from editorial's validator, the
transparency fields' grammar and messages from ``transparency/fields.py``,
categories from ``EDITORIAL["categories"]`` (the list the build checks),
authors from their profiles, the contribution kinds and statuses from the
community model, its limits from ``COMMUNITY``. Change the build and the desk
follows at the next build; it has no list of its own.
"""

from __future__ import annotations

from blogcore import isodate, wording
from editorial import validate
from community import model as community_model
from community import moderation as community_moderation
from reading import cover
from transparency import fields as transparency_fields

from .config import DeskConfig

STATUS_LABELS = {"published": "Publié", "draft": "Brouillon (visible seulement dans l'aperçu)",
                 "hidden": "Caché (publié, hors des listes)"}
ORIGIN_LABELS = {"source": "celui de la source", "editorial": "choisi par la rédaction",
                 "unknown": "inconnu (la source ne le donne pas)"}
CONTRIBUTION_STATUS_LABELS = {"pending": "En attente", "approved": "Approuvée", "rejected": "Refusée",
                              "redacted": "Retirée"}
GROUPS = {
    "origine": "Republication : la source",
    "transparence": "Transparence : partenariat, tribune, corrections, méthode",
    "avance": "Avancé (rarement utile)",
}


def _field(key: str, label: str, kind: str = "text", group: str | None = None, **decap) -> dict:
    """One header field: its spec for the file format and its Decap form field."""
    spec = {"key": key, "kind": kind, "group": group}
    if "options" in decap:  # a value outside the list cannot be shown: the file is then read-only
        spec["options"] = [option["value"] for option in decap["options"]]
    if key == "status":
        spec["lower"] = True  # the build reads the status in any case
    return {"spec": spec, "decap": {"name": key, "label": label, **decap}}


def _select(options: dict[str, str] | list[str]) -> list[dict]:
    items = options.items() if isinstance(options, dict) else ((o, o) for o in options)
    return [{"label": label, "value": value} for value, label in items]


def _message(pair: tuple[str, str]) -> str:
    """A build message as the form shows it: what is wrong, then the fix."""
    return f"{pair[0]} : {pair[1]}"


def text_fields(kind: str, categories: list[str], authors: list[str]) -> list[dict]:
    """The header fields of an article (kind "article") or a page (kind "page"), in the order of `invoke new`."""
    required = set(validate.REQUIRED[kind])
    url_pattern = r"^https?://[^\s/]+(/\S*)?$"
    found = [
        _field("title", "Titre", required=True, widget="string"),
        _field("slug", "Adresse (slug)", required=kind == "article", widget="string",
               pattern=[f"^{validate.SLUG_PATTERN}$", _message(validate.MESSAGES["slug"])],
               hint="Minuscules sans accents, chiffres et tirets : la fin de l'adresse de la page. Ne la changez "
                    "plus une fois publiée."),
        _field("date", "Date et heure de publication (heure de Paris)", "date", required="date" in required,
               widget="desk-datetime"),
    ]
    if kind == "article":
        found += [
            _field("author", "Auteur", required=True, widget="select", options=_select(authors),
                   hint="Chaque auteur a sa fiche dans content/authors/."),
            _field("category", "Catégorie", required=True, widget="select", options=_select(categories)),
            _field("tags", "Étiquettes", "list", required=False, widget="list",
                   hint="Séparées par des virgules."),
            _field("summary", "Résumé (une ou deux phrases, montrées dans les listes et les flux)", required=False,
                   widget="text"),
        ]
    found += [  # the cover image (plugins/reading/cover.py): Decap writes {static}/images/<file> (public_folder)
        _field(cover.IMAGE, "Image de couverture (facultative)", required=False, widget="image", choose_url=False,
               hint="Une image enregistrée sur le site (PNG, JPEG, WebP ou GIF) : montrée en tête du texte, sur sa "
                    "carte, dans les flux et les aperçus des réseaux sociaux."),
        _field(cover.DESCRIPTION, "Description de l'image (obligatoire avec une image)", required=False,
               widget="string", hint="Ce que l'image montre, en une phrase, pour qui ne la voit pas."),
    ]
    found += [
        _field("status", "Statut", required=False, widget="select", options=_select(STATUS_LABELS),
               default="published",
               hint="La relecture se fait avant publication (« En relecture » puis « Prêt ») : un texte fusionné "
                    "est publié, sauf s'il est en brouillon."),
    ]
    if kind == "article":
        found.append(_field("feed_id", "Identifiant de flux (ne change jamais)", required=False,
                            widget="desk-readonly", hint="Créé à la première sauvegarde ; ne le modifiez jamais."))
    origin = [
        _field("source", "Publication d'origine", group="origine", required=False, widget="string"),
        _field("source_url", "Adresse d'origine", group="origine", required=False, widget="string",
               pattern=[url_pattern, _message(validate.MESSAGES["source_url"])]),
        _field("source_note", "Ce que la source donne et ne donne pas (une phrase)", group="origine",
               required=False, widget="string"),
    ]
    for key, allowed in validate.ORIGINS.items():
        label = {"title_origin": "Le titre est", "date_origin": "La date est", "author_origin": "L'auteur est"}[key]
        origin.append(_field(key, label, group="origine", required=False, widget="select",
                             options=_select({value: ORIGIN_LABELS[value] for value in allowed})))
    found += origin
    transparency = []
    if kind == "article":
        transparency += [
            _field("partnership", "Partenariat commercial", group="transparence", required=False, widget="select",
                   options=_select({k: transparency_fields.PARTNERSHIP_LABELS[k] + " — « " + v.format(sponsor="X")
                                    + " »" for k, v in transparency_fields.MENTIONS.items()})),
            _field("sponsor", "Partenaire (requis avec un partenariat)", group="transparence", required=False,
                   widget="string"),
            _field("sponsor_url", "Site du partenaire", group="transparence", required=False, widget="string",
                   pattern=[url_pattern, _message(transparency_fields.MESSAGES["sponsor_url"])]),
            _field("guest", "Tribune écrite par une personne extérieure à la marque", "bool", group="transparence",
                   required=False, widget="boolean", default=False),
        ]
    transparency += [
        _field("correction", "Corrections", "corrections", group="transparence", required=False, widget="list",
               summary="{{fields.date}} — {{fields.type}}",
               fields=[
                   {"name": "date", "label": "Date et heure de la correction", "widget": "desk-datetime"},
                   {"name": "type", "label": "Type", "widget": "select",
                    "options": _select(transparency_fields.CORRECTION_TYPES)},
                   {"name": "text", "label": "Ce qui était faux, et ce qui est juste", "widget": "text"},
               ]),
        _field("methode", "Comment ce texte a été fait", "method", group="transparence", required=False,
               widget="object", collapsed=False,
               fields=[{"name": part, "label": label, "widget": "string", "required": False}
                       for part, label in transparency_fields.METHOD_PARTS.items()]),
        # The public note of this version, shown in the text's history (plugins/transparency/versions.py).
        _field(transparency_fields.NOTE, "Note de modification (publique, dans l'historique du texte)",
               group="transparence", required=False, widget="string",
               hint="Une ou deux phrases pour les lecteurs : ce qui a changé et pourquoi. "
                    "Laissez vide pour une modification sans note.",
               pattern=[r"^[\s\S]{0,%d}$" % transparency_fields.NOTE_MAX,
                        _message((transparency_fields.MESSAGES["note_long"][0].format(
                            count="plus de %d" % transparency_fields.NOTE_MAX, max=transparency_fields.NOTE_MAX),
                            transparency_fields.NOTE_FIX))]),
    ]
    found += transparency
    advanced = [
        _field("lang", "Langue", group="avance", required=False, widget="select", options=_select(["fr"])),
        _field("template", "Gabarit", group="avance", required=False, widget="string"),
        _field("save_as", "Enregistrer sous", group="avance", required=False, widget="string"),
        _field("url", "Adresse forcée", group="avance", required=False, widget="string"),
        _field("translation", "Traduction", group="avance", required=False, widget="string"),
    ]
    if kind == "article":
        advanced += [
            _field("keywords", "Mots-clés", "list", group="avance", required=False, widget="list"),
            _field("authors", "Co-auteurs", "list", group="avance", required=False, widget="list"),
        ]
    found += advanced
    return found


def contribution_fields() -> list[dict]:
    """A contribution's header fields: shown, not edited (a decision changes them, as the tasks do)."""
    labels = {
        "id": "Identifiant", "article": "Article", "author": "Auteur (nom choisi)", "author_url": "Site de l'auteur",
        "date": "Date", "kind": "Genre", "status": "Statut", "reply_to": "En réponse à", "official": "Réponse de la marque",
        "source": "Source", "source_url": "Adresse d'origine", "moderator": "Modéré par", "moderated_at": "Modéré le",
        "reason": "Motif du refus", "decisions": "Décisions", "votes": "Votes", "idea_status": "Avancement de l'idée",
        "original_id": "Identifiant d'origine", "imported_from": "Importé de",
    }
    found = []
    for key in community_model.FIELD_ORDER:
        if key in community_model.PRIVATE_FIELDS:
            continue  # kept in the file as they are, never shown: the desk does not need them
        found.append(_field(key, labels[key], required=False, widget="desk-readonly"))
    return found


def _collection(name: str, label: str, singular: str, folder: str, fields: list[dict], **extra) -> dict:
    decap_fields = [{"name": "_notice", "label": "À savoir", "widget": "desk-notice", "required": False}]
    groups: dict[str, dict] = {}
    for item in fields:
        group = item["spec"]["group"]
        if group is None:
            decap_fields.append(item["decap"])
            continue
        if group not in groups:
            groups[group] = {"name": group, "label": GROUPS[group], "widget": "object", "collapsed": True,
                             "required": False, "fields": []}
            decap_fields.append(groups[group])
        groups[group]["fields"].append(item["decap"])
    return {"name": name, "label": label, "label_singular": singular, "folder": folder, "extension": "md",
            "format": "pelican-" + name, "fields": decap_fields, **extra}


def build(cfg: DeskConfig, settings: dict, categories: list[str], authors: list[str],
          articles_by_slug: dict[str, dict] | None = None) -> dict:
    """The desk's whole configuration: ``{"cms": Decap's, "desk": the desk code's}``."""
    from community import config as community_config

    community = community_config.from_settings(settings)
    articles = text_fields("article", categories, authors)
    pages = text_fields("page", categories, authors)
    contributions = contribution_fields()
    body = {"name": "body", "label": "Texte (Markdown)", "widget": "desk-markdown", "required": False}
    if cfg.backend == "github":
        backend = {"name": "github", "repo": cfg.repo, "branch": cfg.branch, "base_url": cfg.base_url,
                   "auth_endpoint": cfg.auth_endpoint, "squash_merges": False}
    else:
        backend = {"name": "proxy", "proxy_url": cfg.local_url, "branch": cfg.branch}
    collections = [
        _collection("articles", "Articles", "article", "content/articles", articles, create=True, delete=False,
                    slug="{{fields.slug}}", identifier_field="title",
                    summary="{{title}} — {{category}} ({{status}})", sortable_fields=["date", "title"]),
        _collection("pages", "Pages", "page", "content/pages", pages, create=True, delete=False,
                    slug="{{fields.slug}}", identifier_field="title"),
        _collection("contributions", "Contributions", "contribution", "content/contributions", contributions,
                    create=False, delete=False, path="{{article}}/{{slug}}", slug="{{id}}", identifier_field="id",
                    summary="{{status}} — {{author}} sur {{article}} ({{date}})", sortable_fields=["date"],
                    view_groups=[{"label": "Statut", "field": "status"}]),
    ]
    for collection in collections[:2]:
        collection["fields"].append(body)
    contributions_fields = collections[2]["fields"]
    contributions_fields.insert(1, {"name": "_decision", "label": "Décision", "widget": "desk-decision",
                                    "required": False})
    contributions_fields.append({"name": "body", "label": "Texte", "widget": "desk-readonly", "required": False})
    cms = {
        "load_config_file": False,
        "locale": "fr",
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "media_folder": "content/images",
        "public_folder": "{static}/images",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "site_url": settings.get("SITEURL") or "/",
        "collections": collections,
    }
    desk = {
        "timezone": settings.get("TIMEZONE") or "UTC",
        "feed_id_authority": settings["SYNDICATION"]["id_authority"],
        "lang": settings.get("DEFAULT_LANG", "fr"),
        "formats": {
            "articles": {"kind": "text", "fields": [f["spec"] for f in articles]},
            "pages": {"kind": "text", "fields": [f["spec"] for f in pages]},
            "contributions": {"kind": "contribution", "fields": [f["spec"] for f in contributions],
                              "order": list(community_model.FIELD_ORDER)},
        },
        "known_fields": sorted(validate.KNOWN_FIELDS),
        "repeatable": list(transparency_fields.REPEATABLE),
        "correction_types": list(transparency_fields.CORRECTION_TYPES),
        "method_parts": list(transparency_fields.METHOD_PARTS),
        "mentions": transparency_fields.MENTIONS,
        "messages": {
            **{"transparency." + key: _message(pair) for key, pair in transparency_fields.MESSAGES.items()},
            **{"moderation." + key: _message(pair) for key, pair in community_moderation.MESSAGES.items()},
            "date.gap": _message((isodate.GAP_MESSAGE, isodate.GAP_FIX)),
            "image.description": "une image a besoin d'une description pour qui ne la voit pas (texte alternatif) : "
                                 "décrivez ce qu'elle montre, en une phrase",
            "sponsor.required": _message(transparency_fields.MESSAGES["sponsor_missing"]),
            **{"cover." + key: _message(pair) for key, pair in cover.MESSAGES.items()},
        },
        "contributions": {
            "statuses": CONTRIBUTION_STATUS_LABELS,
            "kinds": wording.CONTRIBUTION_KINDS,
            "max_body_chars": community.max_body_chars,
            "brand_names": list(community.brand_names),
            "articles": articles_by_slug or {},
        },
    }
    return {"cms": cms, "desk": desk}

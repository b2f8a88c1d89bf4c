"""Pelican settings for the local preview (`invoke build`, `serve`, `livereload`).

Production overrides live in publishconf.py. Every path is relative to this
file so that the build does not depend on the current directory.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# Pelican loads each plugin from PLUGIN_PATHS by itself, but the plugins also
# share plugins/blogcore (errors, French dates, typography), imported by name.
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

# --- Identity -------------------------------------------------------------
SITENAME = "Marques & communautés"
SITESUBTITLE = "Un blog de marque transparent : des textes attribués, une conversation modérée au grand jour."
# Who publishes the site: shown in the footer and on the Transparence page.
PUBLISHER = "L'équipe éditoriale de Marques & communautés"
SITEURL = ""
RELATIVE_URLS = True
DEFAULT_LANG = "fr"
LOCALE = ("C.UTF-8", "C")  # dates are formatted by Babel (plugins/blogcore/frdates.py), never by strftime;
# C.UTF-8 first: Pelican sets this locale in the process that reads the settings (the invoke tasks,
# the tests), and plain "C" would make that process decode its subprocesses' output as ASCII.
TIMEZONE = "Europe/Paris"

# --- Content --------------------------------------------------------------
PATH = str(ROOT / "content")
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
# Author profiles and community contributions are data, not articles or pages.
ARTICLE_EXCLUDES = ["authors", "contributions", "pages"]
PAGE_EXCLUDES = ["authors", "contributions", "articles"]
EXTRA_PATH_METADATA = {}
DEFAULT_CATEGORY = "Non classé"
DEFAULT_PAGINATION = 10
SUMMARY_MAX_LENGTH = 60
DEFAULT_DATE = None  # an article without a Date: fails the build instead of getting one
WITH_FUTURE_DATES = False  # future-dated articles are drafts until their day
SLUGIFY_SOURCE = "title"
# Hidden files and editor backups are never read nor copied (plugins/editorial/inventory.py
# fails the build on a hidden file that is not an editor's, so none vanishes unnoticed).
IGNORE_FILES = [".*", "*~", "#*#"]
# Pelican's reader cache: an unchanged article is not rendered again (its md5 decides, so a fresh
# clone or a CI cache restore still hits). One folder per settings file; plugins/blogcore/caches.py
# discards a damaged or stale one before a build. `invoke build --ignore-cache` reads none.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "md5"
GZIP_CACHE = False  # faster to write and read; caches.py can tell a file cut short
CACHE_PATH = str(ROOT / "cache" / "preview")
# Processes for the work of a first build that splits (blogcore/parallel.py): 0 = one per core.
BUILD_WORKERS = 0

# --- URLs -----------------------------------------------------------------
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "categorie/{slug}/"
CATEGORY_SAVE_AS = "categorie/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAG_URL = "etiquette/{slug}/"
TAG_SAVE_AS = "etiquette/{slug}/index.html"
TAGS_URL = "etiquettes/"
TAGS_SAVE_AS = "etiquettes/index.html"
AUTHOR_URL = "auteur/{slug}/"
AUTHOR_SAVE_AS = "auteur/{slug}/index.html"
AUTHORS_URL = "auteurs/"
AUTHORS_SAVE_AS = "auteurs/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404", "sitemap"]
# Pelican maps each direct template to <NAME>_SAVE_AS.
globals()["404_SAVE_AS"] = "404.html"
SITEMAP_SAVE_AS = "sitemap.xml"
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
# Local preview shows drafts under /drafts/ so that writers can read them.
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"

# --- Theme ----------------------------------------------------------------
THEME = str(ROOT / "theme")
MENUITEMS = ()
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False

# --- Markdown -------------------------------------------------------------
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.sane_lists": {},
        # French no-break spaces (plugins/blogcore/typography.py), done as Markdown renders,
        # so that Pelican's reader cache keeps articles with their typography.
        "blogcore.typography": {},
    },
    "output_format": "html5",
}

# --- Feeds ----------------------------------------------------------------
# Pelican's built-in feed writer is off; feeds come from a plugin (feeds issue).
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

# --- Plugins --------------------------------------------------------------
PLUGIN_PATHS = [str(ROOT / "plugins")]
PLUGINS = ["editorial", "community", "syndication", "transparency", "search", "desk", "reading", "sitebuild",
           "incremental"]

# Community plugin (plugins/community/config.py documents every key).
COMMUNITY = {
    "brand_names": [SITENAME, PUBLISHER, "La rédaction"],
    # The brand's team: with the names above, the only signers of "Official: yes" replies, and
    # names no reader may sign with (« L'équipe éditoriale » is the name its moderation uses).
    "official_authors": ["L'équipe éditoriale"],
    # The intake service's public address (README, "Running the intake"): with it, every article
    # and the community page carry the contribution form. Empty: no form, only `contact_address`.
    "intake_url": os.environ.get("INTAKE_URL", ""),
    "contact_address": os.environ.get("CONTACT_ADDRESS", ""),
}

# Editorial plugin (plugins/editorial/config.py documents every key).
EDITORIAL = {
    "authors_path": "authors",
    "production": False,
    # The site's categories, declared once (README, "Categories"): an article whose Category: is not
    # one of them fails the build with the closest one (« vouliez-vous dire … ? »), and the desk's
    # category menu is this list. Add a new category here, never by typing it in an article.
    "categories": ["Médias sociaux", "Stratégie", "Essais", "Coulisses", "Campagnes", "Promotion"],
}

# Transparency plugin (plugins/transparency/config.py documents every key): commercial
# disclosures, corrections, the history of every text from git, trust signals, figures.
TRANSPARENCY = {
    # Domains of affiliate programmes: their links get rel="sponsored" and a « lien affilié »
    # note, and an article linking one without a Partnership: header fails the build.
    "affiliate_domains": [],
    # schema.org policy -> its section of the Transparence page (content/pages/transparence.md).
    "policies": {
        "publishingPrinciples": "#principes",
        "correctionsPolicy": "#corrections",
        "ethicsPolicy": "#ethique",
        "ownershipFundingInfo": "#qui-publie",
        "actionableFeedbackPolicy": "#nous-ecrire",
        "masthead": "#equipe",
    },
}

# Search plugin (plugins/search/config.py documents every key): a Pagefind index of the
# published articles, pages and approved contributions, and the /recherche/ page.
# Off in the local preview, so that rebuilds stay instant; publishconf.py turns it on.
# "enabled": False in publishconf.py turns search off for the published site too.
SEARCH = {
    "enabled": False,
}

# Templates escape everything by default: contributions and names are untrusted.
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

# Syndication plugin: every feed, built with feedgen (plugins/syndication/config.py
# documents every key and the path pattern flux/<scope>[/<slug>].<atom.xml|rss.xml|json>).
SYNDICATION = {
    # RFC 4151 authority of the entry ids (tag:<authority>,<day>:<token>): a domain the
    # publisher controls. Never derived from SITEURL, so ids survive an address change.
    "id_authority": "marques-communautes.github.io",
    # A day on which the publisher held that domain: date part of the feed-level Atom ids.
    "feed_id_date": "2026-11-22",
    "max_entries": 20,
    # Categories / tags (names or slugs) kept out of the site-wide feeds; they keep their own feeds.
    "exclude_categories_from_site": [],
    "exclude_tags_from_site": [],
    # WebSub hub announced by every feed (rel="hub") and notified by `invoke feeds.ping`.
    "websub_hub": None,
    # Base of the feeds' absolute URLs when SITEURL is relative (local preview).
    "preview_base_url": "http://127.0.0.1:8000",
}

# Desk plugin (plugins/desk/config.py documents every key): the newsroom desk at /admin/, Decap CMS
# over this repository. Off unless `invoke desk` asks for it, for a writer's machine: DESK_LOCAL_URL is
# the address of the CMS's local server over the working copy, DESK_BRANCH the working copy's branch.
DESK = {
    "enabled": bool(os.environ.get("DESK_LOCAL_URL")),
    "local_url": os.environ.get("DESK_LOCAL_URL") or "http://127.0.0.1:8081/api/v1",
    "branch": os.environ.get("DESK_BRANCH") or "main",
}

"""A built site: the folder Pelican wrote, and the address it will be served at."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from blogcore.errors import SiteError


@dataclass(frozen=True)
class Site:
    """A production build in `root`, to be served at `siteurl` (absolute, no trailing slash)."""

    root: Path
    siteurl: str
    feeds_dir: str = "flux"
    language: str = "fr"
    affiliate_domains: tuple[str, ...] = ()  # TRANSPARENCY["affiliate_domains"], normalised (gate "links")

    def __post_init__(self):
        parts = urlsplit(self.siteurl)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise SiteError("publishconf.py", "SITEURL", self.siteurl,
                            "the production site needs an absolute http(s) address",
                            "set the SITEURL environment variable to e.g. https://blog.example.org "
                            "(no trailing slash), or unset it to use publishconf.py's default")
        object.__setattr__(self, "root", Path(self.root))
        object.__setattr__(self, "siteurl", self.siteurl.rstrip("/"))

    @classmethod
    def from_settings(cls, root: Path, settings: dict) -> "Site":
        """The site Pelican built into `root` with these (production) settings."""
        from transparency import config as transparency_config

        syndication = settings.get("SYNDICATION") or {}
        return cls(Path(root), settings.get("SITEURL") or "", syndication.get("feeds_dir", "flux"),
                   settings.get("DEFAULT_LANG") or "fr",
                   transparency_config.from_settings(settings).affiliate_domains)

    @property
    def host(self) -> str:
        """The site's host name, lower case."""
        return (urlsplit(self.siteurl).hostname or "").lower()

    @property
    def netloc(self) -> str:
        """Host and port, as they appear in the site's URLs."""
        return urlsplit(self.siteurl).netloc.lower()

    @property
    def base_path(self) -> str:
        """The path the site lives under, ending with '/' ('/' for a site at the root of its host)."""
        path = urlsplit(self.siteurl).path
        return path.rstrip("/") + "/"

    def files(self) -> list[Path]:
        """Every file of the build, sorted by relative path."""
        return sorted((p for p in self.root.rglob("*") if p.is_file()), key=lambda p: self.relative(p))

    def relative(self, path: Path) -> str:
        """The POSIX path of a build file relative to the build's root."""
        return Path(path).relative_to(self.root).as_posix()

    def url_of(self, relative: str) -> str:
        """The public address of a build file ('index.html' files are served as their folder)."""
        if relative == "index.html":
            relative = ""
        elif relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        return f"{self.siteurl}/{relative}"

    def is_internal(self, url: str) -> bool:
        """Whether an absolute URL points at this site's host (any path)."""
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "") and parts.netloc.lower() == self.netloc

    def path_of(self, url: str) -> str | None:
        """The build-relative path an absolute internal URL names ('' for the root), None when outside the site."""
        parts = urlsplit(url)
        path = unquote(parts.path or "/")
        if not (path + ("/" if not path.endswith("/") else "")).startswith(self.base_path):
            return None
        relative = path[len(self.base_path):] if path.startswith(self.base_path) else ""
        if relative and PurePosixPath(relative).is_absolute() or ".." in PurePosixPath(relative).parts:
            return None
        return relative

    def file_for(self, relative: str) -> Path | None:
        """The build file a request path is served from (folders → their index.html), None when missing."""
        target = self.root / relative if relative else self.root
        if relative == "" or relative.endswith("/"):
            target = target / "index.html"
        return target if target.is_file() else None

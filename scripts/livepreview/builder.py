"""Builds for the live preview: Pelican in this process, kept warm between saves.

A full build runs Pelican here (imports, compiled code and the caches'
files are already warm), into a staging folder put in place of the output
only when it succeeded (sitefolders.py): a failed build leaves the last good
site. The generators of the last good build are kept, so that a saved
article or contribution can be shown at once by the *quick* path: only that
file is read again, its article page is rendered with the kept context and
written in place (one file, renamed over the old one). The full build that
follows rewrites everything else that shows the change (lists, feeds,
contributors' pages) and is the truth: after it, the output is exactly what a
fresh build writes. The quick path only ever handles the ordinary case (an
existing, published article or one of its contributions, same address); for
anything else it declines and the full build alone runs.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import sitefolders
from pelican.writers import Writer


@dataclass
class Result:
    """What one build did."""

    ok: bool
    seconds: float
    pages: list[str] = field(default_factory=list)  # output files written (quick path), relative
    error: str = ""
    article: object = None  # the article the quick path showed again


class Builder:
    """Full and quick builds of one site, in this process."""

    def __init__(self, settings_file: Path, output: Path, overrides: dict | None = None):
        from pelican import signals

        self.settings_file = Path(settings_file)
        self.overrides = dict(overrides or {})
        self.output = Path(output)
        self.generators: list = []  # the last good build's, for the quick path
        self._captured: list = []
        signals.all_generators_finalized.connect(self._capture)

    def _capture(self, generators) -> None:
        self._captured = list(generators)

    # -- full builds -----------------------------------------------------------------
    def full(self) -> Result:
        """Build the whole site into a staging folder; put it in place only if Pelican succeeded."""
        from pelican import Pelican
        from pelican.settings import read_settings

        start = time.perf_counter()
        staging = sitefolders.staging_folder(self.output)
        try:
            settings = read_settings(str(self.settings_file), override={**self.overrides, "OUTPUT_PATH": str(staging)})
            self._captured = []
            Pelican(settings).run()
            sitefolders.swap_in(staging, self.output)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the last good site and is shown
            return Result(False, time.perf_counter() - start, error=_message(exc))
        finally:
            if staging.exists():
                import shutil

                shutil.rmtree(staging, ignore_errors=True)
        # The quick path writes into the output; the kept generators must do the same.
        for generator in self._captured:
            generator.output_path = str(self.output)
        self.generators, self._captured = self._captured, []
        return Result(True, time.perf_counter() - start)

    # -- the quick path --------------------------------------------------------------
    def quick(self, changed: list[Path]) -> Result | None:
        """Rewrite the article page that shows a saved file, or None when only a full build can."""
        if len(changed) != 1 or not self.generators:
            return None
        articles = next((g for g in self.generators if type(g).__name__ == "ArticlesGenerator"), None)
        if articles is None:
            return None
        path = Path(changed[0]).resolve()
        start = time.perf_counter()
        try:
            article = self._article_for(articles, path)
            if article is None:
                return None
            page = self._write(articles, article)
        except Exception as exc:  # noqa: BLE001 - shown to the writer; the full build will tell the same
            return Result(False, time.perf_counter() - start, error=_message(exc))
        return Result(True, time.perf_counter() - start, pages=[page], article=article)

    def _article_for(self, generator, path: Path):
        """The article to show again for a saved file (read again if it is the article's), or None."""
        from pelican import signals
        from pelican.contents import Article

        content = Path(generator.path).resolve()
        kept = {Path(a.source_path).resolve(): a for a in generator.articles + generator.hidden_articles}
        index = generator.context.get("community")
        if path in kept:
            old = kept[path]
            self._check_article(generator, path)
            new = generator.readers.read_file(
                base_path=generator.path, path=str(path.relative_to(content)), content_class=Article,
                context=generator.context, preread_signal=signals.article_generator_preread,
                preread_sender=generator, context_signal=signals.article_generator_context,
                context_sender=generator)
            same = ("status", "slug", "save_as", "url", "date", "category", "tags", "authors", "template")
            if any(getattr(new, name, None) != getattr(old, name, None) for name in same):
                return None  # its place in lists, feeds and addresses changes: the full build's business
            self._each_plugin(generator, new)
            new.refresh_metadata_intersite_links()
            holders = [generator, generator.context, *(g for g in self.generators if g is not generator)]
            _replace(old, new, holders + ([index] if index is not None else []))
            generator.add_source_path(new)
            self._refresh()
            return new
        if index is not None and path.suffix == ".md" and _is_under(path, content / index.config.path):
            article = self._contribution_changed(generator, index, path)
            if article is not None:
                self._refresh()
            return article
        return None

    def _each_plugin(self, generator, article) -> None:
        """What the plugins do to each article once it is read (as their signals do for a full build)."""
        from blogcore.errors import raise_if_any

        index = generator.context.get("community")
        if index is not None:
            self._with_contributions(article, index, generator.env)
        record = generator.context.get("transparency")
        if record is not None:
            from transparency import hooks as transparency

            raise_if_any(transparency.attach(article, "article", record)
                         or transparency.mark_links(article, record), prefix="[transparency] the content has errors. ")

    def _refresh(self) -> None:
        """The context other generators derive from the articles (feed list, contributors), made again."""
        for generator in self.generators:
            if type(generator).__name__ in ("FeedsGenerator", "CommunityPagesGenerator"):
                generator.generate_context()

    def _check_article(self, generator, path: Path) -> None:
        from blogcore.errors import raise_if_any
        from editorial.config import from_settings
        from editorial.validate import Validator

        raise_if_any(Validator(generator.settings, from_settings(generator.settings)).check_one("article", path),
                     prefix="[editorial] the content has errors. ")

    def _with_contributions(self, article, index, env) -> None:
        from blogcore.errors import raise_if_any
        from community import embed

        article.contribution_count = index.count(article.slug)
        raise_if_any(embed.replace_quotes(article, index, env), prefix="[community] quoted contributions have errors. ")

    def _contribution_changed(self, generator, index, path: Path):
        """Take a saved contribution into the kept index; the article it belongs to, or None."""
        from zoneinfo import ZoneInfo

        from blogcore.errors import raise_if_any
        from community import store

        cfg = index.config
        tz = ZoneInfo(generator.settings.get("TIMEZONE") or "UTC")
        text = path.read_text(encoding="utf-8-sig")
        contribution, problems = store.parse_contribution(text, str(path), tz, real_path=str(path),
                                                          max_body=cfg.max_body_chars)
        raise_if_any(problems, prefix="[community] contribution files have errors. ")
        old = index.get(contribution.id)
        if old is None or old.article != contribution.article or Path(old.path).resolve() != path:
            return None  # a new, moved or renamed contribution: the full build's business
        others = [c for c in index.everything() if c.id != contribution.id]
        raise_if_any([p for p in store.check_collection(others + [contribution], set(index.article_slugs()),
                                                        cfg.brand_names, cfg.official_authors)
                      if contribution.id in p.file or p.value == contribution.id],
                     prefix="[community] contribution files have errors. ")
        index.replace(contribution)
        article = index.article(contribution)
        if article is None or article not in generator.articles + generator.hidden_articles:
            return None
        article.contribution_count = index.count(article.slug)
        return article

    def dependents(self, article) -> Result:
        """Rewrite the lists, feeds and contributors' pages that show a quick-path article (before the full build)."""
        start = time.perf_counter()
        articles = next(g for g in self.generators if type(g).__name__ == "ArticlesGenerator")
        settings = articles.settings
        written: list[str] = []
        try:
            with tempfile.TemporaryDirectory(prefix=".quick-", dir=self.output.parent) as folder:
                writer = _Only(folder, settings=settings)
                writer.item = article
                for generator in self.generators:
                    name = type(generator).__name__
                    if name == "ArticlesGenerator":
                        generator.generate_pages(writer)  # its pages only: the site's own feeds are off
                    elif name == "CommunityPagesGenerator":
                        generator.generate_output(writer)
                    elif name == "FeedsGenerator":
                        output, generator.output_path = generator.output_path, folder
                        try:
                            generator.write_feeds(lambda feed: _shows(feed.sources, article))
                            generator.write_lists(Writer(folder, settings=settings))  # feed titles name articles
                        finally:
                            generator.output_path = output
                for name in sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file()):
                    target = self.output / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(Path(folder) / name, target)  # each page whole, never half a file
                    written.append(name)
        except Exception as exc:  # noqa: BLE001 - the full build that follows tells the same
            return Result(False, time.perf_counter() - start, error=_message(exc))
        return Result(True, time.perf_counter() - start, pages=written)

    def _write(self, generator, article) -> str:
        """Render one article page and put it in place of the old one (a rename: never half a file)."""

        settings = generator.settings
        with tempfile.TemporaryDirectory(prefix=".quick-", dir=self.output.parent) as folder:
            writer = Writer(folder, settings=settings)
            writer.write_file(article.save_as, generator.get_template(article.template), generator.context,
                              relative_urls=settings["RELATIVE_URLS"], article=article,
                              category=getattr(article, "category", None),
                              override_output=hasattr(article, "override_save_as"), url=article.url, blog=True)
            written = Path(folder) / article.save_as
            target = self.output / article.save_as
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(written, target)
        return article.save_as


class _Only(Writer):
    """A Pelican writer that writes only the pages showing one article (lists, contributors' pages)."""

    item = None  # the article

    def write_file(self, name, template, context, *args, **kwargs):
        """Pelican's write_file, for a page that shows the article; nothing for the others."""
        if self._shows(kwargs):
            return super().write_file(name, template, context, *args, **kwargs)
        return None

    def _shows(self, values) -> bool:
        if values.get("article") is not None:
            return False  # an article's own page: the quick path wrote it
        if any(self.item in found for found in (values.get("articles"), values.get("dates")) if found):
            return True
        if _shows(values.get("latest") or [], self.item):
            return True
        contributor = values.get("contributor")
        return contributor is not None and _shows(contributor.contributions, self.item)


def _shows(sources, article) -> bool:
    """Whether a list of articles or contributions shows this article (or a contribution of it)."""
    return any(source is article or getattr(source, "article", None) == article.slug for source in sources)


def _replace(old, new, holders) -> None:
    """Put `new` in place of `old` in every list the generators and the context keep (two levels deep)."""
    def in_list(items) -> None:
        for position, item in enumerate(items):
            if item is old:
                items[position] = new
            elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], list):
                in_list(item[1])  # Pelican's (category, articles) pairs

    for holder in holders:
        values = holder.values() if isinstance(holder, dict) else vars(holder).values()
        for value in values:
            if isinstance(value, list):
                in_list(value)
            elif isinstance(value, dict):
                for key, inner in value.items():
                    if isinstance(inner, list):
                        in_list(inner)
                    elif inner is old:  # e.g. the community index's articles by slug
                        value[key] = new


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _message(exc: BaseException) -> str:
    """What a writer must read, in French (blogcore/report.py)."""
    from blogcore.report import describe

    return describe(exc)

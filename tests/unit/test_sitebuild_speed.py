"""What the build shares to go faster must change nothing a reader sees: templates compiled once, addresses fixed once."""

from types import SimpleNamespace

import jinja2
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import SafeDatetime

from sitebuild import addresses, templates


class CountingEnvironment(jinja2.Environment):
    """A Jinja environment that counts the templates it compiles."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compiled = 0

    def compile(self, *args, **kwargs):
        self.compiled += 1
        return super().compile(*args, **kwargs)


def generator(context, sources):
    """What templates.share needs of a Pelican generator: its context and its environment."""
    return SimpleNamespace(context=context, env=CountingEnvironment(loader=jinja2.DictLoader(sources),
                                                                   autoescape=True))


def test_generators_of_one_build_compile_each_template_once_and_render_the_same():
    sources = {"page.html": "<p>{{ title }}</p>{% include 'part.html' %}", "part.html": "<i>{{ title }}</i>"}
    context = {}
    first, second = generator(context, sources), generator(context, sources)
    templates.share(first)
    templates.share(second)
    html = first.env.get_template("page.html").render(title="A & B")
    assert html == second.env.get_template("page.html").render(title="A & B") == "<p>A &amp; B</p><i>A &amp; B</i>"
    assert (first.env.compiled, second.env.compiled) == (2, 0)


def test_an_edited_template_is_compiled_again_and_shows_the_edit():
    sources = {"page.html": "<p>avant</p>"}
    context = {}
    first = generator(context, sources)
    templates.share(first)
    assert first.env.get_template("page.html").render() == "<p>avant</p>"
    sources["page.html"] = "<p>après</p>"  # the live preview's process, after a writer saved the template
    second = generator(context, sources)
    templates.share(second)
    assert second.env.get_template("page.html").render() == "<p>après</p>"
    assert second.env.compiled == 1


def test_nothing_is_shared_between_two_builds():
    sources = {"page.html": "<p>x</p>"}
    one, other = generator({}, sources), generator({}, sources)
    templates.share(one)
    templates.share(other)
    assert one.env.bytecode_cache is not other.env.bytecode_cache
    one.env.get_template("page.html")
    other.env.get_template("page.html")
    assert other.env.compiled == 1


def article(**metadata):
    """A real Pelican article, with an address made of its year and slug."""
    settings = {**DEFAULT_CONFIG, "ARTICLE_URL": "{date:%Y}/{slug}/", "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html"}
    return Article("<p>Texte</p>", metadata={"title": "Titre", "slug": "un-titre",
                                             "date": SafeDatetime(2009, 2, 25), **metadata}, settings=settings)


def test_a_fixed_address_is_the_one_pelican_computes():
    item = article()
    computed = item.url
    addresses.fix([item])
    assert item.url == computed == "2009/un-titre/"
    assert item.save_as == "2009/un-titre/index.html"


def test_an_address_given_in_the_header_is_kept():
    item = article(url="ailleurs/")
    addresses.fix([item])
    assert item.url == "ailleurs/"

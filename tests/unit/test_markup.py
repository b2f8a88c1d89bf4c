"""What markup and CSS make a browser fetch by themselves, read as a browser reads them (blogcore/markup.py)."""

from __future__ import annotations

import pytest

from blogcore import markup


@pytest.mark.parametrize("css, urls", [
    ("a{background:url(https://evil.example/a.png)}", ["https://evil.example/a.png"]),
    ("a{background:url(ht\\74ps://evil.example/escaped.png)}", ["https://evil.example/escaped.png"]),
    ("a{background:u\\72l(https://evil.example/function-escaped.png)}", ["https://evil.example/function-escaped.png"]),
    ('a{background:URL( "https://evil.example/quoted.png" )}', ["https://evil.example/quoted.png"]),
    ('@import "https://evil.example/import.css";', ["https://evil.example/import.css"]),
    ("@import url('//evil.example/i.css') screen;", ["//evil.example/i.css"]),
    ('a{b:image-set("https://evil.example/1x.png" 1x, url(https://evil.example/2x.png) 2x)}',
     ["https://evil.example/1x.png", "https://evil.example/2x.png"]),
    ('a{b:-webkit-image-set("https://evil.example/wk.png" 1x)}', ["https://evil.example/wk.png"]),
    ("@font-face{font-family:x;src:local(x),url(https://evil.example/f.woff2) format('woff2')}",
     ["https://evil.example/f.woff2"]),
    ("a:hover{cursor:url(https://evil.example/c.cur),auto}", ["https://evil.example/c.cur"]),
    ("/* url(https://evil.example/comment.png) */ a{}", []),
    ("@namespace svg url(http://www.w3.org/2000/svg); a{content:'https://evil.example/text'}", []),
    ("a{background:url(/images/local.png)}", ["/images/local.png"]),
])
def test_css_is_read_with_a_css_tokenizer(css, urls):
    assert markup.css_urls(css) == urls


@pytest.mark.parametrize("html, url", [
    ('<img src="https://evil.example/url(x).png" alt="">', "https://evil.example/url(x).png"),  # "url(" in an address
    ('<p style="background:url(ht\\74ps://evil.example/s.png)">x</p>', "https://evil.example/s.png"),
    ('<svg><set attributeName="href" to="https://evil.example/set.png"/></svg>', "https://evil.example/set.png"),
    ('<svg><image href="/ok.png"><animate attributeName="xlink:href" values="/ok.png;//evil.example/a.png"/>'
     "</image></svg>", "//evil.example/a.png"),
    ('<svg><animate attributeName="fill" from="red" to="url(https://evil.example/p.svg#p)"/></svg>',
     "https://evil.example/p.svg#p"),
    ('<svg><rect fill="url(https://evil.example/g.svg#g)"/></svg>', "https://evil.example/g.svg#g"),
    ('<svg><linearGradient href="https://evil.example/g.svg#x"/></svg>', "https://evil.example/g.svg#x"),
    ('<noscript><img src="https://evil.example/noscript.png"></noscript>', "https://evil.example/noscript.png"),
    ('<div><template shadowrootmode="open"><img src="https://evil.example/shadow.png"></template></div>',
     "https://evil.example/shadow.png"),
    ('<!-- --!><img src="https://evil.example/comment.png"> -->', "https://evil.example/comment.png"),
    ('<img alt=">" src="https://evil.example/alt.png">', "https://evil.example/alt.png"),
    ('<img srcset="/a.png 1x, https://evil.example/b,c.png 2x">', "https://evil.example/b,c.png"),
    ('<meta http-equiv="Refresh" content="0;URL=\'https://evil.example/r\'">', "https://evil.example/r"),
    ('<link rel="Stylesheet" href="https://evil.example/s.css">', "https://evil.example/s.css"),
    ('<link rel="compression-dictionary" href="https://evil.example/d">', "https://evil.example/d"),
    ('<link rel="preload" as="image" imagesrcset="https://evil.example/i.png 2x">', "https://evil.example/i.png"),
    ("<img src=x onerror=\"fetch('//evil.example/h')\">", "//evil.example/h"),
    ('<iframe srcdoc="&lt;p style=&quot;background:url(https://evil.example/d.png)&quot;&gt;"></iframe>',
     "https://evil.example/d.png"),
])
def test_every_way_markup_loads_an_address_is_found(html, url):
    assert url in [load.url for load in markup.loads(html, fragment=True)]


@pytest.mark.parametrize("html", [
    '<a href="https://other.example/">un lien</a>', '<link rel="alternate" href="https://other.example/feed">',
    '<link rel="webmention" href="https://other.example/wm">', '<form action="https://other.example/">x</form>',
    '<p>https://other.example/ en texte</p>', '<pre><code>&lt;img src="https://evil.example/x.png"&gt;</code></pre>',
    "<script>// un commentaire\nconst a = 1;</script>",
])
def test_links_text_and_comments_are_not_loads(html):
    assert markup.loads(html, fragment=True) == []

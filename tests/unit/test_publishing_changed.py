"""publishing/changed.py: which files differ from the published site (the HTML gate's scope on a merge)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from publishing.changed import Published, changed_files, git_blob_id  # noqa: E402
from publishing.site import Site  # noqa: E402


def test_a_files_id_is_the_one_git_gives_it(tmp_path):
    data = "<p>Été</p>\n".encode("utf-8")
    (tmp_path / "page.html").write_bytes(data)
    assert git_blob_id(data) == subprocess.run(["git", "hash-object", str(tmp_path / "page.html")],
                                               capture_output=True, text=True, check=True).stdout.strip()


def test_a_bucket_object_is_the_same_only_with_the_md5_of_a_single_part_upload(tmp_path):
    site = Site(tmp_path, "https://example.org")
    for name, text in {"a.html": "pareil", "b.html": "changé", "c.html": "en plusieurs parties", "d.html": "neuf"}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    published = Published("s3://seau/", "md5", {
        "a.html": hashlib.md5("pareil".encode()).hexdigest(),
        "b.html": hashlib.md5("avant".encode()).hexdigest(),
        "c.html": hashlib.md5("en plusieurs parties".encode()).hexdigest() + "-2",  # a multipart ETag proves nothing
    })
    files = sorted(tmp_path.glob("*.html"))
    assert [site.relative(p) for p in changed_files(site, published, files)] == ["b.html", "c.html", "d.html"]

"""`invoke publish --target s3`: the gated build as the objects of a bucket, with boto3.

Against a local S3-compatible server, moto_server (moto[server]), started once
for the session on 127.0.0.1 with an ephemeral port; credentials come from
the standard AWS environment variables, as in production.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from publishing import s3  # noqa: E402
from publishing.pipeline import DeployError  # noqa: E402
from publishing.site import Site  # noqa: E402
from test_publish_git import gate_tools_missing, publish_project, run_task  # noqa: E402

pytestmark = pytest.mark.build

SITE_URL = "https://marques-communautes.github.io"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
EXPECTED_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "marketing-2-0-vu-par-yves-duron/index.html": "text/html; charset=utf-8",
    "theme/css/style.css": "text/css; charset=utf-8",
    "sitemap.xml": "application/xml; charset=utf-8",
    "flux/site.atom.xml": "application/atom+xml; charset=utf-8",
    "flux/site.rss.xml": "application/rss+xml; charset=utf-8",
    "flux/site.json": "application/feed+json; charset=utf-8",
    "flux/abonnements.opml": "text/x-opml; charset=utf-8",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """A moto_server on 127.0.0.1 for the whole session; its URL."""
    server = Path(sys.executable).parent / "moto_server"
    if not server.exists():
        pytest.skip("moto_server is not installed (pip package moto[server]; scripts/setup --test installs it)")
    port = _free_port()
    process = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"moto_server did not start on {url}")
            time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """Credentials from the standard environment variables only (no profile, no file of the machine)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


class Recorder:
    """A boto3 client built the way the deploy builds it, recording each call (operation, key) in order."""

    def __init__(self, endpoint: str):
        self.client = s3.client_for(endpoint)
        self.calls: list[tuple[str, object]] = []
        self.fail_on: str | None = None
        self.client.meta.events.register("before-parameter-build.s3.*", self._record)

    def _record(self, params, model, **kwargs):
        key = params.get("Key") or [o["Key"] for o in params.get("Delete", {}).get("Objects", [])] or None
        self.calls.append((model.name, key))
        if model.name == "PutObject" and params.get("Key") == self.fail_on:
            from botocore.exceptions import EndpointConnectionError

            raise EndpointConnectionError(endpoint_url="http://127.0.0.1 (simulated outage)")

    def puts(self) -> list[str]:
        return [key for name, key in self.calls if name == "PutObject"]


@pytest.fixture
def recorder(moto_endpoint, aws_env) -> Recorder:
    return Recorder(moto_endpoint)


@pytest.fixture
def bucket(recorder) -> str:
    name = f"site-{uuid.uuid4().hex[:12]}"
    recorder.client.create_bucket(Bucket=name)
    recorder.calls.clear()
    return name


@pytest.fixture
def build(site_production, tmp_path) -> Site:
    """A copy of the real production build that a test may change."""
    shutil.copytree(site_production.output, tmp_path / "site")
    return Site(tmp_path / "site", SITE_URL)


def snapshot(client, bucket: str) -> dict[str, tuple[bytes, str, dict]]:
    """Every object: its bytes, Content-Type and metadata."""
    objects = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            got = client.get_object(Bucket=bucket, Key=item["Key"])
            objects[item["Key"]] = (got["Body"].read(), got["ContentType"], got.get("Metadata", {}))
    return objects


def test_every_object_gets_its_bytes_and_content_type_with_utf8_for_text(recorder, bucket, build):
    result = s3.deploy(build, bucket, client=recorder.client)
    objects = snapshot(recorder.client, bucket)
    files = {build.relative(p): p.read_bytes() for p in build.files()}
    assert set(objects) == set(files) and result.details["unchanged"] == 0
    assert all(objects[key][0] == data for key, data in files.items())
    for key, expected in EXPECTED_TYPES.items():
        assert objects[key][1] == expected, key
    assert all("charset=utf-8" in ctype for key, (_, ctype, _) in objects.items()
               if key.endswith((".html", ".xml", ".css", ".json", ".opml", ".txt")))
    assert objects["index.html"][2]["sha256"]


def test_a_second_publish_with_no_change_uploads_nothing(recorder, bucket, build):
    s3.deploy(build, bucket, client=recorder.client)
    recorder.calls.clear()
    result = s3.deploy(build, bucket, client=recorder.client)
    assert recorder.puts() == [] and not result.changed
    assert not any(name in ("DeleteObjects", "DeleteObject", "CopyObject") for name, _ in recorder.calls)
    assert "0 uploaded, 0 deleted" in result.summary


def test_only_changed_files_are_uploaded_and_deletions_come_after_them(recorder, bucket, build):
    recorder.client.put_object(Bucket=bucket, Key="ancien/index.html", Body=b"<p>an old page</p>")
    s3.deploy(build, bucket, client=recorder.client)
    css = build.root / "theme" / "css" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* v2 */\n", encoding="utf-8")
    (build.root / "nouveau").mkdir()
    (build.root / "nouveau" / "index.html").write_text("<!DOCTYPE html><title>Nouveau</title>", encoding="utf-8")
    shutil.rmtree(build.root / "suivre")
    recorder.calls.clear()
    result = s3.deploy(build, bucket, client=recorder.client)
    assert recorder.puts() == ["theme/css/style.css", "nouveau/index.html"], "the stylesheet before the page"
    assert result.details["deleted"] == ["suivre/index.html"]
    last_put = max(i for i, (name, _) in enumerate(recorder.calls) if name == "PutObject")
    deletions = [(i, key) for i, (name, key) in enumerate(recorder.calls) if name.startswith("Delete")]
    assert deletions and all(i > last_put for i, _ in deletions), recorder.calls
    objects = snapshot(recorder.client, bucket)
    assert set(objects) == {build.relative(p) for p in build.files()}, "the bucket holds exactly the build"
    assert objects["theme/css/style.css"][0].endswith(b"/* v2 */\n")


def test_a_failing_upload_leaves_the_bucket_exactly_as_it_was(recorder, bucket, build):
    s3.deploy(build, bucket, client=recorder.client)
    before = snapshot(recorder.client, bucket)
    # a new version: a changed stylesheet (uploaded first), a new page, a changed page that fails, a removed page
    css = build.root / "theme" / "css" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* v2 */\n", encoding="utf-8")
    (build.root / "nouveau").mkdir()
    (build.root / "nouveau" / "index.html").write_text("<!DOCTYPE html><title>Nouveau</title>", encoding="utf-8")
    page = build.root / "communaute" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- v2 -->", encoding="utf-8")
    shutil.rmtree(build.root / "suivre")
    recorder.fail_on = "communaute/index.html"
    recorder.calls.clear()
    with pytest.raises(DeployError) as caught:
        s3.deploy(build, bucket, client=recorder.client)
    message = str(caught.value)
    assert "upload of communaute/index.html failed" in message and "nothing was deleted" in message
    assert "the bucket is as it was" in message
    assert "theme/css/style.css" in recorder.puts(), "the stylesheet had been replaced before the failure"
    assert snapshot(recorder.client, bucket) == before
    deleted = [key for name, keys in recorder.calls if name.startswith("Delete")
               for key in (keys if isinstance(keys, list) else [keys])]
    assert "suivre/index.html" not in deleted, "a failing upload stops before any deletion"
    assert set(deleted) <= {"nouveau/index.html"} | {k for k in deleted if k.startswith(".publish-rollback/")}


def test_a_prefix_keeps_the_site_in_its_folder_and_the_rest_of_the_bucket_untouched(recorder, bucket, build):
    recorder.client.put_object(Bucket=bucket, Key="autre/fichier.txt", Body=b"not the site's")
    result = s3.deploy(build, bucket, prefix="/blog/", client=recorder.client)
    objects = snapshot(recorder.client, bucket)
    assert objects.pop("autre/fichier.txt")[0] == b"not the site's"
    assert set(objects) == {"blog/" + build.relative(p) for p in build.files()}
    assert result.summary.startswith(f"s3://{bucket}/blog/:")


def test_credentials_come_from_the_standard_environment_variables(aws_env, monkeypatch, moto_endpoint):
    assert s3.client_for(moto_endpoint).list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(DeployError) as caught:
        s3.client_for(moto_endpoint)
    assert "AWS_ACCESS_KEY_ID" in str(caught.value) and "AWS_SECRET_ACCESS_KEY" in str(caught.value)


def test_a_missing_bucket_is_reported_and_nothing_happens(recorder, build):
    with pytest.raises(DeployError) as caught:
        s3.deploy(build, "no-such-bucket-here", client=recorder.client)
    assert "no-such-bucket-here" in str(caught.value) and "nothing was changed" in str(caught.value)


@pytest.mark.skipif(bool(gate_tools_missing()),
                    reason=f"missing {', '.join(gate_tools_missing())}: scripts/setup --test installs it")
def test_invoke_publish_to_s3_end_to_end(moto_endpoint, aws_env, tmp_path):
    client = s3.client_for(moto_endpoint)
    name = f"site-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    project = publish_project(tmp_path)
    environment = {**CREDENTIALS, "AWS_CONFIG_FILE": os.environ["AWS_CONFIG_FILE"],
                   "AWS_SHARED_CREDENTIALS_FILE": os.environ["AWS_SHARED_CREDENTIALS_FILE"]}
    result = run_task(project, "publish", "--target", "s3", "--bucket", name, "--endpoint-url", moto_endpoint,
                      "--prefix", "site", env=environment)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Every gate passed." in output and f"s3://{name}/site/:" in output
    objects = snapshot(client, name)
    for key, expected in EXPECTED_TYPES.items():
        assert objects["site/" + key][1] == expected

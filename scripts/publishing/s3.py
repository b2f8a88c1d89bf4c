"""S3 target: the build as the objects of a bucket (or of a prefix in it), with boto3.

Credentials come from the standard AWS sources (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_DEFAULT_REGION, or a
profile); `endpoint_url` points at any S3-compatible service. The bucket,
or the prefix, belongs to the site: an object there that the build lacks is
deleted.

1. List the objects under the prefix. A file is unchanged when its object
   has the same MD5 (the ETag of a single-part upload) and the same sha256
   and Content-Type in its metadata; only the others are uploaded.
2. Before an object is overwritten, it is copied (server-side) under
   `<prefix>.publish-rollback/<run>/`.
3. Upload the new and changed files: stylesheets, images and feeds first,
   then the pages that use them, each with its Content-Type (charset=utf-8
   for text; contenttypes.py).
4. If an upload fails: stop, put every overwritten object back from its
   copy, delete the objects this run created, and report. Nothing is
   deleted before every upload succeeded, so the bucket is as it was.
5. Only then delete the objects the build no longer has, and the copies.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .contenttypes import content_type
from .pipeline import DeployError, DeployResult
from .site import Site

ROLLBACK = ".publish-rollback/"
WORKERS = 8
CREDENTIALS_FIX = ("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_DEFAULT_REGION) in the environment, "
                   "or AWS_PROFILE for a profile of ~/.aws/credentials")


@dataclass(frozen=True)
class LocalFile:
    """One file of the build, as it should be in the bucket."""

    path: Path
    key: str
    content_type: str
    md5: str
    sha256: str


def client_for(endpoint_url: str | None = None):
    """A boto3 S3 client with the standard credential chain (DeployError when boto3 or credentials are missing)."""
    try:
        import boto3
    except ImportError:
        raise DeployError("the S3 target needs boto3: run scripts/setup") from None
    session = boto3.session.Session()
    if session.get_credentials() is None:
        raise DeployError(f"no AWS credentials: {CREDENTIALS_FIX}")
    return session.client("s3", endpoint_url=endpoint_url or None,
                          region_name=session.region_name or "us-east-1")


def normalise_prefix(prefix: str | None) -> str:
    """'' (the bucket's root) or 'a/b/'."""
    prefix = (prefix or "").strip().strip("/")
    if ".." in prefix.split("/"):
        raise DeployError(f"--prefix {prefix!r}: '..' is not allowed in a prefix")
    return prefix + "/" if prefix else ""


def local_files(site: Site, prefix: str) -> dict[str, LocalFile]:
    files = {}
    for path in site.files():
        data = path.read_bytes()
        relative = site.relative(path)
        files[prefix + relative] = LocalFile(path, prefix + relative, content_type(relative, site.feeds_dir),
                                             hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest())
    return files


def _listing(client, bucket: str, prefix: str) -> dict[str, str]:
    """Every object under the prefix → its ETag (without quotes)."""
    objects = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            objects[item["Key"]] = item.get("ETag", "").strip('"')
    return objects


def _unchanged(client, bucket: str, local: LocalFile, etag: str) -> bool:
    if etag and "-" not in etag and etag != local.md5:
        return False  # a single-part ETag is the MD5 of the content: it differs, no need to ask more
    head = client.head_object(Bucket=bucket, Key=local.key)
    return head.get("Metadata", {}).get("sha256") == local.sha256 and head.get("ContentType") == local.content_type


def _upload_order(key: str) -> tuple[int, str]:
    """Assets and feeds before the pages that use them; the home page last."""
    if key.endswith((".html", ".htm")):
        return (2 if key.rsplit("/", 1)[-1] == "index.html" and key.count("/") == 0 else 1, key)
    return (0, key)


def deploy(site: Site, bucket: str, prefix: str = "", endpoint_url: str | None = None, client=None) -> DeployResult:
    """Make the bucket (under `prefix`) hold exactly the build; see the module's docstring."""
    client = client or client_for(endpoint_url)
    prefix = normalise_prefix(prefix)
    from botocore.exceptions import BotoCoreError, ClientError

    errors = (BotoCoreError, ClientError)
    try:
        client.head_bucket(Bucket=bucket)
        existing = _listing(client, bucket, prefix)
    except errors as exc:
        raise DeployError(f"cannot read bucket {bucket!r}: {exc}. Check the name, --endpoint-url and the "
                          f"credentials ({CREDENTIALS_FIX}); nothing was changed") from None
    files = local_files(site, prefix)
    rollback_root = prefix + ROLLBACK
    site_objects = {key: etag for key, etag in existing.items() if not key.startswith(rollback_root)}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        try:
            candidates = [f for key, f in files.items() if key in site_objects]
            same = dict(zip((f.key for f in candidates),
                            pool.map(lambda f: _unchanged(client, bucket, f, site_objects[f.key]), candidates)))
        except errors as exc:
            raise DeployError(f"cannot read the objects of bucket {bucket!r}: {exc}; nothing was changed") from None
        to_upload = sorted((f for key, f in files.items() if not same.get(key, False)), key=lambda f: _upload_order(f.key))
        replaced = [f.key for f in to_upload if f.key in site_objects]
        stale = sorted(key for key in existing if key not in files)
        run = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
        backup = {key: f"{rollback_root}{run}/{key[len(prefix):]}" for key in replaced}

        def copy_aside(key):
            client.copy_object(Bucket=bucket, Key=backup[key], CopySource={"Bucket": bucket, "Key": key},
                               MetadataDirective="COPY")

        try:
            list(pool.map(copy_aside, replaced))
        except errors as exc:
            _delete_quietly(client, bucket, list(backup.values()))
            raise DeployError(f"could not copy the objects about to be replaced aside: {exc}; nothing was changed") \
                from None

        uploaded: list[str] = []

        def upload(local: LocalFile):
            with open(local.path, "rb") as body:
                client.put_object(Bucket=bucket, Key=local.key, Body=body, ContentType=local.content_type,
                                  Metadata={"sha256": local.sha256})
            uploaded.append(local.key)

        failure = None
        for group in (0, 1, 2):  # each group waits for the previous one
            batch = [f for f in to_upload if _upload_order(f.key)[0] == group]
            futures = [pool.submit(upload, f) for f in batch]
            for future, local in zip(futures, batch):
                try:
                    future.result()
                except Exception as exc:  # boto errors, a file that vanished...: stop before any deletion
                    failure = failure or (local.key, exc)
            if failure:
                break
        if failure:
            key, exc = failure
            not_restored = _roll_back(client, bucket, uploaded, backup)
            state = ("the bucket is as it was" if not not_restored else
                     f"these objects could not be restored: {', '.join(not_restored)} (their previous version is "
                     f"under {rollback_root}{run}/)")
            raise DeployError(f"upload of {key} failed: {exc}; nothing was deleted; {len(uploaded)} uploaded "
                              f"object(s) rolled back: {state}")
    try:
        _delete(client, bucket, stale)
        _delete(client, bucket, list(backup.values()))
    except (*errors, DeployError) as exc:
        raise DeployError(f"the new site is in place, but deleting the {len(stale)} object(s) it no longer has "
                          f"failed: {exc}; publish again to finish") from None
    changed = bool(to_upload or stale)
    summary = (f"s3://{bucket}/{prefix}: {len(to_upload)} uploaded, {len(stale)} deleted, "
               f"{len(files) - len(to_upload)} unchanged")
    return DeployResult("s3", changed, summary, {"uploaded": [f.key for f in to_upload], "deleted": stale,
                                                 "unchanged": len(files) - len(to_upload)})


def _roll_back(client, bucket: str, uploaded: list[str], backup: dict[str, str]) -> list[str]:
    """Put overwritten objects back and delete the new ones; the keys that could not be restored."""
    failed = []
    for key in uploaded:
        try:
            if key in backup:
                client.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": backup[key]},
                                   MetadataDirective="COPY")
            else:
                client.delete_object(Bucket=bucket, Key=key)
        except Exception:  # keep going: restore as much as possible, then say what is left
            failed.append(key)
    if not failed:
        _delete_quietly(client, bucket, list(backup.values()))
    return failed


def _delete_quietly(client, bucket: str, keys: list[str]) -> None:
    """Remove leftover copies; a failure here only leaves them for the next publish to delete."""
    try:
        _delete(client, bucket, keys)
    except Exception:  # the next successful publish deletes them (they are not in the build)
        pass


def _delete(client, bucket: str, keys: list[str]) -> None:
    for start in range(0, len(keys), 1000):
        chunk = keys[start:start + 1000]
        answer = client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
        if answer.get("Errors"):
            first = answer["Errors"][0]
            raise DeployError(f"could not delete {first.get('Key')}: {first.get('Message')}")

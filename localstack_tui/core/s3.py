"""S3: buckets, lazy object listing, previews, uploads and deletes.

Every call goes through `aws_call` (one-line errors) and every change through
`check_write` (the remote guard), checked before anything touches the network.
Listing is paged: one ListObjectsV2 call per page, never the whole bucket.
"""

from __future__ import annotations

import codecs
import mimetypes
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from botocore.exceptions import ClientError

from localstack_tui.core.aws_errors import aws_call, error_code
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import AwsCallError, ConflictError, LstuiError, ValidationError

MiB = 1024 * 1024
MIN_PART_SIZE = 5 * MiB  # S3 (and LocalStack) refuse smaller parts, except the last
MAX_PART_SIZE = 5 * 1024 * MiB
MAX_PARTS = 10_000
DEFAULT_MULTIPART_THRESHOLD = 8 * MiB
DEFAULT_PART_SIZE = 8 * MiB
DELETE_BATCH = 1000  # the most keys one DeleteObjects call takes
MAX_KEY_BYTES = 1024

RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
# "-an" marks account-regional namespace buckets; LocalStack refuses it without that header.
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3", "-an")
BUCKET_CHARS = re.compile(r"[a-z0-9.-]+")
IP_LIKE = re.compile(r"[0-9]+(\.[0-9]+)+")
CONFLICT_CODES = {"BucketAlreadyExists", "BucketAlreadyOwnedByYou", "BucketNotEmpty"}

type Progress = Callable[[int], None]
type Cancel = threading.Event | Callable[[], bool]


class UploadCancelled(LstuiError):  # noqa: N818 - reads better than UploadCancelledError
    """The user cancelled an upload; no multipart upload was left behind."""

    def __init__(self, message: str, uploaded: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.uploaded = list(uploaded)


class PartialDeleteError(AwsCallError):
    """Some keys of a DeleteObjects batch were refused; `deleted` counts the rest."""

    def __init__(self, message: str, deleted: int, failures: dict[str, str]) -> None:
        super().__init__(message)
        self.deleted = deleted
        self.failures = failures


@dataclass(frozen=True)
class Bucket:
    name: str
    created: datetime | None


@dataclass(frozen=True)
class ObjectEntry:
    """One object of a listing."""

    key: str
    size: int
    last_modified: datetime | None
    etag: str
    storage_class: str

    @property
    def name(self) -> str:
        """The key after its last '/', as a file browser shows it."""
        return self.key.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class PrefixEntry:
    """A common prefix of a delimited listing: a "folder"."""

    prefix: str

    @property
    def name(self) -> str:
        """The last segment with its trailing '/', e.g. "2024/" for "photos/2024/"."""
        return self.prefix.rstrip("/").rsplit("/", 1)[-1] + "/"


@dataclass(frozen=True)
class ObjectPage:
    """One page of ListObjectsV2: folders, objects, and the token of the next page."""

    prefixes: list[str] = field(default_factory=list)
    objects: list[ObjectEntry] = field(default_factory=list)
    next_token: str | None = None

    @property
    def entries(self) -> list[PrefixEntry | ObjectEntry]:
        """Folders first, then objects, as a browser lists them."""
        return [*(PrefixEntry(p) for p in self.prefixes), *self.objects]


@dataclass(frozen=True)
class ObjectInfo:
    """What HeadObject says about one object."""

    bucket: str
    key: str
    size: int
    content_type: str | None
    last_modified: datetime | None
    etag: str
    metadata: dict[str, str]
    storage_class: str


@dataclass(frozen=True)
class Preview:
    """The first bytes of an object; `text` is None when they are not UTF-8 text."""

    data: bytes
    text: str | None
    truncated: bool
    size: int | None
    content_type: str | None

    @property
    def is_binary(self) -> bool:
        return self.text is None


def validate_bucket_name(name: str) -> str:
    """Return `name` if S3 accepts it as a bucket name, else raise ValidationError."""
    bad = f"invalid bucket name {name!r}:"
    if not 3 <= len(name) <= 63:
        raise ValidationError(f"{bad} must be 3 to 63 characters long (it has {len(name)})")
    if not BUCKET_CHARS.fullmatch(name):
        raise ValidationError(f"{bad} only lowercase letters, digits, dots and hyphens are allowed")
    if not (name[0].isalnum() and name[-1].isalnum()):
        raise ValidationError(f"{bad} must start and end with a letter or digit")
    if ".." in name:
        raise ValidationError(f"{bad} must not contain two adjacent dots")
    if ".-" in name or "-." in name:
        raise ValidationError(f"{bad} a dot must not be next to a hyphen")
    # Like S3, refuse any dotted run of numbers ("10.0.0.300" too), not just real addresses.
    if IP_LIKE.fullmatch(name):
        raise ValidationError(f"{bad} must not be formatted as an IP address")
    for prefix in RESERVED_PREFIXES:
        if name.startswith(prefix):
            raise ValidationError(f"{bad} the prefix {prefix!r} is reserved")
    for suffix in RESERVED_SUFFIXES:
        if name.endswith(suffix):
            raise ValidationError(f"{bad} the suffix {suffix!r} is reserved")
    return name


def validate_key(key: str) -> str:
    """Return `key` if it can name an S3 object (1 to 1024 UTF-8 bytes)."""
    if not key:
        raise ValidationError("invalid object key: it is empty")
    try:
        encoded = key.encode("utf-8")
    except UnicodeError:  # a file name that was not UTF-8 on disk
        raise ValidationError(f"invalid object key {key[:40]!r}: not UTF-8 text (rename the file)") from None
    if len(encoded) > MAX_KEY_BYTES:
        raise ValidationError(f"invalid object key {key[:40]!r}…: longer than {MAX_KEY_BYTES} bytes")
    return key


@contextmanager
def _s3_call(clients: AwsClients, action: str) -> Iterator[None]:
    """`aws_call`, with S3's "already exists" and "not empty" reported as conflicts."""
    with aws_call(action, clients.connection.endpoint_url):
        try:
            yield
        except ClientError as exc:
            if error_code(exc) in CONFLICT_CODES:
                message = exc.response.get("Error", {}).get("Message") or error_code(exc)
                raise ConflictError(f"cannot {action}: {message}") from None
            raise


def _etag(value: Any) -> str:
    return str(value or "").strip('"')


# --- buckets -----------------------------------------------------------------


def list_buckets(clients: AwsClients) -> list[Bucket]:
    """All buckets, sorted by name."""
    buckets: list[Bucket] = []
    kwargs: dict[str, Any] = {}
    with aws_call("list buckets", clients.connection.endpoint_url):
        while True:
            response = clients.s3.list_buckets(**kwargs)
            buckets += [Bucket(str(b["Name"]), b.get("CreationDate")) for b in response.get("Buckets", [])]
            token = response.get("ContinuationToken")
            if not token:
                break
            kwargs["ContinuationToken"] = token
    return sorted(buckets, key=lambda b: b.name)


def create_bucket(clients: AwsClients, name: str) -> None:
    """Create a bucket in the connection's region; ConflictError if it exists (us-east-1 would say nothing)."""
    validate_bucket_name(name)
    clients.connection.check_write(f"create bucket {name}")
    if any(bucket.name == name for bucket in list_buckets(clients)):
        raise ConflictError(f"bucket {name} already exists")
    region = clients.connection.region
    kwargs: dict[str, Any] = {"Bucket": name}
    # us-east-1 is S3's default and refuses an explicit LocationConstraint for itself.
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    with _s3_call(clients, f"create bucket {name}"):
        clients.s3.create_bucket(**kwargs)


def delete_bucket(clients: AwsClients, name: str, force: bool = False) -> None:
    """Delete a bucket; with `force`, first delete every object version and pending upload."""
    clients.connection.check_write(f"delete bucket {name}")
    if force:
        empty_bucket(clients, name)
    with _s3_call(clients, f"delete bucket {name}"):
        clients.s3.delete_bucket(Bucket=name)


def empty_bucket(clients: AwsClients, name: str) -> int:
    """Delete every object, version and delete marker, and abort pending uploads."""
    clients.connection.check_write(f"empty bucket {name}")
    deleted = 0
    with _s3_call(clients, f"empty bucket {name}"):
        paginator = clients.s3.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=name):
            versions = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            refs = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions]
            deleted += _delete_batches(clients, name, refs)
        uploads = clients.s3.get_paginator("list_multipart_uploads")
        for page in uploads.paginate(Bucket=name):
            for upload in page.get("Uploads", []):
                clients.s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    return deleted


# --- listing and reading -----------------------------------------------------


def list_objects_page(
    clients: AwsClients,
    bucket: str,
    prefix: str = "",
    delimiter: str = "/",
    token: str | None = None,
    page_size: int = 1000,
) -> ObjectPage:
    """One page of a listing (a single ListObjectsV2 call); pass `next_token` for the next."""
    if not 1 <= page_size <= 1000:
        raise ValidationError(f"page size must be between 1 and 1000, not {page_size}")
    kwargs: dict[str, Any] = {"Bucket": bucket, "MaxKeys": page_size}
    if prefix:
        kwargs["Prefix"] = prefix
    if delimiter:
        kwargs["Delimiter"] = delimiter
    if token:
        kwargs["ContinuationToken"] = token
    with aws_call(f"list objects in {bucket}", clients.connection.endpoint_url):
        response = clients.s3.list_objects_v2(**kwargs)
    objects = [
        ObjectEntry(
            key=str(o["Key"]),
            size=int(o.get("Size", 0)),
            last_modified=o.get("LastModified"),
            etag=_etag(o.get("ETag")),
            storage_class=str(o.get("StorageClass") or "STANDARD"),
        )
        for o in response.get("Contents", [])
    ]
    prefixes = [str(p["Prefix"]) for p in response.get("CommonPrefixes", [])]
    next_token = response.get("NextContinuationToken") if response.get("IsTruncated") else None
    return ObjectPage(prefixes=prefixes, objects=objects, next_token=next_token or None)


def iter_objects(clients: AwsClients, bucket: str, prefix: str = "", page_size: int = 1000) -> Iterator[ObjectEntry]:
    """Every object under `prefix` (no delimiter), fetching a page only when needed."""
    token: str | None = None
    while True:
        page = list_objects_page(clients, bucket, prefix, delimiter="", token=token, page_size=page_size)
        yield from page.objects
        if page.next_token is None:
            return
        token = page.next_token


def head_object(clients: AwsClients, bucket: str, key: str) -> ObjectInfo:
    """Size, type, dates and user metadata of one object."""
    with aws_call(f"read s3://{bucket}/{key}", clients.connection.endpoint_url):
        response = clients.s3.head_object(Bucket=bucket, Key=key)
    return ObjectInfo(
        bucket=bucket,
        key=key,
        size=int(response.get("ContentLength", 0)),
        content_type=response.get("ContentType"),
        last_modified=response.get("LastModified"),
        etag=_etag(response.get("ETag")),
        metadata={str(k): str(v) for k, v in response.get("Metadata", {}).items()},
        storage_class=str(response.get("StorageClass") or "STANDARD"),
    )


def preview_object(clients: AwsClients, bucket: str, key: str, limit: int = 1024) -> Preview:
    """The first `limit` bytes (one Range GET), decoded as text when they are UTF-8."""
    if limit < 1:
        raise ValidationError(f"preview limit must be positive, not {limit}")
    with aws_call(f"read s3://{bucket}/{key}", clients.connection.endpoint_url):
        try:
            response = clients.s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{limit - 1}")
        except ClientError as exc:
            # A range of an empty object is unsatisfiable (416): the preview is empty.
            if error_code(exc) not in ("InvalidRange", "416"):
                raise
            return Preview(b"", "", truncated=False, size=0, content_type=None)
        body = response["Body"]
        try:
            data = bytes(body.read(limit))  # the server may ignore Range: never read more
        finally:
            body.close()
    size = _total_size(response.get("ContentRange"), response.get("ContentLength"))
    truncated = size > len(data) if size is not None else len(data) >= limit
    return Preview(
        data=data,
        text=_decode_text(data, truncated),
        truncated=truncated,
        size=size,
        content_type=response.get("ContentType"),
    )


def _total_size(content_range: str | None, content_length: Any) -> int | None:
    """The object's full size from "bytes 0-1023/5000", or the length of a whole reply."""
    if content_range and "/" in content_range:
        total = content_range.rsplit("/", 1)[1]
        return int(total) if total.isdigit() else None
    return int(content_length) if content_length is not None else None


def _decode_text(data: bytes, truncated: bool) -> str | None:
    """UTF-8 text, or None; a character cut by the end of a truncated preview is dropped."""
    if b"\x00" in data:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # final=False keeps an incomplete trailing sequence buffered instead of failing.
        return decoder.decode(data, final=not truncated)
    except UnicodeDecodeError:
        return None


# --- uploads -----------------------------------------------------------------


def _cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def _content_type(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def upload_file(
    clients: AwsClients,
    path: str | os.PathLike[str],
    bucket: str,
    key: str,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
    part_size: int = DEFAULT_PART_SIZE,
) -> None:
    """Upload one file; `progress` gets the bytes sent so far, `cancel` stops between parts.

    Files of `multipart_threshold` bytes or more go up in parts; if anything
    fails or `cancel` is set, the multipart upload is aborted so none is left.
    """
    source = Path(path)
    if not source.is_file():
        raise ValidationError(f"no such file: {source}")
    validate_bucket_name(bucket)
    validate_key(key)
    if not MIN_PART_SIZE <= part_size <= MAX_PART_SIZE:
        raise ValidationError(f"part size must be between 5 MiB and 5 GiB, not {part_size} bytes")
    clients.connection.check_write(f"upload to s3://{bucket}/{key}")
    size = source.stat().st_size
    if _cancelled(cancel):
        raise UploadCancelled(f"upload of {source} cancelled")
    with open_readable(source) as stream:
        if size < multipart_threshold:
            with aws_call(f"upload s3://{bucket}/{key}", clients.connection.endpoint_url):
                clients.s3.put_object(Bucket=bucket, Key=key, Body=stream, ContentType=_content_type(source))
            if progress:
                progress(size)
        else:
            _upload_multipart(clients, stream, size, source, bucket, key, progress, cancel, part_size)


def _upload_multipart(
    clients: AwsClients,
    stream: BinaryIO,
    size: int,
    source: Path,
    bucket: str,
    key: str,
    progress: Progress | None,
    cancel: Cancel | None,
    part_size: int,
) -> None:
    # A huge file would need more than 10,000 parts: grow the parts instead.
    part_size = max(part_size, -(-size // MAX_PARTS))
    action = f"upload s3://{bucket}/{key}"
    with aws_call(action, clients.connection.endpoint_url):
        created = clients.s3.create_multipart_upload(Bucket=bucket, Key=key, ContentType=_content_type(source))
    upload_id = str(created["UploadId"])
    try:
        parts: list[dict[str, Any]] = []
        sent = 0
        while True:
            if _cancelled(cancel):
                raise UploadCancelled(f"upload of {source} cancelled after {sent} of {size} bytes")
            chunk = stream.read(part_size)
            if not chunk and parts:
                break
            number = len(parts) + 1
            with aws_call(f"{action} (part {number})", clients.connection.endpoint_url):
                answer = clients.s3.upload_part(
                    Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=chunk
                )
            parts.append({"PartNumber": number, "ETag": answer["ETag"]})
            sent += len(chunk)
            if progress:
                progress(sent)
            if sent >= size:
                break
        if _cancelled(cancel):
            raise UploadCancelled(f"upload of {source} cancelled after {sent} of {size} bytes")
        with aws_call(action, clients.connection.endpoint_url):
            clients.s3.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
    except BaseException:
        _abort_quietly(clients, bucket, key, upload_id)
        raise


def _abort_quietly(clients: AwsClients, bucket: str, key: str, upload_id: str) -> None:
    # The error that got us here matters more than one from the clean-up.
    with suppress(Exception):
        clients.s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)


def _walk_files(directory: Path) -> Iterator[Path]:
    """Regular files under `directory`, following symlinks but not symlink loops."""

    def walk(folder: Path, ancestors: frozenset[tuple[int, int]]) -> Iterator[Path]:
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:  # a folder the user cannot list is named, like a file they cannot read
            raise ValidationError(f"cannot read {folder}: {exc.strerror or exc}") from None
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir():
                info = path.stat()
                identity = (info.st_dev, info.st_ino)
                if identity not in ancestors:  # a link back up the tree would never end
                    yield from walk(path, ancestors | {identity})
            elif entry.is_file():  # not fifos, sockets or dangling links
                yield path

    root = directory.stat()
    yield from walk(directory, frozenset({(root.st_dev, root.st_ino)}))


def upload_plan(path: Path, prefix: str = "") -> list[tuple[Path, str]]:
    """The files to upload from a file or a directory, with their keys: every key checked first."""
    if path.is_dir():
        files = [(file, prefix + file.relative_to(path).as_posix()) for file in _walk_files(path)]
    elif path.exists():
        files = [(path, prefix + path.name)]
    else:
        raise ValidationError(f"no such file or directory: {path}")
    for file, key in files:
        validate_key(key)
        check_readable(file)
    return files


def open_readable(path: Path) -> BinaryIO:
    """The file, open for reading; one that cannot be read is a ValidationError naming it."""
    try:
        return path.open("rb")
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from None


def check_readable(path: Path) -> None:
    """Before the first byte goes up: a file the user cannot read is named, not met half-way."""
    open_readable(path).close()


def upload_directory(
    clients: AwsClients,
    directory: str | os.PathLike[str],
    bucket: str,
    prefix: str = "",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
    part_size: int = DEFAULT_PART_SIZE,
) -> list[str]:
    """Upload every file under `directory` to `prefix` + its relative path; return the keys.

    `progress` gets the bytes sent so far across all files. A non-empty prefix
    gets a trailing '/'.
    """
    root = Path(directory)
    if not root.is_dir():
        raise ValidationError(f"no such directory: {root}")
    return upload_paths(clients, [root], bucket, prefix, progress, cancel, multipart_threshold, part_size)


def upload_paths(
    clients: AwsClients,
    paths: Iterable[str | os.PathLike[str]],
    bucket: str,
    prefix: str = "",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
    part_size: int = DEFAULT_PART_SIZE,
) -> list[str]:
    """Upload files (to `prefix` + their name) and directories (their files to `prefix` + their relative
    path); return the keys.

    Every file of every path is planned and checked first (its key, that it can be read): a readable
    file followed by a directory holding an unreadable one uploads nothing. `progress` gets the bytes
    sent so far across all files; a cancel raises UploadCancelled with the keys already uploaded.
    """
    validate_bucket_name(bucket)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    clients.connection.check_write(f"upload to s3://{bucket}/{prefix}")
    files = [planned for path in paths for planned in upload_plan(Path(path), prefix)]
    uploaded: list[str] = []
    done = 0

    def report(sent: int) -> None:
        if progress:
            progress(done + sent)

    for path, key in files:
        if _cancelled(cancel):
            raise UploadCancelled(f"upload cancelled after {len(uploaded)} of {len(files)} files", uploaded)
        try:
            upload_file(clients, path, bucket, key, report, cancel, multipart_threshold, part_size)
        except UploadCancelled as exc:
            raise UploadCancelled(str(exc), uploaded) from None
        uploaded.append(key)
        done += path.stat().st_size
    return uploaded


# --- deleting objects --------------------------------------------------------


def delete_objects(clients: AwsClients, bucket: str, keys: Iterable[str]) -> int:
    """Delete `keys` (in batches of 1000); return how many were deleted.

    Raises PartialDeleteError, after trying every batch, if S3 refused some keys.
    """
    clients.connection.check_write(f"delete objects in {bucket}")
    refs = [{"Key": key} for key in keys]
    with _s3_call(clients, f"delete objects in {bucket}"):
        return _delete_batches(clients, bucket, refs)


def _delete_batches(clients: AwsClients, bucket: str, refs: list[dict[str, str]]) -> int:
    deleted = 0
    failures: dict[str, str] = {}
    for start in range(0, len(refs), DELETE_BATCH):
        batch = refs[start : start + DELETE_BATCH]
        clients.connection.check_write(f"delete objects in {bucket}")
        response = clients.s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        errors = response.get("Errors", [])
        for error in errors:
            failures[str(error.get("Key"))] = f"{error.get('Code')}: {error.get('Message')}"
        deleted += len(batch) - len(errors)
    if failures:
        key, why = next(iter(failures.items()))
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise PartialDeleteError(
            f"cannot delete {len(failures)} of {len(refs)} objects in {bucket}: {key}: {why}{more}",
            deleted,
            failures,
        )
    return deleted

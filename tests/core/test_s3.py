"""The S3 core against the session's real embedded LocalStack (no mocks)."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localstack_tui.core import s3
from localstack_tui.core.connection import AwsClients, Connection
from localstack_tui.core.errors import (
    ConflictError,
    NotFoundError,
    RemoteWriteRefusedError,
    ValidationError,
)

MiB = 1024 * 1024
Aws = Callable[[str], Any]


def unique(tag: str = "b") -> str:
    return f"lstui-{tag}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def bucket(clients: AwsClients) -> Iterator[str]:
    name = unique()
    s3.create_bucket(clients, name)
    yield name
    with suppress(NotFoundError):
        s3.delete_bucket(clients, name, force=True)


def put(aws: Aws, bucket: str, keys: list[str], body: bytes = b"x") -> None:
    client = aws("s3")
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: client.put_object(Bucket=bucket, Key=key, Body=body), keys))


def exists(aws: Aws, bucket: str, key: str) -> bool:
    try:
        aws("s3").head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey"):
            return False
        raise
    return True


def pending_uploads(aws: Aws, bucket: str) -> list[Any]:
    return list(aws("s3").list_multipart_uploads(Bucket=bucket).get("Uploads", []))


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- bucket names (pure) -----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "abc",
        "my-bucket",
        "my.bucket.name",
        "a1b2c3",
        "1bucket",
        "x" * 63,
        "a-b-c",
        "logs.2024-01",
        "xn-abc",
        "1234",
        "v1.2.a",
    ],
)
def test_valid_bucket_names(name: str) -> None:
    assert s3.validate_bucket_name(name) == name


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ab", "3 to 63 characters"),
        ("x" * 64, "3 to 63 characters"),
        ("", "3 to 63 characters"),
        ("MyBucket", "only lowercase letters"),
        ("my_bucket", "only lowercase letters"),
        ("my bucket", "only lowercase letters"),
        ("bücket", "only lowercase letters"),
        ("-bucket", "start and end with a letter or digit"),
        ("bucket-", "start and end with a letter or digit"),
        (".bucket", "start and end with a letter or digit"),
        ("bucket.", "start and end with a letter or digit"),
        ("my..bucket", "two adjacent dots"),
        ("my-.bucket", "dot must not be next to a hyphen"),
        ("my.-bucket", "dot must not be next to a hyphen"),
        ("192.168.5.4", "IP address"),
        ("10.0.0.300", "IP address"),
        ("1.2", "IP address"),
        ("xn--bucket", "prefix 'xn--'"),
        ("sthree-bucket", "prefix 'sthree-'"),
        ("amzn-s3-demo-bucket", "prefix 'amzn-s3-demo-'"),
        ("bucket-s3alias", "suffix '-s3alias'"),
        ("bucket--ol-s3", "suffix '--ol-s3'"),
        ("bucket.mrap", "suffix '.mrap'"),
        ("bucket--x-s3", "suffix '--x-s3'"),
        ("bucket--table-s3", "suffix '--table-s3'"),
        ("bucket-an", "suffix '-an'"),
    ],
)
def test_invalid_bucket_names_name_the_rule(name: str, rule: str) -> None:
    with pytest.raises(ValidationError, match="invalid bucket name") as info:
        s3.validate_bucket_name(name)
    message = str(info.value)
    assert rule in message
    assert "\n" not in message


LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?", fullmatch=True)


def plausible(name: str) -> bool:
    return (
        3 <= len(name) <= 63
        and not re.fullmatch(r"[0-9]+(\.[0-9]+)+", name)
        and not name.startswith(s3.RESERVED_PREFIXES)
        and not name.endswith(s3.RESERVED_SUFFIXES)
    )


VALID_NAMES = st.lists(LABEL, min_size=1, max_size=4).map(".".join).filter(plausible)


@settings(database=None)
@given(VALID_NAMES)
def test_names_valid_by_construction_pass(name: str) -> None:
    assert s3.validate_bucket_name(name) == name


@settings(database=None)
@given(VALID_NAMES, st.sampled_from("ABCXYZ_"), st.integers(min_value=0))
def test_uppercase_or_underscore_always_fails(name: str, bad: str, position: int) -> None:
    at = position % (len(name) + 1)
    with pytest.raises(ValidationError):
        s3.validate_bucket_name(name[:at] + bad + name[at:])


@settings(database=None, max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_NAMES)
def test_localstack_accepts_what_the_validator_accepts(clients: AwsClients, name: str) -> None:
    s3.create_bucket(clients, name)
    assert name in {b.name for b in s3.list_buckets(clients)}
    s3.delete_bucket(clients, name)


# --- buckets -----------------------------------------------------------------


def test_create_list_delete_bucket(clients: AwsClients, aws: Aws) -> None:
    names = sorted([unique(), unique()])
    for name in reversed(names):
        s3.create_bucket(clients, name)
    listed = s3.list_buckets(clients)
    assert [b.name for b in listed] == sorted(b.name for b in listed)
    mine = [b for b in listed if b.name in names]
    assert [b.name for b in mine] == names
    assert all(b.created is not None for b in mine)
    for name in names:
        s3.delete_bucket(clients, name)
    remaining = {b["Name"] for b in aws("s3").list_buckets()["Buckets"]}
    assert not remaining & set(names)


def test_create_bucket_validates_first(clients: AwsClients) -> None:
    with pytest.raises(ValidationError, match="only lowercase"):
        s3.create_bucket(clients, "Bad_Name")


def test_create_bucket_in_another_region(server: Any, aws: Aws) -> None:
    eu = AwsClients(
        Connection(endpoint_url=server.endpoint_url, region="eu-west-1", access_key_id="test", secret_access_key="test")
    )
    name = unique("eu")
    s3.create_bucket(eu, name)
    assert aws("s3").get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    # Creating a bucket one already owns is a conflict, said the same way in every region.
    with pytest.raises(ConflictError, match=f"bucket {name} already exists"):
        s3.create_bucket(eu, name)
    s3.delete_bucket(eu, name)


def test_delete_non_empty_bucket_needs_force(clients: AwsClients, aws: Aws) -> None:
    name = unique()
    s3.create_bucket(clients, name)
    client = aws("s3")
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    put(aws, name, ["a.txt", "dir/b.txt"])
    client.put_object(Bucket=name, Key="a.txt", Body=b"second version")
    client.delete_object(Bucket=name, Key="dir/b.txt")  # leaves a delete marker
    client.create_multipart_upload(Bucket=name, Key="pending.bin")
    assert pending_uploads(aws, name)  # so an empty list elsewhere means something
    with pytest.raises(ConflictError, match="not empty"):
        s3.delete_bucket(clients, name)
    s3.delete_bucket(clients, name, force=True)
    with pytest.raises(ClientError):
        client.head_bucket(Bucket=name)


def test_delete_missing_bucket_is_not_found(clients: AwsClients) -> None:
    with pytest.raises(NotFoundError, match="cannot delete bucket"):
        s3.delete_bucket(clients, unique("missing"))
    with pytest.raises(NotFoundError):
        s3.delete_bucket(clients, unique("missing"), force=True)


# --- listing -----------------------------------------------------------------

ROOT_KEYS = [f"root-{i:02}.txt" for i in range(5)]
A_KEYS = [f"a/{i:02}.txt" for i in range(10)]
B_KEYS = [f"b/{i:02}.txt" for i in range(10)]
C_KEYS = [f"c/{i:02}.txt" for i in range(5)] + [f"c/deep/{i:02}.txt" for i in range(5)]
ALL_KEYS = ROOT_KEYS + A_KEYS + B_KEYS + C_KEYS


@pytest.fixture(scope="module")
def listed_bucket(clients: AwsClients, aws: Aws) -> Iterator[str]:
    name = unique("list")
    s3.create_bucket(clients, name)
    put(aws, name, ALL_KEYS, b"0123456789")
    yield name
    s3.delete_bucket(clients, name, force=True)


def all_pages(clients: AwsClients, bucket: str, **kwargs: Any) -> list[s3.ObjectPage]:
    pages = [s3.list_objects_page(clients, bucket, **kwargs)]
    while pages[-1].next_token is not None:
        pages.append(s3.list_objects_page(clients, bucket, token=pages[-1].next_token, **kwargs))
    return pages


def test_pages_chain_and_cover_every_key_once(clients: AwsClients, listed_bucket: str) -> None:
    assert len(ALL_KEYS) == 35
    pages = all_pages(clients, listed_bucket, delimiter="", page_size=10)
    assert [len(p.objects) for p in pages] == [10, 10, 10, 5]
    assert all(p.prefixes == [] for p in pages)
    keys = [o.key for p in pages for o in p.objects]
    assert keys == sorted(ALL_KEYS)  # each once, in S3's order
    entry = pages[0].objects[0]
    assert entry.size == 10
    assert entry.etag == hashlib.md5(b"0123456789").hexdigest()
    assert entry.storage_class == "STANDARD"
    assert entry.last_modified is not None


def test_delimited_listing_gives_folders(clients: AwsClients, listed_bucket: str) -> None:
    (page,) = all_pages(clients, listed_bucket, page_size=10)
    assert page.prefixes == ["a/", "b/", "c/"]
    assert [o.key for o in page.objects] == ROOT_KEYS
    assert [e.name for e in page.entries[:3]] == ["a/", "b/", "c/"]

    (inner,) = all_pages(clients, listed_bucket, prefix="c/", page_size=10)
    assert inner.prefixes == ["c/deep/"]
    assert [o.key for o in inner.objects] == C_KEYS[:5]
    assert inner.objects[0].name == "00.txt"
    assert s3.PrefixEntry("c/deep/").name == "deep/"


def test_small_pages_count_folders_too(clients: AwsClients, listed_bucket: str) -> None:
    pages = all_pages(clients, listed_bucket, page_size=2)
    assert all(len(p.prefixes) + len(p.objects) <= 2 for p in pages)
    assert [p for page in pages for p in page.prefixes] == ["a/", "b/", "c/"]
    assert [o.key for page in pages for o in page.objects] == ROOT_KEYS
    assert len(pages) == 4


def test_iter_objects_is_lazy(clients: AwsClients, listed_bucket: str) -> None:
    calls: list[str] = []

    def count(**kwargs: Any) -> None:
        calls.append(kwargs["model"].name)

    events = clients.s3.meta.events
    events.register("before-call.s3.ListObjectsV2", count)
    try:
        objects = s3.iter_objects(clients, listed_bucket, page_size=10)
        assert calls == []  # a generator: nothing fetched yet
        first = [next(objects) for _ in range(12)]
        assert len(calls) == 2
        rest = list(objects)
        assert len(calls) == 4
    finally:
        events.unregister("before-call.s3.ListObjectsV2", count)
    assert [o.key for o in first + rest] == sorted(ALL_KEYS)
    assert [o.key for o in s3.iter_objects(clients, listed_bucket, prefix="c/deep/")] == C_KEYS[5:]


def test_listing_a_missing_bucket_is_not_found(clients: AwsClients) -> None:
    name = unique("missing")
    with pytest.raises(NotFoundError, match=f"cannot list objects in {name}"):
        s3.list_objects_page(clients, name)
    with pytest.raises(NotFoundError):
        next(s3.iter_objects(clients, name))


def test_page_size_is_checked(clients: AwsClients) -> None:
    with pytest.raises(ValidationError):
        s3.list_objects_page(clients, "any-bucket", page_size=0)


# --- head and preview --------------------------------------------------------


def test_head_and_preview_text(clients: AwsClients, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(
        Bucket=bucket, Key="notes.txt", Body=b"hello\nworld\n", ContentType="text/plain", Metadata={"owner": "me"}
    )
    info = s3.head_object(clients, bucket, "notes.txt")
    assert (info.size, info.content_type, info.metadata) == (12, "text/plain", {"owner": "me"})
    assert info.etag == hashlib.md5(b"hello\nworld\n").hexdigest()
    assert info.last_modified is not None

    preview = s3.preview_object(clients, bucket, "notes.txt")
    assert preview.text == "hello\nworld\n"
    assert not preview.is_binary and not preview.truncated
    assert preview.size == 12


def test_preview_reads_only_the_first_bytes(clients: AwsClients, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(Bucket=bucket, Key="long.txt", Body=b"abcdefghij" * 300)
    preview = s3.preview_object(clients, bucket, "long.txt", limit=100)
    assert preview.truncated
    assert preview.data == (b"abcdefghij" * 10)
    assert preview.text == "abcdefghij" * 10
    assert preview.size == 3000


def test_preview_binary(clients: AwsClients, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(Bucket=bucket, Key="blob.bin", Body=bytes(range(256)) * 8)
    preview = s3.preview_object(clients, bucket, "blob.bin", limit=64)
    assert preview.is_binary and preview.text is None
    assert preview.truncated and preview.size == 2048
    aws("s3").put_object(Bucket=bucket, Key="latin1.txt", Body="café crème".encode("latin-1"))
    assert s3.preview_object(clients, bucket, "latin1.txt").is_binary


def test_preview_tolerates_a_character_cut_at_the_end(clients: AwsClients, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(Bucket=bucket, Key="accents.txt", Body=("é" * 100).encode())  # 2 bytes each
    preview = s3.preview_object(clients, bucket, "accents.txt", limit=51)
    assert len(preview.data) == 51
    assert preview.text == "é" * 25
    assert preview.truncated and not preview.is_binary
    # The same cut in a complete object is not text: nothing more was coming.
    aws("s3").put_object(Bucket=bucket, Key="cut.txt", Body=("é" * 3).encode()[:5])
    assert s3.preview_object(clients, bucket, "cut.txt").is_binary


def test_preview_empty_object(clients: AwsClients, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(Bucket=bucket, Key="empty", Body=b"")
    preview = s3.preview_object(clients, bucket, "empty")
    assert preview.text == "" and not preview.truncated and preview.size == 0


def test_head_and_preview_missing_key(clients: AwsClients, bucket: str) -> None:
    with pytest.raises(NotFoundError):
        s3.head_object(clients, bucket, "nope")
    with pytest.raises(NotFoundError):
        s3.preview_object(clients, bucket, "nope")


# --- uploads -----------------------------------------------------------------


def test_upload_small_file(clients: AwsClients, aws: Aws, bucket: str, tmp_path: Path) -> None:
    data = os.urandom(1000)
    path = write(tmp_path / "notes.txt", data)
    seen: list[int] = []
    s3.upload_file(clients, path, bucket, "docs/notes.txt", progress=seen.append)
    assert seen and seen[-1] == 1000
    got = aws("s3").get_object(Bucket=bucket, Key="docs/notes.txt")
    assert got["Body"].read() == data
    assert got["ContentType"] == "text/plain"


def test_upload_multipart(clients: AwsClients, aws: Aws, bucket: str, tmp_path: Path) -> None:
    data = os.urandom(17 * MiB + 123)
    path = write(tmp_path / "big.bin", data)
    seen: list[int] = []
    s3.upload_file(clients, path, bucket, "big.bin", progress=seen.append, part_size=5 * MiB)
    assert seen == [5 * MiB, 10 * MiB, 15 * MiB, len(data)]
    got = aws("s3").get_object(Bucket=bucket, Key="big.bin")
    assert got["ETag"].strip('"').endswith("-4")  # four parts
    assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(data).digest()
    assert pending_uploads(aws, bucket) == []


def test_cancel_mid_multipart_leaves_nothing(clients: AwsClients, aws: Aws, bucket: str, tmp_path: Path) -> None:
    path = write(tmp_path / "big.bin", os.urandom(12 * MiB))
    cancel = threading.Event()
    seen: list[int] = []

    def progress(sent: int) -> None:
        seen.append(sent)
        cancel.set()

    with pytest.raises(s3.UploadCancelled, match="cancelled"):
        s3.upload_file(
            clients,
            path,
            bucket,
            "big.bin",
            progress=progress,
            cancel=cancel,
            multipart_threshold=5 * MiB,
            part_size=5 * MiB,
        )
    assert seen == [5 * MiB]
    assert pending_uploads(aws, bucket) == []
    assert not exists(aws, bucket, "big.bin")


def test_cancel_with_a_callable_before_start(clients: AwsClients, aws: Aws, bucket: str, tmp_path: Path) -> None:
    path = write(tmp_path / "small.txt", b"hi")
    with pytest.raises(s3.UploadCancelled):
        s3.upload_file(clients, path, bucket, "small.txt", cancel=lambda: True)
    assert not exists(aws, bucket, "small.txt")


def test_failure_mid_multipart_aborts(clients: AwsClients, aws: Aws, bucket: str, tmp_path: Path) -> None:
    path = write(tmp_path / "big.bin", os.urandom(11 * MiB))

    def explode(sent: int) -> None:
        raise RuntimeError("disk unplugged")

    with pytest.raises(RuntimeError, match="disk unplugged"):
        s3.upload_file(clients, path, bucket, "big.bin", progress=explode, multipart_threshold=0, part_size=5 * MiB)
    assert pending_uploads(aws, bucket) == []
    assert not exists(aws, bucket, "big.bin")


def test_upload_to_missing_bucket_aborts_nothing_left(clients: AwsClients, tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"a")
    with pytest.raises(NotFoundError, match="cannot upload"):
        s3.upload_file(clients, path, unique("missing"), "a.txt")


def test_upload_validates_before_calling_aws(clients: AwsClients, bucket: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(ValidationError, match=re.escape(f"no such file: {missing}")):
        s3.upload_file(clients, missing, bucket, "k")
    with pytest.raises(ValidationError, match="no such file"):
        s3.upload_file(clients, tmp_path, bucket, "k")  # a directory is not a file
    with pytest.raises(ValidationError, match="no such directory"):
        s3.upload_directory(clients, missing, bucket)
    path = write(tmp_path / "a.txt", b"a")
    with pytest.raises(ValidationError, match="invalid bucket name"):
        s3.upload_file(clients, path, "Bad_Bucket", "k")
    with pytest.raises(ValidationError, match="part size"):
        s3.upload_file(clients, path, bucket, "k", part_size=MiB)
    with pytest.raises(ValidationError, match="key"):
        s3.upload_file(clients, path, bucket, "")


def test_upload_directory(clients: AwsClients, aws: Aws, bucket: str, tmp_path: Path) -> None:
    root = tmp_path / "site"
    files = {
        "index.html": b"<h1>hi</h1>",
        "css/style.css": b"body {}",
        "img/icons/logo.png": os.urandom(300),
        "img/data.json": b"{}",
    }
    for name, data in files.items():
        write(root / name, data)
    outside = tmp_path / "shared"
    write(outside / "extra.txt", b"extra")
    (root / "linked").symlink_to(outside, target_is_directory=True)  # followed
    (root / "img" / "loop").symlink_to(root, target_is_directory=True)  # a loop: skipped
    (root / "dangling").symlink_to(tmp_path / "nowhere")
    seen: list[int] = []

    keys = s3.upload_directory(clients, root, bucket, prefix="www", progress=seen.append)

    expected = {f"www/{name}" for name in [*files, "linked/extra.txt"]}
    assert set(keys) == expected and len(keys) == len(expected)
    total = sum(map(len, files.values())) + len(b"extra")
    assert seen[-1] == total and seen == sorted(seen)
    stored = {o.key for o in s3.iter_objects(clients, bucket)}
    assert stored == expected
    html = aws("s3").get_object(Bucket=bucket, Key="www/index.html")
    assert html["ContentType"] == "text/html"
    assert html["Body"].read() == files["index.html"]


def test_upload_directory_cancelled_between_files(clients: AwsClients, aws: Aws, bucket: str, tmp_path: Path) -> None:
    for i in range(3):
        write(tmp_path / "d" / f"{i}.txt", b"data")
    cancel = threading.Event()
    with pytest.raises(s3.UploadCancelled) as info:
        s3.upload_directory(clients, tmp_path / "d", bucket, progress=lambda sent: cancel.set(), cancel=cancel)
    assert info.value.uploaded == ["0.txt"]
    assert [o.key for o in s3.iter_objects(clients, bucket)] == ["0.txt"]


# --- deleting objects --------------------------------------------------------


def test_delete_objects_in_batches(clients: AwsClients, aws: Aws, bucket: str) -> None:
    keys = [f"k/{i:04}" for i in range(1001)]
    put(aws, bucket, keys)
    put(aws, bucket, ["keep.txt"])
    assert s3.delete_objects(clients, bucket, iter(keys)) == 1001
    assert [o.key for o in s3.iter_objects(clients, bucket)] == ["keep.txt"]
    assert s3.delete_objects(clients, bucket, []) == 0


def test_delete_objects_in_missing_bucket(clients: AwsClients) -> None:
    with pytest.raises(NotFoundError, match="cannot delete objects"):
        s3.delete_objects(clients, unique("missing"), ["a"])


# --- the remote guard --------------------------------------------------------


@pytest.fixture
def remote() -> Iterator[tuple[AwsClients, list[str]]]:
    """Clients for real AWS that record, and refuse, any request they would send."""
    clients = AwsClients(
        Connection(endpoint_url="https://s3.amazonaws.com", access_key_id="AKIA0", secret_access_key="x")
    )
    assert not clients.connection.can_write
    sent: list[str] = []

    def refuse(request: Any, **kwargs: Any) -> None:
        sent.append(request.url)
        raise AssertionError(f"a request was sent to {request.url}")

    clients.s3.meta.events.register_first("before-send", refuse)
    yield clients, sent


def test_remote_guard_refuses_before_any_request(remote: tuple[AwsClients, list[str]], tmp_path: Path) -> None:
    clients, sent = remote
    path = write(tmp_path / "f.txt", b"data")
    big = write(tmp_path / "big.bin", b"\0" * (6 * MiB))
    attempts: list[Callable[[], object]] = [
        lambda: s3.create_bucket(clients, "some-bucket"),
        lambda: s3.delete_bucket(clients, "some-bucket"),
        lambda: s3.delete_bucket(clients, "some-bucket", force=True),
        lambda: s3.empty_bucket(clients, "some-bucket"),
        lambda: s3.upload_file(clients, path, "some-bucket", "f.txt"),
        lambda: s3.upload_file(clients, big, "some-bucket", "big.bin", multipart_threshold=5 * MiB),
        lambda: s3.upload_directory(clients, tmp_path, "some-bucket"),
        lambda: s3.delete_objects(clients, "some-bucket", ["f.txt"]),
    ]
    for attempt in attempts:
        with pytest.raises(RemoteWriteRefusedError, match=r"refusing to .*s3\.amazonaws\.com"):
            attempt()
    assert sent == []


def test_remote_guard_validates_input_first(remote: tuple[AwsClients, list[str]]) -> None:
    clients, sent = remote
    with pytest.raises(ValidationError):
        s3.create_bucket(clients, "Not_Valid")
    assert sent == []


def test_creating_a_bucket_that_exists_says_so_and_keeps_it(clients: AwsClients, aws: Any) -> None:
    """us-east-1 answers 200 to creating a bucket one already owns: lstui says it exists instead."""
    name = f"exists-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(clients, name)
    aws("s3").put_object(Bucket=name, Key="keep.txt", Body=b"mine")
    with pytest.raises(ConflictError, match=f"bucket {name} already exists"):
        s3.create_bucket(clients, name)
    assert [o["Key"] for o in aws("s3").list_objects_v2(Bucket=name)["Contents"]] == ["keep.txt"]

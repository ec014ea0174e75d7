"""The SQS core against the session's real LocalStack (no mocks)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from localstack_tui.core import sqs
from localstack_tui.core.connection import AwsClients, Connection
from localstack_tui.core.errors import (
    ConflictError,
    NotFoundError,
    RemoteWriteRefusedError,
    ValidationError,
)

REGION = "us-east-1"
ACCOUNT = "000000000000"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def arn_of(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def queue_names(aws: Callable[[str], Any], prefix: str) -> list[str]:
    urls = aws("sqs").list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    return [url.rsplit("/", 1)[-1] for url in urls]


def attributes(aws: Callable[[str], Any], url: str) -> dict[str, str]:
    return dict(aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])


def counts(aws: Callable[[str], Any], url: str) -> tuple[int, int, int]:
    attrs = attributes(aws, url)
    return (
        int(attrs["ApproximateNumberOfMessages"]),
        int(attrs["ApproximateNumberOfMessagesNotVisible"]),
        int(attrs["ApproximateNumberOfMessagesDelayed"]),
    )


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


def push_into_dlq(aws: Callable[[str], Any], source_url: str, dlq_url: str, expected: int) -> None:
    """Receive (maxReceiveCount 1) until LocalStack has moved `expected` messages to the DLQ."""
    client = aws("sqs")

    def moved() -> bool:
        client.receive_message(QueueUrl=source_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        return counts(aws, dlq_url)[0] >= expected

    wait_for(moved)


def all_bodies(aws: Callable[[str], Any], url: str) -> list[str]:
    """Drain a queue with real receives (only at the end of a test)."""
    bodies: list[str] = []
    for _ in range(50):
        messages = (
            aws("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get("Messages", [])
        )
        if not messages and sum(counts(aws, url)) == 0:
            break
        bodies.extend(m["Body"] for m in messages)
    return bodies


@pytest.fixture
def pair(clients: AwsClients) -> tuple[sqs.Queue, sqs.Queue]:
    """A source queue whose redrive policy (maxReceiveCount 1) names a fresh DLQ."""
    source = sqs.create_queue(clients, unique("src"))
    dlq = sqs.create_queue(clients, unique("dlq"))
    sqs.set_redrive_policy(clients, source.name, dlq.name, max_receive_count=1)
    return source, dlq


# --- resolving queue references ---------------------------------------------------------------


def test_a_queue_resolves_by_name_url_and_arn(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    name = unique("resolve")
    url = aws("sqs").create_queue(QueueName=name)["QueueUrl"]
    assert sqs.resolve_queue_url(clients, name) == url
    assert sqs.resolve_queue_url(clients, url) == url
    assert sqs.resolve_queue_url(clients, arn_of(name)) == url
    assert sqs.resolve_queue_url(clients, f"{clients.connection.endpoint_url}/{ACCOUNT}/{name}") == url


@pytest.mark.parametrize(
    "ref",
    [
        "arn:aws:sqs:us-east-1:000000000000",
        "arn:aws:sqs:us-east-1:123:queue",
        "arn:aws:s3:::bucket",
        "arn:aws:sqs:us-east-1:000000000000:bad name",
        "arn:",
    ],
)
def test_a_malformed_arn_is_refused_in_one_line(clients: AwsClients, ref: str) -> None:
    with pytest.raises(ValidationError) as caught:
        sqs.resolve_queue_url(clients, ref)
    assert "\n" not in str(caught.value)
    assert "ARN" in str(caught.value) or "queue name" in str(caught.value)


@pytest.mark.parametrize("name", ["", "has space", "x" * 81, "a" * 76 + ".fifo", "dot.ted", "ümlaut", "q.fifo.fifo"])
def test_an_invalid_name_is_refused(clients: AwsClients, name: str) -> None:
    with pytest.raises(ValidationError, match="invalid queue name"):
        sqs.resolve_queue_url(clients, name)


def test_names_of_up_to_80_characters_are_valid() -> None:
    assert sqs.validate_queue_name("a" * 80) == "a" * 80
    assert sqs.validate_queue_name("a" * 75 + ".fifo")
    assert sqs.validate_queue_name("Mixed_Case-09")


def test_a_missing_queue_is_not_found_by_name_url_or_arn(clients: AwsClients) -> None:
    name = unique("missing")
    for ref in (name, arn_of(name), f"{clients.connection.endpoint_url}/{ACCOUNT}/{name}"):
        with pytest.raises(NotFoundError, match=f"no queue named {name}"):
            sqs.resolve_queue_url(clients, ref)


def test_an_arn_in_another_region_is_refused(clients: AwsClients) -> None:
    with pytest.raises(ValidationError, match="region eu-west-1"):
        sqs.resolve_queue_url(clients, f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{unique('q')}")


# --- creating, reading, deleting --------------------------------------------------------------


def test_create_queue_returns_its_attributes(clients: AwsClients) -> None:
    name = unique("create")
    queue = sqs.create_queue(clients, name, {"VisibilityTimeout": "45", "DelaySeconds": "2"})
    assert queue.name == name
    assert queue.arn == arn_of(name)
    assert queue.url.endswith(f"/{name}")
    assert (queue.visibility_timeout, queue.delay_seconds, queue.retention_seconds) == (45, 2, 345600)
    assert (queue.visible, queue.in_flight, queue.delayed) == (0, 0, 0)
    assert not queue.fifo
    assert queue.redrive_policy is None
    assert queue.dlq_sources == ()


def test_a_fifo_name_makes_a_fifo_queue(clients: AwsClients) -> None:
    queue = sqs.create_queue(clients, unique("create") + ".fifo")
    assert queue.fifo


def test_create_refuses_an_existing_queue(clients: AwsClients) -> None:
    name = unique("twice")
    sqs.create_queue(clients, name)
    with pytest.raises(ConflictError, match=f"queue {name} already exists"):
        sqs.create_queue(clients, name)


def test_bad_create_input_creates_nothing(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    prefix = unique("bad")
    with pytest.raises(ValidationError):
        sqs.create_queue(clients, f"{prefix} with spaces")
    with pytest.raises(ValidationError, match=r"must end in \.fifo"):
        sqs.create_queue(clients, prefix, {"FifoQueue": "true"})
    assert queue_names(aws, prefix) == []


def test_get_and_list_report_counts_and_dlq_links(
    clients: AwsClients, aws: Callable[[str], Any], pair: tuple[sqs.Queue, sqs.Queue]
) -> None:
    source, dlq = pair
    client = aws("sqs")
    for body in ("a", "b", "c"):
        client.send_message(QueueUrl=source.url, MessageBody=body)
    client.send_message(QueueUrl=source.url, MessageBody="later", DelaySeconds=600)
    client.receive_message(QueueUrl=source.url, MaxNumberOfMessages=1, VisibilityTimeout=600)

    got = sqs.get_queue(clients, source.arn)
    assert (got.visible, got.in_flight, got.delayed) == (2, 1, 1)
    assert got.redrive_policy == sqs.RedrivePolicy(dlq.arn, 1)
    assert got.dlq_sources == ()
    got_dlq = sqs.get_queue(clients, dlq.url)
    assert got_dlq.dlq_sources == (source.arn,)
    assert got_dlq.is_dlq

    listed = sqs.list_queues(clients)
    names = [q.name for q in listed]
    assert names == sorted(names)
    by_name = {q.name: q for q in listed}
    assert by_name[dlq.name].dlq_sources == (source.arn,)
    assert by_name[source.name].redrive_policy == sqs.RedrivePolicy(dlq.arn, 1)
    assert (by_name[source.name].visible, by_name[source.name].in_flight, by_name[source.name].delayed) == (2, 1, 1)


def test_a_dlq_lists_every_source(clients: AwsClients) -> None:
    dlq = sqs.create_queue(clients, unique("shared-dlq"))
    sources = [sqs.create_queue(clients, unique("src")) for _ in range(2)]
    for source in sources:
        sqs.set_redrive_policy(clients, source.url, dlq.arn)
    expected = tuple(sorted(s.arn for s in sources))
    assert sqs.get_queue(clients, dlq.name).dlq_sources == expected
    assert {q.name: q for q in sqs.list_queues(clients)}[dlq.name].dlq_sources == expected


def test_get_queue_of_a_missing_queue_is_not_found(clients: AwsClients) -> None:
    with pytest.raises(NotFoundError, match="no queue named"):
        sqs.get_queue(clients, unique("nope"))


def test_delete_queue(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    queue = sqs.create_queue(clients, unique("delete"))
    sqs.delete_queue(clients, queue.arn)
    assert queue_names(aws, queue.name) == []
    with pytest.raises(NotFoundError):
        sqs.get_queue(clients, queue.name)
    with pytest.raises(NotFoundError):
        sqs.delete_queue(clients, queue.name)


# --- redrive policies -------------------------------------------------------------------------


def test_set_redrive_policy_returns_the_previous_one_for_undo(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    source = sqs.create_queue(clients, unique("src"))
    first, second = sqs.create_queue(clients, unique("dlq1")), sqs.create_queue(clients, unique("dlq2"))

    change = sqs.set_redrive_policy(clients, source.name, first.name)
    assert change.previous is None
    assert change.current == sqs.RedrivePolicy(first.arn, 3)
    assert json.loads(attributes(aws, source.url)["RedrivePolicy"]) == {
        "deadLetterTargetArn": first.arn,
        "maxReceiveCount": 3,
    }

    change = sqs.set_redrive_policy(clients, source.name, second.url, max_receive_count=7)
    assert change.previous == sqs.RedrivePolicy(first.arn, 3)
    assert sqs.get_queue(clients, source.name).redrive_policy == sqs.RedrivePolicy(second.arn, 7)

    sqs.restore_redrive_policy(clients, source.name, change.previous)
    assert sqs.get_queue(clients, source.name).redrive_policy == sqs.RedrivePolicy(first.arn, 3)

    cleared = sqs.clear_redrive_policy(clients, source.name)
    assert cleared.previous == sqs.RedrivePolicy(first.arn, 3)
    assert cleared.current is None
    assert "RedrivePolicy" not in attributes(aws, source.url)
    assert sqs.get_queue(clients, first.name).dlq_sources == ()

    sqs.restore_redrive_policy(clients, source.name, cleared.previous)
    assert sqs.get_queue(clients, source.name).redrive_policy == sqs.RedrivePolicy(first.arn, 3)


def test_clearing_when_there_is_no_policy_changes_nothing(clients: AwsClients) -> None:
    queue = sqs.create_queue(clients, unique("plain"))
    assert sqs.clear_redrive_policy(clients, queue.name) == sqs.RedriveChange(queue.url, None, None)


def test_bad_redrive_policies_change_nothing(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    source = sqs.create_queue(clients, unique("src"))
    fifo_dlq = sqs.create_queue(clients, unique("dlq") + ".fifo")
    with pytest.raises(ValidationError, match="its own dead-letter queue"):
        sqs.set_redrive_policy(clients, source.name, source.arn)
    with pytest.raises(ValidationError, match="must be standard too"):
        sqs.set_redrive_policy(clients, source.name, fifo_dlq.name)
    with pytest.raises(ValidationError, match="max receive count"):
        sqs.set_redrive_policy(clients, source.name, fifo_dlq.name, max_receive_count=0)
    with pytest.raises(NotFoundError, match="no queue named"):
        sqs.set_redrive_policy(clients, source.name, unique("missing-dlq"))
    with pytest.raises(ValidationError, match="malformed"):
        sqs.set_redrive_policy(clients, source.name, "arn:aws:sqs:nope")
    assert "RedrivePolicy" not in attributes(aws, source.url)


# --- peeking ----------------------------------------------------------------------------------


def test_peek_shows_messages_without_consuming_them(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    queue = sqs.create_queue(clients, unique("peek"))
    client = aws("sqs")
    client.send_message(
        QueueUrl=queue.url,
        MessageBody="first",
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "order"},
            "n": {"DataType": "Number", "StringValue": "3"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    client.send_message(QueueUrl=queue.url, MessageBody="second")

    for _ in range(3):
        result = sqs.peek_messages(clients, queue.name)
        assert not result.consumed
        assert result.warning is None
        assert [m.body for m in result.messages] == ["first", "second"]

    first = result.messages[0]
    assert first.message_id
    assert first.receive_count == 0
    assert first.sent_at is not None
    assert abs(first.sent_at.timestamp() - time.time()) < 60
    assert first.message_attributes == {
        "kind": sqs.MessageAttribute("String", "order"),
        "n": sqs.MessageAttribute("Number", "3"),
        "raw": sqs.MessageAttribute("Binary", "AAE="),
    }
    assert first.s3_events is None
    assert counts(aws, queue.url) == (2, 0, 0)
    assert [m.body for m in sqs.peek_messages(clients, queue.arn, limit=1).messages] == ["first"]
    # A real receive afterwards is the first one.
    received = client.receive_message(
        QueueUrl=queue.url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in received} == {"1"}


def test_peek_of_an_empty_queue(clients: AwsClients) -> None:
    queue = sqs.create_queue(clients, unique("empty"))
    assert sqs.peek_messages(clients, queue.url) == sqs.PeekResult([], consumed=False, total=0)


def test_peeking_under_a_redrive_policy_moves_nothing_to_the_dlq(
    clients: AwsClients, aws: Callable[[str], Any], pair: tuple[sqs.Queue, sqs.Queue]
) -> None:
    source, dlq = pair
    aws("sqs").send_message(QueueUrl=source.url, MessageBody="fragile")
    for _ in range(5):
        result = sqs.peek_messages(clients, source.name)
        assert [m.body for m in result.messages] == ["fragile"]
        assert result.messages[0].receive_count == 0
        assert not result.consumed
    assert counts(aws, dlq.url) == (0, 0, 0)
    assert counts(aws, source.url) == (1, 0, 0)
    assert sqs.peek_messages(clients, dlq.name).messages == []


def test_peek_can_show_in_flight_and_delayed_messages(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    queue = sqs.create_queue(clients, unique("hidden"))
    client = aws("sqs")
    client.send_message(QueueUrl=queue.url, MessageBody="taken")
    client.receive_message(QueueUrl=queue.url, VisibilityTimeout=600)
    client.send_message(QueueUrl=queue.url, MessageBody="waiting", DelaySeconds=600)
    client.send_message(QueueUrl=queue.url, MessageBody="ready")

    assert [m.body for m in sqs.peek_messages(clients, queue.name).messages] == ["ready"]
    shown = sqs.peek_messages(clients, queue.name, show_invisible=True, show_delayed=True).messages
    by_body = {m.body: m for m in shown}
    assert set(by_body) == {"taken", "waiting", "ready"}
    assert by_body["taken"].attributes["IsVisible"] == "false"
    assert by_body["taken"].receive_count == 1
    assert by_body["waiting"].attributes["IsDelayed"] == "true"
    assert counts(aws, queue.url) == (1, 1, 1)


def test_peek_pages_through_a_queue_without_receiving(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    queue = sqs.create_queue(clients, unique("paged"))
    client = aws("sqs")
    for start in range(0, 250, 10):
        entries = [{"Id": str(i), "MessageBody": f"m{start + i:03d}"} for i in range(10)]
        client.send_message_batch(QueueUrl=queue.url, Entries=entries)

    first = sqs.peek_messages(clients, queue.name, limit=100)
    third = sqs.peek_messages(clients, queue.name, limit=100, offset=200)
    everything = sqs.peek_messages(clients, queue.name, limit=None)
    assert (first.total, third.total, everything.total) == (250, 250, 250)
    assert len(first.messages) == 100 and len(third.messages) == 50 and third.offset == 200
    assert sorted(m.body for m in everything.messages) == [f"m{i:03d}" for i in range(250)]
    assert [m.body for m in third.messages] == [m.body for m in everything.messages[200:]]
    assert sqs.peek_messages(clients, queue.name, offset=250).messages == []
    assert all(m.receive_count == 0 for m in everything.messages)
    assert counts(aws, queue.url) == (250, 0, 0)  # nothing received, nothing moved
    with pytest.raises(ValidationError, match="offset"):
        sqs.peek_messages(clients, queue.name, offset=-1)


def test_peek_of_a_missing_queue_and_a_bad_limit(clients: AwsClients) -> None:
    with pytest.raises(NotFoundError, match="no queue named"):
        sqs.peek_messages(clients, unique("gone"))
    with pytest.raises(ValidationError, match="limit"):
        sqs.peek_messages(clients, unique("any"), limit=0)


class NotLocalStackProxy(BaseHTTPRequestHandler):
    """Forwards AWS calls to LocalStack but, like real AWS, has no /_aws/ developer endpoints."""

    target = ""

    def _handle(self) -> None:
        if self.path.startswith("/_aws/"):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        request = urllib.request.Request(self.target + self.path, data=data, headers=headers, method=self.command)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        body = response.read()
        self.send_response(response.status)
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "x-localstack"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, fmt: str, *args: Any) -> None:
        pass


@pytest.fixture
def proxied_clients(server: Any) -> Iterator[AwsClients]:
    """Core clients that reach LocalStack through a server without the developer endpoint."""
    handler = type("Proxy", (NotLocalStackProxy,), {"target": server.endpoint_url})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield AwsClients(Connection(endpoint_url=endpoint, access_key_id="test", secret_access_key="test"))
    httpd.shutdown()
    httpd.server_close()


def test_without_the_developer_endpoint_peek_receives_and_says_so(
    proxied_clients: AwsClients, aws: Callable[[str], Any]
) -> None:
    queue = sqs.create_queue(proxied_clients, unique("fallback"))
    url = aws("sqs").get_queue_url(QueueName=queue.name)["QueueUrl"]
    aws("sqs").send_message(QueueUrl=url, MessageBody="counted")

    result = sqs.peek_messages(proxied_clients, queue.name, show_invisible=True)
    assert result.consumed
    assert result.warning is not None and "counted as a receive" in result.warning
    assert "in-flight" in result.warning
    assert [m.body for m in result.messages] == ["counted"]
    assert result.messages[0].receive_count == 1
    # Still in the queue (visibility timeout 0), but its receive count went up.
    assert counts(aws, url) == (1, 0, 0)
    assert sqs.peek_messages(proxied_clients, queue.name).messages[0].receive_count == 2


# --- S3 event notifications ------------------------------------------------------------------


def s3_record(bucket: str, key: str, event: str = "ObjectCreated:Put", size: int | None = 12) -> dict[str, Any]:
    obj: dict[str, Any] = {"key": key, "eTag": "abc"}
    if size is not None:
        obj["size"] = size
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": REGION,
        "eventTime": "2024-05-01T10:00:00.000Z",
        "eventName": event,
        "s3": {"bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"}, "object": obj},
    }


def test_describe_s3_event_summarises_each_record() -> None:
    body = json.dumps(
        {
            "Records": [
                s3_record("photos", "2024/my+file%21.jpg"),
                s3_record("photos", "old.txt", "ObjectRemoved:Delete", None),
            ]
        }
    )
    assert sqs.describe_s3_event(body) == [
        sqs.S3EventSummary("photos", "2024/my file!.jpg", "ObjectCreated:Put", 12, "2024-05-01T10:00:00.000Z"),
        sqs.S3EventSummary("photos", "old.txt", "ObjectRemoved:Delete", None, "2024-05-01T10:00:00.000Z"),
    ]


def test_describe_s3_event_recognises_the_test_event() -> None:
    body = json.dumps(
        {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2024-05-01T10:00:00Z", "Bucket": "photos"}
    )
    assert sqs.describe_s3_event(body) == [
        sqs.S3EventSummary("photos", None, "s3:TestEvent", None, "2024-05-01T10:00:00Z")
    ]


def test_describe_s3_event_unwraps_an_sns_notification() -> None:
    inner = json.dumps({"Records": [s3_record("b", "k")]})
    body = json.dumps({"Type": "Notification", "TopicArn": "arn:aws:sns:us-east-1:0:t", "Message": inner})
    summaries = sqs.describe_s3_event(body)
    assert summaries is not None and [(s.bucket, s.key) for s in summaries] == [("b", "k")]


@pytest.mark.parametrize(
    "body",
    [
        "hello",
        "",
        "[1, 2]",
        "null",
        json.dumps({"Records": []}),
        json.dumps({"Records": [{"eventSource": "aws:sqs", "body": "x"}]}),
        json.dumps({"Event": "s3:ObjectCreated"}),
        json.dumps({"order": 1}),
    ],
)
def test_describe_s3_event_is_none_for_other_bodies(body: str) -> None:
    assert sqs.describe_s3_event(body) is None


def test_a_real_s3_notification_is_described(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    queue = sqs.create_queue(clients, unique("s3events"))
    bucket = unique("events-bucket")
    s3 = aws("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [{"QueueArn": queue.arn, "Events": ["s3:ObjectCreated:*"]}]},
    )
    s3.put_object(Bucket=bucket, Key="in/my file.txt", Body=b"hello world!")

    def has_put() -> bool:
        return any(
            s.event_name.startswith("ObjectCreated")
            for m in sqs.peek_messages(clients, queue.name).messages
            for s in (m.s3_events or [])
        )

    wait_for(has_put)
    summaries = [s for m in sqs.peek_messages(clients, queue.name).messages for s in (m.s3_events or [])]
    put = next(s for s in summaries if s.event_name.startswith("ObjectCreated"))
    assert (put.bucket, put.key, put.size) == (bucket, "in/my file.txt", 12)
    for summary in summaries:
        if summary.event_name == "s3:TestEvent":
            assert summary.bucket == bucket and summary.key is None


# --- sending and purging ----------------------------------------------------------------------


def test_send_message_with_attributes_and_delay(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    queue = sqs.create_queue(clients, unique("send"))
    now_id = sqs.send_message(clients, queue.name, "now", attributes={"kind": "order"})
    later_id = sqs.send_message(clients, queue.arn, "later", delay_seconds=300)
    assert now_id and later_id and now_id != later_id
    assert counts(aws, queue.url) == (1, 0, 1)
    shown = sqs.peek_messages(clients, queue.name, show_delayed=True).messages
    by_id = {m.message_id: m for m in shown}
    assert by_id[now_id].body == "now"
    assert by_id[now_id].message_attributes == {"kind": sqs.MessageAttribute("String", "order")}
    assert by_id[later_id].attributes["IsDelayed"] == "true"


def test_send_to_a_fifo_queue_needs_a_group_id(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    queue = sqs.create_queue(clients, unique("send") + ".fifo")
    with pytest.raises(ValidationError, match="group id"):
        sqs.send_message(clients, queue.name, "no group")
    with pytest.raises(ValidationError, match="FIFO"):
        sqs.send_message(clients, queue.name, "delayed", delay_seconds=5, group_id="g")
    assert counts(aws, queue.url) == (0, 0, 0)

    # The same body twice: without content-based deduplication each send gets its own id.
    first = sqs.send_message(clients, queue.name, "same", group_id="g")
    second = sqs.send_message(clients, queue.url, "same", group_id="g")
    assert first != second
    messages = sqs.peek_messages(clients, queue.name).messages
    assert [(m.body, m.attributes["MessageGroupId"]) for m in messages] == [("same", "g"), ("same", "g")]


def test_send_to_a_content_deduplicated_fifo_queue(clients: AwsClients) -> None:
    queue = sqs.create_queue(clients, unique("dedup") + ".fifo", {"ContentBasedDeduplication": "true"})
    sqs.send_message(clients, queue.name, "once", group_id="g")
    sqs.send_message(clients, queue.name, "once", group_id="g")
    assert [m.body for m in sqs.peek_messages(clients, queue.name).messages] == ["once"]


def test_bad_sends_send_nothing(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    queue = sqs.create_queue(clients, unique("badsend"))
    with pytest.raises(ValidationError, match="empty"):
        sqs.send_message(clients, queue.name, "")
    with pytest.raises(ValidationError, match="delay"):
        sqs.send_message(clients, queue.name, "x", delay_seconds=901)
    with pytest.raises(NotFoundError, match="no queue named"):
        sqs.send_message(clients, unique("nowhere"), "x")
    assert counts(aws, queue.url) == (0, 0, 0)


def test_purge_queue(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    queue = sqs.create_queue(clients, unique("purge"))
    for i in range(3):
        sqs.send_message(clients, queue.name, f"m{i}")
    sqs.purge_queue(clients, queue.arn)
    wait_for(lambda: counts(aws, queue.url) == (0, 0, 0))
    with pytest.raises(NotFoundError):
        sqs.purge_queue(clients, unique("nothing"))


# --- redriving a DLQ --------------------------------------------------------------------------


def test_redrive_moves_every_dlq_message_back_to_its_source(
    clients: AwsClients, aws: Callable[[str], Any], pair: tuple[sqs.Queue, sqs.Queue]
) -> None:
    source, dlq = pair
    bodies = ["one", "two", "three", "three"]
    for body in bodies:
        aws("sqs").send_message(QueueUrl=source.url, MessageBody=body)
    push_into_dlq(aws, source.url, dlq.url, len(bodies))
    assert counts(aws, source.url) == (0, 0, 0)
    in_dlq = sorted(m.body for m in sqs.peek_messages(clients, dlq.name, limit=100).messages)
    assert in_dlq == sorted(bodies)

    result = sqs.redrive_dlq(clients, dlq.name)
    assert result.moved == len(bodies)
    assert result.method == "move-task"
    assert result.remaining == 0
    assert result.destination_url == source.url
    assert counts(aws, dlq.url) == (0, 0, 0)
    assert sorted(m.body for m in sqs.peek_messages(clients, source.name, limit=100).messages) == in_dlq


def test_redrive_by_hand_keeps_bodies_and_attributes(
    clients: AwsClients, aws: Callable[[str], Any], pair: tuple[sqs.Queue, sqs.Queue]
) -> None:
    source, dlq = pair
    client = aws("sqs")
    for i in range(12):
        client.send_message(
            QueueUrl=dlq.url,
            MessageBody=f"body-{i}",
            MessageAttributes={"index": {"DataType": "Number", "StringValue": str(i)}},
        )
    moved = sqs._move_by_hand(clients, dlq.url, source.url, dest_fifo=False)
    assert moved == 12
    assert counts(aws, dlq.url) == (0, 0, 0)
    messages = sqs.peek_messages(clients, source.name, limit=100).messages
    assert sorted(m.body for m in messages) == sorted(f"body-{i}" for i in range(12))
    assert all(m.message_attributes["index"] == sqs.MessageAttribute("Number", m.body[5:]) for m in messages)


def test_redrive_of_a_plain_queue_with_a_destination_moves_by_hand(
    clients: AwsClients, aws: Callable[[str], Any]
) -> None:
    holding = sqs.create_queue(clients, unique("holding"))
    target = sqs.create_queue(clients, unique("target"))
    for body in ("x", "y"):
        sqs.send_message(clients, holding.name, body)
    result = sqs.redrive_dlq(clients, holding.arn, destination=target.name)
    assert (result.moved, result.method, result.remaining) == (2, "receive-send-delete", 0)
    assert counts(aws, holding.url) == (0, 0, 0)
    assert sorted(all_bodies(aws, target.url)) == ["x", "y"]


def test_redrive_of_a_fifo_dlq(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    source = sqs.create_queue(clients, unique("src") + ".fifo", {"ContentBasedDeduplication": "true"})
    dlq = sqs.create_queue(clients, unique("dlq") + ".fifo", {"ContentBasedDeduplication": "true"})
    sqs.set_redrive_policy(clients, source.name, dlq.name, max_receive_count=1)
    for body in ("f1", "f2"):
        sqs.send_message(clients, source.name, body, group_id="g")
    push_into_dlq(aws, source.url, dlq.url, 2)
    result = sqs.redrive_dlq(clients, dlq.name)
    # Not LocalStack's move task: it re-sends with the original deduplication ids, which drops them.
    assert (result.moved, result.method, result.remaining) == (2, "receive-send-delete", 0)
    messages = sqs.peek_messages(clients, source.name).messages
    assert [(m.body, m.attributes["MessageGroupId"]) for m in messages] == [("f1", "g"), ("f2", "g")]


def test_redrive_needs_to_when_the_source_is_ambiguous(clients: AwsClients, aws: Callable[[str], Any]) -> None:
    dlq = sqs.create_queue(clients, unique("dlq"))
    sqs.send_message(clients, dlq.name, "stays")
    with pytest.raises(ValidationError, match=r"no queue uses it as its DLQ.*--to"):
        sqs.redrive_dlq(clients, dlq.name)
    for _ in range(2):
        sqs.set_redrive_policy(clients, sqs.create_queue(clients, unique("src")).name, dlq.name)
    with pytest.raises(ValidationError, match=r"2 queues use it as their DLQ.*--to"):
        sqs.redrive_dlq(clients, dlq.name)
    with pytest.raises(ValidationError, match="into itself"):
        sqs.redrive_dlq(clients, dlq.name, destination=dlq.arn)
    with pytest.raises(NotFoundError):
        sqs.redrive_dlq(clients, dlq.name, destination=unique("missing"))
    assert counts(aws, dlq.url) == (1, 0, 0)


# --- the remote guard -------------------------------------------------------------------------


def test_a_remote_endpoint_refuses_every_change_before_any_call() -> None:
    remote = AwsClients(Connection(endpoint_url="https://sqs.us-east-1.amazonaws.com"))
    assert not remote.connection.can_write
    sent: list[str] = []

    def record(request: Any, **_: Any) -> None:
        sent.append(request.url)
        raise AssertionError(f"network call to {request.url}")

    remote.sqs.meta.events.register("before-send", record)
    queue = "lstui-guard-test"
    changes: list[Callable[[], object]] = [
        lambda: sqs.create_queue(remote, queue),
        lambda: sqs.delete_queue(remote, queue),
        lambda: sqs.send_message(remote, queue, "body"),
        lambda: sqs.purge_queue(remote, queue),
        lambda: sqs.redrive_dlq(remote, queue),
        lambda: sqs.redrive_dlq(remote, queue, destination="other"),
        lambda: sqs.set_redrive_policy(remote, queue, "dlq"),
        lambda: sqs.clear_redrive_policy(remote, arn_of(queue)),
    ]
    for change in changes:
        with pytest.raises(RemoteWriteRefusedError, match="not a local LocalStack"):
            change()
    assert sent == []

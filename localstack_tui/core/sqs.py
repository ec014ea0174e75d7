"""SQS: queues, redrive policies, side-effect-free peeking, sending, purging and DLQ redrive.

Every call goes through `aws_call` (one-line errors) and every change through
`check_write` (the remote guard). Queue references are validated before any
network call: a queue name, a queue URL, or an ARN `arn:aws:sqs:REGION:ACCOUNT:NAME`.

Peeking uses LocalStack's developer endpoint `/_aws/sqs/messages`, which reads
the queue's store directly: a ReceiveMessage (even with VisibilityTimeout 0)
would raise each message's receive count and, under a redrive policy, could
push it into the dead-letter queue.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from localstack_tui.core.aws_errors import aws_call, error_code
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import (
    AwsCallError,
    ConflictError,
    EndpointError,
    NotFoundError,
    ValidationError,
)

if TYPE_CHECKING:
    from xml.etree import ElementTree

MAX_NAME_LENGTH = 80
NAME_STEM = re.compile(r"[A-Za-z0-9_-]+")
QUEUE_ARN = re.compile(r"arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([^:/]+)")
ACCOUNT_ID = re.compile(r"\d{12}")
# Where a queue URL names its region: LocalStack's /queue/REGION/… paths, AWS's sqs.REGION. hosts.
URL_PATH_REGION = re.compile(r"/queue/([a-z0-9-]+)/\d{12}/[^/]+/?$")
URL_HOST_REGION = re.compile(r"(?:^|\.)sqs\.([a-z]{2}(?:-[a-z]+)+-\d+)\.")
MAX_DELAY_SECONDS = 900
MAX_RECEIVE_COUNT = 1000
DEVELOPER_PATH = "/_aws/sqs/messages"
PEEK_TIMEOUT = 30.0  # a 10,000-message queue takes LocalStack ~2 s to list
MOVE_TASK_POLL = 0.2
# Codes a server gives for an operation it does not implement: redrive then moves by hand.
UNSUPPORTED_CODES = {
    "InvalidAction",
    "UnknownOperationException",
    "UnsupportedOperation",
    "NotImplemented",
    "InternalFailure",
    "501",
}

type RedriveMethod = Literal["move-task", "receive-send-delete"]


@dataclass(frozen=True)
class RedrivePolicy:
    """Where a queue sends messages received too often, and after how many receives."""

    dlq_arn: str
    max_receive_count: int

    @property
    def dlq_name(self) -> str:
        return self.dlq_arn.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class Queue:
    """One queue with its attributes; `dlq_sources` are ARNs of queues using it as their DLQ."""

    name: str
    url: str
    arn: str
    visible: int
    in_flight: int
    delayed: int
    visibility_timeout: int
    retention_seconds: int
    delay_seconds: int
    fifo: bool
    redrive_policy: RedrivePolicy | None = None
    dlq_sources: tuple[str, ...] = ()

    @property
    def is_dlq(self) -> bool:
        return bool(self.dlq_sources)


@dataclass(frozen=True)
class RedriveChange:
    """What set/clear_redrive_policy changed: pass `previous` to restore_redrive_policy to undo."""

    queue_url: str
    previous: RedrivePolicy | None
    current: RedrivePolicy | None


@dataclass(frozen=True)
class MessageAttribute:
    """A message attribute; binary values are given as base64 text."""

    data_type: str
    value: str


@dataclass(frozen=True)
class PeekedMessage:
    """A message as it sits in the queue (system attributes as SQS names them)."""

    message_id: str
    body: str
    attributes: dict[str, str] = field(default_factory=dict)
    message_attributes: dict[str, MessageAttribute] = field(default_factory=dict)

    @property
    def receive_count(self) -> int:
        return _int(self.attributes.get("ApproximateReceiveCount"))

    @property
    def sent_at(self) -> datetime | None:
        millis = self.attributes.get("SentTimestamp")
        if not millis or not millis.isdigit():
            return None
        return datetime.fromtimestamp(int(millis) / 1000, tz=UTC)

    @property
    def s3_events(self) -> list[S3EventSummary] | None:
        return describe_s3_event(self.body)


@dataclass(frozen=True)
class PeekResult:
    """Messages seen by a peek; `consumed` is True only for the ReceiveMessage fallback."""

    messages: list[PeekedMessage]
    consumed: bool = False
    warning: str | None = None
    total: int | None = None  # messages in the queue as peeked (None: a ReceiveMessage cannot tell)
    offset: int = 0  # the first message's position among them


@dataclass(frozen=True)
class S3EventSummary:
    """One record of an S3 event notification (`key` and `size` are None for s3:TestEvent)."""

    bucket: str
    key: str | None
    event_name: str
    size: int | None = None
    event_time: str | None = None


@dataclass(frozen=True)
class RedriveResult:
    """What redrive_dlq moved; `remaining` counts messages still in the DLQ (in flight, say)."""

    dlq_url: str
    destination_url: str
    moved: int
    method: RedriveMethod
    remaining: int


# --- queue references -------------------------------------------------------------------------


@dataclass(frozen=True)
class _QueueRef:
    """A parsed queue reference: its name, and the account and region when it names them."""

    raw: str
    name: str
    account: str | None = None
    region: str | None = None


def validate_queue_name(name: str) -> str:
    """Return `name` if SQS accepts it, else raise ValidationError."""
    stem = name.removesuffix(".fifo")
    if not name or len(name) > MAX_NAME_LENGTH or not NAME_STEM.fullmatch(stem):
        raise ValidationError(
            f"invalid queue name {name!r}: SQS names are 1–80 letters, digits, hyphens or "
            "underscores, with an optional .fifo suffix"
        )
    return name


def _parse_ref(ref: str) -> _QueueRef:
    """Check the form of a name, URL or ARN without touching the network."""
    ref = ref.strip()
    if ref.startswith("arn:"):
        match = QUEUE_ARN.fullmatch(ref)
        if not match:
            raise ValidationError(f"malformed SQS queue ARN {ref!r}: expected arn:aws:sqs:REGION:ACCOUNT:NAME")
        _, region, account, name = match.groups()
        return _QueueRef(ref, validate_queue_name(name), account, region)
    if "://" in ref:
        try:
            parts = urllib.parse.urlsplit(ref)
        except ValueError:
            raise ValidationError(f"malformed queue URL {ref!r}") from None
        segments = [s for s in parts.path.split("/") if s]
        if parts.scheme not in ("http", "https") or not parts.hostname or not segments:
            raise ValidationError(f"malformed queue URL {ref!r}: expected like http://localhost:4566/000000000000/NAME")
        account = segments[-2] if len(segments) > 1 and ACCOUNT_ID.fullmatch(segments[-2]) else None
        hint = URL_PATH_REGION.search(parts.path) or URL_HOST_REGION.search(parts.hostname)
        return _QueueRef(ref, validate_queue_name(segments[-1]), account, hint.group(1) if hint else None)
    return _QueueRef(ref, validate_queue_name(ref))


def _lookup(clients: AwsClients, ref: _QueueRef) -> str:
    """The queue's URL as this endpoint spells it; NotFoundError when there is no such queue."""
    region = clients.connection.region
    if ref.region and ref.region != region:
        raise ValidationError(
            f"queue {ref.raw!r} is in region {ref.region} but lstui uses {region} (pass --region {ref.region})"
        )
    kwargs: dict[str, str] = {"QueueName": ref.name}
    if ref.account:
        kwargs["QueueOwnerAWSAccountId"] = ref.account
    try:
        with aws_call(f"find queue {ref.name}", clients.connection.endpoint_url):
            return str(clients.sqs.get_queue_url(**kwargs)["QueueUrl"])
    except NotFoundError:
        raise NotFoundError(f"no queue named {ref.name}") from None


def resolve_queue_url(clients: AwsClients, name_or_url_or_arn: str) -> str:
    """The URL of a queue given by name, URL or ARN (ValidationError, NotFoundError)."""
    return _lookup(clients, _parse_ref(name_or_url_or_arn))


# --- reading queues ----------------------------------------------------------------------------


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _parse_redrive_policy(text: str | None) -> RedrivePolicy | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not data.get("deadLetterTargetArn"):
        return None
    return RedrivePolicy(str(data["deadLetterTargetArn"]), _int(data.get("maxReceiveCount")))


def _attributes(clients: AwsClients, url: str, name: str) -> dict[str, str]:
    try:
        with aws_call(f"read queue {name}", clients.connection.endpoint_url):
            response = clients.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    except NotFoundError:
        raise NotFoundError(f"no queue named {name}") from None
    return {str(k): str(v) for k, v in response.get("Attributes", {}).items()}


def _queue(url: str, attrs: Mapping[str, str], dlq_sources: tuple[str, ...] = ()) -> Queue:
    arn = attrs.get("QueueArn", "")
    return Queue(
        name=arn.rsplit(":", 1)[-1] if arn else url.rstrip("/").rsplit("/", 1)[-1],
        url=url,
        arn=arn,
        visible=_int(attrs.get("ApproximateNumberOfMessages")),
        in_flight=_int(attrs.get("ApproximateNumberOfMessagesNotVisible")),
        delayed=_int(attrs.get("ApproximateNumberOfMessagesDelayed")),
        visibility_timeout=_int(attrs.get("VisibilityTimeout"), 30),
        retention_seconds=_int(attrs.get("MessageRetentionPeriod"), 345600),
        delay_seconds=_int(attrs.get("DelaySeconds")),
        fifo=attrs.get("FifoQueue", "").lower() == "true",
        redrive_policy=_parse_redrive_policy(attrs.get("RedrivePolicy")),
        dlq_sources=dlq_sources,
    )


def _queue_urls(clients: AwsClients) -> Iterator[str]:
    with aws_call("list queues", clients.connection.endpoint_url):
        for page in clients.sqs.get_paginator("list_queues").paginate():
            yield from (str(url) for url in page.get("QueueUrls", []))


LIST_WORKERS = 4


def list_queues(clients: AwsClients) -> list[Queue]:
    """Every queue with its attributes, sorted by name, each with the queues it is the DLQ of."""

    def attributes(url: str) -> tuple[str, dict[str, str]] | None:
        # A queue deleted between ListQueues and GetQueueAttributes is simply gone.
        with suppress(NotFoundError):
            return url, _attributes(clients, url, url.rsplit("/", 1)[-1])
        return None

    urls = list(_queue_urls(clients))
    # One GetQueueAttributes per queue: in parallel, or 50 queues cost 50 round trips. Four, not
    # more: each call is ~2.5 ms of botocore CPU, and every extra busy thread makes the UI thread
    # wait longer for the GIL (500 queues on 2 cores: 2.2 s with 4 threads, 2.15 s with 8).
    with ThreadPoolExecutor(max_workers=min(LIST_WORKERS, max(1, len(urls)))) as pool:
        found = [item for item in pool.map(attributes, urls) if item is not None]
    sources: dict[str, list[str]] = {}
    for _, attrs in found:
        if policy := _parse_redrive_policy(attrs.get("RedrivePolicy")):
            sources.setdefault(policy.dlq_arn, []).append(attrs.get("QueueArn", ""))
    queues = [_queue(url, attrs, tuple(sorted(sources.get(attrs.get("QueueArn", ""), [])))) for url, attrs in found]
    return sorted(queues, key=lambda q: q.name)


def _dlq_source_urls(clients: AwsClients, url: str, name: str) -> list[str]:
    with aws_call(f"list the source queues of {name}", clients.connection.endpoint_url):
        pages = clients.sqs.get_paginator("list_dead_letter_source_queues").paginate(QueueUrl=url)
        return [str(u) for page in pages for u in page.get("queueUrls", [])]


def _sibling_arn(arn: str, url: str) -> str:
    # A DLQ and its sources share account and region, so only the name differs.
    return f"{arn.rsplit(':', 1)[0]}:{url.rstrip('/').rsplit('/', 1)[-1]}"


def _get(clients: AwsClients, ref: _QueueRef) -> Queue:
    url = _lookup(clients, ref)
    attrs = _attributes(clients, url, ref.name)
    arn = attrs.get("QueueArn", "")
    sources = tuple(sorted(_sibling_arn(arn, u) for u in _dlq_source_urls(clients, url, ref.name)))
    return _queue(url, attrs, sources)


def get_queue(clients: AwsClients, name_or_url_or_arn: str) -> Queue:
    """One queue with its attributes and DLQ sources (ValidationError, NotFoundError)."""
    return _get(clients, _parse_ref(name_or_url_or_arn))


# --- creating and deleting ---------------------------------------------------------------------


def create_queue(clients: AwsClients, name: str, attributes: Mapping[str, str] | None = None) -> Queue:
    """Create a queue (a `.fifo` name makes a FIFO queue); ConflictError if it exists."""
    validate_queue_name(name)
    attrs = {str(k): str(v) for k, v in (attributes or {}).items()}
    fifo_attr = attrs.get("FifoQueue", "").lower() == "true"
    if name.endswith(".fifo"):
        attrs["FifoQueue"] = "true"
    elif fifo_attr:
        raise ValidationError(f"queue {name!r} is FIFO, so its name must end in .fifo")
    clients.connection.check_write(f"create queue {name}")
    # CreateQueue returns an existing queue with the same attributes: say so instead.
    try:
        _lookup(clients, _QueueRef(name, name))
    except NotFoundError:
        pass
    else:
        raise ConflictError(f"queue {name} already exists")
    with aws_call(f"create queue {name}", clients.connection.endpoint_url):
        url = str(clients.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"])
    return _queue(url, _attributes(clients, url, name))


def delete_queue(clients: AwsClients, queue: str) -> None:
    """Delete a queue and every message in it."""
    ref = _parse_ref(queue)
    clients.connection.check_write(f"delete queue {ref.name}")
    url = _lookup(clients, ref)
    with aws_call(f"delete queue {ref.name}", clients.connection.endpoint_url):
        clients.sqs.delete_queue(QueueUrl=url)


# --- redrive policies --------------------------------------------------------------------------


def _set_policy(clients: AwsClients, url: str, name: str, policy: RedrivePolicy | None) -> None:
    value = (
        json.dumps({"deadLetterTargetArn": policy.dlq_arn, "maxReceiveCount": policy.max_receive_count})
        if policy
        else ""  # SQS removes the policy when it is set to an empty string
    )
    action = f"set the redrive policy of {name}" if policy else f"clear the redrive policy of {name}"
    with aws_call(action, clients.connection.endpoint_url):
        clients.sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": value})


def set_redrive_policy(clients: AwsClients, queue: str, dlq: str, max_receive_count: int = 3) -> RedriveChange:
    """Send `queue`'s messages to `dlq` after `max_receive_count` receives; returns the previous policy."""
    if not 1 <= max_receive_count <= MAX_RECEIVE_COUNT:
        raise ValidationError(f"max receive count must be 1 to {MAX_RECEIVE_COUNT}, not {max_receive_count}")
    ref, dlq_ref = _parse_ref(queue), _parse_ref(dlq)
    clients.connection.check_write(f"set the redrive policy of {ref.name}")
    url, dlq_url = _lookup(clients, ref), _lookup(clients, dlq_ref)
    if url == dlq_url:
        raise ValidationError(f"queue {ref.name} cannot be its own dead-letter queue")
    attrs, dlq_attrs = _attributes(clients, url, ref.name), _attributes(clients, dlq_url, dlq_ref.name)
    source_q, dlq_q = _queue(url, attrs), _queue(dlq_url, dlq_attrs)
    if source_q.fifo != dlq_q.fifo:
        kind = "FIFO" if source_q.fifo else "standard"
        raise ValidationError(f"the dead-letter queue of {kind} queue {ref.name} must be {kind} too")
    policy = RedrivePolicy(dlq_q.arn, max_receive_count)
    _set_policy(clients, url, ref.name, policy)
    return RedriveChange(url, source_q.redrive_policy, policy)


def clear_redrive_policy(clients: AwsClients, queue: str) -> RedriveChange:
    """Remove `queue`'s redrive policy; returns the policy it had."""
    ref = _parse_ref(queue)
    clients.connection.check_write(f"clear the redrive policy of {ref.name}")
    url = _lookup(clients, ref)
    previous = _queue(url, _attributes(clients, url, ref.name)).redrive_policy
    if previous is not None:
        _set_policy(clients, url, ref.name, None)
    return RedriveChange(url, previous, None)


def restore_redrive_policy(clients: AwsClients, queue: str, policy: RedrivePolicy | None) -> RedriveChange:
    """Put back a policy (a RedriveChange's `previous`): the undo of set/clear_redrive_policy."""
    if policy is None:
        return clear_redrive_policy(clients, queue)
    return set_redrive_policy(clients, queue, policy.dlq_arn, policy.max_receive_count)


# --- peeking -----------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    # The developer endpoint serialises a one-element list as the element itself.
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ElementTree.Element) -> dict[str, ElementTree.Element]:
    return {_local(child.tag): child for child in element}


def _from_developer_xml(root: ElementTree.Element | None) -> list[dict[str, Any]] | None:
    """Messages of the developer endpoint's XML, in ReceiveMessage's (JSON) shape; None if not that XML."""
    if root is None or _local(root.tag) != "ReceiveMessageResponse":
        return None
    messages = []
    for element in root.iter():
        if _local(element.tag) != "Message":
            continue
        fields = _children(element)
        attributes: dict[str, str] = {}
        message_attributes: dict[str, dict[str, str]] = {}
        for child in element:
            kind = _local(child.tag)
            if kind not in ("Attribute", "MessageAttribute"):
                continue
            parts = _children(child)
            name = parts["Name"].text if "Name" in parts else None
            if not name or "Value" not in parts:
                continue
            if kind == "Attribute":
                attributes[name] = parts["Value"].text or ""
            else:
                message_attributes[name] = {_local(v.tag): v.text or "" for v in parts["Value"]}
        messages.append(
            {
                "MessageId": fields["MessageId"].text if "MessageId" in fields else "",
                "Body": fields["Body"].text if "Body" in fields else "",
                "Attributes": attributes,
                "MessageAttributes": message_attributes,
            }
        )
    return messages


def _peeked(raw: Mapping[str, Any]) -> PeekedMessage:
    message_attributes = {}
    for name, value in (raw.get("MessageAttributes") or {}).items():
        binary = value.get("BinaryValue")
        if isinstance(binary, bytes):
            binary = base64.b64encode(binary).decode()
        text = value.get("StringValue")
        message_attributes[str(name)] = MessageAttribute(
            str(value.get("DataType", "String")), str(text if text is not None else binary or "")
        )
    return PeekedMessage(
        message_id=str(raw.get("MessageId", "")),
        body=str(raw.get("Body", "")),
        attributes={str(k): str(v) for k, v in (raw.get("Attributes") or {}).items()},
        message_attributes=message_attributes,
    )


def _developer_get(url: str, action: str, endpoint: str) -> tuple[int, bool, ElementTree.Element | None]:
    """GET `url` without proxies: (status, answered by LocalStack, parsed XML or None).

    XML, not JSON: LocalStack writes 10,000 messages as XML in ~1.7 s, as JSON in ~5 s.
    """
    import urllib.error
    import urllib.request  # these three here: ~8 ms of every start otherwise
    from xml.etree import ElementTree

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"Accept": "application/xml"})
    try:
        with opener.open(request, timeout=PEEK_TIMEOUT) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, body = exc.code, exc.headers, exc.read()
    except TimeoutError:
        raise EndpointError(f"cannot {action}: {endpoint} did not answer within {PEEK_TIMEOUT:.0f} s") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointError(f"cannot {action}: no LocalStack answers at {endpoint} ({reason})") from None
    try:
        root: ElementTree.Element | None = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        root = None
    return status, (headers.get("x-localstack") or "").lower() == "true", root


def _developer_error_code(root: ElementTree.Element | None) -> str:
    if root is None:
        return ""
    code = next((e for e in root.iter() if _local(e.tag) == "Code"), None)
    return (code.text or "") if code is not None else ""


def _peek_developer(
    clients: AwsClients, url: str, name: str, show_invisible: bool, show_delayed: bool
) -> list[dict[str, Any]] | None:
    """Messages from LocalStack's developer endpoint; None when there is no such endpoint."""
    endpoint = clients.connection.endpoint_url.rstrip("/")
    action = f"peek at queue {name}"
    flags = {"ShowInvisible": "true"} if show_invisible else {}
    if show_delayed:
        flags["ShowDelayed"] = "true"
    status, is_localstack, data = _developer_get(
        f"{endpoint}{DEVELOPER_PATH}?{urllib.parse.urlencode({'QueueUrl': url, **flags})}", action, endpoint
    )
    if is_localstack and status == 404 and _developer_error_code(data) == "InvalidAddress":
        # LocalStack could not read the URL: name the queue by region/account/name instead.
        region, account = _attributes(clients, url, name).get("QueueArn", "").split(":")[3:5]
        query = f"?{urllib.parse.urlencode(flags)}" if flags else ""
        status, is_localstack, data = _developer_get(
            f"{endpoint}{DEVELOPER_PATH}/{region}/{account}/{urllib.parse.quote(name)}{query}", action, endpoint
        )
    if not is_localstack or status == 404:
        return None
    if status != 200:
        code = _developer_error_code(data)
        if code in ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"):
            raise NotFoundError(f"no queue named {name}")
        raise AwsCallError(f"cannot {action}: the developer endpoint answered HTTP {status} {code}".rstrip())
    messages = _from_developer_xml(data)
    if messages is None:
        raise AwsCallError(f"cannot {action}: unexpected answer from LocalStack's {DEVELOPER_PATH}")
    return messages


def peek_messages(
    clients: AwsClients,
    queue: str,
    limit: int | None = 10,
    show_invisible: bool = False,
    show_delayed: bool = False,
    offset: int = 0,
) -> PeekResult:
    """Up to `limit` messages of a queue from position `offset` (None: all), without receiving them.

    LocalStack's developer endpoint answers with every message at once; a page is cut from
    that answer (`total` says how many there were), so one call serves a 10,000-message queue.
    """
    if limit is not None and limit < 1:
        raise ValidationError(f"limit must be at least 1, not {limit}")
    if offset < 0:
        raise ValidationError(f"offset must be 0 or more, not {offset}")
    ref = _parse_ref(queue)
    url = _lookup(clients, ref)
    raw = _peek_developer(clients, url, ref.name, show_invisible, show_delayed)
    if raw is not None:
        page = raw[offset:] if limit is None else raw[offset : offset + limit]
        return PeekResult([_peeked(m) for m in page], consumed=False, total=len(raw), offset=offset)
    if offset:
        raise ValidationError(f"{clients.connection.endpoint_url} cannot page through a queue: no {DEVELOPER_PATH}")
    # Without the developer endpoint a peek is a receive, which can move messages to a DLQ.
    clients.connection.check_write(f"peek at {ref.name} with ReceiveMessage (it counts as a receive)")
    with aws_call(f"receive messages from {ref.name}", clients.connection.endpoint_url):
        response = clients.sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=min(limit or 10, 10),
            VisibilityTimeout=0,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
    warning = (
        f"{clients.connection.endpoint_url} has no {DEVELOPER_PATH} (not LocalStack?): peeked with "
        "ReceiveMessage, which counted as a receive (a redrive policy may move these messages to its DLQ)"
    )
    if show_invisible or show_delayed:
        warning += "; in-flight and delayed messages cannot be shown this way"
    return PeekResult([_peeked(m) for m in response.get("Messages", [])], consumed=True, warning=warning)


# --- S3 event notifications --------------------------------------------------------------------


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def describe_s3_event(body: str) -> list[S3EventSummary] | None:
    """Summaries of an S3 event notification body (also s3:TestEvent, also inside SNS); else None."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("Type") == "Notification" and isinstance(data.get("Message"), str):
        return describe_s3_event(data["Message"])  # S3 → SNS → SQS wraps the event once
    if data.get("Event") == "s3:TestEvent":
        time_ = data.get("Time")
        return [S3EventSummary(str(data.get("Bucket", "")), None, "s3:TestEvent", None, str(time_) if time_ else None)]
    summaries = []
    for record in _as_list(data.get("Records")):
        if not isinstance(record, dict) or record.get("eventSource") != "aws:s3":
            continue
        s3 = _dict(record.get("s3"))
        bucket, obj = _dict(s3.get("bucket")), _dict(s3.get("object"))
        key = obj.get("key")
        size = obj.get("size")
        summaries.append(
            S3EventSummary(
                bucket=str(bucket.get("name", "")),
                # S3 notifications form-encode keys: "my file.txt" arrives as "my+file.txt".
                key=urllib.parse.unquote_plus(str(key)) if key is not None else None,
                event_name=str(record.get("eventName", "")),
                size=size if isinstance(size, int) else None,
                event_time=str(record["eventTime"]) if record.get("eventTime") else None,
            )
        )
    return summaries or None


# --- sending and purging -----------------------------------------------------------------------


def send_message(
    clients: AwsClients,
    queue: str,
    body: str,
    delay_seconds: int = 0,
    attributes: Mapping[str, str] | None = None,
    group_id: str | None = None,
    *,
    deduplication_id: str | None = None,
) -> str:
    """Send one message (string message attributes); returns its message id."""
    ref = _parse_ref(queue)
    fifo = ref.name.endswith(".fifo")
    if not body:
        raise ValidationError("a message body cannot be empty")
    if not 0 <= delay_seconds <= MAX_DELAY_SECONDS:
        raise ValidationError(f"delay must be 0 to {MAX_DELAY_SECONDS} seconds, not {delay_seconds}")
    if fifo and not group_id:
        raise ValidationError(f"queue {ref.name} is FIFO: a message needs a group id")
    if fifo and delay_seconds:
        raise ValidationError(f"queue {ref.name} is FIFO: messages take no delay of their own (set the queue's)")
    clients.connection.check_write(f"send a message to {ref.name}")
    url = _lookup(clients, ref)
    kwargs: dict[str, Any] = {"QueueUrl": url, "MessageBody": body}
    if delay_seconds:
        kwargs["DelaySeconds"] = delay_seconds
    if attributes:
        kwargs["MessageAttributes"] = {
            str(k): {"DataType": "String", "StringValue": str(v)} for k, v in attributes.items()
        }
    if fifo:
        kwargs["MessageGroupId"] = group_id
        content_dedup = _attributes(clients, url, ref.name).get("ContentBasedDeduplication", "") == "true"
        if deduplication_id or not content_dedup:
            # Each send from lstui is meant: a fresh id keeps SQS from dropping it as a duplicate.
            kwargs["MessageDeduplicationId"] = deduplication_id or uuid.uuid4().hex
    with aws_call(f"send a message to {ref.name}", clients.connection.endpoint_url):
        return str(clients.sqs.send_message(**kwargs)["MessageId"])


def purge_queue(clients: AwsClients, queue: str) -> None:
    """Delete every message of a queue (the queue stays)."""
    ref = _parse_ref(queue)
    clients.connection.check_write(f"purge queue {ref.name}")
    url = _lookup(clients, ref)
    with aws_call(f"purge queue {ref.name}", clients.connection.endpoint_url):
        clients.sqs.purge_queue(QueueUrl=url)


# --- redriving a DLQ ---------------------------------------------------------------------------


def redrive_dlq(clients: AwsClients, dlq: str, destination: str | None = None, timeout: float = 300.0) -> RedriveResult:
    """Move every message of `dlq` to `destination` (default: its single source queue), losing none."""
    ref = _parse_ref(dlq)
    dest_ref = _parse_ref(destination) if destination else None
    clients.connection.check_write(f"redrive {ref.name}")
    dlq_url = _lookup(clients, ref)
    sources = _dlq_source_urls(clients, dlq_url, ref.name)
    if dest_ref is not None:
        dest_url = _lookup(clients, dest_ref)
    elif len(sources) == 1:
        dest_url = sources[0]
    else:
        names = ", ".join(sorted(u.rstrip("/").rsplit("/", 1)[-1] for u in sources))
        why = f"{len(sources)} queues use it as their DLQ ({names})" if sources else "no queue uses it as its DLQ"
        raise ValidationError(f"cannot tell where to redrive {ref.name}: {why}; name the destination with --to")
    if dest_url == dlq_url:
        raise ValidationError(f"cannot redrive {ref.name} into itself")
    dlq_arn = _attributes(clients, dlq_url, ref.name).get("QueueArn", "")
    dest_attrs = _attributes(clients, dest_url, dest_url.rsplit("/", 1)[-1])

    moved, completed = 0, False
    method: RedriveMethod = "move-task"
    dest_fifo = dest_attrs.get("FifoQueue", "") == "true"
    # SQS moves only out of a queue that is some queue's DLQ; anything else is moved by hand.
    # FIFO too: LocalStack's task re-sends with the original deduplication id, and the
    # destination, which saw that id minutes ago, silently drops the message.
    if sources and not dest_fifo:
        moved, completed = _move_with_task(clients, ref.name, dlq_arn, dest_attrs.get("QueueArn", ""), timeout)
    if not completed:
        method = "receive-send-delete"
        moved += _move_by_hand(clients, dlq_url, dest_url, dest_fifo)
    left = _attributes(clients, dlq_url, ref.name)
    remaining = sum(
        _int(left.get(k))
        for k in (
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        )
    )
    return RedriveResult(dlq_url, dest_url, moved, method, remaining)


def _move_with_task(clients: AwsClients, name: str, dlq_arn: str, dest_arn: str, timeout: float) -> tuple[int, bool]:
    """Run StartMessageMoveTask to its end: (messages moved, whether it completed)."""
    action = f"redrive {name}"
    with aws_call(action, clients.connection.endpoint_url):
        try:
            clients.sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=dest_arn)
        except ClientError as exc:
            if error_code(exc) in UNSUPPORTED_CODES:
                return 0, False
            raise
    deadline = time.monotonic() + timeout
    while True:
        with aws_call(action, clients.connection.endpoint_url):
            # Only one task may be active per source, so the newest is ours.
            results = clients.sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=1).get("Results", [])
        task = results[0] if results else {}
        status = task.get("Status", "")
        if status in ("COMPLETED", "FAILED", "CANCELLED"):
            # A task moves each message atomically: whatever it did not move is still in the DLQ.
            return _int(task.get("ApproximateNumberOfMessagesMoved")), status == "COMPLETED"
        if time.monotonic() > deadline:
            raise AwsCallError(
                f"cannot redrive {name}: the move task is still running after {timeout:.0f} s "
                "(it goes on; nothing is lost)"
            )
        time.sleep(MOVE_TASK_POLL)


def _message_attributes_for_send(raw: Mapping[str, Any]) -> dict[str, Any]:
    # ReceiveMessage adds empty list fields that SendMessage does not want back.
    return {
        name: {k: v for k, v in value.items() if k in ("DataType", "StringValue", "BinaryValue")}
        for name, value in (raw or {}).items()
    }


def _move_by_hand(clients: AwsClients, dlq_url: str, dest_url: str, dest_fifo: bool) -> int:
    """Receive → send → delete, one message at a time; delete only after the send is confirmed."""
    sqs = clients.sqs
    endpoint = clients.connection.endpoint_url
    moved = 0
    while True:
        with aws_call("receive from the DLQ", endpoint):
            messages = sqs.receive_message(
                QueueUrl=dlq_url,
                MaxNumberOfMessages=1,
                VisibilityTimeout=60,
                WaitTimeSeconds=0,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
        if not messages:
            return moved
        message = messages[0]
        body = str(message.get("Body", ""))
        kwargs: dict[str, Any] = {"QueueUrl": dest_url, "MessageBody": body}
        if attrs := _message_attributes_for_send(message.get("MessageAttributes") or {}):
            kwargs["MessageAttributes"] = attrs
        if dest_fifo:
            kwargs["MessageGroupId"] = message.get("Attributes", {}).get("MessageGroupId") or "lstui-redrive"
            # Its original deduplication id may still be remembered, and the send silently dropped.
            kwargs["MessageDeduplicationId"] = uuid.uuid4().hex
        try:
            with aws_call("send to the destination", endpoint):
                sent = sqs.send_message(**kwargs)
            if sent.get("MD5OfMessageBody") != hashlib.md5(body.encode()).hexdigest() or not sent.get("MessageId"):
                raise AwsCallError("cannot redrive: the destination did not confirm the message; it stays in the DLQ")
        except BaseException:
            # Make it visible again at once rather than after the visibility timeout.
            with suppress(ClientError, BotoCoreError):
                sqs.change_message_visibility(
                    QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            raise
        with aws_call("delete a redriven message from the DLQ", endpoint):
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
        moved += 1

"""CloudWatch Logs: log groups, streams, and a tail that returns each event once.

The tail asks FilterLogEvents for everything from its cursor (the newest
timestamp seen) on, and drops the events it already returned at that very
millisecond by eventId: several streams may share a timestamp, and an event
may arrive late with the cursor's timestamp. It filters with lstui's own
pattern matcher, since LocalStack's community provider ignores `filterPattern`.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from localstack_tui.core.aws_errors import aws_call
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import NotFoundError, ValidationError
from localstack_tui.core.log_filter import MATCH_ALL, LogPattern, compile_pattern

EventKind = Literal["start", "end", "report", "error", "line"]

FASTEST_INTERVAL = 0.1
# Against a local LocalStack four polls a second when idle cost nothing and keep print → screen well under 0.5 s.
SLOWEST_INTERVAL = 0.25

_REPORT_LINE = re.compile(r"(START|END|REPORT) RequestId: ([\w-]+)")
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# Python runtime: "[LEVEL]\t<time>\t<request id>\t…"; Node and others: "<time>\t<request id>\t<LEVEL>\t…".
_PYTHON_LINE = re.compile(rf"\[([A-Z]+)\]\t[^\t]*\t({_UUID})(?:\t|$)")
_TAB_LINE = re.compile(rf"[^\t\s]+\t({_UUID})\t([A-Z]+)(?:\t|$)")
# "RequestId: X Error: Runtime exited…" and "<time> X Task timed out after 3.00 seconds".
_RUNTIME_ERROR = re.compile(rf"RequestId: ({_UUID}) Error:|\S+[ \t]({_UUID})[ \t]Task timed out")
_ERROR_MARKERS = ("[ERROR]", "Traceback (most recent call last)", "Task timed out", '"errorType"')
_MARKER_KINDS: dict[str, EventKind] = {"START": "start", "END": "end", "REPORT": "report"}
_SINCE_PART = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class LogGroup:
    name: str
    arn: str
    created: datetime | None
    stored_bytes: int
    retention_days: int | None


@dataclass(frozen=True)
class LogStream:
    name: str
    created: datetime | None
    first_event: datetime | None
    last_event: datetime | None
    last_ingestion: datetime | None
    stored_bytes: int


@dataclass(frozen=True)
class LogEvent:
    """One log line; `request_id` and `kind` are read from Lambda's line formats.

    A LogTail also gives a plain line (a print) the request id of the invocation
    its stream is running, between that invocation's START and END lines.
    """

    timestamp: datetime
    ingestion_time: datetime | None
    stream: str
    message: str
    event_id: str
    request_id: str | None
    kind: EventKind

    @property
    def timestamp_ms(self) -> int:
        return _to_ms(self.timestamp)


def function_log_group(name: str) -> str:
    """The log group a Lambda function writes to."""
    return f"/aws/lambda/{name}"


def _from_ms(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value / 1000, UTC) if isinstance(value, int | float) else None


def _to_ms(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    # Whole milliseconds, exactly: float seconds would round some of them down.
    return (value - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def classify(message: str) -> tuple[str | None, EventKind]:
    """The request id and kind of a Lambda log line ("line" and None for others)."""
    if match := _REPORT_LINE.match(message):
        return match.group(2), _MARKER_KINDS[match.group(1)]
    request_id: str | None = None
    level: str | None = None
    if match := _PYTHON_LINE.match(message):
        level, request_id = match.groups()
    elif match := _TAB_LINE.match(message):
        request_id, level = match.groups()
    elif match := _RUNTIME_ERROR.match(message):
        return match.group(1) or match.group(2), "error"
    is_error = level == "ERROR" or any(marker in message for marker in _ERROR_MARKERS)
    return request_id, "error" if is_error else "line"


def make_event(raw: dict[str, Any]) -> LogEvent:
    """A LogEvent from one event of a FilterLogEvents answer."""
    message = str(raw.get("message", "")).rstrip("\r\n")
    request_id, kind = classify(message)
    timestamp = _from_ms(raw.get("timestamp")) or datetime.fromtimestamp(0, UTC)
    return LogEvent(
        timestamp=timestamp,
        ingestion_time=_from_ms(raw.get("ingestionTime")),
        stream=str(raw.get("logStreamName", "")),
        message=message,
        event_id=str(raw.get("eventId", "")),
        request_id=request_id,
        kind=kind,
    )


def list_log_groups(clients: AwsClients, prefix: str | None = None) -> list[LogGroup]:
    """Log groups (by name), optionally only those whose name starts with `prefix`."""
    params: dict[str, Any] = {"logGroupNamePrefix": prefix} if prefix else {}
    groups: list[LogGroup] = []
    with aws_call("list log groups", clients.connection.endpoint_url):
        for page in clients.logs.get_paginator("describe_log_groups").paginate(**params):
            for raw in page.get("logGroups", []):
                groups.append(
                    LogGroup(
                        name=raw["logGroupName"],
                        arn=str(raw.get("logGroupArn") or raw.get("arn", "")).removesuffix(":*"),
                        created=_from_ms(raw.get("creationTime")),
                        stored_bytes=int(raw.get("storedBytes", 0)),
                        retention_days=raw.get("retentionInDays"),
                    )
                )
    return sorted(groups, key=lambda group: group.name)


def list_log_streams(clients: AwsClients, group: str, limit: int | None = None) -> list[LogStream]:
    """The streams of `group`, newest event first (NotFoundError if there is no such group)."""
    streams: list[LogStream] = []
    with aws_call(f"list the log streams of {group}", clients.connection.endpoint_url):
        pages = clients.logs.get_paginator("describe_log_streams").paginate(
            logGroupName=group, orderBy="LastEventTime", descending=True
        )
        for page in pages:
            for raw in page.get("logStreams", []):
                streams.append(
                    LogStream(
                        name=raw["logStreamName"],
                        created=_from_ms(raw.get("creationTime")),
                        first_event=_from_ms(raw.get("firstEventTimestamp")),
                        last_event=_from_ms(raw.get("lastEventTimestamp")),
                        last_ingestion=_from_ms(raw.get("lastIngestionTime")),
                        stored_bytes=int(raw.get("storedBytes", 0)),
                    )
                )
            if limit is not None and len(streams) >= limit:
                break
    # As the server orders them (streams without events last, newest created first among
    # them); sorted again because LocalStack's order is not guaranteed for ties.
    epoch = datetime.fromtimestamp(0, UTC)
    streams.sort(key=lambda s: (s.last_event or epoch, s.created or epoch), reverse=True)
    return streams if limit is None else streams[:limit]


class LogTail:
    """The new events of one log group, poll after poll, each returned once.

    `since` is where the tail starts (None: the group's first event). `overlap`
    re-reads that much before the cursor on each poll, to catch events that
    arrive late with an older timestamp (0 by default: equal timestamps only).
    """

    def __init__(
        self,
        group: str,
        *,
        since: datetime | None = None,
        pattern: LogPattern | str | None = None,
        streams: Sequence[str] | None = None,
        overlap: timedelta = timedelta(0),
    ) -> None:
        self.group = group
        self.pattern = compile_pattern(pattern) if isinstance(pattern, str) else (pattern or MATCH_ALL)
        self.streams = list(streams) if streams else None
        self._overlap_ms = overlap // timedelta(milliseconds=1)
        self._cursor: int | None = _to_ms(since) if since is not None else None
        # event id -> timestamp, for the events at (or within `overlap` of) the cursor.
        self._seen: dict[str, int] = {}
        self._running: dict[str, str | None] = {}  # stream -> request id between START and END
        self.received = 0  # events new to the last poll, matching the pattern or not

    @property
    def cursor(self) -> datetime | None:
        """The newest timestamp seen so far (matching the pattern or not)."""
        return _from_ms(self._cursor) if self._cursor is not None else None

    def poll(self, clients: AwsClients) -> list[LogEvent]:
        """The events that arrived since the last poll, oldest first; [] if the group is missing."""
        start = None if self._cursor is None else max(0, self._cursor - self._overlap_ms)
        self.received = 0
        try:
            fresh = self._fetch(clients, start)
        except NotFoundError:
            return []  # The function has not logged yet: no group, no events.
        # Stable by timestamp: LocalStack answers stream by stream, and keeps each stream's order.
        fresh.sort(key=lambda raw: int(raw["timestamp"]))
        new: list[dict[str, Any]] = []
        for raw in fresh:
            event_id = str(raw.get("eventId", ""))
            if event_id in self._seen or (start is not None and int(raw["timestamp"]) < start):
                continue
            self._seen[event_id] = int(raw["timestamp"])
            new.append(raw)
        self.received = len(new)
        if new:
            self._cursor = max(self._cursor or 0, int(new[-1]["timestamp"]))
            horizon = self._cursor - self._overlap_ms
            self._seen = {key: stamp for key, stamp in self._seen.items() if stamp >= horizon}
        events = [self._attribute(make_event(raw)) for raw in new]
        return [event for event in events if self.pattern.matches(event.message)]

    def _attribute(self, event: LogEvent) -> LogEvent:
        """Give a plain line the request id of the invocation running in its stream."""
        # One execution environment (one stream) runs one invocation at a time.
        if event.kind == "start":
            self._running[event.stream] = event.request_id
        elif event.kind in ("end", "report"):
            self._running.pop(event.stream, None)
        elif event.request_id is None and self._running.get(event.stream):
            return replace(event, request_id=self._running[event.stream])
        return event

    def _fetch(self, clients: AwsClients, start: int | None) -> list[dict[str, Any]]:
        """Every event from `start` on, through all pages (no filterPattern: see the module doc)."""
        params: dict[str, Any] = {"logGroupName": self.group}
        if start is not None:
            params["startTime"] = start
        if self.streams:
            params["logStreamNames"] = self.streams
        events: list[dict[str, Any]] = []
        with aws_call(f"read the log events of {self.group}", clients.connection.endpoint_url):
            while True:
                page = clients.logs.filter_log_events(**params)
                events.extend(page.get("events", []))
                token = page.get("nextToken")
                if not token or token == params.get("nextToken"):
                    return events
                params["nextToken"] = token


LAMBDA_PREFIX = "/aws/lambda/"


class PrefixTail:
    """The new events of every log group under a prefix (every Lambda function), poll after poll.

    Groups are looked for again every `rescan`, so a function created while following
    is followed from its first line; each group has its own LogTail (nothing twice,
    nothing skipped), and each poll's events come back oldest first, with their group.
    """

    def __init__(
        self, prefix: str = LAMBDA_PREFIX, *, since: datetime | None = None, rescan: timedelta = timedelta(seconds=3)
    ) -> None:
        self.prefix = prefix
        self.since = since
        self.rescan = rescan
        self.tails: dict[str, LogTail] = {}
        self._scanned: float | None = None

    def poll(self, clients: AwsClients) -> list[tuple[str, LogEvent]]:
        now = time.monotonic()
        if self._scanned is None or now - self._scanned >= self.rescan.total_seconds():
            self._scanned = now
            for group in list_log_groups(clients, self.prefix):
                if group.name not in self.tails:
                    self.tails[group.name] = LogTail(group.name, since=self.since)
        found: list[tuple[str, LogEvent]] = []
        for name, tail in list(self.tails.items()):
            found.extend((name, event) for event in tail.poll(clients))
        found.sort(key=lambda pair: pair[1].timestamp)  # stable: each group keeps its order
        return found


def next_interval(
    current: float, got_events: bool, fastest: float = FASTEST_INTERVAL, slowest: float = SLOWEST_INTERVAL
) -> float:
    """The pause before the next poll: `fastest` while events flow, doubling up to `slowest` when idle."""
    if got_events:
        return fastest
    return min(max(current, fastest) * 2, slowest)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`30s`, `10m`, `2h`, `1d`, `1w`, `1h30m` ago, or an ISO 8601 time (UTC unless it says)."""
    value = text.strip()
    if value and _SINCE_PART.sub("", value).strip() == "":
        seconds = sum(int(n) * _UNIT_SECONDS[unit.lower()] for n, unit in _SINCE_PART.findall(value))
        try:
            return (now or datetime.now(UTC)) - timedelta(seconds=seconds)
        except OverflowError:
            raise ValidationError(f"{text!r} is further back than any log line can be") from None
    try:
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except ValueError:
        raise ValidationError(
            f"cannot read {text!r} as a time: use 30s, 10m, 2h, 1d, or an ISO time like 2024-05-01T10:00:00Z"
        ) from None
    except OverflowError:
        raise ValidationError(f"{text!r} is out of the range of times") from None


def follow(
    clients: AwsClients,
    group: str,
    since: datetime | None = None,
    pattern: LogPattern | str | None = None,
    stop: threading.Event | None = None,
    sleep: Callable[[float], object] | None = None,
) -> Iterator[LogEvent]:
    """Yield the group's events as they come, until `stop` is set (polling adaptively).

    `sleep` defaults to waiting on `stop` (so setting it wakes the loop), else time.sleep.
    """
    tail = LogTail(group, since=since, pattern=pattern)
    pause: Callable[[float], object] = sleep or (stop.wait if stop is not None else time.sleep)
    interval = FASTEST_INTERVAL
    while stop is None or not stop.is_set():
        events = tail.poll(clients)
        yield from events
        if stop is not None and stop.is_set():
            return
        interval = next_interval(interval, tail.received > 0)
        pause(interval)

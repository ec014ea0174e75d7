"""The seed's burst: N uploads from C workers, then an account of where every event went."""

from __future__ import annotations

import math
import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError, ValidationError
from localstack_tui.core.logs import LogTail, function_log_group
from localstack_tui.core.s3 import validate_bucket_name, validate_key
from localstack_tui.core.sqs import peek_messages


@dataclass(frozen=True)
class BurstResult:
    keys: tuple[str, ...]
    started: datetime
    seconds: float
    failed: dict[str, str] = field(default_factory=dict)
    uploaded: dict[str, datetime] = field(default_factory=dict)  # key → when its upload returned

    @property
    def rate(self) -> float:
        """Uploads per second."""
        return (len(self.keys) - len(self.failed)) / self.seconds if self.seconds > 0 else 0.0


def validate_burst(count: int, concurrency: int, prefix: str = "", wait: float = 120.0) -> None:
    """Everything `lstui burst` is given, checked before the first upload."""
    if not 1 <= count <= 100_000:
        raise ValidationError(f"the burst size must be 1 to 100000, not {count}")
    if not 1 <= concurrency <= 64:
        raise ValidationError(f"concurrency must be 1 to 64, not {concurrency}")
    if not math.isfinite(wait) or not 0 < wait <= 3600:
        raise ValidationError(f"--wait must be more than 0 and at most 3600 seconds, not {wait}")
    validate_key(f"{prefix}{'r' * 6}-{count:05}.txt")  # the longest key the burst will write


def burst_upload(
    clients: AwsClients,
    bucket: str,
    count: int,
    concurrency: int = 16,
    prefix: str = "burst/",
    body: bytes = b"Hello LocalStack\n",
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> BurstResult:
    """Upload `count` small objects from `concurrency` threads at once."""
    validate_bucket_name(bucket)
    validate_burst(count, concurrency, prefix)
    clients.connection.check_write(f"upload to bucket {bucket}")
    run = uuid.uuid4().hex[:6]
    keys = [f"{prefix}{run}-{index:05}.txt" for index in range(count)]
    done = 0
    failed: dict[str, str] = {}
    uploaded: dict[str, datetime] = {}
    lock = threading.Lock()
    started = datetime.now(UTC)
    clock = time.monotonic()

    def put(key: str) -> None:
        nonlocal done
        if cancel is not None and cancel.is_set():
            return
        try:
            clients.s3.put_object(Bucket=bucket, Key=key, Body=body)
            uploaded[key] = datetime.now(UTC)
        except Exception as exc:  # each failure is reported by key, the burst goes on
            with lock:
                failed[key] = str(exc)
        with lock:
            done += 1
            if progress is not None:
                progress(done)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(put, keys))
    return BurstResult(tuple(keys), started, time.monotonic() - clock, failed, uploaded)


@dataclass(frozen=True)
class BurstAccount:
    """Where the burst's events are: processed + in the DLQ + still queued should be N."""

    total: int
    processed: frozenset[str]
    in_dlq: frozenset[str]
    queued: frozenset[str]
    missing: tuple[str, ...]
    # Of `processed`: keys seen in the function's log lines (the rest left the queue
    # without reaching the DLQ, which an event source mapping does only on success).
    seen_in_logs: frozenset[str] = frozenset()
    # Invocations of the function since the burst began (its REPORT log lines): a batch of
    # messages is one invocation, a retried one is two.
    invocations: int = 0
    # Upload → the key's first line in the function's logs, in seconds, for the keys seen there.
    latencies: tuple[float, ...] = ()

    def percentile(self, fraction: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    @property
    def complete(self) -> bool:
        return not self.missing

    def summary(self) -> str:
        line = (
            f"{len(self.processed)} processed + {len(self.in_dlq)} in the DLQ + "
            f"{len(self.queued)} still queued = {len(self.processed) + len(self.in_dlq) + len(self.queued)}"
            f" of {self.total}"
        )
        inferred = len(self.processed - self.seen_in_logs)
        if inferred:
            line += f" ({len(self.seen_in_logs)} seen in the logs, {inferred} left the queue without reaching the DLQ)"
        if self.invocations:
            line += f"; the function ran {self.invocations} time{'s' if self.invocations != 1 else ''}"
        if self.missing:
            shown = ", ".join(self.missing[:5]) + (" …" if len(self.missing) > 5 else "")
            line += f"; not found anywhere: {len(self.missing)} ({shown})"
        return line


def account_burst(
    clients: AwsClients,
    burst: BurstResult,
    function: str | None = None,
    queue: str | None = None,
    dlq: str | None = None,
) -> BurstAccount:
    """Find every key of a burst: in the function's logs, the queue, or the DLQ."""
    keys = set(burst.keys)
    processed: set[str] = set()
    invocations = 0
    first_seen: dict[str, datetime] = {}
    if function:
        tail = LogTail(function_log_group(function), since=burst.started)
        for event in tail.poll(clients):
            for key in _keys_in(event.message, keys):
                processed.add(key)
                first_seen.setdefault(key, event.timestamp)
            invocations += event.message.startswith("REPORT RequestId")
    in_dlq: set[str] = set()
    queued: set[str] = set()
    # The queue before the DLQ: a message moved between the two reads is then seen in the DLQ, not lost.
    for name, found in ((queue, queued), (dlq, in_dlq)):
        if not name:
            continue
        try:
            peek = peek_messages(clients, name, limit=100_000, show_invisible=True, show_delayed=True)
        except LstuiError:
            continue
        for message in peek.messages:
            for record in message.s3_events or []:
                if record.key in keys:
                    found.add(record.key)
    # A key retried and then processed is processed, not in flight.
    queued -= processed
    seen = frozenset(processed)
    if queue and not queued:
        # The queue is drained: what is not in the DLQ was consumed successfully.
        processed |= keys - in_dlq
    missing = tuple(sorted(keys - processed - in_dlq - queued))
    latencies = tuple(
        max(0.0, (seen_at - burst.uploaded[key]).total_seconds())
        for key, seen_at in first_seen.items()
        if key in burst.uploaded
    )
    return BurstAccount(
        len(keys), frozenset(processed), frozenset(in_dlq), frozenset(queued), missing, seen, invocations, latencies
    )


_KEY = re.compile(r"[\w./-]+")


def _keys_in(message: str, keys: set[str]) -> list[str]:
    """The burst's keys named in a log line (a set lookup per word: 1,000 keys × many lines stays fast)."""
    return [word for word in _KEY.findall(message) if word in keys]

"""A bucket's notification configuration as a typed model, and merge-safe edits.

`put-bucket-notification-configuration` replaces a bucket's whole
configuration: wiring one trigger by hand silently deletes the others. Here an
entry is added or removed by read-modify-write that keeps every other entry
exactly as it was (Ids, filters, EventBridge), is idempotent, and refuses an
entry that would overlap an existing one before AWS is called.
"""

from __future__ import annotations

import difflib
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from localstack_tui.core.aws_errors import aws_call
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import ConflictError, LstuiError, ValidationError


@dataclass(frozen=True)
class EventType:
    name: str
    description: str


# The seed tutorial's table first, then the other event types AWS defines.
SEED_EVENT_TYPES: tuple[EventType, ...] = (
    EventType("s3:ObjectCreated:*", "Any time a new object is created (the most common)"),
    EventType("s3:ObjectCreated:Put", "An object uploaded with PUT"),
    EventType("s3:ObjectCreated:Post", "An object uploaded through an HTML form (POST)"),
    EventType("s3:ObjectCreated:Copy", "An object created by copying another"),
    EventType("s3:ObjectCreated:CompleteMultipartUpload", "A multipart upload completed"),
    EventType("s3:ObjectRemoved:*", "Any time an object is removed"),
    EventType("s3:ObjectRemoved:Delete", "An object deleted with DELETE"),
    EventType("s3:ObjectRemoved:DeleteMarkerCreated", "A delete marker created (versioned bucket)"),
)
OTHER_EVENT_TYPES: tuple[EventType, ...] = (
    EventType("s3:ObjectRestore:*", "Any restore event of an archived object"),
    EventType("s3:ObjectRestore:Post", "A restore of an archived object started"),
    EventType("s3:ObjectRestore:Completed", "A restore of an archived object completed"),
    EventType("s3:ObjectRestore:Delete", "A restored copy of an object expired"),
    EventType("s3:ReducedRedundancyLostObject", "A Reduced Redundancy object was lost"),
    EventType("s3:Replication:*", "Any replication event"),
    EventType("s3:Replication:OperationFailedReplication", "An object failed to replicate"),
    EventType("s3:Replication:OperationMissedThreshold", "Replication exceeded its time threshold"),
    EventType("s3:Replication:OperationReplicatedAfterThreshold", "Replicated after the threshold"),
    EventType("s3:Replication:OperationNotTracked", "An object is no longer tracked by replication metrics"),
    EventType("s3:LifecycleExpiration:*", "Any lifecycle expiration"),
    EventType("s3:LifecycleExpiration:Delete", "An object deleted by lifecycle expiration"),
    EventType("s3:LifecycleExpiration:DeleteMarkerCreated", "A delete marker created by lifecycle"),
    EventType("s3:LifecycleTransition", "An object moved to another storage class by lifecycle"),
    EventType("s3:IntelligentTiering", "An object moved to an Intelligent-Tiering archive tier"),
    EventType("s3:ObjectTagging:*", "Any change to an object's tags"),
    EventType("s3:ObjectTagging:Put", "Tags added to an object"),
    EventType("s3:ObjectTagging:Delete", "Tags removed from an object"),
    EventType("s3:ObjectAcl:Put", "An object's ACL set"),
)
EVENT_TYPES: tuple[EventType, ...] = SEED_EVENT_TYPES + OTHER_EVENT_TYPES
EVENT_NAMES: frozenset[str] = frozenset(event.name for event in EVENT_TYPES)
DEFAULT_EVENT = "s3:ObjectCreated:*"


def validate_events(events: Iterable[str]) -> tuple[str, ...]:
    """The events, checked against AWS's event types; ValidationError names a wrong one."""
    checked: list[str] = []
    for event in events:
        if event not in EVENT_NAMES:
            close = difflib.get_close_matches(event, sorted(EVENT_NAMES), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ValidationError(f"unknown S3 event type {event!r}{hint}")
        if event not in checked:
            checked.append(event)
    if not checked:
        raise ValidationError("at least one S3 event type is needed")
    return tuple(checked)


def events_overlap(a: str, b: str) -> bool:
    """True when two event types can match the same event (wildcards included)."""
    if a == b:
        return True
    if a.endswith(":*") and b.startswith(a[:-1]):
        return True
    return b.endswith(":*") and a.startswith(b[:-1])


class TargetKind(StrEnum):
    LAMBDA = "Lambda"
    QUEUE = "Queue"
    TOPIC = "Topic"


# The API's name of each list and of the ARN key in its entries.
_API_KEYS: dict[TargetKind, tuple[str, str]] = {
    TargetKind.LAMBDA: ("LambdaFunctionConfigurations", "LambdaFunctionArn"),
    TargetKind.QUEUE: ("QueueConfigurations", "QueueArn"),
    TargetKind.TOPIC: ("TopicConfigurations", "TopicArn"),
}


@dataclass(frozen=True)
class FilterRule:
    """A key filter rule; `name` keeps the case AWS returned ("Prefix" or "prefix")."""

    name: str
    value: str


@dataclass(frozen=True)
class NotificationEntry:
    """One Lambda, Queue or Topic entry of a bucket's notification configuration."""

    kind: TargetKind
    target_arn: str
    events: tuple[str, ...]
    id: str | None = None
    filter_rules: tuple[FilterRule, ...] = ()

    def _rule(self, name: str) -> str:
        return next((rule.value for rule in self.filter_rules if rule.name.lower() == name), "")

    @property
    def prefix(self) -> str:
        return self._rule("prefix")

    @property
    def suffix(self) -> str:
        return self._rule("suffix")

    @property
    def target_name(self) -> str:
        """The last part of the ARN: a function, queue or topic name."""
        return self.target_arn.rsplit(":", 1)[-1]

    def same_wiring(self, other: NotificationEntry) -> bool:
        """Same target, events and filter: adding `other` again would change nothing."""
        return (
            self.kind == other.kind
            and self.target_arn == other.target_arn
            and set(self.events) == set(other.events)
            and self.prefix == other.prefix
            and self.suffix == other.suffix
        )

    def overlaps(self, other: NotificationEntry) -> str | None:
        """The event type on which both entries could fire for one object, else None.

        AWS refuses two entries that share an event type when their key filters
        can both match one key: prefixes overlap when one starts with the
        other (an empty one matches everything); suffixes when one ends with
        the other.
        """
        prefixes_overlap = self.prefix.startswith(other.prefix) or other.prefix.startswith(self.prefix)
        suffixes_overlap = self.suffix.endswith(other.suffix) or other.suffix.endswith(self.suffix)
        if not (prefixes_overlap and suffixes_overlap):
            return None
        for mine in self.events:
            for theirs in other.events:
                if events_overlap(mine, theirs):
                    return mine if mine == theirs or theirs.endswith("*") else theirs
        return None

    def describe(self) -> str:
        """One line for messages: `'Id' (Lambda → name, events, prefix 'x/')`."""
        parts = [f"{self.kind} → {self.target_name}", ", ".join(self.events)]
        if self.prefix:
            parts.append(f"prefix {self.prefix!r}")
        if self.suffix:
            parts.append(f"suffix {self.suffix!r}")
        label = f"{self.id!r} " if self.id else ""
        return f"{label}({'; '.join(parts)})"

    def to_api(self) -> dict[str, Any]:
        _, arn_key = _API_KEYS[self.kind]
        item: dict[str, Any] = {}
        if self.id is not None:
            item["Id"] = self.id
        item[arn_key] = self.target_arn
        item["Events"] = list(self.events)
        if self.filter_rules:
            item["Filter"] = {
                "Key": {"FilterRules": [{"Name": rule.name, "Value": rule.value} for rule in self.filter_rules]}
            }
        return item


def make_entry(
    kind: TargetKind,
    target_arn: str,
    events: Iterable[str] = (DEFAULT_EVENT,),
    prefix: str = "",
    suffix: str = "",
    entry_id: str | None = None,
) -> NotificationEntry:
    """A new entry, with its events validated."""
    rules = []
    if prefix:
        rules.append(FilterRule("Prefix", prefix))
    if suffix:
        rules.append(FilterRule("Suffix", suffix))
    return NotificationEntry(kind, target_arn, validate_events(events), entry_id, tuple(rules))


@dataclass(frozen=True)
class NotificationConfig:
    """A bucket's whole notification configuration."""

    entries: tuple[NotificationEntry, ...] = ()
    eventbridge: bool = False
    # Top-level keys lstui does not model, kept so a round trip loses nothing.
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_api(cls, response: Mapping[str, Any]) -> NotificationConfig:
        entries: list[NotificationEntry] = []
        for kind, (list_key, arn_key) in _API_KEYS.items():
            for item in response.get(list_key) or []:
                rules = tuple(
                    FilterRule(str(rule["Name"]), str(rule["Value"]))
                    for rule in (item.get("Filter", {}).get("Key", {}).get("FilterRules") or [])
                )
                entries.append(
                    NotificationEntry(
                        kind=kind,
                        target_arn=str(item[arn_key]),
                        events=tuple(item.get("Events") or ()),
                        id=item.get("Id"),
                        filter_rules=rules,
                    )
                )
        known = {key for key, _ in _API_KEYS.values()} | {"EventBridgeConfiguration", "ResponseMetadata"}
        extra = {key: value for key, value in response.items() if key not in known}
        return cls(tuple(entries), "EventBridgeConfiguration" in response, extra)

    def to_api(self) -> dict[str, Any]:
        """The `NotificationConfiguration` argument of PutBucketNotificationConfiguration."""
        body: dict[str, Any] = dict(self.extra)
        for kind, (list_key, _) in _API_KEYS.items():
            items = [entry.to_api() for entry in self.entries if entry.kind == kind]
            if items:
                body[list_key] = items
        if self.eventbridge:
            body["EventBridgeConfiguration"] = {}
        return body

    def with_entry(self, new: NotificationEntry) -> tuple[NotificationConfig, NotificationEntry, bool]:
        """This configuration plus `new`; returns (config, the entry as stored, whether added).

        Idempotent: an entry with the same wiring already there is returned as
        it is. Raises ConflictError, naming the existing entry, on an overlap.
        """
        for existing in self.entries:
            if existing.same_wiring(new):
                return self, existing, False
        for existing in self.entries:
            clash = new.overlaps(existing)
            if clash:
                raise ConflictError(
                    f"the new entry {new.describe()} overlaps the existing entry {existing.describe()} "
                    f"on {clash}: give one of them a prefix or suffix that does not overlap"
                )
        if new.id is None or any(entry.id == new.id for entry in self.entries):
            new = replace(new, id=self._new_id(new))
        # Insert after the last entry of the same kind, as AWS groups them by kind.
        order = list(TargetKind)
        position = 0
        for index, existing in enumerate(self.entries):
            if order.index(existing.kind) <= order.index(new.kind):
                position = index + 1
        entries = (*self.entries[:position], new, *self.entries[position:])
        return replace(self, entries=entries), new, True

    def without_entry(self, match: NotificationEntry) -> tuple[NotificationConfig, NotificationEntry | None]:
        """This configuration less the entry with `match`'s Id (or, with no Id, its wiring)."""
        for index, existing in enumerate(self.entries):
            if (match.id is not None and existing.id == match.id) or (match.id is None and existing.same_wiring(match)):
                return replace(self, entries=self.entries[:index] + self.entries[index + 1 :]), existing
        return self, None

    def _new_id(self, entry: NotificationEntry) -> str:
        taken = {existing.id for existing in self.entries}
        digest = hashlib.sha256(
            f"{entry.target_arn}|{','.join(entry.events)}|{entry.prefix}|{entry.suffix}".encode()
        ).hexdigest()[:8]
        candidate = f"lstui-{entry.target_name}-{digest}"[:255]
        number = 2
        while candidate in taken:
            candidate = f"lstui-{entry.target_name}-{digest}-{number}"
            number += 1
        return candidate


@dataclass(frozen=True)
class NotificationChange:
    """What an add or remove did to a bucket's configuration."""

    bucket: str
    before: NotificationConfig
    after: NotificationConfig
    entry: NotificationEntry | None
    changed: bool


def get_notification_config(clients: AwsClients, bucket: str) -> NotificationConfig:
    """Read a bucket's notification configuration."""
    with aws_call(f"read the notification configuration of bucket {bucket}", clients.connection.endpoint_url):
        response = clients.s3.get_bucket_notification_configuration(Bucket=bucket)
    return NotificationConfig.from_api(response)


def put_notification_config(clients: AwsClients, bucket: str, config: NotificationConfig) -> None:
    """Write a bucket's whole notification configuration (callers merge first)."""
    clients.connection.check_write(f"change the notifications of bucket {bucket}")
    try:
        with aws_call(f"write the notification configuration of bucket {bucket}", clients.connection.endpoint_url):
            clients.s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config.to_api())
    finally:
        notification_cache(clients.connection.endpoint_url).forget(bucket)


class NotificationCache:
    """Buckets' notification configurations as last read, kept `ttl` seconds.

    Which buckets notify a function is asked for every function the user selects, and costs one
    call per bucket: with 1,000 buckets, seconds of CPU each time, starving the UI thread. Read once,
    kept a while, the next function's triggers are free. A write through this process forgets the
    bucket at once; a write from elsewhere shows within `ttl` (or on a refresh, which forgets all).
    """

    def __init__(self, ttl: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._configs: dict[str, tuple[float, NotificationConfig]] = {}
        self._generation = 0  # forgets so far: a read begun before one is not kept

    def get(self, clients: AwsClients, bucket: str) -> NotificationConfig:
        with self._lock:
            cached = self._configs.get(bucket)
            generation = self._generation
        if cached is not None and self._clock() - cached[0] < self.ttl:
            return cached[1]
        read_at = self._clock()
        config = get_notification_config(clients, bucket)
        with self._lock:
            if generation == self._generation:  # not a read that a write overtook: keep it
                self._configs[bucket] = (read_at, config)
        return config

    def forget(self, bucket: str | None = None) -> None:
        """One bucket (just written), or all (the user asked for a refresh)."""
        with self._lock:
            self._generation += 1
            if bucket is None:
                self._configs.clear()
            else:
                self._configs.pop(bucket, None)


_CACHES: dict[str, NotificationCache] = {}
_CACHES_LOCK = threading.Lock()


def notification_cache(endpoint_url: str) -> NotificationCache:
    """The process's cache for one endpoint."""
    with _CACHES_LOCK:
        return _CACHES.setdefault(endpoint_url, NotificationCache())


def add_notification(clients: AwsClients, bucket: str, entry: NotificationEntry) -> NotificationChange:
    """Add one entry to a bucket's configuration, keeping every other entry as it was."""
    clients.connection.check_write(f"change the notifications of bucket {bucket}")
    before = get_notification_config(clients, bucket)
    after, stored, added = before.with_entry(entry)
    if added:
        put_notification_config(clients, bucket, after)
    return NotificationChange(bucket, before, after, stored, added)


def remove_notification(clients: AwsClients, bucket: str, match: NotificationEntry) -> NotificationChange:
    """Remove one entry (by Id, or by its wiring), keeping every other entry as it was."""
    clients.connection.check_write(f"change the notifications of bucket {bucket}")
    before = get_notification_config(clients, bucket)
    after, removed = before.without_entry(match)
    if removed is not None:
        put_notification_config(clients, bucket, after)
    return NotificationChange(bucket, before, after, removed, removed is not None)


def buckets_notifying(
    clients: AwsClients,
    target_arn: str,
    buckets: Iterable[str],
    cancelled: Callable[[], bool] | None = None,
    cache: NotificationCache | None = None,
) -> list[tuple[str, NotificationEntry]]:
    """(bucket, entry) for every entry of those buckets that targets `target_arn`.

    One call per bucket not in `cache`: `cancelled` stops early when the answer is no longer
    wanted (the user moved on to another function before 1,000 buckets were read).
    """
    found: list[tuple[str, NotificationEntry]] = []
    for bucket in buckets:
        if cancelled is not None and cancelled():
            break
        try:
            config = cache.get(clients, bucket) if cache is not None else get_notification_config(clients, bucket)
        except LstuiError:
            continue  # a bucket deleted meanwhile
        found.extend((bucket, entry) for entry in config.entries if entry.target_arn == target_arn)
    return found

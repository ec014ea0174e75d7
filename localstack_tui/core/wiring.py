"""Wiring the seed's links: S3 → Lambda, S3 → SQS, SQS → Lambda, queue → DLQ.

Each `wire_*` checks everything it can before the first change, returns what
it changed with the steps that undo it, and leaves nothing half-made: when a
later step fails, the earlier ones are undone. Each `unwire_*` removes exactly
that link and nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from localstack_tui.core.aws_errors import aws_call
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError, NotFoundError, ValidationError
from localstack_tui.core.functions import (
    EventSourceMapping,
    get_function,
    list_event_source_mappings,
    wait_mapping_state,
)
from localstack_tui.core.notifications import (
    DEFAULT_EVENT,
    NotificationEntry,
    TargetKind,
    get_notification_config,
    make_entry,
    put_notification_config,
    validate_events,
)
from localstack_tui.core.s3 import validate_bucket_name
from localstack_tui.core.sqs import (
    Queue,
    RedrivePolicy,
    create_queue,
    delete_queue,
    get_queue,
    restore_redrive_policy,
    set_redrive_policy,
    validate_queue_name,
)

S3_PRINCIPAL = "s3.amazonaws.com"


def bucket_name(name_or_arn: str) -> str:
    """A bucket's name from its name or its ARN (`arn:aws:s3:::NAME`)."""
    if not name_or_arn.startswith("arn:"):
        return validate_bucket_name(name_or_arn)
    if not re.fullmatch(r"arn:aws[a-z-]*:s3:::[^/]+", name_or_arn):
        raise ValidationError(f"{name_or_arn!r} is not an S3 bucket ARN (arn:aws:s3:::NAME)")
    return validate_bucket_name(name_or_arn.split(":::", 1)[1])


# What granting a target's access did: its undo step and a line saying it.
type Granted = tuple[UndoStep, str]


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def statement_id(bucket: str) -> str:
    """The Sid lstui gives the permission it adds for a bucket (Sids allow [A-Za-z0-9_-])."""
    return "lstui-s3-" + re.sub(r"[^A-Za-z0-9_-]", "-", bucket)


# -- undo steps -----------------------------------------------------------------------------------


class UndoStep(Protocol):
    def describe(self) -> str: ...

    def apply(self, clients: AwsClients) -> None: ...


@dataclass(frozen=True)
class RemoveNotificationStep:
    bucket: str
    entry: NotificationEntry

    def describe(self) -> str:
        return f"remove notification entry {self.entry.describe()} from bucket {self.bucket}"

    def apply(self, clients: AwsClients) -> None:
        config = get_notification_config(clients, self.bucket)
        after, removed = config.without_entry(self.entry)
        if removed is not None:
            put_notification_config(clients, self.bucket, after)


@dataclass(frozen=True)
class RemovePermissionStep:
    function: str
    sid: str

    def describe(self) -> str:
        return f"remove permission {self.sid} from function {self.function}"

    def apply(self, clients: AwsClients) -> None:
        _remove_permission(clients, self.function, self.sid)


@dataclass(frozen=True)
class RestoreQueuePolicyStep:
    queue_url: str
    queue_name: str
    policy: str | None

    def describe(self) -> str:
        return f"restore the access policy of queue {self.queue_name}"

    def apply(self, clients: AwsClients) -> None:
        _set_queue_policy(clients, self.queue_url, self.queue_name, self.policy)


@dataclass(frozen=True)
class DeleteMappingStep:
    uuid: str
    link: str

    def describe(self) -> str:
        return f"delete event source mapping {self.link} ({self.uuid})"

    def apply(self, clients: AwsClients) -> None:
        _delete_mapping(clients, self.uuid)


@dataclass(frozen=True)
class RestoreRedriveStep:
    queue: str
    policy: RedrivePolicy | None

    def describe(self) -> str:
        if self.policy is None:
            return f"remove the redrive policy of queue {self.queue}"
        return f"restore the redrive policy of queue {self.queue} (DLQ {self.policy.dlq_name})"

    def apply(self, clients: AwsClients) -> None:
        restore_redrive_policy(clients, self.queue, self.policy)


@dataclass(frozen=True)
class DeleteQueueStep:
    queue: str

    def describe(self) -> str:
        return f"delete queue {self.queue}"

    def apply(self, clients: AwsClients) -> None:
        delete_queue(clients, self.queue)


@dataclass(frozen=True)
class WiringResult:
    """What a wire/unwire call changed, and how to undo it."""

    link: str
    changes: tuple[str, ...]
    undo_steps: tuple[UndoStep, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def summary(self) -> str:
        if not self.changes:
            return f"{self.link}: already wired, nothing changed"
        return f"{self.link}: " + "; ".join(self.changes)


def undo(clients: AwsClients, result: WiringResult) -> list[str]:
    """Apply a result's undo steps, newest first; return what was undone."""
    done = []
    for step in reversed(result.undo_steps):
        step.apply(clients)
        done.append(step.describe())
    return done


def _rollback(clients: AwsClients, steps: list[UndoStep], error: LstuiError) -> LstuiError:
    """Undo what was done before `error`; the error then says what state is left."""
    failed = []
    for step in reversed(steps):
        try:
            step.apply(clients)
        except LstuiError:
            failed.append(step.describe())
    if failed:
        return type(error)(f"{error} — and could not undo: {'; '.join(failed)}")
    return error


# -- helpers over boto3 ---------------------------------------------------------------------------


def _check_bucket(clients: AwsClients, bucket: str) -> None:
    try:
        with aws_call(f"find bucket {bucket}", clients.connection.endpoint_url):
            clients.s3.head_bucket(Bucket=bucket)
    except NotFoundError:
        raise NotFoundError(f"no bucket named {bucket}") from None


def _policy_statements(clients: AwsClients, function: str) -> list[dict[str, Any]]:
    try:
        with aws_call(f"read the policy of function {function}", clients.connection.endpoint_url):
            policy = clients.lambda_.get_policy(FunctionName=function)["Policy"]
    except NotFoundError:
        return []
    statements = json.loads(policy).get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _add_permission(clients: AwsClients, function: str, bucket: str) -> bool:
    """Let S3 invoke the function for this bucket; False when it already may."""
    sid = statement_id(bucket)
    if any(statement.get("Sid") == sid for statement in _policy_statements(clients, function)):
        return False
    with aws_call(f"let bucket {bucket} invoke function {function}", clients.connection.endpoint_url):
        clients.lambda_.add_permission(
            FunctionName=function,
            StatementId=sid,
            Action="lambda:InvokeFunction",
            Principal=S3_PRINCIPAL,
            SourceArn=bucket_arn(bucket),
        )
    return True


def _remove_permission(clients: AwsClients, function: str, sid: str) -> bool:
    try:
        with aws_call(f"remove permission {sid} of function {function}", clients.connection.endpoint_url):
            clients.lambda_.remove_permission(FunctionName=function, StatementId=sid)
    except NotFoundError:
        return False
    return True


def _queue_policy(clients: AwsClients, queue: Queue) -> str | None:
    with aws_call(f"read the access policy of queue {queue.name}", clients.connection.endpoint_url):
        attributes = clients.sqs.get_queue_attributes(QueueUrl=queue.url, AttributeNames=["Policy"])
    policy = attributes.get("Attributes", {}).get("Policy")
    return str(policy) if policy else None


def _set_queue_policy(clients: AwsClients, url: str, name: str, policy: str | None) -> None:
    with aws_call(f"set the access policy of queue {name}", clients.connection.endpoint_url):
        clients.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy or ""})


def s3_send_statement(bucket: str, queue_arn: str) -> dict[str, Any]:
    """The policy statement that lets a bucket send its events to a queue."""
    return {
        "Sid": statement_id(bucket),
        "Effect": "Allow",
        "Principal": {"Service": S3_PRINCIPAL},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {"ArnLike": {"aws:SourceArn": bucket_arn(bucket)}},
    }


def merge_policy_statement(policy: str | None, statement: dict[str, Any]) -> tuple[str, bool]:
    """`policy` (JSON text, or None) with `statement` added or replaced by Sid.

    Every other statement and top-level key is kept as it was. Returns the
    new JSON and whether anything changed.
    """
    document: dict[str, Any] = json.loads(policy) if policy else {"Version": "2012-10-17", "Statement": []}
    if not isinstance(document, dict):
        raise ValidationError("the queue's access policy is not a JSON object")
    raw = document.get("Statement", [])
    statements = raw if isinstance(raw, list) else [raw]
    for index, existing in enumerate(statements):
        if isinstance(existing, dict) and existing.get("Sid") == statement["Sid"]:
            if existing == statement:
                return json.dumps(document), False
            statements = [*statements[:index], statement, *statements[index + 1 :]]
            break
    else:
        statements = [*statements, statement]
    document["Statement"] = statements
    return json.dumps(document), True


def remove_policy_statement(policy: str | None, sid: str) -> tuple[str | None, bool]:
    """`policy` less the statement `sid`; None when no statement is left."""
    if not policy:
        return policy, False
    document = json.loads(policy)
    raw = document.get("Statement", [])
    statements = raw if isinstance(raw, list) else [raw]
    kept = [s for s in statements if not (isinstance(s, dict) and s.get("Sid") == sid)]
    if len(kept) == len(statements):
        return policy, False
    if not kept:
        return None, True
    document["Statement"] = kept
    return json.dumps(document), True


def _delete_mapping(clients: AwsClients, uuid: str) -> None:
    try:
        with aws_call("delete an event source mapping", clients.connection.endpoint_url):
            clients.lambda_.delete_event_source_mapping(UUID=uuid)
    except NotFoundError:
        return
    wait_mapping_state(clients, uuid, ("Deleted",))


def _plan_notification(
    clients: AwsClients, bucket: str, entry: NotificationEntry
) -> tuple[Any, NotificationEntry, bool]:
    """Read the bucket's configuration and merge `entry` in (raises on overlap); nothing written."""
    config = get_notification_config(clients, bucket)
    return config.with_entry(entry)


# -- S3 → Lambda ------------------------------------------------------------------------------


def _wire_notification(
    clients: AwsClients, bucket: str, entry: NotificationEntry, link: str, grant: Callable[[], Granted | None]
) -> WiringResult:
    """Check the merge first, then grant the target's access, then add the entry; undo on a failure."""
    _check_bucket(clients, bucket)
    after, stored, added = _plan_notification(clients, bucket, entry)
    done: list[UndoStep] = []
    changes: list[str] = []
    try:
        granted = grant()
        if granted is not None:
            done.append(granted[0])
            changes.append(granted[1])
        if added:
            put_notification_config(clients, bucket, after)
            done.append(RemoveNotificationStep(bucket, stored))
            changes.append(f"added notification entry {stored.describe()}")
    except LstuiError as exc:
        raise _rollback(clients, done, exc) from None
    return WiringResult(link, tuple(changes), tuple(done))


def _unwire_notification(
    clients: AwsClients,
    bucket: str,
    match: NotificationEntry,
    link: str,
    target: str,
    revoke: Callable[[], str | None],
) -> WiringResult:
    """Remove the entry with `match`'s wiring; `revoke` the access when no entry targets it any more."""
    _check_bucket(clients, bucket)
    config = get_notification_config(clients, bucket)
    after, removed = config.without_entry(match)
    if removed is None:
        raise NotFoundError(f"bucket {bucket} has no such entry for {target}")
    put_notification_config(clients, bucket, after)
    changes = [f"removed notification entry {removed.describe()}"]
    if not any(entry.target_arn == match.target_arn for entry in after.entries):
        revoked = revoke()
        if revoked:
            changes.append(revoked)
    return WiringResult(link, tuple(changes))


def wire_s3_to_lambda(
    clients: AwsClients,
    bucket: str,
    function: str,
    events: Iterable[str] = (DEFAULT_EVENT,),
    prefix: str = "",
    suffix: str = "",
) -> WiringResult:
    """Make the bucket notify the function (and let S3 invoke it), keeping every other entry."""
    clients.connection.check_write("wire S3 → Lambda")
    bucket = bucket_name(bucket)
    entry_events = validate_events(events)
    info = get_function(clients, function)
    entry = make_entry(TargetKind.LAMBDA, info.arn, entry_events, prefix, suffix)

    def grant() -> Granted | None:
        if not _add_permission(clients, info.name, bucket):
            return None
        step = RemovePermissionStep(info.name, statement_id(bucket))
        return step, f"allowed {S3_PRINCIPAL} to invoke {info.name} for bucket {bucket}"

    return _wire_notification(clients, bucket, entry, f"S3 → Lambda: {bucket} → {info.name}", grant)


def unwire_s3_to_lambda(
    clients: AwsClients,
    bucket: str,
    function: str,
    events: Iterable[str] = (DEFAULT_EVENT,),
    prefix: str = "",
    suffix: str = "",
) -> WiringResult:
    """Remove exactly that S3 → Lambda entry (and lstui's permission when no entry needs it)."""
    clients.connection.check_write("unwire S3 → Lambda")
    bucket = bucket_name(bucket)
    info = get_function(clients, function)
    match = make_entry(TargetKind.LAMBDA, info.arn, tuple(events), prefix, suffix)

    def revoke() -> str | None:
        if _remove_permission(clients, info.name, statement_id(bucket)):
            return f"removed permission {statement_id(bucket)} of {info.name}"
        return None

    link = f"S3 → Lambda: {bucket} → {info.name}"
    return _unwire_notification(clients, bucket, match, link, f"function {info.name}", revoke)


# -- S3 → SQS ---------------------------------------------------------------------------------


def wire_s3_to_sqs(
    clients: AwsClients,
    bucket: str,
    queue: str,
    events: Iterable[str] = (DEFAULT_EVENT,),
    prefix: str = "",
    suffix: str = "",
) -> WiringResult:
    """Make the bucket send its events to the queue (and let it), keeping every other entry."""
    clients.connection.check_write("wire S3 → SQS")
    bucket = bucket_name(bucket)
    entry_events = validate_events(events)
    target = get_queue(clients, queue)
    if target.fifo:
        raise ValidationError(f"S3 cannot send events to FIFO queue {target.name}: use a standard queue")
    entry = make_entry(TargetKind.QUEUE, target.arn, entry_events, prefix, suffix)

    def grant() -> Granted | None:
        previous = _queue_policy(clients, target)
        policy, changed = merge_policy_statement(previous, s3_send_statement(bucket, target.arn))
        if not changed:
            return None
        _set_queue_policy(clients, target.url, target.name, policy)
        step = RestoreQueuePolicyStep(target.url, target.name, previous)
        return step, f"allowed bucket {bucket} to send to queue {target.name}"

    return _wire_notification(clients, bucket, entry, f"S3 → SQS: {bucket} → {target.name}", grant)


def unwire_s3_to_sqs(
    clients: AwsClients,
    bucket: str,
    queue: str,
    events: Iterable[str] = (DEFAULT_EVENT,),
    prefix: str = "",
    suffix: str = "",
) -> WiringResult:
    """Remove exactly that S3 → SQS entry (and lstui's policy statement when no entry needs it)."""
    clients.connection.check_write("unwire S3 → SQS")
    bucket = bucket_name(bucket)
    target = get_queue(clients, queue)
    match = make_entry(TargetKind.QUEUE, target.arn, tuple(events), prefix, suffix)

    def revoke() -> str | None:
        policy, changed = remove_policy_statement(_queue_policy(clients, target), statement_id(bucket))
        if not changed:
            return None
        _set_queue_policy(clients, target.url, target.name, policy)
        return f"removed statement {statement_id(bucket)} from the policy of {target.name}"

    link = f"S3 → SQS: {bucket} → {target.name}"
    return _unwire_notification(clients, bucket, match, link, f"queue {target.name}", revoke)


# -- SQS → Lambda -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingSettings:
    batch_size: int = 10
    batching_window: int = 0
    max_concurrency: int | None = None
    report_batch_item_failures: bool = False

    def validate(self, fifo: bool) -> None:
        limit = 10 if fifo else 10_000
        if not 1 <= self.batch_size <= limit:
            raise ValidationError(f"batch size must be 1 to {limit} for this queue, not {self.batch_size}")
        if not 0 <= self.batching_window <= 300:
            raise ValidationError(f"batching window must be 0 to 300 seconds, not {self.batching_window}")
        if self.batch_size > 10 and self.batching_window < 1:
            raise ValidationError("a batch size over 10 needs a batching window of at least 1 second")
        if self.max_concurrency is not None and not 2 <= self.max_concurrency <= 1000:
            raise ValidationError(f"maximum concurrency must be 2 to 1000, not {self.max_concurrency}")


def wire_sqs_to_lambda(
    clients: AwsClients, queue: str, function: str, settings: MappingSettings | None = None
) -> WiringResult:
    """Create an event source mapping from the queue to the function (idempotent)."""
    clients.connection.check_write("wire SQS → Lambda")
    settings = settings or MappingSettings()
    settings.validate(fifo=False)  # the general limits, before any call
    source = get_queue(clients, queue)
    info = get_function(clients, function)
    settings.validate(source.fifo)
    if source.visibility_timeout < info.timeout:
        raise ValidationError(
            f"queue {source.name}'s visibility timeout ({source.visibility_timeout} s) is less than "
            f"function {info.name}'s timeout ({info.timeout} s): raise it, or messages are received twice"
        )
    link = f"SQS → Lambda: {source.name} → {info.name}"
    existing = list_event_source_mappings(clients, function=info.name, source_arn=source.arn)
    if existing:
        return WiringResult(link, ())
    kwargs: dict[str, Any] = {
        "EventSourceArn": source.arn,
        "FunctionName": info.name,
        "BatchSize": settings.batch_size,
        "MaximumBatchingWindowInSeconds": settings.batching_window,
    }
    if settings.max_concurrency is not None:
        kwargs["ScalingConfig"] = {"MaximumConcurrency": settings.max_concurrency}
    if settings.report_batch_item_failures:
        kwargs["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    with aws_call(f"create the event source mapping {link}", clients.connection.endpoint_url):
        mapping = clients.lambda_.create_event_source_mapping(**kwargs)
    step = DeleteMappingStep(mapping["UUID"], link)
    try:
        wait_mapping_state(clients, mapping["UUID"], ("Enabled",))
    except LstuiError as exc:
        raise _rollback(clients, [step], exc) from None
    return WiringResult(
        link, (f"created event source mapping {mapping['UUID']} (batch size {settings.batch_size})",), (step,)
    )


def mappings_between(clients: AwsClients, queue: str, function: str) -> tuple[Queue, list[EventSourceMapping]]:
    source = get_queue(clients, queue)
    info = get_function(clients, function)
    return source, list_event_source_mappings(clients, function=info.name, source_arn=source.arn)


def unwire_sqs_to_lambda(clients: AwsClients, queue: str, function: str) -> WiringResult:
    """Delete the event source mapping(s) from the queue to the function."""
    clients.connection.check_write("unwire SQS → Lambda")
    source, mappings = mappings_between(clients, queue, function)
    link = f"SQS → Lambda: {source.name} → {function}"
    if not mappings:
        raise NotFoundError(f"no event source mapping from queue {source.name} to function {function}")
    for mapping in mappings:
        _delete_mapping(clients, mapping.uuid)
    return WiringResult(link, tuple(f"deleted event source mapping {m.uuid}" for m in mappings))


# -- DLQ --------------------------------------------------------------------------------------


def wire_dlq(clients: AwsClients, queue: str, dlq: str, max_receive_count: int = 3) -> WiringResult:
    """Give the queue a dead-letter queue (created when it does not exist)."""
    clients.connection.check_write("wire a dead-letter queue")
    if not 1 <= max_receive_count <= 1000:
        raise ValidationError(f"max receive count must be 1 to 1000, not {max_receive_count}")
    source = get_queue(clients, queue)
    link = f"queue → DLQ: {source.name} → {dlq.rsplit(':', 1)[-1].rsplit('/', 1)[-1]}"
    done: list[UndoStep] = []
    changes: list[str] = []
    try:
        target = get_queue(clients, dlq)
    except NotFoundError:
        name = validate_queue_name(dlq) if not dlq.startswith(("arn:", "http")) else None
        if name is None:
            raise
        if source.fifo != name.endswith(".fifo"):
            raise ValidationError(
                f"the DLQ of {'FIFO' if source.fifo else 'standard'} queue {source.name} must be "
                f"{'a FIFO queue (name ending .fifo)' if source.fifo else 'a standard queue'}"
            ) from None
        attributes = {"FifoQueue": "true"} if source.fifo else None
        target = create_queue(clients, name, attributes)
        done.append(DeleteQueueStep(target.url))
        changes.append(f"created queue {target.name}")
    if source.redrive_policy == RedrivePolicy(target.arn, max_receive_count):
        return WiringResult(link, tuple(changes), tuple(done))
    try:
        change = set_redrive_policy(clients, source.url, target.url, max_receive_count)
    except LstuiError as exc:
        raise _rollback(clients, done, exc) from None
    done.append(RestoreRedriveStep(source.url, change.previous))
    changes.append(f"set the redrive policy of {source.name}: to {target.name} after {max_receive_count} receives")
    return WiringResult(link, tuple(changes), tuple(done))


def unwire_dlq(clients: AwsClients, queue: str) -> WiringResult:
    """Remove the queue's redrive policy (the DLQ itself is kept, with its messages)."""
    clients.connection.check_write("unwire a dead-letter queue")
    source = get_queue(clients, queue)
    if source.redrive_policy is None:
        raise NotFoundError(f"queue {source.name} has no dead-letter queue")
    link = f"queue → DLQ: {source.name} → {source.redrive_policy.dlq_name}"
    change = restore_redrive_policy(clients, source.url, None)
    step = RestoreRedriveStep(source.url, change.previous)
    return WiringResult(link, (f"removed the redrive policy of {source.name}",), (step,))


# -- the seed's Part 2 as one call ----------------------------------------------------------------


@dataclass(frozen=True)
class DeleteBucketStep:
    bucket: str

    def describe(self) -> str:
        return f"delete bucket {self.bucket}"

    def apply(self, clients: AwsClients) -> None:
        from localstack_tui.core.s3 import delete_bucket

        delete_bucket(clients, self.bucket, force=True)


@dataclass(frozen=True)
class PipelineSpec:
    """S3 → SQS → Lambda with a DLQ: bucket and queues are created when missing."""

    bucket: str
    queue: str
    dlq: str
    function: str
    max_receive_count: int = 3
    events: tuple[str, ...] = (DEFAULT_EVENT,)
    prefix: str = ""
    suffix: str = ""
    batch_size: int = 10
    report_batch_item_failures: bool = False

    def validate(self) -> None:
        """Everything that can be checked without AWS; raises ValidationError."""
        bucket_name(self.bucket)
        for name in (self.queue, self.dlq):
            if not name.startswith(("arn:", "http")):
                validate_queue_name(name)
        validate_events(self.events)
        if not 1 <= self.max_receive_count <= 1000:
            raise ValidationError(f"max receive count must be 1 to 1000, not {self.max_receive_count}")
        MappingSettings(batch_size=self.batch_size).validate(fifo=False)


def build_pipeline(
    clients: AwsClients, spec: PipelineSpec, progress: Callable[[str], None] | None = None
) -> WiringResult:
    """Wire the seed's Part 2 in one go; on a failure half-way, undo what was made.

    `progress` hears each step as it starts.
    """
    clients.connection.check_write("build an S3 → SQS → Lambda pipeline")
    spec.validate()
    say = progress or (lambda _step: None)
    from localstack_tui.core.s3 import create_bucket

    bucket = bucket_name(spec.bucket)
    info = get_function(clients, spec.function)
    link = f"S3 → SQS → Lambda: {bucket} → {spec.queue} → {info.name} (DLQ {spec.dlq})"
    done: list[UndoStep] = []
    changes: list[str] = []
    try:
        try:
            _check_bucket(clients, bucket)
        except NotFoundError:
            say(f"creating bucket {bucket}")
            create_bucket(clients, bucket)
            done.append(DeleteBucketStep(bucket))
            changes.append(f"created bucket {bucket}")
        try:
            queue = get_queue(clients, spec.queue)
        except NotFoundError:
            # AWS advises a visibility timeout of six times the function's timeout.
            visibility = max(30, 6 * info.timeout)
            say(f"creating queue {spec.queue}")
            queue = create_queue(clients, spec.queue, {"VisibilityTimeout": str(visibility)})
            done.append(DeleteQueueStep(queue.url))
            changes.append(f"created queue {queue.name} (visibility timeout {visibility} s)")
        settings = MappingSettings(
            batch_size=spec.batch_size, report_batch_item_failures=spec.report_batch_item_failures
        )
        # One link at a time, so a failure undoes exactly the links made before it.
        say(f"giving {queue.name} the dead-letter queue {spec.dlq}")
        result = wire_dlq(clients, queue.url, spec.dlq, spec.max_receive_count)
        done.extend(result.undo_steps)
        changes.extend(result.changes)
        say(f"wiring {bucket} → {queue.name}")
        result = wire_s3_to_sqs(clients, bucket, queue.url, spec.events, spec.prefix, spec.suffix)
        done.extend(result.undo_steps)
        changes.extend(result.changes)
        say(f"wiring {queue.name} → {info.name}")
        result = wire_sqs_to_lambda(clients, queue.url, info.name, settings)
        done.extend(result.undo_steps)
        changes.extend(result.changes)
    except LstuiError as exc:
        raise _rollback(clients, done, exc) from None
    return WiringResult(link, tuple(changes), tuple(done))

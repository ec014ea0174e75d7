"""Notification configurations: the model, merge-safe add/remove, overlap rules."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localstack_tui.core.errors import ConflictError, RemoteWriteRefusedError, ValidationError
from localstack_tui.core.notifications import (
    EVENT_TYPES,
    SEED_EVENT_TYPES,
    FilterRule,
    NotificationConfig,
    NotificationEntry,
    TargetKind,
    add_notification,
    events_overlap,
    get_notification_config,
    make_entry,
    remove_notification,
    validate_events,
)

LAMBDA_ARN = "arn:aws:lambda:us-east-1:000000000000:function:{}"
QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:{}"
TOPIC_ARN = "arn:aws:sns:us-east-1:000000000000:{}"


def test_seed_events_come_first_with_descriptions() -> None:
    assert [event.name for event in SEED_EVENT_TYPES] == [
        "s3:ObjectCreated:*",
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "s3:ObjectRemoved:*",
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
    ]
    assert EVENT_TYPES[: len(SEED_EVENT_TYPES)] == SEED_EVENT_TYPES
    assert len(EVENT_TYPES) > len(SEED_EVENT_TYPES)
    assert all(event.description for event in EVENT_TYPES)


def test_unknown_event_type_is_refused_with_a_suggestion() -> None:
    with pytest.raises(ValidationError, match=r"unknown S3 event type 's3:ObjectCreate:\*' \(did you mean"):
        validate_events(["s3:ObjectCreate:*"])
    with pytest.raises(ValidationError, match="at least one"):
        validate_events([])


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ("s3:ObjectCreated:*", "s3:ObjectCreated:Put", True),
        ("s3:ObjectCreated:Put", "s3:ObjectCreated:*", True),
        ("s3:ObjectCreated:Put", "s3:ObjectCreated:Copy", False),
        ("s3:ObjectCreated:*", "s3:ObjectRemoved:*", False),
        ("s3:ObjectRemoved:Delete", "s3:ObjectRemoved:Delete", True),
    ],
)
def test_event_overlap(a: str, b: str, overlap: bool) -> None:
    assert events_overlap(a, b) is overlap


@pytest.mark.parametrize(
    ("existing", "new", "clash"),
    [
        (("", ""), ("", ""), True),
        (("images/", ""), ("", ""), True),  # empty prefix matches everything
        (("images/", ""), ("images/thumbs/", ""), True),
        (("images/", ""), ("docs/", ""), False),
        (("", ".jpg"), ("", ".png"), False),
        (("", ".jpg"), ("", "thumb.jpg"), True),
        (("a/", ".jpg"), ("b/", ".jpg"), False),
        (("a/", ".jpg"), ("a/", ".png"), False),
    ],
)
def test_filter_overlap_rules(existing: tuple[str, str], new: tuple[str, str], clash: bool) -> None:
    config = NotificationConfig(
        (
            make_entry(
                TargetKind.LAMBDA, LAMBDA_ARN.format("one"), prefix=existing[0], suffix=existing[1], entry_id="one"
            ),
        )
    )
    entry = make_entry(TargetKind.QUEUE, QUEUE_ARN.format("q"), prefix=new[0], suffix=new[1])
    if clash:
        with pytest.raises(ConflictError, match="overlaps the existing entry 'one'"):
            config.with_entry(entry)
    else:
        after, stored, added = config.with_entry(entry)
        assert added and stored in after.entries


def test_different_event_types_never_clash() -> None:
    config = NotificationConfig((make_entry(TargetKind.LAMBDA, LAMBDA_ARN.format("f"), entry_id="created"),))
    removed = make_entry(TargetKind.LAMBDA, LAMBDA_ARN.format("f"), events=["s3:ObjectRemoved:*"])
    after, _, added = config.with_entry(removed)
    assert added and len(after.entries) == 2


def test_api_round_trip_keeps_everything() -> None:
    response = {
        "ResponseMetadata": {"HTTPStatusCode": 200},
        "LambdaFunctionConfigurations": [
            {
                "Id": "thumbs",
                "LambdaFunctionArn": LAMBDA_ARN.format("thumbs"),
                "Events": ["s3:ObjectCreated:Put", "s3:ObjectCreated:Copy"],
                "Filter": {
                    "Key": {"FilterRules": [{"Name": "Prefix", "Value": "img/"}, {"Name": "Suffix", "Value": ".jpg"}]}
                },
            }
        ],
        "QueueConfigurations": [{"Id": "q1", "QueueArn": QUEUE_ARN.format("q1"), "Events": ["s3:ObjectRemoved:*"]}],
        "TopicConfigurations": [{"Id": "t1", "TopicArn": TOPIC_ARN.format("t1"), "Events": ["s3:ObjectRestore:*"]}],
        "EventBridgeConfiguration": {},
    }
    config = NotificationConfig.from_api(response)
    assert config.eventbridge
    assert [entry.kind for entry in config.entries] == [TargetKind.LAMBDA, TargetKind.QUEUE, TargetKind.TOPIC]
    assert config.entries[0].prefix == "img/" and config.entries[0].suffix == ".jpg"
    expected = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    assert config.to_api() == expected


# -- hypothesis: random existing configurations -----------------------------------------------

prefixes = st.sampled_from(["", "a/", "b/", "a/b/", "logs/", "img/"])
suffixes = st.sampled_from(["", ".jpg", ".png", ".txt", "x.jpg"])
event_sets = st.lists(st.sampled_from([event.name for event in EVENT_TYPES]), min_size=1, max_size=3, unique=True)
kinds = st.sampled_from(list(TargetKind))


@st.composite
def entries(draw: Any) -> NotificationEntry:
    kind = draw(kinds)
    template = {TargetKind.LAMBDA: LAMBDA_ARN, TargetKind.QUEUE: QUEUE_ARN, TargetKind.TOPIC: TOPIC_ARN}[kind]
    rules = []
    prefix, suffix = draw(prefixes), draw(suffixes)
    if prefix:
        rules.append(FilterRule(draw(st.sampled_from(["Prefix", "prefix"])), prefix))
    if suffix:
        rules.append(FilterRule(draw(st.sampled_from(["Suffix", "suffix"])), suffix))
    return NotificationEntry(
        kind=kind,
        target_arn=template.format(draw(st.sampled_from(["one", "two", "three"]))),
        events=tuple(draw(event_sets)),
        id=draw(st.one_of(st.none(), st.text("abcdefghij-", min_size=1, max_size=12))),
        filter_rules=tuple(rules),
    )


@st.composite
def valid_configs(draw: Any) -> NotificationConfig:
    """A configuration AWS would accept: no two entries overlap, Ids unique."""
    kept: list[NotificationEntry] = []
    for candidate in draw(st.lists(entries(), max_size=6)):
        if all(candidate.overlaps(other) is None for other in kept) and all(
            candidate.id is None or candidate.id != other.id for other in kept
        ):
            kept.append(candidate)
    return NotificationConfig(tuple(kept), eventbridge=draw(st.booleans()))


@settings(max_examples=300, deadline=None)
@given(valid_configs(), entries())
def test_adding_keeps_every_other_entry_and_appears_once(config: NotificationConfig, new: NotificationEntry) -> None:
    try:
        after, stored, added = config.with_entry(new)
    except ConflictError as exc:
        assert any(new.overlaps(existing) for existing in config.entries)
        assert "overlaps the existing entry" in str(exc)
        return
    # Every entry that was there is still there, unchanged, in order; EventBridge kept.
    assert tuple(entry for entry in after.entries if entry is not stored or not added) == config.entries
    assert after.eventbridge == config.eventbridge
    if added:
        assert len(after.entries) == len(config.entries) + 1
        assert after.entries.count(stored) == 1 and stored.same_wiring(new)
        assert stored.id is not None
        ids = [entry.id for entry in after.entries if entry.id is not None]
        assert len(ids) == len(set(ids))
    else:
        assert after == config and any(existing.same_wiring(new) for existing in config.entries)
    # Idempotent: adding the same wiring again adds nothing.
    again, _, added_again = after.with_entry(new)
    assert not added_again and again == after
    # Through the API shape and back, nothing is lost (AWS groups entries by kind).
    assert NotificationConfig.from_api(after.to_api()).to_api() == after.to_api()
    assert sorted(map(repr, NotificationConfig.from_api(after.to_api()).entries)) == sorted(map(repr, after.entries))


@settings(max_examples=200, deadline=None)
@given(valid_configs(), st.data())
def test_removing_one_entry_keeps_the_others(config: NotificationConfig, data: Any) -> None:
    if not config.entries:
        return
    index = data.draw(st.integers(0, len(config.entries) - 1))
    target = config.entries[index]
    after, removed = config.without_entry(target)
    assert removed == target
    assert after.entries == config.entries[:index] + config.entries[index + 1 :]
    assert after.eventbridge == config.eventbridge


# -- against the real server ----------------------------------------------------------------


def test_add_and_remove_keep_lambda_queue_topic_and_eventbridge_entries(clients: Any, aws: Any) -> None:
    s3 = aws("s3")
    bucket = f"notif-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    sqs, sns, lam = aws("sqs"), aws("sns"), aws("lambda")
    queue_url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic_arn = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:6]}")["TopicArn"]
    from tests.embedded.lambda_helpers import create_function

    function = create_function(lam, {"lambda_function.py": "def lambda_handler(e, c):\n    return 1\n"})
    function_arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    original = {
        "LambdaFunctionConfigurations": [
            {
                "Id": "user-thumbs",
                "LambdaFunctionArn": function_arn,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "images/"}]}},
            }
        ],
        "QueueConfigurations": [{"Id": "user-queue", "QueueArn": queue_arn, "Events": ["s3:ObjectRemoved:*"]}],
        "TopicConfigurations": [{"Id": "user-topic", "TopicArn": topic_arn, "Events": ["s3:ObjectRestore:*"]}],
        "EventBridgeConfiguration": {},
    }
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=original)
    before = get_notification_config(clients, bucket)

    new = make_entry(TargetKind.LAMBDA, function_arn, prefix="docs/", suffix=".txt")
    change = add_notification(clients, bucket, new)
    assert change.changed
    raw = s3.get_bucket_notification_configuration(Bucket=bucket)
    after = NotificationConfig.from_api(raw)
    assert tuple(entry for entry in after.entries if not entry.same_wiring(new)) == before.entries
    assert after.eventbridge
    assert len(after.entries) == len(before.entries) + 1
    assert after.entries[1].same_wiring(new)  # grouped with the Lambda entries, as AWS returns them

    again = add_notification(clients, bucket, new)
    assert not again.changed
    assert NotificationConfig.from_api(s3.get_bucket_notification_configuration(Bucket=bucket)) == after

    clashing = make_entry(TargetKind.QUEUE, queue_arn, prefix="images/")
    with pytest.raises(ConflictError, match="'user-thumbs'"):
        add_notification(clients, bucket, clashing)
    assert NotificationConfig.from_api(s3.get_bucket_notification_configuration(Bucket=bucket)) == after

    removed = remove_notification(clients, bucket, change.entry)  # type: ignore[arg-type]
    assert removed.changed
    final = NotificationConfig.from_api(s3.get_bucket_notification_configuration(Bucket=bucket))
    assert final == before


def test_remote_endpoint_refuses_before_any_call() -> None:
    from localstack_tui.core.connection import AwsClients, Connection

    remote = AwsClients(Connection(endpoint_url="https://s3.amazonaws.com", access_key_id="x", secret_access_key="y"))
    entry = make_entry(TargetKind.LAMBDA, LAMBDA_ARN.format("f"))
    with pytest.raises(RemoteWriteRefusedError, match="not a local LocalStack"):
        add_notification(remote, "some-bucket", entry)
    with pytest.raises(RemoteWriteRefusedError):
        remove_notification(remote, "some-bucket", entry)


class FakeClock:
    """Time for the cache's TTL, moved by hand (the cache's reads are real)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_cache_keeps_a_bucket_s_configuration_for_its_ttl_and_forgets_on_a_write(clients: Any, aws: Any) -> None:
    from localstack_tui.core.notifications import NotificationCache, notification_cache, put_notification_config

    s3 = aws("s3")
    bucket = f"cached-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
    clock = FakeClock()
    cache = NotificationCache(ttl=30, clock=clock)
    assert cache.get(clients, bucket).eventbridge
    # Changed behind lstui's back (another terminal): the cache answers from memory for its TTL…
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    clock.now += 29
    assert cache.get(clients, bucket).eventbridge
    clock.now += 2  # …then reads again
    assert not cache.get(clients, bucket).eventbridge
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
    cache.forget()  # the user's refresh
    assert cache.get(clients, bucket).eventbridge

    # A write through lstui forgets the bucket in the endpoint's cache at once.
    shared = notification_cache(clients.connection.endpoint_url)
    assert shared.get(clients, bucket).eventbridge
    put_notification_config(clients, bucket, NotificationConfig())
    assert not shared.get(clients, bucket).eventbridge


def test_a_read_overtaken_by_a_write_is_not_kept(clients: Any, aws: Any) -> None:
    from localstack_tui.core.notifications import NotificationCache

    s3 = aws("s3")
    bucket = f"cached-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    calls = 0

    def clock() -> float:
        nonlocal calls
        calls += 1
        if calls == 1:  # the read has begun: a write lands and forgets the bucket meanwhile
            cache.forget(bucket)
        return 1000.0

    cache = NotificationCache(ttl=30, clock=clock)
    cache.get(clients, bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
    assert cache.get(clients, bucket).eventbridge, "the overtaken read was not kept: this one reads again"


def test_buckets_notifying_reads_each_bucket_once_with_a_cache(clients: Any, aws: Any) -> None:
    from localstack_tui.core.notifications import NotificationCache, buckets_notifying

    s3, lam = aws("s3"), aws("lambda")
    from tests.embedded.lambda_helpers import create_function

    function = create_function(lam, {"lambda_function.py": "def lambda_handler(e, c):\n    return 1\n"})
    arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    buckets = [f"notifying-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    for bucket in buckets:
        s3.create_bucket(Bucket=bucket)
    entry = {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
    s3.put_bucket_notification_configuration(
        Bucket=buckets[1], NotificationConfiguration={"LambdaFunctionConfigurations": [entry]}
    )
    cache = NotificationCache(ttl=30, clock=FakeClock())
    found = buckets_notifying(clients, arn, buckets, cache=cache)
    assert [bucket for bucket, _ in found] == [buckets[1]]
    s3.put_bucket_notification_configuration(Bucket=buckets[1], NotificationConfiguration={})
    assert [bucket for bucket, _ in buckets_notifying(clients, arn, buckets, cache=cache)] == [buckets[1]]
    assert buckets_notifying(clients, arn, buckets) == [], "without the cache: read afresh"

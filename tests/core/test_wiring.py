"""Wiring and unwiring the seed's links against the real server; nothing the user had is lost."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localstack_tui.core.connection import AwsClients, Connection
from localstack_tui.core.errors import ConflictError, NotFoundError, RemoteWriteRefusedError, ValidationError
from localstack_tui.core.notifications import NotificationConfig
from localstack_tui.core.wiring import (
    MappingSettings,
    bucket_name,
    merge_policy_statement,
    remove_policy_statement,
    s3_send_statement,
    statement_id,
    undo,
    unwire_dlq,
    unwire_s3_to_lambda,
    unwire_s3_to_sqs,
    unwire_sqs_to_lambda,
    wire_dlq,
    wire_s3_to_lambda,
    wire_s3_to_sqs,
    wire_sqs_to_lambda,
)
from tests.embedded.lambda_helpers import create_function, wait_until

HANDLER = "def lambda_handler(event, context):\n    print('got', event)\n    return 1\n"


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def notification_state(aws: Any, bucket: str) -> dict[str, Any]:
    raw = aws("s3").get_bucket_notification_configuration(Bucket=bucket)
    raw.pop("ResponseMetadata", None)
    return raw


@pytest.fixture
def busy_bucket(aws: Any) -> tuple[str, dict[str, Any], str]:
    """A bucket that already has Lambda, Queue, Topic and EventBridge notifications."""
    s3, sqs, sns, lam = aws("s3"), aws("sqs"), aws("sns"), aws("lambda")
    bucket = uid("busy")
    s3.create_bucket(Bucket=bucket)
    queue_url = sqs.create_queue(QueueName=uid("existing-q"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic_arn = sns.create_topic(Name=uid("existing-t"))["TopicArn"]
    existing_fn = create_function(lam, {"lambda_function.py": HANDLER})
    existing_arn = lam.get_function(FunctionName=existing_fn)["Configuration"]["FunctionArn"]
    original = {
        "LambdaFunctionConfigurations": [
            {
                "Id": "thumbnails",
                "LambdaFunctionArn": existing_arn,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "images/"}]}},
            }
        ],
        "QueueConfigurations": [{"Id": "deletions", "QueueArn": queue_arn, "Events": ["s3:ObjectRemoved:*"]}],
        "TopicConfigurations": [{"Id": "restores", "TopicArn": topic_arn, "Events": ["s3:ObjectRestore:*"]}],
        "EventBridgeConfiguration": {},
    }
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=original)
    return bucket, notification_state(aws, bucket), existing_fn


def entries_without(state: dict[str, Any], arn: str) -> dict[str, Any]:
    kept = {}
    for key, value in state.items():
        if isinstance(value, list):
            rest = [item for item in value if arn not in json.dumps(item)]
            if rest:
                kept[key] = rest
        else:
            kept[key] = value
    return kept


def test_s3_to_lambda_keeps_every_existing_entry_and_undo_restores(
    clients: AwsClients, aws: Any, busy_bucket: Any
) -> None:
    bucket, before, _ = busy_bucket
    function = create_function(aws("lambda"), {"lambda_function.py": HANDLER})
    arn = aws("lambda").get_function(FunctionName=function)["Configuration"]["FunctionArn"]

    result = wire_s3_to_lambda(clients, bucket, function, prefix="docs/")
    assert result.changed and "added notification entry" in result.summary()
    after = notification_state(aws, bucket)
    assert entries_without(after, arn) == before, "every other entry unchanged, EventBridge kept"
    added = [item for item in after["LambdaFunctionConfigurations"] if item["LambdaFunctionArn"] == arn]
    assert len(added) == 1 and added[0]["Events"] == ["s3:ObjectCreated:*"]
    policy = json.loads(aws("lambda").get_policy(FunctionName=function)["Policy"])
    statement = next(s for s in policy["Statement"] if s["Sid"] == statement_id(bucket))
    assert "s3.amazonaws.com" in json.dumps(statement["Principal"])

    again = wire_s3_to_lambda(clients, bucket, function, prefix="docs/")
    assert not again.changed and notification_state(aws, bucket) == after

    undone = undo(clients, result)
    assert len(undone) == 2
    assert notification_state(aws, bucket) == before
    with pytest.raises(aws("lambda").exceptions.ResourceNotFoundException):
        aws("lambda").get_policy(FunctionName=function)


def test_overlapping_trigger_is_refused_and_changes_nothing(clients: AwsClients, aws: Any, busy_bucket: Any) -> None:
    bucket, before, _ = busy_bucket
    function = create_function(aws("lambda"), {"lambda_function.py": HANDLER})
    with pytest.raises(ConflictError, match="'thumbnails'"):
        wire_s3_to_lambda(clients, bucket, function, events=["s3:ObjectCreated:Put"], prefix="images/raw/")
    assert notification_state(aws, bucket) == before
    with pytest.raises(aws("lambda").exceptions.ResourceNotFoundException):
        aws("lambda").get_policy(FunctionName=function)  # no permission left behind


def test_unwire_removes_exactly_that_entry(clients: AwsClients, aws: Any, busy_bucket: Any) -> None:
    bucket, before, _ = busy_bucket
    function = create_function(aws("lambda"), {"lambda_function.py": HANDLER})
    wire_s3_to_lambda(clients, bucket, function, prefix="reports/", suffix=".csv")
    result = unwire_s3_to_lambda(clients, bucket, function, prefix="reports/", suffix=".csv")
    assert "removed notification entry" in result.summary()
    assert notification_state(aws, bucket) == before
    with pytest.raises(NotFoundError, match="has no such entry"):
        unwire_s3_to_lambda(clients, bucket, function, prefix="reports/", suffix=".csv")


def test_s3_to_lambda_delivers_the_event(clients: AwsClients, aws: Any) -> None:
    bucket = uid("deliver")
    aws("s3").create_bucket(Bucket=bucket)
    function = create_function(aws("lambda"), {"lambda_function.py": HANDLER})
    wire_s3_to_lambda(clients, bucket, f"arn:aws:lambda:us-east-1:000000000000:function:{function}")
    aws("s3").put_object(Bucket=bucket, Key="hello.txt", Body=b"hi")
    from tests.embedded.lambda_helpers import log_messages

    wait_until(lambda: any("hello.txt" in m for m in log_messages(aws("logs"), function)), what="the event in the logs")


def test_s3_to_sqs_merges_the_queue_policy_and_delivers(clients: AwsClients, aws: Any, busy_bucket: Any) -> None:
    bucket, before, _ = busy_bucket
    sqs = aws("sqs")
    queue_url = sqs.create_queue(QueueName=uid("events"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    user_statement = {
        "Sid": "user-own",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "sqs:ReceiveMessage",
        "Resource": queue_arn,
    }
    user_policy = json.dumps({"Version": "2012-10-17", "Id": "mine", "Statement": [user_statement]})
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": user_policy})

    result = wire_s3_to_sqs(clients, bucket, queue_arn, prefix="uploads/")
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert policy["Id"] == "mine" and policy["Statement"][0] == user_statement
    assert policy["Statement"][1] == s3_send_statement(bucket, queue_arn)
    assert entries_without(notification_state(aws, bucket), queue_arn) == before

    aws("s3").put_object(Bucket=bucket, Key="uploads/a.txt", Body=b"x")

    def got_event() -> bool:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        return any("uploads/a.txt" in m["Body"] for m in messages)

    wait_until(got_event, what="the S3 event in the queue")

    undo(clients, result)
    assert notification_state(aws, bucket) == before
    restored = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    assert json.loads(restored) == json.loads(user_policy)

    wire_s3_to_sqs(clients, bucket, queue_url, prefix="uploads/")
    unwire_s3_to_sqs(clients, bucket, queue_url, prefix="uploads/")
    assert notification_state(aws, bucket) == before
    final = json.loads(sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert final["Statement"] == [user_statement]


def test_sqs_to_lambda_and_dlq(clients: AwsClients, aws: Any) -> None:
    sqs, lam = aws("sqs"), aws("lambda")
    queue = uid("work")
    sqs.create_queue(QueueName=queue, Attributes={"VisibilityTimeout": "30"})
    function = create_function(lam, {"lambda_function.py": HANDLER})

    result = wire_sqs_to_lambda(
        clients, queue, function, MappingSettings(batch_size=5, report_batch_item_failures=True)
    )
    assert result.changed
    mappings = lam.list_event_source_mappings(FunctionName=function)["EventSourceMappings"]
    assert len(mappings) == 1 and mappings[0]["BatchSize"] == 5 and mappings[0]["State"] == "Enabled"
    assert mappings[0]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert not wire_sqs_to_lambda(clients, queue, function).changed  # idempotent

    dlq = f"{queue}-dlq"
    wired = wire_dlq(clients, queue, dlq, max_receive_count=3)
    assert wired.changes[0] == f"created queue {dlq}"
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    redrive = json.loads(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"]
    )
    assert redrive["deadLetterTargetArn"].endswith(f":{dlq}") and int(redrive["maxReceiveCount"]) == 3
    assert not wire_dlq(clients, queue, dlq, max_receive_count=3).changed

    undo(clients, wired)
    assert "RedrivePolicy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=dlq)

    wire_dlq(clients, queue, dlq)
    unwire_dlq(clients, queue)
    assert "RedrivePolicy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert sqs.get_queue_url(QueueName=dlq)["QueueUrl"]  # the DLQ and its messages are kept

    unwire_sqs_to_lambda(clients, queue, function)
    assert lam.list_event_source_mappings(FunctionName=function)["EventSourceMappings"] == []


def test_visibility_timeout_shorter_than_function_timeout_is_refused(clients: AwsClients, aws: Any) -> None:
    queue = uid("short")
    aws("sqs").create_queue(QueueName=queue, Attributes={"VisibilityTimeout": "5"})
    function = create_function(aws("lambda"), {"lambda_function.py": HANDLER}, timeout=30)
    with pytest.raises(ValidationError, match="visibility timeout \\(5 s\\) is less than"):
        wire_sqs_to_lambda(clients, queue, function)
    assert aws("lambda").list_event_source_mappings(FunctionName=function)["EventSourceMappings"] == []


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda c: wire_s3_to_lambda(c, "Bad_Bucket", "f"), ValidationError, "bucket name"),
        (lambda c: wire_s3_to_lambda(c, "arn:aws:s3:::", "f"), ValidationError, "is not an S3 bucket ARN"),
        (
            lambda c: wire_s3_to_lambda(c, "nobucket-x1", "no-such-function-x"),
            NotFoundError,
            "no Lambda function named",
        ),
        (lambda c: wire_s3_to_lambda(c, "a-bucket", "bad name"), ValidationError, "is not a function name"),
        (lambda c: wire_s3_to_sqs(c, "a-bucket", "arn:aws:sqs:nope"), ValidationError, "malformed SQS queue ARN"),
        (lambda c: wire_s3_to_sqs(c, "a-bucket", "no-such-queue-x"), NotFoundError, "no queue named no-such-queue-x"),
        (
            lambda c: wire_sqs_to_lambda(c, "q", "f", MappingSettings(batch_size=0)),
            ValidationError,
            "batch size must be",
        ),
        (lambda c: wire_sqs_to_lambda(c, "q", "f", MappingSettings(batch_size=50)), ValidationError, "batching window"),
        (lambda c: wire_sqs_to_lambda(c, "q", "f", MappingSettings(max_concurrency=1)), ValidationError, "concurrency"),
        (lambda c: wire_dlq(c, "q", "d", max_receive_count=0), ValidationError, "max receive count"),
    ],
)
def test_bad_input_matrix(clients: AwsClients, call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call(clients)


def test_unknown_event_type_and_missing_bucket(clients: AwsClients, aws: Any) -> None:
    function = create_function(aws("lambda"), {"lambda_function.py": HANDLER})
    with pytest.raises(ValidationError, match="unknown S3 event type 's3:ObjectCreated:Putt'"):
        wire_s3_to_lambda(clients, "any-bucket", function, events=["s3:ObjectCreated:Putt"])
    with pytest.raises(NotFoundError, match="no bucket named missing-bucket-zz"):
        wire_s3_to_lambda(clients, "missing-bucket-zz", function)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: wire_s3_to_lambda(c, "b-bucket", "f"),
        lambda c: unwire_s3_to_lambda(c, "b-bucket", "f"),
        lambda c: wire_s3_to_sqs(c, "b-bucket", "q"),
        lambda c: unwire_s3_to_sqs(c, "b-bucket", "q"),
        lambda c: wire_sqs_to_lambda(c, "q", "f"),
        lambda c: unwire_sqs_to_lambda(c, "q", "f"),
        lambda c: wire_dlq(c, "q", "d"),
        lambda c: unwire_dlq(c, "q"),
    ],
)
def test_remote_endpoint_refuses_wiring_before_any_call(call: Any) -> None:
    # An unroutable endpoint: any network call would fail with another error.
    remote = AwsClients(
        Connection(endpoint_url="https://aws.example.invalid", access_key_id="x", secret_access_key="y")
    )
    with pytest.raises(RemoteWriteRefusedError, match="not a local LocalStack"):
        call(remote)


def test_bucket_name_from_arn() -> None:
    assert bucket_name("arn:aws:s3:::demo-bucket") == "demo-bucket"
    assert bucket_name("demo-bucket") == "demo-bucket"


statements = st.fixed_dictionaries(
    {
        "Sid": st.text("abcdef", min_size=1, max_size=5),
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.just("sqs:*"),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(statements, max_size=5, unique_by=lambda s: s["Sid"]), st.booleans())
def test_policy_merge_keeps_other_statements(existing: list[dict[str, Any]], with_id: bool) -> None:
    document: dict[str, Any] = {"Version": "2012-10-17", "Statement": existing}
    if with_id:
        document["Id"] = "users-policy"
    new = s3_send_statement("my-bucket", "arn:aws:sqs:us-east-1:000000000000:q")
    merged, changed = merge_policy_statement(json.dumps(document), new)
    result = json.loads(merged)
    assert changed
    assert result["Statement"][: len(existing)] == existing
    assert result["Statement"].count(new) == 1
    assert result.get("Id") == document.get("Id")
    again, changed_again = merge_policy_statement(merged, new)
    assert not changed_again and json.loads(again) == result
    removed, _ = remove_policy_statement(merged, new["Sid"])
    assert (json.loads(removed)["Statement"] if removed else []) == existing


def test_config_of_busy_bucket_parses(busy_bucket: Any) -> None:
    _, before, _ = busy_bucket
    config = NotificationConfig.from_api(before)
    assert config.eventbridge and len(config.entries) == 3


def test_build_pipeline_wires_all_three_links_and_undoes_them(clients: AwsClients, aws: Any) -> None:
    from localstack_tui.core.wiring import PipelineSpec, build_pipeline

    function = create_function(aws("lambda"), {"lambda_function.py": HANDLER}, timeout=5)
    bucket, queue = uid("pipe-bucket"), uid("pipe-queue")
    result = build_pipeline(clients, PipelineSpec(bucket, queue, f"{queue}-dlq", function, max_receive_count=2))
    summary = result.summary()
    assert f"created bucket {bucket}" in summary and f"created queue {queue}" in summary
    assert f"created queue {queue}-dlq" in summary and "created event source mapping" in summary
    config = aws("s3").get_bucket_notification_configuration(Bucket=bucket)
    assert config["QueueConfigurations"][0]["QueueArn"].endswith(f":{queue}")
    assert aws("lambda").list_event_source_mappings(FunctionName=function)["EventSourceMappings"]

    undo(clients, result)
    wait_until(
        lambda: aws("lambda").list_event_source_mappings(FunctionName=function)["EventSourceMappings"] == [],
        what="the mapping gone from the list too",
    )
    for name in (queue, f"{queue}-dlq"):
        with pytest.raises(aws("sqs").exceptions.QueueDoesNotExist):
            aws("sqs").get_queue_url(QueueName=name)
    with pytest.raises(aws("s3").exceptions.ClientError):
        aws("s3").head_bucket(Bucket=bucket)


def test_build_pipeline_failing_half_way_leaves_nothing(clients: AwsClients, aws: Any) -> None:
    from localstack_tui.core.wiring import PipelineSpec, build_pipeline

    # A function timeout longer than the existing queue's visibility timeout fails the last link.
    function = create_function(aws("lambda"), {"lambda_function.py": HANDLER}, timeout=60)
    bucket, queue = uid("half-bucket"), uid("half-queue")
    aws("sqs").create_queue(QueueName=queue, Attributes={"VisibilityTimeout": "5"})
    with pytest.raises(ValidationError, match="visibility timeout"):
        build_pipeline(clients, PipelineSpec(bucket, queue, f"{queue}-dlq", function))
    url = aws("sqs").get_queue_url(QueueName=queue)["QueueUrl"]  # the user's queue is kept
    assert "RedrivePolicy" not in aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    with pytest.raises(aws("sqs").exceptions.QueueDoesNotExist):
        aws("sqs").get_queue_url(QueueName=f"{queue}-dlq")
    with pytest.raises(aws("s3").exceptions.ClientError):
        aws("s3").head_bucket(Bucket=bucket)

"""The seed tutorial's two pipelines, end to end, with plain boto3 against `lstui server`.

The server runs on a random port (not 4566): these also prove that LocalStack's
own internal clients (S3 notifications, the SQS event-source poller) follow it.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.embedded.lambda_helpers import (
    create_function,
    log_messages,
    unique,
    wait_until,
)

SEED_HANDLER = """
def lambda_handler(event, context):
    for record in event.get("Records", []):
        print(f"Received S3 event: {record['eventName']} s3://{record['s3']['bucket']['name']}/{record['s3']['object']['key']}")
    return {"statusCode": 200}
"""

QUEUE_HANDLER = """
import json

def lambda_handler(event, context):
    for message in event["Records"]:
        body = json.loads(message["body"])
        if "Records" not in body:  # s3:TestEvent sent when the queue is wired
            print("skipping", body.get("Event"))
            continue
        for record in body["Records"]:
            key = record["s3"]["object"]["key"]
            if key.startswith("bad/"):
                raise RuntimeError(f"cannot process {key}")
            print(f"processed {key}")
    return {"ok": True}
"""


def test_part1_s3_upload_triggers_lambda_and_its_print_is_in_the_logs(aws: Any, tmp_path: Any) -> None:
    s3, lam = aws("s3"), aws("lambda")
    bucket = unique("demo-bucket")
    s3.create_bucket(Bucket=bucket)
    function = create_function(lam, {"lambda_function.py": SEED_HANDLER}, name=unique("my-s3-lambda"))
    arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    assert arn == f"arn:aws:lambda:us-east-1:000000000000:function:{function}"

    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    config = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert config["LambdaFunctionConfigurations"][0]["LambdaFunctionArn"] == arn
    assert config["LambdaFunctionConfigurations"][0]["Events"] == ["s3:ObjectCreated:*"]

    test_file = tmp_path / "test.txt"
    test_file.write_text("Hello LocalStack\n")
    s3.upload_file(str(test_file), bucket, "test.txt")

    expected = f"Received S3 event: ObjectCreated:Put s3://{bucket}/test.txt"
    wait_until(
        lambda: any(expected in line for line in log_messages(aws("logs"), function)),
        timeout=30,
        what="the handler's print in CloudWatch Logs",
    )


def test_part2_burst_through_sqs_loses_nothing_and_failures_land_in_the_dlq(aws: Any) -> None:
    s3, sqs, lam = aws("s3"), aws("sqs"), aws("lambda")
    bucket = unique("burst-bucket")
    s3.create_bucket(Bucket=bucket)
    dlq_url = sqs.create_queue(QueueName=unique("burst-dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(
        QueueName=unique("burst-queue"),
        Attributes={
            "VisibilityTimeout": "2",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}),
        },
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]},
    )
    function = create_function(lam, {"lambda_function.py": QUEUE_HANDLER}, name=unique("consumer"), timeout=10)
    mapping = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function, BatchSize=1)
    wait_until(
        lambda: lam.get_event_source_mapping(UUID=mapping["UUID"])["State"] == "Enabled",
        what="the event source mapping to be enabled",
    )

    good = [f"good/file-{i:03}.txt" for i in range(48)]
    bad = [f"bad/file-{i:03}.txt" for i in range(8)]
    keys = good + bad
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda key: s3.put_object(Bucket=bucket, Key=key, Body=key.encode()), keys))

    def processed() -> set[str]:
        lines = log_messages(aws("logs"), function)
        return {line.split("processed ", 1)[1].strip() for line in lines if line.startswith("processed ")}

    wait_until(lambda: processed() >= set(good), timeout=120, interval=0.5, what="every good key processed")

    dead: set[str] = set()

    def drain_dlq() -> bool:
        response = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in response.get("Messages", []):
            body = json.loads(message["Body"])
            dead.update(record["s3"]["object"]["key"] for record in body.get("Records", []))
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
        return dead >= set(bad)

    wait_until(drain_dlq, timeout=120, interval=0.2, what="every bad key in the DLQ")
    assert dead == set(bad), "only the failing keys land in the DLQ"
    assert processed() == set(good), "every good key processed, and no bad one"
    lam.delete_event_source_mapping(UUID=mapping["UUID"])

"""Turning botocore's exceptions into the core's one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from localstack_tui.core.errors import AwsCallError, EndpointError, NotFoundError

NOT_FOUND_CODES = {
    "NoSuchBucket",
    "NoSuchKey",
    "404",
    "NotFound",
    "ResourceNotFoundException",
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
}


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextmanager
def aws_call(action: str, endpoint: str = "") -> Iterator[None]:
    """Run boto3 calls for `action` ("list buckets", …); raise one-line core errors."""
    try:
        yield
    except ClientError as exc:
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message") or code
        if code in NOT_FOUND_CODES:
            raise NotFoundError(f"cannot {action}: {message}") from None
        raise AwsCallError(f"cannot {action}: {code}: {message}") from None
    except (EndpointConnectionError, ConnectionClosedError) as exc:
        where = endpoint or getattr(exc, "kwargs", {}).get("endpoint_url", "the endpoint")
        raise EndpointError(f"cannot {action}: no LocalStack answers at {where}") from None
    except ReadTimeoutError:
        raise EndpointError(f"cannot {action}: {endpoint or 'the endpoint'} did not answer in time") from None
    except BotoCoreError as exc:
        raise AwsCallError(f"cannot {action}: {exc}") from None

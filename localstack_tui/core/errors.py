"""The errors of the core: each carries one line a user can read."""

from __future__ import annotations


class LstuiError(Exception):
    """Base of every error the core raises on purpose; str() is one clear line."""


class ValidationError(LstuiError):
    """Bad input, refused before any call to AWS: nothing was changed."""


class NotFoundError(LstuiError):
    """A bucket, queue, function or log group that does not exist."""


class RemoteWriteRefusedError(LstuiError):
    """A mutating call to an endpoint that is not local, without --allow-remote."""


class EndpointError(LstuiError):
    """Nothing answers at the endpoint, or what answers is not LocalStack."""


class EndpointSlowError(EndpointError):
    """Something accepted the connection but did not answer in time."""


class ConflictError(LstuiError):
    """The change would clash with what exists (an overlapping notification, say)."""


class AwsCallError(LstuiError):
    """AWS (or LocalStack) refused a call; the message names the operation and why."""

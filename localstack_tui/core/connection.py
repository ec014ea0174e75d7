"""Which endpoint, region and credentials lstui talks to, and the remote guard.

Resolution, first that is set wins: `--endpoint-url` > `AWS_ENDPOINT_URL` >
the active profile of lstui's config > `http://localhost:4566`. Region:
`--region` > `AWS_REGION` > `AWS_DEFAULT_REGION` > the profile > `us-east-1`.
Credentials: the profile's keys, else boto3's chain when `AWS_PROFILE`, an AWS
profile or `AWS_ACCESS_KEY_ID` is set, else `test`/`test` for a local endpoint.

The guard: an endpoint that is not local (real AWS included) is read-only
unless `allow_remote` is set; every mutating operation calls `check_write`.
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from localstack_tui.core.config import Config, load_config
from localstack_tui.core.errors import RemoteWriteRefusedError, ValidationError
from localstack_tui.core.input_priority import INPUT_PRIORITY, InputPriority

DEFAULT_ENDPOINT = "http://localhost:4566"
DEFAULT_REGION = "us-east-1"
LOCAL_HOSTNAMES = {"localhost", "localstack", "host.docker.internal", "localhost.localstack.cloud"}
LOCAL_SUFFIXES = (".localhost", ".localhost.localstack.cloud")
# A DNS name, an IPv4 address or an IPv6 address (urlsplit's hostname: no brackets, lowercased).
HOST = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?|[0-9a-f:.]+(%\w+)?")


def is_local_endpoint(url: str | None) -> bool:
    """True for loopback addresses and LocalStack's usual local names; False for AWS."""
    if not url:
        return False
    try:
        host = (urlsplit(url if "://" in url else f"http://{url}").hostname or "").lower().rstrip(".")
    except ValueError:  # not a URL: not local
        return False
    if host in LOCAL_HOSTNAMES or host.endswith(LOCAL_SUFFIXES):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_endpoint_url(url: str) -> str:
    """Return `url` if it is an http(s) URL with a host, else raise ValidationError."""
    not_a_url = ValidationError(f"endpoint {url!r} is not an http(s) URL like http://localhost:4566")
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [IPv6 address
        raise not_a_url from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not HOST.fullmatch(parts.hostname):
        raise not_a_url
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValidationError(f"endpoint {url!r} has an invalid port") from None
    if any(char.isspace() or not char.isprintable() for char in url):
        raise not_a_url
    return url.rstrip("/")


@dataclass(frozen=True)
class Connection:
    """Everything needed to make boto3 clients for one endpoint."""

    endpoint_url: str
    region: str = DEFAULT_REGION
    aws_profile: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    allow_remote: bool = False
    profile_name: str | None = None

    @property
    def is_local(self) -> bool:
        return is_local_endpoint(self.endpoint_url)

    @property
    def can_write(self) -> bool:
        return self.is_local or self.allow_remote

    def check_write(self, action: str) -> None:
        """Refuse a mutating operation on a remote endpoint unless allowed."""
        if not self.can_write:
            raise RemoteWriteRefusedError(
                f"refusing to {action}: {self.endpoint_url} is not a local LocalStack "
                "(pass --allow-remote, or set allow_remote = true in the profile, to allow changes)"
            )


def resolve_connection(
    endpoint_url: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    allow_remote: bool = False,
    env: Mapping[str, str] | None = None,
    config: Config | None = None,
) -> Connection:
    """Resolve the connection from flags, environment and config (see module doc)."""
    env = os.environ if env is None else env
    config = load_config() if config is None else config
    lstui_profile = config.profile(profile) if (profile is None or profile in config.profiles) else None
    aws_profile = (lstui_profile.aws_profile if lstui_profile else None) or (
        profile if profile and lstui_profile is None else env.get("AWS_PROFILE")
    )
    endpoint = (
        endpoint_url
        or env.get("AWS_ENDPOINT_URL")
        or (lstui_profile.endpoint_url if lstui_profile else None)
        or DEFAULT_ENDPOINT
    )
    chosen_region = (
        region
        or env.get("AWS_REGION")
        or env.get("AWS_DEFAULT_REGION")
        or (lstui_profile.region if lstui_profile else None)
        or DEFAULT_REGION
    )
    access_key = lstui_profile.access_key_id if lstui_profile else None
    secret_key = lstui_profile.secret_access_key if lstui_profile else None
    endpoint = validate_endpoint_url(endpoint)
    uses_chain = bool(aws_profile or env.get("AWS_ACCESS_KEY_ID"))
    if access_key is None and not uses_chain and is_local_endpoint(endpoint):
        access_key, secret_key = "test", "test"
    return Connection(
        endpoint_url=endpoint,
        region=chosen_region,
        aws_profile=aws_profile,
        access_key_id=access_key,
        secret_access_key=secret_key,
        allow_remote=allow_remote or bool(lstui_profile and lstui_profile.allow_remote),
        profile_name=lstui_profile.name if lstui_profile else None,
    )


# botocore imports these when they are installed (localstack-core brings both), yet lstui's
# clients use neither: plain HTTP to LocalStack, the standard library's TLS elsewhere.
UNUSED_ACCELERATORS = ("awscrt", "urllib3.contrib.pyopenssl")


def skip_unused_accelerators() -> None:
    """Tell botocore the AWS CRT and pyOpenSSL are absent: loading them is ~120 ms of every start.

    Only before botocore has loaded them, so a process that already uses them keeps them.
    """
    if "botocore.compat" in sys.modules:
        return
    for name in UNUSED_ACCELERATORS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type] # None = "not installed" to the import system


def use_plain_json_models(session: Any) -> None:
    """Load botocore's service models into plain dicts instead of OrderedDicts.

    botocore parses ~4 MB of JSON for the s3, sqs and lambda clients, with an
    OrderedDict for every object: half of that parsing time (~40 ms of each
    start). Python's dicts keep their order, which is all botocore asks of them.
    """
    import inspect
    import json

    from botocore.loaders import JSONFileLoader

    if list(inspect.signature(JSONFileLoader._load_file).parameters) != ["self", "full_path", "open_method"]:
        return  # another botocore: keep its own loader (only the speed-up is lost)

    class PlainJSONFileLoader(JSONFileLoader):  # type: ignore[misc] # botocore has no types
        def _load_file(self, full_path: str, open_method: Any) -> Any:
            if not os.path.isfile(full_path):
                return None
            with open_method(full_path, "rb") as fp:
                return json.loads(fp.read().decode("utf-8"))

    session.get_component("data_loader").file_loader = PlainJSONFileLoader()


def fast_timestamp(value: Any) -> Any:
    """botocore's timestamp parser, with ISO 8601 text read by `datetime.fromisoformat`.

    botocore hands every timestamp to dateutil's general parser: ~1 ms each, so listing 1,000
    buckets spent a second of CPU on their creation dates, in a thread that starved the UI's.
    ISO 8601 (what S3's XML and most JSON answers carry) takes microseconds this way; anything
    else (RFC 822 dates of HTTP headers, epoch numbers) goes to botocore's own parser.
    """
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    from botocore.utils import parse_timestamp

    return parse_timestamp(value)


def use_fast_timestamps(session: Any) -> None:
    """Every client the session makes from now on parses timestamps with `fast_timestamp`."""
    session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=fast_timestamp)


@dataclass
class AwsClients:
    """botocore clients for one connection, made once and shared (clients are thread-safe)."""

    connection: Connection
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _session: Any = field(default=None, repr=False)
    priority: InputPriority = field(default=INPUT_PRIORITY, repr=False)

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self._make(service)
            return self._clients[service]

    def _make(self, service: str) -> Any:
        skip_unused_accelerators()
        # botocore's own session: boto3's would add s3transfer and multiprocessing (~80 ms of start-up)
        # for upload helpers lstui does not use (its uploads are its own, with progress and cancel).
        import botocore.session
        from botocore.config import Config as BotoConfig

        conn = self.connection
        if self._session is None:
            # One session for every client: its loader caches the service models.
            self._session = botocore.session.Session(profile=conn.aws_profile)
            use_plain_json_models(self._session)
            use_fast_timestamps(self._session)
        session = self._session
        boto_config = BotoConfig(
            connect_timeout=3,
            read_timeout=60,
            retries={"max_attempts": 2, "mode": "standard"},
            # Bucket names as sub-domains of a local endpoint would need DNS.
            s3={"addressing_style": "path"},
        )
        client = session.create_client(
            service,
            region_name=conn.region,
            endpoint_url=conn.endpoint_url,
            aws_access_key_id=conn.access_key_id,
            aws_secret_access_key=conn.secret_access_key,
            config=boto_config,
        )
        # A worker's call waits while the UI handles a key (see input_priority).
        client.meta.events.register("before-parameter-build", self.priority.before_call)
        return client

    def warm_up(self, services: tuple[str, ...] = ("s3", "sqs", "lambda")) -> None:
        """Make the clients now (a few hundred ms of model loading), off the UI's critical path."""
        for service in services:
            self.client(service)

    @property
    def s3(self) -> Any:
        return self.client("s3")

    @property
    def sqs(self) -> Any:
        return self.client("sqs")

    @property
    def lambda_(self) -> Any:
        return self.client("lambda")

    @property
    def logs(self) -> Any:
        return self.client("logs")

"""Endpoint resolution, config files, the remote guard and the health probe."""

from __future__ import annotations

import datetime
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localstack_tui.core.config import Config, Profile, config_path, load_config, parse_config
from localstack_tui.core.connection import (
    DEFAULT_ENDPOINT,
    AwsClients,
    Connection,
    is_local_endpoint,
    resolve_connection,
    validate_endpoint_url,
)
from localstack_tui.core.errors import EndpointError, RemoteWriteRefusedError, ValidationError
from localstack_tui.core.health import probe_health
from tests.conftest import RunningServer

CONFIG = Config(
    profiles={
        "local": Profile("local", endpoint_url="http://localhost:4599", region="eu-west-1"),
        "shared": Profile(
            "shared", endpoint_url="https://ls.example.com", allow_remote=True, access_key_id="k", secret_access_key="s"
        ),
        "awsprof": Profile("awsprof", aws_profile="work"),
    },
    default_profile="local",
)


def test_flag_beats_environment_beats_profile_beats_default() -> None:
    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}
    assert resolve_connection("http://127.0.0.1:6000", env=env, config=CONFIG).endpoint_url == "http://127.0.0.1:6000"
    assert resolve_connection(env=env, config=CONFIG).endpoint_url == "http://127.0.0.1:5000"
    assert resolve_connection(env={}, config=CONFIG).endpoint_url == "http://localhost:4599"
    assert resolve_connection(env={}, config=Config()).endpoint_url == DEFAULT_ENDPOINT


def test_region_resolution() -> None:
    assert resolve_connection(region="ap-south-1", env={"AWS_REGION": "x-1"}, config=CONFIG).region == "ap-south-1"
    assert (
        resolve_connection(env={"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-north-1"}, config=CONFIG).region
        == "us-west-2"
    )
    assert resolve_connection(env={"AWS_DEFAULT_REGION": "eu-north-1"}, config=CONFIG).region == "eu-north-1"
    assert resolve_connection(env={}, config=CONFIG).region == "eu-west-1"
    assert resolve_connection(env={}, config=Config()).region == "us-east-1"


def test_credentials() -> None:
    local = resolve_connection(env={}, config=Config())
    assert (local.access_key_id, local.secret_access_key) == ("test", "test")
    chain = resolve_connection(env={"AWS_ACCESS_KEY_ID": "AKIA"}, config=Config())
    assert chain.access_key_id is None  # boto3's chain reads the environment
    profiled = resolve_connection(profile="awsprof", env={}, config=CONFIG)
    assert profiled.aws_profile == "work" and profiled.access_key_id is None
    aws_profile = resolve_connection(profile="not-an-lstui-profile", env={}, config=CONFIG)
    assert aws_profile.aws_profile == "not-an-lstui-profile"
    shared = resolve_connection(profile="shared", env={}, config=CONFIG)
    assert shared.access_key_id == "k" and shared.allow_remote and shared.can_write


def test_guard() -> None:
    remote = resolve_connection("https://s3.amazonaws.com", env={}, config=Config())
    assert not remote.is_local and not remote.can_write
    with pytest.raises(
        RemoteWriteRefusedError, match=r"refusing to create bucket x: https://s3\.amazonaws\.com is not a local"
    ):
        remote.check_write("create bucket x")
    allowed = resolve_connection("https://s3.amazonaws.com", allow_remote=True, env={}, config=Config())
    allowed.check_write("create bucket x")
    resolve_connection(env={}, config=Config()).check_write("anything")


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:4566", True),
        ("http://127.0.0.1:4566", True),
        ("http://127.3.4.5", True),
        ("http://[::1]:4566", True),
        ("http://localstack:4566", True),
        ("http://host.docker.internal:4566", True),
        ("https://s3.localhost.localstack.cloud:4566", True),
        ("http://localhost.localstack.cloud:4566", True),
        ("https://s3.amazonaws.com", False),
        ("https://lambda.us-east-1.amazonaws.com", False),
        ("http://10.0.0.5:4566", False),
        ("http://localhost.evil.com", False),
        ("http://mylocalstack:4566", False),
        (None, False),
    ],
)
def test_is_local_endpoint(url: str | None, local: bool) -> None:
    assert is_local_endpoint(url) is local


@given(st.from_regex(r"[a-z]{1,10}\.(com|net|io|org)", fullmatch=True))
def test_public_hosts_are_never_local(host: str) -> None:
    assert not is_local_endpoint(f"https://{host}")


@pytest.mark.parametrize("url", ["localhost:4566", "ftp://localhost", "http://", "http://localhost:99999"])
def test_bad_endpoint_urls(url: str) -> None:
    with pytest.raises(ValidationError):
        validate_endpoint_url(url)


def test_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("LSTUI_CONFIG", str(path))
    assert config_path() == path
    assert load_config() == Config()
    path.write_text(
        'default_profile = "dev"\nrefresh_seconds = 2\n[profiles.dev]\nendpoint_url = "http://localhost:4570"\n'
        '[keymap]\nrefresh = "f5"\n'
    )
    config = load_config()
    assert config.profile(None) == Profile("dev", endpoint_url="http://localhost:4570")
    assert config.refresh_seconds == 2 and config.keymap == {"refresh": "f5"}
    with pytest.raises(ValidationError, match="no profile 'nope'"):
        config.profile("nope")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("this is = not toml [", "not valid TOML"),
        ('default_profile = "ghost"', "default_profile 'ghost' is not a profile"),
        ("[profiles.x]\nallow_remote = 'yes'", "allow_remote must be true or false"),
        ("[profiles.x]\nendpoint_url = 3", "endpoint_url must be a string"),
        ("refresh_seconds = -1", "refresh_seconds must be a number of seconds"),
    ],
)
def test_bad_config_is_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_config(text, "config.toml")


def test_health_of_the_real_server(server: RunningServer) -> None:
    health = probe_health(server.endpoint_url)
    assert health.version.startswith("2026.3")
    assert {"s3", "sqs", "lambda", "logs"} <= set(health.services)


def test_health_with_nothing_listening() -> None:
    with pytest.raises(EndpointError, match=r"^no LocalStack at http://127\.0\.0\.1:9 "):
        probe_health("http://127.0.0.1:9")


@pytest.fixture
def not_localstack() -> Iterator[str]:
    """A plain HTTP server on loopback that is not LocalStack."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/_localstack/health":
                body = b'{"status": "ok"}'
                self.send_response(200)
            else:
                body = b"nope"
                self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_health_of_something_else(not_localstack: str) -> None:
    with pytest.raises(EndpointError, match="answers but is not LocalStack"):
        probe_health(not_localstack)
    with pytest.raises(EndpointError, match=r"answers but is not LocalStack \(HTTP 404"):
        probe_health(not_localstack + "/sub")


def test_botocore_models_load_as_plain_dicts_and_the_clients_work(server: RunningServer) -> None:
    """The start-up speed-up (no OrderedDict per JSON object) is in place, and changes nothing else."""
    clients = AwsClients(Connection(endpoint_url=server.endpoint_url, access_key_id="test", secret_access_key="test"))
    assert isinstance(clients.s3.list_buckets()["Buckets"], list)
    loader = clients._session.get_component("data_loader")
    assert type(loader.file_loader).__name__ == "PlainJSONFileLoader"
    model = loader.load_service_model("sqs", "service-2")
    assert type(model) is dict and type(model["operations"]) is dict


# -- timestamps ------------------------------------------------------------------------------------
MOMENTS = st.datetimes(
    min_value=datetime.datetime(1971, 1, 1),
    max_value=datetime.datetime(2200, 1, 1),
    timezones=st.sampled_from([datetime.UTC, datetime.timezone(datetime.timedelta(hours=7))]),
)


@given(moment=MOMENTS, style=st.sampled_from(["Z", "Z-millis", "offset", "offset-micros"]))
def test_fast_timestamps_read_iso_8601_as_botocore_does(moment: Any, style: str) -> None:
    from botocore.utils import parse_timestamp

    from localstack_tui.core.connection import fast_timestamp

    utc = moment.astimezone(datetime.UTC)
    text = {
        "Z": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Z-millis": utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z",
        "offset": moment.replace(microsecond=0).isoformat(),
        "offset-micros": moment.isoformat(),
    }[style]
    assert fast_timestamp(text) == parse_timestamp(text)
    assert fast_timestamp(text).tzinfo is not None


@pytest.mark.parametrize(
    "value",
    ["Sat, 28 Nov 2026 12:46:00 GMT", 1795000000, 1795000000.5, "1795000000", "2026-11-28 12:46:00+00:00"],
    ids=["rfc822", "epoch-int", "epoch-float", "epoch-text", "space-separated"],
)
def test_other_timestamps_go_to_botocore_s_parser(value: Any) -> None:
    from botocore.utils import parse_timestamp

    from localstack_tui.core.connection import fast_timestamp

    assert fast_timestamp(value) == parse_timestamp(value)


def test_a_listing_s_timestamps_come_through_the_fast_parser(server: RunningServer) -> None:
    """The real thing: a bucket's creation date, read by lstui's clients, is an aware datetime of now."""
    import uuid

    from localstack_tui.core.connection import AwsClients, Connection
    from localstack_tui.core.s3 import create_bucket, list_buckets

    clients = AwsClients(Connection(endpoint_url=server.endpoint_url, access_key_id="test", secret_access_key="test"))
    name = f"ts-{uuid.uuid4().hex[:8]}"
    create_bucket(clients, name)
    created = next(bucket.created for bucket in list_buckets(clients) if bucket.name == name)
    assert created is not None and created.tzinfo is datetime.UTC  # fromisoformat's, not dateutil's
    assert abs((datetime.datetime.now(datetime.UTC) - created).total_seconds()) < 300

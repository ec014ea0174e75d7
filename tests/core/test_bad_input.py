"""Every validator of the core, fed arbitrary input: a valid value back, or one clear line.

The property each test checks: whatever the text (argv, a config file, a form
field), a validator returns a valid value or raises the core's ValidationError
(ConflictError for an overlap) whose message is one non-empty line naming the
bad value or the field. Never a KeyError, IndexError, RecursionError…
"""

from __future__ import annotations

import ast
import itertools
import json
import math
import re
import stat
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from localstack_tui.core.burst import validate_burst
from localstack_tui.core.config import parse_config
from localstack_tui.core.connection import AwsClients, Connection, validate_endpoint_url
from localstack_tui.core.errors import ConflictError, LstuiError, ValidationError
from localstack_tui.core.functions import DeploySpec, check_deploy, function_name, get_function, parse_payload
from localstack_tui.core.log_filter import compile_pattern
from localstack_tui.core.logs import parse_since
from localstack_tui.core.notifications import (
    EVENT_NAMES,
    FilterRule,
    NotificationConfig,
    NotificationEntry,
    TargetKind,
    validate_events,
)
from localstack_tui.core.packaging import check_handler, check_python_syntax, derive_handler, validate_handler
from localstack_tui.core.s3 import validate_bucket_name, validate_key
from localstack_tui.core.sqs import _parse_ref, resolve_queue_url, validate_queue_name
from localstack_tui.core.wiring import MappingSettings, bucket_name
from tests.conftest import as_a_user, needs_unprivileged

SEED = 'def lambda_handler(event, context):\n    print("Received event:", event)\n    return {"statusCode": 200}\n'

# argv reaches Python through surrogateescape: a byte that is not UTF-8 arrives as a lone surrogate.
ARGV_TEXT = st.one_of(st.text(), st.text(st.characters(exclude_categories=())))
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def outcome[T](call: Callable[[], T], error: type[LstuiError] = ValidationError) -> T | LstuiError:
    """The value of `call`, or the core error it raised; any other exception fails the test."""
    try:
        return call()
    except error as exc:
        return exc


def assert_one_clear_line(exc: LstuiError, *names: str) -> str:
    """The message is one non-empty line and names one of `names` (the value or the field)."""
    message = str(exc)
    assert message.strip(), f"empty message from {type(exc).__name__}"
    assert message.splitlines() == [message], f"not one line: {message!r}"
    # A long value may be shown cut short: its first 30 characters must be there.
    assert any(name in message or name[:30] in message for name in names), f"{message!r} names none of {names!r}"
    return message


def offline_clients(region: str = "us-east-1") -> AwsClients:
    """Clients for an endpoint where nothing answers: a check that needs no network must not reach it."""
    return AwsClients(Connection("http://127.0.0.1:9", region=region, access_key_id="t", secret_access_key="t"))


# -- S3 ---------------------------------------------------------------------------------------------

RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3", "-an")


def s3_accepts(name: str) -> bool:
    """S3's bucket naming rules, written out from the documentation."""
    return (
        3 <= len(name) <= 63
        and re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name, re.ASCII) is not None
        and ".." not in name
        and ".-" not in name
        and "-." not in name
        and re.fullmatch(r"[0-9]+(\.[0-9]+)+", name) is None
        and not name.startswith(RESERVED_PREFIXES)
        and not name.endswith(RESERVED_SUFFIXES)
    )


LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?", fullmatch=True)
BUCKET_NAMES = st.lists(LABEL, min_size=1, max_size=5).map(".".join).filter(s3_accepts)


@given(ARGV_TEXT)
@example("Bad_Bucket")
@example("192.168.0.1")
@example("my..bucket")
@example("ok-bucket\n")
@example("xn--bucket")
def test_any_bucket_name_is_returned_unchanged_or_refused(name: str) -> None:
    result = outcome(lambda: validate_bucket_name(name))
    if isinstance(result, LstuiError):
        assert not s3_accepts(name), f"{name!r} follows S3's rules: {result}"
        assert_one_clear_line(result, repr(name))
    else:
        assert s3_accepts(name) and result == name


@given(BUCKET_NAMES)
def test_bucket_names_made_by_the_rules_are_accepted(name: str) -> None:
    assert validate_bucket_name(name) == name


@given(ARGV_TEXT)
@example("arn:aws:sqs:us-east-1:000000000000:queue")  # an ARN, of the wrong service
@example("arn:aws:lambda:us-east-1:000000000000:function:f")
@example("arn:")
@example("arn:aws:s3:::bucket/key")
def test_any_bucket_name_or_arn_is_a_bucket_or_refused(text: str) -> None:
    result = outcome(lambda: bucket_name(text))
    if isinstance(result, LstuiError):
        assert_one_clear_line(result, repr(text), "bucket")
    else:
        assert s3_accepts(result)
        assert text in (result, f"arn:aws:s3:::{result}")


@given(BUCKET_NAMES)
def test_bucket_arns_give_their_name(name: str) -> None:
    assert bucket_name(f"arn:aws:s3:::{name}") == name


def key_is_valid(key: str) -> bool:
    try:
        return 1 <= len(key.encode("utf-8")) <= 1024
    except UnicodeEncodeError:
        return False  # a lone surrogate (a file name that is not UTF-8) cannot name an object


@given(
    st.one_of(ARGV_TEXT, st.tuples(st.sampled_from(["k", "é", "😀"]), st.integers(0, 1100)).map(lambda t: t[0] * t[1]))
)
@example("")
@example("report-\udcff.txt")  # a file name with a byte that is not UTF-8
def test_any_object_key_is_returned_unchanged_or_refused(key: str) -> None:
    result = outcome(lambda: validate_key(key))
    if isinstance(result, LstuiError):
        assert not key_is_valid(key), f"{key!r} is a valid key: {result}"
        assert_one_clear_line(result, "object key")
    else:
        assert key_is_valid(key) and result == key


# -- SQS --------------------------------------------------------------------------------------------


def sqs_accepts(name: str) -> bool:
    return len(name) <= 80 and re.fullmatch(r"[A-Za-z0-9_-]+(\.fifo)?", name) is not None


@given(st.one_of(ARGV_TEXT, st.from_regex(r"[A-Za-z0-9_-]{0,85}(\.fifo)?", fullmatch=True)))
@example(".fifo")
@example("queue\n")
@example("a" * 81)
def test_any_queue_name_is_returned_unchanged_or_refused(name: str) -> None:
    result = outcome(lambda: validate_queue_name(name))
    if isinstance(result, LstuiError):
        assert not sqs_accepts(name), f"{name!r} is a valid queue name: {result}"
        assert_one_clear_line(result, repr(name))
    else:
        assert sqs_accepts(name) and result == name


QUEUE_REFS = st.one_of(
    ARGV_TEXT,
    st.builds("arn:aws:sqs:{}:{}:{}".format, st.text(max_size=12), st.text("0123456789", max_size=13), ARGV_TEXT),
    st.builds("{}://{}/{}/{}".format, st.sampled_from(["http", "https", "ftp"]), ARGV_TEXT, ARGV_TEXT, ARGV_TEXT),
)


@given(QUEUE_REFS)
@example("http://[::1/000000000000/queue")
@example("http://localhost:4566/")
@example("arn:aws:sqs:bad")
@example("arn:aws:lambda:us-east-1:000000000000:function:f")
def test_any_queue_reference_is_parsed_or_refused(ref: str) -> None:
    result = outcome(lambda: _parse_ref(ref))
    if isinstance(result, LstuiError):
        assert_one_clear_line(result, repr(ref.strip()), "queue")
    else:
        assert sqs_accepts(result.name)
        assert result.account is None or re.fullmatch(r"\d{12}", result.account)


@pytest.mark.parametrize(
    "ref",
    [
        "arn:aws:sqs:eu-west-1:000000000000:orders",
        "https://sqs.eu-west-1.amazonaws.com/000000000000/orders",
        "http://localhost:4566/queue/eu-west-1/000000000000/orders",
    ],
)
def test_a_queue_of_another_region_is_refused_before_any_call(ref: str) -> None:
    with pytest.raises(ValidationError) as refused:
        resolve_queue_url(offline_clients("us-east-1"), ref)
    assert_one_clear_line(refused.value, "eu-west-1")


# -- connection -------------------------------------------------------------------------------------


def botocore_accepts(url: str) -> bool:
    return bool(is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url))


HOSTS = st.one_of(
    st.lists(LABEL, min_size=1, max_size=3).map(".".join),
    st.sampled_from(["127.0.0.1", "[::1]", "localhost"]),
)
ENDPOINTS = st.builds(
    "{}://{}{}{}".format,
    st.sampled_from(["http", "https"]),
    HOSTS,
    st.one_of(st.just(""), st.integers(1, 65535).map(":{}".format)),
    st.sampled_from(["", "/"]),
)


@given(st.one_of(ARGV_TEXT, ENDPOINTS, st.builds("http://{}".format, ARGV_TEXT)))
@example("http://[::1")  # urlsplit's ValueError
@example("http://local host:4566")
@example("http://local\nhost:4566")
@example("http://localhost:99999")
@example("localhost:4566")
def test_any_endpoint_is_a_url_botocore_takes_or_refused(url: str) -> None:
    result = outcome(lambda: validate_endpoint_url(url))
    if isinstance(result, LstuiError):
        assert_one_clear_line(result, repr(url))
    else:
        assert result == url.rstrip("/")
        assert botocore_accepts(result), f"lstui accepts {url!r}, botocore would raise on it"


@given(ENDPOINTS)
def test_http_urls_are_accepted(url: str) -> None:
    assert validate_endpoint_url(url) == url.rstrip("/")


# -- packaging --------------------------------------------------------------------------------------

IDENTIFIER = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)


@given(st.one_of(ARGV_TEXT, st.builds("{}.{}".format, ARGV_TEXT, ARGV_TEXT)))
@example("nodots")
@example("a..b")
@example(".handler")
@example("pkg/.handler")
def test_any_handler_is_split_or_refused(handler: str) -> None:
    result = outcome(lambda: validate_handler(handler))
    if isinstance(result, LstuiError):
        assert_one_clear_line(result, repr(handler))
    else:
        module, function = result
        assert f"{module}.{function}" == handler and function.isidentifier()
        assert all(part.isidentifier() for part in module.replace("/", ".").split("."))


@given(st.lists(IDENTIFIER, min_size=1, max_size=3), st.sampled_from([".", "/"]), IDENTIFIER)
def test_handlers_made_of_identifiers_are_accepted(parts: list[str], separator: str, function: str) -> None:
    module = separator.join(parts)
    assert validate_handler(f"{module}.{function}") == (module, function)


def parses(source: bytes) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def defines(source: bytes, function: str) -> bool:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(node, ast.FunctionDef) and node.name == function for node in tree.body)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
@example(SEED.encode())
@example(b"def lambda_handler(:\n")
@example(b"x = 1\x00\n")
@example(b"\xff\xfe")
@example(b"x = " + b"-" * 100_000 + b"1\n")  # MemoryError: parser stack overflowed
@example(b"x = a" + b".b" * 100_000 + b"\n")  # RecursionError during ast construction
def test_any_handler_file_is_checked_or_refused(source: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lambda_function.py"
        path.write_bytes(source)
        syntax = outcome(lambda: check_python_syntax(path))
        if isinstance(syntax, LstuiError):
            assert not parses(source), f"valid Python refused: {syntax}"
            assert_one_clear_line(syntax, "lambda_function.py")
        else:
            assert parses(source)
        handler = outcome(lambda: check_handler(path, "lambda_function.lambda_handler"))
        if isinstance(handler, LstuiError):
            assert not defines(source, "lambda_handler")
            assert_one_clear_line(handler, "lambda_function.lambda_handler")
        derived = outcome(lambda: derive_handler(path))
        if isinstance(derived, LstuiError):
            assert_one_clear_line(derived, str(path))
        else:
            check_handler(path, derived)


@pytest.mark.parametrize(
    ("layout", "handler", "names"),
    [
        ({}, "lambda_function.lambda_handler", "no lambda_function.py"),  # a directory without the module
        ({"lambda_function.py": "def other(e, c):\n    pass\n"}, "lambda_function.lambda_handler", "defines no"),
        ({"lambda_function.py": SEED}, "app.lambda_handler", "no app.py"),
        ({"pkg/mod.py": SEED}, "pkg.nope.lambda_handler", "no pkg/nope.py"),
        ({"lambda_function.py": SEED}, "lambda_function", "not of the form module.function"),
    ],
)
def test_a_handler_the_source_does_not_have_is_refused(
    tmp_path: Path, layout: dict[str, str], handler: str, names: str
) -> None:
    for relative, text in layout.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    with pytest.raises(ValidationError) as refused:
        check_handler(tmp_path, handler)
    assert_one_clear_line(refused.value, names)


@pytest.mark.parametrize("check", ["syntax", "derive", "deploy"])
def test_a_missing_source_is_one_line(tmp_path: Path, check: str) -> None:
    missing = tmp_path / "no-such-dir"
    calls: dict[str, Callable[[], object]] = {
        "syntax": lambda: check_python_syntax(missing),
        "derive": lambda: derive_handler(missing),
        "deploy": lambda: check_deploy(DeploySpec(missing, "f")),
    }
    with pytest.raises(ValidationError) as refused:
        calls[check]()
    assert_one_clear_line(refused.value, str(missing))


@pytest.mark.parametrize("file_name", ["lambda_function.py", "with space.py", "new\nline.py", "tab\there.py"])
def test_a_syntax_error_names_the_file_on_one_line(tmp_path: Path, file_name: str) -> None:
    (tmp_path / file_name).write_text("def lambda_handler(event, context)\n    return 1\n")
    with pytest.raises(ValidationError) as refused:
        check_python_syntax(tmp_path)
    message = assert_one_clear_line(refused.value, "line 1")
    assert file_name in message or repr(file_name) in message


@pytest.mark.parametrize("file_name", ["my-handler.py", "2fast.py", "lambda.py", "lambda_function.py"])
def test_a_derived_handler_is_one_the_checks_accept(tmp_path: Path, file_name: str) -> None:
    (tmp_path / file_name).write_text(SEED)
    derived = outcome(lambda: derive_handler(tmp_path))
    if isinstance(derived, LstuiError):
        assert_one_clear_line(derived, str(tmp_path))
    else:
        check_handler(tmp_path, derived)  # derive_handler must not invent a handler the checks refuse


UNREADABLE_CHECK = """
import json, sys
from pathlib import Path
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.packaging import check_handler, check_python_syntax, derive_handler
path, check = Path(sys.argv[1]), sys.argv[2]
calls = {
    "syntax": lambda: check_python_syntax(path),
    "handler": lambda: check_handler(path, "lambda_function.lambda_handler"),
    "derive": lambda: derive_handler(path),
}
try:
    calls[check]()
    print(json.dumps(None))
except LstuiError as exc:
    print(json.dumps([type(exc).__name__, str(exc)]))
"""


@needs_unprivileged
@pytest.mark.parametrize("check", ["syntax", "handler", "derive"])
def test_an_unreadable_handler_file_is_one_line(tmp_path: Path, check: str) -> None:
    path = tmp_path / "lambda_function.py"
    path.write_text(SEED)
    path.chmod(0)
    try:
        result = subprocess.run(
            as_a_user([sys.executable, "-c", UNREADABLE_CHECK, str(path), check]),
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert result.returncode == 0, result.stderr
    raised = json.loads(result.stdout)
    assert raised is not None, "an unreadable file was accepted"
    kind, message = raised
    assert kind == "ValidationError", raised
    assert_one_clear_line(ValidationError(message), "lambda_function.py")


# -- notifications ----------------------------------------------------------------------------------

EVENTS = sorted(EVENT_NAMES)


@given(st.lists(st.one_of(st.sampled_from(EVENTS), ARGV_TEXT), max_size=4))
@example([])
@example(["s3:ObjectCreated:Putt"])
@example(["s3:ObjectCreated:*", "s3:ObjectCreated:*"])
@example(["s3:objectcreated:*"])
def test_any_event_list_is_checked_or_refused(events: list[str]) -> None:
    result = outcome(lambda: validate_events(events))
    if isinstance(result, LstuiError):
        unknown = [event for event in events if event not in EVENT_NAMES]
        assert unknown or not events
        assert_one_clear_line(result, repr(unknown[0]) if unknown else "at least one")
    else:
        assert events and result == tuple(dict.fromkeys(events))


CONCRETE_EVENTS = {event for event in EVENT_NAMES if not event.endswith("*")}


def concrete(event: str) -> set[str]:
    """The concrete events a type stands for: a wildcard expands to its family."""
    return {c for c in CONCRETE_EVENTS if c.startswith(event[:-1])} if event.endswith("*") else {event}


def could_both_fire(a: NotificationEntry, b: NotificationEntry) -> bool:
    """Brute force: one concrete event and one key that both entries match."""
    if not set().union(*map(concrete, a.events)) & set().union(*map(concrete, b.events)):
        return False
    keys = ("".join(chars) for size in range(1, 8) for chars in itertools.product("ab/", repeat=size))
    return any(
        key.startswith(a.prefix) and key.startswith(b.prefix) and key.endswith(a.suffix) and key.endswith(b.suffix)
        for key in keys
    )


FILTER_TEXT = st.text("ab/", max_size=3)


@st.composite
def entries(draw: st.DrawFn) -> NotificationEntry:
    kind = draw(st.sampled_from([TargetKind.LAMBDA, TargetKind.QUEUE]))
    target = draw(st.sampled_from(["one", "two"]))
    arn = (
        f"arn:aws:lambda:us-east-1:000000000000:function:{target}"
        if kind is TargetKind.LAMBDA
        else f"arn:aws:sqs:us-east-1:000000000000:{target}"
    )
    events = tuple(dict.fromkeys(draw(st.lists(st.sampled_from(EVENTS), min_size=1, max_size=3))))
    rules = []
    prefix, suffix = draw(FILTER_TEXT), draw(FILTER_TEXT)
    if prefix:
        rules.append(FilterRule("Prefix", prefix))
    if suffix:
        rules.append(FilterRule("Suffix", suffix))
    return NotificationEntry(kind, arn, events, draw(st.none() | st.just("existing-id")), tuple(rules))


@settings(max_examples=300)
@given(entries(), entries())
def test_an_overlapping_entry_is_refused_and_nothing_else_is(
    existing: NotificationEntry, new: NotificationEntry
) -> None:
    config = NotificationConfig((existing,))
    before = config.to_api()
    result = outcome(lambda: config.with_entry(new), ConflictError)
    same = (
        existing.kind == new.kind
        and existing.target_arn == new.target_arn
        and set(existing.events) == set(new.events)
        and (existing.prefix, existing.suffix) == (new.prefix, new.suffix)
    )
    assert config.to_api() == before
    if isinstance(result, LstuiError):
        assert could_both_fire(existing, new) and not same, f"refused, yet they cannot both fire: {result}"
        assert_one_clear_line(result, existing.target_name)
    else:
        after, _, added = result
        assert added is not same
        assert not added or not could_both_fire(existing, new), "an overlapping entry was added"
        assert len(after.entries) == 1 + added


# -- functions --------------------------------------------------------------------------------------

NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
LAMBDA_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})(:[A-Za-z0-9$_-]+)?")


@given(
    st.one_of(
        ARGV_TEXT,
        st.builds(
            "arn:aws:{}:us-east-1:000000000000:function:{}".format, st.sampled_from(["lambda", "sqs"]), ARGV_TEXT
        ),
    )
)
@example("my-function\n")  # `$` lets a trailing newline through
@example("arn:aws:lambda:us-east-1:000000000000:function:f\n")
@example("arn:aws:sqs:us-east-1:000000000000:queue")  # an ARN of the wrong service
@example("arn:aws:s3:::bucket")
@example("f" * 65)
def test_any_function_name_or_arn_is_a_name_or_refused(text: str) -> None:
    result = outcome(lambda: function_name(text))
    if isinstance(result, LstuiError):
        assert_one_clear_line(result, repr(text))
    else:
        assert NAME.fullmatch(result), f"{text!r} gave the invalid name {result!r}"
        arn = LAMBDA_ARN.fullmatch(text)
        assert result == text or (arn is not None and arn.group(1) == result)


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:lambda:eu-west-1:000000000000:function:my-function", "arn:aws:lambda:ap-south-1:000000000000:function:f"],
)
def test_a_function_arn_of_another_region_is_refused_before_any_call(arn: str) -> None:
    # Like a queue ARN: naming another region must not reach the same-named function of this one.
    result = outcome(lambda: get_function(offline_clients("us-east-1"), arn), LstuiError)
    assert isinstance(result, ValidationError), f"not refused up front: {type(result).__name__}: {result}"
    assert_one_clear_line(result, arn.split(":")[3])


@given(st.one_of(ARGV_TEXT, st.binary(max_size=50), st.builds(json.dumps, st.none() | st.integers() | st.text())))
@example(b"\xff")  # a payload file that is not UTF-8
@example("[" * 100_000)  # RecursionError in json
@example('"\udcff"')  # a surrogate-escaped argv byte, valid JSON yet not encodable
@example("{oops")
def test_any_payload_is_json_bytes_or_refused(payload: str | bytes) -> None:
    result = outcome(lambda: parse_payload(payload))
    if isinstance(result, LstuiError):
        assert_one_clear_line(result, "payload")
    else:
        json.loads(result)
        assert result == (payload if isinstance(payload, bytes) else payload.encode())


RUNTIME = re.compile(r"python3\.\d{1,2}|nodejs\d+\.x|java\d+|ruby\d\.\d+|provided(\.al2(023)?)?")
ENV_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed")
    (path / "lambda_function.py").write_text(SEED)
    return path


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.one_of(st.just("my-function"), ARGV_TEXT),
    runtime=st.one_of(st.none(), st.sampled_from(["python3.12", "nodejs20.x", "provided.al2023"]), ARGV_TEXT),
    memory=st.one_of(st.none(), st.integers(-10, 20_000)),
    timeout=st.one_of(st.none(), st.integers(-10, 1000)),
    env=st.one_of(st.none(), st.dictionaries(st.one_of(st.just("STAGE"), ARGV_TEXT), st.text(), max_size=2)),
    role=st.one_of(st.none(), st.just("arn:aws:iam::000000000000:role/r"), ARGV_TEXT),
)
@example(name="f", runtime="python3.12\n", memory=None, timeout=None, env=None, role=None)
@example(name="f", runtime=None, memory=None, timeout=None, env={"STAGE\n": "x"}, role=None)
@example(name="f", runtime=None, memory=None, timeout=None, env={"STAGÉ": "x"}, role=None)
@example(name="f\n", runtime=None, memory=None, timeout=None, env=None, role=None)
def test_any_deploy_settings_are_checked_or_refused(
    seed_dir: Path,
    name: str,
    runtime: str | None,
    memory: int | None,
    timeout: int | None,
    env: dict[str, str] | None,
    role: str | None,
) -> None:
    spec = DeploySpec(seed_dir, name, runtime=runtime, memory=memory, timeout=timeout, environment=env, role=role)
    result = outcome(lambda: check_deploy(spec))
    if isinstance(result, LstuiError):
        fields = ("function name", "runtime", "memory", "timeout", "environment variable", "role")
        assert_one_clear_line(result, *fields)
    else:
        assert result == "lambda_function.lambda_handler"
        assert NAME.fullmatch(name), f"function name {name!r} accepted"
        assert runtime is None or RUNTIME.fullmatch(runtime), f"runtime {runtime!r} accepted"
        assert memory is None or 128 <= memory <= 10240
        assert timeout is None or 1 <= timeout <= 900
        assert all(ENV_KEY.fullmatch(key) for key in env or {}), f"environment {env!r} accepted"
        assert role is None or role.startswith("arn:")


# -- burst, wiring settings -------------------------------------------------------------------------


@given(st.integers(-(10**6), 10**6), st.integers(-100, 100))
@example(0, 16)
@example(100_001, 16)
@example(1, 65)
def test_any_burst_size_is_accepted_or_refused(count: int, concurrency: int) -> None:
    result = outcome(lambda: validate_burst(count, concurrency))
    if isinstance(result, LstuiError):
        assert not (1 <= count <= 100_000 and 1 <= concurrency <= 64)
        bad = str(count) if not 1 <= count <= 100_000 else str(concurrency)
        assert_one_clear_line(result, bad)
    else:
        assert 1 <= count <= 100_000 and 1 <= concurrency <= 64


@given(st.integers(-5, 20_000), st.integers(-5, 400), st.none() | st.integers(-5, 2000), st.booleans())
def test_any_mapping_settings_are_accepted_or_refused(size: int, window: int, limit: int | None, fifo: bool) -> None:
    settings_ = MappingSettings(batch_size=size, batching_window=window, max_concurrency=limit)
    result = outcome(lambda: settings_.validate(fifo))
    valid = (
        1 <= size <= (10 if fifo else 10_000)
        and 0 <= window <= 300
        and (size <= 10 or window >= 1)
        and (limit is None or 2 <= limit <= 1000)
    )
    if isinstance(result, LstuiError):
        assert not valid
        assert_one_clear_line(result, "batch", "concurrency")
    else:
        assert valid


# -- logs -------------------------------------------------------------------------------------------

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@given(ARGV_TEXT)
@example("yesterday-ish")
@example("99999999999999w")  # OverflowError in timedelta
@example("3000000d")  # a date before year 1
@example("0001-01-01T00:00:00+05:00")  # OverflowError in astimezone
@example("9999-12-31T23:59:59-05:00")
def test_any_since_is_a_time_or_refused(text: str) -> None:
    result = outcome(lambda: parse_since(text, now=NOW))
    if isinstance(result, LstuiError):
        assert_one_clear_line(result, repr(text))
    else:
        assert result.utcoffset() == timedelta(0)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from("smhdwSMHDW")), min_size=1, max_size=4))
def test_durations_count_back_from_now(parts: list[tuple[int, str]]) -> None:
    text = " ".join(f"{n}{unit}" for n, unit in parts)
    seconds = sum(n * UNITS[unit.lower()] for n, unit in parts)
    assert parse_since(text, now=NOW) == NOW - timedelta(seconds=seconds)


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9000, 1, 1)), st.booleans())
def test_iso_times_are_read(moment: datetime, aware: bool) -> None:
    expected = moment.replace(tzinfo=UTC)
    text = expected.isoformat() if aware else moment.isoformat()
    assert parse_since(text, now=NOW) == expected


@given(ARGV_TEXT)
@example("{ " + "(" * 5000 + "$.a = 1" + ")" * 5000 + " }")  # RecursionError
@example("{")
@example('[a, b="')
def test_any_filter_pattern_compiles_or_is_refused(text: str) -> None:
    result = outcome(lambda: compile_pattern(text))
    if isinstance(result, LstuiError):
        assert_one_clear_line(result, repr(text))


# -- config -----------------------------------------------------------------------------------------

SOURCE = "/home/user/.config/lstui/config.toml"


def toml_string(text: str) -> str:
    escaped = "".join(
        "\\\\"
        if char == "\\"
        else '\\"'
        if char == '"'
        else f"\\u{ord(char):04x}"
        if ord(char) < 0x20 or ord(char) == 0x7F
        else char
        for char in text
    )
    return f'"{escaped}"'


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(value)


def toml_document(data: Mapping[str, object]) -> str:
    """A TOML document of `data`: scalars first, then each table under its own header."""
    lines: list[str] = []

    def table(path: list[str], values: Mapping[str, object]) -> None:
        if path:
            lines.append("[" + ".".join(map(toml_string, path)) + "]")
        for key, value in values.items():
            if not isinstance(value, dict):
                lines.append(f"{toml_string(key)} = {toml_value(value)}")
        for key, value in values.items():
            if isinstance(value, dict):
                table([*path, key], value)

    table([], data)
    return "\n".join(lines) + "\n"


SCALARS = st.one_of(
    st.text(max_size=8),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.booleans(),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3))
PROFILE_NAMES = st.one_of(st.sampled_from(["local", "shared", "a\nb", "x y", ""]), st.text(max_size=4))
PROFILE_FIELDS = st.one_of(
    st.sampled_from(["endpoint_url", "region", "aws_profile", "access_key_id", "secret_access_key", "allow_remote"]),
    st.text(max_size=4),
)
PROFILE = st.dictionaries(PROFILE_FIELDS, st.one_of(st.text(max_size=8), VALUES), max_size=4)
CONFIGS = st.fixed_dictionaries(
    {},
    optional={
        "profiles": st.one_of(st.dictionaries(PROFILE_NAMES, st.one_of(PROFILE, VALUES), max_size=3), VALUES),
        "default_profile": st.one_of(PROFILE_NAMES, VALUES, PROFILE),
        "refresh_seconds": st.one_of(st.floats(), st.integers(-5, 5), VALUES),
        "keymap": st.one_of(st.dictionaries(st.text(max_size=4), st.one_of(st.text(max_size=4), VALUES)), VALUES),
        "theme": VALUES,
    },
)


def round_trips(document: str, data: Mapping[str, object]) -> bool:
    """The serializer's own check: the document reads back as `data` (NaN aside)."""
    return json.dumps(tomllib.loads(document), sort_keys=True) == json.dumps(data, sort_keys=True)


@settings(max_examples=300)
@given(CONFIGS)
@example({"default_profile": [1]})  # unhashable: TypeError in `default not in profiles`
@example({"default_profile": {"a": 1}})
@example({"refresh_seconds": math.nan})
@example({"refresh_seconds": math.inf})
@example({"profiles": {"a\nb": {"allow_remote": 1}}})  # the profile's name breaks the line
@example({"profiles": {"local": {"region": 1}}})
def test_any_toml_config_is_read_or_refused_naming_the_file(data: dict[str, Any]) -> None:
    document = toml_document(data)
    assert round_trips(document, data)
    result = outcome(lambda: parse_config(document, SOURCE))
    if isinstance(result, LstuiError):
        assert_one_clear_line(result, SOURCE)
    else:
        assert set(result.profiles) == set(data.get("profiles", {}))
        assert result.default_profile is None or result.default_profile in result.profiles
        assert math.isfinite(result.refresh_seconds) and result.refresh_seconds > 0, result.refresh_seconds
        assert all(isinstance(key, str) for key in result.keymap.values())


def toml_syntax_error(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True
    return False


@given(st.one_of(st.text(), st.text("[]=\"'.abc 1\n#{}", max_size=30)))
@example("a = ")
@example("[profiles\nx = 1")
@example('x = "unterminated')
@example("x = 1\nx = 2")
def test_any_config_text_is_read_or_refused_naming_file_and_place(text: str) -> None:
    result = outcome(lambda: parse_config(text, SOURCE))
    if isinstance(result, LstuiError):
        message = assert_one_clear_line(result, SOURCE)
        if toml_syntax_error(text):
            assert re.search(r"line \d+, column \d+|end of document", message), message


def iter_bad_configs() -> Iterator[str]:
    """Hand-made files, one per rule of parse_config."""
    yield 'profiles = "x"'
    yield "[profiles]\nlocal = 1"
    yield "[profiles.local]\nallow_remote = 'yes'"
    yield "[profiles.local]\nendpoint_url = 4566"
    yield 'default_profile = "nope"'
    yield "refresh_seconds = -1"
    yield "refresh_seconds = 'soon'"
    yield "[keymap]\nquit = 1"


@pytest.mark.parametrize("text", list(iter_bad_configs()))
def test_each_config_rule_refuses_with_the_file_named(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_config(text, SOURCE)
    assert_one_clear_line(refused.value, SOURCE)

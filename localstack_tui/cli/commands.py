"""The headless subcommands: thin faces on the core, one line per outcome."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from localstack_tui.core.connection import AwsClients, resolve_connection
from localstack_tui.core.errors import LstuiError, NotFoundError, ValidationError
from localstack_tui.core.notifications import DEFAULT_EVENT

Command = Callable[[AwsClients, argparse.Namespace], int]


def clients_from_args(args: argparse.Namespace) -> AwsClients:
    from localstack_tui.core.config import load_config_for

    config, warnings = load_config_for(args.profile)
    for warning in warnings:
        print(f"lstui: warning: {warning}", file=sys.stderr)
    connection = resolve_connection(
        endpoint_url=args.endpoint_url,
        region=args.region,
        profile=args.profile,
        allow_remote=args.allow_remote,
        config=config,
    )
    return AwsClients(connection)


def run_command(args: argparse.Namespace) -> int:
    commands: dict[str, Command] = {
        "status": status,
        "create-bucket": create_bucket_command,
        "deploy": deploy,
        "wire": wire,
        "unwire": unwire,
        "upload": upload,
        "invoke": invoke,
        "logs": logs,
        "map": flow_map,
        "burst": burst,
    }
    return commands[args.command](clients_from_args(args), args)


def _styled(text: str, code: str, stream: TextIO = sys.stdout) -> str:
    return f"\033[{code}m{text}\033[0m" if stream.isatty() else text


# -- status ---------------------------------------------------------------------------------------


def status(clients: AwsClients, args: argparse.Namespace) -> int:
    from localstack_tui.core.functions import list_functions
    from localstack_tui.core.health import probe_health
    from localstack_tui.core.s3 import list_buckets
    from localstack_tui.core.sqs import list_queues

    conn = clients.connection
    health = probe_health(conn.endpoint_url)
    where = "local" if conn.is_local else ("remote, changes allowed" if conn.allow_remote else "remote, read-only")
    print(f"endpoint    {conn.endpoint_url} ({where})")
    edition = f" ({health.edition})" if health.edition not in ("", "unknown") else ""
    print(f"LocalStack  {health.version}{edition}")
    print(f"region      {conn.region}")
    interesting = ("s3", "sqs", "lambda", "logs", "sns", "iam", "sts")
    services = ", ".join(f"{name} {health.services[name]}" for name in interesting if name in health.services)
    print(f"services    {services}")
    buckets, queues, functions = list_buckets(clients), list_queues(clients), list_functions(clients)
    print(f"resources   {len(buckets)} buckets · {len(queues)} queues · {len(functions)} functions")
    return 0


# -- burst ----------------------------------------------------------------------------------------


def burst(clients: AwsClients, args: argparse.Namespace) -> int:
    import time

    from localstack_tui.core.burst import account_burst, burst_upload, validate_burst
    from localstack_tui.core.errors import ValidationError
    from localstack_tui.core.flowmap import build_flow_map
    from localstack_tui.core.wiring import bucket_name

    bucket = bucket_name(args.bucket)
    validate_burst(args.count, args.concurrency, args.prefix, args.wait)
    body = b"Hello LocalStack\n"
    if args.file is not None:
        try:
            body = args.file.read_bytes()
        except OSError as exc:
            raise ValidationError(f"cannot read {args.file}: {exc.strerror or exc}") from None
        if len(body) > 5 * 1024 * 1024:
            raise ValidationError(f"{args.file} is over 5 MiB: a burst sends small objects")
    if args.wait < 0:
        raise ValidationError("--wait must be 0 or more seconds")
    flow = build_flow_map(clients, activity=False)
    key = f"bucket:{bucket}"
    if key not in flow.nodes:
        raise ValidationError(f"no bucket named {bucket}")
    queue = function = dlq = None
    for link in flow.outgoing(key):
        target = flow.nodes[link.target]
        if target.kind in ("queue", "dlq") and queue is None and not link.problem:
            queue = target.name
            for onward in flow.outgoing(link.target):
                if onward.kind == "mapping" and not onward.problem:
                    function = flow.nodes[onward.target].name
                elif onward.kind == "redrive" and not onward.problem:
                    dlq = flow.nodes[onward.target].name
        elif target.kind == "function" and function is None and not link.problem:
            function = target.name
    path = " → ".join(part for part in (bucket, queue, function) if part) + (f" (DLQ {dlq})" if dlq else "")
    print(f"wiring: {path}" if queue or function else f"wiring: none from {bucket}: only the uploads are counted")

    result = burst_upload(clients, bucket, args.count, args.concurrency, args.prefix, body)
    uploaded = len(result.keys) - len(result.failed)
    print(f"uploaded {uploaded} of {len(result.keys)} in {result.seconds:.2f} s ({result.rate:.0f}/s)")
    for failed_key, reason in list(result.failed.items())[:5]:
        print(f"  ✗ {failed_key}: {reason}")
    if not (queue or function):
        return 0 if not result.failed else 1
    deadline = time.monotonic() + args.wait
    shown = ""
    previous = ""
    while True:
        account = account_burst(clients, result, function, queue, dlq)
        line = account.summary()
        # Settled: every key found, none queued, and the same account twice (nothing still moving).
        settled = account.complete and not account.queued and line == previous
        previous = line
        if line != shown and not settled:
            print(f"  … {line}", flush=True)
            shown = line
        if settled or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    print(account.summary())
    p50, p99 = account.percentile(0.5), account.percentile(0.99)
    if p50 is not None and p99 is not None:
        print(
            f"upload → the handler's line: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
            f"({len(account.latencies)} keys)"
        )
    lost = len(account.missing) + len(result.failed)
    print(f"lost: {lost}")
    return 0 if lost == 0 else 1


# -- map ------------------------------------------------------------------------------------------


def flow_map(clients: AwsClients, args: argparse.Namespace) -> int:
    from localstack_tui.core.flowmap import build_flow_map, flow_lines, to_mermaid

    flow = build_flow_map(clients, activity=not args.no_activity)
    if args.only:
        key = flow.find(args.only)
        if key is None:
            raise NotFoundError(f"nothing named {args.only!r} on the map")
        flow = flow.connected_to(key)
    if args.format == "mermaid":
        sys.stdout.write(to_mermaid(flow))
        return 0
    if not flow.nodes:
        print("nothing yet: no bucket, queue or function")
        return 0
    for lead, label, problem in flow_lines(flow):
        line = _styled(lead, "2") + label
        if problem:
            line += "   " + _styled(f"✗ {problem}", "31")
        print(line)
    broken = flow.broken
    if broken:
        print()
        print(_styled(f"{len(broken)} problem{'s' if len(broken) != 1 else ''}:", "1;31"))
        for problem in broken:
            print(f"  ✗ {problem}")
    return 0


# -- deploy ---------------------------------------------------------------------------------------


def parse_env(pairs: list[str]) -> dict[str, str] | None:
    """`--env K=V` pairs as a dict (None when none were given)."""
    if not pairs:
        return None
    env: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValidationError(f"--env needs KEY=VALUE, not {pair!r}")
        env[key] = value
    return env


def deploy(clients: AwsClients, args: argparse.Namespace) -> int:
    from localstack_tui.core.functions import DeploySpec, deploy_function

    spec = DeploySpec(
        source=args.source,
        name=args.function,
        handler=args.handler,
        runtime=args.runtime,
        role=args.role,
        memory=args.memory,
        timeout=args.timeout,
        environment=parse_env(args.env),
    )
    if args.watch:
        from localstack_tui.core.devloop import DevLoop

        loop = DevLoop(clients, spec, lambda event: print(event.line(), flush=True))
        try:
            loop.run()
        except KeyboardInterrupt:
            loop.stop.set()
        return 0
    result = deploy_function(clients, spec)
    print(result.summary())
    return 0


# -- wire / unwire --------------------------------------------------------------------------------


def wire(clients: AwsClients, args: argparse.Namespace) -> int:
    from localstack_tui.core import wiring

    events = args.events if getattr(args, "events", None) else [DEFAULT_EVENT]
    if args.link == "s3-lambda":
        result = wiring.wire_s3_to_lambda(clients, args.bucket, args.function, events, args.prefix, args.suffix)
    elif args.link == "s3-sqs":
        result = wiring.wire_s3_to_sqs(clients, args.bucket, args.queue, events, args.prefix, args.suffix)
    elif args.link == "sqs-lambda":
        settings = wiring.MappingSettings(
            batch_size=args.batch_size,
            batching_window=args.batching_window,
            max_concurrency=args.max_concurrency,
            report_batch_item_failures=args.report_batch_item_failures,
        )
        result = wiring.wire_sqs_to_lambda(clients, args.queue, args.function, settings)
    else:
        result = wiring.wire_dlq(clients, args.queue, args.dlq, args.max_receive_count)
    print(result.summary())
    return 0


def unwire(clients: AwsClients, args: argparse.Namespace) -> int:
    from localstack_tui.core import wiring

    events = args.events if getattr(args, "events", None) else [DEFAULT_EVENT]
    if args.link == "s3-lambda":
        result = wiring.unwire_s3_to_lambda(clients, args.bucket, args.function, events, args.prefix, args.suffix)
    elif args.link == "s3-sqs":
        result = wiring.unwire_s3_to_sqs(clients, args.bucket, args.queue, events, args.prefix, args.suffix)
    elif args.link == "sqs-lambda":
        result = wiring.unwire_sqs_to_lambda(clients, args.queue, args.function)
    else:
        result = wiring.unwire_dlq(clients, args.queue)
    print(result.summary())
    return 0


# -- upload ---------------------------------------------------------------------------------------


def create_bucket_command(clients: AwsClients, args: argparse.Namespace) -> int:
    from localstack_tui.core.s3 import create_bucket

    create_bucket(clients, args.name)
    print(f"created bucket {args.name} in {clients.connection.region}")
    return 0


def upload(clients: AwsClients, args: argparse.Namespace) -> int:
    from localstack_tui.core.s3 import upload_paths
    from localstack_tui.core.wiring import bucket_name

    bucket = bucket_name(args.bucket)
    prefix = args.prefix
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    total = sum(_size(path) for path in args.paths)
    # Everything is checked before the first byte goes: paths, keys, that every file can be read.
    keys = upload_paths(clients, args.paths, bucket, prefix, progress=_progress_line(total))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"uploaded {len(keys)} file{'s' if len(keys) != 1 else ''} ({total} bytes) to s3://{bucket}/{prefix}")
    return 0


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _progress_line(total: int) -> Callable[[int], None] | None:
    """A one-line byte counter on stderr, when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def update(done: int) -> None:
        percent = 100 * done / total if total else 100
        print(f"\r{done}/{total} bytes ({percent:.0f}%)", end="", file=sys.stderr, flush=True)

    return update


# -- invoke ---------------------------------------------------------------------------------------


def invoke(clients: AwsClients, args: argparse.Namespace) -> int:
    from localstack_tui.core.functions import invoke_function

    payload: str = args.payload
    if payload.startswith("@"):
        path = Path(payload[1:])
        try:
            payload = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise ValidationError(f"cannot read payload file {path}: {exc.strerror}") from None
        except UnicodeError:
            raise ValidationError(f"payload file {path} is not UTF-8 text (JSON must be)") from None
    result = invoke_function(clients, args.function, payload, asynchronous=args.asynchronous)
    if args.asynchronous:
        print(f"invoked {args.function} as an event (status {result.status_code})")
        return 0
    if result.log_tail:
        print(result.log_tail.rstrip("\n"), file=sys.stderr)
    if not result.ok:
        raise LstuiError(f"{args.function} failed: {result.error_type}: {result.error_message}")
    try:
        print(json.dumps(json.loads(result.payload), indent=2))
    except ValueError:
        print(result.payload)
    return 0


# -- logs -----------------------------------------------------------------------------------------


def logs(clients: AwsClients, args: argparse.Namespace) -> int:
    from localstack_tui.core.log_filter import compile_pattern
    from localstack_tui.core.logs import LogTail, follow, function_log_group, parse_since

    group = args.function if args.function.startswith("/") else function_log_group(args.function)
    since = parse_since(args.since)
    pattern = compile_pattern(args.pattern) if args.pattern else None
    if not args.function.startswith("/"):
        from localstack_tui.core.functions import function_exists
        from localstack_tui.core.logs import list_log_groups

        # A function that has not logged yet is fine; one that is not there (a typo) is said.
        if not function_exists(clients, args.function) and not any(
            g.name == group for g in list_log_groups(clients, group)
        ):
            raise NotFoundError(f"no function {args.function} (and no log group {group})")
    if not args.follow:
        tail = LogTail(group, since=since, pattern=pattern)
        for event in tail.poll(clients):
            print(format_event(event))
        return 0
    stop = threading.Event()
    try:
        for event in follow(clients, group, since=since, pattern=pattern, stop=stop):
            print(format_event(event), flush=True)
    except KeyboardInterrupt:
        stop.set()
    return 0


def format_event(event: object) -> str:
    """`HH:MM:SS.mmm message`, dimmed for START/END/REPORT and red for errors on a terminal."""
    from localstack_tui.core.logs import LogEvent

    assert isinstance(event, LogEvent)
    stamp = event.timestamp.strftime("%H:%M:%S.%f")[:-3]
    line = f"{stamp}  {event.message}"
    if event.kind in ("start", "end", "report"):
        return _styled(line, "2")
    if event.kind == "error":
        return _styled(line, "31")
    return line

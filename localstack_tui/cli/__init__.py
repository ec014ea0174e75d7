"""The `lstui` command line: the embedded server and headless commands over the core."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from localstack_tui import __version__


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _global_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """--endpoint-url & co., accepted before or after the subcommand."""
    default = None if defaults else argparse.SUPPRESS
    group = parser.add_argument_group("connection")
    group.add_argument("--endpoint-url", default=default, help="LocalStack endpoint (default: http://localhost:4566)")
    group.add_argument("--region", default=default, help="AWS region (default: us-east-1)")
    group.add_argument("--profile", default=default, help="a profile of lstui's config file, or an AWS profile")
    group.add_argument(
        "--allow-remote",
        action="store_true",
        default=False if defaults else argparse.SUPPRESS,
        help="allow changes on an endpoint that is not local (real AWS included)",
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lstui",
        description="A keyboard-driven terminal explorer for LocalStack.",
    )
    parser.add_argument("--version", action="version", version=f"lstui {__version__}")
    _global_options(parser, defaults=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, description: str | None = None) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=description or help_text)
        _global_options(sub, defaults=False)
        return sub

    server = commands.add_parser(
        "server",
        help="run LocalStack on this host, no Docker needed",
        description=(
            "Run LocalStack in the foreground on this host, with lstui's Lambda executor "
            "that runs handlers as host processes. Ctrl-C stops it and everything it started."
        ),
    )
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    server.add_argument("--port", type=int, default=4566, help="port to listen on (default: %(default)s)")
    server.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where LocalStack keeps its files and log (default: lstui's user data dir)",
    )
    server.add_argument(
        "--persist", action="store_true", help="not available: LocalStack Pro's persistence (says so and exits)"
    )
    server.add_argument("--verbose", "-v", action="store_true", help="also print LocalStack's log here")

    command("status", "endpoint, LocalStack version, services, and counts of resources")

    deploy = command("deploy", "create or update a Lambda function from a source file or directory")
    deploy.add_argument("source", type=Path, help="a handler file (lambda_function.py) or a directory")
    deploy.add_argument("--function", required=True, help="the function's name")
    deploy.add_argument("--handler", help="module.function (default: derived from the source)")
    deploy.add_argument("--runtime", help="e.g. python3.9 (default: the host's Python for a new function)")
    deploy.add_argument("--role", help="IAM role ARN (default: the fake role arn:aws:iam::000000000000:role/fake-role)")
    deploy.add_argument("--env", action="append", default=[], metavar="K=V", help="an environment variable (repeat)")
    deploy.add_argument("--timeout", type=int, help="seconds, 1–900")
    deploy.add_argument("--memory", type=int, help="MB, 128–10240")
    deploy.add_argument(
        "--watch", action="store_true", help="keep watching the source and redeploy on every change (Ctrl-C stops)"
    )

    for verb in ("wire", "unwire"):
        doing = "connect" if verb == "wire" else "disconnect exactly"
        parent = command(verb, f"{doing} S3 → Lambda, S3 → SQS, SQS → Lambda or a DLQ")
        links = parent.add_subparsers(dest="link", metavar="LINK", required=True)
        for link, target in (("s3-lambda", "function"), ("s3-sqs", "queue")):
            sub = links.add_parser(link, help=f"S3 bucket → {target}")
            _global_options(sub, defaults=False)
            sub.add_argument("--bucket", required=True, help="bucket name or ARN")
            if target == "function":
                sub.add_argument("--function", required=True, help="function name or ARN")
            else:
                sub.add_argument("--queue", required=True, help="queue name, URL or ARN")
            sub.add_argument(
                "--event",
                action="append",
                dest="events",
                metavar="EVENT",
                help="S3 event type (repeat; default s3:ObjectCreated:*)",
            )
            sub.add_argument("--prefix", default="", help="only keys starting with this")
            sub.add_argument("--suffix", default="", help="only keys ending with this")
        sub = links.add_parser("sqs-lambda", help="SQS queue → function (event source mapping)")
        _global_options(sub, defaults=False)
        sub.add_argument("--queue", required=True, help="queue name, URL or ARN")
        sub.add_argument("--function", required=True, help="function name or ARN")
        if verb == "wire":
            sub.add_argument("--batch-size", type=int, default=10)
            sub.add_argument("--batching-window", type=int, default=0, metavar="SECONDS")
            sub.add_argument("--max-concurrency", type=int)
            sub.add_argument("--report-batch-item-failures", action="store_true")
        sub = links.add_parser("dlq", help="queue → dead-letter queue (redrive policy)")
        _global_options(sub, defaults=False)
        sub.add_argument("--queue", required=True, help="queue name, URL or ARN")
        if verb == "wire":
            sub.add_argument("--dlq", required=True, help="dead-letter queue (created if it does not exist)")
            sub.add_argument("--max-receive-count", type=int, default=3)

    bucket = command("create-bucket", "create a bucket (the seed's first step)")
    bucket.add_argument("name", help="bucket name: 3 to 63 lower-case letters, digits, dots and hyphens")

    upload = command("upload", "upload files or directories into a bucket")
    upload.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    upload.add_argument("--bucket", required=True, help="bucket name or ARN")
    upload.add_argument("--prefix", default="", help="key prefix")

    invoke = command("invoke", "invoke a function and print its result and log")
    invoke.add_argument("function", help="function name or ARN")
    invoke.add_argument("--payload", default="{}", help="JSON payload, or @file.json")
    invoke.add_argument("--async", dest="asynchronous", action="store_true", help="invoke as an event")

    burst = command(
        "burst",
        "upload N objects at once and follow every event through the wiring the bucket has",
        "The seed's burst test: N uploads from C workers, then every key followed through what the "
        "bucket is wired to (S3 → SQS → Lambda → DLQ, or S3 → Lambda): processed + DLQ + still queued "
        "must make N; the keys that are nowhere are named. Exits 1 when some are missing.",
    )
    burst.add_argument("--bucket", required=True, help="bucket name")
    burst.add_argument("--count", type=int, default=100, help="how many objects (default 100)")
    burst.add_argument("--concurrency", type=int, default=16, help="upload workers (default 16, at most 64)")
    burst.add_argument("--file", type=Path, help="upload this file's content (default: a small text)")
    burst.add_argument("--prefix", default="burst/", help="key prefix (default burst/)")
    burst.add_argument("--wait", type=float, default=120.0, help="seconds to wait for every event (default 120)")

    flow = command(
        "map",
        "print the event-flow map: buckets → queues → functions → DLQs, as configured",
        "Draw how events travel, from the live configuration: bucket notifications, "
        "event source mappings and redrive policies, with queue depths and recent runs; "
        "broken links are marked ✗ with the reason.",
    )
    flow.add_argument("--format", choices=("text", "mermaid"), default="text", help="text (default) or a Mermaid graph")
    flow.add_argument("--only", metavar="NAME", help="only what is connected to this bucket, queue or function")
    flow.add_argument("--no-activity", action="store_true", help="skip reading the logs for runs and errors")

    config = commands.add_parser(
        "config",
        help="where lstui's config file is, and writing it (init, add-profile)",
        description="lstui's config file (TOML; LSTUI_CONFIG points elsewhere). lstui writes it readable "
        "by you only (mode 600) and never rewrites what you wrote: add-profile appends.",
    )
    actions = config.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    actions.add_parser("path", help="print the config file's path")
    actions.add_parser("show", help="print the profiles and settings lstui reads from it")
    actions.add_parser("init", help="write a starter config (never over an existing file)")
    add = actions.add_parser("add-profile", help="append a profile (the file is created if missing)")
    add.add_argument("name", help="the profile's name (letters, digits, - and _)")
    add.add_argument("--endpoint-url", help="e.g. http://localhost:4566")
    add.add_argument("--region", help="e.g. us-east-1")
    add.add_argument("--aws-profile", help="an AWS profile (~/.aws) for the credentials")
    add.add_argument(
        "--access-key-id", help="stored in the file (mode 600); the secret key is then asked for, or read from stdin"
    )
    add.add_argument("--secret-access-key", help="the secret key on the command line (shown by ps: prefer the prompt)")
    add.add_argument("--allow-remote", action="store_true", help="allow changes if the endpoint is not local")
    add.add_argument("--default", action="store_true", help="make it the default profile")

    logs = command("logs", "print a function's CloudWatch log lines")
    logs.add_argument("function", help="function name (or a log group starting with /)")
    logs.add_argument("--follow", "-f", action="store_true", help="keep printing new lines")
    logs.add_argument("--since", default="10m", help="how far back: 30s, 10m, 2h, 1d or an ISO time (default 10m)")
    logs.add_argument("--filter", dest="pattern", help="a CloudWatch filter pattern")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return run_tui(args)
    if args.command == "server":
        from localstack_tui.cli.server import run_server

        return run_server(args)
    if args.command == "config":
        from localstack_tui.cli.config_command import run_config

        return run_config(args)
    from localstack_tui.cli.commands import run_command
    from localstack_tui.core.errors import LstuiError

    try:
        return run_command(args)
    except LstuiError as exc:
        print(f"lstui {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `lstui map | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # never a traceback for a user, unless asked
        if os.environ.get("LSTUI_DEBUG"):
            traceback.print_exc()
        print(f"lstui {args.command}: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def run_tui(args: argparse.Namespace) -> int:
    """`lstui` alone: the explorer. Stops an embedded LocalStack it started unless asked to keep it."""
    from localstack_tui.ui.startup import pause_gc, resume_gc

    pause_gc()  # the app resumes it once its panes are filled
    from localstack_tui.core.config import load_config_for
    from localstack_tui.core.connection import resolve_connection
    from localstack_tui.core.errors import LstuiError

    try:
        config, warnings = load_config_for(args.profile)  # a broken file: the defaults, and the app says why
        connection = resolve_connection(
            endpoint_url=args.endpoint_url,
            region=args.region,
            profile=args.profile,
            allow_remote=args.allow_remote,
            config=config,
        )
    except LstuiError as exc:
        resume_gc()
        print(f"lstui: {exc}", file=sys.stderr)
        return 1
    from localstack_tui.ui.app import LstuiApp

    app = LstuiApp(connection, config)
    app.startup_warnings = warnings
    try:
        app.run()
    finally:
        resume_gc()
    server = app.background_server
    if server is not None and server.running():
        if app.keep_server:
            print(f"lstui: the embedded LocalStack keeps running at {server.endpoint_url}")
        else:
            print("lstui: stopping the embedded LocalStack…", file=sys.stderr)
            server.stop()
    return 0


def run() -> None:
    """Console-script entry point."""
    from localstack_tui.cli.interrupts import install_sigint

    install_sigint()
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C before a command had set up its own handling
        sys.exit(130)

"""The `lstui` command line."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType

from localstack_tui import __version__


class _StopRequested(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the SIGTERM handler to unwind into a clean stop."""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lstui",
        description="A keyboard-driven terminal explorer for LocalStack.",
    )
    parser.add_argument("--version", action="version", version=f"lstui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

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
        "--persist", action="store_true", help="keep resources across restarts (LocalStack PERSISTENCE=1)"
    )
    server.add_argument("--verbose", "-v", action="store_true", help="also print LocalStack's log here")
    return parser


def _run_server(args: argparse.Namespace) -> int:
    from localstack_tui.embedded.requirements import python_too_old

    problem = python_too_old()
    if problem:
        print(f"lstui server: {problem}", file=sys.stderr)
        return 1
    from localstack_tui.embedded.server import (
        EmbeddedServer,
        ServerError,
        ServerSettings,
        default_data_dir,
    )

    if not 0 < args.port < 65536:
        print(f"lstui server: --port must be between 1 and 65535, not {args.port}", file=sys.stderr)
        return 2
    settings = ServerSettings(
        host=args.host,
        port=args.port,
        data_dir=(args.data_dir or default_data_dir()).expanduser().resolve(),
        persist=args.persist,
    )
    echo = (lambda line: print(line, file=sys.stderr, flush=True)) if args.verbose else None
    server = EmbeddedServer(settings, echo=echo)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise _StopRequested

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        seconds = server.start()
        print(
            f"lstui server ready at {settings.endpoint_url} ({seconds:.1f} s; log: {settings.log_path})",
            flush=True,
        )
        status = server.wait()
        print(f"lstui server: LocalStack exited with status {status}", file=sys.stderr)
        return 1
    except ServerError as exc:
        print(f"lstui server: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, _StopRequested):
        print("lstui server: stopping…", file=sys.stderr, flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        server.stop()
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "server":
        return _run_server(args)
    parser.print_help()
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()

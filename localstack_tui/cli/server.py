"""`lstui server`: run the embedded LocalStack in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys

from localstack_tui.cli.interrupts import STOP, StopRequested, install_sigterm

PERSIST_UNAVAILABLE = (
    "--persist is not available: persistence is a LocalStack Pro feature, and the community LocalStack "
    "that lstui embeds keeps its state in memory (a restart starts empty; re-create with lstui's wizards or CLI)"
)


def run_server(args: argparse.Namespace) -> int:
    from localstack_tui.embedded.requirements import python_too_old

    problem = python_too_old()
    if problem:
        print(f"lstui server: {problem}", file=sys.stderr)
        return 1
    from localstack_tui.embedded.server import (
        EmbeddedServer,
        Interrupted,
        ServerError,
        ServerSettings,
        default_data_dir,
    )

    if not 0 < args.port < 65536:
        print(f"lstui server: --port must be between 1 and 65535, not {args.port}", file=sys.stderr)
        return 2
    if args.persist:
        print(f"lstui server: {PERSIST_UNAVAILABLE}", file=sys.stderr)
        return 2
    settings = ServerSettings(
        host=args.host,
        port=args.port,
        data_dir=(args.data_dir or default_data_dir()).expanduser().resolve(),
        persist=args.persist,
    )
    echo = (lambda line: print(line, file=sys.stderr, flush=True)) if args.verbose else None
    server = EmbeddedServer(settings, echo=echo)

    previous = install_sigterm()
    ready = False
    try:
        if STOP.is_set():  # a Ctrl-C during the imports above, its exception lost (see cli.interrupts)
            raise Interrupted
        seconds = server.start(stop=STOP)
        ready = True
        print(
            f"lstui server ready at {settings.endpoint_url} ({seconds:.1f} s; log: {settings.log_path})",
            flush=True,
        )
        status = server.wait(stop=STOP)
        print(f"lstui server: LocalStack exited with status {status}", file=sys.stderr)
        return 1
    except ServerError as exc:
        print(f"lstui server: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, StopRequested, Interrupted):
        if not ready:  # stopped before it served anything: say so, and exit as interrupted
            print("lstui server: interrupted before LocalStack was ready; stopping it…", file=sys.stderr, flush=True)
            return 130
        print("lstui server: stopping…", file=sys.stderr, flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        server.stop()
        signal.signal(signal.SIGTERM, previous)

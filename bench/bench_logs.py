"""A handler's print → the line visible: `lstui logs --follow` against polling with awscli.

Run:  uv run python bench/bench_logs.py [--rounds 10]

One run: an embedded server and a function that prints a marker. Each round
invokes it (as an event) and times until the marker shows in a running
`lstui logs FUNCTION --follow`, and until `aws logs filter-log-events` (run in a
loop, as a user without a tailer would) shows it. Writes bench/results/logs.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

from harness import AWS_BIN, AWSCLI_ENV, ROOT, local_client, median_p90, start_server, stop_server

HANDLER = "def lambda_handler(event, context):\n    print('marker', event['marker'])\n    return 1\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    env = AWSCLI_ENV
    aws_bin = AWS_BIN
    with tempfile.TemporaryDirectory(prefix="lstui-logs-") as tmp:
        server, port, _ = start_server(Path(tmp) / "data")
        endpoint = f"http://127.0.0.1:{port}"
        lam = local_client("lambda", endpoint)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("lambda_function.py", HANDLER)
        lam.create_function(
            FunctionName="printer",
            Runtime="python3.9",
            Handler="lambda_function.lambda_handler",
            Role="arn:aws:iam::000000000000:role/fake-role",
            Code={"ZipFile": buffer.getvalue()},
        )
        while lam.get_function_configuration(FunctionName="printer")["State"] != "Active":
            time.sleep(0.05)
        lam.invoke(FunctionName="printer", Payload=json.dumps({"marker": "warm"}).encode())
        lines: queue.Queue[tuple[float, str]] = queue.Queue()
        follower = subprocess.Popen(
            [sys.executable, "-m", "localstack_tui.cli", "logs", "printer", "--follow", "--endpoint-url", endpoint],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )

        def read() -> None:
            assert follower.stdout is not None
            for line in follower.stdout:
                lines.put((time.perf_counter(), line))

        threading.Thread(target=read, daemon=True).start()
        time.sleep(3)
        lstui: list[float] = []
        awscli: list[float] = []
        try:
            for _ in range(args.rounds):
                marker = uuid.uuid4().hex[:10]
                started = time.perf_counter()
                lam.invoke(
                    FunctionName="printer", InvocationType="Event", Payload=json.dumps({"marker": marker}).encode()
                )
                while True:
                    when, line = lines.get(timeout=30)
                    if marker in line:
                        lstui.append(when - started)
                        break
                time.sleep(2.5)  # let the follower back off, as it would between a user's saves
                marker = uuid.uuid4().hex[:10]
                started = time.perf_counter()
                lam.invoke(
                    FunctionName="printer", InvocationType="Event", Payload=json.dumps({"marker": marker}).encode()
                )
                command = [
                    aws_bin,
                    "--endpoint-url",
                    endpoint,
                    "logs",
                    "filter-log-events",
                    "--log-group-name",
                    "/aws/lambda/printer",
                ]
                while marker not in subprocess.run(command, env=env, capture_output=True, text=True).stdout:
                    pass
                awscli.append(time.perf_counter() - started)
        finally:
            follower.send_signal(signal.SIGINT)
            follower.wait(timeout=10)
            stop_server(server)
    (lm, lp), (am, ap) = median_p90(lstui), median_p90(awscli)
    text = "\n".join(
        [
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, "
            f"{args.rounds} rounds; "
            f"command: `uv run python bench/bench_logs.py --rounds {args.rounds}`",
            "",
            "| a handler's print → the line visible | median | p90 | n |",
            "|---|---:|---:|---:|",
            "| `lstui logs FUNCTION --follow` (already running, idle 2.5 s before each print) | "
            f"{lm:.0f} ms | {lp:.0f} ms | {len(lstui)} |",
            "| `aws logs filter-log-events` run in a loop until the line shows | "
            f"{am:.0f} ms | {ap:.0f} ms | {len(awscli)} |",
            f"| ratio (target < 500 ms and ≤ 0.5× awslogs' 1 s polling) | {lm / am:.2f}× | | |",
            "",
        ]
    )
    (ROOT / "bench" / "results" / "logs.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

"""Save → the new code answers an invoke: `lstui deploy --watch` against the seed's manual loop.

Run:  uv run python bench/bench_devloop.py [--rounds 10]

In one run: an embedded server; a `lstui deploy --watch` process; each round
rewrites the handler and times until an invoke returns the new version. Then the
same with the seed's loop by hand: zip, `aws lambda update-function-code`,
`aws lambda wait function-updated-v2`, `aws lambda invoke`. Writes bench/results/devloop.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import AWS_BIN, AWSCLI_ENV, ROOT, local_client, median_p90, start_server, stop_server

HANDLER = "def lambda_handler(event, context):\n    return {'version': VERSION}\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    env = AWSCLI_ENV
    aws_bin = AWS_BIN
    with tempfile.TemporaryDirectory(prefix="lstui-devloop-") as tmp:
        work = Path(tmp)
        server, port, _ = start_server(work / "data")
        endpoint = f"http://127.0.0.1:{port}"
        lam = local_client("lambda", endpoint)

        def answers(name: str) -> int:
            return int(json.loads(lam.invoke(FunctionName=name)["Payload"].read())["version"])

        try:
            source = work / "watched" / "lambda_function.py"
            source.parent.mkdir()
            source.write_text(HANDLER.replace("VERSION", "0"))
            watcher = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "localstack_tui.cli",
                    "deploy",
                    str(source.parent),
                    "--function",
                    "watched",
                    "--endpoint-url",
                    endpoint,
                    "--watch",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=ROOT,
            )
            assert watcher.stdout is not None
            for line in watcher.stdout:
                if "watching" in line:
                    break
            answers("watched")
            lstui: list[float] = []
            for n in range(1, args.rounds + 1):
                time.sleep(0.5)
                started = time.perf_counter()
                source.write_text(HANDLER.replace("VERSION", str(n)))
                while answers("watched") != n:
                    time.sleep(0.01)
                lstui.append(time.perf_counter() - started)
            watcher.send_signal(signal.SIGINT)
            watcher.wait(timeout=20)

            manual_src = work / "manual" / "lambda_function.py"
            manual_src.parent.mkdir()
            manual_src.write_text(HANDLER.replace("VERSION", "0"))
            archive = work / "function.zip"
            subprocess.run([sys.executable, "-m", "zipfile", "-c", str(archive), str(manual_src)], check=True)
            lam.create_function(
                FunctionName="manual",
                Runtime="python3.9",
                Handler="lambda_function.lambda_handler",
                Role="arn:aws:iam::000000000000:role/fake-role",
                Code={"ZipFile": archive.read_bytes()},
            )
            subprocess.run(
                [
                    aws_bin,
                    "--endpoint-url",
                    endpoint,
                    "lambda",
                    "wait",
                    "function-active-v2",
                    "--function-name",
                    "manual",
                ],
                env=env,
                check=True,
            )
            manual: list[float] = []
            out = work / "out.json"
            for n in range(1, args.rounds + 1):
                started = time.perf_counter()
                manual_src.write_text(HANDLER.replace("VERSION", str(n)))
                archive.unlink()
                if shutil.which("zip"):
                    subprocess.run(["zip", "-q", "-j", str(archive), str(manual_src)], check=True)
                else:
                    subprocess.run([sys.executable, "-m", "zipfile", "-c", str(archive), str(manual_src)], check=True)
                aws = [aws_bin, "--endpoint-url", endpoint, "lambda"]
                subprocess.run(
                    [*aws, "update-function-code", "--function-name", "manual", "--zip-file", f"fileb://{archive}"],
                    env=env,
                    check=True,
                    capture_output=True,
                )
                subprocess.run([*aws, "wait", "function-updated-v2", "--function-name", "manual"], env=env, check=True)
                subprocess.run(
                    [*aws, "invoke", "--function-name", "manual", str(out)], env=env, check=True, capture_output=True
                )
                assert json.loads(out.read_text())["version"] == n
                manual.append(time.perf_counter() - started)
        finally:
            stop_server(server)
    (lm, lp), (mm, mp) = median_p90(lstui), median_p90(manual)
    text = "\n".join(
        [
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, "
            f"{args.rounds} rounds; "
            f"command: `uv run python bench/bench_devloop.py --rounds {args.rounds}`",
            "",
            "| save → the new code answers an invoke | median | p90 | n |",
            "|---|---:|---:|---:|",
            f"| `lstui deploy --watch` | {lm:.0f} ms | {lp:.0f} ms | {len(lstui)} |",
            "| by hand: zip + `aws lambda update-function-code` + `aws lambda wait function-updated-v2` + "
            f"`aws lambda invoke` | {mm:.0f} ms | {mp:.0f} ms | {len(manual)} |",
            f"| ratio (target ≤ 0.3×, and under 500 ms) | {lm / mm:.2f}× | {lp / mp:.2f}× | |",
            "",
        ]
    )
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "devloop.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

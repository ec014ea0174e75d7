"""Benchmarks of `lstui server` and its host-process Lambda executor.

Run:  uv run python bench/bench_server.py [--rounds 10]

Everything is measured in one run on this machine, side by side with the seed
tutorial's awscli commands for the same steps, and reported as medians (and
p90) because the machine is noisy. Writes bench/results/server.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

from harness import AWS_BIN, AWSCLI_ENV, ROOT, local_client, start_server, stop_server, timed, tree_rss_mib

ROLE = "arn:aws:iam::000000000000:role/fake-role"
SEED_HANDLER = (
    "def lambda_handler(event, context):\n"
    "    for record in event.get('Records', []):\n"
    "        print('Received S3 event:', record['s3']['object']['key'])\n"
    "    return {'statusCode': 200, 'version': 'VERSION'}\n"
)


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lambda_function.py", source)
    return buffer.getvalue()


def wait_active(lam: Any, name: str) -> None:
    while True:
        config = lam.get_function_configuration(FunctionName=name)
        if config["State"] == "Active" and config.get("LastUpdateStatus") in (None, "Successful"):
            return
        if config["State"] == "Failed":
            raise RuntimeError(config.get("StateReason"))
        time.sleep(0.01)


def summary(values: list[float], unit: str = "ms") -> dict[str, float]:
    scale = 1000 if unit == "ms" else 1
    ordered = sorted(v * scale for v in values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p90": p90, "n": len(ordered)}


class Bench:
    def __init__(self, port: int, rounds: int, workdir: Path) -> None:
        self.endpoint = f"http://127.0.0.1:{port}"
        self.rounds = rounds
        self.workdir = workdir
        self.s3 = local_client("s3", self.endpoint)
        self.lam = local_client("lambda", self.endpoint)
        self.logs = local_client("logs", self.endpoint)
        self.aws_env = AWSCLI_ENV
        self.aws_bin = AWS_BIN

    def aws(self, *args: str) -> str:
        result = subprocess.run(
            [self.aws_bin, "--endpoint-url", self.endpoint, *args],
            env=self.aws_env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def create(self, name: str, version: str = "v1") -> None:
        self.lam.create_function(
            FunctionName=name,
            Runtime="python3.9",
            Handler="lambda_function.lambda_handler",
            Role=ROLE,
            Code={"ZipFile": zipped(SEED_HANDLER.replace("VERSION", version))},
        )
        wait_active(self.lam, name)

    def invoke(self, name: str) -> dict[str, Any]:
        response = self.lam.invoke(FunctionName=name, Payload=b"{}")
        result: dict[str, Any] = json.loads(response["Payload"].read())
        return result

    # -- measurements ----------------------------------------------------------
    def create_to_active(self) -> list[float]:
        return [timed(lambda: self.create(f"create-{uuid.uuid4().hex[:8]}")) for _ in range(self.rounds)]

    def cold_invoke(self) -> list[float]:
        samples = []
        for _ in range(self.rounds):
            name = f"cold-{uuid.uuid4().hex[:8]}"
            self.create(name)
            samples.append(timed(lambda: self.invoke(name)))  # noqa: B023 - called at once
        return samples

    def warm_invoke(self, name: str) -> list[float]:
        self.invoke(name)
        return [timed(lambda: self.invoke(name)) for _ in range(max(50, self.rounds))]

    def awscli_invoke(self, name: str) -> list[float]:
        out = self.workdir / "out.json"
        return [
            timed(lambda: self.aws("lambda", "invoke", "--function-name", name, str(out))) for _ in range(self.rounds)
        ]

    def upload_to_log(self, wired: bool = True) -> tuple[str, str]:
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        name = f"seed-{uuid.uuid4().hex[:8]}"
        self.s3.create_bucket(Bucket=bucket)
        self.create(name)
        arn = self.lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        self.s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]
            },
        )
        return bucket, name

    def seen_in_logs(self, name: str, key: str, start_ms: int) -> bool:
        try:
            events = self.logs.filter_log_events(logGroupName=f"/aws/lambda/{name}", startTime=start_ms)
        except self.logs.exceptions.ResourceNotFoundException:
            return False
        return any(key in event["message"] for event in events["events"])

    def upload_to_log_boto3(self, bucket: str, name: str) -> list[float]:
        self.s3.put_object(Bucket=bucket, Key="warmup.txt", Body=b"x")
        samples = []
        for _ in range(self.rounds):
            key = f"test-{uuid.uuid4().hex[:8]}.txt"
            start_ms = int(time.time() * 1000) - 1000
            started = time.perf_counter()
            self.s3.put_object(Bucket=bucket, Key=key, Body=b"Hello LocalStack\n")
            while not self.seen_in_logs(name, key, start_ms):
                time.sleep(0.005)
            samples.append(time.perf_counter() - started)
        return samples

    def upload_to_log_awscli(self, bucket: str, name: str) -> list[float]:
        """The seed's way: `aws s3 cp`, then `aws logs filter-log-events` until the line shows."""
        test_file = self.workdir / "test.txt"
        test_file.write_text("Hello LocalStack\n")
        samples = []
        for _ in range(self.rounds):
            key = f"cli-{uuid.uuid4().hex[:8]}.txt"
            started = time.perf_counter()
            self.aws("s3", "cp", str(test_file), f"s3://{bucket}/{key}")
            while key not in self.aws("logs", "filter-log-events", "--log-group-name", f"/aws/lambda/{name}"):
                pass
            samples.append(time.perf_counter() - started)
        return samples

    def update_to_new_code(self) -> list[float]:
        name = f"update-{uuid.uuid4().hex[:8]}"
        self.create(name, "v0")
        self.invoke(name)
        samples = []
        for round_ in range(1, self.rounds + 1):
            version = f"v{round_}"
            code = zipped(SEED_HANDLER.replace("VERSION", version))
            started = time.perf_counter()
            self.lam.update_function_code(FunctionName=name, ZipFile=code)
            wait_active(self.lam, name)
            while self.invoke(name).get("version") != version:
                time.sleep(0.005)
            samples.append(time.perf_counter() - started)
        return samples

    def update_awscli(self) -> list[float]:
        """The seed's way: zip, `aws lambda update-function-code`, wait, `aws lambda invoke`."""
        name = f"cli-update-{uuid.uuid4().hex[:8]}"
        self.create(name, "v0")
        source = self.workdir / "lambda_function.py"
        archive = self.workdir / "function.zip"
        out = self.workdir / "out.json"
        samples = []
        for round_ in range(1, self.rounds + 1):
            version = f"v{round_}"
            source.write_text(SEED_HANDLER.replace("VERSION", version))
            started = time.perf_counter()
            archive.unlink(missing_ok=True)
            if shutil.which("zip"):
                subprocess.run(["zip", "-q", "-j", str(archive), str(source)], check=True)
            else:  # no zip(1) on this machine: the stdlib's zip CLI does the same
                subprocess.run([sys.executable, "-m", "zipfile", "-c", str(archive), str(source)], check=True)
            self.aws("lambda", "update-function-code", "--function-name", name, "--zip-file", f"fileb://{archive}")
            self.aws("lambda", "wait", "function-updated-v2", "--function-name", name)
            self.aws("lambda", "invoke", "--function-name", name, str(out))
            assert json.loads(out.read_text())["version"] == version
            samples.append(time.perf_counter() - started)
        return samples


def number(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "server.md")
    args = parser.parse_args()
    rounds: int = args.rounds
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="lstui-bench-") as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "data"
        # Start to ready, and stop, over several rounds (the first start writes caches).
        start_process, _, _ = start_server(data_dir)
        stop_server(start_process)
        starts, stops = [], []
        for _ in range(rounds):
            process, _, seconds = start_server(data_dir)
            starts.append(seconds)
            stops.append(stop_server(process))
        results["lstui server: start → ready"] = summary(starts, "s")
        results["lstui server: SIGTERM → every process gone"] = summary(stops, "s")

        process, port, _ = start_server(data_dir)
        try:
            time.sleep(3)
            results["idle RSS, MiB (server + LocalStack)"] = summary([tree_rss_mib(process.pid) for _ in range(5)], "s")
            bench = Bench(port, rounds, workdir)
            results["create-function → Active (boto3)"] = summary(bench.create_to_active())
            results["cold invoke (boto3)"] = summary(bench.cold_invoke())
            warm_name = f"warm-{uuid.uuid4().hex[:8]}"
            bench.create(warm_name)
            results["warm invoke (boto3)"] = summary(bench.warm_invoke(warm_name))
            results["warm invoke (aws lambda invoke)"] = summary(bench.awscli_invoke(warm_name))
            bucket, name = bench.upload_to_log()
            results["S3 upload → line in CloudWatch Logs (boto3)"] = summary(bench.upload_to_log_boto3(bucket, name))
            results["S3 upload → line in CloudWatch Logs (aws s3 cp + aws logs)"] = summary(
                bench.upload_to_log_awscli(bucket, name)
            )
            results["update-function-code → new code answering (boto3)"] = summary(bench.update_to_new_code())
            results["update → new code answering (zip + aws cli, the seed's way)"] = summary(bench.update_awscli())
            results["RSS after the run, MiB (server + LocalStack + warm handlers)"] = summary(
                [tree_rss_mib(process.pid)], "s"
            )
        finally:
            stop_server(process)

    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, "
        f"{rounds} rounds; command: `uv run python bench/bench_server.py --rounds {rounds}`",
        "",
        "| measurement | median | p90 | n |",
        "|---|---:|---:|---:|",
    ]
    for label, stats in results.items():
        unit = "s" if "→ ready" in label or "gone" in label else ("" if "MiB" in label else "ms")
        lines.append(
            f"| {label} | {number(stats['median'])} {unit} | {number(stats['p90'])} {unit} | {stats['n']:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    threading.excepthook = lambda hook_args: None
    main()

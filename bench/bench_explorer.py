"""Benchmarks of the lstui explorer (the TUI), headless, against `lstui server`.

Run:  uv run python bench/bench_explorer.py [--rounds 10]

Everything is measured in one run on this machine, side by side with the awscli
commands a user would run instead, and reported as medians (and p90) because
the machine is noisy. Each lstui sample is a fresh Python process running the
app headless (Textual's `run_test`), timed from just before it is spawned until
it reports that its panes show what the server holds. Writes
bench/results/explorer.md.

1. start → the bucket, queue and function lists all filled (20 buckets, 10
   queues, 10 functions), against `aws s3 ls` + `aws sqs list-queues` +
   `aws lambda list-functions` run one after another;
2. the app's RSS, and its start → listed time, with 1,000 buckets;
3. the app's RSS with a 100,000-object bucket open, the time from opening it
   to its first page shown, and how many tree nodes it loaded (one page, not
   the bucket), against `aws s3 ls s3://BUCKET/`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from harness import AWS_BIN, AWSCLI_ENV, ROOT, USER_ENV, local_client, start_server, stop_server, timed, tree_rss_mib

N_BUCKETS, N_QUEUES, N_FUNCTIONS = 20, 10, 10
MANY_BUCKETS = 1_000
BIG_OBJECTS, TOP_OBJECTS = 100_000, 2_000
BIG_BUCKET = "bench-zbig-objects"  # sorts last: not the bucket opened at start
HANDLER = "def lambda_handler(event, context):\n    return {'statusCode': 200}\n"

# The headless app, in a fresh process: argv = endpoint, mode, mode's arguments.
# It prints one JSON line per result; "FILLED" alone as soon as the panes are full.
APP_SCRIPT = r"""
import asyncio, json, sys, time
t0 = time.perf_counter()
from localstack_tui.ui.startup import pause_gc
pause_gc()  # as `lstui` does before importing the UI
from localstack_tui.core.config import Config
from localstack_tui.core.connection import Connection
from localstack_tui.ui.app import LstuiApp
from localstack_tui.ui.widgets.bucket_detail import BucketDetail
from localstack_tui.ui.widgets.lists import BucketList, FunctionList, QueueList
from textual.widgets import Tree
t_imported = time.perf_counter()
endpoint, mode, *rest = sys.argv[1:]
DEADLINE = 300.0


def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def say(**fields):
    print(json.dumps(fields), flush=True)


def count_nodes(node):
    kinds = {}
    todo = list(node.children)
    while todo:
        current = todo.pop()
        kind = current.data.kind if current.data is not None else "label"
        kinds[kind] = kinds.get(kind, 0) + 1
        todo.extend(current.children)
    return kinds


async def wait_for(pilot, app, ready, what):
    started = time.perf_counter()
    while True:
        main = app.main_screen
        try:
            if main is not None and ready(main):
                return
        except Exception:  # the screen is still being composed
            pass
        if time.perf_counter() - started > DEADLINE:
            state = {}
            if main is not None:
                for kind in (BucketList, QueueList, FunctionList):
                    try:
                        pane = main.query_one(kind)
                        state[kind.__name__] = [len(pane.items), str(pane.query_one(".list-status").render())]
                    except Exception as exc:
                        state[kind.__name__] = repr(exc)
            say(error=f"timed out waiting for {what}", state=state)
            sys.exit(1)
        await pilot.pause(0.02)


async def main():
    app = LstuiApp(Connection(endpoint_url=endpoint, access_key_id="test", secret_access_key="test"), Config())
    async with app.run_test(size=(160, 48)) as pilot:
        if mode == "fill":
            want = dict(zip((BucketList, QueueList, FunctionList), map(int, rest)))
            await wait_for(
                pilot, app, lambda m: all(len(m.query_one(k).items) == n for k, n in want.items()), "the panes"
            )
            t_filled = time.perf_counter()
            print("FILLED", flush=True)
            await pilot.pause(1.0)
            say(imports=t_imported - t0, filled=t_filled - t0, rss=rss_mib())
        elif mode == "buckets":
            want = int(rest[0])
            await wait_for(pilot, app, lambda m: len(m.query_one(BucketList).items) >= want, "the buckets")
            t_filled = time.perf_counter()
            print("FILLED", flush=True)
            await pilot.pause(1.0)
            say(imports=t_imported - t0, filled=t_filled - t0, rss=rss_mib())
        elif mode == "open":
            bucket = rest[0]
            await wait_for(
                pilot, app, lambda m: any(b.name == bucket for b in m.query_one(BucketList).items), "the bucket"
            )
            main = app.main_screen
            detail = main.query_one(BucketDetail)
            tree = detail.query_one(Tree)
            # The list opens its first (small) bucket by itself: let that finish, then settle.
            await wait_for(pilot, app, lambda m: detail.bucket is None or bool(tree.root.children), "the first bucket")
            await pilot.pause(0.5)
            rss_before = rss_mib()
            old_root = tree.root
            t_jump = time.perf_counter()
            assert main.jump_to("bucket", bucket), "jump_to refused the bucket"
            # show() replaces the tree's root: wait for the new root to get the first page.
            await wait_for(
                pilot,
                app,
                lambda m: detail.bucket == bucket and tree.root is not old_root and bool(tree.root.children),
                "the first page",
            )
            t_page = time.perf_counter()
            print("FILLED", flush=True)
            await pilot.pause(1.0)
            say(
                imports=t_imported - t0,
                page=t_page - t_jump,
                shown=t_page - t0,
                rss_before=rss_before,
                rss=rss_mib(),
                nodes=count_nodes(tree.root),
            )
    # Leave without waiting for the worker threads still polling (their sockets just close).
    sys.stdout.flush()


asyncio.run(main())
"""


def summary(values: list[float], scale: float = 1000) -> dict[str, float]:
    ordered = sorted(v * scale for v in values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p90": p90, "n": len(ordered)}


def in_parallel(fn: Callable[[Any], Any], items: Iterable[Any], workers: int = 16, label: str = "") -> None:
    items = list(items)
    done = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(fn, items):
            done += 1
            if label and (done % 10_000 == 0 or done == len(items)):
                rate = done / (time.perf_counter() - started)
                print(f"  {label}: {done:,}/{len(items):,} ({rate:.0f}/s)", flush=True)


class Bench:
    def __init__(self, port: int, workdir: Path) -> None:
        self.endpoint = f"http://127.0.0.1:{port}"
        self.workdir = workdir
        self.s3 = local_client("s3", self.endpoint, seeding=True)
        self.sqs = local_client("sqs", self.endpoint, seeding=True)
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

    def app(self, mode: str, *args: object) -> tuple[float, dict[str, Any]]:
        """Run the headless app; seconds from spawn to "FILLED", and what it reported after."""
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", APP_SCRIPT, self.endpoint, mode, *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**USER_ENV, "LSTUI_CONFIG": str(self.workdir / "no-config.toml")},
        )
        assert process.stdout is not None
        filled: float | None = None
        report: dict[str, Any] = {}
        for line in process.stdout:
            if line.strip() == "FILLED":
                filled = time.perf_counter() - started
            elif line.startswith("{"):
                report = json.loads(line)
        stderr = process.stderr.read() if process.stderr else ""
        status = process.wait(timeout=120)
        if filled is None or status != 0 or "error" in report:
            raise RuntimeError(f"headless lstui ({mode}) failed, status {status}: {report}\n{stderr[-3000:]}")
        return filled, report

    # -- the world -----------------------------------------------------------------------------
    def seed_small_world(self) -> None:
        from localstack_tui.core.connection import AwsClients, Connection
        from localstack_tui.core.functions import DeploySpec, deploy_function

        in_parallel(lambda i: self.s3.create_bucket(Bucket=f"bench-bucket-{i:02}"), range(N_BUCKETS))
        for i in range(N_BUCKETS):
            self.s3.put_object(Bucket=f"bench-bucket-{i:02}", Key=f"hello-{i}.txt", Body=b"hello\n")
        for i in range(N_QUEUES):
            self.sqs.create_queue(QueueName=f"bench-queue-{i:02}")
        source = self.workdir / "handler.py"
        source.write_text(HANDLER)
        clients = AwsClients(Connection(endpoint_url=self.endpoint, access_key_id="test", secret_access_key="test"))
        for i in range(N_FUNCTIONS):
            deploy_function(clients, DeploySpec(source, f"bench-function-{i:02}"))

    def bucket_count(self) -> int:
        return len(self.s3.list_buckets()["Buckets"])

    # -- measurements ----------------------------------------------------------------------------
    def three_listings(self) -> None:
        out = self.aws("s3", "ls")
        assert out.count("bench-bucket-") == N_BUCKETS, out
        self.aws("sqs", "list-queues")
        self.aws("lambda", "list-functions")

    def start_to_filled(self, rounds: int) -> dict[str, list[float]]:
        counts = (N_BUCKETS, N_QUEUES, N_FUNCTIONS)
        self.app("fill", *counts)  # warm-up of both (disk caches, .pyc), not counted
        timed(self.three_listings)
        samples: dict[str, list[float]] = {"lstui": [], "awscli": [], "imports": [], "rss": []}
        for round_ in range(rounds):
            order = ("lstui", "awscli") if round_ % 2 == 0 else ("awscli", "lstui")
            for who in order:
                if who == "lstui":
                    seconds, report = self.app("fill", *counts)
                    samples["lstui"].append(seconds)
                    samples["imports"].append(report["imports"])
                    samples["rss"].append(report["rss"])
                else:
                    samples["awscli"].append(timed(self.three_listings))
        return samples

    def many_buckets(self, rounds: int) -> dict[str, list[float]]:
        existing = self.bucket_count()
        in_parallel(
            lambda i: self.s3.create_bucket(Bucket=f"bench-many-{i:04}"),
            range(MANY_BUCKETS - existing),
            label="buckets",
        )
        total = self.bucket_count()
        assert total == MANY_BUCKETS, total
        samples: dict[str, list[float]] = {"lstui": [], "rss": [], "awscli": []}
        for _ in range(rounds):
            seconds, report = self.app("buckets", total)
            samples["lstui"].append(seconds)
            samples["rss"].append(report["rss"])
            samples["awscli"].append(timed(lambda: self.aws("s3", "ls")))
        in_parallel(lambda i: self.s3.delete_bucket(Bucket=f"bench-many-{i:04}"), range(MANY_BUCKETS - existing))
        return samples

    def fill_big_bucket(self) -> float:
        self.s3.create_bucket(Bucket=BIG_BUCKET)
        keys = [f"top-{i:05}.txt" for i in range(TOP_OBJECTS)]
        keys += [f"p{i % 100:02}/obj-{i:06}" for i in range(BIG_OBJECTS)]
        started = time.perf_counter()
        in_parallel(
            lambda key: self.s3.put_object(Bucket=BIG_BUCKET, Key=key, Body=b"x"),
            keys,
            workers=16,
            label="objects",
        )
        return time.perf_counter() - started

    def open_big_bucket(self, rounds: int) -> dict[str, Any]:
        samples: dict[str, Any] = {"page": [], "shown": [], "rss": [], "rss_before": [], "awscli": [], "nodes": []}
        for _ in range(rounds):
            _, report = self.app("open", BIG_BUCKET)
            samples["page"].append(report["page"])
            samples["shown"].append(report["shown"])
            samples["rss"].append(report["rss"])
            samples["rss_before"].append(report["rss_before"])
            samples["nodes"].append(report["nodes"])
            started = time.perf_counter()
            out = self.aws("s3", "ls", f"s3://{BIG_BUCKET}/")
            samples["awscli"].append(time.perf_counter() - started)
            lines = out.splitlines()
            assert len(lines) == TOP_OBJECTS + 100, len(lines)
        return samples


def number(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--heavy-rounds", type=int, default=5, help="rounds of the 1,000-bucket and big-bucket runs")
    parser.add_argument(
        "--output", type=Path, help="default: bench/results/explorer.md, or explorer-start.md with --start-only"
    )
    parser.add_argument("--start-only", action="store_true", help="only measure start → panes filled (about 2 min)")
    args = parser.parse_args()
    rounds: int = args.rounds
    heavy: int = args.heavy_rounds
    rows: list[tuple[str, dict[str, float], str]] = []
    notes: list[str] = []
    bench_started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lstui-bench-") as tmp:
        workdir = Path(tmp)
        process, port, _ = start_server(workdir / "data")
        try:
            bench = Bench(port, workdir)
            print(
                f"server at {bench.endpoint}; seeding {N_BUCKETS} buckets, {N_QUEUES} queues, {N_FUNCTIONS} functions"
            )
            bench.seed_small_world()

            print(f"1. start → panes filled, {rounds} rounds interleaved")
            fill = bench.start_to_filled(rounds)
            lstui, awscli = summary(fill["lstui"]), summary(fill["awscli"])
            label = f"{N_BUCKETS} buckets, {N_QUEUES} queues, {N_FUNCTIONS} functions"
            rows.append((f"start → 3 panes filled, {label} (lstui headless)", lstui, "ms"))
            rows.append(("… of which Python start + imports (inside the app process)", summary(fill["imports"]), "ms"))
            rows.append(
                (
                    "the same three listings: `aws s3 ls` + `aws sqs list-queues` + `aws lambda list-functions`",
                    awscli,
                    "ms",
                )
            )
            ratio = {
                "median": lstui["median"] / awscli["median"],
                "p90": lstui["p90"] / awscli["p90"],
                "n": lstui["n"],
            }
            rows.append(("ratio lstui / awscli (target ≤ 0.5×)", ratio, "×"))
            rows.append(("app RSS, panes filled + 1 s, MiB", summary(fill["rss"], 1), ""))

            if not args.start_only:
                print(f"2. {MANY_BUCKETS:,} buckets, {heavy} rounds")
                many = bench.many_buckets(heavy)
                rows.append((f"start → {MANY_BUCKETS:,} buckets listed (lstui headless)", summary(many["lstui"]), "ms"))
                rows.append((f"`aws s3 ls` of {MANY_BUCKETS:,} buckets", summary(many["awscli"]), "ms"))
                rows.append((f"app RSS with {MANY_BUCKETS:,} buckets listed + 1 s, MiB", summary(many["rss"], 1), ""))

                total = BIG_OBJECTS + TOP_OBJECTS
                print(f"3. putting {total:,} objects into {BIG_BUCKET} (16 threads)")
                put_seconds = bench.fill_big_bucket()
                notes.append(
                    f"Seeding {total:,} objects took {put_seconds:.0f} s ({total / put_seconds:.0f} put_object/s, "
                    f"16 threads); server + LocalStack RSS afterwards: {tree_rss_mib(process.pid):.0f} MiB."
                )
                print(f"   opening it, {heavy} rounds")
                big = bench.open_big_bucket(heavy)
                name = f"{total:,}-object bucket"
                rows.append((f"open the {name}: jump → first page shown (lstui)", summary(big["page"]), "ms"))
                rows.append((f"… start → {name} first page shown (lstui, whole process)", summary(big["shown"]), "ms"))
                rows.append(
                    (
                        f"`aws s3 ls s3://{BIG_BUCKET}/` (one level: 100 prefixes + 2,000 objects)",
                        summary(big["awscli"]),
                        "ms",
                    )
                )
                rows.append(("app RSS before opening it (lists filled), MiB", summary(big["rss_before"], 1), ""))
                rows.append((f"app RSS with the {name} open + 1 s, MiB (target < 200)", summary(big["rss"], 1), ""))
                loaded = [sum(n.values()) for n in big["nodes"]]
                rows.append(("tree nodes loaded (target ≤ 600, i.e. one page)", summary(loaded, 1), ""))
                notes.append(f"Tree nodes by kind, last round: {json.dumps(big['nodes'][-1], sort_keys=True)}.")
        finally:
            stop_server(process)

    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, "
        f"{rounds} rounds ({heavy} for the 1,000-bucket and big-bucket runs); "
        f"command: `uv run python bench/bench_explorer.py --rounds {rounds}`",
        "",
        "Each lstui sample is a fresh Python process running the app headless (Textual `run_test`, 160×48), "
        "timed from just before it is spawned to its panes showing the rows; each awscli sample runs the commands "
        "one after another. One warm-up of each is not counted; lstui and awscli rounds alternate.",
        "",
        "| measurement | median | p90 | n |",
        "|---|---:|---:|---:|",
    ]
    for label, stats, unit in rows:
        if unit == "×":
            median, p90 = f"{stats['median']:.2f}×", f"{stats['p90']:.2f}×"
        else:
            median, p90 = f"{number(stats['median'])} {unit}".strip(), f"{number(stats['p90'])} {unit}".strip()
        lines.append(f"| {label} | {median} | {p90} | {stats['n']:.0f} |")
    lines += ["", *notes, f"The whole run took {(time.perf_counter() - bench_started) / 60:.1f} min."]
    text = "\n".join(lines) + "\n"
    output = args.output or ROOT / "bench" / "results" / ("explorer-start.md" if args.start_only else "explorer.md")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(text)


if __name__ == "__main__":
    threading.excepthook = lambda hook_args: None
    main()

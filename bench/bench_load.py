"""Is the TUI still quick with a big LocalStack? 1,000 buckets, 500 queues, 500 functions.

Run:  uv run python bench/bench_load.py [--rounds 5]

Each round is a fresh headless lstui process (Textual `run_test`, 160×48) that
waits for the three lists to fill, then presses a scripted series of keys — move
in each list, Tab between panes, type a filter, clear it, refresh — and times
each key from the moment it is posted to the moment the screen it changed has
been drawn (the app's own display call: no test-pilot idle wait in the figure).
Side by side, in the same run, what the same look costs with awscli: `aws s3 ls`,
`aws sqs list-queues`, `aws lambda list-functions`. Writes bench/results/load.md.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from harness import AWS_BIN, AWSCLI_ENV, ROOT, local_client, median_p90, run_headless, start_server, stop_server, timed

BUCKETS, QUEUES, FUNCTIONS = 1_000, 500, 500
KEYS = [
    *["down"] * 15,
    "tab",
    *["down"] * 15,
    "tab",
    *["down"] * 15,
    "shift+tab",
    "shift+tab",
    "slash",
    "l",
    "o",
    "a",
    "d",
    "escape",
    "r",
    "pagedown",
    "end",
    "home",
]

# --compare: the same keys with one of lstui's measures for them turned off (the script's `# OFF` line).
TURNED_OFF = {
    # background calls no longer step aside for the keys
    "priority": (
        "core/input_priority.py",
        "from localstack_tui.core.input_priority import INPUT_PRIORITY\nINPUT_PRIORITY.max_wait = 0.0",
    ),
    # Python's automatic garbage collector, not collections between keys
    "gc": (
        "ui/idle_gc.py",
        "from localstack_tui.ui.idle_gc import IdleCollector\nIdleCollector.take_over = lambda self: None",
    ),
}

APP_SCRIPT = r"""
import asyncio, json, sys, time
from localstack_tui.ui.startup import pause_gc
pause_gc()  # as `lstui` does before importing the UI (the app resumes it, freezing what start-up built)
from textual import events
from localstack_tui.core.config import Config
from localstack_tui.core.connection import Connection
from localstack_tui.ui.app import LstuiApp
# OFF
from localstack_tui.ui.widgets.lists import BucketList, FunctionList, QueueList

endpoint, counts, keys = sys.argv[1], list(map(int, sys.argv[2].split(","))), sys.argv[3].split(",")
drawn = []


def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def main():
    app = LstuiApp(Connection(endpoint_url=endpoint, access_key_id="test", secret_access_key="test"), Config())
    display = app._display

    def timed_display(screen, renderable):  # the app draws a frame: note when
        display(screen, renderable)
        drawn.append(time.perf_counter())

    app._display = timed_display
    async with app.run_test(size=(160, 48)) as pilot:
        started = time.perf_counter()
        while True:
            main = app.main_screen
            try:
                panes = (BucketList, QueueList, FunctionList)
                if main is not None and all(len(main.query_one(k).items) >= n for k, n in zip(panes, counts)):
                    break
            except Exception:
                pass
            if time.perf_counter() - started > 300:
                print(json.dumps({"error": "the lists did not fill"}))
                return
            await pilot.pause(0.05)
        filled = time.perf_counter() - started
        await pilot.pause(2.0)
        latencies = []
        for key in keys:
            await pilot.pause(0.15)  # let the previous key's work settle
            drawn.clear()
            char = {"slash": "/", "tab": "\t", "escape": "\x1b"}.get(key, key if len(key) == 1 else None)
            event = events.Key(key, char)
            event.set_sender(app)
            posted = time.perf_counter()
            app._driver.send_message(event)  # as the terminal driver delivers a key
            deadline = posted + 2.0
            while not drawn and time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
            latencies.append(drawn[0] - posted if drawn else None)  # None: nothing changed on screen
        print(json.dumps({"filled": filled, "latencies": latencies, "rss": rss_mib()}))


asyncio.run(main())
"""


def seed(endpoint: str) -> None:
    s3, sqs, lam = (local_client(service, endpoint, seeding=True) for service in ("s3", "sqs", "lambda"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lambda_function.py", "def lambda_handler(event, context):\n    return 1\n")
    code = buffer.getvalue()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: s3.create_bucket(Bucket=f"load-bucket-{i:04}"), range(BUCKETS)))
        list(pool.map(lambda i: sqs.create_queue(QueueName=f"load-queue-{i:03}"), range(QUEUES)))
        list(
            pool.map(
                lambda i: lam.create_function(
                    FunctionName=f"load-function-{i:03}",
                    Runtime="python3.12",
                    Handler="lambda_function.lambda_handler",
                    Role="arn:aws:iam::000000000000:role/fake-role",
                    Code={"ZipFile": code},
                ),
                range(FUNCTIONS),
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--compare",
        choices=sorted(TURNED_OFF),
        help="also run each round with this turned off: priority (background calls stepping aside for keys, "
        "core/input_priority) or gc (collections between keys, ui/idle_gc)",
    )
    args = parser.parse_args()
    bench_started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lstui-bench-load-") as tmp:
        workdir = Path(tmp)
        server, port, _ = start_server(workdir / "data")
        endpoint = f"http://127.0.0.1:{port}"
        try:
            print(f"seeding {BUCKETS} buckets, {QUEUES} queues, {FUNCTIONS} functions", flush=True)
            seed(endpoint)

            def app_round(off: str | None = None) -> dict[str, Any]:
                counts = f"{BUCKETS},{QUEUES},{FUNCTIONS}"
                script = APP_SCRIPT if off is None else APP_SCRIPT.replace("# OFF", TURNED_OFF[off][1])
                return run_headless(script, [endpoint, counts, ",".join(KEYS)], workdir)

            def listings() -> None:
                for command in (["s3", "ls"], ["sqs", "list-queues"], ["lambda", "list-functions"]):
                    subprocess.run(
                        [AWS_BIN, "--endpoint-url", endpoint, *command],
                        env=AWSCLI_ENV,
                        stdout=subprocess.DEVNULL,
                        check=True,
                    )

            app_round()  # warm-up of both, not counted
            listings()
            reports, aws_seconds, turned_off = [], [], []
            for number in range(args.rounds):
                reports.append(app_round())
                if args.compare:
                    turned_off.append(app_round(off=args.compare))
                aws_seconds.append(timed(listings))
                print(f"round {number + 1}/{args.rounds}", flush=True)
        finally:
            stop_server(server)

    latencies = [value for report in reports for value in report["latencies"] if value is not None]
    unchanged = sum(1 for report in reports for value in report["latencies"] if value is None)
    by_key: dict[str, list[float]] = {}
    for report in reports:
        for key, value in zip(KEYS, report["latencies"], strict=True):
            if value is not None:
                by_key.setdefault(key, []).append(value)
    filled = [report["filled"] for report in reports]
    slowest = max(latencies) * 1000
    over = sum(1 for value in latencies if value > 0.1)
    p99 = sorted(latencies)[round(0.99 * (len(latencies) - 1))] * 1000
    slow_keys = [
        f"`{key}` (key {index + 1}, round {number + 1}) {value * 1000:.0f} ms"
        for number, report in enumerate(reports)
        for index, (key, value) in enumerate(zip(KEYS, report["latencies"], strict=True))
        if value is not None and value > 0.1
    ]
    rows = [
        (
            "keypress → screen drawn (move, Tab, filter typing, Escape, refresh, page, end, home)",
            *median_p90(latencies),
            "ms",
            len(latencies),
        ),
        ("slowest keypress", slowest, slowest, "ms", len(latencies)),
        ("keypresses over 100 ms", float(over), float(over), "", len(latencies)),
        ("p99 keypress", p99, p99, "ms", len(latencies)),
        (
            "keypresses that changed nothing on screen (not timed)",
            float(unchanged),
            float(unchanged),
            "",
            len(latencies) + unchanged,
        ),
        ("lstui: start → 1,000 / 500 / 500 listed", *median_p90(filled), "ms", len(filled)),
        (
            "awscli: `aws s3 ls` + `aws sqs list-queues` + `aws lambda list-functions`",
            *median_p90(aws_seconds),
            "ms",
            len(aws_seconds),
        ),
        ("lstui RSS with everything listed, MiB", *median_p90([r["rss"] for r in reports], 1), "", len(reports)),
    ]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on 2 cores, {args.rounds} rounds; "
        f"command: `uv run python bench/bench_load.py{f' --compare {args.compare}' if args.compare else ''}`",
        "",
        f"{BUCKETS:,} buckets, {QUEUES} queues (with their attributes), {FUNCTIONS} functions in `lstui server`. "
        f"Each round: a fresh headless lstui (160×48) presses {len(KEYS)} keys; each is timed from being posted "
        "to the app's next display of the screen. The lists keep refreshing by themselves meanwhile.",
        "",
        "| measurement | median | p90 | n |",
        "|---|---:|---:|---:|",
    ]
    for label, median, p90, unit, n in rows:
        lines.append(f"| {label} | {median:,.1f} {unit} | {p90:,.1f} {unit} | {n} |")
    if slow_keys:
        lines += ["", "Keys over 100 ms: " + "; ".join(slow_keys) + "."]
    if turned_off:
        plain = [value for report in turned_off for value in report["latencies"] if value is not None]
        plain_over = sum(1 for value in plain if value > 0.1)
        plain_slowest = max(plain) * 1000
        median, p90 = median_p90(latencies)
        plain_median, plain_p90 = median_p90(plain)
        lines += [
            "",
            f"Side by side in the same run, the same keys with {TURNED_OFF[args.compare][0]} turned off "
            f"(`--compare {args.compare}`):",
            "",
            "| lstui | median | p90 | slowest | over 100 ms | n |",
            "|---|---:|---:|---:|---:|---:|",
            f"| as shipped | {median:.1f} ms | {p90:.1f} ms | {slowest:.0f} ms | {over} | {len(latencies)} |",
            f"| {TURNED_OFF[args.compare][0]} off | {plain_median:.1f} ms | {plain_p90:.1f} ms "
            f"| {plain_slowest:.0f} ms | {plain_over} | {len(plain)} |",
        ]
    lines += ["", "Per key (median, p90, ms):", ""]
    lines += [
        f"- `{key}`: {median_p90(values)[0]:.1f} / {median_p90(values)[1]:.1f} (n {len(values)})"
        for key, values in sorted(by_key.items())
    ]
    lines += ["", f"The whole run took {(time.perf_counter() - bench_started) / 60:.1f} min."]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results" / "load.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

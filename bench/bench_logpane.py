"""The TUI's log pane with 100,000 lines: loading them, memory, and a page after a keypress.

Run:  uv run python bench/bench_logpane.py [--rounds 10]

A log group of 100,000 lines is written to `lstui server`. Each round, a fresh
headless lstui process (Textual `run_test`, 160×48) follows it in the log pane
until the 100,000 lines are in the view, then presses page up / page down /
home / end and times each keypress from being posted (as the terminal delivers
it) to the app's next frame (no test-pilot idle wait in the figure). Side by side,
in the same run: what a user would do otherwise to get those lines, awscli's
`aws logs filter-log-events` over the group (to /dev/null), timed with its peak
memory. Writes bench/results/logpane.md.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import AWS_BIN, AWSCLI_ENV, ROOT, local_client, median_p90, run_headless, start_server, stop_server

LINES = 100_000
GROUP = "/aws/lambda/bench-logpane"
KEYS = ("pageup", "pageup", "pagedown", "home", "pagedown", "end", "pageup", "up", "down", "end")

APP_SCRIPT = r"""
import asyncio, json, sys, time
from localstack_tui.ui.startup import pause_gc
pause_gc()  # as `lstui` does before importing the UI (the app resumes it, freezing what start-up built)
from textual import events
from localstack_tui.core.config import Config
from localstack_tui.core.connection import Connection
from localstack_tui.ui.app import LstuiApp
from localstack_tui.ui.widgets.log_pane import LogPane

endpoint, function, lines, keys = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
drawn = []


async def timed_press(pilot, key):
    # Key → the app's next frame, as bench_load times it: posted as the terminal driver delivers a key.
    # None: the key changed nothing on screen (no frame to wait for).
    await pilot.pause(0.15)
    drawn.clear()
    event = events.Key(key, None)
    event.set_sender(pilot.app)
    posted = time.perf_counter()
    pilot.app._driver.send_message(event)
    while not drawn and time.perf_counter() < posted + 2.0:
        await asyncio.sleep(0.001)
    return drawn[0] - posted if drawn else None


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
        while app.main_screen is None or not app.main_screen.is_mounted:
            await pilot.pause(0.05)
        await pilot.pause(1.0)
        pane = app.main_screen.query_one(LogPane)
        pane.view.focus()
        await pilot.pause(0.2)
        rss_before = rss_mib()
        started = time.perf_counter()
        pane.follow(function)
        while len(pane.view.shown) < lines:
            if time.perf_counter() - started > 300:
                print(json.dumps({"error": f"only {len(pane.view.shown)} lines after 300 s"}))
                return
            await pilot.pause(0.05)
        loaded = time.perf_counter() - started
        pane.view.focus()
        await pilot.pause(0.5)
        presses = []
        for key in keys:
            presses.append(await timed_press(pilot, key))
        report = {"loaded": loaded, "presses": presses, "rss_before": rss_before}
        report.update(rss=rss_mib(), cached_rows=len(pane.view._cache))
        print(json.dumps(report))


asyncio.run(main())
"""


def awscli_fetch(endpoint: str) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of `aws logs filter-log-events` over the whole group."""
    started = time.perf_counter()
    result = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "%M",
            AWS_BIN,
            "--endpoint-url",
            endpoint,
            "logs",
            "filter-log-events",
            "--log-group-name",
            GROUP,
            "--output",
            "text",
        ],
        env=AWSCLI_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    return elapsed, int(result.stderr.strip().splitlines()[-1]) / 1024


def lstui_round(endpoint: str, workdir: Path) -> dict[str, Any]:
    return run_headless(APP_SCRIPT, [endpoint, GROUP.rsplit("/", 1)[-1], str(LINES), ",".join(KEYS)], workdir)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    bench_started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lstui-bench-logpane-") as tmp:
        workdir = Path(tmp)
        server, port, _ = start_server(workdir / "data")
        endpoint = f"http://127.0.0.1:{port}"
        try:
            logs = local_client("logs", endpoint)
            logs.create_log_group(logGroupName=GROUP)
            logs.create_log_stream(logGroupName=GROUP, logStreamName="2026/11/28/[$LATEST]bench")
            now = int(time.time() * 1000) - 120_000  # within the pane's ten-minute backlog
            for batch in range(LINES // 10_000):
                logs.put_log_events(
                    logGroupName=GROUP,
                    logStreamName="2026/11/28/[$LATEST]bench",
                    logEvents=[
                        {"timestamp": now + batch * 1_000 + i // 10, "message": f"order {batch * 10_000 + i} handled"}
                        for i in range(10_000)
                    ],
                )
            lstui_round(endpoint, workdir)  # warm-up of both, not counted
            awscli_fetch(endpoint)
            reports, aws_runs = [], []
            for _ in range(args.rounds):
                reports.append(lstui_round(endpoint, workdir))
                aws_runs.append(awscli_fetch(endpoint))
        finally:
            stop_server(server)

    presses = [p for report in reports for p in report["presses"] if p is not None]
    unchanged = sum(1 for report in reports for p in report["presses"] if p is None)
    loaded = [r["loaded"] for r in reports]
    aws_seconds = [seconds for seconds, _ in aws_runs]
    ratios = [a / b for a, b in zip(loaded, aws_seconds, strict=True)]
    rows = [
        ("lstui: follow → 100,000 lines in the log pane", *median_p90(loaded), "ms", len(loaded)),
        (
            "`aws logs filter-log-events` over the same group, to /dev/null",
            *median_p90(aws_seconds),
            "ms",
            len(aws_seconds),
        ),
        ("ratio lstui / awscli", *median_p90(ratios, 1), "×", len(ratios)),
        (
            "keypress → page drawn (page up/down, home, end, up, down), 100,000 lines",
            *median_p90(presses),
            "ms",
            len(presses),
        ),
        ("slowest of those keypresses", max(presses) * 1000, max(presses) * 1000, "ms", len(presses)),
        ("keypresses that changed nothing on screen (not timed)", float(unchanged), float(unchanged), "", unchanged),
        ("lstui RSS before following, MiB", *median_p90([r["rss_before"] for r in reports], 1), "", len(reports)),
        ("lstui RSS with 100,000 lines, MiB", *median_p90([r["rss"] for r in reports], 1), "", len(reports)),
        ("awscli peak RSS, MiB", *median_p90([rss for _, rss in aws_runs], 1), "", len(aws_runs)),
        (
            "rows drawn and cached after the keypresses (of 100,000)",
            *median_p90([float(r["cached_rows"]) for r in reports], 1),
            "",
            len(reports),
        ),
    ]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on 2 cores, {args.rounds} rounds; "
        "command: `uv run python bench/bench_logpane.py`",
        "",
        "Each lstui round is a fresh headless process (Textual `run_test`, 160×48) following a log group of "
        "100,000 lines in the log pane; awscli rounds alternate with it. Loading is mostly LocalStack answering "
        "FilterLogEvents, for both.",
        "",
        "| measurement | median | p90 | n |",
        "|---|---:|---:|---:|",
    ]
    for label, median, p90, unit, n in rows:
        if unit == "×":
            lines.append(f"| {label} | {median:.2f}× | {p90:.2f}× | {n} |")
        else:
            lines.append(f"| {label} | {median:,.1f} {unit} | {p90:,.1f} {unit} | {n} |".replace(" |", " |"))
    lines += ["", f"The whole run took {(time.perf_counter() - bench_started) / 60:.1f} min."]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results" / "logpane.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

"""What every benchmark here shares: an embedded server on a free port, timing, process memory.

The scripts run as `python bench/NAME.py`, so this module is imported by its plain name.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[str], int, float]:
    """`lstui server` on a free port; (process, port, seconds to its ready line)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "localstack_tui.cli", "server", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "ready at" in line:
            return process, port, time.perf_counter() - started
    raise RuntimeError("lstui server did not start")


def stop_server(process: subprocess.Popen[str]) -> float:
    """SIGTERM and wait; the seconds until every process was gone."""
    started = time.perf_counter()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    return time.perf_counter() - started


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total_kib = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        except OSError:
            pass
    return total_kib / 1024


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median_p90(values: list[float], scale: float = 1000) -> tuple[float, float]:
    """Median and 90th percentile of `values` (seconds), scaled (to ms by default)."""
    import statistics

    ordered = sorted(v * scale for v in values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


# Python as on a user's machine: compiled modules are cached (this machine sets PYTHONDONTWRITEBYTECODE,
# which would make every lstui start recompile lstui's own modules, ~150 ms that no user pays twice).
USER_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}

# awscli, as the seed tutorial uses it: test credentials, no pager; the venv's own `aws`.
AWSCLI_ENV = {
    **USER_ENV,
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_PAGER": "",
}
AWS_BIN = shutil.which("aws", path=str(Path(sys.executable).parent)) or "aws"


def run_headless(script: str, args: list[str], workdir: Path, timeout: float = 600) -> dict[str, Any]:
    """Run a headless-lstui script in a fresh Python (as a user's would: no config, bytecode cached);
    its report is the last JSON line it prints."""
    import json

    process = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**USER_ENV, "LSTUI_CONFIG": str(workdir / "no-config.toml")},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )
    lines = [line for line in process.stdout.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines or "error" in lines[-1]:
        raise RuntimeError(f"headless lstui failed: {process.stdout[-2000:]}\n{process.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(lines[-1])
    return report


def local_client(service: str, endpoint: str, seeding: bool = False) -> Any:
    """A boto3 client for the benchmark's own LocalStack (test/test, us-east-1).

    `seeding`: a bigger connection pool and patient retries, for thousands of calls from 16 threads.
    """
    import boto3
    from botocore.config import Config

    config = Config(max_pool_connections=32, retries={"max_attempts": 10, "mode": "standard"}) if seeding else None
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )

"""`lstui server` as a user runs it: ready line, log file, clean stops, clear failures."""

from __future__ import annotations

import glob
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from localstack_tui.embedded.requirements import python_too_old
from tests.conftest import RunningServer, free_port, start_server
from tests.embedded.lambda_helpers import create_function, wait_until

REPO = Path(__file__).resolve().parents[2]
HANDLER = "def lambda_handler(event, context):\n    return 'pong'\n"


def descendants(pid: int) -> set[int]:
    """Every live process below `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def find_older_python() -> str | None:
    """A real interpreter (not a pyenv shim) older than 3.13, if this machine has one."""
    candidates = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[0-2]*/bin/python3")))
    candidates += [path for path in ("/usr/bin/python3",) if os.path.exists(path)]
    for candidate in candidates:
        probe = subprocess.run(
            [
                candidate,
                "-c",
                "import sys; print(sys.version_info >= (3, 10) and sys.version_info < (3, 13))",
            ],
            capture_output=True,
            text=True,
        )
        if probe.stdout.strip() == "True":
            return candidate
    return None


def run_cli(*args: str, python: str = sys.executable, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([python, *args], capture_output=True, text=True, timeout=60, cwd=REPO, **kwargs)


def warm_handler_processes(server: RunningServer) -> set[int]:
    """Invoke a function so that a handler process runs; return the server's processes."""
    lam = server.client("lambda")
    name = create_function(lam, {"lambda_function.py": HANDLER})
    assert json.loads(lam.invoke(FunctionName=name)["Payload"].read()) == "pong"
    processes = descendants(server.process.pid)
    assert any("python_runtime.py" in cmdline(pid) for pid in processes), "a handler process runs"
    return processes


def test_ready_line_names_the_endpoint_and_health_answers(server: RunningServer) -> None:
    assert server.ready_line.startswith(f"lstui server ready at {server.endpoint_url} ")
    with urllib.request.urlopen(f"{server.endpoint_url}/_localstack/health", timeout=5) as response:
        health = json.load(response)
    assert health["services"]["lambda"] in ("available", "running")
    assert health["services"]["s3"] in ("available", "running")


def test_localstack_log_goes_to_the_data_dir_not_the_terminal(server: RunningServer) -> None:
    log = (server.data_dir / "localstack.log").read_text()
    assert "Ready." in log
    assert not any("Ready." in line for line in server.output), "without --verbose the log stays in its file"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stop_leaves_no_process_behind(tmp_path: Path, stop_signal: int) -> None:
    server = start_server(tmp_path / "data", "--verbose")
    try:
        processes = warm_handler_processes(server)
        # --verbose: LocalStack's log is on the terminal too.
        assert any("Ready." in line for line in server.output)
    finally:
        started = time.monotonic()
        status = server.stop(stop_signal)
    assert status == 0
    assert time.monotonic() - started < 15
    wait_until(lambda: not any(alive(pid) for pid in processes), timeout=5, what="every process to exit")


def test_killed_supervisor_takes_localstack_and_handlers_with_it(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    processes = warm_handler_processes(server)
    server.stop(signal.SIGKILL)
    wait_until(
        lambda: not any(alive(pid) for pid in processes),
        timeout=10,
        what="LocalStack and its handler processes to exit after their supervisor was killed",
    )


def test_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("-m", "localstack_tui.cli", "server", "--port", str(port), "--data-dir", str(tmp_path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("lstui server: ") and f"port {port}" in lines[0] and "in use" in lines[0]


def test_invalid_port_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("-m", "localstack_tui.cli", "server", "--port", "70000", "--data-dir", str(tmp_path))
    assert result.returncode != 0
    assert result.stderr.strip() == "lstui server: --port must be between 1 and 65535, not 70000"


def test_persist_says_it_is_not_available_instead_of_pretending(tmp_path: Path) -> None:
    result = run_cli("-m", "localstack_tui.cli", "server", "--persist", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("lstui server: --persist is not available: persistence is a LocalStack Pro")
    assert not (tmp_path / "localstack.log").exists(), "nothing was started"


def test_missing_embedded_extra_is_one_clear_line(tmp_path: Path) -> None:
    # As if the 'embedded' extra were not installed: `import localstack` fails.
    code = (
        "import sys; sys.modules['localstack'] = None; "
        "from localstack_tui.cli import main; "
        f"sys.exit(main(['server', '--port', '{free_port()}', '--data-dir', {str(tmp_path)!r}]))"
    )
    result = run_cli("-c", code)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "lstui server: the embedded LocalStack is not installed: install the 'embedded' extra "
        "(uv sync --extra embedded, or pip install 'localstack-tui[embedded]')"
    ]


def test_python_older_than_313_is_one_clear_line(tmp_path: Path) -> None:
    assert python_too_old((3, 13, 0)) is None
    assert python_too_old((3, 14, 1)) is None
    assert python_too_old((3, 12, 1)) == ("the embedded LocalStack needs Python 3.13 or newer; this is Python 3.12.1")
    old_python = find_older_python()
    if old_python is None:
        pytest.skip("no Python older than 3.13 on this machine to run the CLI with")
    result = run_cli(
        "-m",
        "localstack_tui.cli",
        "server",
        "--data-dir",
        str(tmp_path),
        python=old_python,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(
        "lstui server: the embedded LocalStack needs Python 3.13 or newer; this is Python 3.1"
    )


def working_in(directory: Path) -> set[int]:
    """Live processes whose working directory is `directory` (LocalStack runs in its data dir)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == directory:
                    found.add(int(entry.name))
            except OSError:
                continue
    return {pid for pid in found if alive(pid)}


def ctrl_c_during_start(data_dir: Path, after: float | None) -> str:
    """`lstui server`, Ctrl-C `after` seconds (None: once LocalStack's process exists); its output."""
    process = subprocess.Popen(
        [sys.executable, "-m", "localstack_tui.cli", "server", "--port", str(free_port()), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if after is None:  # as soon as the supervisor has started LocalStack (its ready line comes ~1.5 s later)
        wait_until(lambda: bool(descendants(process.pid)), timeout=30, what="LocalStack's process")
    else:
        time.sleep(after)
    process.send_signal(signal.SIGINT)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError(f"still running 30 s after Ctrl-C (sent at {after} s):\n{output}") from None
    assert "ready at" not in output and "Exception ignored" not in output, output
    if process.returncode == -signal.SIGINT:  # Python's own handler: the Ctrl-C came before lstui's code ran
        assert "localstack_tui/cli/server.py" not in output and "run_server" not in output, output
    else:
        assert process.returncode == 130 and "Traceback" not in output, output
    # LocalStack runs in its own session: an orphan would not be a descendant any more, but works in data_dir.
    wait_until(lambda: not working_in(data_dir), timeout=10, what="no LocalStack left in its data dir")
    return output


def test_ctrl_c_while_localstack_starts_is_clean(tmp_path: Path) -> None:
    """Ctrl-C before the ready line: exit 130 with no traceback, and no LocalStack left running on its own."""
    output = ctrl_c_during_start(tmp_path / "data", after=None)
    assert output.strip().splitlines()[-1] == "lstui server: interrupted before LocalStack was ready; stopping it…"


def test_ctrl_c_at_any_moment_of_the_start_is_clean(tmp_path: Path) -> None:
    """Ctrl-C during the imports, while LocalStack is spawned, while it starts: never ignored, never an orphan.

    Two bugs lived here: a KeyboardInterrupt that CPython dropped inside an import's weakref callback
    ("Exception ignored in …"), after which LocalStack started as if nothing was pressed; and one raised
    inside Popen after the fork, which left LocalStack running with no parent. The moments are spread over
    the first half second, where the imports and the spawn happen (~0.1–0.25 s here).
    """
    for index, after in enumerate((0.05, 0.1, 0.13, 0.16, 0.19, 0.22, 0.26, 0.35, 0.5)):
        ctrl_c_during_start(tmp_path / f"data-{index}", after=after)

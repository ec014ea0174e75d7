"""The dev loop against the real server: save → deployed → the next invocation runs the new code."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.devloop import DevLoop, DevLoopEvent, watch_filter
from localstack_tui.core.functions import DeploySpec, get_function, invoke_function

VERSION = "def lambda_handler(event, context):\n    return {{'version': {n}}}\n"


def version(clients: AwsClients, name: str) -> object:
    return invoke_function(clients, name).payload


def wait(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def start_loop(clients: AwsClients, source: Path, name: str) -> tuple[DevLoop, list[DevLoopEvent], threading.Thread]:
    events: list[DevLoopEvent] = []
    loop = DevLoop(clients, DeploySpec(source, name), events.append)
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    wait(lambda: any(e.kind == "watching" for e in events))
    return loop, events, thread


def test_save_redeploys_syntax_errors_keep_the_live_version_and_bursts_coalesce(
    clients: AwsClients, tmp_path: Path
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    handler = source / "lambda_function.py"
    handler.write_text(VERSION.format(n=1))
    name = f"loop-{uuid.uuid4().hex[:6]}"
    loop, events, thread = start_loop(clients, source, name)
    try:
        assert events[0].kind == "created"
        assert version(clients, name) == '{"version": 1}'

        handler.write_text(VERSION.format(n=2))
        wait(lambda: version(clients, name) == '{"version": 2}')
        assert any(e.kind == "deployed" for e in events)

        handler.write_text("def lambda_handler(event, context)\n    return 3\n")
        wait(lambda: any(e.kind == "skipped" for e in events))
        skipped = next(e for e in events if e.kind == "skipped")
        assert "syntax error in lambda_function.py, line 1" in skipped.message
        assert version(clients, name) == '{"version": 2}', "the live version stays live"

        # A burst of 20 saves in one second: only the last content ends up deployed.
        before = loop.deploys
        for n in range(10, 30):
            handler.write_text(VERSION.format(n=n))
            time.sleep(0.05)
        wait(lambda: version(clients, name) == '{"version": 29}')
        time.sleep(1.0)
        assert loop.deploys - before <= 5, f"{loop.deploys - before} deploys for one burst"
        assert get_function(clients, name).code_sha256 == events[-1].code_sha256

        # Editor noise changes nothing.
        count = len(events)
        (source / "__pycache__").mkdir(exist_ok=True)
        (source / "__pycache__" / "x.pyc").write_bytes(b"junk")
        (source / ".lambda_function.py.swp").write_bytes(b"swap")
        time.sleep(1.0)
        assert len(events) == count
    finally:
        loop.stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_watch_filter(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("")
    accept = watch_filter(tmp_path)
    assert accept(None, str(tmp_path / "a.py"))
    assert not accept(None, str(tmp_path / "__pycache__" / "a.cpython-313.pyc"))
    assert not accept(None, str(tmp_path / ".a.py.swp"))
    assert not accept(None, str(tmp_path / ".git" / "index"))
    single = watch_filter(tmp_path / "a.py")
    assert single(None, str(tmp_path / "a.py"))
    assert not single(None, str(tmp_path / "b.py"))


def test_a_lost_function_is_created_again_only_when_the_user_says_so(clients: AwsClients, tmp_path: Path) -> None:
    from localstack_tui.core.functions import delete_function, function_exists

    source = tmp_path / "lambda_function.py"
    source.write_text("def lambda_handler(event, context):\n    return 1\n")
    name = f"lost-{uuid.uuid4().hex[:6]}"
    asked: list[str] = []
    answers = [False, True]

    def confirm(function: str) -> bool:
        asked.append(function)
        return answers.pop(0)

    loop = DevLoop(clients, DeploySpec(source, name), lambda _event: None, confirm_create=confirm)
    first = loop.deploy_once()  # never deployed: "lost" too, since there is nothing to update
    assert first.kind == "lost" and "not created again" in first.message and asked == [name]
    assert not function_exists(clients, name), "no means nothing is created"
    assert loop.deploy_once().kind == "created" and asked == [name, name]
    assert loop.deploy_once().kind == "unchanged" and len(asked) == 2, "an existing function: no question"
    delete_function(clients, name)

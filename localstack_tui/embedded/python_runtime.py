"""The program each Python execution environment runs, as a host process.

It plays the part of LocalStack's in-container init: it listens for `/invoke`
on 127.0.0.1:PORT, runs the handler, and reports back to LocalStack's executor
endpoint (`LOCALSTACK_RUNTIME_ENDPOINT`) with `/status/<id>/ready`, then per
invocation `/invocations/<id>/logs` followed by `/response` or `/error`.

Standard library only, and run as a script (not as part of the package), so a
cold start costs little more than the interpreter's own start-up.

Usage: python python_runtime.py PORT
"""

from __future__ import annotations

import http.client
import http.server
import importlib
import io
import json
import logging
import os
import queue
import resource
import sys
import threading
import time
import traceback
import urllib.parse
from typing import Any

# One invocation's output is capped: a handler printing megabytes must not
# exhaust memory or send a giant batch to CloudWatch Logs.
MAX_LOG_BYTES = 1024 * 1024


class InvocationLog:
    """The log text of one invocation, bounded in size."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._size = 0
        self._dropped = 0
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            if self._size + len(text) > MAX_LOG_BYTES:
                self._dropped += len(text)
                return
            self._parts.append(text)
            self._size += len(text)

    def text(self) -> str:
        with self._lock:
            out = "".join(self._parts)
            if self._dropped:
                out += f"[lstui] output truncated: {self._dropped} characters dropped\n"
            return out


class _CapturedStream(io.TextIOBase):
    """sys.stdout / sys.stderr: text goes to the running invocation's log."""

    def __init__(self, runtime: Runtime, fallback: Any) -> None:
        self._runtime = runtime
        self._fallback = fallback

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        log = self._runtime.current_log
        if log is not None:
            log.write(text)
        else:
            self._fallback.write(text)
            self._fallback.flush()
        return len(text)

    def flush(self) -> None:
        pass

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


class _RequestIdFilter(logging.Filter):
    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self._runtime = runtime

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self._runtime.current_request_id or ""
        return True


class _LambdaContext:
    """The `context` argument, with the attributes Lambda's Python runtime gives."""

    def __init__(self, request_id: str, invoked_arn: str, deadline: float) -> None:
        env = os.environ
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_arn
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _peak_memory_mb() -> int:
    # ru_maxrss survives exec and would report the parent's peak; VmHWM does not.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _error(error_type: str, message: str, stack: list[str] | None = None) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "stackTrace": stack or []}


def _exception_error(exc: BaseException) -> dict[str, Any]:
    # The runtime's own frames are not the user's: Lambda shows only the handler's.
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename != __file__]
    # Paths as Lambda shows them (/var/task/...), not LocalStack's code cache.
    task_root = os.environ.get("LAMBDA_TASK_ROOT", "")
    shown = [
        traceback.FrameSummary(
            "/var/task/" + os.path.relpath(frame.filename, task_root)
            if task_root and frame.filename.startswith(task_root + os.sep)
            else frame.filename,
            frame.lineno,
            frame.name,
            line=frame.line,
        )
        for frame in frames
    ]
    stack = traceback.format_list(shown)
    return _error(type(exc).__name__, str(exc), stack)


class Runtime:
    def __init__(self, port: int) -> None:
        self.port = port
        self.current_log: InvocationLog | None = None
        self.current_request_id: str | None = None
        self.invocations: queue.Queue[dict[str, Any]] = queue.Queue()
        endpoint = urllib.parse.urlsplit(os.environ["LOCALSTACK_RUNTIME_ENDPOINT"])
        self._gateway = (endpoint.hostname or "127.0.0.1", endpoint.port or 80)
        self._prefix = endpoint.path.rstrip("/")
        self._runtime_id = os.environ.get("LOCALSTACK_RUNTIME_ID", "")
        self._connection: http.client.HTTPConnection | None = None
        self.timeout = float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "3"))
        self.version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.handler: Any = None
        self.init_error: dict[str, Any] | None = None
        self.init_log = InvocationLog()
        self.init_duration_ms = 0.0

    # -- talking to LocalStack -------------------------------------------------
    def post(self, path: str, body: bytes) -> None:
        for attempt in range(3):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(*self._gateway, timeout=30)
            try:
                self._connection.request(
                    "POST",
                    self._prefix + path,
                    body=body,
                    headers={"Content-Type": "application/json"},
                )
                self._connection.getresponse().read()
                return
            except (OSError, http.client.HTTPException):
                self._connection.close()
                self._connection = None
                if attempt == 2:
                    raise
                time.sleep(0.05)

    def post_json(self, path: str, value: Any) -> None:
        self.post(path, json.dumps(value).encode())

    # -- init ----------------------------------------------------------------
    def load_handler(self) -> None:
        spec = os.environ.get("_HANDLER", "")
        started = time.perf_counter()
        self.current_log = self.init_log
        try:
            module_path, _, function_name = spec.rpartition(".")
            if not module_path or not function_name:
                self.init_error = _error(
                    "Runtime.MalformedHandlerName",
                    f"Bad handler '{spec}': not enough values to unpack (expected 2, got 1)",
                )
                return
            module_name = module_path.replace("/", ".")
            try:
                module = importlib.import_module(module_name)
            except SyntaxError as exc:
                self.init_error = _error(
                    "Runtime.UserCodeSyntaxError",
                    f"Syntax error in module '{module_name}': {exc}",
                    [f'  File "{exc.filename}" Line {exc.lineno}\n    {(exc.text or "").strip()}\n'],
                )
            except ModuleNotFoundError as exc:
                self.init_error = _error(
                    "Runtime.ImportModuleError",
                    f"Unable to import module '{module_name}': {exc}",
                )
            except Exception as exc:  # an error raised by the module's own top level
                self.init_error = _exception_error(exc)
                self.init_error["errorType"] = "Runtime.ImportModuleError"
                self.init_error["errorMessage"] = (
                    f"Unable to import module '{module_name}': {type(exc).__name__}: {exc}"
                )
            else:
                handler = getattr(module, function_name, None)
                if handler is None:
                    self.init_error = _error(
                        "Runtime.HandlerNotFound",
                        f"Handler '{function_name}' missing on module '{module_name}'",
                    )
                else:
                    self.handler = handler
        finally:
            self.current_log = None
            self.init_duration_ms = (time.perf_counter() - started) * 1000

    # -- invocations -----------------------------------------------------------
    def serve_forever(self) -> None:
        cold = True
        while True:
            invocation = self.invocations.get()
            self.invoke(invocation, cold)
            cold = False

    def invoke(self, invocation: dict[str, Any], cold: bool) -> None:
        request_id = str(invocation.get("invoke-id", ""))
        arn = str(invocation.get("invoked-function-arn", ""))
        started = time.perf_counter()
        deadline = time.monotonic() + self.timeout
        log = InvocationLog()
        if cold:
            log.write(self.init_log.text())
        log.write(f"START RequestId: {request_id} Version: {self.version}\n")
        self.current_log = log
        self.current_request_id = request_id

        outcome: dict[str, Any] = {}
        exit_after = False
        if self.init_error is not None:
            outcome["error"] = self.init_error
        else:
            context = _LambdaContext(request_id, arn, deadline)
            worker = threading.Thread(
                target=self._run_handler,
                args=(invocation.get("payload") or "null", context, outcome),
                daemon=True,
                name="lambda-handler",
            )
            worker.start()
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                message = f"Task timed out after {self.timeout:.2f} seconds"
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
                log.write(f"{stamp}Z {request_id} {message}\n")
                outcome = {"error": _error("Sandbox.Timedout", f"RequestId: {request_id} Error: {message}")}
                exit_after = True  # the hung handler cannot be stopped: replace the process
            elif outcome.get("exit"):
                exit_after = True

        error = outcome.get("error")
        if error is not None and not outcome.get("logged"):
            log.write(f"[ERROR] {error['errorType']}: {error['errorMessage']}\n")
        self.current_log = None
        self.current_request_id = None
        duration = (time.perf_counter() - started) * 1000
        max_rss_mb = _peak_memory_mb()
        log.write(f"END RequestId: {request_id}\n")
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
            f"Billed Duration: {max(1, int(duration + 0.999))} ms\t"
            f"Memory Size: {self.memory} MB\tMax Memory Used: {max_rss_mb} MB\t"
        )
        if cold:
            report += f"Init Duration: {self.init_duration_ms:.2f} ms\t"
        log.write(report + "\n")

        self.post_json(f"/invocations/{request_id}/logs", {"logs": log.text()})
        if "error" in outcome:
            self.post_json(f"/invocations/{request_id}/error", outcome["error"])
        else:
            self.post(f"/invocations/{request_id}/response", outcome["response"])
        if exit_after:
            os._exit(0)

    def _run_handler(self, payload: str, context: _LambdaContext, outcome: dict[str, Any]) -> None:
        try:
            event = json.loads(payload)
        except ValueError as exc:
            outcome["error"] = _error("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}")
            return
        try:
            result = self.handler(event, context)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
            outcome["error"] = _error(
                "Runtime.ExitError",
                f"RequestId: {context.aws_request_id} Error: Runtime exited with error: exit status {code}",
            )
            outcome["exit"] = True
            return
        except Exception as exc:
            error = _exception_error(exc)
            sys.stdout.write(
                f"[ERROR] {error['errorType']}: {error['errorMessage']}\n"
                + "Traceback (most recent call last):\n"
                + "".join(error["stackTrace"])
            )
            outcome["error"] = error
            outcome["logged"] = True
            return
        try:
            outcome["response"] = json.dumps(result).encode()
        except (TypeError, ValueError) as exc:
            outcome["error"] = _error("Runtime.MarshalError", f"Unable to marshal response: {exc}")


def _invoke_request_handler(runtime: Runtime) -> type[http.server.BaseHTTPRequestHandler]:
    class InvokeHandler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self.path.rstrip("/") != "/invoke":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            try:
                runtime.invocations.put(json.loads(body))
            except ValueError:
                self.send_response(400)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return InvokeHandler


def _exit_when_orphaned(parent_pid: int) -> None:
    # Environments must never outlive the LocalStack that started them.
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(0)


def main() -> None:
    port = int(sys.argv[1])
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True, name="orphan-watch").start()
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    os.chdir(task_root)
    # This script's own directory is not the user's code: keep it off the path.
    script_dir = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [task_root] + [p for p in sys.path if os.path.abspath(p or ".") != script_dir]

    runtime = Runtime(port)
    real_stdout = sys.stdout
    sys.stdout = _CapturedStream(runtime, real_stdout)
    sys.stderr = _CapturedStream(runtime, sys.__stderr__)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.formatter.converter = time.gmtime  # type: ignore[union-attr]
    handler.addFilter(_RequestIdFilter(runtime))
    logging.getLogger().addHandler(handler)

    server = http.server.HTTPServer(("127.0.0.1", port), _invoke_request_handler(runtime))
    threading.Thread(target=server.serve_forever, daemon=True, name="invoke-server").start()

    runtime.load_handler()
    runtime.post(f"/status/{runtime._runtime_id}/ready", b"{}")
    runtime.serve_forever()


if __name__ == "__main__":
    main()

"""Upload files or a directory into a bucket — or a burst of N uploads, then count where they went."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Checkbox, Input, ProgressBar

from localstack_tui.core.burst import account_burst, burst_upload
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.s3 import check_readable, delete_objects, upload_paths
from localstack_tui.core.wiring import bucket_name
from localstack_tui.ui.formatting import human_size
from localstack_tui.ui.wizards.base import Choices, Outcome, PathSuggester, Wizard, names_suggester

ACCOUNT_SECONDS = 60.0
SETTLE_SECONDS = 3.0


@dataclass(frozen=True)
class UploadRequest:
    paths: tuple[Path, ...]
    bucket: str
    prefix: str
    burst: bool
    count: int
    concurrency: int
    function: str
    queue: str
    dlq: str
    total_bytes: int


def _first_unreadable(paths: list[Path]) -> str | None:
    """Why the first file of `paths` that cannot be read cannot (directories are checked at upload)."""
    for path in paths:
        if path.is_file():
            try:
                check_readable(path)
            except LstuiError as exc:
                return str(exc)
    return None


class UploadWizard(Wizard):
    title_text = "Upload files"
    apply_label = "Upload"

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

        def can_replace(self, message: Message) -> bool:  # only the newest count matters
            return isinstance(message, UploadWizard.Progress)

    def __init__(self, clients: AwsClients, choices: Choices | None = None, bucket: str = "") -> None:
        super().__init__(clients, choices)
        self.initial_bucket = bucket
        self.cancel_event = threading.Event()

    def form(self) -> ComposeResult:
        c = self.choices
        yield from self.field(
            "Files or directories",
            Input("", placeholder="test.txt, ./data/", id="paths", suggester=PathSuggester()),
            "comma-separated",
        )
        yield from self.field("Bucket", Input(self.initial_bucket, id="bucket", suggester=names_suggester(c.buckets)))
        yield from self.field("Key prefix", Input("", placeholder="uploads/", id="prefix"))
        yield Checkbox("burst mode: N small uploads from C workers, then count where every event went", id="burst")
        yield from self.field("N uploads", Input("50", id="count"))
        yield from self.field("C concurrent workers", Input("16", id="concurrency"))
        yield from self.field(
            "Count processed in the logs of function",
            Input("", id="function", suggester=names_suggester(c.functions)),
            "optional",
        )
        yield from self.field(
            "Count still queued in queue", Input("", id="queue", suggester=names_suggester(c.queues)), "optional"
        )
        yield from self.field(
            "Count dead-lettered in DLQ", Input("", id="dlq", suggester=names_suggester(c.dlqs or c.queues)), "optional"
        )
        yield ProgressBar(id="progress", show_eta=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#progress").display = False
        self._layout()

    @on(Checkbox.Changed, "#burst")
    def _layout(self) -> None:
        burst = self.query_one("#burst", Checkbox).value
        self.show_field("paths", not burst)
        for field_id in ("count", "concurrency", "function", "queue", "dlq"):
            self.show_field(field_id, burst)

    def _paths(self) -> list[Path]:
        return [Path(part.strip()).expanduser() for part in self.value("paths").split(",") if part.strip()]

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        try:
            bucket_name(self.value("bucket"))
            if self.choices.buckets and self.value("bucket") not in self.choices.buckets:
                errors["bucket"] = f"no bucket named {self.value('bucket')}"
        except LstuiError as exc:
            errors["bucket"] = str(exc)
        if self.query_one("#burst", Checkbox).value:
            self.number("count", errors, 1, 100_000, "N")
            self.number("concurrency", errors, 1, 64, "C")
            for field_id, known in (
                ("function", self.choices.functions),
                ("queue", self.choices.queues),
                ("dlq", self.choices.queues),
            ):
                value = self.value(field_id)
                if value and known and value not in known:
                    errors[field_id] = f"no such {field_id}: {value}"
        else:
            paths = self._paths()
            missing = [str(path) for path in paths if not path.exists()]
            if not paths:
                errors["paths"] = "name at least one file or directory"
            elif missing:
                errors["paths"] = f"no such file or directory: {missing[0]}"
            elif unreadable := _first_unreadable(paths):  # said now, not after the others went up
                errors["paths"] = unreadable
        return errors

    def prepare(self) -> UploadRequest:
        burst = self.query_one("#burst", Checkbox).value
        paths = () if burst else tuple(self._paths())
        total = sum(
            p.stat().st_size if p.is_file() else sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
            for p in paths
        )
        prefix = self.value("prefix")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return UploadRequest(
            paths=paths,
            bucket=self.value("bucket"),
            prefix=prefix or ("burst/" if burst else ""),
            burst=burst,
            count=int(self.value("count") or 0) if burst else 0,
            concurrency=int(self.value("concurrency") or 1) if burst else 1,
            function=self.value("function"),
            queue=self.value("queue"),
            dlq=self.value("dlq"),
            total_bytes=total,
        )

    def plan(self) -> list[str]:
        request = self.prepare()
        if request.burst:
            lines = [
                f"upload {request.count} small objects to s3://{request.bucket}/{request.prefix} "
                f"from {request.concurrency} workers at once",
            ]
            places = [
                f"logs of {request.function}" * bool(request.function),
                f"queue {request.queue}" * bool(request.queue),
                f"DLQ {request.dlq}" * bool(request.dlq),
            ]
            if any(places):
                lines.append(
                    "then find every event in: "
                    + ", ".join(p for p in places if p)
                    + " (processed + in DLQ + still queued = N)"
                )
            return lines
        count = len(request.paths)
        return [
            f"upload {count} path{'s' if count != 1 else ''} ({human_size(request.total_bytes)}) to s3://{request.bucket}/{request.prefix}",
            "big files go in parts; cancelling aborts the part upload, so nothing half-made stays",
        ]

    def action_apply(self) -> None:
        if not self.running and self.outcome is None:
            self.cancel_event.clear()
            self.query_one("#progress").display = True
        super().action_apply()

    def action_cancel(self) -> None:
        if self.running:
            self.cancel_event.set()
            self.notify("Cancelling the upload…")
            return
        super().action_cancel()

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=message.total, progress=message.done)

    def perform(self, clients: AwsClients, prepared: UploadRequest) -> Outcome:
        request = prepared
        if request.burst:
            return self._burst(clients, request)
        keys = upload_paths(
            clients,
            request.paths,
            request.bucket,
            request.prefix,
            progress=lambda sent: self._report(sent, max(request.total_bytes, 1)),
            cancel=self.cancel_event,
        )
        bucket = request.bucket

        def undo(c: AwsClients) -> list[str]:
            deleted = delete_objects(c, bucket, keys)
            return [f"deleted {deleted} uploaded object{'s' if deleted != 1 else ''} from {bucket}"]

        return Outcome(
            (
                f"uploaded {len(keys)} file{'s' if len(keys) != 1 else ''} ({human_size(request.total_bytes)}) to s3://{bucket}/{request.prefix}",
            ),
            undo,
        )

    def _report(self, done: int, total: int) -> None:
        self.post_message(self.Progress(done, total))

    def _burst(self, clients: AwsClients, request: UploadRequest) -> Outcome:
        result = burst_upload(
            clients,
            request.bucket,
            request.count,
            request.concurrency,
            prefix=request.prefix,
            progress=lambda done: self._report(done, request.count),
            cancel=self.cancel_event,
        )
        uploaded = len(result.keys) - len(result.failed)
        lines = [
            f"uploaded {uploaded} of {request.count} objects in {result.seconds:.2f} s "
            f"from {request.concurrency} workers"
        ]
        if result.failed:
            lines.append(f"{len(result.failed)} uploads failed, e.g. {next(iter(result.failed.values()))}")
        if request.function or request.queue or request.dlq:
            # S3 notifications land a moment after the uploads: let them reach the queue first.
            time.sleep(SETTLE_SECONDS)
            deadline = time.monotonic() + ACCOUNT_SECONDS
            while True:
                account = account_burst(
                    clients, result, request.function or None, request.queue or None, request.dlq or None
                )
                if account.complete or time.monotonic() > deadline or self.cancel_event.is_set():
                    break
                time.sleep(1.0)
            lines.append(account.summary())
        keys = list(result.keys)
        bucket = request.bucket

        def undo(c: AwsClients) -> list[str]:
            return [f"deleted {delete_objects(c, bucket, keys)} burst objects from {bucket}"]

        return Outcome(tuple(lines), undo)

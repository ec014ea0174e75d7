"""A bucket: its objects as a tree by prefix (page by page), a preview, its notifications."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, Static, Tree
from textual.widgets.tree import TreeNode

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.notifications import NotificationConfig, get_notification_config
from localstack_tui.core.s3 import (
    ObjectEntry,
    ObjectInfo,
    ObjectPage,
    Preview,
    head_object,
    list_objects_page,
    preview_object,
)
from localstack_tui.ui.formatting import human_size, short_time
from localstack_tui.ui.widgets.in_place import update_in_place

PAGE_SIZE = 500


@dataclass
class NodeData:
    kind: str  # "prefix", "object" or "more"
    prefix: str = ""
    token: str | None = None
    entry: ObjectEntry | None = None
    loaded: bool = False


class BucketDetail(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "raw_json", "Raw JSON", id="bucket.raw_json"),
    ]

    class PageLoaded(Message):
        def __init__(self, bucket: str, node: TreeNode[NodeData], page: ObjectPage | None, error: str | None) -> None:
            super().__init__()
            self.bucket, self.node, self.page, self.error = bucket, node, page, error

    class NotificationsLoaded(Message):
        def __init__(self, bucket: str, config: NotificationConfig | None, error: str | None) -> None:
            super().__init__()
            self.bucket, self.config, self.error = bucket, config, error

    class PreviewLoaded(Message):
        def __init__(self, key: str, info: ObjectInfo | None, preview: Preview | None, error: str | None) -> None:
            super().__init__()
            self.key, self.info, self.preview, self.error = key, info, preview, error

    def __init__(self, clients: Callable[[], AwsClients], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clients = clients
        self.bucket: str | None = None
        self.config: NotificationConfig | None = None
        self.border_title = "Bucket"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bucket-top"):
            tree: Tree[NodeData] = Tree("objects", id="bucket-objects", data=NodeData("prefix"))
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            with VerticalScroll(id="bucket-preview-box"):
                yield Static("Select an object to preview it.", id="bucket-preview")
        yield Label("Notifications  [dim](j: raw JSON)[/]", classes="section-title")
        table: DataTable[str | Text] = DataTable(id="bucket-notifications", cursor_type="row", zebra_stripes=True)
        for label in ("Kind", "Target", "Events", "Prefix", "Suffix", "Id"):
            table.add_column(label)
        yield table

    def show(self, bucket: str) -> None:
        """Show another bucket (or the same one again, reloaded)."""
        self.bucket = bucket
        self.config = None
        self.border_title = f"Bucket · {bucket}"
        tree = self.query_one(Tree)
        tree.clear()
        root = tree.root
        root.data = NodeData("prefix", prefix="", loaded=True)
        root.expand()
        update_in_place(self.query_one("#bucket-preview", Static), "Select an object to preview it.")
        self.query_one("#bucket-notifications", DataTable).clear()
        self._load_page(bucket, root, "", None)
        self._load_notifications(bucket)

    # -- objects ---------------------------------------------------------------------------
    @work(thread=True, exclusive=False, exit_on_error=False, group="bucket-page")
    def _load_page(self, bucket: str, node: TreeNode[NodeData], prefix: str, token: str | None) -> None:
        try:
            page = list_objects_page(self._clients(), bucket, prefix=prefix, token=token, page_size=PAGE_SIZE)
        except LstuiError as exc:
            self.post_message(self.PageLoaded(bucket, node, None, str(exc)))
            return
        self.post_message(self.PageLoaded(bucket, node, page, None))

    @on(PageLoaded)
    def _on_page(self, message: PageLoaded) -> None:
        message.stop()
        if message.bucket != self.bucket:
            return
        node = message.node
        for child in list(node.children):
            if child.data is not None and child.data.kind == "more":
                child.remove()
        if message.error or message.page is None:
            node.add_leaf(Text(message.error or "error", style="red"))
            return
        page = message.page
        for prefix in page.prefixes:
            name = prefix[len(node.data.prefix) if node.data else 0 :]
            node.add(Text(name, style="bold blue"), data=NodeData("prefix", prefix=prefix))
        for entry in page.objects:
            label = Text.assemble(
                entry.name or entry.key,
                ("  " + human_size(entry.size), "cyan"),
                ("  " + short_time(entry.last_modified), "dim"),
            )
            node.add_leaf(label, data=NodeData("object", prefix=entry.key, entry=entry))
        if page.next_token:
            node.add_leaf(
                Text("… more (loads as you reach it)", style="italic dim"),
                data=NodeData("more", prefix=node.data.prefix if node.data else "", token=page.next_token),
            )
        if not node.children:
            node.add_leaf(Text("(empty)", style="dim"))

    @on(Tree.NodeExpanded)
    def _on_expand(self, event: Tree.NodeExpanded[NodeData]) -> None:
        event.stop()
        data = event.node.data
        if self.bucket and data is not None and data.kind == "prefix" and not data.loaded:
            data.loaded = True
            self._load_page(self.bucket, event.node, data.prefix, None)

    @on(Tree.NodeHighlighted)
    def _on_highlight(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        event.stop()
        data = event.node.data
        if self.bucket is None or data is None:
            return
        if data.kind == "more" and not data.loaded and event.node.parent is not None:
            data.loaded = True  # the next page, as the user scrolls onto it
            self._load_page(self.bucket, event.node.parent, data.prefix, data.token)
        elif data.kind == "object" and data.entry is not None:
            self._load_preview(self.bucket, data.entry.key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bucket-preview")
    def _load_preview(self, bucket: str, key: str) -> None:
        clients = self._clients()
        try:
            info = head_object(clients, bucket, key)
            preview = preview_object(clients, bucket, key)
        except LstuiError as exc:
            self.post_message(self.PreviewLoaded(key, None, None, str(exc)))
            return
        self.post_message(self.PreviewLoaded(key, info, preview, None))

    @on(PreviewLoaded)
    def _on_preview(self, message: PreviewLoaded) -> None:
        message.stop()
        target = self.query_one("#bucket-preview", Static)
        if message.error or message.info is None or message.preview is None:
            update_in_place(target, Text(message.error or "error", style="red"))
            return
        info, preview = message.info, message.preview
        head = Text.assemble(
            (info.key, "bold"),
            "\n",
            (
                f"{human_size(info.size)} · {info.content_type or 'unknown type'} · {short_time(info.last_modified)}",
                "dim",
            ),
            "\n\n",
        )
        if preview.text is not None:
            body = Text(preview.text)
            if preview.truncated:
                body.append("\n… (first KiB shown)", style="dim italic")
        else:
            body = Text(f"binary content ({human_size(info.size)})", style="dim italic")
        update_in_place(target, head + body)

    # -- notifications -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="bucket-notifications")
    def _load_notifications(self, bucket: str) -> None:
        try:
            config = get_notification_config(self._clients(), bucket)
        except LstuiError as exc:
            self.post_message(self.NotificationsLoaded(bucket, None, str(exc)))
            return
        self.post_message(self.NotificationsLoaded(bucket, config, None))

    @on(NotificationsLoaded)
    def _on_notifications(self, message: NotificationsLoaded) -> None:
        message.stop()
        if message.bucket != self.bucket:
            return
        table = self.query_one("#bucket-notifications", DataTable)
        table.clear()
        if message.config is None:
            table.add_row(Text(message.error or "error", style="red"), "", "", "", "", "")
            return
        self.config = message.config
        kind_style = {"Lambda": "magenta", "Queue": "cyan", "Topic": "green"}
        for entry in message.config.entries:
            table.add_row(
                Text(str(entry.kind), style=kind_style.get(str(entry.kind), "")),
                entry.target_name,
                ", ".join(entry.events),
                entry.prefix or Text("—", style="dim"),
                entry.suffix or Text("—", style="dim"),
                Text(entry.id or "", style="dim"),
            )
        if message.config.eventbridge:
            table.add_row(Text("EventBridge", style="yellow"), "default event bus", "all events", "—", "—", "")
        if not message.config.entries and not message.config.eventbridge:
            table.add_row(Text("no notifications", style="dim"), "", "", "", "", "")

    def action_raw_json(self) -> None:
        from localstack_tui.ui.screens.text_view import TextViewScreen

        if self.config is None or self.bucket is None:
            return
        text = json.dumps(self.config.to_api(), indent=2) if (self.config.entries or self.config.eventbridge) else "{}"
        self.app.push_screen(TextViewScreen(f"Notification configuration of {self.bucket}", text, language="json"))

"""The main screen: the three lists, the selected resource's detail, and the log pane."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import ContentSwitcher, Static

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.functions import FunctionInfo
from localstack_tui.core.notifications import notification_cache
from localstack_tui.core.s3 import Bucket
from localstack_tui.core.sqs import Queue
from localstack_tui.ui.startup import resume_gc
from localstack_tui.ui.widgets.bucket_detail import BucketDetail
from localstack_tui.ui.widgets.function_detail import FunctionDetail
from localstack_tui.ui.widgets.key_footer import KeyFooter
from localstack_tui.ui.widgets.lists import BucketList, FunctionList, QueueList
from localstack_tui.ui.widgets.log_pane import LogPane
from localstack_tui.ui.widgets.queue_detail import QueueDetail
from localstack_tui.ui.widgets.resource_list import ResourceList
from localstack_tui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:  # the wizards and the map are imported when opened: not on the start-up path
    from localstack_tui.ui.widgets.flow_view import FlowView
    from localstack_tui.ui.wizards.base import Choices, Wizard

DETAIL_PAUSE = 0.2  # seconds the cursor rests on a row before its detail loads (Enter: at once)

WELCOME = """[b]Welcome to lstui[/b]

Pick a bucket, a queue or a function on the left ([b]Tab[/b] moves between panes,
arrows move in a list, [b]Enter[/b] opens). [b]/[/b] filters a list, [b]r[/b] refreshes,
[b]?[/b] lists every key, [b]Ctrl+P[/b] finds any action or resource by name.

The seed tutorial, a key each: [b]n[/b] new bucket, [b]d[/b] deploy a handler, [b]w[/b] wire a
trigger, [b]u[/b] upload, [b]b[/b] the S3 → SQS → Lambda pipeline, [b]i[/b] invoke."""


def detail_key(item: object) -> tuple[str, str] | None:
    """Which resource a list's item is, whatever its counts or state at the time."""
    if isinstance(item, Bucket):
        return ("bucket", item.name)
    if isinstance(item, Queue):
        return ("queue", item.url)
    if isinstance(item, FunctionInfo):
        return ("function", item.name)
    return None


class MainScreen(Screen[None]):
    AUTO_FOCUS = "#buckets RowList"
    # Textual repaints the whole screen on every focus change (~20 ms of a Tab at 160×48). What
    # looks different with the focus redraws itself (:focus and :focus-within styles, the cursor
    # row); the watcher that refreshes the footer's keys is kept.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    BORDER_EDGES = ("border_top", "border_right", "border_bottom", "border_left")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="main.refresh"),
        Binding("n", "wizard('bucket')", "New bucket", id="wizard.bucket"),
        Binding("d", "wizard('deploy')", "Deploy", id="wizard.deploy"),
        Binding("w", "wizard('wire')", "Wire", id="wizard.wire"),
        Binding("b", "wizard('pipeline')", "Pipeline", id="wizard.pipeline"),
        Binding("u", "wizard('upload')", "Upload", id="wizard.upload"),
        Binding("i", "wizard('invoke')", "Invoke", id="wizard.invoke"),
        Binding("e", "flow_map", "Event flow", id="main.flow_map"),
        Binding("E", "flow_pane", "Flow here", id="main.flow_pane"),
        Binding("escape", "back", "Back", show=False, id="main.back"),
    ]

    def __init__(self, clients: AwsClients, refresh_seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clients = clients
        self.refresh_seconds = refresh_seconds
        self._flow_back = "welcome"  # the detail the flow pane replaced
        self._details_mounted: AwaitMount | None = None
        self._details_ready = False  # the queue and function details are mounted
        self._detail_timer: Timer | None = None
        self._detail_key: tuple[str, str] | None = None  # what the detail (or the flow pane) was last opened on
        self._lit_pane: DOMNode | None = None  # the pane with the accent border (the focus is in it)

    class Ready(Message):
        """Composed: its status bar can be filled."""

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._relight)
        self.post_message(self.Ready())

    def _get_clients(self) -> AwsClients:
        return self.clients

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status-bar")
        with Horizontal(id="body"):
            with Vertical(id="lists"):
                yield BucketList(self._get_clients, self.refresh_seconds, id="buckets", classes="pane")
                yield QueueList(self._get_clients, self.refresh_seconds, id="queues", classes="pane")
                yield FunctionList(self._get_clients, self.refresh_seconds, id="functions", classes="pane")
            with Vertical(id="right"):
                with ContentSwitcher(initial="welcome", id="detail"):
                    yield Static(WELCOME, id="welcome", classes="pane")
                    yield BucketDetail(self._get_clients, id="bucket-detail", classes="pane")
                    # The queue and function details are mounted once the lists are filled (see _mount_details).
                yield LogPane(self._get_clients, id="log-pane", classes="pane")
        yield KeyFooter()

    @on(ResourceList.FirstShown)
    def _on_first_shown(self) -> None:
        if all(pane.answered for pane in self.query(ResourceList)):
            resume_gc()  # started: the panes show what the server holds
            self._mount_details()
            self._warm_logs()

    @work(thread=True, exit_on_error=False, group="warm")
    def _warm_logs(self) -> None:
        """Make the CloudWatch Logs client now (~50 ms of model loading that holds Python's lock), not
        under the user's keys when a function's detail first shows its log lines."""
        self._get_clients().warm_up(("logs",))

    def _mount_details(self) -> AwaitMount:
        """Mount the (hidden) queue and function details, once.

        Not composed with the screen: the lists come first (~80 ms sooner to filled panes).
        They are mounted as soon as the lists are filled, or when first needed.
        """
        if self._details_mounted is None:
            queue = QueueDetail(self._get_clients, id="queue-detail", classes="pane")
            function = FunctionDetail(self._get_clients, self._bucket_names, id="function-detail", classes="pane")
            queue.display = function.display = False  # the switcher shows one child at a time
            self._details_mounted = self.query_one("#detail", ContentSwitcher).mount(queue, function)
        return self._details_mounted

    async def _details_mounted_now(self) -> None:
        """The queue and function details are mounted, awaited once: each await of a mount lays
        the whole screen out again (~10 ms of every detail shown, under the user's keys)."""
        if not self._details_ready:
            await self._mount_details()
            self._details_ready = True

    def watch_focused(self, focused: Widget | None) -> None:
        """The pane holding the focus gets the accent border, set on that pane alone."""
        pane = None
        if focused is not None:
            pane = next((node for node in focused.ancestors_with_self if node.has_class("pane")), None)
        if pane is self._lit_pane:
            return
        if isinstance(self._lit_pane, Widget):
            for edge in self.BORDER_EDGES:
                self._lit_pane.styles.clear_rule(edge)
            self._lit_pane.refresh()
        self._lit_pane = pane
        if isinstance(pane, Widget):
            pane.styles.border = ("round", Color.parse(self.app.theme_variables["accent"]))

    def _relight(self, theme: object) -> None:
        """A new theme: the lit pane takes its accent."""
        pane, self._lit_pane = self._lit_pane, None
        if pane is not None:
            self.watch_focused(self.focused)

    def _bucket_names(self) -> list[str]:
        return [bucket.name for bucket in self.query_one(BucketList).items]

    def _cancel_follow(self) -> None:
        """Drop a detail about to follow the cursor (a newer selection, or E, wins)."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None

    @on(ResourceList.Selected)
    async def _on_selected(self, message: ResourceList.Selected) -> None:
        self._cancel_follow()
        if message.opened:  # Enter, a jump, a wizard's result: at once
            await self._show_detail(message.item, opened=True)
        elif detail_key(message.item) != self._detail_key:
            # The cursor moving (or Tab): the detail follows once it rests, not for every row passed.
            # Onto what is already open (the focus coming back): nothing, the flow pane E opened stays.
            self._detail_timer = self.set_timer(DETAIL_PAUSE, partial(self._follow, message.pane, message.item))

    async def _follow(self, pane: ResourceList[Any], item: object) -> None:
        """The cursor rested on `item`: its detail, unless the list has moved on meanwhile.

        A timer runs beside the screen's messages: a jump handled before an older highlight's
        timer fired must not be undone by it (CI saw the wire wizard open on another bucket).
        """
        self._detail_timer = None
        selected = pane.selected
        if selected is None or detail_key(selected) != detail_key(item):
            return
        await self._show_detail(item, opened=False)

    async def _show_detail(self, item: object, opened: bool) -> None:
        self._detail_timer = None
        self._detail_key = detail_key(item)
        switcher = self.query_one("#detail", ContentSwitcher)
        if isinstance(item, (Queue, FunctionInfo)):
            await self._details_mounted_now()
        if isinstance(item, Bucket):
            detail_b = self.query_one(BucketDetail)
            if detail_b.bucket != item.name or opened:
                detail_b.show(item.name)
            switcher.current = "bucket-detail"
        elif isinstance(item, Queue):
            detail_q = self.query_one(QueueDetail)
            if detail_q.url != item.url or opened:
                detail_q.show(item.url)
            switcher.current = "queue-detail"
        elif isinstance(item, FunctionInfo):
            detail_f = self.query_one(FunctionDetail)
            if detail_f.name_shown != item.name or opened:
                detail_f.show(item.name)
            switcher.current = "function-detail"
            self.query_one(LogPane).follow(item.name)
        if opened:
            current = switcher.visible_content
            if current is not None:
                focusable = current.query("DataTable, Tree").first() if current.query("DataTable, Tree") else None
                if focusable is not None:
                    focusable.focus()

    def action_refresh(self) -> None:
        self.refresh_all()

    def refresh_all(self, new_endpoint: bool = False) -> None:
        """Every list and the open detail again; after a change of endpoint, without waiting on the old one."""
        notification_cache(self.clients.connection.endpoint_url).forget()  # a function's triggers read afresh
        for pane in self.query(ResourceList):
            pane.poll(force=new_endpoint)
        switcher = self.query_one("#detail", ContentSwitcher)
        if switcher.current == "flow-pane":
            from localstack_tui.ui.widgets.flow_view import FlowView

            self.query_one("#flow-pane", FlowView).action_refresh()
        if switcher.current == "bucket-detail":
            bucket = self.query_one(BucketDetail)
            if bucket.bucket:
                bucket.show(bucket.bucket)
        elif switcher.current == "queue-detail":
            self.query_one(QueueDetail).action_peek()
        elif switcher.current == "function-detail":
            function = self.query_one(FunctionDetail)
            if function.name_shown:
                function.show(function.name_shown)

    def action_back(self) -> None:
        """Escape: from a detail (or the log pane) back to the list it came from."""
        focused = self.focused
        right = self.query_one("#right")
        if focused is None or right not in focused.ancestors:
            return
        current = self.query_one("#detail", ContentSwitcher).current or ""
        target = {"bucket-detail": "#buckets", "queue-detail": "#queues", "function-detail": "#functions"}.get(current)
        if target:
            self.query_one(f"{target} RowList").focus()

    def jump_to(self, kind: str, key: str) -> bool:
        """Select a bucket, queue or function by key (the palette's jump)."""
        panes: dict[str, type[ResourceList[Any]]] = {"bucket": BucketList, "queue": QueueList, "function": FunctionList}
        pane = self.query_one(panes[kind])
        return pane.select_key(key)

    def action_flow_map(self) -> None:
        from localstack_tui.ui.screens.flow_map import FlowMapScreen

        self.app.push_screen(FlowMapScreen(self.clients))

    def action_flow_pane(self) -> None:
        """The selected resource's event flow in the detail pane; E again: back to its detail."""
        from textual.widgets import Tree

        from localstack_tui.ui.widgets.flow_view import FlowView

        self._cancel_follow()
        switcher = self.query_one("#detail", ContentSwitcher)
        if switcher.current == "flow-pane":
            switcher.current = self._flow_back
            return
        bucket, queue, function = self._selected()
        name = bucket or queue or function
        self._flow_back = switcher.current or "welcome"
        found = self.query("#flow-pane")
        if found:
            view = found.first(FlowView)
            switcher.current = "flow-pane"
            view.show_only(name)
            view.query_one(Tree).focus()
        else:
            view = FlowView(self.clients, id="flow-pane", classes="pane")
            view.only = name
            view.focus_on_mount = True
            switcher.add_content(view, set_current=True)

    # The flow pane's messages, by Textual's handler names (no import of the map at start-up).
    def on_flow_view_open(self, message: FlowView.Open) -> None:
        message.stop()
        self.open_named(message.kind, message.name)

    def on_flow_view_wizard_for(self, message: FlowView.WizardFor) -> None:
        message.stop()
        self.open_wizard_for(message.wizard, message.kind, message.name)

    def open_named(self, kind: str, name: str) -> None:
        """Select a bucket, queue or function by name (a queue's key is its URL)."""
        if kind == "queue":
            queue = next((q for q in self.query_one(QueueList).items if q.name == name), None)
            if queue is not None:
                self.reveal("queue", queue.url)
            return
        self.reveal(kind, name)

    def reveal(self, kind: str, key: str) -> None:
        """Select a resource, now or once a refresh lists it (what a wizard just made)."""
        panes: dict[str, type[ResourceList[Any]]] = {"bucket": BucketList, "queue": QueueList, "function": FunctionList}
        self.query_one(panes[kind]).reveal(key)

    async def watch_function(self, name: str, source: str) -> None:
        """Start the dev loop for a function and show it."""
        await self._details_mounted_now()
        self.query_one(FunctionDetail).start_watching(name, source)
        self.reveal("function", name)

    def choices(self) -> Choices:
        """What the wizards offer to pick from: the lists as they are now."""
        from localstack_tui.ui.wizards.base import Choices

        queues = self.query_one(QueueList).items
        return Choices(
            buckets=tuple(bucket.name for bucket in self.query_one(BucketList).items),
            queues=tuple(queue.name for queue in queues),
            functions=tuple(function.name for function in self.query_one(FunctionList).items),
            dlqs=tuple(queue.name for queue in queues if queue.is_dlq),
            redrives={
                queue.name: (queue.redrive_policy.dlq_name, queue.redrive_policy.max_receive_count)
                for queue in queues
                if queue.redrive_policy
            },
        )

    def _selected(self) -> tuple[str, str, str]:
        """(bucket, queue, function) of the open detail, to fill a wizard in."""
        current = self.query_one("#detail", ContentSwitcher).current
        bucket = self.query_one(BucketDetail).bucket or "" if current == "bucket-detail" else ""
        queue_detail = self.query(QueueDetail).first() if current == "queue-detail" else None
        queue = queue_detail.queue.name if queue_detail is not None and queue_detail.queue else ""
        function = self.query_one(FunctionDetail).name_shown or "" if current == "function-detail" else ""
        return bucket, queue, function

    def action_wizard(self, kind: str) -> None:
        """Open a wizard, with the selected resource filled in."""
        bucket, queue, function = self._selected()
        self._open_wizard(kind, bucket, queue, function)

    def open_wizard_for(self, kind: str, resource_kind: str, name: str) -> None:
        """A wizard for a resource picked elsewhere (the flow map)."""
        bucket = name if resource_kind == "bucket" else ""
        queue = name if resource_kind in ("queue", "dlq") else ""
        function = name if resource_kind == "function" else ""
        self._open_wizard(kind, bucket, queue, function)

    def _open_wizard(self, kind: str, bucket: str, queue: str, function: str) -> None:
        from localstack_tui.ui.wizards.bucket import BucketWizard
        from localstack_tui.ui.wizards.deploy import DeployWizard
        from localstack_tui.ui.wizards.invoke import InvokeWizard
        from localstack_tui.ui.wizards.pipeline import PipelineWizard
        from localstack_tui.ui.wizards.upload import UploadWizard
        from localstack_tui.ui.wizards.wire import WireWizard

        choices = self.choices()
        wizard: Wizard
        if kind == "bucket":
            wizard = BucketWizard(self.clients, choices)
        elif kind == "deploy":
            wizard = DeployWizard(self.clients, choices, function=function)
        elif kind == "wire":
            link = "sqs-lambda" if queue else "s3-lambda"
            wizard = WireWizard(self.clients, choices, link=link, bucket=bucket, function=function, queue=queue)
        elif kind == "pipeline":
            wizard = PipelineWizard(self.clients, choices, bucket=bucket, function=function)
        elif kind == "upload":
            wizard = UploadWizard(self.clients, choices, bucket=bucket)
        else:
            wizard = InvokeWizard(self.clients, choices, function=function)
        self.app.push_screen(wizard)

"""The event-flow map as a widget: buckets → queues → functions → DLQs, from the live configuration.

Shown full-screen (FlowMapScreen) or as a pane of the main screen (the selected
resource's flow). Refreshed every few seconds in a worker while it is shown;
queue depths and function runs get a sparkline of their last readings; broken
links and nodes are red with the reason. Enter asks the host to open the
resource; `w` / `d` to start the wizard that fits; `R` redrives a DLQ; `/`
shows only what is connected to one resource.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Tree

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.flowmap import ICONS, FlowMap, Link, build_flow_map
from localstack_tui.core.sqs import RedriveResult, redrive_dlq
from localstack_tui.ui.widgets.inputs import open_box

REFRESH_SECONDS = 3.0
HISTORY = 20
SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    if len(values) < 2:
        return ""
    top = max(values)
    if top == 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, value * (len(SPARKS) - 1) // top)] for value in values)


@dataclass(frozen=True)
class MapNode:
    """What a tree node stands for."""

    key: str  # the flow map's node key
    kind: str
    name: str


class FlowView(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="map.refresh"),
        Binding("slash", "only", "Only connected to…", id="map.only"),
        Binding("w", "wizard('wire')", "Wire", id="map.wire"),
        Binding("d", "wizard('deploy')", "Deploy", id="map.deploy"),
        Binding("R", "redrive", "Redrive DLQ", id="map.redrive"),
    ]

    class Redriven(Message):
        def __init__(self, dlq: str, result: RedriveResult | None, error: str | None) -> None:
            super().__init__()
            self.dlq, self.result, self.error = dlq, result, error

    class Open(Message):
        """Open this resource on the main screen."""

        def __init__(self, kind: str, name: str) -> None:
            super().__init__()
            self.kind, self.name = kind, name

    class WizardFor(Message):
        """Start this wizard for this resource."""

        def __init__(self, wizard: str, kind: str, name: str) -> None:
            super().__init__()
            self.wizard, self.kind, self.name = wizard, kind, name

    class Built(Message):
        def __init__(self, flow: FlowMap | None, error: str | None) -> None:
            super().__init__()
            self.flow, self.error = flow, error

    def __init__(self, clients: AwsClients, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clients = clients
        self.flow: FlowMap | None = None
        self.only = ""
        self.history: dict[str, deque[int]] = {}
        self.builds = 0
        self.focus_on_mount = False

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="only what is connected to… (a bucket, queue or function; empty: all)", classes="map-only"
        )
        tree: Tree[MapNode] = Tree("event flow", classes="map-tree")
        tree.show_root = False
        tree.guide_depth = 4
        yield tree
        yield Label("reading the configuration…", classes="map-status")

    def on_mount(self) -> None:
        self.border_title = (
            f"Event flow of {self.only}" if self.only else "Event flow · how events travel, as configured now"
        )
        self.query_one(".map-only").display = False
        if self.focus_on_mount:
            self.query_one(Tree).focus()
        self._build()

    def show_only(self, name: str) -> None:
        """Draw only what is connected to `name` ("" for everything), and read the configuration again."""
        self.only = name
        self.query_one(".map-only", Input).value = name
        self.border_title = f"Event flow of {name}" if name else "Event flow · how events travel, as configured now"
        self._redraw()
        self._build()

    # -- reading ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="map")
    def _build(self) -> None:
        try:
            flow = build_flow_map(self.clients)
        except LstuiError as exc:
            self.post_message(self.Built(None, str(exc)))
            return
        self.post_message(self.Built(flow, None))

    @on(Built)
    def _on_built(self, message: Built) -> None:
        status = self.query_one(".map-status", Label)
        if message.flow is None:
            status.update(Text(f"✗ {message.error} (retrying)", style="red"))
        else:
            self.builds += 1
            self.flow = message.flow
            for key, node in message.flow.nodes.items():
                if node.reading is not None:
                    self.history.setdefault(key, deque(maxlen=HISTORY)).append(node.reading)
            self._redraw()
        self.set_timer(REFRESH_SECONDS, self._tick)

    def _tick(self) -> None:
        if self.display and self.screen.is_current:
            self._build()
        else:
            self.set_timer(REFRESH_SECONDS, self._tick)

    # -- drawing -------------------------------------------------------------------------------
    def shown_flow(self) -> FlowMap | None:
        if self.flow is None:
            return None
        if self.only:
            key = self.flow.find(self.only)
            return self.flow.connected_to(key) if key else FlowMap()
        return self.flow

    def _node_text(self, key: str, via: Link | None, again: bool) -> Text:
        assert self.flow is not None
        node = self.flow.nodes[key]
        text = Text()
        if via is not None:
            text.append(f"──[{via.label}]──▶ " if via.label else "──▶ ", style="red" if via.problem else "dim")
        text.append(f"{ICONS[node.kind]} {node.name}", style="bold red" if node.problem else "bold")
        if again:
            text.append("  ↺ (drawn above)", style="dim")
            return text
        if node.figures:
            text.append(
                f"  {node.figures}", style="yellow" if node.kind == "dlq" and not node.figures.startswith("0 ") else ""
            )
        spark = sparkline(list(self.history.get(key, ())))
        if spark:
            text.append(f"  {spark}", style="cyan")
        problem = (via.problem if via else "") or node.problem
        if problem:
            text.append(f"   ✗ {problem}", style="red")
        return text

    def _redraw(self) -> None:
        tree: Tree[MapNode] = self.query_one(Tree)
        cursor = tree.cursor_node.data.key if tree.cursor_node and tree.cursor_node.data else None
        flow = self.shown_flow()
        tree.clear()
        status = self.query_one(".map-status", Label)
        if flow is None:
            return
        drawn: set[str] = set()
        restore: Any = None

        def add(parent: Any, key: str, via: Link | None) -> None:
            nonlocal restore
            node = flow.nodes[key]
            again = key in drawn and via is not None
            children = [] if again else flow.outgoing(key)
            label = self._node_text(key, via, again)
            data = MapNode(key, node.kind, node.name)
            branch = parent.add(label, data=data, expand=True, allow_expand=bool(children))
            if key == cursor and restore is None:
                restore = branch
            drawn.add(key)
            for link in children:
                add(branch, link.target, link)

        for root in flow.roots():
            add(tree.root, root, None)
        for key in flow.nodes:
            if key not in drawn:
                add(tree.root, key, None)
        if restore is not None:
            tree.move_cursor(restore)
        broken = flow.broken
        counts = f"{len(flow.nodes)} resources · {len(flow.links)} links"
        if self.only:
            counts += f" · only what is connected to {self.only}"
        if broken:
            status.update(Text(f"{counts} · {len(broken)} broken: " + "; ".join(broken[:3]), style="red"))
        elif not flow.nodes:
            status.update("nothing here yet: create a bucket, a queue or a function (d deploys a handler)")
        else:
            status.update(Text(f"{counts} · nothing broken", style="green"))

    # -- actions -------------------------------------------------------------------------------
    def close_filter(self) -> bool:
        """Escape in the filter box: hide it (True), else nothing to do here (False)."""
        box = self.query_one(".map-only", Input)
        if box.has_focus:
            box.display = False
            self.query_one(Tree).focus()
            return True
        return False

    def action_refresh(self) -> None:
        self._build()

    def action_only(self) -> None:
        box = self.query_one(".map-only", Input)
        open_box(box)

    @on(Input.Submitted, ".map-only")
    def _only_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.only = event.value.strip()
        if not self.only:
            event.input.display = False
        self._redraw()
        self.query_one(Tree).focus()

    def _selected(self) -> MapNode | None:
        node = self.query_one(Tree).cursor_node
        return node.data if node is not None else None

    @on(Tree.NodeSelected)
    def _open(self, event: Tree.NodeSelected[MapNode]) -> None:
        event.stop()
        data = event.node.data
        if data is None or data.kind not in ("bucket", "queue", "dlq", "function"):
            return
        self.post_message(self.Open("queue" if data.kind == "dlq" else data.kind, data.name))

    def action_wizard(self, kind: str) -> None:
        """The wizard that fits the selected node."""
        data = self._selected()
        self.post_message(self.WizardFor(kind, data.kind if data else "", data.name if data else ""))

    # -- redrive a DLQ ---------------------------------------------------------------------------
    def action_redrive(self) -> None:
        """Move a DLQ's messages back to the queue that feeds it (after a confirmation)."""
        data = self._selected()
        if data is None or data.kind != "dlq":
            self.notify("Pick a dead-letter queue (☠) to redrive.", severity="warning")
            return
        from localstack_tui.ui.screens.confirm import ConfirmScreen

        node = self.flow.nodes.get(data.key) if self.flow else None
        sources = [self.flow.nodes[link.source].name for link in self.flow.incoming(data.key)] if self.flow else []
        where = sources[0] if len(sources) == 1 else "its source queue"
        figures = f" ({node.figures})" if node and node.figures else ""

        def answered(yes: bool | None) -> None:
            if yes:
                self._redrive(data.name)

        question = ConfirmScreen(
            f"Redrive {data.name}?", f"Move its messages{figures} back to {where}, to be processed again.", "Redrive"
        )
        self.app.push_screen(question, answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="map-redrive")
    def _redrive(self, dlq: str) -> None:
        try:
            result = redrive_dlq(self.clients, dlq)
        except LstuiError as exc:
            self.post_message(self.Redriven(dlq, None, str(exc)))
            return
        self.post_message(self.Redriven(dlq, result, None))

    @on(Redriven)
    def _on_redriven(self, message: Redriven) -> None:
        if message.result is None:
            self.notify(f"Redrive of {message.dlq} failed: {message.error}", severity="error")
            return
        result = message.result
        target = result.destination_url.rstrip("/").rsplit("/", 1)[-1]
        left = f"; {result.remaining} still in {message.dlq}" if result.remaining else ""
        self.notify(
            f"Moved {result.moved} message{'s' if result.moved != 1 else ''} from {message.dlq} to {target}{left}."
        )
        self._build()

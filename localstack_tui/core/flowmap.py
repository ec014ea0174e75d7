"""The event-flow map: how events travel from buckets through queues to functions and DLQs.

Built from the live configuration — every bucket's notification entries, every
queue's redrive policy, every event source mapping, every function's state —
as nodes and links; a link or node that cannot work says why (`problem`).
`flow_lines` draws it as text, left to right in the order events travel;
`to_mermaid` as a Mermaid graph for docs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from localstack_tui.core.aws_errors import aws_call
from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError, NotFoundError
from localstack_tui.core.functions import list_event_source_mappings, list_functions
from localstack_tui.core.logs import classify, function_log_group
from localstack_tui.core.notifications import NotificationConfig, TargetKind, get_notification_config
from localstack_tui.core.s3 import list_buckets
from localstack_tui.core.sqs import list_queues

NodeKind = Literal["bucket", "queue", "dlq", "function", "topic", "eventbridge"]
ACTIVITY_WINDOW = timedelta(minutes=5)
ICONS: dict[str, str] = {
    "bucket": "▣",
    "queue": "✉",
    "dlq": "☠",
    "function": "λ",
    "topic": "📣",
    "eventbridge": "⇶",
}


@dataclass(frozen=True)
class Node:
    """A resource on the map. `key` is unique: kind and name."""

    kind: NodeKind
    name: str
    figures: str = ""  # e.g. "3 visible · 0 in flight", "12 runs · 1 error (5 min)"
    problem: str = ""  # why it cannot work, when it cannot
    reading: int | None = None  # the number a sparkline follows: visible messages, or runs

    @property
    def key(self) -> str:
        return f"{'queue' if self.kind == 'dlq' else self.kind}:{self.name}"

    def label(self) -> str:
        text = f"{ICONS[self.kind]} {self.name}"
        if self.figures:
            text += f" ({self.figures})"
        return text


@dataclass(frozen=True)
class Link:
    """An arrow: events (or failed messages) go from `source` to `target` (node keys)."""

    source: str
    target: str
    kind: Literal["notification", "mapping", "redrive"]
    label: str
    problem: str = ""


@dataclass
class FlowMap:
    nodes: dict[str, Node] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what could not be read (the map is partial)

    def add(self, node: Node) -> Node:
        existing = self.nodes.get(node.key)
        if existing is None or (node.kind == "dlq" and existing.kind == "queue"):
            self.nodes[node.key] = node
            return node
        return existing

    def outgoing(self, key: str) -> list[Link]:
        return [link for link in self.links if link.source == key]

    def incoming(self, key: str) -> list[Link]:
        return [link for link in self.links if link.target == key]

    @property
    def broken(self) -> list[str]:
        """Every problem on the map, one line each."""
        found = [
            f"{self.nodes[link.source].name} → {self.nodes[link.target].name}: {link.problem}"
            for link in self.links
            if link.problem
        ]
        found += [f"{node.name}: {node.problem}" for node in self.nodes.values() if node.problem]
        return found

    def roots(self) -> list[str]:
        """Where events start: nodes nothing flows into (buckets first), and any cycle's first node."""
        targets = {link.target for link in self.links}
        order = {"bucket": 0, "topic": 1, "queue": 2, "function": 3, "eventbridge": 4, "dlq": 5}
        starts = [key for key in self.nodes if key not in targets]
        return sorted(starts, key=lambda key: (order[self.nodes[key].kind], self.nodes[key].name))

    def connected_to(self, key: str) -> FlowMap:
        """Only the nodes and links on a path through `key` (upstream and downstream)."""
        keep = {key}
        for forward in (True, False):
            todo = [key]
            while todo:
                current = todo.pop()
                for link in self.outgoing(current) if forward else self.incoming(current):
                    nxt = link.target if forward else link.source
                    if nxt not in keep:
                        keep.add(nxt)
                        todo.append(nxt)
        return FlowMap(
            {k: n for k, n in self.nodes.items() if k in keep},
            [link for link in self.links if link.source in keep and link.target in keep],
            list(self.problems),
        )

    def find(self, name: str) -> str | None:
        """The key of the node named `name` (any kind), None if there is none."""
        return next((key for key, node in self.nodes.items() if node.name == name), None)


def _events_label(events: Iterable[str], prefix: str, suffix: str) -> str:
    short = [event.removeprefix("s3:") for event in events]
    label = ", ".join(short)
    filters = [f"prefix {prefix}" if prefix else "", f"suffix {suffix}" if suffix else ""]
    shown = " ".join(part for part in filters if part)
    return f"{label} [{shown}]" if shown else label


def _activity(clients: AwsClients, function: str, since: datetime) -> tuple[int, int]:
    """(invocations, errors) of a function since `since`, from its log lines."""
    params = {
        "logGroupName": function_log_group(function),
        "startTime": int(since.timestamp() * 1000),
        "limit": 10_000,
    }
    runs = errors = 0
    try:
        with aws_call(f"read the logs of {function}", clients.connection.endpoint_url):
            response = clients.logs.filter_log_events(**params)
    except NotFoundError:
        return 0, 0
    for event in response.get("events", []):
        _, kind = classify(str(event.get("message", "")))
        runs += kind == "report"
        errors += kind == "error"
    return runs, errors


def build_flow_map(clients: AwsClients, activity: bool = True) -> FlowMap:
    """Read the live configuration and draw the map from it (`activity`: runs/errors from the logs)."""
    flow = FlowMap()
    buckets = list_buckets(clients)
    queues = list_queues(clients)
    functions = list_functions(clients)
    mappings = list_event_source_mappings(clients)

    def config_of(name: str) -> tuple[str, NotificationConfig | None, str]:
        try:
            return name, get_notification_config(clients, name), ""
        except LstuiError as exc:
            return name, None, str(exc)

    with ThreadPoolExecutor(max_workers=8) as pool:
        configs = list(pool.map(config_of, [bucket.name for bucket in buckets]))

    since = datetime.now(UTC) - ACTIVITY_WINDOW
    figures: dict[str, tuple[int, int]] = {}
    if activity and functions:
        with ThreadPoolExecutor(max_workers=8) as pool:
            counted = pool.map(lambda f: (f.name, _activity(clients, f.name, since)), functions)
            figures = dict(counted)

    queue_by_arn = {queue.arn: queue for queue in queues}
    function_by_name = {function.name: function for function in functions}

    for queue in queues:
        depth = f"{queue.visible} visible · {queue.in_flight} in flight"
        flow.add(Node("dlq" if queue.is_dlq else "queue", queue.name, depth, reading=queue.visible))
    for function in functions:
        problem = ""
        if function.state == "Failed":
            problem = f"the function is Failed: {function.state_reason or 'no reason given'}"
        runs, errors = figures.get(function.name, (0, 0))
        shown = f"{runs} run{'s' if runs != 1 else ''}" + (
            f" · {errors} error{'s' if errors != 1 else ''}" if errors else ""
        )
        flow.add(
            Node(
                "function",
                function.name,
                f"{shown} in 5 min" if activity else "",
                problem,
                reading=runs if activity else None,
            )
        )

    for bucket_name, config, error in configs:
        bucket = flow.add(
            Node("bucket", bucket_name, problem=f"its notifications could not be read: {error}" if error else "")
        )
        if config is None:
            continue
        for entry in config.entries:
            label = _events_label(entry.events, entry.prefix, entry.suffix)
            problem = ""
            if entry.kind == TargetKind.LAMBDA:
                target = function_by_name.get(entry.target_name)
                node = (
                    flow.add(Node("function", entry.target_name))
                    if target is None
                    else flow.nodes[f"function:{entry.target_name}"]
                )
                if target is None:
                    problem = f"function {entry.target_name} does not exist"
            elif entry.kind == TargetKind.QUEUE:
                queue_hit = queue_by_arn.get(entry.target_arn)
                if queue_hit is None:
                    node = flow.add(Node("queue", entry.target_name))
                    problem = f"queue {entry.target_name} does not exist"
                else:
                    node = flow.nodes[f"queue:{queue_hit.name}"]
            else:
                node = flow.add(Node("topic", entry.target_name))
            flow.links.append(Link(bucket.key, node.key, "notification", label, problem))
        if config.eventbridge:
            node = flow.add(Node("eventbridge", "EventBridge (default bus)"))
            flow.links.append(Link(bucket.key, node.key, "notification", "all events"))

    for mapping in mappings:
        queue_hit = queue_by_arn.get(mapping.source_arn)
        if queue_hit is None and ":sqs:" not in mapping.source_arn:
            continue  # a Kinesis or DynamoDB stream: not on this map
        source = (
            flow.nodes[f"queue:{queue_hit.name}"]
            if queue_hit is not None
            else flow.add(Node("queue", mapping.source_arn.rsplit(":", 1)[-1]))
        )
        target_name = mapping.function_name
        target_node = flow.nodes.get(f"function:{target_name}") or flow.add(Node("function", target_name))
        label = f"batch {mapping.batch_size}" + (
            f", window {mapping.batching_window} s" if mapping.batching_window else ""
        )
        problem = ""
        if queue_hit is None:
            problem = f"queue {source.name} does not exist"
        elif target_name not in function_by_name:
            problem = f"function {target_name} does not exist"
        elif mapping.state not in ("Enabled", "Enabling", "Creating", "Updating"):
            problem = f"the mapping is {mapping.state or 'in an unknown state'}"
        elif mapping.last_result and not mapping.last_result.startswith(("OK", "No records")):
            problem = f"last processing: {mapping.last_result}"
        label += "" if mapping.state == "Enabled" else f" · {mapping.state}"
        flow.links.append(Link(source.key, target_node.key, "mapping", label, problem))

    for queue in queues:
        if queue.redrive_policy is None:
            continue
        dlq = queue_by_arn.get(queue.redrive_policy.dlq_arn)
        node = flow.nodes[f"queue:{dlq.name}"] if dlq else flow.add(Node("dlq", queue.redrive_policy.dlq_name))
        problem = "" if dlq else f"DLQ {queue.redrive_policy.dlq_name} does not exist"
        label = f"after {queue.redrive_policy.max_receive_count} receives"
        flow.links.append(Link(f"queue:{queue.name}", node.key, "redrive", label, problem))
        if dlq is None:
            flow.nodes[node.key] = replace(node, problem="missing")
    return flow


# -- as text -------------------------------------------------------------------------------------
def flow_lines(flow: FlowMap) -> list[tuple[str, str, str]]:
    """The map as a tree per source, left to right: (indent + arrow, node label, problem) rows.

    A node reached again (two buckets feeding one queue) is drawn once in full and
    then as `↺ name`, so the text stays finite with cycles and fan-in.
    """
    rows: list[tuple[str, str, str]] = []
    drawn: set[str] = set()

    def walk(key: str, prefix: str, via: Link | None, last: bool) -> None:
        node = flow.nodes[key]
        if via is None:
            lead = ""
        else:
            arrow = f"──[{via.label}]──▶ " if via.label else "──▶ "
            lead = prefix + ("└" if last else "├") + arrow
        problem = (via.problem if via else "") or node.problem
        if key in drawn and via is not None:
            rows.append((lead, f"↺ {ICONS[node.kind]} {node.name}", problem))
            return
        rows.append((lead, node.label(), problem))
        drawn.add(key)
        children = flow.outgoing(key)
        child_prefix = "" if via is None else prefix + ("    " if last else "│   ")
        for index, link in enumerate(children):
            walk(link.target, child_prefix, link, index == len(children) - 1)

    for root in flow.roots():
        walk(root, "", None, True)
    for key in flow.nodes:  # nodes only in cycles
        if key not in drawn:
            walk(key, "", None, True)
    return rows


def render_text(flow: FlowMap) -> str:
    lines = []
    for lead, label, problem in flow_lines(flow):
        line = f"{lead}{label}"
        if problem:
            line += f"   ✗ {problem}"
        lines.append(line)
    if flow.problems:
        lines += ["", *(f"! {problem}" for problem in flow.problems)]
    return "\n".join(lines)


_MERMAID_ID = re.compile(r"[^A-Za-z0-9_]")


def to_mermaid(flow: FlowMap) -> str:
    """A Mermaid flowchart, left to right; broken links dashed and red."""
    ids = {key: f"{flow.nodes[key].kind}_{_MERMAID_ID.sub('_', flow.nodes[key].name)}" for key in flow.nodes}
    shapes = {
        "bucket": ('[("', '")]'),
        "queue": ('[["', '"]]'),
        "dlq": ('[["', '"]]'),
        "function": ('("', '")'),
        "topic": ('>"', '"]'),
        "eventbridge": ('{{"', '"}}'),
    }

    def quoted(text: str) -> str:
        return text.replace('"', "#quot;")

    lines = ["flowchart LR"]
    for key, node in flow.nodes.items():
        left, right = shapes[node.kind]
        name = f"{node.kind.upper() if node.kind == 'dlq' else node.kind.capitalize()}: {node.name}"
        if node.figures:
            name += f"<br/>{node.figures}"
        lines.append(f"    {ids[key]}{left}{quoted(name)}{right}")
    broken: list[int] = []
    for index, link in enumerate(flow.links):
        arrow = "-.->" if link.problem or link.kind == "redrive" else "-->"
        label = quoted(link.label + (f" ✗ {link.problem}" if link.problem else ""))
        lines.append(f'    {ids[link.source]} {arrow}|"{label}"| {ids[link.target]}')
        if link.problem:
            broken.append(index)
    if broken:
        lines.append(f"    linkStyle {','.join(map(str, broken))} stroke:#d33,stroke-width:2px")
    problems = [ids[key] for key, node in flow.nodes.items() if node.problem]
    if problems:
        lines.append("    classDef broken stroke:#d33,stroke-width:2px")
        lines.append(f"    class {','.join(problems)} broken")
    return "\n".join(lines) + "\n"

"""The event-flow map, built from a real LocalStack's configuration, as text and as Mermaid."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.flowmap import FlowMap, Link, Node, build_flow_map, flow_lines, render_text, to_mermaid
from localstack_tui.core.functions import DeploySpec, deploy_function
from localstack_tui.core.wiring import PipelineSpec, build_pipeline, wire_s3_to_lambda

HANDLER = "def lambda_handler(event, context):\n    print('ok')\n"


@pytest.fixture(scope="module")
def seeded(clients: AwsClients, aws: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tag = uuid.uuid4().hex[:6]
    source: Path = tmp_path_factory.mktemp("map") / "lambda_function.py"
    source.write_text(HANDLER)
    names = {
        "uploads": f"map-uploads-{tag}",
        "part1": f"map-part1-{tag}",
        "orders": f"map-orders-{tag}",
        "queue": f"map-queue-{tag}",
        "dlq": f"map-queue-{tag}-dlq",
        "consumer": f"map-consumer-{tag}",
        "gone": f"map-gone-{tag}",
    }
    for function in ("part1", "consumer", "gone"):
        deploy_function(clients, DeploySpec(source, names[function]))
    aws("s3").create_bucket(Bucket=names["uploads"])
    wire_s3_to_lambda(clients, names["uploads"], names["part1"])
    wire_s3_to_lambda(clients, names["uploads"], names["gone"], ["s3:ObjectRemoved:*"], prefix="thumbs/")
    aws("lambda").delete_function(FunctionName=names["gone"])  # a broken link: its target is gone
    build_pipeline(clients, PipelineSpec(names["orders"], names["queue"], names["dlq"], names["consumer"]))
    return names


def test_the_map_follows_the_configuration(clients: AwsClients, seeded: dict[str, str]) -> None:
    flow = build_flow_map(clients)
    n = seeded
    assert flow.nodes[f"bucket:{n['orders']}"].kind == "bucket"
    assert flow.nodes[f"queue:{n['dlq']}"].kind == "dlq"
    links = {(link.source, link.target): link for link in flow.links}
    assert links[(f"bucket:{n['orders']}", f"queue:{n['queue']}")].label == "ObjectCreated:*"
    assert links[(f"queue:{n['queue']}", f"function:{n['consumer']}")].label.startswith("batch 10")
    assert links[(f"queue:{n['queue']}", f"queue:{n['dlq']}")].label == "after 3 receives"
    broken = links[(f"bucket:{n['uploads']}", f"function:{n['gone']}")]
    assert broken.problem == f"function {n['gone']} does not exist"
    assert broken.label == "ObjectRemoved:* [prefix thumbs/]"
    assert not links[(f"bucket:{n['uploads']}", f"function:{n['part1']}")].problem
    assert any(n["gone"] in line for line in flow.broken)

    only = flow.connected_to(f"queue:{n['queue']}")
    assert set(only.nodes) == {
        f"bucket:{n['orders']}",
        f"queue:{n['queue']}",
        f"function:{n['consumer']}",
        f"queue:{n['dlq']}",
    }
    text = render_text(only)
    lines = text.splitlines()
    assert lines[0] == f"▣ {n['orders']}"
    assert lines[1].startswith(f"└──[ObjectCreated:*]──▶ ✉ {n['queue']} (0 visible")
    assert lines[2].startswith(f"    ├──[batch 10]──▶ λ {n['consumer']} (")
    assert lines[3].startswith(f"    └──[after 3 receives]──▶ ☠ {n['dlq']} (")

    mermaid = to_mermaid(flow)
    assert mermaid.startswith("flowchart LR\n")
    assert f'bucket_{n["orders"].replace("-", "_")} -->|"ObjectCreated:*"| queue_' in mermaid
    assert '-.->|"ObjectRemoved:* [prefix thumbs/] ✗ function' in mermaid and "linkStyle" in mermaid


def test_fan_in_and_cycles_are_drawn_once() -> None:
    flow = FlowMap()
    for node in (Node("bucket", "a"), Node("bucket", "b"), Node("queue", "q"), Node("queue", "x"), Node("queue", "y")):
        flow.add(node)
    flow.links += [
        Link("bucket:a", "queue:q", "notification", "e"),
        Link("bucket:b", "queue:q", "notification", "e"),
        Link("queue:x", "queue:y", "redrive", "after 1 receives"),
        Link("queue:y", "queue:x", "redrive", "after 1 receives"),  # a cycle nothing flows into
    ]
    rows = [lead + label for lead, label, _ in flow_lines(flow)]
    assert rows == [
        "▣ a",
        "└──[e]──▶ ✉ q",
        "▣ b",
        "└──[e]──▶ ↺ ✉ q",
        "✉ x",
        "└──[after 1 receives]──▶ ✉ y",
        "    └──[after 1 receives]──▶ ↺ ✉ x",
    ]

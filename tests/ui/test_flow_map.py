"""The event-flow map screen, against the real server: nodes, arrows, live counts, Enter and the wizards."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Label, Tree

from localstack_tui.ui.screens.flow_map import FlowMapScreen, sparkline
from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.widgets.lists import QueueList
from localstack_tui.ui.widgets.queue_detail import QueueDetail
from localstack_tui.ui.wizards.wire import WireWizard
from tests.ui.conftest import World, make_app, mounted, wait_for


def tree_lines(screen: Any) -> list[str]:
    tree: Tree[Any] = screen.query_one(Tree)
    lines: list[str] = []
    todo = list(reversed(tree.root.children))
    while todo:
        node = todo.pop()
        lines.append(node.label.plain)
        todo.extend(reversed(node.children))
    return lines


def test_sparkline() -> None:
    assert sparkline([1]) == ""
    assert sparkline([0, 0, 0]) == "▁▁▁"
    assert sparkline([0, 7, 14]) == "▁▄█"


async def test_the_map_shows_the_wiring_live_and_opens_what_is_picked(world: World, clients: Any, aws: Any) -> None:
    import uuid

    from localstack_tui.core.wiring import wire_dlq

    # A queue and DLQ of this test's own, for the live count: the shared world's stay as they are.
    live = f"map-live-{uuid.uuid4().hex[:6]}"
    aws("sqs").create_queue(QueueName=live)
    wire_dlq(clients, live, f"{live}-dlq", max_receive_count=3)
    live_dlq = f"{live}-dlq"
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app: Any = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.is_mounted, what="main")
        main = app.screen
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FlowMapScreen) and app.screen.view.builds >= 1, what="map")
        screen: FlowMapScreen = app.screen
        lines = tree_lines(screen)
        bucket_row = lines.index(f"▣ {world.bucket}")
        below = lines[bucket_row + 1 : bucket_row + 8]
        assert any(f"[ObjectCreated:* [prefix docs/]]──▶ λ {world.function}" in line for line in below)
        assert any("──▶ ⇶ EventBridge (default bus)" in line for line in below)
        queue_line = next(line for line in below if f"[ObjectCreated:* [prefix images/]]──▶ ✉ {world.queue}" in line)
        assert "visible" in queue_line
        assert any(f"[batch 10]──▶ λ {world.consumer}" in line for line in lines)
        assert any(f"[after 3 receives]──▶ ☠ {world.dlq}" in line for line in lines)
        dlq_line = next(line for line in lines if f"[after 3 receives]──▶ ☠ {live_dlq}" in line)
        before = int(dlq_line.split(f"☠ {live_dlq}", 1)[1].split()[0])

        # Live: a message into the DLQ shows on the map by itself.
        url = aws("sqs").get_queue_url(QueueName=live_dlq)["QueueUrl"]
        aws("sqs").send_message(QueueUrl=url, MessageBody="{}")

        def dlq_count() -> int:
            line = next(line for line in tree_lines(screen) if f"☠ {live_dlq}" in line)
            return int(line.split(f"☠ {live_dlq}", 1)[1].split()[0])

        await wait_for(pilot, lambda: dlq_count() == before + 1, timeout=20, what="the new DLQ depth")
        status = str(screen.query_one(".map-status", Label).render())
        assert f"{len(screen.view.flow.nodes)} resources" in status if screen.view.flow else False
        assert len(screen.view.history[f"queue:{live_dlq}"]) >= 2, "a sparkline needs readings over time"

        # `/`: only what is connected to one resource.
        await pilot.press("slash")
        box = screen.query_one(".map-only", Input)
        box.value = world.consumer
        await pilot.press("enter")
        only = tree_lines(screen)
        assert only[0] == f"▣ {world.bucket}" and not any(world.function in line for line in only)

        assert not any(world.dlq in line for line in only), "the DLQ is on no path through the consumer"
        await pilot.press("slash")
        box.value = ""
        await pilot.press("enter")
        assert any(world.dlq in line for line in tree_lines(screen)), "all again"

        # Enter on the DLQ opens it on the main screen.
        tree: Tree[Any] = screen.query_one(Tree)
        tree.focus()
        target = next(node for node in _walk(tree.root) if node.data and node.data.name == world.dlq)
        tree.move_cursor(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is main, what="back on the main screen")
        detail = await mounted(pilot, main, QueueDetail)
        await wait_for(pilot, lambda: detail.queue is not None and detail.queue.name == world.dlq, what="the DLQ open")

        # `w` on a queue of the map: the wire wizard, SQS → Lambda, the queue filled in.
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FlowMapScreen) and app.screen.view.builds >= 1, what="map")
        screen = app.screen
        tree = screen.query_one(Tree)
        target = next(node for node in _walk(tree.root) if node.data and node.data.name == world.queue)
        tree.move_cursor(target)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WireWizard), what="the wire wizard")
        assert app.screen.query_one("#queue", Input).value == world.queue
        assert app.screen.link == "sqs-lambda"


def _walk(node: Any) -> list[Any]:
    found = []
    for child in node.children:
        found.append(child)
        found.extend(_walk(child))
    return found


async def test_redrive_a_dlq_from_the_map(world: World, clients: Any, aws: Any) -> None:
    import uuid

    from localstack_tui.core.wiring import wire_dlq
    from localstack_tui.ui.screens.confirm import ConfirmScreen

    queue = f"map-redrive-{uuid.uuid4().hex[:6]}"
    aws("sqs").create_queue(QueueName=queue)
    wire_dlq(clients, queue, f"{queue}-dlq", max_receive_count=2)
    sqs = aws("sqs")
    dlq_url = sqs.get_queue_url(QueueName=f"{queue}-dlq")["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=dlq_url, MessageBody=f'{{"n": {n}}}')
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app: Any = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.is_mounted, what="main")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FlowMapScreen) and app.screen.view.builds >= 1, what="map")
        screen: FlowMapScreen = app.screen
        tree: Tree[Any] = screen.query_one(Tree)
        await wait_for(
            pilot,
            lambda: any(node.data and node.data.name == f"{queue}-dlq" for node in _walk(tree.root)),
            what="the DLQ drawn",
        )
        target = next(node for node in _walk(tree.root) if node.data and node.data.name == f"{queue}-dlq")
        tree.move_cursor(target)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
        await pilot.press("y")

        def counts() -> tuple[int, int]:
            attrs = ["ApproximateNumberOfMessages"]
            source = sqs.get_queue_attributes(
                QueueUrl=sqs.get_queue_url(QueueName=queue)["QueueUrl"], AttributeNames=attrs
            )
            dead = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=attrs)
            return int(source["Attributes"][attrs[0]]), int(dead["Attributes"][attrs[0]])

        await wait_for(pilot, lambda: counts() == (3, 0), timeout=60, what="the messages back in the source queue")


async def test_the_flow_of_the_selected_resource_as_a_pane(world: World) -> None:
    from textual.widgets import ContentSwitcher

    from localstack_tui.ui.widgets.flow_view import FlowView
    from localstack_tui.ui.widgets.function_detail import FunctionDetail

    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app: Any = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.is_mounted, what="main")
        main: MainScreen = app.screen

        def opened() -> bool:
            queue = next((q for q in main.query_one(QueueList).items if q.name == world.queue), None)
            return queue is not None and main.jump_to("queue", queue.url)

        await wait_for(pilot, opened, timeout=30, what="the queue")
        detail = await mounted(pilot, main, QueueDetail)
        await wait_for(pilot, lambda: detail.queue is not None and detail.queue.name == world.queue, what="its detail")
        await pilot.press("E")
        switcher = main.query_one("#detail", ContentSwitcher)
        await wait_for(pilot, lambda: switcher.current == "flow-pane", what="the flow pane")  # mounted, then shown
        view = main.query_one("#flow-pane", FlowView)
        await wait_for(pilot, lambda: view.builds >= 1, what="the pane's map")
        lines = tree_lines(view)
        assert lines[0] == f"▣ {world.bucket}"
        assert any(f"λ {world.consumer}" in line for line in lines) and any(f"☠ {world.dlq}" in line for line in lines)
        assert not any(f"λ {world.function}" in line for line in lines), "only what the queue is connected to"
        assert world.queue in str(view.border_title)

        tree: Tree[Any] = view.query_one(Tree)
        target = next(node for node in _walk(tree.root) if node.data and node.data.name == world.consumer)
        tree.move_cursor(target)
        tree.focus()
        await pilot.press("enter")
        function = await mounted(pilot, main, FunctionDetail)
        await wait_for(pilot, lambda: function.name_shown == world.consumer, what="the consumer opened")
        assert switcher.current == "function-detail"


async def test_a_broken_link_and_a_burst_on_the_map(world: World, clients: Any, aws: Any, tmp_path: Any) -> None:
    import uuid

    from localstack_tui.core.burst import burst_upload
    from localstack_tui.core.functions import DeploySpec, deploy_function
    from localstack_tui.core.wiring import PipelineSpec, build_pipeline, wire_s3_to_lambda

    tag = uuid.uuid4().hex[:6]
    bucket, gone = f"map-broken-{tag}", f"map-gone-{tag}"
    source = tmp_path / "lambda_function.py"
    source.write_text("def lambda_handler(event, context):\n    return 1\n")
    deploy_function(clients, DeploySpec(source, gone))
    aws("s3").create_bucket(Bucket=bucket)
    wire_s3_to_lambda(clients, bucket, gone, ["s3:ObjectCreated:Put"], suffix=".png")
    aws("lambda").delete_function(FunctionName=gone)
    own_bucket = f"map-burst-{tag}"
    build_pipeline(clients, PipelineSpec(own_bucket, f"{own_bucket}-q", f"{own_bucket}-dlq", world.consumer))
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        app: Any = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.is_mounted, what="main")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FlowMapScreen) and app.screen.view.builds >= 1, what="map")
        screen: FlowMapScreen = app.screen
        broken = next(line for line in tree_lines(screen) if f"λ {gone}" in line)
        assert (
            broken.startswith("──[ObjectCreated:Put [suffix .png]]──▶")
            and f"✗ function {gone} does not exist" in broken
        )
        assert f"{bucket} → {gone}: function {gone} does not exist" in str(screen.query_one(".map-status").render())

        def consumer_runs() -> int:
            line = next(line for line in tree_lines(screen) if f"λ {world.consumer}" in line)
            return int(line.split(f"λ {world.consumer}", 1)[1].split()[0])

        before = consumer_runs()
        # A burst through a pipeline of this test's own into the consumer, live on the map.
        burst_upload(clients, own_bucket, 5, concurrency=5)
        await wait_for(pilot, lambda: consumer_runs() > before, timeout=30, what="the consumer's runs going up")

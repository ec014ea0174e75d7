"""The explorer, driven with Textual's Pilot against the real embedded LocalStack."""

from __future__ import annotations

import io
import uuid
from dataclasses import replace
from typing import Any

from rich.console import Console
from rich.text import Text
from textual import events
from textual.widgets import DataTable, Input, Static, Tree

from localstack_tui.core.config import Config
from localstack_tui.ui.app import LstuiApp
from localstack_tui.ui.screens.help import HelpScreen
from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.screens.no_localstack import NoLocalStackScreen
from localstack_tui.ui.screens.text_view import TextViewScreen
from localstack_tui.ui.widgets.bucket_detail import BucketDetail
from localstack_tui.ui.widgets.function_detail import FunctionDetail
from localstack_tui.ui.widgets.lists import BucketList, FunctionList, QueueList
from localstack_tui.ui.widgets.log_pane import LogPane
from localstack_tui.ui.widgets.queue_detail import QueueDetail
from localstack_tui.ui.widgets.resource_list import ResourceList
from localstack_tui.ui.widgets.row_list import RowList
from localstack_tui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import World, make_app, mounted, wait_for


def cells(table: DataTable[Any] | RowList) -> list[list[str]]:
    return [
        [str(cell.plain if isinstance(cell, Text) else cell) for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


def column(table: DataTable[Any] | RowList, index: int = 0) -> list[str]:
    return [row[index] for row in cells(table)]


def static_text(widget: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def open_main(pilot: Any, world: World) -> MainScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="the main screen")
    main: MainScreen = app.screen

    def loaded() -> bool:
        if not main.is_mounted or not main.query(RowList):
            return False
        return (
            world.bucket in column(main.query_one(BucketList).table)
            and world.queue in column(main.query_one(QueueList).table)
            and world.function in column(main.query_one(FunctionList).table)
        )

    await wait_for(pilot, loaded, what="every list filled")
    return main


async def test_main_screen_shows_everything_at_once(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        bar = main.query_one(StatusBar)
        assert bar.endpoint == world.endpoint and bar.aws_region == "us-east-1"
        assert bar.version.startswith("2026.3") and bar.state == "connected"
        for pane in (BucketList, QueueList, FunctionList, LogPane):
            assert main.query_one(pane).region.area > 0, f"{pane.__name__} is visible with no key pressed"
        assert main.query_one("#detail").region.area > 0
        queues = cells(main.query_one(QueueList).table)
        dlq_row = next(row for row in queues if row[0] == world.dlq)
        assert dlq_row[1] == "1" and dlq_row[3] == "is a DLQ"
        assert next(row for row in queues if row[0] == world.queue)[3] == world.dlq
        functions = cells(main.query_one(FunctionList).table)
        assert [world.function, "python3.9", "Active"] in functions


async def test_a_highlight_overtaken_by_a_jump_does_not_move_the_detail(world: World, clients: Any) -> None:
    """CI once saw the detail land on another bucket after a jump: a RowHighlighted posted
    before the jump (a redraw, the first focus) arrived after it and moved the selection back."""
    from localstack_tui.core.s3 import create_bucket, delete_bucket

    other = f"other-{uuid.uuid4().hex[:8]}"  # not a match for a filter on world.bucket
    create_bucket(clients, other)
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        buckets = main.query_one(BucketList)
        await wait_for(pilot, lambda: other in column(buckets.table), what="the other bucket listed")
        assert main.jump_to("bucket", world.bucket)
        table = buckets.table
        row = column(table).index(other)
        table.post_message(RowList.RowHighlighted(table, row, other))
        await pilot.pause(0.6)  # longer than the detail's pause after a cursor move
        assert main.query_one(BucketDetail).bucket == world.bucket
        assert buckets.selected is not None and buckets.selected.name == world.bucket
        # The same one step later: the highlight's Selected already on its way to the screen.
        stale = buckets.item_by_key(other)
        buckets.post_message(ResourceList.Selected(buckets, stale, opened=False))
        await pilot.pause(0.6)
        assert main.query_one(BucketDetail).bucket == world.bucket, "the detail follows where the cursor is"
    delete_bucket(clients, other)


async def test_bucket_detail_objects_preview_and_notifications(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        assert main.jump_to("bucket", world.bucket)
        detail = main.query_one(BucketDetail)
        tree = detail.query_one(Tree)
        await wait_for(pilot, lambda: len(tree.root.children) >= 3, what="the bucket's top level")
        labels = [str(child.label.plain) for child in tree.root.children]
        assert labels[:2] == ["docs/", "images/"] and labels[2].startswith("test.txt")
        notifications = detail.query_one("#bucket-notifications", DataTable)
        await wait_for(pilot, lambda: notifications.row_count >= 3, what="the notification table")
        rows = cells(notifications)
        assert ["Lambda", world.function, "s3:ObjectCreated:*", "docs/", "—"] == rows[0][:5]
        assert ["Queue", world.queue, "s3:ObjectCreated:*", "images/", "—"] == rows[1][:5]
        assert rows[2][0] == "EventBridge"

        # The tree opens prefixes and previews text objects.
        tree.focus()
        await pilot.pause()
        tree.move_cursor(tree.root.children[0])
        await pilot.pause()
        await pilot.press("enter")
        docs = tree.root.children[0]
        await wait_for(pilot, lambda: len(docs.children) >= 2, what="docs/ opened")
        readme = next(child for child in docs.children if str(child.label.plain).startswith("readme.md"))
        tree.move_cursor(readme)
        await pilot.pause()
        preview = detail.query_one("#bucket-preview", Static)
        await wait_for(pilot, lambda: "Hello LocalStack" in static_text(preview), what="the preview")
        assert "docs/readme.md" in static_text(preview)

        # The raw JSON is one key away.
        await pilot.press("j")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TextViewScreen), what="the raw JSON")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen), what="back to the main screen")


async def test_queue_detail_peeks_without_consuming(world: World, aws: Any) -> None:
    sqs = aws("sqs")
    dlq_url = sqs.get_queue_url(QueueName=world.dlq)["QueueUrl"]
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        assert main.jump_to("queue", dlq_url)
        detail = await mounted(pilot, main, QueueDetail)
        messages = detail.query_one("#queue-messages", DataTable)
        await wait_for(pilot, lambda: messages.row_count == 1, what="the peeked message")
        assert cells(messages)[0][2] == "0"  # receive count (after #, Sent)
        summary = static_text(detail.query_one("#queue-summary", Static))
        assert "DLQ of" in summary and world.queue in summary
        await pilot.press("p")
        await pilot.pause(1)
    attributes = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ]
    assert attributes["ApproximateNumberOfMessages"] == "1"
    peeked = sqs.receive_message(QueueUrl=dlq_url, AttributeNames=["ApproximateReceiveCount"], VisibilityTimeout=0)
    assert peeked["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "1", "the UI's peeks did not count"


async def test_queue_detail_shows_redrive_and_consumers(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        queue = next(q for q in main.query_one(QueueList).items if q.name == world.queue)
        main.jump_to("queue", queue.url)
        summary = (await mounted(pilot, main, QueueDetail)).query_one("#queue-summary", Static)
        await wait_for(pilot, lambda: "consumed by" in static_text(summary), what="the queue summary")
        text = static_text(summary)
        assert f"{world.dlq} after 3 receives" in text
        assert f"{world.consumer} (batch 10, Enabled)" in text


async def test_function_detail_masks_env_and_shows_triggers_and_logs(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        main.jump_to("function", world.function)
        detail = await mounted(pilot, main, FunctionDetail)
        env = detail.query_one("#function-env", DataTable)
        await wait_for(pilot, lambda: env.row_count == 1 and cells(env)[0][0] == "API_KEY", what="the environment")
        assert "sk-secret" not in cells(env)[0][1]
        await pilot.press("m")
        assert cells(env)[0][1] == "sk-secret-123"
        triggers = detail.query_one("#function-triggers", Static)
        # The rest first, then the buckets (their notifications are read one bucket at a time).
        await wait_for(pilot, lambda: world.bucket in static_text(triggers), what="the bucket among the triggers")
        assert "prefix docs/" in static_text(triggers) and "reading" not in static_text(triggers)
        summary = static_text(detail.query_one("#function-summary", Static))
        assert "python3.9" in summary and "lambda_function.lambda_handler" in summary
        log = main.query_one(LogPane)
        await wait_for(pilot, lambda: log.function == world.function, what="the log pane following")
        await wait_for(pilot, lambda: any("handled" in line for line in log.view.lines_text()), what="log lines")


async def test_filter_and_keyboard_navigation(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        functions = main.query_one(FunctionList)
        functions.table.focus()
        await pilot.press("slash")
        assert isinstance(pilot.app.focused, Input)
        for char in world.consumer:
            await pilot.press(char)
        assert column(functions.table) == [world.consumer]
        await pilot.press("enter")  # back to the table
        await pilot.press("enter")  # open
        function_detail = await mounted(pilot, main, FunctionDetail)
        await wait_for(pilot, lambda: function_detail.name_shown == world.consumer, what="the consumer")
        await pilot.press("escape")  # back to the list
        functions.action_clear_filter()
        await wait_for(pilot, lambda: world.function in column(functions.table), what="every function again")
        # Tab moves between panes.
        main.query_one(BucketList).table.focus()
        await pilot.press("tab")
        assert pilot.app.focused is not None and main.query_one(QueueList) in pilot.app.focused.ancestors


async def test_keys_typed_fast_after_slash_go_into_the_filter(world: World) -> None:
    """A fast typist (or a paste): '/' then the name at once; no letter may reach a binding (u, d, b, i…)."""
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        buckets = main.query_one(BucketList)
        buckets.table.focus()
        await pilot.pause()
        names = {"/": "slash", "-": "minus"}
        for character in f"/{world.bucket}":  # all queued before the app handles the first
            key = events.Key(names.get(character, character), character)
            key.set_sender(pilot.app)
            pilot.app._driver.send_message(key)  # as a terminal sends them: no wait in between
        await wait_for(pilot, lambda: buckets.query_one(Input).value == world.bucket, what="the name in the filter")
        assert pilot.app.screen is main, "no wizard opened by a typed letter"
        assert column(buckets.table) == [world.bucket]


async def test_palette_jumps_to_a_resource_by_name(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        for char in f"Function: {world.consumer}":
            await pilot.press(char if char != " " else "space")
        await pilot.pause(0.5)
        await pilot.press("enter")
        function_detail = await mounted(pilot, main, FunctionDetail)
        await wait_for(pilot, lambda: function_detail.name_shown == world.consumer, what="the jump")


async def test_help_lists_every_binding_id_and_the_config_path(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        await open_main(pilot, world)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), what="the help screen")
        text = " ".join(static_text(widget) for widget in pilot.app.screen.query(Static))
        for binding_id in (
            "main.refresh",
            "app.help",
            "app.quit",
            "list.filter",
            "bucket.raw_json",
            "queue.purge",
            "function.toggle_mask",
        ):
            assert binding_id in text
        assert "config.toml" in text or "LSTUI_CONFIG" in text


async def test_keymap_from_config_remaps_a_binding(world: World) -> None:
    config = Config(keymap={"main.refresh": "f5"})
    async with make_app(world.endpoint, config).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        bindings = {key: active.binding.action for key, active in pilot.app.active_bindings.items()}
        assert bindings.get("f5") == "refresh"
        assert "r" not in bindings or bindings["r"] != "refresh"
        polls: list[str] = []
        main.query_one(BucketList).poll = lambda force=False: polls.append("bucket")  # type: ignore[method-assign]
        await pilot.press("f5")
        assert polls == ["bucket"]


async def test_no_localstack_offers_choices_and_edit_endpoint_recovers(world: World) -> None:
    async with make_app("http://127.0.0.1:9").run_test(size=(160, 48)) as pilot:
        app = pilot.app

        def offered() -> bool:
            return isinstance(app.screen, NoLocalStackScreen) and bool(app.screen.query("#nols-endpoint"))

        await wait_for(pilot, offered, what="the no-LocalStack screen")
        first = app.screen
        reason = static_text(app.screen.query_one("#nols-reason", Static))
        assert "no LocalStack at http://127.0.0.1:9" in reason
        assert not app.screen.query_one("#start").disabled
        await pilot.press("r")  # retry: still nothing, the screen comes back
        await wait_for(pilot, lambda: offered() and app.screen is not first, what="the screen again")
        await pilot.press("e")
        box = app.screen.query_one("#nols-endpoint", Input)
        box.value = world.endpoint
        await pilot.press("enter")
        await open_main(pilot, world)


async def test_narrow_terminal_stacks_the_panes(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(90, 30)) as pilot:
        main = await open_main(pilot, world)
        assert pilot.app.screen.has_class("-narrow") or pilot.app.has_class("-narrow")
        lists = main.query_one("#lists")
        right = main.query_one("#right")
        assert lists.region.width == right.region.width  # stacked, not side by side
        body = main.query_one("#body")
        assert body.max_scroll_y > 0, "what does not fit can be scrolled to"


async def test_lists_show_errors_when_localstack_goes_away(world: World) -> None:
    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        main.clients = type(main.clients)(replace(main.clients.connection, endpoint_url="http://127.0.0.1:9"))
        pane: ResourceList[Any] = main.query_one(BucketList)
        pane.poll()
        status = pane.query_one(".list-status")
        await wait_for(pilot, lambda: status.has_class("-error"), timeout=30, what="the list's error")
        assert "no LocalStack answers" in static_text(status)  # type: ignore[arg-type]


async def test_the_pane_with_the_focus_has_the_accent_border(world: World) -> None:
    from textual.color import Color

    async with make_app(world.endpoint).run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        buckets, queues = main.query_one(BucketList), main.query_one(QueueList)

        def lit() -> list[str]:
            accent = Color.parse(pilot.app.theme_variables["accent"])
            return [pane.id or "" for pane in main.query(".pane") if pane.styles.border_top[1] == accent]

        buckets.table.focus()
        await pilot.pause()
        assert lit() == ["buckets"]
        await pilot.press("tab")
        await pilot.pause()
        assert main.focused is queues.table and lit() == ["queues"]
        pilot.app.theme = "textual-light" if pilot.app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert lit() == ["queues"], "the new theme's accent"


async def test_background_calls_step_aside_while_a_key_is_handled(world: World) -> None:
    """Each key holds the workers' AWS calls a moment (core/input_priority): `r` refreshes the three
    lists, and their calls, made while that key is handled, wait before they go."""
    import time

    from localstack_tui.core.connection import AwsClients, Connection
    from localstack_tui.core.input_priority import KEY_HOLD, InputPriority

    priority = InputPriority()
    connection = Connection(endpoint_url=world.endpoint, access_key_id="test", secret_access_key="test")
    app = LstuiApp(connection, Config(), clients=AwsClients(connection, priority=priority))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        buckets = main.query_one(BucketList)
        buckets.table.focus()
        await pilot.pause(0.3)
        waited_before = priority.waited
        pressed = time.monotonic()
        await pilot.press("down")
        assert priority.held_until >= pressed + KEY_HOLD * 0.9, "a key holds the workers' calls"
        await pilot.pause(KEY_HOLD)
        await pilot.press("r")
        await wait_for(pilot, lambda: not buckets.polling, what="the refresh answered")
        assert priority.waited > waited_before, "the refresh's calls waited for the key to be handled"
        assert len(buckets.items) > 0


async def test_garbage_collections_run_between_keys(world: World) -> None:
    """Once started the app runs Python's collections itself, when the input pauses (ui/idle_gc);
    closed, it hands them back to Python."""
    import gc

    app = make_app(world.endpoint)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await open_main(pilot, world)
        await wait_for(pilot, lambda: app.collector.active, what="the collector took over")
        assert not gc.isenabled(), "no automatic collection under a key"
        main.query_one(BucketList).table.focus()
        for _ in range(30):  # a stream of keys, then a pause: the collections that fell due ran
            await pilot.press("down", "up")
        await wait_for(pilot, lambda: sum(app.collector.collections) > 0, what="a collection between keys")
    assert gc.isenabled(), "handed back when the app closed"

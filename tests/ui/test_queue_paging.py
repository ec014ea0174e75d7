"""A queue of 10,000 messages, peeked page by page in the queue pane (issue 7's load case)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Label

from localstack_tui.ui.widgets.lists import QueueList
from localstack_tui.ui.widgets.queue_detail import PAGE_SIZE, QueueDetail
from tests.conftest import RunningServer
from tests.ui.conftest import main_screen, make_app, mounted, wait_for

MESSAGES = 10_000


def first_column(table: DataTable[Any]) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def bodies(table: DataTable[Any]) -> list[str]:
    return [str(table.get_row_at(i)[4]) for i in range(table.row_count)]


def title(detail: QueueDetail) -> str:
    content = detail.query_one("#queue-messages-title", Label).render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_a_10000_message_queue_is_peeked_page_by_page(server: RunningServer, aws: Any) -> None:
    sqs = aws("sqs")
    name = f"paged-{uuid.uuid4().hex[:6]}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]

    def send(batch: int) -> None:
        entries = [{"Id": str(i), "MessageBody": f'{{"n": {batch * 10 + i}}}'} for i in range(10)]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(send, range(MESSAGES // 10)))

    async with make_app(server.endpoint_url).run_test(size=(160, 48)) as pilot:
        main = await main_screen(pilot)
        await wait_for(pilot, lambda: any(q.name == name for q in main.query_one(QueueList).items), what="the queue")
        assert main.jump_to("queue", url)
        detail = await mounted(pilot, main, QueueDetail)
        table = detail.query_one("#queue-messages", DataTable)
        await wait_for(pilot, lambda: table.row_count == PAGE_SIZE, timeout=60, what="the first page")
        assert title(detail).startswith(f"Messages 1–100 of {MESSAGES:,}")
        assert "page 1 of 100" in title(detail)
        page_one = bodies(table)

        table.focus()
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert title(detail).startswith(f"Messages 201–300 of {MESSAGES:,}")
        assert first_column(table)[0] == "201" and first_column(table)[-1] == "300"
        await pilot.press("left_square_bracket")
        assert title(detail).startswith(f"Messages 101–200 of {MESSAGES:,}")
        assert not set(bodies(table)) & set(page_one), "another page, not the first again"
        for _ in range(120):  # past the end: stays on the last page
            detail.action_page(1)
        assert title(detail).startswith(f"Messages 9,901–10,000 of {MESSAGES:,}") and table.row_count == PAGE_SIZE

        # Every message, once, across the pages; and peeking consumed nothing.
        seen = {m.body for m in detail.messages}
        assert len(detail.messages) == MESSAGES and len(seen) == MESSAGES
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == str(MESSAGES)
        assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"

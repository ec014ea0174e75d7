"""The three resource lists of the main screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.functions import FunctionInfo, list_functions
from localstack_tui.core.s3 import Bucket, list_buckets
from localstack_tui.core.sqs import Queue, list_queues
from localstack_tui.ui.widgets.resource_list import Column, ResourceList


class BucketList(ResourceList[Bucket]):
    title = "Buckets"
    kind = "bucket"
    columns: ClassVar[Sequence[Column]] = (Column("Name"), Column("Created", 16))

    def load(self, clients: AwsClients) -> list[Bucket]:
        return list_buckets(clients)

    def key(self, item: Bucket) -> str:
        return item.name

    def row(self, item: Bucket) -> Sequence[str | Text]:
        created = item.created.strftime("%Y-%m-%d %H:%M") if item.created else ""
        return (item.name, Text(created, style="dim"))


class QueueList(ResourceList[Queue]):
    title = "Queues"
    kind = "queue"
    columns: ClassVar[Sequence[Column]] = (
        Column("Name"),
        Column("Visible", 7),
        Column("In flight", 9),
        Column("DLQ", 16),
    )

    def load(self, clients: AwsClients) -> list[Queue]:
        return list_queues(clients)

    def key(self, item: Queue) -> str:
        return item.url

    def row(self, item: Queue) -> Sequence[str | Text]:
        if item.is_dlq:
            dlq = Text("is a DLQ", style="yellow")
        elif item.redrive_policy:
            dlq = Text(item.redrive_policy.dlq_name)
        else:
            dlq = Text("—", style="dim")
        visible = Text(str(item.visible), style="bold yellow" if item.is_dlq and item.visible else "")
        return (item.name, visible, str(item.in_flight), dlq)


class FunctionList(ResourceList[FunctionInfo]):
    title = "Functions"
    kind = "function"
    columns: ClassVar[Sequence[Column]] = (Column("Name"), Column("Runtime", 11), Column("State", 8))

    def load(self, clients: AwsClients) -> list[FunctionInfo]:
        return list_functions(clients)

    def key(self, item: FunctionInfo) -> str:
        return item.name

    def row(self, item: FunctionInfo) -> Sequence[str | Text]:
        style = {"Active": "green", "Failed": "bold red", "Pending": "yellow"}.get(item.state, "")
        return (item.name, item.runtime, Text(item.state, style=style))

"""Create a bucket: the seed's first step, from the bucket list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.s3 import create_bucket, delete_bucket, validate_bucket_name
from localstack_tui.ui.wizards.base import Outcome, Wizard


class BucketWizard(Wizard):
    title_text = "New bucket"
    apply_label = "Create"

    def form(self) -> ComposeResult:
        yield from self.field(
            "Name",
            Input("", placeholder="my-bucket", id="name"),
            "3 to 63 lower-case letters, digits, dots and hyphens",
        )

    def errors(self) -> dict[str, str]:
        name = self.value("name")
        try:
            validate_bucket_name(name)
        except LstuiError as exc:
            return {"name": str(exc)}
        if name in self.choices.buckets:
            return {"name": f"a bucket named {name} already exists"}
        return {}

    def plan(self) -> list[str]:
        return [f"create bucket {self.value('name')} in {self.clients.connection.region}", "nothing else changes"]

    def prepare(self) -> str:
        return self.value("name")

    def perform(self, clients: AwsClients, prepared: str) -> Outcome:
        name = prepared
        create_bucket(clients, name)

        def undo(c: AwsClients) -> list[str]:
            delete_bucket(c, name)  # refused by S3 once objects went in: nothing of the user's is deleted
            return [f"deleted bucket {name}"]

        return Outcome((f"created bucket {name}",), undo, extra={"bucket": name})

    def after_success(self, outcome: Outcome) -> None:
        super().after_success(outcome)
        main = self.main_screen()
        if "bucket" in outcome.extra and main is not None and hasattr(main, "reveal"):
            main.reveal("bucket", outcome.extra["bucket"])

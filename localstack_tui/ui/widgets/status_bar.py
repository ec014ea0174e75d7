"""The header: endpoint, region, LocalStack version and the live connection state."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class StatusBar(Widget):
    endpoint: reactive[str] = reactive("")
    aws_region: reactive[str] = reactive("")
    version: reactive[str] = reactive("")
    state: reactive[str] = reactive("connecting")  # connected | slow | disconnected | connecting
    detail: reactive[str] = reactive("")
    profile: reactive[str] = reactive("")

    def render(self) -> Text:
        dot = {"connected": ("●", "green"), "disconnected": ("●", "red"), "slow": ("●", "yellow")}.get(
            self.state, ("◌", "yellow")
        )
        text = Text.assemble(
            (" lstui ", "bold reverse"),
            "  ",
            (self.endpoint, "bold"),
            ("  ·  ", "dim"),
            self.aws_region,
        )
        if self.profile:
            text.append("  ·  ", "dim")
            text.append(f"profile {self.profile}")
        if self.version:
            text.append("  ·  ", "dim")
            text.append(f"LocalStack {self.version}")
        text.append("  ·  ", "dim")
        text.append(f"{dot[0]} {self.state}", style=dot[1])
        if self.detail:
            text.append(f"  {self.detail}", style="dim")
        return text

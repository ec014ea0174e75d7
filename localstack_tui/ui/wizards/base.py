"""The frame every wizard shares: a form checked as it is typed, a summary of exactly
what will change, the change run in a worker, and an undo at the end.

The logic is the core's; a wizard only gathers arguments and shows outcomes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester, SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, RadioSet, Select, SelectionList, Static, TextArea

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError


@dataclass(frozen=True)
class Choices:
    """The resources the wizard offers to pick from (the main screen's lists)."""

    buckets: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    dlqs: tuple[str, ...] = ()
    # queue → (its dead-letter queue, max receive count), for the queues that have one
    redrives: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a wizard did, and how to take it back."""

    lines: tuple[str, ...]
    undo: Callable[[AwsClients], list[str]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class PathSuggester(Suggester):
    """Completes file and directory paths, as a shell does."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        path = Path(os.path.expanduser(value))
        folder, stem = (path, "") if value.endswith("/") else (path.parent, path.name)
        try:
            names = sorted(entry.name for entry in folder.iterdir() if entry.name.startswith(stem))
        except OSError:
            return None
        names = [name for name in names if not name.startswith(".") or stem.startswith(".")]
        if not names or (stem and names[0] == stem and len(names) == 1):
            return None
        completed = names[0] + ("/" if (folder / names[0]).is_dir() else "")
        return value[: len(value) - len(stem)] + completed


def names_suggester(names: Iterable[str]) -> SuggestFromList:
    return SuggestFromList(list(names), case_sensitive=False)


class Wizard(ModalScreen[None]):
    """Base of the wizards: subclasses give `form`, `errors`, `plan` and `perform`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel / close", id="wizard.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="wizard.apply"),
        Binding("ctrl+z", "undo", "Undo", id="wizard.undo"),
    ]
    title_text: ClassVar[str] = "Wizard"
    apply_label: ClassVar[str] = "Apply"

    class Step(Message):
        """A step of `perform` has started (posted from the worker thread)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Finished(Message):
        def __init__(self, outcome: Outcome | None, error: str | None, undone: list[str] | None = None) -> None:
            super().__init__()
            self.outcome, self.error, self.undone = outcome, error, undone

    def __init__(self, clients: AwsClients, choices: Choices | None = None) -> None:
        super().__init__()
        self.clients = clients
        self.choices = choices or Choices()
        self.outcome: Outcome | None = None
        self.running = False
        self.steps: list[str] = []

    # -- to be given by subclasses ---------------------------------------------------------------
    def form(self) -> ComposeResult:
        raise NotImplementedError

    def errors(self) -> dict[str, str]:
        """Field id → the reason its value is refused (checked on every change)."""
        raise NotImplementedError

    def plan(self) -> list[str]:
        """What applying will create or change, in lines (only asked when there are no errors)."""
        raise NotImplementedError

    def prepare(self) -> Any:
        """Read the form (on the UI thread) into what `perform` needs."""
        raise NotImplementedError

    def perform(self, clients: AwsClients, prepared: Any) -> Outcome:
        """Do it (in a worker thread, never touching widgets); raise LstuiError on a failure."""
        raise NotImplementedError

    # -- helpers for subclasses --------------------------------------------------------------------
    def field(self, label: str, widget: Widget, hint: str = "") -> ComposeResult:
        with Vertical(classes="wizard-field", id=f"{widget.id}-field"):
            yield Label(label + (f"  [dim]{hint}[/]" if hint else ""), classes="wizard-label")
            yield widget
            yield Label("", classes="wizard-error", id=f"{widget.id}-error")

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def number(self, widget_id: str, errors: dict[str, str], low: int, high: int, what: str) -> int:
        text = self.value(widget_id)
        try:
            number = int(text)
        except ValueError:
            errors[widget_id] = f"{what} must be a whole number"
            return low
        if not low <= number <= high:
            errors[widget_id] = f"{what} must be {low} to {high}"
        return number

    def show_field(self, widget_id: str, shown: bool) -> None:
        self.query_one(f"#{widget_id}-field").display = shown

    # -- the frame ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box wizard"):
            yield Label(self.title_text, classes="modal-title")
            with VerticalScroll(classes="wizard-form"):
                yield from self.form()
            yield Label("What will happen", classes="section-title")
            yield Static("", id="wizard-plan")
            yield Horizontal(classes="buttons", id="wizard-next")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.apply_label} (ctrl+s)", variant="primary", id="wizard-apply")
                yield Button("Undo (ctrl+z)", id="wizard-undo", disabled=True)
                yield Button("Cancel (esc)", id="wizard-cancel")

    def on_mount(self) -> None:
        self.query_one("#wizard-next").display = False
        self.refresh_plan()
        first = self.query(Input).first() if self.query(Input) else None
        if first is not None:
            first.focus()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(RadioSet.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        if self.outcome is None and not self.running:
            self.refresh_plan()

    def refresh_plan(self) -> dict[str, str]:
        errors = self.errors()
        for label in self.query(".wizard-error").results(Label):
            field_id = (label.id or "").removesuffix("-error")
            label.update(Text("✗ " + errors[field_id], style="red") if field_id in errors else "")
        plan = self.query_one("#wizard-plan", Static)
        if errors:
            reasons = "\n".join(f"✗ {message}" for message in errors.values())
            plan.update(Text(f"{reasons}\nNothing has been changed.", style="yellow"))
        else:
            try:
                lines = self.plan()
            except LstuiError as exc:
                errors["plan"] = str(exc)
                plan.update(Text("✗ " + str(exc), style="red"))
            else:
                plan.update(Text("\n".join(f"• {line}" for line in lines)))
        self.query_one("#wizard-apply", Button).disabled = bool(errors)
        return errors

    @on(Button.Pressed, "#wizard-apply")
    def _apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#wizard-undo")
    def _undo_pressed(self) -> None:
        self.action_undo()

    @on(Button.Pressed, "#wizard-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_apply(self) -> None:
        if self.running:
            return
        if self.outcome is not None:
            self.dismiss(None)
            return
        if self.refresh_plan():
            self.notify("Some fields are not right yet; nothing was changed.", severity="warning")
            return
        self.running = True
        self.steps = []
        self.query_one("#wizard-apply", Button).disabled = True
        self.query_one("#wizard-plan", Static).update(Text("Working…", style="bold"))
        self._perform(self.prepare())

    def step(self, text: str) -> None:
        """Report a step of `perform` (thread-safe): the plan area lists the steps as they go."""
        self.post_message(self.Step(text))

    @on(Step)
    def _on_step(self, message: Step) -> None:
        if not self.running:
            return
        self.steps.append(message.text)
        lines = [Text(f"✓ {text}", style="green") for text in self.steps[:-1]]
        lines.append(Text(f"… {self.steps[-1]}", style="bold"))
        self.query_one("#wizard-plan", Static).update(Text("\n").join(lines))

    @work(thread=True, exclusive=True, exit_on_error=False, group="wizard")
    def _perform(self, prepared: Any) -> None:
        try:
            outcome = self.perform(self.clients, prepared)
        except LstuiError as exc:
            self.post_message(self.Finished(None, str(exc)))
            return
        self.post_message(self.Finished(outcome, None))

    @on(Finished)
    def _on_finished(self, message: Finished) -> None:
        self.running = False
        plan = self.query_one("#wizard-plan", Static)
        apply = self.query_one("#wizard-apply", Button)
        undo = self.query_one("#wizard-undo", Button)
        if message.undone is not None:
            self.outcome = Outcome(tuple(f"undone: {line}" for line in message.undone) or ("nothing to undo",))
            plan.update(Text("\n".join(f"↶ {line}" for line in message.undone) or "Nothing to undo.", style="yellow"))
            undo.disabled = True
            apply.label = "Close (ctrl+s)"
            apply.disabled = False
            self.after_success(self.outcome)
            return
        if message.error is not None:
            plan.update(Text("✗ " + message.error, style="bold red"))
            apply.disabled = False
            return
        self.outcome = message.outcome
        assert message.outcome is not None
        plan.update(Text("\n".join(f"✓ {line}" for line in message.outcome.lines), style="green"))
        apply.label = "Close (ctrl+s)"
        apply.disabled = False
        undo.disabled = message.outcome.undo is None
        self.after_success(message.outcome)
        self._offer_next_steps(message.outcome)

    # -- what to do next -----------------------------------------------------------------------
    def next_steps(self, outcome: Outcome) -> list[tuple[str, str]]:
        """(step, button label) offered once the wizard succeeded; `take_next_step` does them."""
        return []

    def take_next_step(self, step: str) -> None:
        raise NotImplementedError

    def _offer_next_steps(self, outcome: Outcome) -> None:
        steps = self.next_steps(outcome)
        if not steps:
            return
        row = self.query_one("#wizard-next", Horizontal)
        row.display = True
        buttons = [Button(label, name=step, classes="wizard-next-step") for step, label in steps]
        row.mount_all(buttons)
        self.call_after_refresh(buttons[0].focus)

    @on(Button.Pressed, ".wizard-next-step")
    def _next_step_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name and not self.running:
            self.take_next_step(event.button.name)

    def main_screen(self) -> Any:
        """The screen the wizard was opened over (the main screen), or None."""
        return self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None

    def after_success(self, outcome: Outcome) -> None:
        """A hook: refresh the lists behind the wizard."""
        screen = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if screen is not None and hasattr(screen, "action_refresh"):
            screen.action_refresh()

    def action_undo(self) -> None:
        if self.running or self.outcome is None or self.outcome.undo is None:
            return
        self.running = True
        self.query_one("#wizard-undo", Button).disabled = True
        self._undo(self.outcome.undo)

    @work(thread=True, exclusive=True, exit_on_error=False, group="wizard")
    def _undo(self, undo: Callable[[AwsClients], list[str]]) -> None:
        try:
            undone = undo(self.clients)
        except LstuiError as exc:
            self.post_message(self.Finished(None, f"undo failed: {exc}"))
            return
        self.post_message(self.Finished(None, None, undone))

    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(None)

"""A pane listing one kind of resource: a table, a filter, and a polling refresh.

The poll is a thread worker that re-arms its timer only after it finished
(two polls of one list never overlap) and skips its work while the pane is
hidden or a modal screen is open.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label
from textual.worker import get_current_worker

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.ui.widgets.in_place import update_in_place
from localstack_tui.ui.widgets.inputs import open_box
from localstack_tui.ui.widgets.row_list import RowList

# Filtering redraws the list's rows: instant for short lists; for long ones (1,000 buckets), once
# the typing pauses, so each key stays quick.
INSTANT_FILTER_ROWS = 200
FILTER_PAUSE = 0.15


@dataclass(frozen=True)
class Column:
    label: str
    width: int | None = None


class ResourceList[T](Vertical):
    """Base of the bucket, queue and function lists."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding runs as the key arrives: the name typed right after it (fast, or pasted)
        # then goes into the filter, not to the table (where "b" or "u" would open a wizard).
        Binding("slash", "filter", "Filter", id="list.filter", priority=True),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="list.clear_filter"),
    ]

    title: ClassVar[str] = ""
    kind: ClassVar[str] = ""
    columns: ClassVar[Sequence[Column]] = ()

    class Loaded(Message):
        def __init__(self, pane: ResourceList[Any], items: list[Any]) -> None:
            super().__init__()
            self.pane = pane
            self.items = items

    class Failed(Message):
        def __init__(self, pane: ResourceList[Any], error: str) -> None:
            super().__init__()
            self.pane = pane
            self.error = error

    class FirstShown(Message):
        """The list shows its first answer (rows or an error)."""

        def __init__(self, pane: ResourceList[Any]) -> None:
            super().__init__()
            self.pane = pane

    class Selected(Message):
        """The highlighted resource changed (or was opened with Enter)."""

        def __init__(self, pane: ResourceList[Any], item: Any, opened: bool) -> None:
            super().__init__()
            self.pane = pane
            self.item = item
            self.opened = opened

    def __init__(self, clients: Callable[[], AwsClients], refresh_seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clients = clients
        self.refresh_seconds = refresh_seconds
        self.items: list[T] = []
        self._shown: list[T] = []
        self._filter = ""
        self._selected_key: str | None = None
        self._reveal_key: str | None = None
        self._filter_timer: Timer | None = None
        self._row_cache: dict[str, tuple[T, Sequence[str | Text], str]] = {}
        self.answered = False  # the first poll came back (rows or an error)
        self._poll_started: float | None = None  # while a poll waits on LocalStack
        self._poll_again = False  # poll once more when the running poll is back
        self._tick_timer: Timer | None = None
        self._took = (0.0, 0.0)  # seconds the last two polls took
        self.border_title = self.title

    # -- to be given by subclasses ------------------------------------------------------------
    def load(self, clients: AwsClients) -> list[T]:
        raise NotImplementedError

    def key(self, item: T) -> str:
        raise NotImplementedError

    def row(self, item: T) -> Sequence[str | Text]:
        raise NotImplementedError

    # -- composition -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Input(placeholder=f"filter {self.kind}s…", classes="list-filter")
        yield RowList([(column.label, column.width) for column in self.columns])
        yield Label("loading…", classes="list-status")

    @property
    def table(self) -> RowList:
        return self.query_one(RowList)

    def on_mount(self) -> None:
        self.query_one(Input).display = False
        self.set_interval(1.0, self._show_waiting, name="waiting")
        self.poll()

    def _show_waiting(self) -> None:
        """A poll slower than a second says what it waits for, and for how long."""
        if self._poll_started is None:
            return
        waited = time.monotonic() - self._poll_started
        if waited >= 1.0:
            update_in_place(
                self.query_one(".list-status", Label),
                f"waiting for LocalStack to list the {self.kind}s… {waited:.0f} s",
            )

    # -- polling -----------------------------------------------------------------------------
    def poll(self, force: bool = False) -> None:
        """Refresh now (the `r` key), unless a poll is already running.

        `force` (a new endpoint): the running poll's answer is dropped and a new one starts at once.
        """
        if self.polling and not force:
            self._poll_again = True
            return
        self._poll_started = time.monotonic()
        self._load()

    @property
    def polling(self) -> bool:
        """A poll of this list is waiting on LocalStack (its answer has not been shown yet)."""
        return self._poll_started is not None and any(
            worker.node is self and worker.group == "poll" and not worker.is_finished for worker in self.workers
        )

    def _should_poll(self) -> bool:
        screen = self.screen
        return self.app.screen is screen and self.display and screen.is_current

    @work(thread=True, exclusive=True, exit_on_error=False, group="poll")
    def _load(self) -> None:
        worker = get_current_worker()
        try:
            items = self.load(self._clients())
        except LstuiError as exc:
            if not worker.is_cancelled:
                self.post_message(self.Failed(self, str(exc)))
            return
        except Exception as exc:  # a bug must not stop the list's polling: shown, and polled again
            if not worker.is_cancelled:
                self.post_message(self.Failed(self, f"unexpected error: {type(exc).__name__}: {exc}"))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(self, items))

    def _rearm(self) -> None:
        if not self.answered:
            self.answered = True
            self.post_message(self.FirstShown(self))
        if self._poll_again:  # asked for while the last poll was on its way: it may miss what was just made
            self._poll_again = False
            self.poll()
            return
        if self._tick_timer is not None:
            self._tick_timer.stop()  # one timer per list, however many refreshes were asked for
        # A list that takes long to read (500 queues: one call each) is read less often: at most a fifth
        # of the time goes to polling it. The shorter of the last two polls counts: one slow answer (a
        # LocalStack just restarted, loading its services) does not push the next refresh away.
        self._tick_timer = self.set_timer(max(self.refresh_seconds, 5 * min(self._took)), self._tick)

    def _tick(self) -> None:
        if self._should_poll():
            self.poll()
        else:
            self._rearm()

    @on(Loaded)
    def _on_loaded(self, message: Loaded) -> None:
        if message.pane is not self:
            return
        message.stop()
        took = time.monotonic() - self._poll_started if self._poll_started is not None else 0.0
        self._took = (self._took[1], took)
        self._poll_started = None
        changed = message.items != self.items
        self.items = list(message.items)
        if changed:  # a quiet refresh costs the UI nothing, even with 1,000 rows
            self._render_rows()
        self._show_count()
        self.query_one(".list-status", Label).remove_class("-error")
        if self._reveal_key is not None and self.select_key(self._reveal_key):
            self._reveal_key = None
        self._rearm()

    @on(Failed)
    def _on_failed(self, message: Failed) -> None:
        if message.pane is not self:
            return
        message.stop()
        self._poll_started = None
        status = self.query_one(".list-status", Label)
        update_in_place(status, message.error)
        status.add_class("-error")
        self._rearm()

    # -- rows ------------------------------------------------------------------------------
    def _cells(self, item: T) -> tuple[Sequence[str | Text], str]:
        """A row's cells and their text in lower case (what the filter searches), made once per item."""
        key = self.key(item)
        cached = self._row_cache.get(key)
        if cached is None or cached[0] != item:
            cells = self.row(item)
            cached = (item, cells, " ".join(str(cell) for cell in cells).lower())
            self._row_cache[key] = cached
        return cached[1], cached[2]

    def _render_rows(self) -> None:
        needle = self._filter.lower()
        shown = [item for item in self.items if not needle or needle in self._cells(item)[1]]
        if shown == self._shown and self.table.row_count == len(shown):
            return  # "l", "lo", "loa"… matching the same rows: nothing to redraw
        self._shown = shown
        self.table.set_rows([(self.key(item), self._cells(item)[0]) for item in shown], self._selected_key)
        if len(self._row_cache) > 2 * len(self.items) + 100:  # forget resources long gone
            listed = {self.key(item) for item in self.items}
            self._row_cache = {key: row for key, row in self._row_cache.items() if key in listed}

    def item_by_key(self, key: str) -> T | None:
        return next((item for item in self.items if self.key(item) == key), None)

    def select_key(self, key: str) -> bool:
        """Move the cursor to a resource (the palette's jump); False when it is not listed."""
        if self._filter and key not in {self.key(i) for i in self._shown}:
            self._filter = ""
            self.query_one(Input).value = ""
            self._render_rows()
        for index, item in enumerate(self._shown):
            if self.key(item) == key:
                self.table.move_cursor(index)
                self.table.focus()
                self._selected_key = key
                self.post_message(self.Selected(self, item, opened=True))
                return True
        return False

    def reveal(self, key: str) -> None:
        """Select a resource now, or as soon as a refresh lists it (one a wizard just made)."""
        if self.select_key(key):
            self._reveal_key = None
            return
        self._reveal_key = key
        self.poll()

    @on(RowList.RowHighlighted)
    def _on_highlight(self, event: RowList.RowHighlighted) -> None:
        event.stop()
        if self.table.key_at(self.table.cursor_row) != event.row_key:
            return  # stale: the cursor moved on (a jump, a redraw) before this message arrived
        item = self.item_by_key(event.row_key)
        if item is None:
            return
        changed = event.row_key != self._selected_key
        self._selected_key = event.row_key
        # Only the list the user is in drives the detail: a refresh of another list must not.
        if changed and self.table.has_focus:
            self.post_message(self.Selected(self, item, opened=False))

    def on_descendant_focus(self) -> None:
        item = self.selected
        if item is None and self._shown:
            item = self._shown[self.table.cursor_row] if 0 <= self.table.cursor_row < len(self._shown) else None
            self._selected_key = self.key(item) if item is not None else None
        if item is not None:
            self.post_message(self.Selected(self, item, opened=False))

    @on(RowList.RowSelected)
    def _on_select(self, event: RowList.RowSelected) -> None:
        event.stop()
        item = self.item_by_key(event.row_key)
        if item is not None:
            self.post_message(self.Selected(self, item, opened=True))

    @property
    def selected(self) -> T | None:
        return self.item_by_key(self._selected_key) if self._selected_key else None

    # -- filter ------------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one(Input)
        open_box(box)

    def action_clear_filter(self) -> None:
        box = self.query_one(Input)
        if not box.display:
            return
        box.display = False
        if box.value:
            box.value = ""  # its Changed message re-renders the rows, once
        self.table.focus()

    @on(Input.Changed, ".list-filter")
    def _on_filter(self, event: Input.Changed) -> None:
        event.stop()
        self._filter = event.value.strip()
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if len(self.items) <= INSTANT_FILTER_ROWS:
            self._apply_filter()
        else:  # a long list is filtered once the typing pauses, not on every key
            self._filter_timer = self.set_timer(FILTER_PAUSE, self._apply_filter)

    def _apply_filter(self) -> None:
        self._filter_timer = None
        self._render_rows()
        self._show_count()

    def _show_count(self) -> None:
        """The status line: how many there are, and how many match the filter."""
        count = len(self.items)
        text = f"{count} {self.kind}{'s' if count != 1 else ''}"
        if self._filter:
            text = f"{len(self._shown)} of {count} {self.kind}s match “{self._filter}”"
        update_in_place(self.query_one(".list-status", Label), text)

    @on(Input.Submitted, ".list-filter")
    def _on_filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

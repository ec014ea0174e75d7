"""The lstui application: connect (or offer to start LocalStack), then the main screen."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Static

from localstack_tui.core.config import Config, config_path
from localstack_tui.core.connection import AwsClients, Connection, resolve_connection
from localstack_tui.core.errors import EndpointSlowError, LstuiError
from localstack_tui.core.health import Health, probe_health
from localstack_tui.ui.idle_gc import TICK, IdleCollector
from localstack_tui.ui.screens.help import HelpScreen
from localstack_tui.ui.screens.main import MainScreen
from localstack_tui.ui.screens.no_localstack import Choice, NoLocalStackScreen, StartingScreen
from localstack_tui.ui.startup import resume_gc
from localstack_tui.ui.widgets.bucket_detail import BucketDetail
from localstack_tui.ui.widgets.function_detail import FunctionDetail
from localstack_tui.ui.widgets.lists import BucketList, FunctionList, QueueList
from localstack_tui.ui.widgets.queue_detail import QueueDetail
from localstack_tui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:  # the embedded server is imported when the user starts it
    from localstack_tui.embedded.server import BackgroundServer, ServerSettings

# The health probe: a lost server shows within ~2 s (a probe every second, each given 1 s).
HEALTH_SECONDS = 1.0
HEALTH_TIMEOUT = 1.0
FIRST_HEALTH_TIMEOUT = 10.0  # the first probe waits longer: a slow LocalStack is still one
GC_RESUME_SECONDS = 5.0  # the garbage collector resumes by then even when the panes are not filled


def embedded_can_start() -> str | None:
    """None when this Python can run the embedded LocalStack, else the reason."""
    from localstack_tui.embedded.requirements import python_too_old

    problem = python_too_old()
    if problem:
        return problem
    import importlib.util

    if importlib.util.find_spec("localstack") is None:
        return "the 'embedded' extra is not installed (uv sync --extra embedded)"
    return None


class LstuiCommands(Provider):
    """The command palette: every action by name, and every resource to jump to."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = self.app
        assert isinstance(app, LstuiApp)
        commands: list[tuple[str, Callable[[], Any], str]] = [
            ("Refresh", app.action_refresh, "reload every list and the open detail now (r)"),
            ("Help: keys", app.action_help, "every key and binding id (?)"),
            ("Quit", app.action_quit, "leave lstui (q)"),
        ]
        main = app.main_screen
        if main is not None:
            commands += [
                ("New bucket", partial(main.action_wizard, "bucket"), "create a bucket (n)"),
                (
                    "Deploy handler",
                    partial(main.action_wizard, "deploy"),
                    "zip a source and create or update a function (d)",
                ),
                ("Wire trigger", partial(main.action_wizard, "wire"), "S3 → Lambda, S3 → SQS, SQS → Lambda (w)"),
                (
                    "Build S3 → SQS → Lambda pipeline",
                    partial(main.action_wizard, "pipeline"),
                    "the seed's Part 2, with a DLQ (b)",
                ),
                ("Upload files", partial(main.action_wizard, "upload"), "files, a directory, or a burst (u)"),
                ("Invoke function", partial(main.action_wizard, "invoke"), "with a JSON payload or a template (i)"),
                (
                    "Event-flow map",
                    main.action_flow_map,
                    "buckets → queues → functions → DLQs, live, broken links marked (e)",
                ),
                (
                    "Show raw notification JSON",
                    partial(app.run_on_main, BucketDetail, "action_raw_json"),
                    "of the open bucket (j)",
                ),
                (
                    "Peek queue messages",
                    partial(app.run_on_main, QueueDetail, "action_peek"),
                    "without consuming them (p)",
                ),
                ("Purge queue", partial(app.run_on_main, QueueDetail, "action_purge"), "after a confirmation (x)"),
                ("Show/hide environment values", partial(app.run_on_main, FunctionDetail, "action_toggle_mask"), "(m)"),
            ]
            commands += self._resources(main)
        for name in sorted(app.config.profiles):
            commands.append(
                (
                    f"Switch profile: {name}",
                    partial(app.switch_profile, name),
                    app.config.profiles[name].endpoint_url or "",
                )
            )
        return commands

    @staticmethod
    def _resources(main: MainScreen) -> list[tuple[str, Callable[[], Any], str]]:
        """Every listed resource to jump to (none while the main screen is still being composed)."""
        try:
            buckets = main.query_one(BucketList).items
            queues = main.query_one(QueueList).items
            functions = main.query_one(FunctionList).items
        except NoMatches:
            return []
        found: list[tuple[str, Callable[[], Any], str]] = []
        found += [(f"Bucket: {b.name}", partial(main.jump_to, "bucket", b.name), "open it") for b in buckets]
        found += [(f"Queue: {q.name}", partial(main.jump_to, "queue", q.url), "open it") for q in queues]
        found += [(f"Function: {f.name}", partial(main.jump_to, "function", f.name), "open it") for f in functions]
        return found

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class LstuiApp(App[None]):
    """lstui's TUI."""

    CSS_PATH = "app.tcss"
    TITLE = "lstui"
    COMMANDS: ClassVar = App.COMMANDS | {LstuiCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012 - Textual's own type
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    class Checked(Message):
        def __init__(self, endpoint: str, health: Health | None, error: str | None, slow: bool = False) -> None:
            super().__init__()
            self.endpoint, self.health, self.error, self.slow = endpoint, health, error, slow

    class ServerStarted(Message):
        def __init__(self, server: BackgroundServer, seconds: float, error: str | None) -> None:
            super().__init__()
            self.server, self.seconds, self.error = server, seconds, error

    def __init__(self, connection: Connection, config: Config | None = None, clients: AwsClients | None = None) -> None:
        super().__init__()
        self.connection = connection
        self.clients = clients if clients is not None and clients.connection == connection else AwsClients(connection)
        self.config = config or Config()
        self.background_server: BackgroundServer | None = None
        self.keep_server = False
        self.main_screen: MainScreen | None = None
        self.health: Health | None = None
        self.startup_warnings: list[str] = []  # e.g. a config file that could not be read
        self._restart_offered = False
        # Garbage collections between keys, not under them (idle_gc), once start-up is over.
        self.collector = IdleCollector(self.clients.priority)

    async def on_event(self, event: events.Event) -> None:
        # A key or a click: the workers' AWS calls wait while it is handled and drawn (input_priority).
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp):
            self.clients.priority.hold()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.collector.hand_back()

    # -- start-up -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # What the first health probe waits on, while it waits (a slow endpoint is shown, not a blank screen).
        yield Static("", id="connecting")

    def _show_connecting(self) -> None:
        if self.main_screen is None and self.screen is self.screen_stack[0]:
            waited = time.monotonic() - self._started
            self.query_one("#connecting", Static).update(
                f"Connecting to {self.connection.endpoint_url}… waiting for its health report ({waited:.0f} s)"
            )

    def on_mount(self) -> None:
        self._started = time.monotonic()
        self._connecting = self.set_interval(1.0, self._show_connecting, name="connecting")
        self.set_timer(GC_RESUME_SECONDS, resume_gc)
        self.set_interval(TICK, self.collector.tick, name="idle-gc")
        for warning in self.startup_warnings:
            self.notify(warning, title="Config", severity="warning", timeout=20, markup=False)
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.check_endpoint()

    @work(thread=True, exclusive=True, exit_on_error=False, group="health")
    def check_endpoint(self) -> None:
        endpoint = self.connection.endpoint_url
        clients = self.clients
        # While the health probe waits on the network, build the boto3 clients the lists need.
        if self.main_screen is None:
            threading.Thread(target=clients.warm_up, daemon=True, name="warm-clients").start()
        timeout = HEALTH_TIMEOUT if self.main_screen is not None else FIRST_HEALTH_TIMEOUT
        try:
            health = probe_health(endpoint, timeout=timeout)
        except EndpointSlowError as exc:
            self.post_message(self.Checked(endpoint, None, str(exc), slow=True))
            return
        except LstuiError as exc:
            self.post_message(self.Checked(endpoint, None, str(exc)))
            return
        self.post_message(self.Checked(endpoint, health, None))

    @on(Checked)
    def _on_checked(self, message: Checked) -> None:
        if message.endpoint != self.connection.endpoint_url:
            return
        self.health = message.health
        if self.main_screen is None:
            if message.health is not None:
                self._open_main()
            else:
                self._offer_start(message.error or "no LocalStack")
            return
        bar = self._status_bar()
        if bar is None:
            self.set_timer(HEALTH_SECONDS, self.check_endpoint)
            return
        if message.health is not None:
            was_lost = bar.state == "disconnected"
            bar.version = message.health.version
            bar.state = "connected"
            bar.detail = ""
            if was_lost and self.main_screen is not None:
                self.main_screen.refresh_all(new_endpoint=True)  # back: every list now, not at its next poll
        elif message.slow:
            bar.state = "slow"
            bar.detail = f"no answer within {HEALTH_TIMEOUT:g} s · waiting…"
        else:
            bar.state = "disconnected"
            bar.detail = "retrying…"
            self._offer_restart()
        self.set_timer(HEALTH_SECONDS, self.check_endpoint)

    def _offer_restart(self) -> None:
        """The embedded LocalStack lstui started has died: ask once whether to start it again."""
        server = self.background_server
        if server is None or server.running() or self._restart_offered:
            return
        self._restart_offered = True
        from localstack_tui.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.push_screen(StartingScreen(server.endpoint_url, server.settings.log_path))
                self._start_server(server.settings)

        self.push_screen(
            ConfirmScreen(
                "The embedded LocalStack lstui started has stopped",
                f"It ended ({server.how_it_ended()}). Its resources were in memory and are gone. "
                f"Start it again at {server.endpoint_url}?",
                confirm_label="Restart",
            ),
            answered,
        )

    def _open_main(self) -> None:
        self._connecting.stop()
        main = MainScreen(self.clients, self.config.refresh_seconds)
        self.main_screen = main
        self.push_screen(main)
        self.set_timer(HEALTH_SECONDS, self.check_endpoint)

    def _status_bar(self) -> StatusBar | None:
        if self.main_screen is None:
            return None
        try:
            return self.main_screen.query_one(StatusBar)
        except NoMatches:  # not composed yet
            return None

    @on(MainScreen.Ready)
    def _main_ready(self) -> None:
        self._fill_status()

    def _fill_status(self) -> None:
        bar = self._status_bar()
        if bar is None:  # not composed yet: MainScreen.Ready comes then
            return
        bar.endpoint = self.connection.endpoint_url
        bar.aws_region = self.connection.region
        bar.profile = self.connection.profile_name or ""
        bar.version = self.health.version if self.health else ""
        bar.state = "connected" if self.health else "connecting"

    def _offer_start(self, reason: str) -> None:
        self.push_screen(
            NoLocalStackScreen(self.connection.endpoint_url, reason, embedded_can_start()), self._on_choice
        )

    def _on_choice(self, choice: Choice | None) -> None:
        if choice is None or choice.action == "retry":
            self.check_endpoint()
        elif choice.action == "endpoint":
            try:
                connection = resolve_connection(
                    endpoint_url=choice.endpoint, region=self.connection.region, config=self.config
                )
            except LstuiError as exc:
                self._offer_start(str(exc))
                return
            self._use_connection(connection)
            self.check_endpoint()
        elif choice.action == "start":
            self.keep_server = choice.keep
            settings = self._server_settings()
            self.push_screen(StartingScreen(settings.endpoint_url, settings.log_path))
            self._start_server(settings)

    def _server_settings(self) -> ServerSettings:
        """The embedded server on the endpoint's port when the endpoint is local, else on 4566."""
        from localstack_tui.embedded.server import ServerSettings, default_data_dir

        parts = urlsplit(self.connection.endpoint_url)
        port = parts.port or 4566
        if self.connection.is_local and parts.scheme == "http":
            return ServerSettings(port=port, data_dir=default_data_dir())
        return ServerSettings(data_dir=default_data_dir())

    @work(thread=True, exclusive=True, exit_on_error=False, group="server")
    def _start_server(self, settings: ServerSettings) -> None:
        from localstack_tui.embedded.server import BackgroundServer, ServerError

        server = BackgroundServer(settings)
        try:
            seconds = server.start()
        except ServerError as exc:
            self.post_message(self.ServerStarted(server, 0.0, str(exc)))
            return
        self.post_message(self.ServerStarted(server, seconds, None))

    @on(ServerStarted)
    def _on_server(self, message: ServerStarted) -> None:
        self.pop_screen()  # the StartingScreen
        if message.error is not None:
            self._offer_start(f"The embedded LocalStack did not start: {message.error}")
            return
        self.background_server = message.server
        self._restart_offered = False
        if message.server.endpoint_url != self.connection.endpoint_url:
            self._use_connection(replace(self.connection, endpoint_url=message.server.endpoint_url))
        self.notify(f"LocalStack started at {message.server.endpoint_url} in {message.seconds:.1f} s")
        self.check_endpoint()

    def _use_connection(self, connection: Connection) -> None:
        self.connection = connection
        self.clients = AwsClients(connection, priority=self.clients.priority)
        if self.main_screen is not None:
            self.main_screen.clients = self.clients
            self._fill_status()
            self.main_screen.refresh_all(new_endpoint=True)

    # -- actions --------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        if self.main_screen is not None:
            self.main_screen.action_refresh()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        sections: list[tuple[str, list[tuple[str, str, str]]]] = []
        seen: set[str] = set()
        for node in [*self.screen.focus_chain[:1], self.screen, self]:
            for ancestor in [node, *node.ancestors]:
                bindings = getattr(ancestor, "_bindings", None)
                if bindings is None:
                    continue
                title = type(ancestor).__name__
                if title in seen:
                    continue
                rows = []
                for key, binding_list in bindings.key_to_bindings.items():
                    for binding in binding_list:
                        if binding.id and binding.id not in seen:
                            seen.add(binding.id)
                            rows.append(
                                (
                                    self.get_key_display(binding) or key,
                                    binding.description or binding.action,
                                    binding.id,
                                )
                            )
                if rows:
                    seen.add(title)
                    sections.append((title, rows))
        extra = [
            ("BucketDetail", [("j", "raw notification JSON", "bucket.raw_json")]),
            (
                "QueueDetail",
                [
                    ("p", "peek messages again", "queue.peek"),
                    ("] / [", "next / previous page of messages", "queue.next_page"),
                    ("x", "purge (asks first)", "queue.purge"),
                ],
            ),
            (
                "FunctionDetail",
                [
                    ("m", "show/hide environment values", "function.toggle_mask"),
                    ("W", "watch the source, redeploy on save", "function.watch"),
                ],
            ),
            (
                "MainScreen",
                [
                    ("d", "Deploy handler", "wizard.deploy"),
                    ("w", "Wire trigger", "wizard.wire"),
                    ("b", "Build S3 → SQS → Lambda pipeline", "wizard.pipeline"),
                    ("u", "Upload files", "wizard.upload"),
                    ("i", "Invoke function", "wizard.invoke"),
                ],
            ),
            (
                "ResourceList",
                [("/", "filter the list", "list.filter"), ("escape", "clear the filter", "list.clear_filter")],
            ),
            (
                "LogPane",
                [
                    ("a", "follow every function / the selected one", "logs.all"),
                    ("f", "filter (CloudWatch pattern)", "logs.filter"),
                    ("/", "search", "logs.search"),
                    ("n / N", "next / previous match", "logs.next"),
                    ("P", "pause / resume", "logs.pause"),
                    ("t", "timestamps on / off", "logs.timestamps"),
                    ("G", "newest line, following again", "logs.newest"),
                    ("c", "clear the log pane", "logs.clear"),
                ],
            ),
        ]
        for title, rows in extra:
            rows = [row for row in rows if row[2] not in seen]
            if rows:
                sections.append((title, rows))
        self.push_screen(HelpScreen(sections, str(config_path())))

    def run_on_main(self, widget_type: type, action: str) -> None:
        if self.main_screen is None:
            return
        widget: Any
        for widget in self.main_screen.query(widget_type).results():
            getattr(widget, action)()

    def switch_profile(self, name: str) -> None:
        try:
            connection = resolve_connection(profile=name, config=self.config)
        except LstuiError as exc:
            self.notify(str(exc), severity="error")
            return
        self._use_connection(connection)
        self.notify(f"Profile {name}: {connection.endpoint_url}")
        self.check_endpoint()

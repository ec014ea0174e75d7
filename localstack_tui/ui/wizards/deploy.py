"""Deploy a handler: zip a source file or directory, create or update the function."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input

from localstack_tui.core.connection import AwsClients
from localstack_tui.core.errors import LstuiError
from localstack_tui.core.functions import (
    FAKE_ROLE,
    HOST_RUNTIME,
    DeploySpec,
    FunctionInfo,
    FunctionSnapshot,
    check_deploy,
    delete_function,
    deploy_function,
    function_name,
    get_function,
    restore_function,
    snapshot_function,
)
from localstack_tui.core.packaging import derive_handler, source_files
from localstack_tui.ui.formatting import human_size
from localstack_tui.ui.wizards.base import Choices, Outcome, PathSuggester, Wizard, names_suggester

RUNTIMES = [f"python3.{minor}" for minor in range(9, 15)]


def parse_env_text(text: str) -> dict[str, str]:
    """`K=V, K2=V2` as a dict; ValueError names a pair without '='."""
    env: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{pair!r} is not KEY=VALUE")
        env[key.strip()] = value.strip()
    return env


class DeployWizard(Wizard):
    title_text = "Deploy handler"
    apply_label = "Deploy"

    def __init__(
        self, clients: AwsClients, choices: Choices | None = None, function: str = "", source: str = ""
    ) -> None:
        super().__init__(clients, choices)
        self.initial_function = function
        self.initial_source = source
        self._filled_from = ""

    def form(self) -> ComposeResult:
        yield from self.field(
            "Source file or directory",
            Input(self.initial_source, placeholder="./lambda_function.py", id="source", suggester=PathSuggester()),
            "→ completes the path",
        )
        yield from self.field(
            "Function name",
            Input(
                self.initial_function,
                placeholder="my-s3-lambda",
                id="name",
                suggester=names_suggester(self.choices.functions),
            ),
            "new, or an existing one to update",
        )
        yield from self.field(
            "Runtime", Input(HOST_RUNTIME, id="runtime", suggester=names_suggester(RUNTIMES)), "the seed uses python3.9"
        )
        yield from self.field(
            "Handler", Input("", placeholder="derived from the source", id="handler"), "module.function"
        )
        yield from self.field("Role", Input(FAKE_ROLE, id="role"))
        yield from self.field("Memory (MB)", Input("128", id="memory"))
        yield from self.field("Timeout (s)", Input("3", id="timeout"))
        yield from self.field(
            "Environment",
            Input("", placeholder="KEY=value, OTHER=value", id="env"),
            "empty keeps an existing function's variables",
        )

    def spec(self, errors: dict[str, str]) -> DeploySpec:
        memory = self.number("memory", errors, 128, 10240, "memory")
        timeout = self.number("timeout", errors, 1, 900, "timeout")
        try:
            env = parse_env_text(self.value("env"))
        except ValueError as exc:
            errors["env"] = str(exc)
            env = {}
        return DeploySpec(
            source=Path(self.value("source")).expanduser(),
            name=self.value("name"),
            handler=self.value("handler") or None,
            runtime=self.value("runtime") or None,
            role=self.value("role") or None,
            memory=memory,
            timeout=timeout,
            # Empty on an update keeps the function's variables (they are not shown here: secrets).
            environment=env if env or not self._exists() else None,
        )

    def _exists(self) -> bool:
        return self.value("name") in self.choices.functions

    # -- an existing function's settings, filled in as its name is typed --------------------------
    class Current(Message):
        def __init__(self, name: str, info: FunctionInfo | None) -> None:
            super().__init__()
            self.name, self.info = name, info

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        name = event.value.strip()
        if name in self.choices.functions and name != self._filled_from:
            self._filled_from = name
            self._read_current(name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="deploy-current")
    def _read_current(self, name: str) -> None:
        try:
            info: FunctionInfo | None = get_function(self.clients, name)
        except LstuiError:
            info = None
        self.post_message(self.Current(name, info))

    @on(Current)
    def _on_current(self, message: Current) -> None:
        if message.info is None or message.name != self.value("name") or self.outcome is not None:
            return
        info = message.info
        # Only fields still at their defaults: what the user typed stays.
        for field_id, default, current in (
            ("runtime", HOST_RUNTIME, info.runtime),
            ("handler", "", info.handler),
            ("role", FAKE_ROLE, info.role),
            ("memory", "128", str(info.memory)),
            ("timeout", "3", str(info.timeout)),
        ):
            box = self.query_one(f"#{field_id}", Input)
            if box.value.strip() == default and current:
                box.value = current
        self.refresh_plan()

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.value("source"):
            errors["source"] = "pick the handler's file or directory"
        if not self.value("name"):
            errors["name"] = "a function needs a name"
        else:
            try:
                function_name(self.value("name"))
            except LstuiError as exc:
                errors["name"] = str(exc)
        spec = self.spec(errors)
        if "source" not in errors and not errors.keys() & {"memory", "timeout", "env"}:
            try:
                check_deploy(spec)
            except LstuiError as exc:
                message = str(exc)
                target = next(
                    (
                        key
                        for key, word in (
                            ("handler", "handler"),
                            ("runtime", "runtime"),
                            ("role", "role"),
                            ("env", "environment"),
                        )
                        if word in message
                    ),
                    "source",
                )
                if target not in errors:
                    errors[target] = message
        if "handler" not in errors and not self.value("handler") and "source" not in errors:
            with contextlib.suppress(LstuiError):
                self.query_one("#handler", Input).placeholder = f"{derive_handler(spec.source)} (derived)"
        return errors

    def plan(self) -> list[str]:
        spec = self.spec({})
        files = source_files(spec.source)
        size = sum(path.stat().st_size for path, _ in files)
        handler = spec.handler or derive_handler(spec.source)
        verb = "update" if spec.name in self.choices.functions else "create"
        lines = [
            f"{verb} function {spec.name} ({spec.runtime}, handler {handler})",
            f"from {len(files)} file{'s' if len(files) != 1 else ''} ({human_size(size)}), "
            "syntax-checked, zipped deterministically",
        ]
        if verb == "update":
            lines.append("the code is uploaded only if it changed; settings you changed are applied")
        lines.append("then wait until it is Active and its update Successful")
        return lines

    def prepare(self) -> DeploySpec:
        return self.spec({})

    def perform(self, clients: AwsClients, prepared: DeploySpec) -> Outcome:
        spec = prepared
        snapshot: FunctionSnapshot | None = None
        note = ""
        if spec.name in self.choices.functions:
            try:  # keep the live version, so the update can be undone
                snapshot = snapshot_function(clients, spec.name)
            except LstuiError as exc:
                note = f"no undo: {exc}"
        result = deploy_function(clients, spec, progress=self.step)
        lines = [result.summary()]
        if note:
            lines.append(note)
        undo = None
        if result.created:

            def undo_create(c: AwsClients) -> list[str]:
                delete_function(c, spec.name)
                return [f"deleted function {spec.name}"]

            undo = undo_create
        elif snapshot is not None and (result.code_updated or result.config_updated):
            kept = snapshot

            def undo_update(c: AwsClients) -> list[str]:
                return restore_function(c, kept)

            undo = undo_update
        return Outcome(tuple(lines), undo, extra={"name": spec.name, "source": str(spec.source.resolve())})

    def next_steps(self, outcome: Outcome) -> list[tuple[str, str]]:
        return [("invoke", "Invoke it now"), ("watch", "Watch the source: redeploy on save")]

    def take_next_step(self, step: str) -> None:
        assert self.outcome is not None
        name, source = self.outcome.extra["name"], self.outcome.extra["source"]
        main = self.main_screen()
        self.dismiss(None)
        if step == "watch" and main is not None and hasattr(main, "watch_function"):
            self.app.call_later(main.watch_function, name, source)
            self.app.notify(f"Watching {source}: each save redeploys {name}.")
        elif step == "invoke":
            from localstack_tui.ui.wizards.invoke import InvokeWizard

            if main is not None and hasattr(main, "reveal"):
                main.reveal("function", name)
            functions = tuple(sorted({*self.choices.functions, name}))
            self.app.push_screen(InvokeWizard(self.clients, replace(self.choices, functions=functions), function=name))

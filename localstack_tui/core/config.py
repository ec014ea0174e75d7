"""lstui's configuration file: TOML under platformdirs' config dir.

`LSTUI_CONFIG` points at another file (tests use it). Example::

    default_profile = "local"

    [profiles.local]
    endpoint_url = "http://localhost:4566"
    region = "us-east-1"

    [profiles.shared]
    endpoint_url = "https://localstack.example.internal:4566"
    allow_remote = true
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_path

from localstack_tui.core.errors import ValidationError


def config_path() -> Path:
    """Where lstui reads its configuration from."""
    override = os.environ.get("LSTUI_CONFIG")
    if override:
        return Path(override).expanduser()
    return user_config_path("lstui", appauthor=False) / "config.toml"


@dataclass(frozen=True)
class Profile:
    """A named connection: endpoint, region, credentials and the remote guard."""

    name: str
    endpoint_url: str | None = None
    region: str | None = None
    aws_profile: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    allow_remote: bool = False


@dataclass(frozen=True)
class Config:
    profiles: dict[str, Profile] = field(default_factory=dict)
    default_profile: str | None = None
    refresh_seconds: float = 5.0
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)

    def profile(self, name: str | None) -> Profile | None:
        """The named profile, else the default one, else None."""
        chosen = name or self.default_profile
        if chosen is None:
            return None
        if chosen not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ValidationError(f"no profile {chosen!r} in {config_path()} (profiles: {known})")
        return self.profiles[chosen]


def _string(table: dict[str, object], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ValidationError(f"{where}: {key} must be a string")


def parse_config(text: str, source: str = "config") -> Config:
    """Parse the TOML text of a config file; bad files give one clear line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{source} is not valid TOML: {exc}") from None
    profiles: dict[str, Profile] = {}
    raw_profiles = data.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise ValidationError(f"{source}: [profiles] must be a table")
    for name, table in raw_profiles.items():
        if not isinstance(table, dict):
            raise ValidationError(f"{source}: [profiles.{name}] must be a table")
        where = f"{source} [profiles.{name}]"
        allow_remote = table.get("allow_remote", False)
        if not isinstance(allow_remote, bool):
            raise ValidationError(f"{where}: allow_remote must be true or false")
        profiles[name] = Profile(
            name=name,
            endpoint_url=_string(table, "endpoint_url", where),
            region=_string(table, "region", where),
            aws_profile=_string(table, "aws_profile", where),
            access_key_id=_string(table, "access_key_id", where),
            secret_access_key=_string(table, "secret_access_key", where),
            allow_remote=allow_remote,
        )
    default = data.get("default_profile")
    if default is not None and default not in profiles:
        raise ValidationError(f"{source}: default_profile {default!r} is not a profile")
    refresh = data.get("refresh_seconds", 5.0)
    if not isinstance(refresh, int | float) or refresh <= 0:
        raise ValidationError(f"{source}: refresh_seconds must be a positive number")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise ValidationError(f"{source}: [keymap] must map binding ids to keys")
    theme = data.get("theme")
    return Config(
        profiles=profiles,
        default_profile=default,
        refresh_seconds=float(refresh),
        theme=theme if isinstance(theme, str) else None,
        keymap=dict(keymap),
    )


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror}") from None
    return parse_config(text, str(path))

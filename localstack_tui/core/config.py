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
import re
import shlex
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
            raise ValidationError(f"{source}: [profiles.{name!r}] must be a table")
        where = f"{source} [profiles.{name!r}]"
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
    if default is not None and not isinstance(default, str):
        raise ValidationError(f"{source}: default_profile must be a profile's name (a string)")
    if default is not None and default not in profiles:
        raise ValidationError(f"{source}: default_profile {default!r} is not a profile")
    refresh = data.get("refresh_seconds", 5.0)
    if isinstance(refresh, bool) or not isinstance(refresh, int | float) or not 0 < refresh < 86_400:
        raise ValidationError(f"{source}: refresh_seconds must be a number of seconds, more than 0 and under a day")
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


def load_config_or_defaults(path: Path | None = None) -> tuple[Config, str | None]:
    """The config, or the defaults and why the file could not be used (lstui still starts)."""
    try:
        return load_config(path), None
    except ValidationError as exc:
        return Config(), str(exc)


def load_config_for(profile: str | None) -> tuple[Config, list[str]]:
    """The config lstui runs with, and what to warn about (lstui's entry points share this policy).

    A broken file gives the defaults and a warning, unless a profile was asked for by name:
    then there is nothing to run with, and the error says why.
    """
    config, problem = load_config_or_defaults()
    if problem and profile:
        raise ValidationError(f"cannot use profile {profile}: {problem}")
    warnings = [f"{problem}; using the defaults"] if problem else []
    permissions = permissions_warning()
    if permissions:
        warnings.append(permissions)
    return config, warnings


def permissions_warning(path: Path | None = None) -> str | None:
    """A warning when a config file holding credentials can be read by others (as ssh warns)."""
    path = path or config_path()
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    if mode & 0o077 and ("secret_access_key" in text or "access_key_id" in text):
        return (
            f"{path} holds credentials and can be read by others (mode {mode & 0o777:o}): "
            f"chmod 600 {shlex.quote(str(path))}"
        )
    return None


# -- writing ---------------------------------------------------------------------------------------

STARTER = """\
# lstui's configuration (the README's "Configuration" says more).
# Profiles: one per LocalStack (or AWS account) you talk to; `lstui --profile NAME` picks one.

default_profile = "local"
refresh_seconds = 5.0

[profiles.local]
endpoint_url = "http://localhost:4566"
region = "us-east-1"

# [profiles.shared]
# endpoint_url = "https://localstack.example.internal:4566"
# region = "eu-west-1"
# allow_remote = true          # changes on a non-local endpoint are refused unless this is set

# [keymap]                     # binding id = key(s); ids are listed on the help screen (?)
# "main.refresh" = "ctrl+r"
"""

PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (0600), atomically: a crash leaves the old file whole."""
    path = path.resolve()  # a symlinked config (dotfiles) stays a symlink: its target is written
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)  # whatever the umask
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def init_config(path: Path | None = None) -> Path:
    """Write the starter config; never over an existing file."""
    path = path or config_path()
    if path.exists():
        raise ValidationError(f"{path} already exists: edit it, or add a profile with `lstui config add-profile`")
    write_private(path, STARTER)
    return path


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as it is."""
    escaped = "".join(
        _TOML_ESCAPES.get(char) or (f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in value
    )
    return f'"{escaped}"'


def add_profile(profile: Profile, make_default: bool = False, path: Path | None = None) -> Path:
    """Append a profile to the config file (created if missing), keeping every line the user wrote."""
    from localstack_tui.core.connection import validate_endpoint_url

    path = path or config_path()
    if not PROFILE_NAME.fullmatch(profile.name):
        raise ValidationError(f"profile name {profile.name!r}: use letters, digits, - and _ (at most 64)")
    if profile.endpoint_url is not None:
        validate_endpoint_url(profile.endpoint_url)
    if profile.region is not None and not REGION.fullmatch(profile.region):
        raise ValidationError(f"region {profile.region!r} is not an AWS region (e.g. us-east-1)")
    if (profile.access_key_id is None) != (profile.secret_access_key is None):
        raise ValidationError("give both the access key id and the secret access key, or neither")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror}") from None
    existing = parse_config(text, str(path))  # a broken file is not written over: fix it first
    if profile.name in existing.profiles:
        raise ValidationError(f"{path} already has a profile {profile.name!r}: edit it there")
    lines = [f"[profiles.{profile.name}]"]
    for key in ("endpoint_url", "region", "aws_profile", "access_key_id", "secret_access_key"):
        value = getattr(profile, key)
        if value is not None:
            lines.append(f"{key} = {_toml_string(value)}")
    if profile.allow_remote:
        lines.append("allow_remote = true")
    if text and not text.endswith("\n"):
        text += "\n"
    text = f"{text}\n" + "\n".join(lines) + "\n" if text else "\n".join(lines) + "\n"
    if make_default:
        line = f"default_profile = {_toml_string(profile.name)}"
        if existing.default_profile is not None:
            text = re.sub(r"(?m)^default_profile\s*=.*$", lambda _: line, text, count=1)
        else:
            text = f"{line}\n{text}"  # a top-level key goes before every table
    written = parse_config(text, str(path))  # what is written reads back
    if written.profiles.get(profile.name) != profile or (make_default and written.default_profile != profile.name):
        raise ValidationError(f"cannot add profile {profile.name!r} to {path} without rewriting it: edit it there")
    write_private(path, text)
    return path

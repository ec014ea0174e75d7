"""lstui's config file: written by lstui with mode 0600, never losing a line the user wrote."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localstack_tui.core.config import (
    STARTER,
    Profile,
    add_profile,
    init_config,
    load_config,
    load_config_or_defaults,
    parse_config,
    permissions_warning,
)
from localstack_tui.core.errors import ValidationError

USER_TEXT = """# my own notes, kept
refresh_seconds = 2.5

[profiles.mine]   # the one I use
endpoint_url = "http://localhost:4566"

[keymap]
"main.refresh" = "ctrl+r"
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_writes_a_private_starter_once(tmp_path: Path) -> None:
    path = tmp_path / "lstui" / "config.toml"
    assert init_config(path) == path
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert path.read_text() == STARTER
    assert load_config(path).default_profile == "local"
    with pytest.raises(ValidationError, match="already exists"):
        init_config(path)
    assert path.read_text() == STARTER


def test_add_profile_appends_and_keeps_every_user_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_TEXT)
    path.chmod(0o644)
    add_profile(
        Profile("shared", "https://ls.example:4566", "eu-west-1", None, "AKID", 'se"cret\\', allow_remote=True),
        make_default=True,
        path=path,
    )
    text = path.read_text()
    assert text.startswith('default_profile = "shared"\n' + USER_TEXT)
    assert mode(path) == 0o600, "credentials are written readable by the owner only"
    config = load_config(path)
    assert config.default_profile == "shared" and config.refresh_seconds == 2.5
    assert config.keymap == {"main.refresh": "ctrl+r"}
    assert config.profiles["shared"] == Profile(
        "shared", "https://ls.example:4566", "eu-west-1", None, "AKID", 'se"cret\\', allow_remote=True
    )
    add_profile(Profile("other", "http://127.0.0.1:4599"), make_default=True, path=path)
    assert load_config(path).default_profile == "other"
    assert path.read_text().count("default_profile") == 1


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (Profile("mine", "http://localhost:4566"), "already has a profile 'mine'"),
        (Profile("bad name"), "profile name"),
        (Profile("x", "localhost:4566"), "not an http"),
        (Profile("x", region="mars-1"), "not an AWS region"),
        (Profile("x", access_key_id="AKID"), "both the access key id and the secret"),
    ],
)
def test_bad_profiles_change_nothing(tmp_path: Path, profile: Profile, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_TEXT)
    with pytest.raises(ValidationError, match=message):
        add_profile(profile, path=path)
    assert path.read_text() == USER_TEXT


def test_a_broken_file_is_not_written_over(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[profiles.x\n")
    with pytest.raises(ValidationError, match="not valid TOML"):
        add_profile(Profile("y"), path=path)
    assert path.read_text() == "[profiles.x\n"
    config, problem = load_config_or_defaults(path)
    assert config == load_config(tmp_path / "missing.toml")
    assert problem is not None and "line 1" in problem and str(path) in problem


def test_permissions_warning_only_for_credentials_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.a]\naccess_key_id = "A"\nsecret_access_key = "B"\n')
    path.chmod(0o644)
    warning = permissions_warning(path)
    assert warning is not None and "chmod 600" in warning and "644" in warning
    path.chmod(0o600)
    assert permissions_warning(path) is None
    path.write_text(USER_TEXT)
    path.chmod(0o644)
    assert permissions_warning(path) is None, "no credentials in it: nothing to hide"


names = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)
values = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(name=names, endpoint_port=st.integers(1, 65535), key=values, secret=values, default=st.booleans())
def test_any_written_profile_reads_back(
    tmp_path_factory: pytest.TempPathFactory, name: str, endpoint_port: int, key: str, secret: str, default: bool
) -> None:
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_text(USER_TEXT)
    if name == "mine":
        return
    profile = Profile(name, f"http://localhost:{endpoint_port}", "us-west-2", None, key, secret)
    add_profile(profile, make_default=default, path=path)
    config = parse_config(path.read_text())
    assert config.profiles[name] == profile
    assert config.profiles["mine"].endpoint_url == "http://localhost:4566"
    assert (config.default_profile == name) is default


def test_a_symlinked_config_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "lstui.toml"
    real.parent.mkdir()
    real.write_text(USER_TEXT)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    add_profile(Profile("linked", "http://localhost:4599"), path=link)
    assert link.is_symlink() and "linked" in load_config(real).profiles


def test_a_default_it_cannot_replace_cleanly_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    text = '  default_profile = "mine"\n' + USER_TEXT  # indented: valid TOML, not a line lstui rewrites
    path.write_text(text)
    with pytest.raises(ValidationError, match="without rewriting it"):
        add_profile(Profile("other", "http://localhost:4599"), make_default=True, path=path)
    assert path.read_text() == text
